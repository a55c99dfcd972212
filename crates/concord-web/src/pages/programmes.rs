//! Programmes: the list, a programme's page (status, RAG trend, projects, milestones, RAID,
//! benefits, decisions, actions), its highlight report, and the forms that keep it up to date.

use super::form::{form_handlers, form_page, id_only, parse, Fields, FormDef, FormFamily};
use super::{render, see_other, Choice, Layout};
use crate::auth::Visitor;
use crate::authz::Permit;
use crate::error::PageError;
use crate::extract::PageForm;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;
use concord_domain::meeting::ConfidentialityScope;
use concord_domain::programme::{
    BenefitDraft, BenefitEffect, DeliveryStatus, Direction, MeasurementDraft, MilestoneDraft,
    ProgrammeDraft, ProjectDraft, Rag, StatusUpdateDraft,
};
use concord_domain::{decide, Action, Role, ValidationErrors};
use concord_store::delivery::{self, Benefit, Milestone};
use concord_store::meetings::{self, ActionItem, BoardDecision};
use concord_store::programmes::{self, HistoryEntry, Partner, Programme, Project, ServedObjective};
use concord_store::raid::{self, Dependency, RaidItem, Risk};
use concord_store::{improvement, lookups, StoreError};

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
    Ok(match &permit.principal {
        Some(p) => meetings::scope_of(&state.store, &p.person_id).await?,
        None => ConfidentialityScope::default(),
    })
}

fn layout(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    title: impl Into<String>,
) -> Layout {
    Layout::new(state, visitor, permit, title, "programmes")
}

/// The organisation a person may start programmes for, if any.
fn starting_organisation(permit: &Permit) -> Option<String> {
    let p = permit.principal.as_ref()?;
    p.grants
        .iter()
        .find(|g| matches!(g.role, Role::PartnerLead | Role::ProgrammeManager))
        .or_else(|| {
            p.grants
                .iter()
                .find(|g| g.role == Role::SystemAdministrator)
        })
        .map(|g| g.organisation_id.clone())
}

/// True when the permit's holder may edit `programme`.
pub fn may_edit(permit: &Permit, programme: &Programme) -> bool {
    permit.principal.as_ref().is_some_and(|p| {
        decide(
            Some(p),
            Action::EditProgramme {
                lead_organisation_id: &programme.lead_organisation_id,
                leads_programme: programme.is_led_by(&p.person_id),
            },
        )
        .is_allowed()
    })
}

#[derive(Template)]
#[template(path = "programmes.html")]
struct ProgrammesPage {
    layout: Layout,
    programmes: Vec<Programme>,
    start_for: Option<String>,
}

/// `GET /programmes`: every programme, open to everyone in the system.
pub async fn list(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
) -> Result<Response, PageError> {
    Ok(render(&ProgrammesPage {
        layout: layout(&state, &visitor, &permit, "Programmes"),
        programmes: programmes::list(&state.store).await?,
        start_for: starting_organisation(&permit),
    }))
}

#[derive(Template)]
#[template(path = "programme.html")]
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
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let store = &state.store;
    let programme = programmes::get(store, &id).await?;
    let viewer = scope(&state, &permit).await?;
    let decisions = meetings::decisions_of_programme(store, &viewer, &id).await?;
    let page = ProgrammePage {
        layout: layout(&state, &visitor, &permit, programme.name.clone()),
        can_edit: may_edit(&permit, &programme),
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
        programme,
    };
    Ok(render(&page))
}

