//! Programmes: the list, a programme's page (status, RAG trend, projects, milestones, RAID,
//! benefits, decisions, actions), its highlight report, and the forms that keep it up to date.

use super::programme_items::StatusFields;
use crate::auth::Visitor;
use crate::authz::{Permit, Rule, Target};
use crate::error::PageError;
use crate::extract::Context;
use crate::extract::PageForm;
use crate::ui::filters;
use crate::ui::form::{form_page, parse, settle, Fields, FormDef};
use crate::ui::notice::{Next, Notice};
use crate::ui::{render, Choice, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use concord_domain::meeting::ConfidentialityScope;
use concord_domain::programme::{ProgrammeDraft, Rag};
use concord_domain::{Role, ValidationErrors};
use concord_store::delivery::{self, Benefit, Milestone};
use concord_store::meetings::{self, ActionItem, BoardDecision};
use concord_store::programmes::{self, HistoryEntry, Partner, Programme, Project, ServedObjective};
use concord_store::raid::{self, Dependency, RaidItem, Risk};
use concord_store::{improvement, lookups};

type Form = Vec<(String, String)>;

/// Choices for a vocabulary.
pub fn codes<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| (code(*v).to_string(), label(*v).to_string()))
        .collect()
}

/// The viewer's confidentiality scope (nobody's, for the public).
pub async fn scope(state: &AppState, permit: &Permit) -> Result<ConfidentialityScope, PageError> {
    Ok(
        concord_app::deliver::confidentiality_scope(&state.store, permit.principal.as_ref())
            .await?,
    )
}

pub(super) fn layout(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    title: impl Into<String>,
) -> Layout {
    Layout::new(state, visitor, permit, title, "programmes")
}

/// The organisation a person may start programmes for, if any: the first of their organisations
/// where the authoriser allows it, an administrator's own grants considered last.
async fn starting_organisation(
    state: &AppState,
    permit: &Permit,
) -> Result<Option<String>, PageError> {
    let Some(p) = permit.principal.as_ref() else {
        return Ok(None);
    };
    let mut grants: Vec<_> = p.grants.iter().collect();
    grants.sort_by_key(|g| g.role == Role::SystemAdministrator);
    for g in grants {
        let target = Target::id(&g.organisation_id);
        if permit.may(state, Rule::CreateProgramme, target).await? {
            return Ok(Some(g.organisation_id.clone()));
        }
    }
    Ok(None)
}

#[derive(Template)]
#[template(path = "deliver/programmes.html")]
struct ProgrammesPage {
    layout: Layout,
    programmes: Vec<Programme>,
    start_for: Option<String>,
}

/// `GET /programmes`: every programme, open to everyone in the system.
pub async fn list(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    Ok(render(&ProgrammesPage {
        layout: layout(&state, &visitor, &permit, "Programmes"),
        programmes: programmes::list(&state.store).await?,
        start_for: starting_organisation(&state, &permit).await?,
    }))
}

#[derive(Template)]
#[template(path = "deliver/programme.html")]
struct ProgrammePage {
    layout: Layout,
    programme: Programme,
    can_edit: bool,
    objectives: Vec<ServedObjective>,
    partners: Vec<Partner>,
    history: Vec<HistoryEntry>,
    projects: Vec<Project>,
    milestones: Vec<Milestone>,
    risks: Vec<Risk>,
    items: Vec<RaidItem>,
    dependencies: Vec<Dependency>,
    benefits: Vec<Benefit>,
    decisions: Vec<BoardDecision>,
    withheld: usize,
    actions: Vec<ActionItem>,
    improvement: Vec<improvement::ImprovementProject>,
    scenarios: Vec<concord_store::design::Scenario>,
}

impl ProgrammePage {
    fn rag_class(&self, rag: &Rag) -> &'static str {
        rag_class(rag)
    }
}

/// The NHS.UK tag colour for a RAG rating.
pub fn rag_class(rag: &Rag) -> &'static str {
    match rag {
        Rag::Red => "nhsuk-tag--red",
        Rag::Amber => "nhsuk-tag--orange",
        Rag::Green => "nhsuk-tag--green",
    }
}

