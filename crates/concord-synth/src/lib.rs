//! A synthetic population for a fictional integrated care system, written as the files its partners
//! would send: FHIR R4 bulk-data NDJSON from GP records (one source) and from each acute trust, the
//! registered lists practices supply for direct care, and the postcode and LSOA reference tables.
//!
//! Everything is drawn from one seeded generator, so the same seed and size give the same bytes.
//! People are drawn to England's age and sex structure; each lives in an LSOA of a place, with the
//! place's spread of deprivation; conditions follow published GP-register (QOF) prevalences, rising
//! with age and deprivation; frailty deficits (the eFI's) accrue with age and a per-person latent
//! frailty, which also raises the rate of emergency admissions; older people may live alone, be
//! bereaved, feel lonely, or have a UCLA-3 loneliness score recorded. See [`tables`] for the
//! figures and [`person`] for the model.

#![warn(missing_docs)]

pub mod person;
pub mod tables;
mod write;

pub use write::{generate, SynthError, SynthSummary};

use chrono::NaiveDate;

/// A place of the system, as the generator needs it.
#[derive(Debug, Clone)]
pub struct SynthPlace {
    /// Its name.
    pub name: String,
    /// Its share of the population (any positive scale).
    pub weight: f64,
    /// The (fictional) postcode area of its postcodes, e.g. `RV`.
    pub postcode_area: String,
    /// The share of its LSOAs in each national IMD decile, 1 (most deprived) to 10.
    pub deprivation: [f64; 10],
    /// The ODS codes of its GP practices.
    pub practices: Vec<String>,
    /// The ODS code of the acute trust its residents use.
    pub trust: String,
}

/// The system to generate a population for.
#[derive(Debug, Clone)]
pub struct SynthSystem {
    /// The source code under which GP records are sent (for example the ICB's).
    pub gp_source: String,
    /// Its places.
    pub places: Vec<SynthPlace>,
    /// Given names for women, for the registered lists.
    pub given_female: Vec<String>,
    /// Given names for men.
    pub given_male: Vec<String>,
    /// Family names.
    pub family: Vec<String>,
}

/// How much to generate, and from what seed.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    /// People.
    pub people: usize,
    /// The seed: the same seed and size give the same files.
    pub seed: u64,
    /// The date the records run up to.
    pub as_of: NaiveDate,
}
