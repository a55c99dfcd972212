//! Distributions of times: service times and the time between arrivals. Each is written in a model
//! by its name and the parameters people know (a mean and a standard deviation rather than a
//! lognormal's mu and sigma), checked when the model is read, and sampled with `rand_distr`.

use rand::Rng;
use rand_distr::{Distribution, Exp1, Gamma, LogNormal, Triangular, Weibull};
use serde::Deserialize;

/// A distribution as written in a model: `{ dist = "exponential", mean = 1.0 }`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistSpec {
    /// Its name: poisson (arrivals only), exponential, fixed, lognormal, gamma, weibull,
    /// triangular or empirical.
    pub dist: String,
    /// Events per time unit (poisson).
    pub rate: Option<f64>,
    /// The mean (exponential, lognormal, gamma).
    pub mean: Option<f64>,
    /// The standard deviation (lognormal, gamma).
    pub sd: Option<f64>,
    /// The value (fixed).
    pub value: Option<f64>,
    /// The shape (weibull).
    pub shape: Option<f64>,
    /// The scale (weibull).
    pub scale: Option<f64>,
    /// The least value (triangular).
    pub min: Option<f64>,
    /// The most likely value (triangular).
    pub mode: Option<f64>,
    /// The greatest value (triangular).
    pub max: Option<f64>,
    /// Observed values, each equally likely (empirical).
    pub values: Option<Vec<f64>>,
    /// Arrivals only: the rate's multiplier for each hour of the day (24, from midnight).
    pub by_hour: Option<Vec<f64>>,
    /// Arrivals only: the rate's multiplier for each weekday (7, Monday first).
    pub by_weekday: Option<Vec<f64>>,
    /// Arrivals only: the rate's multiplier for each month (12, January first).
    pub by_month: Option<Vec<f64>>,
    /// Arrivals only (population): the registered list by band, each with its rate a year.
    pub bands: Option<Vec<crate::arrivals::BandSpec>>,
    /// Arrivals only (population): the share of those consultations that come this way.
    pub share: Option<f64>,
}

/// The most values an empirical distribution may hold.
pub const MAX_EMPIRICAL_VALUES: usize = 100_000;

/// A distribution of non-negative times, ready to sample.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// Exponential with this mean.
    Exponential(f64),
    /// Always this value.
    Fixed(f64),
    /// Lognormal with these mu and sigma (of the logarithm).
    LogNormal(f64, f64),
    /// Gamma with this shape and scale.
    Gamma(f64, f64),
    /// Weibull with this shape and scale.
    Weibull(f64, f64),
    /// Triangular on min, mode, max.
    Triangular(f64, f64, f64),
    /// One of these values, each equally likely.
    Empirical(Vec<f64>),
}

pub(crate) fn positive(name: &str, value: Option<f64>) -> Result<f64, String> {
    match value {
        Some(v) if v.is_finite() && v > 0.0 => Ok(v),
        Some(v) => Err(format!("{name} must be a number above 0 (it is {v})")),
        None => Err(format!("{name} is missing")),
    }
}

impl DistSpec {
    /// The distribution of a time (service), or what is wrong with it.
    pub fn to_dist(&self) -> Result<Dist, String> {
        if self.by_hour.is_some()
            || self.by_weekday.is_some()
            || self.by_month.is_some()
            || self.bands.is_some()
            || self.share.is_some()
        {
            return Err(
                "by_hour, by_weekday, by_month, bands and share describe poisson or population arrivals, not a time"
                    .into(),
            );
        }
        match self.dist.trim() {
            "exponential" => Ok(Dist::Exponential(positive("mean", self.mean)?)),
            "fixed" => match self.value {
                Some(v) if v.is_finite() && v >= 0.0 => Ok(Dist::Fixed(v)),
                Some(v) => Err(format!("value must be 0 or more (it is {v})")),
                None => Err("value is missing".into()),
            },
            "lognormal" => {
                let (mean, sd) = (positive("mean", self.mean)?, positive("sd", self.sd)?);
                let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
                Ok(Dist::LogNormal(mean.ln() - sigma2 / 2.0, sigma2.sqrt()))
            }
            "gamma" => {
                let (mean, sd) = (positive("mean", self.mean)?, positive("sd", self.sd)?);
                let shape = (mean / sd).powi(2);
                Ok(Dist::Gamma(shape, mean / shape))
            }
            "weibull" => Ok(Dist::Weibull(
                positive("shape", self.shape)?,
                positive("scale", self.scale)?,
            )),
            "triangular" => {
                let (min, mode, max) = (self.min, self.mode, self.max);
                match (min, mode, max) {
                    (Some(a), Some(m), Some(b))
                        if a.is_finite() && b.is_finite() && a >= 0.0 && a <= m && m <= b && a < b =>
                    {
                        Ok(Dist::Triangular(a, m, b))
                    }
                    (Some(_), Some(_), Some(_)) => {
                        Err("needs 0 <= min <= mode <= max, with min below max".into())
                    }
                    _ => Err("needs min, mode and max".into()),
                }
            }
            "empirical" => match &self.values {
                Some(v) if !v.is_empty() && v.len() <= MAX_EMPIRICAL_VALUES => {
                    if v.iter().all(|x| x.is_finite() && *x >= 0.0) {
                        Ok(Dist::Empirical(v.clone()))
                    } else {
                        Err("values must all be 0 or more".into())
                    }
                }
                Some(v) if !v.is_empty() => Err(format!(
                    "at most {MAX_EMPIRICAL_VALUES} values (there are {})",
                    v.len()
                )),
                _ => Err("values are missing".into()),
            },
            "poisson" | "population" => Err("\"poisson\" and \"population\" describe arrivals; a time needs exponential, fixed, lognormal, gamma, weibull, triangular or empirical".into()),
            other => Err(format!(
                "\"{other}\" is not a distribution Concord knows: use exponential, fixed, lognormal, gamma, weibull, triangular or empirical"
            )),
        }
    }
}

