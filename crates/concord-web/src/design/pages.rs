//! Design's pages: the scenarios, a scenario with its parameters (each with its source), its runs
//! and its latest results; the form to build or change one; and a run's page, which shows its
//! progress while it runs (reloading itself, so a reload mid-run loses nothing) and its results
//! once done.

use super::results::{view, ResultsView};
use crate::auth::Visitor;
use crate::authz::{Permit, Rule, Target};
use crate::error::PageError;
use crate::extract::Context;
use crate::ui::filters;
use crate::ui::form::{form_page, parse, settle, Fields, FormDef, Posted};
use crate::ui::notice::{Next, Notice};
use crate::ui::{render, Choice, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::Form;
use concord_app::authz::may_save_scenario_for;
use concord_app::design::pathway::{self, MskChoices};
use concord_app::design::{self as use_case, worker::DesignResult};
use concord_domain::design::{RunStatus, ScenarioDraft};
use concord_domain::ValidationErrors;
use concord_sim::model::Parameter;
use concord_store::design::{self, Run, Scenario};
use concord_store::lookups;

#[derive(Template)]
#[template(path = "design/scenarios.html")]
struct ListPage {
    layout: Layout,
    scenarios: Vec<Scenario>,
    can_create: bool,
}

/// `GET /design`: every scenario.
pub async fn list(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    Ok(render(&ListPage {
        layout: Layout::new(&state, &visitor, &permit, "Design", "design"),
        scenarios: design::list(&state.store).await?,
        can_create: permit.may(&state, Rule::SaveScenario, Target::NONE).await?,
    }))
}

/// A run as listed: its status and progress for people.
pub struct RunLine {
    /// The run.
    pub run: Run,
    /// "Finished", "Running: 40 of 100 replications" ...
    pub status: String,
}

impl RunLine {
    fn of(run: Run) -> RunLine {
        let status = match run.status {
            RunStatus::Running => format!("Running: {} of {} replications", run.done, run.total),
            other => other.label().to_string(),
        };
        RunLine { run, status }
    }
}

#[derive(Template)]
#[template(path = "design/scenario.html")]
struct ScenarioPage {
    layout: Layout,
    scenario: Scenario,
    parameters: Vec<Parameter>,
    model_error: Option<String>,
    runs: Vec<RunLine>,
    latest: Option<(RunLine, ResultsView)>,
    can_edit: bool,
    run_error: Option<String>,
}

/// `GET /design/scenarios/{id}`.
pub async fn show(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    scenario_page(&state, &visitor, &permit, &id, None).await
}

/// Scenario `id`'s page; with `run_error`, why a run could not be queued (answered 422).
async fn scenario_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    run_error: Option<String>,
) -> Result<Response, PageError> {
    let state = state.clone();
    let scenario = design::get(&state.store, id).await?;
    let (parameters, model_error) = match use_case::check_model("model", &scenario.model) {
        Ok(model) => (model.parameters(), None),
        Err(errors) => (Vec::new(), errors.0.first().map(|e| e.message.clone())),
    };
    let runs = design::runs_of(&state.store, id).await?;
    let latest = design::latest_finished(&state.store, id)
        .await?
        .and_then(|r| {
            let result = DesignResult::of(&r).ok().flatten()?;
            Some((RunLine::of(r), view(&result)))
        });
    let mut layout = Layout::new(&state, visitor, permit, scenario.title.clone(), "design");
    layout.has_errors = run_error.is_some();
    let page = render(&ScenarioPage {
        layout,
        can_edit: permit
            .may(&state, Rule::EditScenario, Target::id(id))
            .await?,
        runs: runs.into_iter().map(RunLine::of).collect(),
        parameters,
        model_error,
        latest,
        scenario,
        run_error: run_error.clone(),
    });
    Ok(if run_error.is_some() {
        (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    } else {
        page
    })
}

#[derive(Template)]
#[template(path = "design/run.html")]
struct RunPage {
    layout: Layout,
    scenario: Scenario,
    line: RunLine,
    results: Option<ResultsView>,
    unreadable: Option<String>,
    running: bool,
}

/// `GET /design/runs/{id}`: a run's progress, or its results.
pub async fn run_page(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let run = design::get_run(&state.store, &id).await?;
    let scenario = design::get(&state.store, &run.scenario_id).await?;
    let (results, unreadable) = match DesignResult::of(&run) {
        Ok(result) => (result.map(|r| view(&r)), None),
        Err(e) => (None, Some(e)),
    };
    let running = matches!(run.status, RunStatus::Queued | RunStatus::Running);
    Ok(render(&RunPage {
        layout: Layout::new(
            &state,
            &visitor,
            &permit,
            format!("Run of {}", scenario.title),
            "design",
        ),
        line: RunLine::of(run),
        scenario,
        results,
        unreadable,
        running,
    }))
}

/// `POST /design/scenarios/{id}/runs`: queue a run (compared with the base, if any).
pub async fn request_run(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let scenario = design::get(&state.store, &id).await?;
    let person = permit.person().person_id.clone();
    let queued = use_case::request_run(&state.store, &permit.actor, &person, &scenario).await;
    let (state, visitor, permit) = (&state, &visitor, &permit);
    settle(
        queued,
        |run_id| Next::to(format!("/design/runs/{run_id}"), Notice::RunQueued),
        |errors: ValidationErrors| async move {
            let message = errors
                .0
                .first()
                .map(|e| e.message.clone())
                .unwrap_or_default();
            scenario_page(state, visitor, permit, &id, Some(message)).await
        },
    )
    .await
}

/// The starting model for a new scenario: the GP, first-contact physiotherapy and MSK network,
/// with its sources to be replaced by local ones.
fn starting_model() -> String {
    format!(
        "{}\n[sources]\n\"source.patients.arrivals\" = \"Illustrative: replace with local data\"\n",
        concord_sim::EXAMPLE_MODEL.trim_end()
    )
}

async fn owner_choices(state: &AppState, permit: &Permit) -> Result<Vec<Choice>, PageError> {
    Ok(lookups::partner_organisations(&state.store)
        .await?
        .into_iter()
        .filter(|(id, _)| may_save_scenario_for(permit.principal.as_ref(), id))
        .collect())
}

async fn scenario_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    existing: Option<&Scenario>,
    draft: &ScenarioDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let others: Vec<Choice> = design::list(&state.store)
        .await?
        .into_iter()
        .filter(|s| existing.is_none_or(|e| e.id != s.id))
        .map(|s| (s.id, s.title))
        .collect();
    let fields = Fields::new(draft)
        .text("title", "Title", "For example, FCP sessions in every Riverside PCN")
        .textarea("description", "What it changes, and why", "")
        .select(
            "owner_organisation_id",
            "Owned by",
            owner_choices(state, permit).await?,
            "Select",
        )
        .select_with_hint(
            "base_scenario_id",
            "Compare with",
            "Runs then give paired differences from this base, with the same random numbers, and each partner's ledger",
            others,
            "No base",
        )
        .select_with_hint(
            "programme_id",
            "Business case of",
            "The programme this scenario supports; it is shown on the programme's page",
            lookups::programmes(&state.store).await?,
            "No programme",
        )
        .code(
            "model",
            "Model (TOML)",
            "Sources of arrivals, service nodes with servers, a roster or a caseload, routes, costs by partner, and a [sources] table giving where each parameter comes from (see the help)",
        )
        .build();
    let (heading, action, back) = match existing {
        Some(s) => (
            format!("Change {}", s.title),
            format!("/design/scenarios/{}/edit", s.id),
            (
                format!("/design/scenarios/{}", s.id),
                "Back to the scenario".to_string(),
            ),
        ),
        None => (
            "Build a scenario".to_string(),
            "/design/scenarios".to_string(),
            ("/design".to_string(), "Back to Design".to_string()),
        ),
    };
    Ok(form_page(
        Layout::new(state, visitor, permit, heading.clone(), "design"),
        FormDef {
            heading,
            caption: "Design".into(),
            intro: "A what-if model of a pathway: it is checked when you save it, and any line that cannot be read is named.".into(),
            warning: None,
            back,
            action,
            submit: "Save scenario".into(),
            fields,
        },
        errors,
    ))
}

