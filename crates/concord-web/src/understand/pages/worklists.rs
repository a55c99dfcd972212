//! Identifiable worklists, for direct care only: a GP practice's clinician sees, by name, the people
//! in a cohort who are registered at their own practice, re-identified from the pseudonyms through
//! the registered list the practice supplied. Every view is written to the audit log **before**
//! anything is shown, and if that write fails nothing is shown. Anyone else is refused by the route
//! rule. A direct-care clinician may break glass for another practice's patients, giving a reason;
//! that is recorded before the list is shown and raised for an administrator's review.

use crate::auth::Visitor;
use crate::authz::Permit;
use crate::error::PageError;
use crate::extract::Context;
use crate::ui::filters;
use crate::ui::form::{form_page, Fields, FormDef};
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::upload::{read_upload, upload_page, FileField, Outcome, UploadDef};
use crate::ui::{render, Choice, Layout};
use crate::AppState;
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use concord_app::population::worklists::{self, PracticeList, Worklist};
use concord_app::population::PopulationError;
use concord_domain::worklist::WorklistOutcome;
use concord_domain::{OrgType, Role, ValidationErrors};
use concord_store::population::{self, BreakGlass, SavedCohort};
use concord_store::{organisations, StoreError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Template)]
#[template(path = "understand/worklist.html")]
struct WorklistPage {
    layout: Layout,
    cohort: SavedCohort,
    data_as_of: String,
    practices: Vec<PracticeList>,
    break_glass: Option<String>,
    no_data: bool,
    filter: WorklistFilter,
    /// How many people each practice's list holds before filtering.
    totals: Vec<usize>,
    order_rule: &'static str,
    outcomes: Vec<Choice>,
    /// Whether the lists are the person's own practices' (so they may mark and export them).
    own: bool,
}

/// The worklist's filters, from the query string.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct WorklistFilter {
    /// eFI category: `severe`, `moderate`, `mild`, `fit`, or empty for all.
    pub frailty: String,
    /// The mark: `unmarked`, an outcome's code, or empty for all.
    pub mark: String,
}

impl WorklistFilter {
    fn keeps(&self, row: &worklists::WorklistRow) -> bool {
        let frailty = self.frailty.is_empty() || row.frailty_category == self.frailty;
        let mark = match self.mark.as_str() {
            "" => true,
            "unmarked" => row.mark.is_none(),
            code => row
                .mark
                .as_ref()
                .is_some_and(|m| m.outcome.as_str() == code),
        };
        frailty && mark
    }
}

/// The worklist page for `worklist`, filtered.
fn show(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    saved: SavedCohort,
    worklist: Worklist,
    break_glass: Option<String>,
    filter: WorklistFilter,
) -> Response {
    let layout = Layout::new(
        state,
        visitor,
        permit,
        format!("Worklist: {}", saved.name),
        "population",
    );
    let own = break_glass.is_none();
    let totals = worklist.practices.iter().map(|p| p.rows.len()).collect();
    let practices = worklist
        .practices
        .into_iter()
        .map(|mut p| {
            p.rows.retain(|r| filter.keeps(r));
            p
        })
        .collect();
    render(&WorklistPage {
        layout,
        cohort: saved,
        no_data: worklist.data_as_of.is_none(),
        data_as_of: worklist.data_as_of.unwrap_or_default(),
        practices,
        break_glass,
        filter,
        totals,
        order_rule: worklists::ORDER_RULE,
        outcomes: WorklistOutcome::ALL
            .iter()
            .map(|o| (o.as_str().to_string(), o.label().to_string()))
            .collect(),
        own,
    })
}

/// `GET /population/cohorts/{id}/worklist`: the cohort's people registered at the clinician's own
/// practice, by name, most in need first, filtered by frailty and by mark. The view is audited
/// first; if that fails, nothing is shown.
pub async fn worklist(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    Query(filter): Query<WorklistFilter>,
) -> Result<Response, PageError> {
    let (saved, worklist) = own_list(&state, &permit, &id, worklists::Use::View).await?;
    Ok(show(
        &state, &visitor, &permit, saved, worklist, None, filter,
    ))
}

