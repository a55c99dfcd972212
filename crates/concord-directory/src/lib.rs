//! `concord-directory`: the service directory to the Open Referral UK standard, for Concord's
//! Refer capability.
//!
//! A library: it reads a directory ([`feed::read_json`] for an HSDS 3.0 JSON feed,
//! [`tabular::read_package`] for a CSV data package), checks it ([`check::check`]) and writes
//! it again ([`feed::write_services`], [`tabular::write_package`]); it has no web or database code.
//!
//! The unit is the *service* as HSDS's "full" examples nest it: its organization, its
//! services-at-locations with their locations, its phones, schedules, areas, costs, languages,
//! contacts, taxonomy terms (as attributes) and capacity. A service is stored, served and
//! exported as it was given, so a feed read and written again says the same thing. Taxonomies
//! and their terms are kept beside the services, as the Open Referral API lists them.
//!
//! Every refusal names its file, record and field ([`Problem`]); a directory with any problem is
//! refused whole.

pub mod api;
pub mod capacity;
pub mod check;
pub mod distance;
pub mod feed;
pub mod hsds;
pub mod index;
pub mod tabular;

mod problem;

pub use problem::{Problem, Problems};

/// The largest file read: a JSON feed or one table of a CSV data package.
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

/// The most services in one directory read at once.
pub const MAX_SERVICES: usize = 100_000;

/// The most problems reported for one read: the rest are counted, not listed.
pub const MAX_PROBLEMS_LISTED: usize = 100;

/// A directory: services as HSDS nests them, and the taxonomies and terms they are described by.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Directory {
    /// Each service with what belongs to it.
    pub services: Vec<hsds::Service>,
    /// The taxonomies given on their own.
    pub taxonomies: Vec<hsds::Taxonomy>,
    /// The taxonomy terms given on their own.
    pub taxonomy_terms: Vec<hsds::TaxonomyTerm>,
    /// Records of a data package that belong to nothing read (an attribute or a phone whose
    /// ids name no service, location or organization in the package): not imported, and
    /// listed so whoever imports knows.
    pub passed_over: Vec<Problem>,
}
