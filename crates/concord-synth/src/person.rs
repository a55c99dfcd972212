//! The model of one synthetic person: where they live, their age and sex, conditions, frailty
//! deficits, medicines, observations, social circumstances and hospital use.

use crate::tables::{self, AgeProfile, CONDITIONS, ENGLAND_AGE_SEX};
use crate::{SynthOptions, SynthSystem};
use chrono::{Datelike, Days, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal, Poisson};

/// Residents per LSOA (England's LSOAs hold 1,000 to 3,000 people, about 1,600 on average).
const RESIDENTS_PER_LSOA: usize = 1_600;
/// Postcodes per LSOA.
const POSTCODES_PER_LSOA: usize = 12;

/// A lower-layer super output area of the fictional system.
#[derive(Debug, Clone)]
pub struct Lsoa {
    /// Its code: `E019` and five digits, outside the range of real English LSOA codes.
    pub code: String,
    /// Its place (index into the system's places).
    pub place: usize,
    /// Its national IMD decile, 1 (most deprived) to 10.
    pub decile: u8,
    /// Its postcodes.
    pub postcodes: Vec<String>,
}

/// The system's LSOAs, drawn for a population of a given size.
#[derive(Debug, Clone)]
pub struct Geography {
    /// Every LSOA.
    pub lsoas: Vec<Lsoa>,
    /// LSOA indexes by place.
    pub by_place: Vec<Vec<usize>>,
}

impl Geography {
    /// LSOAs enough for `people`, shared over the places by weight, each place's deciles drawn to
    /// its deprivation profile.
    pub fn draw(system: &SynthSystem, people: usize, rng: &mut ChaCha8Rng) -> Geography {
        let total_weight: f64 = system.places.iter().map(|p| p.weight).sum();
        let mut lsoas = Vec::new();
        let mut by_place = Vec::new();
        for (place_index, place) in system.places.iter().enumerate() {
            let residents = people as f64 * place.weight / total_weight;
            let count = ((residents / RESIDENTS_PER_LSOA as f64).round() as usize).max(3);
            let mut indexes = Vec::new();
            for n in 0..count {
                let decile = 1 + pick_weighted(&place.deprivation, rng) as u8;
                let number = lsoas.len() + 1;
                let district = 1 + n / 40;
                let postcodes = (0..POSTCODES_PER_LSOA)
                    .map(|k| {
                        let unit = n * POSTCODES_PER_LSOA + k;
                        let letters = b"ABDEFGHJLNPQRSTUWXYZ";
                        format!(
                            "{}{} {}{}{}",
                            place.postcode_area,
                            district,
                            1 + (unit / 400) % 9,
                            letters[(unit / 20) % 20] as char,
                            letters[unit % 20] as char
                        )
                    })
                    .collect();
                indexes.push(lsoas.len());
                lsoas.push(Lsoa {
                    code: format!("E019{number:05}"),
                    place: place_index,
                    decile,
                    postcodes,
                });
            }
            by_place.push(indexes);
        }
        Geography { lsoas, by_place }
    }
}

/// An index drawn with the given weights.
pub fn pick_weighted(weights: &[f64], rng: &mut ChaCha8Rng) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// Which hospital encounter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HospitalVisit {
    /// An attendance at an emergency department.
    Emergency,
    /// An emergency admission.
    EmergencyAdmission,
}

