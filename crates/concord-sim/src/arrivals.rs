//! Arrivals: a renewal process (any distribution of the time between arrivals), a Poisson
//! process at a fixed rate, or one whose rate varies by hour of day, weekday and month, sampled
//! by thinning (Lewis and Shedler 1979): candidates at the peak rate, each kept with probability
//! rate(t) / peak. A rate may come from a registered population: the people on a list in each
//! band times their consultations a year, times the share that come this way.

use crate::calendar::{Calendar, DAYS_PER_YEAR};
use crate::dist::{positive, Dist, DistSpec};
use chrono::Datelike;
use rand::Rng;
use rand_distr::Exp1;
use serde::Deserialize;

/// The most bands a population source may list.
pub const MAX_BANDS: usize = 200;

/// One band of a registered list: `{ band = "65-74", people = 4210, per_year = 6.1 }`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandSpec {
    /// Its label (an age band, say).
    #[serde(default)]
    pub band: Option<String>,
    /// People registered in it.
    pub people: f64,
    /// Consultations a person a year.
    pub per_year: f64,
}

/// Multipliers of a Poisson rate by hour, weekday and month.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// 24 multipliers from midnight.
    pub by_hour: Option<Vec<f64>>,
    /// 7 multipliers from Monday.
    pub by_weekday: Option<Vec<f64>>,
    /// 12 multipliers from January.
    pub by_month: Option<Vec<f64>>,
    /// The product of the greatest multipliers.
    pub peak: f64,
}

/// How arrivals come.
#[derive(Debug, Clone, PartialEq)]
pub enum Arrivals {
    /// Times between arrivals drawn independently from a distribution.
    Renewal(Dist),
    /// A Poisson process: `rate` per time unit, times the profile's multipliers at each moment.
    Poisson {
        /// The mean rate per time unit (before the profile's multipliers).
        rate: f64,
        /// How the rate varies, if it does.
        profile: Option<Profile>,
    },
}

fn multipliers(name: &str, values: &Option<Vec<f64>>, len: usize) -> Result<f64, String> {
    let Some(values) = values else { return Ok(1.0) };
    if values.len() != len {
        return Err(format!(
            "{name} needs {len} multipliers (it has {})",
            values.len()
        ));
    }
    if values.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
        return Err(format!("{name}'s multipliers must all be 0 or more"));
    }
    let peak = values.iter().copied().fold(0.0, f64::max);
    if peak <= 0.0 {
        return Err(format!(
            "{name}'s multipliers are all 0: nobody would arrive"
        ));
    }
    Ok(peak)
}

