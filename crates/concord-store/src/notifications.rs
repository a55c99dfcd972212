//! Notifications kept for each person: what they were told, whether they have read it, and where
//! they choose to be told. A notification is written once per person, kind and occasion (the
//! table's unique key), so recording the same occasions again tells nobody twice. Its e-mail, if
//! the person wants one, is queued beside it in the same transaction ([`crate::mail_queue`]).

use crate::audit::{Actor, AuditEntry};
use crate::rows::{all_by, RowExt};
use crate::{Store, StoreError};
use concord_domain::notification::{Channels, ChoicesDraft, NotificationKind, Occasion};
use sqlx::any::AnyRow;
use std::collections::{HashMap, HashSet};

/// A notification as the person sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Notification {
    /// Concord's id for it.
    pub id: String,
    /// What it is about.
    pub kind: NotificationKind,
    /// One line.
    pub title: String,
    /// A sentence or two more.
    pub body: String,
    /// Where to act on it (a path in Concord).
    pub link: String,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// When the person read it, if they have.
    pub read_at: Option<String>,
}

/// Someone Concord can tell: a person with a sign-in account that is not disabled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The person.
    pub person_id: String,
    /// Their name.
    pub name: String,
    /// Their work e-mail address.
    pub email: String,
}

/// Everyone with a working sign-in account, by name.
pub async fn recipients(store: &Store) -> Result<Vec<Recipient>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.id, p.given_name, p.family_name, p.email FROM people p \
         JOIN accounts a ON a.person_id = p.id WHERE a.disabled = 0 \
         ORDER BY p.family_name, p.given_name, p.id",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Recipient {
                person_id: row.text("id")?,
                name: format!("{} {}", row.text("given_name")?, row.text("family_name")?),
                email: row.text("email")?,
            })
        })
        .collect()
}

/// Where `person_id` is told about each kind (every kind, in display order; unchosen kinds are
/// told in both places).
pub async fn choices(
    store: &Store,
    person_id: &str,
) -> Result<Vec<(NotificationKind, Channels)>, StoreError> {
    let chosen: HashMap<NotificationKind, Channels> = all_by(
        store,
        "SELECT kind, in_app, email FROM notification_choices WHERE person_id = $1",
        person_id,
        |row| {
            Ok((
                row.code::<NotificationKind>("kind")?,
                Channels {
                    in_app: row.flag("in_app")?,
                    email: row.flag("email")?,
                },
            ))
        },
    )
    .await?
    .into_iter()
    .collect();
    Ok(NotificationKind::ALL
        .iter()
        .map(|&kind| (kind, chosen.get(&kind).copied().unwrap_or_default()))
        .collect())
}

/// Records `person_id`'s choices (audited; a person changes only their own).
pub async fn set_choices(
    store: &Store,
    actor: &Actor,
    person_id: &str,
    draft: &ChoicesDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "notification.choose",
        "person",
        Some(person_id),
        format!(
            "in Concord: {}; by e-mail: {}",
            draft.in_app.join(", "),
            draft.email.join(", ")
        ),
    );
    store
        .audited(entry, async |entry| {
            let chosen = draft.validate()?;
            let mut tx = store.begin_write().await?;
            let now = crate::now_utc();
            for (kind, channels) in chosen {
                upsert_choice(&mut tx, person_id, kind, channels, &now).await?;
            }
            tx.commit(entry).await
        })
        .await
}

async fn upsert_choice(
    tx: &mut crate::db::WriteTx,
    person_id: &str,
    kind: NotificationKind,
    channels: Channels,
    now: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO notification_choices (person_id, kind, in_app, email, updated_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (person_id, kind) DO UPDATE SET in_app = $3, email = $4, updated_at = $5",
    )
    .bind(person_id)
    .bind(kind.as_str())
    .bind(i64::from(channels.in_app))
    .bind(i64::from(channels.email))
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The occasions already recorded for `person_id`, as (kind, occasion key).
pub async fn recorded(
    store: &Store,
    person_id: &str,
) -> Result<HashSet<(NotificationKind, String)>, StoreError> {
    Ok(all_by(
        store,
        "SELECT kind, occasion FROM notifications WHERE person_id = $1",
        person_id,
        |row| Ok((row.code("kind")?, row.text("occasion")?)),
    )
    .await?
    .into_iter()
    .collect())
}

/// What [`record`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Notifications written (occasions not recorded before).
    pub notifications: usize,
    /// E-mails queued with them.
    pub emails: usize,
}

