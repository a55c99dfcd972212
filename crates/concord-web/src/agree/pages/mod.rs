//! The capability's pages: one module per page family.

pub mod commitments;
pub mod consent;
pub mod rounds;
pub mod vision;
