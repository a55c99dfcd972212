//! Board meetings: scheduling, the meeting page (agenda, decisions, actions, minutes), the forms
//! that fill it, and the board pack generated from live data as a page and as PDF.

use super::programmes::{codes, scope};
use crate::auth::Visitor;
use crate::authz::{Permit, Rule, Target};
use crate::error::PageError;
use crate::extract::Context;
use crate::extract::PageForm;
use crate::ui::filters;
use crate::ui::form::{
    form_handlers, form_page, id_only, parse, settle, Field, Fields, FormDef, FormFamily,
};
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::{render, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use concord_domain::meeting::{AgendaPurpose, MeetingDraft, MinutesDraft};
use concord_domain::ValidationErrors;
use concord_store::meetings::{self, ActionItem, AgendaItem, BoardDecision, Meeting};
use concord_store::{board_packs, boards, lookups, StoreError};

type Form = Vec<(String, String)>;

fn layout(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    title: impl Into<String>,
) -> Layout {
    Layout::new(state, visitor, permit, title, "boards")
}

async fn meeting_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    board_id: &str,
    draft: &MeetingDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let board = boards::get(&state.store, board_id).await?;
    let def = FormDef {
        warning: None,
        intro: String::new(),
        heading: "Schedule a meeting".into(),
        caption: board.name.clone(),
        back: (format!("/boards/{board_id}"), board.name),
        action: format!("/boards/{board_id}/meetings"),
        submit: "Schedule meeting".into(),
        fields: Fields::new(draft)
            .text("title", "Title", "For example, Place board – December")
            .date("held_on", "Date", "")
            .time("starts_at", "Start time", "London time, HH:MM")
            .text("location", "Where, or how to join", "")
            .build(),
    };
    Ok(form_page(
        layout(state, visitor, permit, "Schedule a meeting"),
        def,
        errors,
    ))
}

