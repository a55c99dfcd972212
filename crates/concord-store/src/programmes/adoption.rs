//! What a programme started from another system's case study adopts, written in the transaction
//! that creates it.

use super::{add_history, today, NewHistory};
use crate::audit::Actor;
use crate::StoreError;
use concord_domain::programme::ProgrammeDraft;
use sqlx::AnyConnection;

/// What a programme started from another system's case study takes with it: the case study's
/// milestones (each due a month after the one before, from the programme's start, owned by its
/// manager) and a note of where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adoption {
    /// The milestones' titles, in order.
    pub milestones: Vec<String>,
    /// Where it came from, for the programme's history.
    pub note: String,
}

/// Writes what a new programme adopts: its milestones, then the note of where they came from.
pub(super) async fn adopt(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    valid: &ProgrammeDraft,
    adoption: &Adoption,
    now: &str,
) -> Result<(), StoreError> {
    let start = chrono::NaiveDate::parse_from_str(&valid.starts_on, "%Y-%m-%d")
        .map_err(|_| StoreError::invalid("starts_on", "Give the start date as a date"))?;
    for (i, title) in adoption.milestones.iter().enumerate() {
        let due = start
            .checked_add_months(chrono::Months::new(
                u32::try_from(i + 1).unwrap_or(u32::MAX),
            ))
            .ok_or_else(|| StoreError::invalid("starts_on", "The start date is too far ahead"))?
            .to_string();
        sqlx::query(
            "INSERT INTO milestones (id, programme_id, project_id, title, owner_person_id, baseline_on, forecast_on, completed_on, created_at, updated_at)
             VALUES ($1, $2, NULL, $3, $4, $5, $5, NULL, $6, $6)",
        )
        .bind(crate::new_id())
        .bind(id)
        .bind(title)
        .bind(&valid.manager_person_id)
        .bind(&due)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    add_history(
        conn,
        actor,
        NewHistory {
            programme_id: id,
            as_of: &valid.starts_on.clone().min(today()),
            kind: "note",
            status: &valid.status,
            rag: &valid.rag,
            rag_reason: &valid.rag_reason,
            progress: &adoption.note,
        },
    )
    .await
}