/// `GET /programmes/{id}`.
pub async fn show(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let store = &state.store;
    let programme = programmes::get(store, &id).await?;
    let viewer = scope(&state, &permit).await?;
    let decisions = meetings::decisions_of_programme(store, &viewer, &id).await?;
    let page = ProgrammePage {
        layout: layout(&state, &visitor, &permit, programme.name.clone()),
        can_edit: permit
            .may(&state, Rule::EditProgramme, Target::id(&id))
            .await?,
        objectives: programmes::objectives_of(store, &id).await?,
        partners: programmes::partners_of(store, &id).await?,
        history: programmes::history(store, &id)
            .await?
            .into_iter()
            .rev()
            .collect(),
        projects: programmes::projects(store, &id).await?,
        milestones: delivery::milestones_of(store, &id).await?,
        risks: raid::risks_of(store, &viewer, &id).await?,
        items: raid::items_of(store, &id).await?,
        dependencies: raid::dependencies(store, Some(&id)).await?,
        benefits: delivery::benefits_of(store, &id).await?,
        decisions: decisions.items,
        withheld: decisions.withheld,
        actions: meetings::actions_of_programme(store, &id, chrono::Utc::now()).await?,
        improvement: improvement::list(store, Some(&id)).await?,
        scenarios: concord_store::design::of_programme(store, &id).await?,
        programme,
    };
    Ok(render(&page))
}

async fn programme_fields(
    state: &AppState,
    draft: &ProgrammeDraft,
) -> Result<Vec<crate::ui::form::Field>, PageError> {
    let store = &state.store;
    let people = lookups::people(store).await?;
    Ok(Fields::new(draft)
        .text(
            "name",
            "Name",
            "For example, MSK first-contact physiotherapy",
        )
        .textarea("summary", "What it changes for patients and residents", "")
        .select(
            "lead_organisation_id",
            "Lead organisation",
            lookups::partner_organisations(store).await?,
            "Select",
        )
        .select(
            "sro_person_id",
            "Senior responsible owner",
            people.clone(),
            "Select",
        )
        .select("manager_person_id", "Programme manager", people, "Select")
        .select(
            "board_id",
            "Governing board",
            lookups::boards(store).await?,
            "None yet",
        )
        .select(
            "place_id",
            "Scope",
            lookups::places(store).await?,
            "The whole system",
        )
        .status_and_rag()
        .date("starts_on", "Start date", "")
        .date("ends_on", "Planned end date", "Leave blank if open-ended")
        .checkboxes(
            "objective_ids",
            "Adopted objectives it serves",
            "A programme must serve at least one",
            lookups::adopted_objectives(store).await?,
        )
        .checkboxes(
            "partner_ids",
            "Partners taking part",
            "Besides the lead organisation",
            lookups::partner_organisations(store).await?,
        )
        .build())
}

#[allow(clippy::too_many_arguments)]
async fn programme_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    action: String,
    heading: &str,
    draft: &ProgrammeDraft,
    errors: ValidationErrors,
    template: Option<&concord_app::listen::exchange::adopt::Template>,
) -> Result<Response, PageError> {
    let def = FormDef {
        warning: None,
        intro: template
            .map(|t| {
                format!(
                    "{} Once saved, the programme takes its {} milestones, a month apart from the start date, for you to re-plan.",
                    t.provenance,
                    t.milestones.len()
                )
            })
            .unwrap_or_default(),
        heading: heading.into(),
        caption: "Programmes".into(),
        back: ("/programmes".into(), "Programmes".into()),
        action,
        submit: "Save programme".into(),
        fields: programme_fields(state, draft).await?,
    };
    Ok(form_page(
        layout(state, visitor, permit, heading.to_string()),
        def,
        errors,
    ))
}

const PROGRAMME_LISTS: &[&str] = &["objective_ids", "partner_ids"];

/// A peer's case study to start a programme from (`GET` and `POST` carry it in the address).
#[derive(Debug, Default, serde::Deserialize)]
pub struct FromCaseStudy {
    /// The peer's id.
    template_peer: Option<String>,
    /// The case study's document id at the peer.
    template: Option<String>,
}

impl FromCaseStudy {
    async fn template(
        &self,
        state: &AppState,
    ) -> Result<Option<concord_app::listen::exchange::adopt::Template>, PageError> {
        match (&self.template_peer, &self.template) {
            (Some(peer), Some(doc)) => Ok(Some(
                concord_app::listen::exchange::adopt::template(&state.store, peer, doc).await?,
            )),
            _ => Ok(None),
        }
    }

