//! The capability's pages: one module per page family.

pub mod account;
pub mod audit;
pub mod boards;
pub mod directory;
pub mod help;
pub mod home;
pub mod notifications;
pub mod people;
pub mod places;
pub mod search;