/// `GET /design/scenarios/new`.
pub async fn new(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let owners = owner_choices(&state, &permit).await?;
    let draft = ScenarioDraft {
        model: starting_model(),
        owner_organisation_id: if owners.len() == 1 {
            owners[0].0.clone()
        } else {
            String::new()
        },
        ..Default::default()
    };
    scenario_form(
        &state,
        &visitor,
        &permit,
        None,
        &draft,
        ValidationErrors::default(),
    )
    .await
}

fn posted_draft(posted: &Posted) -> Result<ScenarioDraft, PageError> {
    let mut draft: ScenarioDraft = parse(posted, &[])?;
    draft.model = draft.model.replace("\r\n", "\n");
    Ok(draft)
}

/// `POST /design/scenarios`.
pub async fn create(
    Context(state, visitor, permit): Context,
    Form(posted): Form<Posted>,
) -> Result<Response, PageError> {
    let draft = posted_draft(&posted)?;
    let saved = use_case::create(&state.store, permit.person(), &permit.actor, &draft).await;
    let (state, visitor, permit, draft) = (&state, &visitor, &permit, &draft);
    settle(
        saved,
        |id| Next::to(format!("/design/scenarios/{id}"), Notice::ScenarioSaved),
        |errors| scenario_form(state, visitor, permit, None, draft, errors),
    )
    .await
}