    fn query(&self) -> String {
        match (&self.template_peer, &self.template) {
            (Some(peer), Some(doc)) => format!(
                "?{}",
                form_urlencoded::Serializer::new(String::new())
                    .append_pair("template_peer", peer)
                    .append_pair("template", doc)
                    .finish()
            ),
            _ => String::new(),
        }
    }
}

/// `GET /organisations/{id}/programmes/new`, filled from a peer's case study when one is named.
pub async fn new_programme(
    Context(state, visitor, permit): Context,
    Path(org): Path<String>,
    Query(from): Query<FromCaseStudy>,
) -> Result<Response, PageError> {
    let template = from.template(&state).await?;
    let draft = ProgrammeDraft {
        lead_organisation_id: org.clone(),
        status: "active".into(),
        manager_person_id: permit
            .principal
            .as_ref()
            .map(|p| p.person_id.clone())
            .unwrap_or_default(),
        name: template
            .as_ref()
            .map(|t| t.name.clone())
            .unwrap_or_default(),
        summary: template
            .as_ref()
            .map(|t| t.summary.clone())
            .unwrap_or_default(),
        ..Default::default()
    };
    programme_form(
        &state,
        &visitor,
        &permit,
        format!("/organisations/{org}/programmes{}", from.query()),
        "Start a programme",
        &draft,
        ValidationErrors::default(),
        template.as_ref(),
    )
    .await
}

/// `POST /organisations/{id}/programmes`: the lead organisation is the one in the path; a
/// programme started from a case study then takes its milestones and a note of where it came
/// from.
pub async fn create_programme(
    Context(state, visitor, permit): Context,
    Path(org): Path<String>,
    Query(from): Query<FromCaseStudy>,
    PageForm(form): PageForm<Form>,
) -> Result<Response, PageError> {
    let template = from.template(&state).await?;
    let mut draft: ProgrammeDraft = parse(&form, PROGRAMME_LISTS)?;
    draft.lead_organisation_id = org.clone();
    let adoption = template.as_ref().map(|t| t.adoption());
    settle(
        programmes::create_adopted(&state.store, &permit.actor, &draft, adoption.as_ref()).await,
        |id| Next::to(format!("/programmes/{id}"), Notice::ProgrammeSaved),
        |errors| {
            programme_form(
                &state,
                &visitor,
                &permit,
                format!("/organisations/{org}/programmes{}", from.query()),
                "Start a programme",
                &draft,
                errors,
                template.as_ref(),
            )
        },
    )
    .await
}

fn draft_of(p: &Programme, objectives: &[ServedObjective], partners: &[Partner]) -> ProgrammeDraft {
    ProgrammeDraft {
        name: p.name.clone(),
        summary: p.summary.clone(),
        lead_organisation_id: p.lead_organisation_id.clone(),
        sro_person_id: p.sro_person_id.clone(),
        manager_person_id: p.manager_person_id.clone(),
        board_id: p.board_id.clone().unwrap_or_default(),
        place_id: p.place_id.clone().unwrap_or_default(),
        status: p.status.as_str().into(),
        rag: p.rag.as_str().into(),
        rag_reason: p.rag_reason.clone(),
        starts_on: p.starts_on.clone(),
        ends_on: p.ends_on.clone().unwrap_or_default(),
        objective_ids: objectives.iter().map(|o| o.id.clone()).collect(),
        partner_ids: partners.iter().map(|o| o.id.clone()).collect(),
    }
}

/// `GET /programmes/{id}/edit`.
pub async fn edit_programme(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let p = programmes::get(&state.store, &id).await?;
    let draft = draft_of(
        &p,
        &programmes::objectives_of(&state.store, &id).await?,
        &programmes::partners_of(&state.store, &id).await?,
    );
    programme_form(
        &state,
        &visitor,
        &permit,
        format!("/programmes/{id}/edit"),
        &format!("Edit {}", p.name),
        &draft,
        ValidationErrors::default(),
        None,
    )
    .await
}

/// `POST /programmes/{id}/edit`.
pub async fn update_programme(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<Form>,
) -> Result<Response, PageError> {
    let draft: ProgrammeDraft = parse(&form, PROGRAMME_LISTS)?;
    settle(
        programmes::update(&state.store, &permit.actor, &id, &draft).await,
        |()| Next::to(format!("/programmes/{id}"), Notice::ProgrammeSaved),
        |errors| {
            programme_form(
                &state,
                &visitor,
                &permit,
                format!("/programmes/{id}/edit"),
                "Edit programme",
                &draft,
                errors,
                None,
            )
        },
    )
    .await
}
