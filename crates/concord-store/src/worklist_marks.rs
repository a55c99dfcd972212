//! Marks on worklists: what a practice did about each person (contacted, referred, declined, not
//! appropriate), with who and when. Every mark is kept; [`latest`] gives the newest per person.
//! A mark is written only for a person on the practice's own registered list, and every mark is
//! audited (the audit detail names the practice and outcome, never the NHS number).

use crate::audit::{Actor, AuditEntry};
use crate::{Store, StoreError};
use concord_domain::worklist::{MarkDraft, WorklistOutcome};
use std::collections::HashMap;

/// The newest mark on one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// What happened.
    pub outcome: WorklistOutcome,
    /// The note, if any.
    pub note: String,
    /// Who marked it.
    pub marked_by: String,
    /// When (RFC 3339, UTC).
    pub marked_at: String,
}

/// Marks `draft.nhs_number` on `cohort_id`'s worklist for `practice_id`. The person must be on the
/// practice's registered list.
pub async fn mark(
    store: &Store,
    actor: &Actor,
    cohort_id: &str,
    practice_id: &str,
    draft: &MarkDraft,
) -> Result<(), StoreError> {
    let outcome_code = draft.outcome.trim().to_string();
    let entry = AuditEntry::success(
        actor,
        "worklist.mark",
        "cohort",
        Some(cohort_id),
        format!("practice {practice_id}; outcome {outcome_code}"),
    );
    store
        .audited(entry, async |entry| {
            let (outcome, note) = draft.validate().map_err(StoreError::Invalid)?;
            let digits: String = draft.nhs_number.chars().filter(char::is_ascii_digit).collect();
            let mut tx = store.begin_write().await?;
            let registered: Option<String> = sqlx::query_scalar(
                "SELECT nhs_number FROM registered_patients WHERE practice_id = $1 AND nhs_number = $2",
            )
            .bind(practice_id)
            .bind(&digits)
            .fetch_optional(tx.conn())
            .await?;
            if registered.is_none() {
                return Err(StoreError::invalid(
                    "nhs_number",
                    "This person is not on your practice's registered list",
                ));
            }
            sqlx::query(
                "INSERT INTO worklist_marks (id, cohort_id, practice_id, nhs_number, outcome, note, marked_by, marked_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(crate::new_id())
            .bind(cohort_id)
            .bind(practice_id)
            .bind(&digits)
            .bind(outcome.as_str())
            .bind(&note)
            .bind(&actor.name)
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await
}

/// The newest mark on each person (by NHS number, digits only) of `cohort_id`'s worklist for
/// `practice_id`.
pub async fn latest(
    store: &Store,
    cohort_id: &str,
    practice_id: &str,
) -> Result<HashMap<String, Mark>, StoreError> {
    let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT nhs_number, outcome, note, marked_by, marked_at FROM worklist_marks \
         WHERE cohort_id = $1 AND practice_id = $2 ORDER BY marked_at, id",
    )
    .bind(cohort_id)
    .bind(practice_id)
    .fetch_all(store.pool())
    .await?;
    let mut latest = HashMap::new();
    for (nhs_number, outcome, note, marked_by, marked_at) in rows {
        let Ok(outcome) = outcome.parse() else {
            continue;
        };
        latest.insert(
            nhs_number,
            Mark {
                outcome,
                note,
                marked_by,
                marked_at,
            },
        );
    }
    Ok(latest)
}
