//! Server-side sessions and API tokens.
//!
//! The browser holds only a random token; the database holds its SHA-256, so a stolen database copy
//! cannot be replayed as cookies. Sessions end after 30 idle minutes or 12 hours, whichever is first,
//! and a new session (new token) is issued at every sign-in. How the person proved who they are
//! (`auth_method`: local password today, an OIDC provider later) is recorded but changes nothing else.

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use base64::Engine;
use chrono::{Duration, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT_MINUTES: i64 = 30;
/// A session ends this long after sign-in, however active.
pub const ABSOLUTE_TIMEOUT_HOURS: i64 = 12;

/// A fresh random secret: 32 bytes, URL-safe base64.
pub fn random_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Who is signed in.
    pub person_id: String,
    /// The token that state-changing forms must carry.
    pub csrf_token: String,
}

/// A newly created session: the token goes in the cookie.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The cookie value.
    pub token: String,
    /// The CSRF token for the session's forms.
    pub csrf_token: String,
}

/// Starts a session for `person_id`, ending `replacing` (the visitor's previous session) if given.
pub async fn create(
    store: &Store,
    person_id: &str,
    auth_method: &str,
    replacing: Option<&str>,
) -> Result<NewSession, StoreError> {
    if let Some(old) = replacing {
        end(store, old).await?;
    }
    let cutoff = crate::format_timestamp(Utc::now() - Duration::hours(ABSOLUTE_TIMEOUT_HOURS));
    sqlx::query("DELETE FROM sessions WHERE created_at < $1")
        .bind(&cutoff)
        .execute(store.pool())
        .await?;
    let session = NewSession {
        token: random_token(),
        csrf_token: random_token(),
    };
    let now = crate::now_utc();
    sqlx::query("INSERT INTO sessions (token_hash, person_id, csrf_token, auth_method, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $5)")
        .bind(digest(&session.token))
        .bind(person_id)
        .bind(&session.csrf_token)
        .bind(auth_method)
        .bind(&now)
        .execute(store.pool())
        .await?;
    Ok(session)
}

/// The live session for a cookie token; expired sessions are ended and give None.
pub async fn load(store: &Store, token: &str) -> Result<Option<Session>, StoreError> {
    let hash = digest(token);
    let row: Option<(String, String, String, String)> =
        sqlx::query_as("SELECT person_id, csrf_token, created_at, last_seen_at FROM sessions WHERE token_hash = $1")
            .bind(&hash)
            .fetch_optional(store.pool())
            .await?;
    let Some((person_id, csrf_token, created_at, last_seen_at)) = row else {
        return Ok(None);
    };
    let now = Utc::now();
    let idle_cutoff = crate::format_timestamp(now - Duration::minutes(IDLE_TIMEOUT_MINUTES));
    let absolute_cutoff = crate::format_timestamp(now - Duration::hours(ABSOLUTE_TIMEOUT_HOURS));
    if last_seen_at < idle_cutoff || created_at < absolute_cutoff {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(&hash)
            .execute(store.pool())
            .await?;
        return Ok(None);
    }
    // Record activity at most once a minute, so that reading pages does not mean a write per request.
    if last_seen_at < crate::format_timestamp(now - Duration::seconds(60)) {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(crate::format_timestamp(now))
            .bind(&hash)
            .execute(store.pool())
            .await?;
    }
    Ok(Some(Session {
        person_id,
        csrf_token,
    }))
}

/// Ends a session (sign-out).
pub async fn end(store: &Store, token: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(digest(token))
        .execute(store.pool())
        .await?;
    Ok(())
}

/// An API token as listed to its owner (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ApiToken {
    /// The token's id.
    pub id: String,
    /// What the owner called it.
    pub name: String,
    /// When it was made.
    pub created_at: String,
    /// When it stops working.
    pub expires_at: String,
    /// When it was last used.
    pub last_used_at: Option<String>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// The prefix on every API token, so that leaked tokens are easy to recognise and scan for.
pub const API_TOKEN_PREFIX: &str = "concord_";

/// Issues an API token for `person_id`, valid for `days`; returns (id, the secret shown once).
pub async fn create_api_token(
    store: &Store,
    actor: &Actor,
    person_id: &str,
    name: &str,
    days: i64,
) -> Result<(String, String), StoreError> {
    let entry = AuditEntry::success(actor, "api_token.create", "api_token", None, "");
    store
        .audited(entry, async |entry| {
            let mut errors = concord_domain::ValidationErrors::default();
            errors.require_text("name", "a name for the token", name, 100);
            if !(1..=365).contains(&days) {
                errors.add("days", "A token must last between 1 and 365 days");
            }
            errors.into_result()?;
            let secret = format!("{API_TOKEN_PREFIX}{}", random_token());
            let id = crate::new_id();
            let now = Utc::now();
            let mut tx = store.begin_write().await?;
            sqlx::query("INSERT INTO api_tokens (id, person_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&id)
                .bind(person_id)
                .bind(name.trim())
                .bind(digest(&secret))
                .bind(crate::format_timestamp(now))
                .bind(crate::format_timestamp(now + Duration::days(days)))
                .execute(tx.conn())
                .await?;
            let detail = format!("token '{}' for {days} days", name.trim());
            tx.commit(entry.about(&id).detailed(detail)).await?;
            Ok((id, secret))
        })
        .await
}

/// The person an API token belongs to, if it is live.
pub async fn authenticate_api_token(
    store: &Store,
    secret: &str,
) -> Result<Option<String>, StoreError> {
    let hash = digest(secret);
    let now = Utc::now();
    let row: Option<(String, String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT person_id, expires_at, revoked_at, last_used_at FROM api_tokens WHERE token_hash = $1")
            .bind(&hash)
            .fetch_optional(store.pool())
            .await?;
    let Some((person_id, expires_at, revoked_at, last_used)) = row else {
        return Ok(None);
    };
    let now_text = crate::format_timestamp(now);
    if revoked_at.is_some() || expires_at <= now_text {
        return Ok(None);
    }
    if last_used.is_none_or(|t| t < crate::format_timestamp(now - Duration::seconds(60))) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
            .bind(&now_text)
            .bind(&hash)
            .execute(store.pool())
            .await?;
    }
    Ok(Some(person_id))
}

/// A person's API tokens, newest first.
pub async fn list_api_tokens(store: &Store, person_id: &str) -> Result<Vec<ApiToken>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, name, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE person_id = $1 ORDER BY created_at DESC",
    )
    .bind(person_id)
    .fetch_all(store.pool())
    .await?)
}

/// Revokes one of `person_id`'s tokens.
pub async fn revoke_api_token(
    store: &Store,
    actor: &Actor,
    person_id: &str,
    token_id: &str,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "api_token.revoke", "api_token", Some(token_id), "");
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let updated = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND person_id = $3 AND revoked_at IS NULL")
                .bind(crate::now_utc())
                .bind(token_id)
                .bind(person_id)
                .execute(tx.conn())
                .await?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::not_found("API token", token_id));
            }
            tx.commit(entry).await
        })
        .await
}
