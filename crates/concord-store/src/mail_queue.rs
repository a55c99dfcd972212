//! The e-mail queue of notifications. An e-mail waits until a mail server accepts it: a sender
//! [`claim`]s what is due (a claim is a conditional update, so two senders never take the same
//! e-mail), then marks it [`sent`] or [`failed`] (tried again after a growing wait, never
//! dropped). A claim left by a sender that stopped mid-send lapses after its lease and the e-mail
//! is tried again with the same Message-ID, so a receiving server can tell it is the same one.
//! Administrators see what is waiting or failing ([`waiting`]) and can [`retry_now`].
//!
//! Queue bookkeeping (claims, tries, sent times) is kept outside the audit log, like sign-in
//! times; an administrator's retry is audited.

use crate::audit::{Actor, AuditEntry};
use crate::rows::RowExt;
use crate::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use concord_domain::notification::{retry_after, NotificationKind};
use sqlx::any::AnyRow;

/// Queues the e-mail of notification `notification_id` to `to_address`, due at once.
pub(crate) async fn enqueue(
    tx: &mut crate::db::WriteTx,
    notification_id: &str,
    to_address: &str,
    now: &str,
) -> Result<(), StoreError> {
    let token = hex::encode(rand::random::<[u8; 24]>());
    sqlx::query(
        "INSERT INTO notification_emails (notification_id, to_address, status, attempts, next_attempt_at, \
         claimed_until, last_error, unsubscribe_token, created_at, sent_at) \
         VALUES ($1, $2, 'waiting', 0, $3, NULL, '', $4, $3, NULL)",
    )
    .bind(notification_id)
    .bind(to_address)
    .bind(now)
    .bind(token)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// An e-mail to send, with what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The notification it carries (also the Message-ID's local part).
    pub notification_id: String,
    /// The recipient's address.
    pub to_address: String,
    /// The recipient's name.
    pub to_name: String,
    /// What it is about.
    pub kind: NotificationKind,
    /// The subject.
    pub title: String,
    /// The text.
    pub body: String,
    /// The page to act on it (a path in Concord).
    pub link: String,
    /// The secret that lets the recipient stop e-mails of this kind.
    pub unsubscribe_token: String,
    /// Tries before this one.
    pub attempts: u32,
}

fn outgoing(row: &AnyRow) -> Result<Outgoing, StoreError> {
    Ok(Outgoing {
        notification_id: row.text("notification_id")?,
        to_address: row.text("to_address")?,
        to_name: format!("{} {}", row.text("given_name")?, row.text("family_name")?),
        kind: row.code("kind")?,
        title: row.text("title")?,
        body: row.text("body")?,
        link: row.text("link")?,
        unsubscribe_token: row.text("unsubscribe_token")?,
        attempts: u32::try_from(row.int("attempts")?).unwrap_or(u32::MAX),
    })
}

const OUTGOING: &str = "SELECT e.notification_id, e.to_address, e.unsubscribe_token, e.attempts, \
     n.kind, n.title, n.body, n.link, p.given_name, p.family_name \
     FROM notification_emails e JOIN notifications n ON n.id = e.notification_id \
     JOIN people p ON p.id = n.person_id";

/// Takes up to `limit` e-mails due at `now` for one sender, each held for `lease` (after which
/// another sender may take it again). Oldest first.
pub async fn claim(
    store: &Store,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> Result<Vec<Outgoing>, StoreError> {
    let at = crate::format_timestamp(now);
    let until = crate::format_timestamp(now + lease);
    let due: Vec<String> = sqlx::query_scalar(
        "SELECT notification_id FROM notification_emails \
         WHERE (status = 'waiting' AND next_attempt_at <= $1) \
            OR (status = 'sending' AND claimed_until < $1) \
         ORDER BY next_attempt_at, notification_id LIMIT $2",
    )
    .bind(&at)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    let mut claimed = Vec::with_capacity(due.len());
    for id in due {
        let taken = sqlx::query(
            "UPDATE notification_emails SET status = 'sending', claimed_until = $2 \
             WHERE notification_id = $1 AND ((status = 'waiting' AND next_attempt_at <= $3) \
             OR (status = 'sending' AND claimed_until < $3))",
        )
        .bind(&id)
        .bind(&until)
        .bind(&at)
        .execute(store.pool())
        .await?
        .rows_affected();
        if taken == 1 {
            let row = sqlx::query(&format!("{OUTGOING} WHERE e.notification_id = $1"))
                .bind(&id)
                .fetch_one(store.pool())
                .await?;
            claimed.push(outgoing(&row)?);
        }
    }
    Ok(claimed)
}

/// Records that the mail server accepted the e-mail of `notification_id`.
pub async fn sent(
    store: &Store,
    notification_id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE notification_emails SET status = 'sent', sent_at = $2, claimed_until = NULL, \
         attempts = attempts + 1, last_error = '' WHERE notification_id = $1",
    )
    .bind(notification_id)
    .bind(crate::format_timestamp(now))
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Records a failed try of `notification_id`'s e-mail, with the server's answer, and when it will
/// be tried again.
pub async fn failed(
    store: &Store,
    notification_id: &str,
    error: &str,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, StoreError> {
    let attempts: i64 =
        sqlx::query_scalar("SELECT attempts FROM notification_emails WHERE notification_id = $1")
            .bind(notification_id)
            .fetch_one(store.pool())
            .await?;
    let attempts = attempts + 1;
    let next = now + retry_after(u32::try_from(attempts).unwrap_or(u32::MAX));
    let error: String = error.chars().take(500).collect();
    sqlx::query(
        "UPDATE notification_emails SET status = 'waiting', attempts = $2, next_attempt_at = $3, \
         claimed_until = NULL, last_error = $4 WHERE notification_id = $1",
    )
    .bind(notification_id)
    .bind(attempts)
    .bind(crate::format_timestamp(next))
    .bind(error)
    .execute(store.pool())
    .await?;
    Ok(next)
}

/// An e-mail not yet delivered, as administrators see it (no text: only whom and what kind).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Waiting {
    /// The notification it carries.
    pub notification_id: String,
    /// The recipient's name.
    pub to_name: String,
    /// What it is about.
    pub kind: NotificationKind,
    /// Failed tries so far.
    pub attempts: i64,
    /// The mail server's last answer, if a try failed.
    pub last_error: String,
    /// When it is next tried (RFC 3339, UTC).
    pub next_attempt_at: String,
    /// When it was queued.
    pub created_at: String,
}

/// The queue as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct QueueState {
    /// E-mails not yet delivered, those that have failed first, oldest first.
    pub waiting: Vec<Waiting>,
    /// E-mails delivered in the last 7 days.
    pub sent_last_week: i64,
}

