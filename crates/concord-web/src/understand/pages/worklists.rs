//! Identifiable worklists, for direct care only: a GP practice's clinician sees, by name, the people
//! in a cohort who are registered at their own practice, re-identified from the pseudonyms through
//! the registered list the practice supplied. Every view is written to the audit log **before**
//! anything is shown, and if that write fails nothing is shown. Anyone else is refused by the route
//! rule. A direct-care clinician may break glass for another practice's patients, giving a reason;
//! that is recorded before the list is shown and raised for an administrator's review.

use crate::auth::Visitor;
use crate::authz::Permit;
use crate::error::{PageError, Problem};
use crate::ui::upload::{read_upload, upload_page, Outcome, UploadDef};
use crate::ui::{render, see_other, Choice, Layout};
use crate::AppState;
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use concord_app::population::Snapshot;
use concord_domain::{OrgType, Role};
use concord_population::cohort::eval::Evaluator;
use concord_population::efi::Frailty;
use concord_population::nhs_number::NhsNumber;
use concord_store::population::{self, BreakGlass, RegisteredPatient, SavedCohort};
use concord_store::{organisations, AuditEntry, StoreError};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// One person on a worklist.
pub struct WorklistRow {
    /// Their registered details.
    pub patient: RegisteredPatient,
    /// NHS number, spaced 3 3 4.
    pub nhs_number: String,
    /// Age on the index date.
    pub age: String,
    /// eFI category and score.
    pub frailty: String,
    /// Segment.
    pub segment: String,
    /// The cohort's own variables.
    pub variables: Vec<(String, String)>,
}

/// One practice's part of a worklist.
pub struct PracticeList {
    /// The practice's name.
    pub name: String,
    /// When its registered list was loaded, if it has been.
    pub list_loaded: Option<String>,
    /// Its people in the cohort.
    pub rows: Vec<WorklistRow>,
}

#[derive(Template)]
#[template(path = "understand/worklist.html")]
struct WorklistPage {
    layout: Layout,
    cohort: SavedCohort,
    data_as_of: String,
    practices: Vec<PracticeList>,
    break_glass: Option<String>,
    no_data: bool,
}

fn not_recorded(error: &StoreError) -> PageError {
    tracing::error!(error = %error, "a worklist view could not be audited; nothing was shown");
    PageError(Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "audit-unavailable",
        "The worklist cannot be shown",
        "Every view of patients' names is recorded before it is shown, and this view could not be recorded. Nothing has been shown. Try again later.",
    ))
}

/// The practices whose worklist this person may see: GP practices where they are a direct-care
/// clinician.
async fn own_practices(
    state: &AppState,
    permit: &Permit,
) -> Result<Vec<(String, String)>, StoreError> {
    let mut out = Vec::new();
    for grant in &permit.person().grants {
        if grant.role != Role::DirectCareClinician {
            continue;
        }
        let organisation = organisations::get(&state.store, &grant.organisation_id).await?;
        if organisation.org_type == OrgType::GpPractice {
            out.push((organisation.id, organisation.code));
        }
    }
    Ok(out)
}

/// Builds each practice's list: its registered patients who are in the picture, registered there,
/// and in the cohort.
async fn lists(
    state: &AppState,
    snapshot: Arc<Snapshot>,
    saved: &SavedCohort,
    practices: &[(String, String)],
) -> Result<Vec<PracticeList>, PageError> {
    let cohort = population::check_definition(&saved.definition)?;
    let key = state.population.key()?;
    let reference = Arc::new(state.population.reference(&state.store).await?);
    let mut out = Vec::new();
    for (practice_id, code) in practices {
        let organisation = organisations::get(&state.store, practice_id).await?;
        let status = population::registered_list_status(&state.store, practice_id).await?;
        let registered = population::registered_list(&state.store, practice_id).await?;
        let snapshot = snapshot.clone();
        let reference = reference.clone();
        let cohort = cohort.clone();
        let key = key.clone();
        let code = code.clone();
        let rows = tokio::task::spawn_blocking(move || {
            let picture = &snapshot.picture;
            let mut people = Vec::new();
            let mut patients = Vec::new();
            for patient in registered {
                let Ok(number) = NhsNumber::parse(&patient.nhs_number) else {
                    continue;
                };
                let Some(person) = snapshot.person(&key.pseudonym(&number)) else {
                    continue;
                };
                let at_practice = picture.practice[person] != concord_population::picture::NONE
                    && picture.practices.value(picture.practice[person]) == code;
                if at_practice {
                    people.push(person);
                    patients.push((person, patient, number));
                }
            }
            let members =
                Evaluator::new(picture, &reference, &snapshot.measures).members(&cohort, &people);
            let mut rows = Vec::new();
            for (person, variables) in members {
                let (_, patient, number) = patients
                    .iter()
                    .find(|(p, _, _)| *p == person)
                    .expect("a member was one of the people");
                let deficits = usize::from(snapshot.measures.deficits[person]);
                rows.push(WorklistRow {
                    nhs_number: number.to_string(),
                    patient: patient.clone(),
                    age: snapshot.measures.age[person]
                        .map_or("not known".into(), |a| a.to_string()),
                    frailty: format!(
                        "{} ({:.2})",
                        Frailty::of_count(deficits).name(),
                        concord_population::efi::score(deficits)
                    ),
                    segment: snapshot.measures.segment[person].name().to_string(),
                    variables,
                });
            }
            rows
        })
        .await
        .map_err(|e| PageError::internal(e.to_string()))?;
        out.push(PracticeList {
            name: organisation.name,
            list_loaded: status.map(|(n, at)| format!("{n} patients, loaded {at}")),
            rows,
        });
    }
    Ok(out)
}