/// Cohort `id` and the worklist of the person's own practices, the view or export audited first.
pub async fn own_list(
    state: &AppState,
    permit: &Permit,
    id: &str,
    purpose: worklists::Use,
) -> Result<(SavedCohort, Worklist), PageError> {
    let saved = population::cohort(&state.store, id).await?;
    let worklist = worklists::own_practices_list(
        &state.population,
        &state.store,
        &permit.actor,
        permit.person(),
        &saved,
        purpose,
    )
    .await?;
    Ok((saved, worklist))
}

/// The break-glass form, filled with `form` and showing `errors`.
async fn break_glass_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    cohort: SavedCohort,
    form: &BreakGlassForm,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let def = FormDef {
        heading: "Break glass".into(),
        caption: cohort.name,
        intro: String::new(),
        warning: Some((
            "Only for a patient's direct care".into(),
            "You are asking to see, by name, patients registered at another practice. Say why. \
             Your reason and your view are recorded before anything is shown, and an \
             administrator reviews every break-glass view."
                .into(),
        )),
        back: (
            format!("/population/cohorts/{}/worklist", cohort.id),
            "Back to the worklist".into(),
        ),
        action: format!("/population/cohorts/{}/break-glass", cohort.id),
        submit: "Break glass and show the worklist".into(),
        fields: Fields::new(form)
            .select(
                "practice",
                "Practice",
                all_practices(state).await?,
                "Choose a practice",
            )
            .textarea("reason", "Why you need to see them", "")
            .build(),
    };
    Ok(form_page(
        Layout::new(state, visitor, permit, "Break glass", "population"),
        def,
        errors,
    ))
}

/// The break-glass form's fields.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct BreakGlassForm {
    /// The practice whose patients are needed.
    pub practice: String,
    /// Why.
    pub reason: String,
}

async fn all_practices(state: &AppState) -> Result<Vec<Choice>, StoreError> {
    let networks = population::practice_networks(&state.store).await?;
    let mut out = Vec::new();
    for n in networks {
        if let Some(org) = organisations::find_by_code(&state.store, &n.code).await? {
            out.push((org.id, format!("{} ({})", org.name, n.code)));
        }
    }
    Ok(out)
}