async fn programme_fields(
    state: &AppState,
    draft: &ProgrammeDraft,
) -> Result<Vec<super::form::Field>, PageError> {
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

async fn programme_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    action: String,
    heading: &str,
    draft: &ProgrammeDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let def = FormDef {
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

/// `GET /organisations/{id}/programmes/new`.
pub async fn new_programme(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
    Path(org): Path<String>,
) -> Result<Response, PageError> {
    let draft = ProgrammeDraft {
        lead_organisation_id: org.clone(),
        status: "active".into(),
        manager_person_id: permit
            .principal
            .as_ref()
            .map(|p| p.person_id.clone())
            .unwrap_or_default(),
        ..Default::default()
    };
    programme_form(
        &state,
        &visitor,
        &permit,
        format!("/organisations/{org}/programmes"),
        "Start a programme",
        &draft,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /organisations/{id}/programmes`: the lead organisation is the one in the path.
pub async fn create_programme(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
    Path(org): Path<String>,
    PageForm(form): PageForm<Form>,
) -> Result<Response, PageError> {
    let mut draft: ProgrammeDraft = parse(&form, PROGRAMME_LISTS)?;
    draft.lead_organisation_id = org.clone();
    match programmes::create(&state.store, &permit.actor, &draft).await {
        Ok(id) => Ok(see_other(&format!("/programmes/{id}"))),
        Err(StoreError::Invalid(errors)) => {
            programme_form(
                &state,
                &visitor,
                &permit,
                format!("/organisations/{org}/programmes"),
                "Start a programme",
                &draft,
                errors,
            )
            .await
        }
        Err(err) => Err(err.into()),
    }
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
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
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
    )
    .await
}

/// `POST /programmes/{id}/edit`.
pub async fn update_programme(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
    Path(id): Path<String>,
    PageForm(form): PageForm<Form>,
) -> Result<Response, PageError> {
    let draft: ProgrammeDraft = parse(&form, PROGRAMME_LISTS)?;
    match programmes::update(&state.store, &permit.actor, &id, &draft).await {
        Ok(()) => Ok(see_other(&format!("/programmes/{id}"))),
        Err(StoreError::Invalid(errors)) => {
            programme_form(
                &state,
                &visitor,
                &permit,
                format!("/programmes/{id}/edit"),
                "Edit programme",
                &draft,
                errors,
            )
            .await
        }
        Err(err) => Err(err.into()),
    }
}

/// Which small form of a programme is shown: each knows its fields, where it posts, and how to save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemForm {
    /// A status report.
    Report,
    /// A new project.
    Project,
    /// A new milestone.
    Milestone,
    /// A new benefit.
    Benefit,
}

impl ItemForm {
    fn heading(self) -> &'static str {
        match self {
            ItemForm::Report => "Report status",
            ItemForm::Project => "Add a project",
            ItemForm::Milestone => "Add a milestone",
            ItemForm::Benefit => "Add a benefit",
        }
    }

    fn path(self) -> &'static str {
        match self {
            ItemForm::Report => "report",
            ItemForm::Project => "projects",
            ItemForm::Milestone => "milestones",
            ItemForm::Benefit => "benefits",
        }
    }
}

async fn item_fields(
    state: &AppState,
    programme: &Programme,
    which: ItemForm,
    form: &Form,
) -> Result<Vec<super::form::Field>, PageError> {
    let store = &state.store;
    Ok(match which {
        ItemForm::Report => {
            let draft: StatusUpdateDraft = parse(form, &[])?;
            Fields::new(&draft)
                .date(
                    "as_of",
                    "Report for",
                    "Normally the last day of the reporting month",
                )
                .status_and_rag()
                .textarea("progress", "Progress since the last report", "")
                .build()
        }
        ItemForm::Project => {
            let draft: ProjectDraft = parse(form, &[])?;
            Fields::new(&draft)
                .text("name", "Name", "")
                .textarea("summary", "What it delivers", "")
                .select(
                    "lead_person_id",
                    "Project lead",
                    lookups::people(store).await?,
                    "Select",
                )
                .status_and_rag()
                .build()
        }
        ItemForm::Milestone => {
            let draft: MilestoneDraft = parse(form, &[])?;
            Fields::new(&draft)
                .text("title", "What will be done", "")
                .select(
                    "project_id",
                    "Project",
                    lookups::projects(store, &programme.id).await?,
                    "The programme as a whole",
                )
                .select(
                    "owner_person_id",
                    "Owner",
                    lookups::people(store).await?,
                    "Select",
                )
                .date(
                    "baseline_on",
                    "Baseline date",
                    "The date agreed now; it does not move later",
                )
                .date("forecast_on", "Forecast date", "")
                .date("completed_on", "Done on", "Leave blank while open")
                .build()
        }
        ItemForm::Benefit => {
            let mut draft: BenefitDraft = parse(form, &[])?;
            draft.impacts.resize_with(3, Default::default);
            let orgs = lookups::partner_organisations(store).await?;
            let effects = codes(
                BenefitEffect::ALL,
                BenefitEffect::as_str,
                BenefitEffect::label,
            );
            let mut fields = Fields::new(&draft)
                .text(
                    "title",
                    "The benefit",
                    "For example, fewer GP appointments for MSK problems",
                )
                .text("metric", "Metric that shows it", "")
                .text("unit", "Unit", "")
                .select(
                    "direction",
                    "Which way is better",
                    codes(Direction::ALL, Direction::as_str, Direction::label),
                    "Select",
                )
                .number("baseline", "Baseline", "")
                .number("target", "Target", "")
                .date("target_on", "Target date", "");
            for n in 0..3 {
                fields = fields
                    .select(
                        &format!("impacts[{n}].organisation_id"),
                        &format!("Partner {}", n + 1),
                        orgs.clone(),
                        "None",
                    )
                    .select(
                        &format!("impacts[{n}].effect"),
                        &format!("How partner {} is affected", n + 1),
                        effects.clone(),
                        "Select",
                    )
                    .text(
                        &format!("impacts[{n}].note"),
                        &format!("Detail for partner {}", n + 1),
                        "",
                    );
            }
            fields.build()
        }
    })
}

async fn item_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    programme: &Programme,
    which: ItemForm,
    form: &Form,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let def = FormDef {
        heading: which.heading().into(),
        caption: programme.name.clone(),
        back: (
            format!("/programmes/{}", programme.id),
            programme.name.clone(),
        ),
        action: format!("/programmes/{}/{}", programme.id, which.path()),
        submit: "Save".into(),
        fields: item_fields(state, programme, which, form).await?,
    };
    Ok(form_page(
        layout(state, visitor, permit, which.heading()),
        def,
        errors,
    ))
}

fn starting_values(which: ItemForm, programme: &Programme) -> Form {
    let today = concord_domain::meeting::london_date(chrono::Utc::now())
        .format("%Y-%m-%d")
        .to_string();
    let v = |k: &str, v: &str| (k.to_string(), v.to_string());
    match which {
        ItemForm::Report => vec![
            v("as_of", &today),
            v("status", programme.status.as_str()),
            v("rag", programme.rag.as_str()),
        ],
        ItemForm::Project => vec![v("status", "active")],
        ItemForm::Milestone | ItemForm::Benefit => Vec::new(),
    }
}

/// The status, RAG rating and its reason, asked alike of programmes, projects and status reports.
trait StatusFields {
    fn status_and_rag(self) -> Self;
}

impl StatusFields for Fields {
    fn status_and_rag(self) -> Self {
        self.select(
            "status",
            "Status",
            codes(
                DeliveryStatus::ALL,
                DeliveryStatus::as_str,
                DeliveryStatus::label,
            ),
            "",
        )
        .select(
            "rag",
            "RAG rating",
            codes(Rag::ALL, Rag::as_str, Rag::label),
            "Select",
        )
        .textarea("rag_reason", "Why this rating", "")
    }
}

/// The forms that add to a programme: `/programmes/{id}/{report|projects|milestones|benefits}`.
impl FormFamily for ItemForm {
    async fn blank(self, state: &AppState, (id, _): (&str, &str)) -> Result<Form, PageError> {
        let programme = programmes::get(&state.store, id).await?;
        Ok(starting_values(self, &programme))
    }

    async fn show(
        self,
        state: &AppState,
        visitor: &Visitor,
        permit: &Permit,
        (id, _): (&str, &str),
        posted: &Form,
        errors: ValidationErrors,
    ) -> Result<Response, PageError> {
        let programme = programmes::get(&state.store, id).await?;
        item_form(state, visitor, permit, &programme, self, posted, errors).await
    }

    async fn save(
        self,
        state: &AppState,
        permit: &Permit,
        (id, _): (&str, &str),
        form: &Form,
    ) -> Result<Result<(), StoreError>, PageError> {
        let store = &state.store;
        let actor = &permit.actor;
        programmes::get(store, id).await?;
        Ok(match self {
            ItemForm::Report => {
                programmes::report_status(store, actor, id, &parse(form, &[])?).await
            }
            ItemForm::Project => {
                programmes::save_project(store, actor, id, None, &parse(form, &[])?)
                    .await
                    .map(drop)
            }
            ItemForm::Milestone => {
                delivery::save_milestone(store, actor, id, None, &parse(form, &[])?)
                    .await
                    .map(drop)
            }
            ItemForm::Benefit => {
                let mut draft: BenefitDraft = parse(form, &[])?;
                draft
                    .impacts
                    .retain(|i| !i.organisation_id.trim().is_empty());
                delivery::add_benefit(store, actor, id, &draft)
                    .await
                    .map(drop)
            }
        })
    }

    fn done(self, (id, _): (&str, &str)) -> String {
        format!("/programmes/{id}#{}", self.path())
    }
}

/// `POST /programmes/{id}/benefits/{item_id}/readings`: a reading from the form on the programme page.
pub async fn record_reading(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
    Path((id, benefit_id)): Path<(String, String)>,
    PageForm(form): PageForm<Form>,
) -> Result<Response, PageError> {
    let draft: MeasurementDraft = parse(&form, &[])?;
    match delivery::record_reading(&state.store, &permit.actor, &id, &benefit_id, &draft).await {
        Ok(()) => Ok(see_other(&format!("/programmes/{id}#benefits"))),
        Err(StoreError::Invalid(errors)) => {
            let programme = programmes::get(&state.store, &id).await?;
            let def = FormDef {
                heading: "Record a reading".into(),
                caption: programme.name.clone(),
                back: (format!("/programmes/{id}#benefits"), programme.name.clone()),
                action: format!("/programmes/{id}/benefits/{benefit_id}/readings"),
                submit: "Save reading".into(),
                fields: Fields::new(&draft)
                    .date("measured_on", "Date", "")
                    .number("value", "Value", "")
                    .build(),
            };
            Ok(form_page(
                layout(&state, &visitor, &permit, "Record a reading"),
                def,
                errors,
            ))
        }
        Err(err) => Err(err.into()),
    }
}

form_handlers! {
    new_report, save_report => ItemForm::Report, String, id_only;
    new_project, save_project => ItemForm::Project, String, id_only;
    new_milestone, save_milestone => ItemForm::Milestone, String, id_only;
    new_benefit, save_benefit => ItemForm::Benefit, String, id_only;
}

async fn milestone_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    programme: &Programme,
    milestone: &Milestone,
    draft: &MilestoneDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let store = &state.store;
    let def = FormDef {
        heading: format!("Update milestone: {}", milestone.title),
        caption: programme.name.clone(),
        back: (
            format!("/programmes/{}#milestones", programme.id),
            programme.name.clone(),
        ),
        action: format!(
            "/programmes/{}/milestones/{}/edit",
            programme.id, milestone.id
        ),
        submit: "Save milestone".into(),
        fields: Fields::new(draft)
            .text("title", "What will be done", "")
            .select(
                "project_id",
                "Project",
                lookups::projects(store, &programme.id).await?,
                "The programme as a whole",
            )
            .select(
                "owner_person_id",
                "Owner",
                lookups::people(store).await?,
                "Select",
            )
            .date(
                "forecast_on",
                "Forecast date",
                &format!(
                    "The baseline, {}, does not move: slippage is measured against it",
                    milestone.baseline_on
                ),
            )
            .date("completed_on", "Done on", "Leave blank while open")
            .build(),
    };
    Ok(form_page(
        layout(state, visitor, permit, "Update milestone"),
        def,
        errors,
    ))
}

async fn find_milestone(
    state: &AppState,
    id: &str,
    item: &str,
) -> Result<(Programme, Milestone), PageError> {
    let programme = programmes::get(&state.store, id).await?;
    let milestone = delivery::milestones_of(&state.store, id)
        .await?
        .into_iter()
        .find(|m| m.id == item)
        .ok_or_else(|| PageError::from(StoreError::not_found("milestone", item)))?;
    Ok((programme, milestone))
}

/// `GET /programmes/{id}/milestones/{item_id}/edit`: move the forecast or record it done.
pub async fn edit_milestone(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
    Path((id, item)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (programme, m) = find_milestone(&state, &id, &item).await?;
    let draft = MilestoneDraft {
        title: m.title.clone(),
        project_id: m.project_id.clone().unwrap_or_default(),
        owner_person_id: m.owner_person_id.clone(),
        baseline_on: m.baseline_on.clone(),
        forecast_on: m.forecast_on.clone(),
        completed_on: m.completed_on.clone().unwrap_or_default(),
    };
    milestone_form(
        &state,
        &visitor,
        &permit,
        &programme,
        &m,
        &draft,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /programmes/{id}/milestones/{item_id}/edit`.
pub async fn update_milestone(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
    Path((id, item)): Path<(String, String)>,
    PageForm(form): PageForm<Form>,
) -> Result<Response, PageError> {
    let (programme, m) = find_milestone(&state, &id, &item).await?;
    let mut draft: MilestoneDraft = parse(&form, &[])?;
    draft.baseline_on = m.baseline_on.clone();
    match delivery::save_milestone(&state.store, &permit.actor, &id, Some(&item), &draft).await {
        Ok(_) => Ok(see_other(&format!("/programmes/{id}#milestones"))),
        Err(StoreError::Invalid(errors)) => {
            milestone_form(&state, &visitor, &permit, &programme, &m, &draft, errors).await
        }
        Err(err) => Err(err.into()),
    }
}
