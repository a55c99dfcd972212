//! Agree: priority decisions on service areas, specific objectives, and the public page.

use crate::auth::Visitor;
use crate::authz::Permit;
use crate::error::PageError;
use crate::extract::Context;
use crate::extract::PageForm;
use crate::ui::filters;
use crate::ui::form::{self, form_page, settle, Fields, FormDef};
use crate::ui::notice::{Next, Notice};
use crate::ui::{render, Choice, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concord_domain::strategy::{ObjectiveDraft, PriorityDraft, PriorityStance, RoundStage};
use concord_domain::ValidationErrors;
use concord_store::objectives::{self, AreaPriority, Objective};
use concord_store::organisations::{self, OrganisationSearch};
use concord_store::strategy::{self, Round};
use concord_store::{PageRequest, StoreError};

/// Whether residents may see a round: everything but a round still being drafted.
pub fn is_published(round: &Round) -> bool {
    round.stage != RoundStage::Drafting
}

#[derive(Template)]
#[template(path = "agree/priorities.html")]
struct PrioritiesPage {
    layout: Layout,
    round: Round,
    priorities: Vec<AreaPriority>,
    stance_choices: Vec<Choice>,
    /// The area whose form failed, and why.
    failed: Option<(String, ValidationErrors, PriorityDraft)>,
}

impl PrioritiesPage {
    fn stance_code(&self, p: &AreaPriority) -> &'static str {
        p.stance.map(|s| s.as_str()).unwrap_or("")
    }

    fn failed_for(&self, area_id: &str) -> Option<(&ValidationErrors, &PriorityDraft)> {
        self.failed
            .as_ref()
            .filter(|(a, _, _)| a == area_id)
            .map(|(_, e, d)| (e, d))
    }
}