/// `GET /population/cohorts/{id}/break-glass`: the form.
pub async fn break_glass_form(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let cohort = population::cohort(&state.store, &id).await?;
    let form = BreakGlassForm::default();
    break_glass_page(
        &state,
        &visitor,
        &permit,
        cohort,
        &form,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /population/cohorts/{id}/break-glass`: records the reason (and raises it for review),
/// then shows that practice's worklist.
pub async fn break_glass(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    Form(form): Form<BreakGlassForm>,
) -> Result<Response, PageError> {
    let cohort = population::cohort(&state.store, &id).await?;
    // The store checks the practice and the reason, and audits a refused attempt too.
    let recorded = population::record_break_glass(
        &state.store,
        &permit.actor,
        &permit.person().person_id,
        &id,
        &form.practice,
        &form.reason,
    )
    .await;
    match recorded {
        Ok(_) => {}
        Err(StoreError::Invalid(errors)) => {
            return break_glass_page(&state, &visitor, &permit, cohort, &form, errors).await;
        }
        Err(err) => return Err(PopulationError::NotRecorded(err).into()),
    }
    let practice = organisations::get(&state.store, &form.practice).await?;
    let warning = format!(
        "You broke glass to see {}'s patients. Your reason has been recorded and will be reviewed: \"{}\"",
        practice.name,
        form.reason.trim()
    );
    let practices = [(practice.id, practice.code)];
    let worklist = worklists::list(&state.population, &state.store, &cohort, &practices).await?;
    Ok(show(
        &state,
        &visitor,
        &permit,
        cohort,
        worklist,
        Some(warning),
        WorklistFilter::default(),
    ))
}

#[derive(Template)]
#[template(path = "understand/break_glass_reviews.html")]
struct ReviewsPage {
    layout: Layout,
    views: Vec<BreakGlass>,
}

/// `GET /population/break-glass`: break-glass views, those awaiting review first.
pub async fn reviews(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    Ok(render(&ReviewsPage {
        layout: Layout::new(&state, &visitor, &permit, "Break-glass views", "population"),
        views: population::break_glass_views(&state.store).await?,
    }))
}

/// The review form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    /// What the review found.
    pub note: String,
}

/// `POST /population/break-glass/{id}/review`.
pub async fn review(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, PageError> {
    population::review_break_glass(&state.store, &permit.actor, &id, &form.note).await?;
    Ok(confirmed(Next::to(
        "/population/break-glass",
        Notice::ReviewRecorded,
    )))
}

fn registered_list_def(practices: Vec<Choice>) -> UploadDef {
    UploadDef {
        heading: "Load your practice's registered list".into(),
        action: "/population/registered-list".into(),
        help: vec![
            format!(
                "A CSV file with the columns {}: your practice's registered patients. It is used only to show your own clinicians the names of your patients on a worklist; every such view is audited.",
                population::REGISTERED_LIST_COLUMNS.join(", ")
            ),
            format!(
                "It may also have a column {}: each person's NHS ethnic category code (A to S, Z for not stated), as your clinical system records it. A referral then carries only the person's broad ethnic group, for the figures on who is reached; the service never sees it.",
                population::REGISTERED_LIST_ETHNICITY
            ),
            "It replaces the list loaded before. Each bad row is named by its line and field, and then nothing is loaded.".into(),
        ],
        datasets: practices,
        chosen: String::new(),
        choice_label: "Practice".into(),
        back: ("/population/cohorts".into(), "Cohorts".into()),
        second: None,
        file: FileField::csv(),
    }
}

async fn practice_choices(state: &AppState, permit: &Permit) -> Result<Vec<Choice>, StoreError> {
    let mut out = Vec::new();
    for grant in &permit.person().grants {
        if !matches!(grant.role, Role::DirectCareClinician | Role::PartnerLead) {
            continue;
        }
        let organisation = organisations::get(&state.store, &grant.organisation_id).await?;
        if organisation.org_type == OrgType::GpPractice
            && !out.iter().any(|(id, _)| *id == organisation.id)
        {
            out.push((organisation.id, organisation.name));
        }
    }
    Ok(out)
}

/// `GET /population/registered-list`.
pub async fn registered_list_form(
    Context(state, visitor, permit): Context,
) -> Result<Response, PageError> {
    let practices = practice_choices(&state, &permit).await?;
    Ok(upload_page(
        Layout::new(&state, &visitor, &permit, "Registered list", "population"),
        registered_list_def(practices),
        Outcome::Blank,
    ))
}

/// `POST /population/registered-list`: replaces a practice's list (all or nothing).
pub async fn registered_list(
    Context(state, visitor, permit): Context,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, PageError> {
    let form = read_upload(&headers, body).await?;
    let practices = practice_choices(&state, &permit).await?;
    let chosen = form.field("dataset").to_string();
    let page = |outcome: Outcome| {
        let mut def = registered_list_def(practices.clone());
        def.chosen = chosen.clone();
        upload_page(
            Layout::new(&state, &visitor, &permit, "Registered list", "population"),
            def,
            outcome,
        )
    };
    let Some((practice_id, practice_name)) =
        practices.iter().find(|(id, _)| *id == chosen).cloned()
    else {
        return Ok(page(Outcome::Refused(vec![(
            "dataset".into(),
            "Choose your practice".into(),
        )])));
    };
    let (_, bytes) = match form.chosen_file() {
        Ok(file) => file,
        Err(outcome) => return Ok(page(outcome)),
    };
    let patients = match population::parse_registered_list(bytes) {
        Ok(p) => p,
        Err(StoreError::Invalid(errors)) => {
            return Ok(page(Outcome::Refused(
                errors
                    .0
                    .into_iter()
                    .map(|e| ("file".to_string(), format!("{}: {}", e.field, e.message)))
                    .collect(),
            )))
        }
        Err(other) => return Err(other.into()),
    };
    let sha = hex::encode(Sha256::digest(bytes));
    population::replace_registered_list(&state.store, &permit.actor, &practice_id, &patients, &sha)
        .await?;
    Ok(page(Outcome::Loaded(format!(
        "Loaded {} patients for {practice_name}; the list before was replaced.",
        patients.len()
    ))))
}
