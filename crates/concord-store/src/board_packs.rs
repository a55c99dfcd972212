//! Board packs as circulated, and what a pack opens with: apologies, declarations of interest and
//! the approval of the previous meeting's minutes.
//!
//! Issuing a pack freezes it ([`issue`]): the pack as the board's members read it and as everyone
//! else may (confidential items withheld), each as HTML and as the PDF that was circulated, with
//! the PDF's SHA-256. An issued version is never changed: issuing again makes the next version,
//! and every version stays readable ([`read`]) byte for byte.

use crate::audit::{Actor, AuditEntry};
use crate::meetings;
use crate::rows::{all_by, RowExt};
use crate::{Store, StoreError};
use base64::Engine;
use concord_domain::meeting::DeclarationDraft;
use sha2::{Digest, Sha256};

/// One issued version of a meeting's pack (without its documents).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PackIssue {
    /// The meeting.
    pub meeting_id: String,
    /// 1 for the first issue, then 2, 3 ...
    pub version: i64,
    /// When it was issued (RFC 3339, UTC).
    pub issued_at: String,
    /// Who issued it.
    pub issued_by: String,
    /// What changed, for a re-issue.
    pub note: String,
    /// SHA-256 of the members' PDF, in hex.
    pub members_sha256: String,
    /// SHA-256 of the PDF with confidential items withheld, in hex.
    pub open_sha256: String,
}

/// Which of an issued pack's two documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// As the board's members read it, confidential items included.
    Members,
    /// As everyone else in the partnership may read it: confidential items withheld.
    Open,
}

impl Edition {
    fn columns(self) -> (&'static str, &'static str) {
        match self {
            Edition::Members => ("members_html", "members_pdf"),
            Edition::Open => ("open_html", "open_pdf"),
        }
    }
}

/// One edition of a pack as it is frozen: its HTML (the pack's body) and its PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frozen {
    /// The pack's body as HTML.
    pub html: String,
    /// The printed PDF.
    pub pdf: Vec<u8>,
}

/// The SHA-256 of `bytes`, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

const ISSUE_COLUMNS: &str =
    "meeting_id, version, issued_at, issued_by, note, members_sha256, open_sha256";

fn issue_from_row(row: &sqlx::any::AnyRow) -> Result<PackIssue, StoreError> {
    Ok(PackIssue {
        meeting_id: row.text("meeting_id")?,
        version: row.int("version")?,
        issued_at: row.text("issued_at")?,
        issued_by: row.text("issued_by")?,
        note: row.text("note")?,
        members_sha256: row.text("members_sha256")?,
        open_sha256: row.text("open_sha256")?,
    })
}

/// Every issued version of `meeting_id`'s pack, newest first.
pub async fn issues(store: &Store, meeting_id: &str) -> Result<Vec<PackIssue>, StoreError> {
    all_by(
        store,
        &format!(
            "SELECT {ISSUE_COLUMNS} FROM board_pack_issues WHERE meeting_id = $1 ORDER BY version DESC"
        ),
        meeting_id,
        issue_from_row,
    )
    .await
}

/// One issued version with one edition's documents, exactly as issued.
pub async fn read(
    store: &Store,
    meeting_id: &str,
    version: i64,
    edition: Edition,
) -> Result<(PackIssue, Frozen), StoreError> {
    let (html, pdf) = edition.columns();
    let row = sqlx::query(&format!(
        "SELECT {ISSUE_COLUMNS}, {html} AS html, {pdf} AS pdf FROM board_pack_issues \
         WHERE meeting_id = $1 AND version = $2"
    ))
    .bind(meeting_id)
    .bind(version)
    .fetch_optional(store.pool())
    .await?
    .ok_or_else(|| StoreError::not_found("board pack version", &version.to_string()))?;
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(row.text("pdf")?)
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
    Ok((
        issue_from_row(&row)?,
        Frozen {
            html: row.text("html")?,
            pdf,
        },
    ))
}

