//! The cohort language: who is in a cohort, defined in a readable TOML file (or the same shape of
//! JSON through the API) and counted over the population picture.
//!
//! - [`expr`]: the expressions criteria and variables are written in;
//! - [`definition`]: the file format, checked into a [`definition::Cohort`] with every error at its
//!   line and column.

pub mod definition;
pub mod expr;
