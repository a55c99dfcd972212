//! The capability's JSON API handlers.

pub mod directory;
pub mod governance;
