//! What a practice does with its worklist: marks a person (contacted, referred, declined, not
//! appropriate; kept with who and when, audited), and exports the list as CSV for its clinical
//! system, with each person's NHS number and the SNOMED CT code for recording the outcome.

use crate::error::PageError;
use crate::extract::{Context, PageForm};
use crate::ui::notice::{confirmed, Next, Notice};
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use concord_app::population::worklists::{self, Worklist};
use concord_domain::export::csv_cell;
use concord_domain::worklist::MarkDraft;
use concord_store::{population, worklist_marks};

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

/// The worklist as CSV: one row per person, in the list's order (`priority` 1 is most in need).
pub fn to_csv(worklist: &Worklist) -> String {
    let mut out = EXPORT_COLUMNS.join(",");
    out.push_str("\r\n");
    for practice in &worklist.practices {
        for (i, row) in practice.rows.iter().enumerate() {
            let mark = row.mark.as_ref();
            let snomed = mark.and_then(|m| m.outcome.snomed());
            let cells = [
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
            ];
            let line: Vec<String> = cells.iter().map(|c| quote(&csv_cell(c))).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

/// A CSV field, quoted where it holds a comma, quote or line break.
fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// `GET /population/cohorts/{id}/worklist.csv`: the clinician's own practices' lists as CSV. The
/// export is audited first; if that fails, nothing is exported.
pub async fn export(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let saved = population::cohort(&state.store, &id).await?;
    let worklist = worklists::own_practices_list(
        &state.population,
        &state.store,
        &permit.actor,
        permit.person(),
        &saved,
        worklists::Use::Export,
    )
    .await?;
    let name: String = saved
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"worklist-{name}.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        to_csv(&worklist),
    )
        .into_response())
}
