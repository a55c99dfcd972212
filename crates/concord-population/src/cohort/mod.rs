//! The cohort language: who is in a cohort, defined in a readable TOML file (or the same shape of
//! JSON through the API) and counted over the population picture.
//!
//! - [`expr`]: the expressions criteria and variables are written in;
//! - [`definition`]: the file format, checked into a [`definition::Cohort`] with every error at its
//!   line and column;
//! - [`measures`]: what is known of everyone without being told (age, eFI, medicines, emergency
//!   admissions, segment) and the reference data for PCNs, places and deprivation;
//! - [`eval`]: counting a cohort and its breakdowns, published through the disclosure rule.

pub mod definition;
pub mod eval;
pub mod expr;
pub mod measures;
