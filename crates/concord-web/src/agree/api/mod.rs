//! The capability's JSON API handlers.

pub mod strategy;
pub mod writes;
