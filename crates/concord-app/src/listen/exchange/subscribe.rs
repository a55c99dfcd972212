//! Subscribing to peers: a peer is added with its public key pinned (given by an administrator,
//! as the peer's administrators published it); its documents arrive from its well-known address
//! or as files, and each is verified against the pinned key and against what is already kept
//! (size, depth, hash, signature, algorithm, version: nothing older or reused is taken), and its
//! content read by kind, before anything is kept. A batch is kept whole or not at all, and every
//! arrival and refusal is audited.

use super::publish::kind_code;
use super::WELL_KNOWN;
use crate::authz::{self, Rule, Target};
use concord_domain::validation::unprintable;
use concord_domain::{Principal, ValidationErrors};
use concord_exchange::{verify, Content, Kept, PublicKey, MAX_DOCUMENT_BYTES};
use concord_store::exchange::{self as store, Arrival, NewPeer};
use concord_store::{Actor, AuditEntry, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;

/// The most documents one import or one check of a peer takes.
pub const MAX_DOCUMENTS: usize = 500;
/// The largest well-known index read from a peer, in bytes.
pub const MAX_INDEX_BYTES: usize = 1024 * 1024;
/// How long one request to a peer may take.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// A peer to subscribe to, as an administrator gives it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PeerDraft {
    /// Its name, for example "Northmoor and Dale ICS".
    pub name: String,
    /// Its Concord's address (`https://concord.northmoor.example`), or blank when its documents
    /// will come as files.
    pub url: String,
    /// Its public key as a JWK, as its administrators gave it (`concord exchange keygen` writes
    /// it; a Concord serves it at `/.well-known/concord/key.json`).
    pub public_key: String,
}

impl PeerDraft {
    /// Checks the draft: a name, an http(s) address or none, and an Ed25519 public JWK.
    pub fn check(&self) -> Result<NewPeer, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("name", "the peer's name", &self.name, 200);
        let url = self.url.trim();
        let url = if url.is_empty() {
            None
        } else if (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() <= 500
            && unprintable(url).is_none()
            && !url.contains(char::is_whitespace)
        {
            Some(well_known_base(url))
        } else {
            errors.add(
                "url",
                "Give the peer's address starting https:// (or leave it blank to bring its documents as files)",
            );
            None
        };
        let key = if self.public_key.len() > 4096 {
            errors.add(
                "public_key",
                "A public key is a short JWK; this is too long",
            );
            None
        } else {
            match serde_json::from_str(self.public_key.trim())
                .map_err(|_| "not JSON".to_string())
                .and_then(|v| PublicKey::from_jwk(&v).map_err(|e| e.to_string()))
            {
                Ok(key) => Some(key),
                Err(_) => {
                    errors.add(
                        "public_key",
                        "Paste the peer's public key as the JWK its administrators gave you: {\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"…\"}",
                    );
                    None
                }
            }
        };
        errors.into_result()?;
        let key = key.expect("checked");
        Ok(NewPeer {
            name: self.name.trim().to_string(),
            url,
            public_key: key.jwk().to_string(),
            key_id: key.kid(),
        })
    }
}

/// A peer's exchange address: its public address with the well-known path, given either way.
pub fn well_known_base(url: &str) -> String {
    let url = url.trim().trim_end_matches('/');
    if url.ends_with(WELL_KNOWN) {
        url.to_string()
    } else {
        format!("{url}{WELL_KNOWN}")
    }
}

async fn allowed(store: &Store, principal: &Principal) -> Result<bool, StoreError> {
    authz::may(store, Some(principal), Rule::ManageExchange, Target::NONE).await
}

fn forbidden() -> StoreError {
    StoreError::Forbidden("Only a system administrator may subscribe to other systems".into())
}

/// Adds a peer with its key pinned. Administrators only.
pub async fn add_peer(
    store: &Store,
    principal: &Principal,
    actor: &Actor,
    draft: &PeerDraft,
) -> Result<String, StoreError> {
    let entry = AuditEntry::success(actor, "exchange.peer.add", "exchange_peer", None, "refused");
    if !allowed(store, principal).await? {
        return store.audit_rejection(Err(forbidden()), entry).await;
    }
    let peer = match draft.check() {
        Ok(peer) => peer,
        Err(errors) => {
            return store
                .audit_rejection(Err(StoreError::Invalid(errors)), entry)
                .await
        }
    };
    store::add_peer(store, actor, &peer).await
}

