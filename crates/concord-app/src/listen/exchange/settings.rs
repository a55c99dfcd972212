//! The system's exchange settings: its Ed25519 signing key, kept in its own owner-only file (made
//! on first start, never overwritten), and its name and address as a publisher.

use super::WELL_KNOWN;
use concord_exchange::{PublicKey, Publisher, SystemKey};
use std::io::Write;
use std::path::{Path, PathBuf};

/// How this system publishes.
#[derive(Debug)]
pub struct ExchangeSettings {
    key: Option<SystemKey>,
    /// The system's name and its exchange address, written into every document it publishes.
    pub publisher: Publisher,
}

/// Why the signing key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// The file cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file does not hold a signing key.
    #[error("{path} does not hold an Ed25519 signing key (a private JWK): {reason}")]
    NotAKey {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl ExchangeSettings {
    /// Settings that sign with `key`, for the system `system_name` reached at `public_url`.
    pub fn new(key: SystemKey, system_name: &str, public_url: &str) -> Self {
        ExchangeSettings {
            key: Some(key),
            publisher: publisher(system_name, public_url),
        }
    }

    /// Settings with no signing key: nothing can be published (subscribing still works).
    pub fn without_key(system_name: &str, public_url: &str) -> Self {
        ExchangeSettings {
            key: None,
            publisher: publisher(system_name, public_url),
        }
    }

    /// Settings with the key in `path`, made there (readable by its owner only) if the file does
    /// not exist yet.
    pub fn load_or_create(
        path: &Path,
        system_name: &str,
        public_url: &str,
    ) -> Result<Self, KeyFileError> {
        let io = |source| KeyFileError::Io {
            path: path.to_path_buf(),
            source,
        };
        let key = if path.exists() {
            let text = std::fs::read_to_string(path).map_err(io)?;
            SystemKey::from_private_jwk(&text).map_err(|e| KeyFileError::NotAKey {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?
        } else {
            let key = SystemKey::generate();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(path).map_err(io)?;
            file.write_all(key.to_private_jwk().as_bytes())
                .map_err(io)?;
            key
        };
        Ok(ExchangeSettings::new(key, system_name, public_url))
    }

    /// The signing key, if the system has one.
    pub fn key(&self) -> Option<&SystemKey> {
        self.key.as_ref()
    }

    /// The public half of the signing key, which subscribers pin.
    pub fn public_key(&self) -> Option<PublicKey> {
        self.key.as_ref().map(SystemKey::public)
    }

    /// The id (and address) of the document published at `slug`.
    pub fn document_id(&self, slug: &str) -> String {
        format!("{}/documents/{slug}", self.publisher.url)
    }
}

impl Default for ExchangeSettings {
    fn default() -> Self {
        ExchangeSettings::without_key("Concord", "http://127.0.0.1:8080")
    }
}

fn publisher(system_name: &str, public_url: &str) -> Publisher {
    Publisher {
        name: system_name.to_string(),
        url: format!("{}{WELL_KNOWN}", public_url.trim().trim_end_matches('/')),
    }
}
