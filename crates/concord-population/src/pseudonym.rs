//! The pseudonym that replaces an NHS number at the door: HMAC-SHA256 of the number under a secret
//! key held by the system, kept in its own file and never in the analytical store.
//!
//! The same number gives the same pseudonym under one key, so records from different partners link;
//! under another key (another system, or after the key is rotated) it gives an unrelated one, and
//! without the key a pseudonym cannot be reversed or checked against a guessed number.

use crate::nhs_number::NhsNumber;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

/// Bytes in a key: 256 bits, the HMAC-SHA256 block-size guidance's minimum of the hash length.
const KEY_BYTES: usize = 32;

/// A pseudonymisation key.
#[derive(Clone, PartialEq, Eq)]
pub struct PseudonymKey([u8; KEY_BYTES]);

/// Never print a key.
impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(..)")
    }
}

/// Why a key could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file could not be read or written.
    #[error("the pseudonymisation key file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The file does not hold 64 hexadecimal characters.
    #[error("the pseudonymisation key file {0} must hold 64 hexadecimal characters (256 bits)")]
    Malformed(String),
}

/// A pseudonym: 32 lower-case hexadecimal characters (the first 128 bits of the HMAC).
pub type Pseudonym = String;

impl PseudonymKey {
    /// A new random key.
    pub fn generate() -> PseudonymKey {
        PseudonymKey(rand::random())
    }

    /// A key from its 64 hexadecimal characters.
    pub fn from_hex(text: &str) -> Option<PseudonymKey> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(PseudonymKey(bytes.try_into().ok()?))
    }

    /// Reads the key from its file.
    pub fn load(path: &Path) -> Result<PseudonymKey, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Io {
            path: path.display().to_string(),
            source,
        })?;
        PseudonymKey::from_hex(&text).ok_or_else(|| KeyError::Malformed(path.display().to_string()))
    }

    /// Reads the key from `path`, or makes one and writes it there (readable by its owner only)
    /// if there is no file yet.
    pub fn load_or_create(path: &Path) -> Result<PseudonymKey, KeyError> {
        if path.exists() {
            return PseudonymKey::load(path);
        }
        let key = PseudonymKey::generate();
        let io = |source| KeyError::Io {
            path: path.display().to_string(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(io)?;
        std::io::Write::write_all(&mut file, hex::encode(key.0).as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(key)
    }

    /// The HMAC-SHA256 of `message` under this key.
    fn mac(&self, message: &[u8]) -> [u8; 32] {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    /// The pseudonym of an NHS number.
    pub fn pseudonym(&self, number: &NhsNumber) -> Pseudonym {
        // A domain prefix keeps pseudonyms of NHS numbers apart from any other identifier keyed later.
        let mac = self.mac(format!("nhs-number:{}", number.digits()).as_bytes());
        hex::encode(&mac[..16])
    }

    /// The key of a patient record in a source's own system (`source`'s patient `id`), so later
    /// batches from that source can link events to it without the id itself being stored.
    pub fn record_key(&self, source: &str, id: &str) -> String {
        let mac = self.mac(format!("record:{source}/{id}").as_bytes());
        hex::encode(&mac[..16])
    }

    /// The keyed form of an event's id at `source` (a resource id, encounter or accession number
    /// that can point back to a person, such as `rrv-0-e11`): the store keeps only this, so the
    /// same event sent again is still recognised, but the id itself never passes the door.
    pub fn event_key(&self, source: &str, kind: &str, id: &str) -> String {
        let mac = self.mac(format!("event:{source}/{kind}/{id}").as_bytes());
        hex::encode(&mac[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_pseudonym_is_stable_under_one_key_and_different_under_another() {
        let number = NhsNumber::parse("9434765919").unwrap();
        let other = NhsNumber::parse("4010232137").unwrap();
        let key = PseudonymKey::from_hex(&"ab".repeat(32)).unwrap();
        let same_key = PseudonymKey::from_hex(&"AB".repeat(32)).unwrap();
        let another = PseudonymKey::from_hex(&"cd".repeat(32)).unwrap();
        let p = key.pseudonym(&number);
        assert_eq!(p.len(), 32);
        assert_eq!(p, same_key.pseudonym(&number), "stable under one key");
        assert_ne!(p, another.pseudonym(&number), "different under another key");
        assert_ne!(
            p,
            key.pseudonym(&other),
            "different numbers, different pseudonyms"
        );
        assert!(!p.contains("9434765919"));
    }

    #[test]
    fn the_key_lives_in_its_own_file_readable_by_its_owner_only() {
        let dir = std::env::temp_dir().join(format!("concord-key-{}", std::process::id()));
        let path = dir.join("pseudonym.key");
        let _ = std::fs::remove_file(&path);
        let made = PseudonymKey::load_or_create(&path).unwrap();
        let again = PseudonymKey::load_or_create(&path).unwrap();
        assert_eq!(made, again, "the second call reads the first key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(format!("{made:?}"), "PseudonymKey(..)", "never printed");
        std::fs::write(&path, "not a key").unwrap();
        assert!(matches!(
            PseudonymKey::load(&path),
            Err(KeyError::Malformed(_))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