/// Records each new occasion for `recipient`, shown in Concord and queued for e-mail as the
/// person chose (`email_enabled` false: no mail server is set up, so nothing is queued). An
/// occasion already recorded is skipped, so nobody is told twice; occasions the person chose
/// not to hear about are still recorded (unshown), so changing their mind later does not bring
/// old news. One audited transaction.
pub async fn record(
    store: &Store,
    recipient: &Recipient,
    occasions: &[Occasion],
    email_enabled: bool,
) -> Result<Recorded, StoreError> {
    // Most sweeps find nothing new: read first, so only a person with news takes the write lock.
    let known = recorded(store, &recipient.person_id).await?;
    let occasions: Vec<&Occasion> = occasions
        .iter()
        .filter(|o| !known.contains(&(o.kind, o.key.clone())))
        .collect();
    if occasions.is_empty() {
        return Ok(Recorded::default());
    }
    let chosen: HashMap<NotificationKind, Channels> = choices(store, &recipient.person_id)
        .await?
        .into_iter()
        .collect();
    let entry = AuditEntry::success(
        &Actor::system("notifications"),
        "notification.create",
        "person",
        Some(&recipient.person_id),
        "recording notifications",
    );
    store
        .audited(entry, async |mut entry| {
            let mut tx = store.begin_write().await?;
            let now = crate::now_utc();
            let mut done = Recorded::default();
            for occasion in &occasions {
                let channels = chosen.get(&occasion.kind).copied().unwrap_or_default();
                let id = crate::new_id();
                let written = sqlx::query(
                    "INSERT INTO notifications (id, person_id, kind, occasion, title, body, link, in_app, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (person_id, kind, occasion) DO NOTHING",
                )
                .bind(&id)
                .bind(&recipient.person_id)
                .bind(occasion.kind.as_str())
                .bind(&occasion.key)
                .bind(&occasion.title)
                .bind(&occasion.body)
                .bind(&occasion.link)
                .bind(i64::from(channels.in_app))
                .bind(&now)
                .execute(tx.conn())
                .await?
                .rows_affected();
                if written == 0 {
                    continue;
                }
                done.notifications += 1;
                if channels.email && email_enabled && !recipient.email.trim().is_empty() {
                    crate::mail_queue::enqueue(&mut tx, &id, recipient.email.trim(), &now).await?;
                    done.emails += 1;
                }
            }
            if done.notifications == 0 {
                return Ok(done);
            }
            entry.detail = format!(
                "notifications written: {}; e-mails queued: {}",
                done.notifications, done.emails
            );
            tx.commit(entry).await?;
            Ok(done)
        })
        .await
}

fn notification(row: &AnyRow) -> Result<Notification, StoreError> {
    Ok(Notification {
        id: row.text("id")?,
        kind: row.code("kind")?,
        title: row.text("title")?,
        body: row.text("body")?,
        link: row.text("link")?,
        created_at: row.text("created_at")?,
        read_at: row.opt_text("read_at")?,
    })
}

/// How many of `person_id`'s notifications shown in Concord are unread.
pub async fn unread_count(store: &Store, person_id: &str) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE person_id = $1 AND in_app = 1 AND read_at IS NULL",
    )
    .bind(person_id)
    .fetch_one(store.pool())
    .await?)
}

/// The longest list of notifications shown at once.
pub const LIST_LIMIT: i64 = 200;

/// `person_id`'s notifications shown in Concord, newest first (at most [`LIST_LIMIT`]).
pub async fn list(store: &Store, person_id: &str) -> Result<Vec<Notification>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, kind, title, body, link, created_at, read_at FROM notifications \
         WHERE person_id = $1 AND in_app = 1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(person_id)
    .bind(LIST_LIMIT)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(notification).collect()
}

/// Marks one of `person_id`'s notifications read (`Some(id)`), or all of them (`None`), and
/// gives the link of the one marked. Reading changes nothing of the partnership's, so it is
/// kept like a sign-in time, outside the audit log. Someone else's notification is not found.
pub async fn mark_read(
    store: &Store,
    person_id: &str,
    id: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let now = crate::now_utc();
    match id {
        None => {
            sqlx::query(
                "UPDATE notifications SET read_at = $2 WHERE person_id = $1 AND read_at IS NULL",
            )
            .bind(person_id)
            .bind(&now)
            .execute(store.pool())
            .await?;
            Ok(None)
        }
        Some(id) => {
            let link: Option<String> = sqlx::query_scalar(
                "SELECT link FROM notifications WHERE id = $1 AND person_id = $2",
            )
            .bind(id)
            .bind(person_id)
            .fetch_optional(store.pool())
            .await?;
            let link = link.ok_or_else(|| StoreError::not_found("notification", id))?;
            sqlx::query(
                "UPDATE notifications SET read_at = $3 WHERE id = $1 AND person_id = $2 AND read_at IS NULL",
            )
            .bind(id)
            .bind(person_id)
            .bind(&now)
            .execute(store.pool())
            .await?;
            Ok(Some(link))
        }
    }
}