impl Dist {
    /// One sample.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Exponential(mean) => {
                let unit: f64 = rng.sample(Exp1);
                mean * unit
            }
            Dist::Fixed(v) => *v,
            Dist::LogNormal(mu, sigma) => {
                LogNormal::new(*mu, *sigma).map_or(0.0, |d| d.sample(rng))
            }
            Dist::Gamma(shape, scale) => Gamma::new(*shape, *scale).map_or(0.0, |d| d.sample(rng)),
            Dist::Weibull(shape, scale) => {
                Weibull::new(*scale, *shape).map_or(0.0, |d| d.sample(rng))
            }
            Dist::Triangular(a, m, b) => Triangular::new(*a, *b, *m).map_or(*m, |d| d.sample(rng)),
            Dist::Empirical(values) => values[rng.gen_range(0..values.len())],
        }
    }

    /// The distribution in words: "exponential, mean 1", "fixed at 0.33".
    pub fn describe(&self) -> String {
        let n = |x: f64| {
            let r = (x * 1000.0).round() / 1000.0;
            r.to_string()
        };
        match self {
            Dist::Exponential(m) => format!("exponential, mean {}", n(*m)),
            Dist::Fixed(v) => format!("fixed at {}", n(*v)),
            Dist::LogNormal(..) | Dist::Gamma(..) | Dist::Weibull(..) | Dist::Triangular(..) => {
                let kind = match self {
                    Dist::LogNormal(..) => "lognormal",
                    Dist::Gamma(..) => "gamma",
                    Dist::Weibull(..) => "Weibull",
                    _ => "triangular",
                };
                format!("{kind}, mean {}", n(self.mean()))
            }
            Dist::Empirical(v) => format!("{} observed values, mean {}", v.len(), n(self.mean())),
        }
    }

    /// The mean, where it has a simple form.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Exponential(m) | Dist::Fixed(m) => *m,
            Dist::LogNormal(mu, sigma) => (mu + sigma * sigma / 2.0).exp(),
            Dist::Gamma(shape, scale) => shape * scale,
            Dist::Weibull(shape, scale) => scale * gamma_fn(1.0 + 1.0 / shape),
            Dist::Triangular(a, m, b) => (a + m + b) / 3.0,
            Dist::Empirical(v) => v.iter().sum::<f64>() / v.len() as f64,
        }
    }
}

/// The gamma function (Lanczos approximation, g = 7), for the Weibull mean.
fn gamma_fn(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma_fn(1.0 - x));
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let series = G[1..]
        .iter()
        .enumerate()
        .fold(G[0], |acc, (i, g)| acc + g / (x + i as f64 + 1.0));
    (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * series
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
    fn sample_means_match_the_stated_means() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        for text in [
            "{ dist = \"exponential\", mean = 2.0 }",
            "{ dist = \"lognormal\", mean = 2.0, sd = 1.5 }",
            "{ dist = \"gamma\", mean = 2.0, sd = 0.5 }",
            "{ dist = \"weibull\", shape = 1.5, scale = 2.0 }",
            "{ dist = \"triangular\", min = 1.0, mode = 2.0, max = 4.0 }",
            "{ dist = \"empirical\", values = [1.0, 2.0, 6.0] }",
            "{ dist = \"fixed\", value = 2.5 }",
        ] {
            let dist = spec(text).to_dist().unwrap();
            let n = 200_000;
            let mean = (0..n).map(|_| dist.sample(&mut rng)).sum::<f64>() / f64::from(n);
            let expected = dist.mean();
            assert!(
                (mean - expected).abs() / expected < 0.02,
                "{text}: sample mean {mean}, expected {expected}"
            );
        }
    }

    #[test]
    fn the_gamma_function_is_right_where_known() {
        assert!((gamma_fn(5.0) - 24.0).abs() < 1e-9);
        assert!((gamma_fn(0.5) - std::f64::consts::PI.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn bad_parameters_are_refused_with_a_reason() {
        assert!(spec("{ dist = \"exponential\", mean = 0.0 }")
            .to_dist()
            .unwrap_err()
            .contains("mean"));
        assert!(
            spec("{ dist = \"exponential\", mean = 1.0, by_hour = [1.0] }")
                .to_dist()
                .unwrap_err()
                .contains("arrivals")
        );
        assert!(
            spec("{ dist = \"triangular\", min = 3.0, mode = 2.0, max = 4.0 }")
                .to_dist()
                .is_err()
        );
        assert!(spec("{ dist = \"poisson\", rate = 1.0 }")
            .to_dist()
            .is_err());
    }
}
