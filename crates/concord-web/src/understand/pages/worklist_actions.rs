//! What a practice does with its worklist: marks a person (contacted, referred, declined, not
//! appropriate; kept with who and when, audited), and exports the list as CSV for its clinical
//! system, with each person's NHS number and the SNOMED CT code for recording the outcome.

use super::worklists::own_list;
use crate::error::PageError;
use crate::extract::{Context, PageForm};
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::{csv_download, file_name};
use axum::extract::Path;
use axum::response::Response;
use concord_app::population::worklists::{self, Worklist};
use concord_domain::worklist::MarkDraft;
use concord_store::worklist_marks;

/// `POST /population/cohorts/{id}/worklist/marks/{organisation_id}`: marks one person on the
/// practice's list (the route rule has checked the person is a clinician of that practice; the
/// store checks the person is on its registered list).
pub async fn mark(
    Context(state, _, permit): Context,
    Path((id, practice_id)): Path<(String, String)>,
    PageForm(form): PageForm<MarkDraft>,
) -> Result<Response, PageError> {
    worklist_marks::mark(&state.store, &permit.actor, &id, &practice_id, &form).await?;
    Ok(confirmed(Next::to(
        format!("/population/cohorts/{id}/worklist"),
        Notice::WorklistMarked,
    )))
}

/// The export's columns, in order.
pub const EXPORT_COLUMNS: [&str; 13] = [
    "nhs_number",
    "family_name",
    "given_name",
    "date_of_birth",
    "practice",
    "priority",
    "frailty",
    "reasons",
    "outcome",
    "outcome_snomed_code",
    "outcome_snomed_term",
    "marked_by",
    "marked_at",
];

/// The worklist's rows for CSV, the header first: one row per person, in the list's order
/// (`priority` 1 is most in need).
pub fn csv_rows(worklist: &Worklist) -> Vec<Vec<String>> {
    let mut rows = vec![EXPORT_COLUMNS.iter().map(|c| c.to_string()).collect()];
    for practice in &worklist.practices {
        for (i, row) in practice.rows.iter().enumerate() {
            let mark = row.mark.as_ref();
            let snomed = mark.and_then(|m| m.outcome.snomed());
            rows.push(vec![
                row.nhs_digits(),
                row.patient.family_name.clone(),
                row.patient.given_name.clone(),
                row.patient.birth_date.clone(),
                practice.name.clone(),
                (i + 1).to_string(),
                row.frailty.clone(),
                row.reasons.join("; "),
                mark.map_or(String::new(), |m| m.outcome.label().to_string()),
                snomed.map_or(String::new(), |s| s.0.to_string()),
                snomed.map_or(String::new(), |s| s.1.to_string()),
                mark.map_or(String::new(), |m| m.marked_by.clone()),
                mark.map_or(String::new(), |m| m.marked_at.clone()),
            ]);
        }
    }
    rows
}

/// `GET /population/cohorts/{id}/worklist.csv`: the clinician's own practices' lists as CSV. The
/// export is audited first; if that fails, nothing is exported.
pub async fn export(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (saved, worklist) = own_list(&state, &permit, &id, worklists::Use::Export).await?;
    let name = file_name(&format!("worklist {}", saved.name), "csv");
    Ok(csv_download(&name, csv_rows(&worklist)))
}