impl Arrivals {
    /// The arrivals a model's `arrivals = { ... }` describes, with a sentence saying how they
    /// were worked out. `per_day` is the calendar's time units a day (None for a time unit the
    /// calendar does not know), `dated` whether the run has a start date.
    pub fn from_spec(
        spec: &DistSpec,
        per_day: Option<f64>,
        dated: bool,
    ) -> Result<(Arrivals, String), String> {
        let kind = spec.dist.trim();
        let (rate, mut described) = match kind {
            "poisson" => {
                if spec.bands.is_some() || spec.share.is_some() {
                    return Err("bands and share belong to dist = \"population\"".into());
                }
                let rate = positive("rate", spec.rate)?;
                (rate, format!("Poisson, {rate} a time unit"))
            }
            "population" => {
                if spec.rate.is_some() {
                    return Err("a population's rate comes from its bands: drop rate".into());
                }
                let per_day = per_day.ok_or(
                    "population arrivals need time_unit minute, hour, day or week".to_string(),
                )?;
                let bands = spec.bands.as_deref().unwrap_or_default();
                if bands.is_empty() || bands.len() > MAX_BANDS {
                    return Err(format!("a population needs from 1 to {MAX_BANDS} bands"));
                }
                let mut people = 0.0;
                let mut a_year = 0.0;
                for band in bands {
                    if !(band.people.is_finite() && band.people >= 0.0) {
                        return Err("a band's people must be 0 or more".into());
                    }
                    if !(band.per_year.is_finite() && band.per_year >= 0.0) {
                        return Err("a band's per_year must be 0 or more".into());
                    }
                    people += band.people;
                    a_year += band.people * band.per_year;
                }
                let share = spec.share.unwrap_or(1.0);
                if !(share.is_finite() && share > 0.0 && share <= 1.0) {
                    return Err(format!(
                        "share must be above 0 and at most 1 (it is {share})"
                    ));
                }
                if a_year * share <= 0.0 {
                    return Err("the bands give no consultations: nobody would arrive".into());
                }
                let rate = a_year * share / (DAYS_PER_YEAR * per_day);
                (
                    rate,
                    format!(
                        "Poisson from a registered population of {people:.0} in {} bands: {a_year:.0} consultations a year{}, {rate:.4} a time unit",
                        bands.len(),
                        if share < 1.0 { format!(" times a share of {share}") } else { String::new() }
                    ),
                )
            }
            _ => {
                let dist = spec.to_dist()?;
                let described = format!("times between arrivals: {kind}, mean {:.4}", dist.mean());
                return Ok((Arrivals::Renewal(dist), described));
            }
        };
        let profiled =
            spec.by_hour.is_some() || spec.by_weekday.is_some() || spec.by_month.is_some();
        if !profiled {
            return Ok((
                Arrivals::Poisson {
                    rate,
                    profile: None,
                },
                described,
            ));
        }
        if per_day.is_none() {
            return Err(
                "by_hour, by_weekday and by_month need time_unit minute, hour, day or week".into(),
            );
        }
        if spec.by_month.is_some() && !dated {
            return Err(
                "by_month needs the run's start date ([run] start = \"YYYY-MM-DD\")".into(),
            );
        }
        let peak = multipliers("by_hour", &spec.by_hour, 24)?
            * multipliers("by_weekday", &spec.by_weekday, 7)?
            * multipliers("by_month", &spec.by_month, 12)?;
        let by: Vec<&str> = [
            ("hour", &spec.by_hour),
            ("weekday", &spec.by_weekday),
            ("month", &spec.by_month),
        ]
        .iter()
        .filter(|(_, v)| v.is_some())
        .map(|(n, _)| *n)
        .collect();
        described.push_str(&format!(
            ", times multipliers by {} (sampled by thinning)",
            by.join(" and ")
        ));
        Ok((
            Arrivals::Poisson {
                rate,
                profile: Some(Profile {
                    by_hour: spec.by_hour.clone(),
                    by_weekday: spec.by_weekday.clone(),
                    by_month: spec.by_month.clone(),
                    peak,
                }),
            },
            described,
        ))
    }

    /// The time of the next arrival after `now`, or a time after `end` when there is none
    /// before it.
    pub fn next<R: Rng + ?Sized>(
        &self,
        now: f64,
        rng: &mut R,
        calendar: &Calendar,
        end: f64,
    ) -> f64 {
        match self {
            Arrivals::Renewal(dist) => now + dist.sample(rng),
            Arrivals::Poisson {
                rate,
                profile: None,
            } => {
                let unit: f64 = rng.sample(Exp1);
                now + unit / rate
            }
            Arrivals::Poisson {
                rate,
                profile: Some(profile),
            } => {
                let peak = rate * profile.peak;
                let mut t = now;
                loop {
                    let unit: f64 = rng.sample(Exp1);
                    t += unit / peak;
                    if t > end {
                        return t;
                    }
                    let keep: f64 = rng.gen();
                    if keep * profile.peak <= profile.multiplier(t, calendar) {
                        return t;
                    }
                }
            }
        }
    }

    /// The rate at which candidate arrivals are drawn: the peak rate for a profile sampled by
    /// thinning, else the mean rate. What a run costs grows with this.
    pub fn candidate_rate(&self) -> f64 {
        match self {
            Arrivals::Poisson {
                rate,
                profile: Some(profile),
            } => rate * profile.peak,
            other => other.mean_rate(),
        }
    }