/// `GET /boards/{id}/meetings/new`.
pub async fn new_meeting(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let draft = MeetingDraft {
        starts_at: "10:00".into(),
        ..Default::default()
    };
    meeting_form(
        &state,
        &visitor,
        &permit,
        &id,
        &draft,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /boards/{id}/meetings`.
pub async fn schedule(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<Form>,
) -> Result<Response, PageError> {
    let draft: MeetingDraft = parse(&form, &[])?;
    settle(
        meetings::schedule(&state.store, &permit.actor, &id, &draft).await,
        |meeting| Next::to(format!("/meetings/{meeting}"), Notice::MeetingScheduled),
        |errors| meeting_form(&state, &visitor, &permit, &id, &draft, errors),
    )
    .await
}

#[derive(Template)]
#[template(path = "deliver/meeting.html")]
struct MeetingPage {
    layout: Layout,
    meeting: Meeting,
    agenda: Vec<AgendaItem>,
    decisions: Vec<BoardDecision>,
    withheld: usize,
    actions: Vec<ActionItem>,
    can_manage: bool,
    can_record: bool,
    person_id: String,
    apologies: Vec<board_packs::Apology>,
    declarations: Vec<board_packs::Declaration>,
    previous: Option<Meeting>,
}

/// `GET /meetings/{id}`.
pub async fn show(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let meeting = meetings::get(&state.store, &id).await?;
    let viewer = scope(&state, &permit).await?;
    let agenda = meetings::agenda(&state.store, &viewer, &meeting).await?;
    let decisions = meetings::decisions_of_meeting(&state.store, &viewer, &id).await?;
    Ok(render(&MeetingPage {
        layout: layout(&state, &visitor, &permit, meeting.title.clone()),
        withheld: agenda.withheld + decisions.withheld,
        agenda: agenda.items,
        decisions: decisions.items,
        actions: meetings::actions_of_meeting(&state.store, &id, chrono::Utc::now()).await?,
        can_manage: permit
            .may(&state, Rule::ManageMeeting, Target::id(&id))
            .await?,
        can_record: permit
            .may(&state, Rule::RecordDecision, Target::id(&id))
            .await?,
        person_id: permit
            .principal
            .as_ref()
            .map(|p| p.person_id.clone())
            .unwrap_or_default(),
        apologies: board_packs::apologies(&state.store, &id).await?,
        declarations: board_packs::declarations(&state.store, &id).await?,
        previous: meetings::previous(&state.store, &meeting).await?,
        meeting,
    }))
}

/// Which form of a meeting is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MeetingForm {
    Agenda,
    Decision,
    Action,
    Minutes,
    Apology,
    Declaration,
    Scenario,
}

/// The scenario form's fields: which what-if scenario to show with which agenda item.
#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
struct ScenarioLinkFields {
    agenda_item_id: String,
    scenario_id: String,
}

/// The apologies form's field.
#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
struct ApologyFields {
    person_id: String,
}

/// The meeting's agenda items as choices, as the board's members read it (confidential items
/// included: only those who build the meeting or record its decisions see these forms).
async fn agenda_choices(
    state: &AppState,
    meeting: &Meeting,
) -> Result<Vec<(String, String)>, PageError> {
    let viewer = concord_domain::meeting::ConfidentialityScope {
        board_ids: vec![meeting.board_id.clone()],
        programme_ids: vec![],
    };
    Ok(meetings::agenda(&state.store, &viewer, meeting)
        .await?
        .items
        .into_iter()
        .map(|i| (i.id, format!("{}. {}", i.position, i.title)))
        .collect())
}

/// The board's members as choices.
async fn member_choices(
    state: &AppState,
    meeting: &Meeting,
) -> Result<Vec<(String, String)>, PageError> {
    Ok(boards::members(&state.store, &meeting.board_id)
        .await?
        .into_iter()
        .map(|m| {
            (
                m.person_id,
                format!("{} ({})", m.person_name, m.board_role.label()),
            )
        })
        .collect())
}

impl MeetingForm {
    fn heading(self) -> &'static str {
        match self {
            MeetingForm::Agenda => "Add an agenda item",
            MeetingForm::Decision => "Record a decision",
            MeetingForm::Action => "Set an action",
            MeetingForm::Minutes => "Write the minutes",
            MeetingForm::Apology => "Record apologies",
            MeetingForm::Declaration => "Record a declaration of interest",
            MeetingForm::Scenario => "Show a what-if scenario with an agenda item",
        }
    }

    fn path(self) -> &'static str {
        match self {
            MeetingForm::Agenda => "agenda",
            MeetingForm::Decision => "decisions",
            MeetingForm::Action => "actions",
            MeetingForm::Minutes => "minutes",
            MeetingForm::Apology => "apologies",
            MeetingForm::Declaration => "declarations",
            MeetingForm::Scenario => "scenarios",
        }
    }

    async fn fields(
        self,
        state: &AppState,
        meeting: &Meeting,
        form: &Form,
    ) -> Result<Vec<Field>, PageError> {
        let store = &state.store;
        Ok(match self {
            MeetingForm::Agenda => Fields::new(&parse::<concord_domain::meeting::AgendaItemDraft>(
                form,
                &[],
            )?)
            .text("title", "Title", "")
            .select(
                "purpose",
                "Purpose",
                codes(
                    AgendaPurpose::ALL,
                    AgendaPurpose::as_str,
                    AgendaPurpose::label,
                ),
                "Select",
            )
            .select(
                "programme_id",
                "Programme",
                lookups::programmes(store).await?,
                "None",
            )
            .select(
                "presenter_person_id",
                "Presenter",
                lookups::people(store).await?,
                "None",
            )
            .textarea(
                "paper",
                "The paper",
                "Background, and what the board is asked to do",
            )
            .checkbox(
                "confidential",
                "Confidential",
                "Only the board's members will see it",
            )
            .build(),
            MeetingForm::Decision => {
                let items = agenda_choices(state, meeting).await?;
                Fields::new(&parse::<concord_domain::meeting::DecisionDraft>(form, &[])?)
                    .select("agenda_item_id", "Agenda item", items, "None")
                    .select(
                        "programme_id",
                        "Programme",
                        lookups::programmes(store).await?,
                        "From the agenda item, or none",
                    )
                    .text("title", "The decision in one line", "")
                    .textarea("decision", "What was decided", "")
                    .textarea(
                        "options_considered",
                        "Options considered",
                        "And why the board chose as it did",
                    )
                    .text(
                        "decided_by",
                        "Who decided",
                        "For example, The board, unanimously",
                    )
                    .select(
                        "proposal_id",
                        "Consent record",
                        lookups::proposals(store).await?,
                        "None",
                    )
                    .checkbox(
                        "confidential",
                        "Confidential",
                        "Only the board's members will see it",
                    )
                    .build()
            }
            MeetingForm::Action => {
                Fields::new(&parse::<concord_domain::meeting::ActionDraft>(form, &[])?)
                    .text("title", "What is to be done", "")
                    .select(
                        "owner_person_id",
                        "Owner",
                        lookups::people(store).await?,
                        "Select",
                    )
                    .date("due_on", "Due", "")
                    .select(
                        "programme_id",
                        "Programme",
                        lookups::programmes(store).await?,
                        "None",
                    )
                    .build()
            }
            MeetingForm::Minutes => {
                let mut draft: MinutesDraft = parse(form, &[])?;
                if form.is_empty() {
                    draft.minutes = meeting.minutes.clone();
                }
                Fields::new(&draft)
                    .textarea("minutes", "Minutes", "")
                    .build()
            }
            MeetingForm::Apology => Fields::new(&parse::<ApologyFields>(form, &[])?)
                .select(
                    "person_id",
                    "Member sending apologies",
                    member_choices(state, meeting).await?,
                    "Select",
                )
                .build(),
            MeetingForm::Declaration => {
                let items = agenda_choices(state, meeting).await?;
                Fields::new(&parse::<concord_domain::meeting::DeclarationDraft>(
                    form,
                    &[],
                )?)
                .select(
                    "person_id",
                    "Member declaring",
                    member_choices(state, meeting).await?,
                    "Select",
                )
                .select("agenda_item_id", "Agenda item", items, "The whole meeting")
                .textarea(
                    "interest",
                    "The interest",
                    "For example, a director of a company bidding for the contract",
                )
                .build()
            }
            MeetingForm::Scenario => {
                let items = agenda_choices(state, meeting).await?;
                let scenarios = concord_store::design::list(store)
                    .await?
                    .into_iter()
                    .map(|s| (s.id, format!("{} ({})", s.title, s.owner_name)))
                    .collect();
                Fields::new(&parse::<ScenarioLinkFields>(form, &[])?)
                    .select("agenda_item_id", "Agenda item", items, "Select")
                    .select_with_hint(
                        "scenario_id",
                        "Scenario",
                        "The board pack shows it under the item with its latest results' headline figures",
                        scenarios,
                        "Select",
                    )
                    .build()
            }
        })
    }

    /// Saves the posted form through the store.
    async fn persist(
        self,
        state: &AppState,
        permit: &Permit,
        id: &str,
        form: &Form,
    ) -> Result<Result<(), StoreError>, PageError> {
        let (store, actor) = (&state.store, &permit.actor);
        Ok(match self {
            MeetingForm::Agenda => meetings::add_agenda_item(store, actor, id, &parse(form, &[])?)
                .await
                .map(drop),
            MeetingForm::Decision => {
                meetings::record_decision(store, actor, id, &parse(form, &[])?)
                    .await
                    .map(drop)
            }
            MeetingForm::Action => meetings::set_action(store, actor, Some(id), &parse(form, &[])?)
                .await
                .map(drop),
            MeetingForm::Minutes => {
                meetings::write_minutes(store, actor, id, &parse(form, &[])?).await
            }
            MeetingForm::Apology => {
                let fields: ApologyFields = parse(form, &[])?;
                board_packs::record_apology(store, actor, id, fields.person_id.trim()).await
            }
            MeetingForm::Declaration => {
                board_packs::declare(store, actor, id, &parse(form, &[])?).await
            }
            MeetingForm::Scenario => {
                let fields: ScenarioLinkFields = parse(form, &[])?;
                concord_store::design::link_agenda_item(
                    store,
                    actor,
                    id,
                    fields.agenda_item_id.trim(),
                    fields.scenario_id.trim(),
                )
                .await
            }
        })
    }
}

async fn meeting_item_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    which: MeetingForm,
    form: &Form,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let meeting = meetings::get(&state.store, id).await?;
    let def = FormDef {
        warning: None,
        intro: String::new(),
        heading: which.heading().into(),
        caption: meeting.title.clone(),
        back: (format!("/meetings/{id}"), meeting.title.clone()),
        action: format!("/meetings/{id}/{}", which.path()),
        submit: "Save".into(),
        fields: which.fields(state, &meeting, form).await?,
    };
    Ok(form_page(
        layout(state, visitor, permit, which.heading()),
        def,
        errors,
    ))
}

impl FormFamily for MeetingForm {
    async fn show(
        self,
        state: &AppState,
        visitor: &Visitor,
        permit: &Permit,
        (id, _): (&str, &str),
        posted: &Form,
        errors: ValidationErrors,
    ) -> Result<Response, PageError> {
        meeting_item_form(state, visitor, permit, id, self, posted, errors).await
    }

    async fn save(
        self,
        state: &AppState,
        permit: &Permit,
        (id, _): (&str, &str),
        posted: &Form,
    ) -> Result<Result<(), StoreError>, PageError> {
        self.persist(state, permit, id, posted).await
    }

    fn done(self, (id, _): (&str, &str)) -> Next {
        let notice = match self {
            MeetingForm::Agenda => Notice::AgendaItemAdded,
            MeetingForm::Decision => Notice::DecisionRecorded,
            MeetingForm::Action => Notice::ActionRecorded,
            MeetingForm::Minutes => Notice::MinutesSaved,
            MeetingForm::Apology => Notice::ApologyRecorded,
            MeetingForm::Declaration => Notice::InterestDeclared,
            MeetingForm::Scenario => Notice::ScenarioLinked,
        };
        let anchor = match self {
            MeetingForm::Apology | MeetingForm::Declaration => "opening",
            MeetingForm::Scenario => "agenda",
            other => other.path(),
        };
        Next::to(format!("/meetings/{id}#{anchor}"), notice)
    }
}

form_handlers! {
    new_agenda_item, add_agenda_item => MeetingForm::Agenda, String, id_only;
    new_decision, record_decision => MeetingForm::Decision, String, id_only;
    new_action, set_action => MeetingForm::Action, String, id_only;
    minutes_form, write_minutes => MeetingForm::Minutes, String, id_only;
    apology_form, record_apology => MeetingForm::Apology, String, id_only;
    declaration_form, record_declaration => MeetingForm::Declaration, String, id_only;
    scenario_form, link_scenario => MeetingForm::Scenario, String, id_only;
}

/// `POST /meetings/{id}/minutes/approve-previous`: the meeting approved its board's previous
/// minutes as a true record.
pub async fn approve_previous_minutes(
    Context(state, _visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    match board_packs::approve_previous_minutes(&state.store, &permit.actor, &id).await {
        Ok(()) => Ok(confirmed(Next::to(
            format!("/meetings/{id}#opening"),
            Notice::MinutesApproved,
        ))),
        Err(StoreError::Invalid(errors)) => Err(PageError(crate::error::Problem::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "The previous minutes could not be approved",
            errors
                .0
                .first()
                .map(|e| e.message.clone())
                .unwrap_or_default(),
        ))),
        Err(err) => Err(err.into()),
    }
}

/// `POST /actions/{id}/complete`: back to where the form was.
pub async fn complete_action(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<Form>,
) -> Result<Response, PageError> {
    meetings::complete_action(&state.store, &permit.actor, &id).await?;
    let back = form
        .iter()
        .find(|(k, _)| k == "back")
        .map(|(_, v)| v.as_str())
        .filter(|v| v.starts_with('/') && !v.starts_with("//"))
        .unwrap_or("/my-work");
    Ok(confirmed(Next::to(back, Notice::ActionDone)))
}
