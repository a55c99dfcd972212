//! The store's one error type. The web layer maps it to HTTP in exactly one place.

use concord_domain::ValidationErrors;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The submission broke a rule; each problem names its field.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// The object asked for does not exist.
    #[error("no {kind} with id '{id}'")]
    NotFound {
        /// What kind of object was looked for.
        kind: &'static str,
        /// The id that matched nothing.
        id: String,
    },
    /// The person asking may not do this (a rule of the policy, checked inside the transaction);
    /// the message says which rule, in words for them.
    #[error("{0}")]
    Forbidden(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The audit anchor outside the database could not be read.
    #[error(transparent)]
    Anchor(#[from] crate::anchor::AnchorError),
    /// A view of identifiable data could not be written to the audit log, so nothing was read
    /// for it (fail closed).
    #[error("the view could not be audited, so nothing was shown: {0}")]
    NotRecorded(Box<StoreError>),
    /// Password hashing failed.
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

impl StoreError {
    /// A single-field validation error.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        StoreError::Invalid(ValidationErrors::single(field, message))
    }

    /// A not-found error.
    pub fn not_found(kind: &'static str, id: &str) -> Self {
        StoreError::NotFound {
            kind,
            id: id.to_string(),
        }
    }
}
