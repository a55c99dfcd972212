//! Listen and learn's exchange between Concord systems: publishing signed, versioned documents
//! (`publish`: a metric's definition, a benchmark series of its values, a case study), and
//! subscribing to peers (`subscribe`: each with its key pinned, their documents fetched from
//! their well-known address or brought as files, verified and kept with where they came from).
//! `settings` holds the system's signing key and how it names itself as a publisher; `adopt`
//! turns a peer's case study into a programme template.

pub mod adopt;
pub mod compare;
pub mod publish;
pub mod settings;
pub mod subscribe;
pub mod write;

pub use settings::ExchangeSettings;

/// The address of a system's exchange under its public address.
pub const WELL_KNOWN: &str = "/.well-known/concord";
