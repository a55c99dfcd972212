//! The capability's pages: one module per page family.

pub mod cohorts;
pub mod population;
pub mod worklist_actions;
pub mod worklists;