/// What an import or a check of a peer brought.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Imported {
    /// Documents (or versions) kept that were new.
    pub added: usize,
    /// Documents already kept at that version, passed over.
    pub already_kept: usize,
}

impl Imported {
    /// In words, for the peer's record.
    pub fn describe(&self) -> String {
        match (self.added, self.already_kept) {
            (0, 0) => "No documents".into(),
            (0, k) => format!("Nothing new ({k} already kept)"),
            (a, 0) => format!("{a} new"),
            (a, k) => format!("{a} new, {k} already kept"),
        }
    }
}

/// Verifies every file against the peer's pinned key and what is kept, in order (a later version
/// of the same document in the same batch is checked against the earlier), and reads each one's
/// content. The first refusal names its file and why; nothing is kept then.
fn verify_batch(
    key: &PublicKey,
    kept: &mut HashMap<String, (u64, String)>,
    files: &[(String, Vec<u8>)],
) -> Result<(Vec<Arrival>, usize), String> {
    if files.len() > MAX_DOCUMENTS {
        return Err(format!("at most {MAX_DOCUMENTS} documents at once"));
    }
    let mut arrivals = Vec::new();
    let mut already = 0;
    for (name, bytes) in files {
        let refuse = |why: String| format!("{name}: {why}");
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(refuse(
                concord_exchange::ExchangeError::TooLarge.to_string(),
            ));
        }
        // The id first, to check the version against what is kept.
        let id = serde_json::from_slice::<serde_json::Value>(bytes)
            .ok()
            .and_then(|v| v.pointer("/document/id")?.as_str().map(str::to_string))
            .unwrap_or_default();
        let previous = kept.get(&id).map(|(version, hash)| Kept {
            version: *version,
            hash: hash.clone(),
        });
        let verified = verify(bytes, key, previous.as_ref()).map_err(|e| refuse(e.to_string()))?;
        if verified.already_kept {
            already += 1;
            continue;
        }
        let document = &verified.signed.document;
        let content = Content::read(document.kind, &document.content)
            .map_err(|e| refuse(format!("{}: {}", e.field, e.problem)))?;
        kept.insert(
            document.id.clone(),
            (document.version, verified.signed.hash.clone()),
        );
        arrivals.push(Arrival {
            document_id: document.id.clone(),
            version: document.version,
            kind: kind_code(document.kind).into(),
            title: content.title(),
            signed: String::from_utf8_lossy(bytes).into_owned(),
            hash: verified.signed.hash.clone(),
            published_at: document.published_at.clone(),
        });
    }
    Ok((arrivals, already))
}

/// Keeps what verified, or audits and reports the refusal.
async fn keep(
    store: &Store,
    actor: &Actor,
    peer_id: &str,
    from: &str,
    files: &[(String, Vec<u8>)],
    skipped: usize,
) -> Result<Imported, StoreError> {
    let peer = store::peer(store, peer_id).await?;
    let key_value: serde_json::Value = serde_json::from_str(&peer.public_key)
        .map_err(|_| StoreError::invalid("public_key", "The pinned key cannot be read"))?;
    let key = PublicKey::from_jwk(&key_value)
        .map_err(|_| StoreError::invalid("public_key", "The pinned key cannot be read"))?;
    let mut kept = store::kept(store, peer_id).await?;
    match verify_batch(&key, &mut kept, files) {
        Ok((arrivals, already_kept)) => {
            let imported = Imported {
                added: arrivals.len(),
                already_kept: already_kept + skipped,
            };
            store::receive(store, actor, peer_id, from, &arrivals, &imported.describe()).await?;
            Ok(imported)
        }
        Err(why) => {
            store::note_failed_check(store, actor, peer_id, &why).await?;
            Err(StoreError::invalid(
                "file",
                format!("Nothing was kept. {why}"),
            ))
        }
    }
}