async fn show(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    saved: SavedCohort,
    practices: Vec<(String, String)>,
    break_glass: Option<String>,
) -> Result<Response, PageError> {
    let snapshot = state.population.snapshot().await?;
    let layout = Layout::new(
        state,
        visitor,
        permit,
        format!("Worklist: {}", saved.name),
        "population",
    );
    let Some(snapshot) = snapshot else {
        return Ok(render(&WorklistPage {
            layout,
            cohort: saved,
            data_as_of: String::new(),
            practices: Vec::new(),
            break_glass,
            no_data: true,
        }));
    };
    let data_as_of = snapshot.picture.as_of().unwrap_or_default().to_string();
    let practices = lists(state, snapshot, &saved, &practices).await?;
    Ok(render(&WorklistPage {
        layout,
        cohort: saved,
        data_as_of,
        practices,
        break_glass,
        no_data: false,
    }))
}

/// `GET /population/cohorts/{id}/worklist`: the cohort's people registered at the clinician's own
/// practice, by name. The view is audited first; if that fails, nothing is shown.
pub async fn worklist(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let saved = population::cohort(&state.store, &id).await?;
    let practices = own_practices(&state, &permit).await?;
    let codes: Vec<&str> = practices.iter().map(|(_, c)| c.as_str()).collect();
    let entry = AuditEntry::success(
        &permit.actor,
        "worklist.view",
        "cohort",
        Some(&id),
        format!("identifiable worklist for practice {}", codes.join(", ")),
    );
    state
        .store
        .audit_only(entry)
        .await
        .map_err(|e| not_recorded(&e))?;
    show(&state, &visitor, &permit, saved, practices, None).await
}

#[derive(Template)]
#[template(path = "understand/break_glass.html")]
struct BreakGlassPage {
    layout: Layout,
    cohort: SavedCohort,
    practices: Vec<Choice>,
    chosen: String,
    reason: String,
    errors: Vec<(String, String)>,
}

/// The break-glass form's fields.
#[derive(Debug, Default, Deserialize)]
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
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let cohort = population::cohort(&state.store, &id).await?;
    Ok(render(&BreakGlassPage {
        layout: Layout::new(&state, &visitor, &permit, "Break glass", "population"),
        cohort,
        practices: all_practices(&state).await?,
        chosen: String::new(),
        reason: String::new(),
        errors: Vec::new(),
    }))
}

/// `POST /population/cohorts/{id}/break-glass`: records the reason (and raises it for review),
/// then shows that practice's worklist.
pub async fn break_glass(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
    Path(id): Path<String>,
    Form(form): Form<BreakGlassForm>,
) -> Result<Response, PageError> {
    let cohort = population::cohort(&state.store, &id).await?;
    let practice = match organisations::get(&state.store, &form.practice).await {
        Ok(org) if org.org_type == OrgType::GpPractice => Some(org),
        _ => None,
    };
    let mut errors = Vec::new();
    if practice.is_none() {
        errors.push((
            "practice".to_string(),
            "Choose the practice whose patients you need to see".to_string(),
        ));
    }
    if form.reason.trim().chars().count() < 10 {
        errors.push((
            "reason".to_string(),
            "Say why you need to see these patients (at least 10 characters)".to_string(),
        ));
    }
    let (Some(practice), true) = (practice, errors.is_empty()) else {
        return Ok(render(&BreakGlassPage {
            layout: Layout::new(&state, &visitor, &permit, "Break glass", "population"),
            cohort,
            practices: all_practices(&state).await?,
            chosen: form.practice,
            reason: form.reason,
            errors,
        }));
    };
    population::record_break_glass(
        &state.store,
        &permit.actor,
        &permit.person().person_id,
        &id,
        &practice.id,
        &form.reason,
    )
    .await
    .map_err(|e| not_recorded(&e))?;
    let warning = format!(
        "You broke glass to see {}'s patients. Your reason has been recorded and will be reviewed: \"{}\"",
        practice.name,
        form.reason.trim()
    );
    show(
        &state,
        &visitor,
        &permit,
        cohort,
        vec![(practice.id, practice.code)],
        Some(warning),
    )
    .await
}

#[derive(Template)]
#[template(path = "understand/break_glass_reviews.html")]
struct ReviewsPage {
    layout: Layout,
    views: Vec<BreakGlass>,
}

/// `GET /population/break-glass`: break-glass views, those awaiting review first.
pub async fn reviews(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
) -> Result<Response, PageError> {
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
    State(state): State<AppState>,
    Extension(permit): Extension<Permit>,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, PageError> {
    population::review_break_glass(&state.store, &permit.actor, &id, &form.note).await?;
    Ok(see_other("/population/break-glass"))
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
            "It replaces the list loaded before. Each bad row is named by its line and field, and then nothing is loaded.".into(),
        ],
        datasets: practices,
        chosen: String::new(),
        choice_label: "Practice".into(),
        back: ("/population/cohorts".into(), "Cohorts".into()),
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
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
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
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
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