    /// The mean rate per time unit over a long run (the profile averaged evenly).
    pub fn mean_rate(&self) -> f64 {
        match self {
            Arrivals::Renewal(dist) => 1.0 / dist.mean(),
            Arrivals::Poisson { rate, profile } => {
                let avg = |v: &Option<Vec<f64>>| {
                    v.as_ref()
                        .map_or(1.0, |v| v.iter().sum::<f64>() / v.len() as f64)
                };
                profile.as_ref().map_or(*rate, |p| {
                    rate * avg(&p.by_hour) * avg(&p.by_weekday) * avg(&p.by_month)
                })
            }
        }
    }
}

impl Profile {
    /// The rate's multiplier at time `t`.
    pub fn multiplier(&self, t: f64, calendar: &Calendar) -> f64 {
        let day = calendar.day(t);
        let mut m = 1.0;
        if let Some(by_hour) = &self.by_hour {
            let into_day = (t - day as f64 * calendar.per_day) / calendar.per_day;
            m *= by_hour[((into_day * 24.0) as usize).min(23)];
        }
        if let Some(by_weekday) = &self.by_weekday {
            m *= by_weekday[calendar.weekday(day)];
        }
        if let Some(by_month) = &self.by_month {
            if let Some(date) = calendar.date(day) {
                m *= by_month[date.month0() as usize];
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn spec(text: &str) -> DistSpec {
        #[derive(Deserialize)]
        struct Holder {
            d: DistSpec,
        }
        toml::from_str::<Holder>(&format!("d = {text}")).unwrap().d
    }

    #[test]
    fn a_population_gives_people_times_rates_times_share() {
        let (arrivals, described) = Arrivals::from_spec(
            &spec("{ dist = \"population\", bands = [ { band = \"0-64\", people = 40000, per_year = 3.0 }, { band = \"65+\", people = 10000, per_year = 8.0 } ], share = 0.2 }"),
            Some(1.0),
            false,
        )
        .unwrap();
        let expected = (40_000.0 * 3.0 + 10_000.0 * 8.0) * 0.2 / 365.25;
        assert!((arrivals.mean_rate() - expected).abs() < 1e-9);
        assert!(described.contains("50000"), "{described}");
    }

    #[test]
    fn thinning_keeps_the_profile_shape() {
        // Weekdays only: nobody arrives at weekends and the mean rate is 5/7 of the stated one.
        let (arrivals, _) = Arrivals::from_spec(
            &spec("{ dist = \"poisson\", rate = 50.0, by_weekday = [1, 1, 1, 1, 1, 0, 0] }"),
            Some(1.0),
            false,
        )
        .unwrap();
        let calendar = Calendar {
            per_day: 1.0,
            start: None,
        };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let (mut t, mut count, mut weekend) = (0.0, 0u32, 0u32);
        loop {
            t = arrivals.next(t, &mut rng, &calendar, 700.0);
            if t > 700.0 {
                break;
            }
            count += 1;
            if calendar.weekday(calendar.day(t)) >= 5 {
                weekend += 1;
            }
        }
        assert_eq!(weekend, 0);
        let expected = 50.0 * 500.0;
        assert!(
            (f64::from(count) - expected).abs() < 4.0 * expected.sqrt(),
            "{count}"
        );
    }

    #[test]
    fn bad_profiles_and_populations_are_refused() {
        let bad = |text: &str| Arrivals::from_spec(&spec(text), Some(24.0), false).unwrap_err();
        assert!(bad("{ dist = \"poisson\", rate = -1.0 }").contains("rate"));
        assert!(bad("{ dist = \"poisson\", rate = 1.0, by_hour = [1.0, 2.0] }").contains("24"));
        assert!(
            bad("{ dist = \"poisson\", rate = 1.0, by_weekday = [0, 0, 0, 0, 0, 0, 0] }")
                .contains("nobody")
        );
        assert!(
            bad("{ dist = \"poisson\", rate = 1.0, by_month = [1,1,1,1,1,1,1,1,1,1,1,1] }")
                .contains("start date")
        );
        assert!(bad("{ dist = \"population\", bands = [] }").contains("bands"));
        assert!(bad(
            "{ dist = \"population\", bands = [ { people = 10, per_year = 1.0 } ], share = 2.0 }"
        )
        .contains("share"));
    }
}