/// Imports signed documents brought as files (each a signed document as a Concord serves it).
/// Administrators only; all or nothing.
pub async fn import_files(
    store: &Store,
    principal: &Principal,
    actor: &Actor,
    peer_id: &str,
    files: &[(String, Vec<u8>)],
) -> Result<Imported, StoreError> {
    if !allowed(store, principal).await? {
        let entry = AuditEntry::success(
            actor,
            "exchange.receive",
            "exchange_peer",
            Some(peer_id),
            "refused",
        );
        return store.audit_rejection(Err(forbidden()), entry).await;
    }
    if files.is_empty() {
        return Err(StoreError::invalid(
            "file",
            "Choose at least one signed document",
        ));
    }
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).take(3).collect();
    let from = if files.len() > 3 {
        format!("files {} and {} more", names.join(", "), files.len() - 3)
    } else {
        format!("files {}", names.join(", "))
    };
    keep(store, actor, peer_id, &from, files, 0).await
}

/// One entry of a peer's well-known index.
#[derive(Debug, Deserialize)]
struct IndexEntry {
    id: String,
    version: u64,
    hash: String,
    href: String,
}

/// A peer's well-known index: what it publishes.
#[derive(Debug, Deserialize)]
struct Index {
    documents: Vec<IndexEntry>,
}

/// Fetches `url`, reading at most `limit` bytes; never follows a redirect.
async fn fetch(client: &reqwest::Client, url: &str, limit: usize) -> Result<Vec<u8>, String> {
    let mut response = client
        .get(url)
        .send()
        .await
        .map_err(|e| format!("{url} could not be reached ({})", short(&e)))?;
    if !response.status().is_success() {
        return Err(format!("{url} answered {}", response.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| format!("{url} stopped answering ({})", short(&e)))?
    {
        if body.len() + chunk.len() > limit {
            return Err(format!("{url} is larger than {} KB", limit / 1024));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn short(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "it took too long"
    } else if error.is_connect() {
        "no connection"
    } else {
        "the request failed"
    }
}

/// Checks a peer's well-known address for documents not yet kept, fetches them, and keeps them
/// if every one verifies. Only addresses under the peer's own exchange address are followed.
/// Administrators only.
pub async fn check_peer(
    store: &Store,
    principal: &Principal,
    actor: &Actor,
    peer_id: &str,
) -> Result<Imported, StoreError> {
    if !allowed(store, principal).await? {
        let entry = AuditEntry::success(
            actor,
            "exchange.receive",
            "exchange_peer",
            Some(peer_id),
            "refused",
        );
        return store.audit_rejection(Err(forbidden()), entry).await;
    }
    let peer = store::peer(store, peer_id).await?;
    let Some(base) = peer.url.clone() else {
        return Err(StoreError::invalid(
            "url",
            "This peer has no address: bring its documents as files",
        ));
    };
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(FETCH_TIMEOUT)
        .user_agent("Concord exchange")
        .build()
        .map_err(|_| StoreError::invalid("url", "The exchange client could not start"))?;
    let fetched = async {
        let index_url = format!("{base}/index.json");
        let index: Index =
            serde_json::from_slice(&fetch(&client, &index_url, MAX_INDEX_BYTES).await?)
                .map_err(|e| format!("{index_url} is not a Concord exchange index ({e})"))?;
        if index.documents.len() > MAX_DOCUMENTS {
            return Err(format!(
                "{index_url} lists more than {MAX_DOCUMENTS} documents"
            ));
        }
        let kept = store::kept(store, peer_id)
            .await
            .map_err(|e| e.to_string())?;
        let mut files = Vec::new();
        let mut skipped = 0;
        for entry in index.documents {
            if kept
                .get(&entry.id)
                .is_some_and(|(v, h)| *v == entry.version && *h == entry.hash)
            {
                skipped += 1;
                continue;
            }
            if !entry.href.starts_with(&format!("{base}/")) {
                return Err(format!(
                    "the index points outside the peer's address ({}): refused",
                    entry.href.chars().take(200).collect::<String>()
                ));
            }
            let bytes = fetch(&client, &entry.href, MAX_DOCUMENT_BYTES).await?;
            files.push((entry.href, bytes));
        }
        Ok((files, skipped))
    }
    .await;
    match fetched {
        Ok((files, skipped)) => keep(store, actor, peer_id, &base, &files, skipped).await,
        Err(why) => {
            store::note_failed_check(store, actor, peer_id, &why).await?;
            Err(StoreError::invalid(
                "url",
                format!("Nothing was kept. {why}"),
            ))
        }
    }
}
