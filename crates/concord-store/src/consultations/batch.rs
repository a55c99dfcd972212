//! Many responses, or many of one analyst's readings, in one transaction each: a box of paper
//! forms typed in, another tool's responses or coding brought over, and the demo and benchmark.
//! Each goes through the same writers as one response or reading.

use super::{insert_response, status_in, write_reading};
use crate::audit::{Actor, AuditEntry};
use crate::{Store, StoreError};
use concord_domain::consultation::response::ValidResponse;
use concord_domain::consultation::ConsultationStatus;

/// One response of a batch: the response, its area's deprivation decile, and the day it came.
pub struct Incoming<'a> {
    /// The response, checked.
    pub response: &'a ValidResponse,
    /// Its area's deprivation decile.
    pub deprivation_decile: Option<u8>,
    /// When it came (RFC 3339).
    pub received_at: String,
}

/// Keeps a batch of responses entered by staff (a box of paper forms, an event's cards, or a
/// migration from another tool) in one transaction: all or none, audited as one entry. The
/// consultation must be published and not closed.
pub async fn add_responses(
    store: &Store,
    actor: &Actor,
    consultation_id: &str,
    entered_by: &str,
    batch: &[Incoming<'_>],
) -> Result<usize, StoreError> {
    let entry = AuditEntry::success(
        actor,
        "consultation.responses",
        "consultation",
        Some(consultation_id),
        format!("{} responses entered", batch.len()),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            if status_in(tx.conn(), consultation_id).await? != ConsultationStatus::Open {
                return Err(StoreError::invalid(
                    "answers",
                    "This consultation is not taking responses",
                ));
            }
            for incoming in batch {
                insert_response(
                    tx.conn(),
                    &crate::new_id(),
                    consultation_id,
                    incoming.response,
                    incoming.deprivation_decile,
                    Some(entered_by),
                    &incoming.received_at,
                )
                .await?;
            }
            tx.commit(entry).await?;
            Ok(batch.len())
        })
        .await
}

/// Records many of one analyst's readings at once (each: response, question, themes found), in
/// one transaction, audited as one entry; for loading a coding done elsewhere.
pub async fn tag_many(
    store: &Store,
    actor: &Actor,
    consultation_id: &str,
    analyst: &str,
    readings: &[(String, String, Vec<String>)],
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "consultation.tag",
        "consultation",
        Some(consultation_id),
        format!("{} answers read", readings.len()),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            if status_in(tx.conn(), consultation_id).await? == ConsultationStatus::Closed {
                return Err(StoreError::invalid("themes", "The consultation is closed"));
            }
            let known: Vec<String> =
                sqlx::query_scalar("SELECT id FROM consultation_themes WHERE consultation_id = $1")
                    .bind(consultation_id)
                    .fetch_all(tx.conn())
                    .await?;
            let now = crate::now_utc();
            for (response, question, themes) in readings {
                write_reading(
                    tx.conn(),
                    consultation_id,
                    analyst,
                    (response, question, themes),
                    &known,
                    &now,
                )
                .await?;
            }
            tx.commit(entry).await
        })
        .await
}