async fn priorities_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    failed: Option<(String, ValidationErrors, PriorityDraft)>,
) -> Result<Response, PageError> {
    let round = strategy::get(&state.store, id).await?;
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = PrioritiesPage {
        layout: Layout::new(
            state,
            visitor,
            permit,
            format!("Priorities – {}", round.title),
            "rounds",
        ),
        priorities: objectives::priorities(&state.store, id).await?,
        stance_choices: PriorityStance::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), s.label().to_string()))
            .collect(),
        round,
        failed,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /rounds/{id}/priorities`: decide each area's priority.
pub async fn priorities(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    priorities_page(&state, &visitor, &permit, &id, None).await
}

/// `POST /rounds/{id}/areas/{area_id}/priority`.
pub async fn set_priority(
    Context(state, visitor, permit): Context,
    Path((id, area_id)): Path<(String, String)>,
    PageForm(form): PageForm<PriorityDraft>,
) -> Result<Response, PageError> {
    let done = format!("/rounds/{id}/priorities#area-{area_id}");
    settle(
        objectives::set_priority(&state.store, &permit.actor, &id, &area_id, &form).await,
        |()| Next::to(done, Notice::PrioritySaved),
        |errors| {
            priorities_page(
                &state,
                &visitor,
                &permit,
                &id,
                Some((area_id, errors, form)),
            )
        },
    )
    .await
}

async fn objective_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    form: ObjectiveDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let round = strategy::get(&state.store, id).await?;
    let orgs = organisations::list(
        &state.store,
        &OrganisationSearch::default(),
        PageRequest::new(Some(1), Some(200)),
    )
    .await?;
    let owners: Vec<Choice> = orgs
        .items
        .into_iter()
        .filter(|o| o.org_type != concord_domain::OrgType::GpPractice)
        .map(|o| (o.id, o.name))
        .collect();
    let areas: Vec<Choice> = strategy::areas(&state.store, id)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let def = FormDef {
        warning: None,
        heading: "Add an objective".into(),
        caption: round.title,
        intro: "An objective must be specific: the outcome, how it is measured, where it is now, \
                the number to reach and by when, and who owns it."
            .into(),
        back: (
            format!("/rounds/{id}#objectives"),
            "Back to the round".into(),
        ),
        action: format!("/rounds/{id}/objectives"),
        submit: "Add objective".into(),
        fields: Fields::new(&form)
            .text(
                "outcome",
                "Outcome sought",
                "For example: fewer older people admitted to hospital after a fall",
            )
            .text(
                "metric",
                "How it is measured",
                "For example: emergency admissions for falls, people aged 65 and over",
            )
            .text(
                "unit",
                "Unit (optional)",
                "For example: per 100,000 people, or %",
            )
            .number("baseline", "Baseline (now)", "A number")
            .number("target", "Target", "The number to reach")
            .date("target_date", "Target date", "")
            .select(
                "owner_organisation_id",
                "Owner",
                owners,
                "Select an organisation",
            )
            .checkboxes("area_ids", "Service areas it touches", "", areas)
            .build(),
    };
    Ok(form_page(
        Layout::new(state, visitor, permit, "Add an objective", "rounds"),
        def,
        errors,
    ))
}

/// `GET /rounds/{id}/objectives/new`.
pub async fn new_objective(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    objective_form(
        &state,
        &visitor,
        &permit,
        &id,
        ObjectiveDraft::default(),
        ValidationErrors::default(),
    )
    .await
}

/// `POST /rounds/{id}/objectives`: the form's fields, with one `area_ids` per ticked area.
pub async fn create_objective(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let draft: ObjectiveDraft = form::parse(&fields, &["area_ids"])?;
    settle(
        objectives::add_objective(&state.store, &permit.actor, &id, &draft).await,
        |_| Next::to(format!("/rounds/{id}#objectives"), Notice::ObjectiveAdded),
        |errors| objective_form(&state, &visitor, &permit, &id, draft, errors),
    )
    .await
}

/// A round's priorities grouped for display: prioritised, maintained, de-prioritised, undecided.
pub struct Grouped {
    /// Areas to prioritise.
    pub prioritise: Vec<AreaPriority>,
    /// Areas to maintain.
    pub maintain: Vec<AreaPriority>,
    /// Areas to de-prioritise.
    pub deprioritise: Vec<AreaPriority>,
    /// Areas not yet decided.
    pub undecided: Vec<AreaPriority>,
}

/// Groups priorities by stance.
pub fn group(priorities: Vec<AreaPriority>) -> Grouped {
    let mut g = Grouped {
        prioritise: vec![],
        maintain: vec![],
        deprioritise: vec![],
        undecided: vec![],
    };
    for p in priorities {
        match p.stance {
            Some(PriorityStance::Prioritise) => g.prioritise.push(p),
            Some(PriorityStance::Maintain) => g.maintain.push(p),
            Some(PriorityStance::Deprioritise) => g.deprioritise.push(p),
            None => g.undecided.push(p),
        }
    }
    g
}

#[derive(Template)]
#[template(path = "agree/public_round.html")]
struct PublicRoundPage {
    layout: Layout,
    round: Round,
    grouped: Grouped,
    objectives: Vec<Objective>,
    partners: usize,
    /// The latest version of the vision.
    vision: Option<concord_store::vision::VisionVersion>,
    /// Each proposal with the partners consenting to it (current responses): (proposal, consenting, objecting).
    decisions: Vec<(concord_store::consent::Proposal, Vec<String>, Vec<String>)>,
}

/// `GET /public/rounds/{id}`: what residents may read, without signing in.
pub async fn public_round(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let round = strategy::get(&state.store, &id).await?;
    if !is_published(&round) {
        return Err(PageError::not_found());
    }
    let page = PublicRoundPage {
        layout: Layout::new(&state, &visitor, &permit, round.title.clone(), "public"),
        grouped: group(objectives::priorities(&state.store, &id).await?),
        objectives: objectives::objectives(&state.store, &id).await?,
        partners: strategy::views(&state.store, &id).await?.len(),
        decisions: decisions(&state, &id).await?,
        vision: concord_store::vision::versions(&state.store, &id)
            .await?
            .into_iter()
            .next(),
        round,
    };
    Ok(render(&page))
}

async fn decisions(
    state: &AppState,
    round_id: &str,
) -> Result<Vec<(concord_store::consent::Proposal, Vec<String>, Vec<String>)>, StoreError> {
    use concord_domain::consent::ResponseKind;
    let mut out = Vec::new();
    for proposal in concord_store::consent::for_round(&state.store, round_id).await? {
        let current: Vec<_> = concord_store::consent::responses(&state.store, &proposal.id)
            .await?
            .into_iter()
            .filter(|r| r.current)
            .collect();
        let consenting = current
            .iter()
            .filter(|r| matches!(r.kind, ResponseKind::Consent | ResponseKind::Concern))
            .map(|r| r.organisation_name.clone())
            .collect();
        let objecting = current
            .iter()
            .filter(|r| r.kind == ResponseKind::Object)
            .map(|r| r.organisation_name.clone())
            .collect();
        out.push((proposal, consenting, objecting));
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "agree/public_index.html")]
struct PublicIndex {
    layout: Layout,
    rounds: Vec<Round>,
}

/// `GET /public`: the published strategy rounds.
pub async fn public_index(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let rounds = strategy::list(&state.store)
        .await?
        .into_iter()
        .filter(is_published)
        .collect();
    Ok(render(&PublicIndex {
        layout: Layout::new(&state, &visitor, &permit, "Our shared plans", "public"),
        rounds,
    }))
}
