//! Exchange between Concord systems (Listen and learn): what this system published, every version
//! as signed and served; the peers it subscribes to, each with its key pinned; and the documents
//! received from them with where they came from. Nothing here signs or verifies: the application
//! layer does, and hands over only documents that passed.

use crate::audit::{Actor, AuditEntry};
use crate::rows::{all, all_by, one_by_id, RowExt};
use crate::{Store, StoreError};
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// A document this system is publishing, signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    /// The document's id (stable across versions).
    pub document_id: String,
    /// Its version.
    pub version: u64,
    /// `case_study`, `metric_definition` or `benchmark_series`.
    pub kind: String,
    /// The last part of its address under the well-known documents.
    pub slug: String,
    /// Its title, for lists.
    pub title: String,
    /// What it was made from, for people ("metric ae_4hr, the whole system").
    pub source: String,
    /// The signed document, exactly as served.
    pub signed: String,
    /// Its content hash.
    pub hash: String,
    /// When it was published (RFC 3339), as the document says.
    pub published_at: String,
}

/// A published version, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The publication.
    pub publication: Publication,
    /// Who published it.
    pub published_by: String,
}

const PUBLISHED: &str = "SELECT e.document_id, e.version, e.kind, e.slug, e.title, e.source, e.signed, e.hash, e.published_at, \
     (p.given_name || ' ' || p.family_name) AS published_by FROM exchange_published e JOIN people p ON p.id = e.published_by";

fn published_from_row(row: &AnyRow) -> Result<Published, StoreError> {
    Ok(Published {
        publication: Publication {
            document_id: row.text("document_id")?,
            version: row.int("version")? as u64,
            kind: row.text("kind")?,
            slug: row.text("slug")?,
            title: row.text("title")?,
            source: row.text("source")?,
            signed: row.text("signed")?,
            hash: row.text("hash")?,
            published_at: row.text("published_at")?,
        },
        published_by: row.text("published_by")?,
    })
}

/// The version the next publication of `document_id` takes: one more than the latest, or 1.
pub async fn next_version(store: &Store, document_id: &str) -> Result<u64, StoreError> {
    let latest: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM exchange_published WHERE document_id = $1")
            .bind(document_id)
            .fetch_one(store.pool())
            .await?;
    Ok(latest.unwrap_or(0) as u64 + 1)
}

/// Keeps a signed publication, audited. Refused if that version was published meanwhile (two
/// people publishing at once): the second must publish again, as the next version.
pub async fn publish(
    store: &Store,
    actor: &Actor,
    publication: &Publication,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "exchange.publish",
        "exchange_document",
        Some(&publication.document_id),
        format!(
            "published version {} of \"{}\" ({}; {})",
            publication.version, publication.title, publication.kind, publication.hash
        ),
    );
    let person = actor
        .person_id
        .clone()
        .ok_or_else(|| StoreError::Forbidden("Only a person may publish".into()))?;
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let latest: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(version) FROM exchange_published WHERE document_id = $1",
            )
            .bind(&publication.document_id)
            .fetch_one(tx.conn())
            .await?;
            if latest.unwrap_or(0) as u64 + 1 != publication.version {
                return Err(StoreError::invalid(
                    "version",
                    "Someone published this document meanwhile: publish it again to make the next version",
                ));
            }
            sqlx::query(
                "INSERT INTO exchange_published (document_id, version, kind, slug, title, source, signed, hash, published_at, published_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&publication.document_id)
            .bind(publication.version as i64)
            .bind(&publication.kind)
            .bind(&publication.slug)
            .bind(&publication.title)
            .bind(&publication.source)
            .bind(&publication.signed)
            .bind(&publication.hash)
            .bind(&publication.published_at)
            .bind(&person)
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await
}

/// The latest version of every document this system has published, newest first.
pub async fn latest_published(store: &Store) -> Result<Vec<Published>, StoreError> {
    all(
        store,
        &format!(
            "{PUBLISHED} WHERE e.version = (SELECT MAX(x.version) FROM exchange_published x WHERE x.document_id = e.document_id) \
             ORDER BY e.published_at DESC, e.slug"
        ),
        published_from_row,
    )
    .await
}

/// Every version published at the address `slug`, newest first.
pub async fn published_versions(store: &Store, slug: &str) -> Result<Vec<Published>, StoreError> {
    all_by(
        store,
        &format!("{PUBLISHED} WHERE e.slug = $1 ORDER BY e.version DESC"),
        slug,
        published_from_row,
    )
    .await
}