/// The longest list of waiting e-mails shown.
pub const WAITING_LIMIT: i64 = 500;

/// What is waiting or failing, and how much was sent in the week before `now`.
pub async fn waiting(store: &Store, now: DateTime<Utc>) -> Result<QueueState, StoreError> {
    let rows = sqlx::query(
        "SELECT e.notification_id, e.attempts, e.last_error, e.next_attempt_at, e.created_at, \
         n.kind, p.given_name, p.family_name \
         FROM notification_emails e JOIN notifications n ON n.id = e.notification_id \
         JOIN people p ON p.id = n.person_id WHERE e.status <> 'sent' \
         ORDER BY e.attempts DESC, e.created_at, e.notification_id LIMIT $1",
    )
    .bind(WAITING_LIMIT)
    .fetch_all(store.pool())
    .await?;
    let waiting = rows
        .iter()
        .map(|row| {
            Ok(Waiting {
                notification_id: row.text("notification_id")?,
                to_name: format!("{} {}", row.text("given_name")?, row.text("family_name")?),
                kind: row.code("kind")?,
                attempts: row.int("attempts")?,
                last_error: row.text("last_error")?,
                next_attempt_at: row.text("next_attempt_at")?,
                created_at: row.text("created_at")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let sent_last_week: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notification_emails WHERE status = 'sent' AND sent_at >= $1",
    )
    .bind(crate::format_timestamp(now - Duration::days(7)))
    .fetch_one(store.pool())
    .await?;
    Ok(QueueState {
        waiting,
        sent_last_week,
    })
}

/// Makes every waiting e-mail due now (an administrator, once the mail server is mended).
/// Audited; gives how many were brought forward.
pub async fn retry_now(store: &Store, actor: &Actor) -> Result<u64, StoreError> {
    let entry = AuditEntry::success(actor, "notification.retry", "mail_queue", None, "");
    store
        .audited(entry, async |mut entry| {
            let mut tx = store.begin_write().await?;
            let moved = sqlx::query(
                "UPDATE notification_emails SET next_attempt_at = $1 WHERE status = 'waiting'",
            )
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?
            .rows_affected();
            entry.detail = format!("e-mails brought forward: {moved}");
            tx.commit(entry).await?;
            Ok(moved)
        })
        .await
}

/// Whom an unsubscribe link is for, and which kind it stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    /// The person.
    pub person_id: String,
    /// Their name.
    pub name: String,
    /// The kind of e-mail it stops.
    pub kind: NotificationKind,
}

/// The person and kind an unsubscribe link's `token` names, if it names any.
pub async fn unsubscribe_link(
    store: &Store,
    token: &str,
) -> Result<Option<Unsubscribe>, StoreError> {
    if token.len() != 48 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT n.person_id, n.kind, p.given_name, p.family_name \
         FROM notification_emails e JOIN notifications n ON n.id = e.notification_id \
         JOIN people p ON p.id = n.person_id WHERE e.unsubscribe_token = $1",
    )
    .bind(token)
    .fetch_optional(store.pool())
    .await?;
    row.map(|row| {
        Ok(Unsubscribe {
            person_id: row.text("person_id")?,
            name: format!("{} {}", row.text("given_name")?, row.text("family_name")?),
            kind: row.code("kind")?,
        })
    })
    .transpose()
}

/// Stops e-mails of the kind `token` names for its person (what they see in Concord is kept).
/// Audited as the person, acting through the link.
pub async fn unsubscribe(store: &Store, token: &str) -> Result<Unsubscribe, StoreError> {
    let link = unsubscribe_link(store, token)
        .await?
        .ok_or_else(|| StoreError::not_found("unsubscribe link", "(withheld)"))?;
    let actor = Actor {
        person_id: Some(link.person_id.clone()),
        name: link.name.clone(),
        ..Actor::system("unsubscribe link")
    };
    let entry = AuditEntry::success(
        &actor,
        "notification.unsubscribe",
        "person",
        Some(&link.person_id),
        format!("no more e-mails: {}", link.kind.as_str()),
    );
    let in_app = crate::notifications::choices(store, &link.person_id)
        .await?
        .into_iter()
        .find(|(kind, _)| *kind == link.kind)
        .is_none_or(|(_, channels)| channels.in_app);
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            sqlx::query(
                "INSERT INTO notification_choices (person_id, kind, in_app, email, updated_at) \
                 VALUES ($1, $2, $3, 0, $4) \
                 ON CONFLICT (person_id, kind) DO UPDATE SET email = 0, updated_at = $4",
            )
            .bind(&link.person_id)
            .bind(link.kind.as_str())
            .bind(i64::from(in_app))
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(link)
}