/// One synthetic person and their records.
#[derive(Debug, Clone)]
pub struct Person {
    /// Their number in the population, from 0.
    pub index: usize,
    /// A valid NHS number from the range reserved for testing (999 000 0000 upwards).
    pub nhs_number: String,
    /// Female (else male).
    pub female: bool,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Age in whole years at the as-of date.
    pub age: u32,
    /// Their LSOA (index into the geography).
    pub lsoa: usize,
    /// Their postcode.
    pub postcode: String,
    /// Their registered practice's ODS code.
    pub practice: String,
    /// Their date of death, if they died in the last two years.
    pub deceased: Option<NaiveDate>,
    /// Conditions (index into [`CONDITIONS`]) and when each was diagnosed.
    pub conditions: Vec<(usize, NaiveDate)>,
    /// Other coded findings (frailty deficits, social circumstances) and when recorded.
    pub findings: Vec<(&'static str, NaiveDate)>,
    /// Medicines (dm+d codes), one entry per issue.
    pub medicines: Vec<(&'static str, NaiveDate)>,
    /// Observations: (code system, code), value, unit, date.
    pub observations: Vec<((&'static str, &'static str), f64, &'static str, NaiveDate)>,
    /// Hospital visits.
    pub visits: Vec<(HospitalVisit, NaiveDate)>,
    /// GP consultations in the last two years: SNOMED CT code (surgery or telephone) and date.
    pub consultations: Vec<(&'static str, NaiveDate)>,
    /// Given name, for the registered list.
    pub given: String,
    /// Family name.
    pub family: String,
}

/// The NHS number after `previous` (or the first), valid under Modulus 11. Numbers start in the
/// range reserved for testing (999 000 0000 upwards) and, once that is used up (after about 909,000
/// people), go on down through 998, 997... to 990: numbers starting 99 are never issued to patients.
pub fn next_nhs_number(previous: Option<u64>) -> u64 {
    let step = |base: u64| {
        if base % 1_000_000 == 999_999 {
            (base / 1_000_000 - 1) * 1_000_000
        } else {
            base + 1
        }
    };
    let mut candidate = previous.map_or(999_000_000, |p| step(p / 10));
    loop {
        assert!(
            candidate >= 990_000_000,
            "more synthetic people than NHS numbers starting 99"
        );
        let digits: Vec<u64> = (0..9)
            .rev()
            .map(|i| (candidate / 10u64.pow(i)) % 10)
            .collect();
        let sum: u64 = digits
            .iter()
            .enumerate()
            .map(|(i, d)| d * (10 - i as u64))
            .sum();
        let check = 11 - sum % 11;
        if check != 10 {
            return candidate * 10 + if check == 11 { 0 } else { check };
        }
        candidate = step(candidate);
    }
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// A condition's prevalence at an age, before scaling, on its profile.
fn shape(profile: AgeProfile, age: f64) -> f64 {
    match profile {
        AgeProfile::Flat => 1.0,
        AgeProfile::Rising { midpoint, slope } => logistic((age - midpoint) * slope),
    }
}

/// Per condition, the factor that makes its prevalence over England's age structure (from the
/// register's minimum age) equal the published figure.
pub fn calibration() -> Vec<f64> {
    CONDITIONS
        .iter()
        .map(|c| {
            let (mut weighted, mut population) = (0.0, 0.0);
            for age in 0..100u32 {
                if age < c.age_min {
                    continue;
                }
                let band = ENGLAND_AGE_SEX[(age as usize / 5).min(18)];
                let people = (band.1 + band.2) / if band.0 == 90 { 10.0 } else { 5.0 };
                weighted += people * shape(c.profile, f64::from(age) + 0.5);
                population += people;
            }
            c.prevalence_percent / 100.0 * population / weighted
        })
        .collect()
}

/// How much more common conditions are in an LSOA of a given IMD decile: 1.3 times in the most
/// deprived tenth, 0.8 in the least, as the gradient in GP-register prevalence runs.
pub fn deprivation_factor(decile: u8) -> f64 {
    1.3 - (f64::from(decile) - 1.0) * (0.5 / 9.0)
}

/// Draws one person.
pub struct Drawer<'a> {
    system: &'a SynthSystem,
    options: &'a SynthOptions,
    geography: &'a Geography,
    calibration: Vec<f64>,
    deficits: &'static [tables::DeficitCodes],
    age_weights: Vec<f64>,
    place_weights: Vec<f64>,
}

impl<'a> Drawer<'a> {
    /// A drawer for a system and its geography.
    pub fn new(
        system: &'a SynthSystem,
        options: &'a SynthOptions,
        geography: &'a Geography,
    ) -> Self {
        Drawer {
            system,
            options,
            geography,
            calibration: calibration(),
            deficits: tables::deficit_codes(),
            age_weights: ENGLAND_AGE_SEX.iter().map(|b| b.1 + b.2).collect(),
            place_weights: system.places.iter().map(|p| p.weight).collect(),
        }
    }

    fn date_within(&self, rng: &mut ChaCha8Rng, days_back: u32) -> NaiveDate {
        let back = rng.gen_range(0..days_back.max(1));
        self.options.as_of - Days::new(u64::from(back))
    }

    /// Draws the person numbered `index` with `nhs_number`.
    pub fn draw(&self, index: usize, nhs_number: u64, rng: &mut ChaCha8Rng) -> Person {
        let as_of = self.options.as_of;
        let band = pick_weighted(&self.age_weights, rng);
        let (low, female_k, male_k) = ENGLAND_AGE_SEX[band];
        let width = if low == 90 { 12 } else { 5 };
        let age = low + rng.gen_range(0..width);
        let female = rng.gen::<f64>() < female_k / (female_k + male_k);
        let birth_date = NaiveDate::from_ymd_opt(as_of.year() - age as i32, 1, 1)
            .expect("a valid year")
            .checked_add_days(Days::new(rng.gen_range(0..365)))
            .filter(|d| *d <= as_of - Days::new(1))
            .unwrap_or(as_of - Days::new(365 * u64::from(age) + 1));
        let age = years_between(birth_date, as_of);
        let place = pick_weighted(&self.place_weights, rng);
        let lsoa = *self.geography.by_place[place]
            .choose(rng)
            .expect("every place has LSOAs");
        let postcode = self.geography.lsoas[lsoa]
            .postcodes
            .choose(rng)
            .expect("every LSOA has postcodes")
            .clone();
        let practice = self.system.places[place]
            .practices
            .choose(rng)
            .expect("every place has practices")
            .clone();
        let decile = self.geography.lsoas[lsoa].decile;
        let frailty: f64 = Normal::new(0.0, 1.0).expect("valid").sample(rng);
        let deprivation = deprivation_factor(decile);
        let years = f64::from(age);

        let mut conditions = Vec::new();
        let mut medicine_count = 0;
        for (i, c) in CONDITIONS.iter().enumerate() {
            if age < c.age_min {
                continue;
            }
            let frailty_lift = if age >= 50 {
                (0.25 * frailty).exp()
            } else {
                1.0
            };
            let p = (self.calibration[i] * shape(c.profile, years) * deprivation * frailty_lift)
                .min(0.95);
            if rng.gen::<f64>() < p {
                let since_min = age.saturating_sub(c.age_min).max(1);
                let onset = self.date_within(rng, 365 * since_min.min(20));
                conditions.push((i, onset));
                medicine_count += c.medicines;
            }
        }

        let mut findings = Vec::new();
        if age >= 40 {
            for (_, codes, at_80) in self.deficits {
                let logit = (at_80 / (1.0 - at_80)).ln() + 0.055 * (years - 80.0) + 0.9 * frailty;
                if rng.gen::<f64>() < logistic(logit) {
                    let code = codes.choose(rng).expect("every deficit has codes");
                    findings.push((*code, self.date_within(rng, 365 * 8)));
                }
            }
        }
        let frail = findings.len() + conditions.len();

        // Living alone, loneliness, bereavement, and a UCLA-3 score (3 to 9) for some older people.
        let mut observations = Vec::new();
        let mut alone = false;
        if age >= 18 {
            let p_alone = match age {
                18..=64 => 0.12,
                65..=74 => 0.24,
                _ if female => 0.52,
                _ => 0.30,
            };
            if rng.gen::<f64>() < p_alone {
                alone = true;
                findings.push((tables::LIVES_ALONE, self.date_within(rng, 365 * 5)));
            }
        }
        if age >= 65 {
            if rng.gen::<f64>() < 0.06 {
                findings.push((tables::BEREAVEMENT, self.date_within(rng, 365 * 2)));
            }
            let p_lonely = if alone { 0.18 } else { 0.05 };
            if rng.gen::<f64>() < p_lonely {
                findings.push((tables::LONELY, self.date_within(rng, 365 * 3)));
            }
            if rng.gen::<f64>() < 0.04 + if alone { 0.04 } else { 0.0 } {
                findings.push((tables::SOCIAL_ISOLATION, self.date_within(rng, 365 * 3)));
            }
            if rng.gen::<f64>() < 0.2 {
                let mean = 4.0 + if alone { 1.6 } else { 0.0 } + 0.3 * frailty;
                let score = Normal::new(mean, 1.3)
                    .expect("valid")
                    .sample(rng)
                    .round()
                    .clamp(3.0, 9.0);
                observations.push((
                    tables::UCLA3,
                    score,
                    "{score}",
                    self.date_within(rng, 365 * 2),
                ));
            }
        }
        if age >= 18 && rng.gen::<f64>() < 0.55 {
            let bmi: f64 = Normal::new(27.4, 5.0).expect("valid").sample(rng);
            observations.push((
                tables::BMI,
                (bmi.clamp(15.0, 60.0) * 10.0).round() / 10.0,
                "kg/m2",
                self.date_within(rng, 730),
            ));
        }
        if conditions
            .iter()
            .any(|(i, _)| CONDITIONS[*i].register == "Hypertension")
            || age >= 65
        {
            let sbp: f64 = Normal::new(136.0, 14.0).expect("valid").sample(rng);
            observations.push((
                tables::SYSTOLIC_BP,
                sbp.round().clamp(85.0, 220.0),
                "mm[Hg]",
                self.date_within(rng, 365),
            ));
        }

        // Regular medicines, each issued a few times in the last year.
        let extra: u32 = Poisson::new(0.3 + 0.25 * frail as f64)
            .map(|p| p.sample(rng) as u32)
            .unwrap_or(0);
        let mut medicines = Vec::new();
        let mut chosen: Vec<&'static str> = tables::MEDICINES.to_vec();
        chosen.shuffle(rng);
        for code in chosen.into_iter().take((medicine_count + extra) as usize) {
            for _ in 0..rng.gen_range(1..=3) {
                medicines.push((code, self.date_within(rng, 365)));
            }
        }

        // Hospital: emergency department attendances and emergency admissions over three years.
        let age_rate = match age {
            0..=4 => 0.08,
            5..=64 => 0.04,
            65..=79 => 0.12,
            _ => 0.28,
        };
        let risk = age_rate * deprivation * (0.35 * frailty + 0.06 * frail as f64).exp();
        let mut visits = Vec::new();
        for (kind, rate) in [
            (HospitalVisit::Emergency, 3.0 * risk + 0.25),
            (HospitalVisit::EmergencyAdmission, risk),
        ] {
            let count = Poisson::new(rate * 3.0)
                .map(|p| p.sample(rng) as u32)
                .unwrap_or(0);
            for _ in 0..count.min(30) {
                visits.push((kind, self.date_within(rng, 365 * 3)));
            }
        }

        // GP consultations: about 3 a year for younger adults, rising to 8 for the over-75s.
        let yearly = match age {
            0..=4 => 5.0,
            5..=15 => 2.0,
            16..=44 if female => 4.0,
            16..=44 => 2.5,
            45..=64 => 4.0,
            65..=74 => 6.0,
            _ => 8.0,
        } * (0.25 * frailty).exp();
        let count = Poisson::new(yearly * 2.0)
            .map(|p| p.sample(rng) as u32)
            .unwrap_or(0);
        let consultations = (0..count.min(60))
            .map(|_| {
                let code = if rng.gen::<f64>() < 0.3 {
                    tables::TELEPHONE_CONSULTATION
                } else {
                    tables::SURGERY_CONSULTATION
                };
                (code, self.date_within(rng, 730))
            })
            .collect();
        let annual_death = match age {
            0..=49 => 0.001,
            50..=69 => 0.008,
            70..=79 => 0.025,
            80..=89 => 0.08,
            _ => 0.2,
        } * (0.3 * frailty).exp();
        let deceased = (rng.gen::<f64>() < 2.0 * annual_death).then(|| self.date_within(rng, 730));
        let names = if female {
            &self.system.given_female
        } else {
            &self.system.given_male
        };
        Person {
            index,
            nhs_number: nhs_number.to_string(),
            female,
            birth_date,
            age,
            lsoa,
            postcode,
            practice,
            deceased,
            conditions,
            findings,
            medicines,
            observations,
            visits,
            consultations,
            given: names.choose(rng).cloned().unwrap_or_default(),
            family: self.system.family.choose(rng).cloned().unwrap_or_default(),
        }
    }
}

/// Whole years from `from` to `to`.
pub fn years_between(from: NaiveDate, to: NaiveDate) -> u32 {
    let mut years = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nhs_numbers_from_the_test_range_pass_modulus_11() {
        let mut previous = None;
        for _ in 0..500 {
            let n = next_nhs_number(previous);
            assert!(
                concord_population::nhs_number::NhsNumber::parse(&n.to_string()).is_ok(),
                "{n}"
            );
            assert!(n.to_string().starts_with("999"));
            assert!(previous.is_none_or(|p| n > p));
            previous = Some(n);
        }
        // Past the end of the 999 range, numbers go on in the 998 range, still valid and unique.
        let last_999 = next_nhs_number(Some(9_999_999_990));
        assert!(last_999.to_string().starts_with("998"), "{last_999}");
        assert!(concord_population::nhs_number::NhsNumber::parse(&last_999.to_string()).is_ok());
    }

    #[test]
    fn calibration_reproduces_each_published_prevalence_over_englands_ages() {
        let factors = calibration();
        for (c, k) in CONDITIONS.iter().zip(&factors) {
            let (mut cases, mut people) = (0.0, 0.0);
            for age in c.age_min..100 {
                let band = ENGLAND_AGE_SEX[(age as usize / 5).min(18)];
                let n = (band.1 + band.2) / if band.0 == 90 { 10.0 } else { 5.0 };
                cases += n * (k * shape(c.profile, f64::from(age) + 0.5)).min(0.95);
                people += n;
            }
            let got = 100.0 * cases / people;
            assert!(
                (got - c.prevalence_percent).abs() < 0.05 * c.prevalence_percent,
                "{}: {got:.2}% against {}%",
                c.register,
                c.prevalence_percent
            );
        }
    }
}