/// A peer system this one subscribes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    /// Concord's id for it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its well-known address, if its documents are fetched rather than brought as files.
    pub url: Option<String>,
    /// Its public key (a JWK), pinned when it was added.
    pub public_key: String,
    /// The key's thumbprint.
    pub key_id: String,
    /// Who added it.
    pub added_by: String,
    /// When.
    pub added_at: String,
    /// When its address was last checked.
    pub last_checked_at: Option<String>,
    /// What the last check found, in words.
    pub last_outcome: Option<String>,
}

const PEERS: &str = "SELECT x.id, x.name, x.url, x.public_key, x.key_id, (p.given_name || ' ' || p.family_name) AS added_by, x.added_at, \
     x.last_checked_at, x.last_outcome FROM exchange_peers x JOIN people p ON p.id = x.added_by";

fn peer_from_row(row: &AnyRow) -> Result<Peer, StoreError> {
    Ok(Peer {
        id: row.text("id")?,
        name: row.text("name")?,
        url: row.opt_text("url")?,
        public_key: row.text("public_key")?,
        key_id: row.text("key_id")?,
        added_by: row.text("added_by")?,
        added_at: row.text("added_at")?,
        last_checked_at: row.opt_text("last_checked_at")?,
        last_outcome: row.opt_text("last_outcome")?,
    })
}

/// A peer to add: its name, address and key, already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPeer {
    /// Its name.
    pub name: String,
    /// Its well-known address, if any.
    pub url: Option<String>,
    /// Its public key (a JWK).
    pub public_key: String,
    /// The key's thumbprint.
    pub key_id: String,
}

/// Adds a peer, audited; a key already pinned for another peer is refused.
pub async fn add_peer(store: &Store, actor: &Actor, peer: &NewPeer) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "exchange.peer.add",
        "exchange_peer",
        Some(&id),
        format!("subscribed to {} (key {})", peer.name, peer.key_id),
    );
    let person = actor
        .person_id
        .clone()
        .ok_or_else(|| StoreError::Forbidden("Only a person may add a peer".into()))?;
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let taken: Option<String> =
                sqlx::query_scalar("SELECT name FROM exchange_peers WHERE key_id = $1")
                    .bind(&peer.key_id)
                    .fetch_optional(tx.conn())
                    .await?;
            if let Some(name) = taken {
                return Err(StoreError::invalid(
                    "public_key",
                    format!("This key is already pinned for {name}"),
                ));
            }
            sqlx::query(
                "INSERT INTO exchange_peers (id, name, url, public_key, key_id, added_by, added_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&id)
            .bind(&peer.name)
            .bind(&peer.url)
            .bind(&peer.public_key)
            .bind(&peer.key_id)
            .bind(&person)
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// Every peer, by name.
pub async fn peers(store: &Store) -> Result<Vec<Peer>, StoreError> {
    all(store, &format!("{PEERS} ORDER BY x.name"), peer_from_row).await
}

/// One peer.
pub async fn peer(store: &Store, id: &str) -> Result<Peer, StoreError> {
    one_by_id(
        store,
        &format!("{PEERS} WHERE x.id = $1"),
        "peer",
        id,
        peer_from_row,
    )
    .await
}

/// What is kept of each of a peer's documents: its latest version and that version's hash.
pub async fn kept(
    store: &Store,
    peer_id: &str,
) -> Result<HashMap<String, (u64, String)>, StoreError> {
    let rows = all_by(
        store,
        "SELECT r.document_id, r.version, r.hash FROM exchange_received r WHERE r.peer_id = $1 \
         AND r.version = (SELECT MAX(x.version) FROM exchange_received x WHERE x.peer_id = r.peer_id AND x.document_id = r.document_id)",
        peer_id,
        |row| {
            Ok((
                row.text("document_id")?,
                (row.int("version")? as u64, row.text("hash")?),
            ))
        },
    )
    .await?;
    Ok(rows.into_iter().collect())
}

/// A verified document to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    /// Its id.
    pub document_id: String,
    /// Its version.
    pub version: u64,
    /// Its kind's code.
    pub kind: String,
    /// Its title.
    pub title: String,
    /// The signed document as received.
    pub signed: String,
    /// Its hash.
    pub hash: String,
    /// When its publisher published it.
    pub published_at: String,
}

