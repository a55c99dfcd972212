//! `concord exchange`: a system's signing key, and signing and verifying exchanged documents
//! from the command line (what a publishing system and a subscriber do, and what the benchmark
//! times beside a standard JOSE library).

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use concord_exchange::{sign, verify, Document, PublicKey, SystemKey};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Exchange between Concord systems.
#[derive(Debug, Subcommand)]
pub enum ExchangeCommand {
    /// Make the system's Ed25519 signing key: the private JWK (readable by its owner only) and the
    /// public JWK beside it (`.pub.jwk`), which subscribers hold.
    Keygen {
        /// Where to write the private key.
        #[arg(long)]
        out: PathBuf,
    },
    /// Sign documents (each a JSON envelope: type, id, version, published_at, publisher,
    /// content), writing each as a signed document into a directory.
    Sign {
        /// The system's private key.
        #[arg(long)]
        key: PathBuf,
        /// Where to write the signed documents (same file names).
        #[arg(long)]
        out_dir: PathBuf,
        /// The documents.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Verify signed documents with the publisher's public key: each one's hash and signature.
    Verify {
        /// The publisher's public JWK.
        #[arg(long)]
        public_key: PathBuf,
        /// The signed documents.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("could not read {}", path.display()))
}

/// Runs an exchange command.
pub fn run(command: &ExchangeCommand) -> Result<()> {
    match command {
        ExchangeCommand::Keygen { out } => {
            if out.exists() {
                bail!(
                    "{} exists: a system's key is never overwritten",
                    out.display()
                );
            }
            let key = SystemKey::generate();
            write_private(out, &key.to_private_jwk())?;
            let public = out.with_extension("pub.jwk");
            std::fs::write(&public, key.public().jwk().to_string())
                .with_context(|| format!("could not write {}", public.display()))?;
            println!(
                "Key {} written to {} (public half: {}).",
                key.public().kid(),
                out.display(),
                public.display()
            );
        }
        ExchangeCommand::Sign {
            key,
            out_dir,
            files,
        } => {
            let text = std::fs::read_to_string(key)
                .with_context(|| format!("could not read {}", key.display()))?;
            let key = SystemKey::from_private_jwk(&text)
                .with_context(|| format!("{} is not a signing key", key.display()))?;
            std::fs::create_dir_all(out_dir)
                .with_context(|| format!("could not make {}", out_dir.display()))?;
            let mut documents = Vec::with_capacity(files.len());
            for file in files {
                let document: Document = serde_json::from_slice(&read(file)?)
                    .with_context(|| format!("{} is not a document", file.display()))?;
                documents.push((file, document));
            }
            let started = Instant::now();
            let mut signed = Vec::with_capacity(documents.len());
            for (file, document) in documents {
                let one = sign(document, &key).with_context(|| format!("{}", file.display()))?;
                signed.push((file, serde_json::to_vec(&one)?));
            }
            let seconds = started.elapsed().as_secs_f64();
            for (file, bytes) in &signed {
                let name = file.file_name().context("a document has a file name")?;
                std::fs::write(out_dir.join(name), bytes)?;
            }
            println!(
                "Signed {} documents in {:.3} s (hashing and signing, files aside).",
                signed.len(),
                seconds
            );
        }
        ExchangeCommand::Verify { public_key, files } => {
            let jwk: serde_json::Value = serde_json::from_slice(&read(public_key)?)
                .with_context(|| format!("{} is not a JWK", public_key.display()))?;
            let public = PublicKey::from_jwk(&jwk)
                .with_context(|| format!("{} is not a public key", public_key.display()))?;
            let texts: Vec<(&PathBuf, Vec<u8>)> = files
                .iter()
                .map(|f| read(f).map(|t| (f, t)))
                .collect::<Result<_>>()?;
            let started = Instant::now();
            let mut refused = 0;
            for (file, text) in &texts {
                if let Err(e) = verify(text, &public, None) {
                    refused += 1;
                    eprintln!("{}: {e}", file.display());
                }
            }
            println!(
                "Verified {} documents in {:.3} s (files aside): {} refused.",
                texts.len(),
                started.elapsed().as_secs_f64(),
                refused
            );
            if refused > 0 {
                bail!("{refused} documents did not verify");
            }
        }
    }
    Ok(())
}

/// Writes a private key readable by its owner only.
fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("could not write {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}
