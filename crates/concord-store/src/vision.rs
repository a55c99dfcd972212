//! A round's shared vision: every saved draft is a new version (none is ever overwritten), and
//! partners' people comment on a particular version.

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use concord_domain::strategy::{check_comment, check_vision_text};
use serde::Serialize;

/// One version of the vision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VisionVersion {
    /// From 1.
    pub version: i64,
    /// The text.
    pub text: String,
    /// Who saved it.
    pub author_name: String,
    /// When (UTC).
    pub created_at: String,
}

/// Every version of a round's vision, newest first.
pub async fn versions(store: &Store, round_id: &str) -> Result<Vec<VisionVersion>, StoreError> {
    let rows: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT version, body, author_name, created_at FROM vision_versions WHERE round_id = $1 ORDER BY version DESC")
            .bind(round_id)
            .fetch_all(store.pool())
            .await?;
    Ok(rows
        .into_iter()
        .map(|(version, text, author_name, created_at)| VisionVersion {
            version,
            text,
            author_name,
            created_at,
        })
        .collect())
}

/// Saves a new version of the vision; returns its number. Saving unchanged text is refused.
pub async fn save(
    store: &Store,
    actor: &Actor,
    round_id: &str,
    text: &str,
) -> Result<i64, StoreError> {
    let entry = AuditEntry::success(actor, "vision.save", "strategy_round", Some(round_id), "");
    store
        .audited(entry, async |entry| {
            check_vision_text(text)?;
            crate::strategy::get(store, round_id).await?;
            let mut tx = store.begin_write().await?;
            let latest: Option<(i64, String)> = sqlx::query_as("SELECT version, body FROM vision_versions WHERE round_id = $1 ORDER BY version DESC LIMIT 1")
                .bind(round_id)
                .fetch_optional(tx.conn())
                .await?;
            if latest.as_ref().is_some_and(|(_, body)| body.trim() == text.trim()) {
                return Err(StoreError::invalid("text", "This is the same as the latest version: change the text to save a new version"));
            }
            let version = latest.map(|(v, _)| v + 1).unwrap_or(1);
            sqlx::query("INSERT INTO vision_versions (round_id, version, body, author_name, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(round_id)
                .bind(version)
                .bind(text.trim())
                .bind(&actor.name)
                .bind(crate::now_utc())
                .execute(tx.conn())
                .await?;
            tx.commit(entry.detailed(format!("saved vision version {version}"))).await?;
            Ok(version)
        })
        .await
}

/// A comment on a version of the vision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VisionComment {
    /// The version commented on.
    pub version: i64,
    /// Who.
    pub author_name: String,
    /// For which organisation.
    pub organisation_name: String,
    /// What they said.
    pub text: String,
    /// When (UTC).
    pub created_at: String,
}

/// Every comment on a round's vision, oldest first.
pub async fn comments(store: &Store, round_id: &str) -> Result<Vec<VisionComment>, StoreError> {
    let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT version, author_name, organisation_name, body, created_at FROM vision_comments WHERE round_id = $1 ORDER BY created_at, id",
    )
    .bind(round_id)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(version, author_name, organisation_name, text, created_at)| VisionComment {
                version,
                author_name,
                organisation_name,
                text,
                created_at,
            },
        )
        .collect())
}

/// Adds a comment on version `version` of the vision.
pub async fn comment(
    store: &Store,
    actor: &Actor,
    round_id: &str,
    version: i64,
    text: &str,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "vision.comment",
        "strategy_round",
        Some(round_id),
        format!("on version {version}"),
    );
    store
        .audited(entry, async |entry| {
            check_comment(text)?;
            if !versions(store, round_id).await?.iter().any(|v| v.version == version) {
                return Err(StoreError::invalid("version", format!("There is no version {version} of this vision")));
            }
            let mut tx = store.begin_write().await?;
            sqlx::query(
                "INSERT INTO vision_comments (id, round_id, version, person_id, author_name, organisation_name, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(crate::new_id())
            .bind(round_id)
            .bind(version)
            .bind(&actor.person_id)
            .bind(&actor.name)
            .bind(actor.organisation_name.clone().unwrap_or_default())
            .bind(text.trim())
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await
}