/// Keeps verified documents from `peer_id` that arrived from `from` (an address or a file's name),
/// all in one transaction, and notes the outcome on the peer; audited. Returns how many were new.
pub async fn receive(
    store: &Store,
    actor: &Actor,
    peer_id: &str,
    from: &str,
    arrivals: &[Arrival],
    outcome: &str,
) -> Result<usize, StoreError> {
    let entry = AuditEntry::success(
        actor,
        "exchange.receive",
        "exchange_peer",
        Some(peer_id),
        format!("{outcome} (from {from})"),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let now = crate::now_utc();
            let mut added = 0;
            for arrival in arrivals {
                let present: Option<String> = sqlx::query_scalar(
                    "SELECT hash FROM exchange_received WHERE peer_id = $1 AND document_id = $2 AND version = $3",
                )
                .bind(peer_id)
                .bind(&arrival.document_id)
                .bind(arrival.version as i64)
                .fetch_optional(tx.conn())
                .await?;
                if present.is_some() {
                    continue;
                }
                sqlx::query(
                    "INSERT INTO exchange_received (peer_id, document_id, version, kind, title, signed, hash, published_at, received_at, received_by, received_from) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(peer_id)
                .bind(&arrival.document_id)
                .bind(arrival.version as i64)
                .bind(&arrival.kind)
                .bind(&arrival.title)
                .bind(&arrival.signed)
                .bind(&arrival.hash)
                .bind(&arrival.published_at)
                .bind(&now)
                .bind(&actor.name)
                .bind(from)
                .execute(tx.conn())
                .await?;
                added += 1;
            }
            sqlx::query("UPDATE exchange_peers SET last_checked_at = $1, last_outcome = $2 WHERE id = $3")
                .bind(&now)
                .bind(outcome)
                .bind(peer_id)
                .execute(tx.conn())
                .await?;
            tx.commit(entry).await?;
            Ok(added)
        })
        .await
}

/// Notes on a peer that a check of its address failed, and why; audited.
pub async fn note_failed_check(
    store: &Store,
    actor: &Actor,
    peer_id: &str,
    outcome: &str,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "exchange.receive",
        "exchange_peer",
        Some(peer_id),
        format!("refused: {outcome}"),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            sqlx::query(
                "UPDATE exchange_peers SET last_checked_at = $1, last_outcome = $2 WHERE id = $3",
            )
            .bind(crate::now_utc())
            .bind(format!("Refused: {outcome}"))
            .bind(peer_id)
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await
}

/// A document received from a peer, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The peer's id.
    pub peer_id: String,
    /// The peer's name.
    pub peer_name: String,
    /// The document as kept.
    pub arrival: Arrival,
    /// When it arrived.
    pub received_at: String,
    /// Who brought it (by name).
    pub received_by: String,
    /// The address or file it came from.
    pub received_from: String,
}

const RECEIVED: &str = "SELECT r.peer_id, x.name AS peer_name, r.document_id, r.version, r.kind, r.title, r.signed, r.hash, \
     r.published_at, r.received_at, r.received_by, r.received_from FROM exchange_received r JOIN exchange_peers x ON x.id = r.peer_id";

fn received_from_row(row: &AnyRow) -> Result<Received, StoreError> {
    Ok(Received {
        peer_id: row.text("peer_id")?,
        peer_name: row.text("peer_name")?,
        arrival: Arrival {
            document_id: row.text("document_id")?,
            version: row.int("version")? as u64,
            kind: row.text("kind")?,
            title: row.text("title")?,
            signed: row.text("signed")?,
            hash: row.text("hash")?,
            published_at: row.text("published_at")?,
        },
        received_at: row.text("received_at")?,
        received_by: row.text("received_by")?,
        received_from: row.text("received_from")?,
    })
}

/// The latest version of every document received from any peer, newest first.
pub async fn latest_received(store: &Store) -> Result<Vec<Received>, StoreError> {
    all(
        store,
        &format!(
            "{RECEIVED} WHERE r.version = (SELECT MAX(v.version) FROM exchange_received v WHERE v.peer_id = r.peer_id AND v.document_id = r.document_id) \
             ORDER BY r.published_at DESC, r.title"
        ),
        received_from_row,
    )
    .await
}

/// Every version kept of one peer's document, newest first.
pub async fn received_versions(
    store: &Store,
    peer_id: &str,
    document_id: &str,
) -> Result<Vec<Received>, StoreError> {
    let rows = sqlx::query(&format!(
        "{RECEIVED} WHERE r.peer_id = $1 AND r.document_id = $2 ORDER BY r.version DESC"
    ))
    .bind(peer_id)
    .bind(document_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(received_from_row).collect()
}