/// Issues the pack `draft` names (its meeting, version — the next after those issued — time and
/// note) with both editions; the issuer and the hashes are filled in here. Refused if another
/// version was issued meanwhile. Audited with the hashes.
pub async fn issue(
    store: &Store,
    actor: &Actor,
    draft: &PackIssue,
    members: &Frozen,
    open: &Frozen,
) -> Result<PackIssue, StoreError> {
    let meeting_id = draft.meeting_id.as_str();
    let version = draft.version;
    let issued_at = draft.issued_at.as_str();
    let issued = PackIssue {
        meeting_id: meeting_id.to_string(),
        version,
        issued_at: issued_at.to_string(),
        issued_by: actor.name.clone(),
        note: draft.note.trim().chars().take(1_000).collect(),
        members_sha256: sha256_hex(&members.pdf),
        open_sha256: sha256_hex(&open.pdf),
    };
    let entry = AuditEntry::success(
        actor,
        "board_pack.issue",
        "meeting",
        Some(meeting_id),
        format!(
            "version {version}; members' PDF SHA-256 {}; open PDF SHA-256 {}",
            issued.members_sha256, issued.open_sha256
        ),
    );
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    store
        .audited(entry, async |entry| {
            meetings::get(store, meeting_id).await?;
            let mut tx = store.begin_write().await?;
            let latest: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(version) FROM board_pack_issues WHERE meeting_id = $1",
            )
            .bind(meeting_id)
            .fetch_one(tx.conn())
            .await?;
            if latest.unwrap_or(0) + 1 != version {
                return Err(StoreError::invalid(
                    "version",
                    "Another version of this pack was issued at the same time: look at it, then issue again if it is still needed",
                ));
            }
            sqlx::query(
                "INSERT INTO board_pack_issues (id, meeting_id, version, issued_at, issued_by, note, \
                 members_html, members_pdf, members_sha256, open_html, open_pdf, open_sha256) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(crate::new_id())
            .bind(meeting_id)
            .bind(version)
            .bind(issued_at)
            .bind(&issued.issued_by)
            .bind(&issued.note)
            .bind(&members.html)
            .bind(b64(&members.pdf))
            .bind(&issued.members_sha256)
            .bind(&open.html)
            .bind(b64(&open.pdf))
            .bind(&issued.open_sha256)
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(issued)
}

/// A member's apologies for a meeting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Apology {
    /// The member.
    pub person_id: String,
    /// Their name.
    pub person_name: String,
}

/// The apologies received for `meeting_id`, by name.
pub async fn apologies(store: &Store, meeting_id: &str) -> Result<Vec<Apology>, StoreError> {
    all_by(
        store,
        "SELECT a.person_id, p.given_name, p.family_name FROM meeting_apologies a \
         JOIN people p ON p.id = a.person_id WHERE a.meeting_id = $1 \
         ORDER BY p.family_name, p.given_name",
        meeting_id,
        |row| {
            Ok(Apology {
                person_id: row.text("person_id")?,
                person_name: format!("{} {}", row.text("given_name")?, row.text("family_name")?),
            })
        },
    )
    .await
}

/// Records `person_id`'s apologies for `meeting_id`; they must sit on its board.
pub async fn record_apology(
    store: &Store,
    actor: &Actor,
    meeting_id: &str,
    person_id: &str,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "meeting.apology",
        "meeting",
        Some(meeting_id),
        person_id,
    );
    store
        .audited(entry, async |entry| {
            let meeting = meetings::get(store, meeting_id).await?;
            if meetings::seat(store, &meeting.board_id, person_id).await?.is_none() {
                return Err(StoreError::invalid(
                    "person_id",
                    "Select a member of the board",
                ));
            }
            let mut tx = store.begin_write().await?;
            sqlx::query(
                "INSERT INTO meeting_apologies (meeting_id, person_id, recorded_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (meeting_id, person_id) DO NOTHING",
            )
            .bind(meeting_id)
            .bind(person_id)
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await
}

/// An interest declared for a meeting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Declaration {
    /// Who declared it.
    pub person_name: String,
    /// The agenda item it concerns, if one.
    pub agenda_item_title: Option<String>,
    /// The interest.
    pub interest: String,
}

/// The interests declared for `meeting_id`, in the order declared.
pub async fn declarations(store: &Store, meeting_id: &str) -> Result<Vec<Declaration>, StoreError> {
    all_by(
        store,
        "SELECT p.given_name, p.family_name, i.title AS item_title, d.interest \
         FROM meeting_declarations d JOIN people p ON p.id = d.person_id \
         LEFT JOIN agenda_items i ON i.id = d.agenda_item_id \
         WHERE d.meeting_id = $1 ORDER BY d.recorded_at, d.id",
        meeting_id,
        |row| {
            Ok(Declaration {
                person_name: format!("{} {}", row.text("given_name")?, row.text("family_name")?),
                agenda_item_title: row.opt_text("item_title")?,
                interest: row.text("interest")?,
            })
        },
    )
    .await
}

/// Records an interest declared by a member of `meeting_id`'s board, for the meeting or one of
/// its agenda items.
pub async fn declare(
    store: &Store,
    actor: &Actor,
    meeting_id: &str,
    draft: &DeclarationDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "meeting.declaration",
        "meeting",
        Some(meeting_id),
        draft.person_id.trim(),
    );
    store
        .audited(entry, async |entry| {
            let (person_id, item_id, interest) = draft.validate()?;
            let meeting = meetings::get(store, meeting_id).await?;
            if meetings::seat(store, &meeting.board_id, &person_id).await?.is_none() {
                return Err(StoreError::invalid("person_id", "Select a member of the board"));
            }
            if let Some(item) = &item_id {
                let on_agenda: Option<String> = sqlx::query_scalar(
                    "SELECT id FROM agenda_items WHERE id = $1 AND meeting_id = $2",
                )
                .bind(item)
                .bind(meeting_id)
                .fetch_optional(store.pool())
                .await?;
                if on_agenda.is_none() {
                    return Err(StoreError::invalid(
                        "agenda_item_id",
                        "Select an item on this meeting's agenda, or the whole meeting",
                    ));
                }
            }
            let mut tx = store.begin_write().await?;
            sqlx::query(
                "INSERT INTO meeting_declarations (id, meeting_id, person_id, agenda_item_id, interest, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(crate::new_id())
            .bind(meeting_id)
            .bind(&person_id)
            .bind(item_id.as_deref())
            .bind(&interest)
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await
}

/// Records that `meeting_id` approved the minutes of its board's previous meeting as a true
/// record. Refused when there is no previous meeting or it has no minutes.
pub async fn approve_previous_minutes(
    store: &Store,
    actor: &Actor,
    meeting_id: &str,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "meeting.approve_previous_minutes",
        "meeting",
        Some(meeting_id),
        "",
    );
    store
        .audited(entry, async |mut entry| {
            let meeting = meetings::get(store, meeting_id).await?;
            let previous = meetings::previous(store, &meeting).await?.ok_or_else(|| {
                StoreError::invalid("minutes", "This is the board's first meeting: there are no earlier minutes to approve")
            })?;
            if previous.minutes.trim().is_empty() {
                return Err(StoreError::invalid(
                    "minutes",
                    "The previous meeting has no minutes yet: write them before they can be approved",
                ));
            }
            entry.detail = format!("minutes of meeting {}", previous.id);
            let mut tx = store.begin_write().await?;
            sqlx::query(
                "UPDATE meetings SET minutes_approved_at_meeting = $2, minutes_approved_on = $3, updated_at = $4 WHERE id = $1",
            )
            .bind(&previous.id)
            .bind(meeting_id)
            .bind(&meeting.held_on)
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await
}
