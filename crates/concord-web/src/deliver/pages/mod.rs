//! The capability's pages: one module per page family.

pub mod improvement;
pub mod meetings;
pub mod packs;
pub mod programme_items;
pub mod programmes;
pub mod raid;
pub mod reports;
