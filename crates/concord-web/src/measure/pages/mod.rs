//! The capability's pages: one module per page family.

pub mod finance;
pub mod measure;
pub mod measure_edit;