fn draft_of(s: &Scenario) -> ScenarioDraft {
    ScenarioDraft {
        title: s.title.clone(),
        description: s.description.clone(),
        owner_organisation_id: s.owner_organisation_id.clone(),
        model: s.model.clone(),
        base_scenario_id: s.base_scenario_id.clone().unwrap_or_default(),
        programme_id: s.programme_id.clone().unwrap_or_default(),
    }
}

/// `GET /design/scenarios/{id}/edit`.
pub async fn edit(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let scenario = design::get(&state.store, &id).await?;
    let draft = draft_of(&scenario);
    scenario_form(
        &state,
        &visitor,
        &permit,
        Some(&scenario),
        &draft,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /design/scenarios/{id}/edit`.
pub async fn update(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    Form(posted): Form<Posted>,
) -> Result<Response, PageError> {
    let scenario = design::get(&state.store, &id).await?;
    let draft = posted_draft(&posted)?;
    let saved = use_case::update(&state.store, permit.person(), &permit.actor, &id, &draft).await;
    let (state, visitor, permit, draft, scenario) = (&state, &visitor, &permit, &draft, &scenario);
    settle(
        saved,
        |()| Next::to(format!("/design/scenarios/{id}"), Notice::ScenarioSaved),
        |errors| scenario_form(state, visitor, permit, Some(scenario), draft, errors),
    )
    .await
}

/// Organisations of a type, as choices.
async fn organisations_of_type(state: &AppState, org_type: &str) -> Result<Vec<Choice>, PageError> {
    let search = concord_store::organisations::OrganisationSearch {
        org_type: Some(org_type.into()),
        ..Default::default()
    };
    Ok(concord_store::organisations::list(
        &state.store,
        &search,
        concord_store::PageRequest::new(Some(1), Some(200)),
    )
    .await?
    .items
    .into_iter()
    .map(|o| (o.id, o.name))
    .collect())
}

async fn msk_form_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    choices: &MskChoices,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let fields = Fields::new(choices)
        .select(
            "owner_organisation_id",
            "Owned by",
            owner_choices(state, permit).await?,
            "Select",
        )
        .select(
            "community_organisation_id",
            "Community MSK is run by",
            organisations_of_type(state, "community_trust").await?,
            "Select",
        )
        .select(
            "acute_organisation_id",
            "Orthopaedics is run by",
            organisations_of_type(state, "acute_trust").await?,
            "Select",
        )
        .select_with_hint(
            "programme_id",
            "Business case of",
            "Only the programme's leads can add to its business case",
            lookups::programmes(&state.store).await?,
            "No programme",
        )
        .build();
    Ok(form_page(
        Layout::new(state, visitor, permit, "Build the MSK pathway from the partnership", "design"),
        FormDef {
            heading: "Build the MSK pathway from the partnership".into(),
            caption: "Design".into(),
            intro: "Two scenarios are built from every primary care network's registered adults (by age band, as published under the disclosure rule) times published consultation rates: today's pathway through GP practices, community MSK and orthopaedics, and the same with first-contact physiotherapy in every network, compared with it. Every parameter says where it comes from; change any of them afterwards.".into(),
            warning: None,
            back: ("/design".into(), "Back to Design".into()),
            action: "/design/pathways/msk".into(),
            submit: "Build the two scenarios".into(),
            fields,
        },
        errors,
    ))
}

/// `GET /design/pathways/msk`.
pub async fn msk_form(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let owners = owner_choices(&state, &permit).await?;
    let choices = MskChoices {
        owner_organisation_id: if owners.len() == 1 {
            owners[0].0.clone()
        } else {
            String::new()
        },
        ..Default::default()
    };
    msk_form_page(
        &state,
        &visitor,
        &permit,
        &choices,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /design/pathways/msk`.
pub async fn build_msk(
    Context(state, visitor, permit): Context,
    Form(posted): Form<Posted>,
) -> Result<Response, PageError> {
    let choices: MskChoices = parse(&posted, &[])?;
    let built = pathway::build_msk(
        &state.store,
        &state.population,
        permit.person(),
        &permit.actor,
        &choices,
    )
    .await;
    let (state, visitor, permit, choices) = (&state, &visitor, &permit, &choices);
    settle(
        built,
        |id| Next::to(format!("/design/scenarios/{id}"), Notice::ScenarioSaved),
        |errors| msk_form_page(state, visitor, permit, choices, errors),
    )
    .await
}
