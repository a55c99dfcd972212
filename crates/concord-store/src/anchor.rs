//! The audit chain's anchor outside the database.
//!
//! The hash chain alone shows that entries were edited, reordered or removed *by someone who could
//! not also rewrite the chain*. Anyone who can write the database can: delete the last entries and
//! move the tip back, or edit an entry and recompute every hash after it; the chain then verifies.
//! The anchor closes that gap. After every committed write, the new tip (its position and hash) is
//! appended to a file **outside the database** as a checkpoint, signed with HMAC-SHA256 under a key
//! in its own owner-only file (held apart, like the pseudonym key). `concord audit verify` checks
//! every checkpoint's signature and that the database still holds the checkpointed entry with that
//! hash, so a truncated or rewritten chain no longer verifies.
//!
//! What it protects against: someone with write access to the database but not to the anchor file
//! and its key (a database administrator, a leaked database credential, a restored or copied
//! database). What it does not: someone who holds the key *and* can write the anchor file (they
//! could forge checkpoints), or the loss of the last entries between a commit and its checkpoint if
//! the process dies in between (the chain still verifies up to the last checkpoint).

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Why the anchor could not be opened, written or read.
#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    /// A file could not be read or written.
    #[error("the audit anchor file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The key file does not hold a key.
    #[error("the audit key file {0} must hold 64 hexadecimal characters (256 bits)")]
    MalformedKey(String),
}

/// One checkpoint read back from the anchor file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The line of the anchor file (from 1).
    pub line: usize,
    /// The chain's length at the checkpoint.
    pub seq: i64,
    /// The hash of entry `seq`.
    pub hash: String,
    /// Whether the signature is right (false: the line was forged or altered).
    pub signed: bool,
}

/// The anchor: its file, opened for appending, and its key.
pub struct AuditAnchor {
    path: PathBuf,
    key: [u8; 32],
    file: Mutex<std::fs::File>,
    /// The key file was there but the anchor file was not: someone deleted the anchor.
    missing_when_opened: bool,
}

impl std::fmt::Debug for AuditAnchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditAnchor")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn owner_only() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

impl AuditAnchor {
    /// Opens the anchor file at `anchor` (created if missing) with the key in `key_file` (made and
    /// written owner-only if missing).
    pub fn open(anchor: &Path, key_file: &Path) -> Result<AuditAnchor, AnchorError> {
        let io = |path: &Path| {
            let path = path.display().to_string();
            move |source| AnchorError::Io { path, source }
        };
        for path in [anchor, key_file] {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(io(path))?;
            }
        }
        let missing_when_opened = key_file.exists() && !anchor.exists();
        let key = if key_file.exists() {
            let text = std::fs::read_to_string(key_file).map_err(io(key_file))?;
            hex::decode(text.trim())
                .ok()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                .ok_or_else(|| AnchorError::MalformedKey(key_file.display().to_string()))?
        } else {
            let key: [u8; 32] = rand::random();
            let mut file = owner_only()
                .write(true)
                .create_new(true)
                .open(key_file)
                .map_err(io(key_file))?;
            file.write_all(hex::encode(key).as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(io(key_file))?;
            key
        };
        let file = owner_only()
            .create(true)
            .append(true)
            .open(anchor)
            .map_err(io(anchor))?;
        #[cfg(unix)]
        for path in [anchor, key_file] {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .map_err(io(path))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                    .map_err(io(path))?;
            }
        }
        Ok(AuditAnchor {
            path: anchor.to_path_buf(),
            key,
            file: Mutex::new(file),
            missing_when_opened,
        })
    }

    fn mac(&self, seq: i64, hash: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length");
        mac.update(format!("concord-audit-checkpoint\n{seq}\n{hash}").as_bytes());
        mac
    }

    /// Appends a signed checkpoint of the chain's tip.
    pub fn checkpoint(&self, seq: i64, hash: &str) -> Result<(), AnchorError> {
        let signature = hex::encode(self.mac(seq, hash).finalize().into_bytes());
        let line = format!("{seq} {hash} {signature}\n");
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.write_all(line.as_bytes())
            .map_err(|source| AnchorError::Io {
                path: self.path.display().to_string(),
                source,
            })
    }

    /// True when the key file existed but the anchor file did not when it was opened (and was made
    /// afresh): the anchor was deleted.
    pub fn was_missing(&self) -> bool {
        self.missing_when_opened
    }

    /// Every checkpoint in the file, each with whether its signature is right.
    pub fn checkpoints(&self) -> Result<Vec<Checkpoint>, AnchorError> {
        let io = |source| AnchorError::Io {
            path: self.path.display().to_string(),
            source,
        };
        let file = std::fs::File::open(&self.path).map_err(io)?;
        let mut out = Vec::new();
        for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(io)?;
            let mut parts = line.split(' ');
            let (Some(seq), Some(hash), Some(signature), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                out.push(Checkpoint {
                    line: i + 1,
                    seq: 0,
                    hash: String::new(),
                    signed: false,
                });
                continue;
            };
            let seq = seq.parse().unwrap_or(0);
            // verify_slice compares in constant time.
            let signed = seq > 0
                && hex::decode(signature)
                    .is_ok_and(|given| self.mac(seq, hash).verify_slice(&given).is_ok());
            out.push(Checkpoint {
                line: i + 1,
                seq,
                hash: hash.to_string(),
                signed,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_are_signed_and_a_forged_or_edited_line_is_caught() {
        let dir = tempfile::tempdir().unwrap();
        let (anchor_path, key) = (
            dir.path().join("audit.anchor"),
            dir.path().join("audit.key"),
        );
        let anchor = AuditAnchor::open(&anchor_path, &key).unwrap();
        anchor.checkpoint(1, &"a".repeat(64)).unwrap();
        anchor.checkpoint(2, &"b".repeat(64)).unwrap();
        #[cfg(unix)]
        for path in [&anchor_path, &key] {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", path.display());
        }
        let read = anchor.checkpoints().unwrap();
        assert_eq!(read.len(), 2);
        assert!(read.iter().all(|c| c.signed));
        // Someone without the key rewrites the second checkpoint to hide a rewritten chain.
        let text = std::fs::read_to_string(&anchor_path).unwrap();
        let forged = text.replace(&"b".repeat(64), &"c".repeat(64));
        std::fs::write(&anchor_path, forged).unwrap();
        let reopened = AuditAnchor::open(&anchor_path, &key).unwrap();
        let read = reopened.checkpoints().unwrap();
        assert!(read[0].signed);
        assert!(!read[1].signed);
        // Another key does not verify this anchor's checkpoints.
        let other = AuditAnchor::open(&anchor_path, &dir.path().join("other.key")).unwrap();
        assert!(other.checkpoints().unwrap().iter().all(|c| !c.signed));
    }
}
