//! Exchange between Concord systems: **signed, versioned documents** — a case study, a metric
//! definition, a benchmark series — that one system publishes and another verifies and keeps.
//!
//! A published document is an envelope ([`Document`]: its kind, a stable id, a version, when and
//! by whom it was published, and its content) with its **content hash** (SHA-256 of the
//! envelope's canonical JSON, RFC 8785) and a **detached JWS** (RFC 7515, compact serialisation
//! with the payload left out, as its appendix F describes) made with the publishing system's
//! Ed25519 key (`alg` `EdDSA`, RFC 8037), named by the key's JWK thumbprint (RFC 7638). Anyone
//! holding the publisher's public key can check both with a standard JOSE library.
//!
//! Verifying ([`verify`]) refuses, each with its own error: a document too large or too deeply
//! nested, a hash that is not the document's, a signature by another key or over other bytes,
//! any algorithm but EdDSA, and a version older than (or the same as, with other contents) the one
//! already kept — a replay. [`content`] reads what each kind of document says, naming the field
//! that is wrong, and screens it for anything that could identify a person before it is signed.
//! This crate does no I/O: keys are read and written by the caller.

pub mod content;
mod document;
mod jws;
mod keys;
mod verify;

pub use content::{Content, ContentError};
pub use document::{Document, DocumentKind, Publisher};
pub use keys::{PublicKey, SystemKey};
pub use verify::{sign, verify, Kept, Signed, Verified};

/// The largest signed document read, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// The deepest nesting of arrays and objects read in a document.
pub const MAX_DEPTH: usize = 32;

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExchangeError {
    /// The file is not a signed document (not JSON, or a part is missing or of the wrong kind).
    #[error("not a signed Concord document: {0}")]
    Malformed(String),
    /// The file is larger than [`MAX_DOCUMENT_BYTES`].
    #[error("the document is larger than {} KB", MAX_DOCUMENT_BYTES / 1024)]
    TooLarge,
    /// Arrays and objects nest deeper than [`MAX_DEPTH`].
    #[error("the document nests deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// The stated hash is not the hash of the document's contents: they were changed.
    #[error("the document's contents do not match its hash: it was changed after it was signed")]
    HashMismatch,
    /// The JWS header asks for another algorithm than EdDSA (or for none).
    #[error("the signature's algorithm is {0:?}; only EdDSA (Ed25519) is accepted")]
    Algorithm(String),
    /// The signature was made with a key this system does not hold for the publisher.
    #[error("the document was signed with key {found}, not the publisher's key {expected}")]
    WrongKey {
        /// The thumbprint of the key expected.
        expected: String,
        /// The thumbprint named in the signature.
        found: String,
    },
    /// The signature does not verify with the publisher's key over these contents.
    #[error("the signature does not verify with the publisher's key")]
    BadSignature,
    /// An older version than the one kept: a replay.
    #[error("version {offered} is older than version {kept}, which is already kept: refused as a replay")]
    Replayed {
        /// The version offered.
        offered: u64,
        /// The version kept.
        kept: u64,
    },
    /// The same version as the one kept, with other contents.
    #[error("version {0} is already kept with other contents: a publisher must raise the version to change a document")]
    VersionReused(u64),
}
