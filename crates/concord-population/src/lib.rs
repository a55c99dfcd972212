//! The population engine: a linked, pseudonymised picture of a system's population across its
//! partners' records.
//!
//! This crate holds the rules that guard identity on the way in and on the way out:
//! - [`nhs_number`]: the NHS number and its Modulus 11 check digit; an invalid number is rejected,
//!   never matched on demographics instead;
//! - [`pseudonym`]: the keyed HMAC-SHA256 pseudonym that replaces the NHS number at the door, with
//!   the key kept in its own file, apart from the analytical store;
//! - [`ndjson`]: reading FHIR bulk-data NDJSON line by line in constant memory, naming each line
//!   that cannot be read (too long, not UTF-8) and going on;
//! - [`fhir`]: FHIR R4 resources reduced at once to what the population picture needs, a Patient
//!   refused without a valid NHS number, every refusal naming its field;
//! - [`pseudonymise`]: a patient as the analytical store keeps them (pseudonym, LSOA from the
//!   postcode, months of birth and death; no direct identifiers);
//! - [`disclosure`]: small-number suppression (with secondary suppression checked as an attacker
//!   would, so no combination of published counts and totals can narrow a suppressed count) and
//!   rounding for every aggregate that leaves for a planning view.
//!
//! It does no HTTP and no database work: the ingest, store and pages build on it.

#![warn(missing_docs)]

pub mod cohort;
pub mod csv_extract;
pub mod disclosure;
pub mod efi;
pub mod fhir;
mod finish;
pub mod ingest;
pub mod ndjson;
/// The NHS number lives in the domain; re-exported where the engine has always offered it.
pub use concord_domain::nhs_number;
mod parquet_files;
pub mod picture;
pub mod pseudonym;
pub mod pseudonymise;
mod report;
mod staging;
pub mod store;
pub mod table;
