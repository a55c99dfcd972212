//! Concord's operational store: the partnership registry, accounts, sessions and the audit log.
//!
//! One code path serves SQLite (embedded, the default: a file in WAL mode) and PostgreSQL (production)
//! through sqlx's `Any` driver, with one set of migrations written in portable SQL. Every write runs in
//! a transaction that also appends to the hash-chained audit log ([`audit`]): a write and its audit
//! entry commit together or not at all.

pub mod accounts;
pub mod anchor;
pub mod audit;
pub mod board_packs;
pub mod boards;
pub mod consent;
pub mod consultations;
mod db;
pub mod delivery;
pub mod design;
pub mod directory;
mod error;
pub mod exchange;
pub mod finance;
pub mod finance_load;
mod grants;
pub mod improvement;
pub mod lookups;
pub mod mail_queue;
pub mod meetings;
pub mod metric_load;
pub mod metrics;
pub mod notifications;
pub mod objectives;
pub mod organisations;
mod page;
pub mod people;
pub mod places;
pub mod population;
pub mod programmes;
pub mod pulse;
pub mod raid;
pub mod referrals;
pub mod relationships;
pub mod reports;
mod rows;
pub mod search;
pub mod sessions;
pub mod strategy;
pub mod testing;
pub mod throttle;
pub mod vision;
pub mod worklist_marks;

pub use anchor::AuditAnchor;
pub use audit::{Actor, AuditEntry, AuditFilter, ChainReport};
pub use db::{Backend, Store, WriteTx};
pub use error::StoreError;
pub use page::{Page, PageRequest};

/// The current time as Concord stores it: UTC, fixed width, so text order is time order.
pub fn now_utc() -> String {
    format_timestamp(chrono::Utc::now())
}

/// Formats a time as stored: `2026-11-23T11:26:32.123456Z`.
pub fn format_timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Parses a stored timestamp.
pub fn parse_timestamp(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// A new random id: 16 lowercase hex characters (64 bits).
pub fn new_id() -> String {
    hex::encode(rand::random::<[u8; 8]>())
}
