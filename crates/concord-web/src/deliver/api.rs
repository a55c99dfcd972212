//! API for governing delivery: programmes and everything in them, board meetings, board packs,
//! actions, "my work" and frontline improvement. Confidential items are filtered by the store for
//! the caller, exactly as on the pages.

use crate::api::Created;
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::extract::Context;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use concord_app::deliver::confidentiality_scope;
use concord_domain::improvement::{
    ChangeIdeaDraft, DriverDraft, ImprovementMeasurementDraft, ImprovementProjectDraft, PdsaDraft,
};
use concord_domain::meeting::{
    london_date, ActionDraft, AgendaItemDraft, DecisionDraft, MeetingDraft, MinutesDraft,
};
use concord_domain::programme::{
    BenefitDraft, MeasurementDraft, MilestoneDraft, ProgrammeDraft, ProjectDraft, StatusUpdateDraft,
};
use concord_domain::raid::{
    DependencyDraft, EscalationDraft, EscalationLevel, RaidItemDraft, RiskDraft, RiskReviewDraft,
};
use concord_store::delivery::{self, Benefit, Milestone};
use concord_store::improvement::{
    self, ChangeIdea, Driver, ImprovementProject, MeasureReading, PdsaCycle,
};
use concord_store::meetings::{self, ActionItem, AgendaItem, BoardDecision, Meeting};
use concord_store::programmes::{self, HistoryEntry, Partner, Programme, Project, ServedObjective};
use concord_store::raid::{self, Dependency, RaidItem, RaidTable, Risk};
use concord_store::reports::{self, BoardPack, HighlightReport};
use serde::{Deserialize, Serialize};

type Done = Result<(StatusCode, Json<Created>), ApiError>;

fn created(id: String) -> Done {
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Every programme, by name.
#[utoipa::path(get, path = "/api/v1/programmes", tag = "deliver", responses((status = 200, body = [Programme])))]
pub async fn list_programmes(
    State(state): State<AppState>,
) -> Result<Json<Vec<Programme>>, ApiError> {
    Ok(Json(programmes::list(&state.store).await?))
}

/// Starts a programme led by organisation `{id}`.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/programmes", tag = "deliver", params(("id" = String, Path, description = "Lead organisation id")),
    request_body = ProgrammeDraft, responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create_programme(
    Context(state, _, permit): Context,
    Path(org): Path<String>,
    ApiJson(mut draft): ApiJson<ProgrammeDraft>,
) -> Done {
    draft.lead_organisation_id = org;
    created(programmes::create(&state.store, &permit.actor, &draft).await?)
}

/// A programme with everything in it that the caller may read.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProgrammeDetail {
    /// The programme.
    pub programme: Programme,
    /// The objectives it serves.
    pub objectives: Vec<ServedObjective>,
    /// Its partners besides the lead.
    pub partners: Vec<Partner>,
    /// Status reports and changes, oldest first.
    pub history: Vec<HistoryEntry>,
    /// Its projects.
    pub projects: Vec<Project>,
    /// Its milestones.
    pub milestones: Vec<Milestone>,
    /// Its risks.
    pub risks: Vec<Risk>,
    /// Its assumptions and issues.
    pub raid_items: Vec<RaidItem>,
    /// Dependencies to and from it.
    pub dependencies: Vec<Dependency>,
    /// Its benefits.
    pub benefits: Vec<Benefit>,
    /// Board decisions about it.
    pub decisions: Vec<BoardDecision>,
    /// How many confidential decisions were withheld.
    pub withheld_decisions: usize,
    /// Actions on it.
    pub actions: Vec<ActionItem>,
}

/// One programme in full.
#[utoipa::path(get, path = "/api/v1/programmes/{id}", tag = "deliver", params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, body = ProgrammeDetail), (status = 404, body = Problem)))]
pub async fn get_programme(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Json<ProgrammeDetail>, ApiError> {
    let store = &state.store;
    let viewer = confidentiality_scope(&state.store, permit.principal.as_ref()).await?;
    let programme = programmes::get(store, &id).await?;
    let decisions = meetings::decisions_of_programme(store, &viewer, &id).await?;
    Ok(Json(ProgrammeDetail {
        objectives: programmes::objectives_of(store, &id).await?,
        partners: programmes::partners_of(store, &id).await?,
        history: programmes::history(store, &id).await?,
        projects: programmes::projects(store, &id).await?,
        milestones: delivery::milestones_of(store, &id).await?,
        risks: raid::risks_of(store, &viewer, &id).await?,
        raid_items: raid::items_of(store, &id).await?,
        dependencies: raid::dependencies(store, Some(&id)).await?,
        benefits: delivery::benefits_of(store, &id).await?,
        decisions: decisions.items,
        withheld_decisions: decisions.withheld,
        actions: meetings::actions_of_programme(store, &id, chrono::Utc::now()).await?,
        programme,
    }))
}

/// Changes a programme's details (its SRO or manager, the lead partner's lead, administrators).
#[utoipa::path(put, path = "/api/v1/programmes/{id}", tag = "deliver", params(("id" = String, Path, description = "Programme id")),
    request_body = ProgrammeDraft, responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn update_programme(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<ProgrammeDraft>,
) -> Result<StatusCode, ApiError> {
    programmes::update(&state.store, &permit.actor, &id, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a status report.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/reports", tag = "deliver", params(("id" = String, Path, description = "Programme id")),
    request_body = StatusUpdateDraft, responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn report_status(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<StatusUpdateDraft>,
) -> Result<StatusCode, ApiError> {
    programmes::report_status(&state.store, &permit.actor, &id, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a project.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/projects", tag = "deliver", params(("id" = String, Path, description = "Programme id")),
    request_body = ProjectDraft, responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn add_project(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<ProjectDraft>,
) -> Done {
    created(programmes::save_project(&state.store, &permit.actor, &id, None, &draft).await?)
}

/// Changes a project (its status and RAG included).
#[utoipa::path(put, path = "/api/v1/programmes/{id}/projects/{item_id}", tag = "deliver",
    params(("id" = String, Path, description = "Programme id"), ("item_id" = String, Path, description = "Project id")),
    request_body = ProjectDraft, responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_project(
    Context(state, _, permit): Context,
    Path((id, item)): Path<(String, String)>,
    ApiJson(draft): ApiJson<ProjectDraft>,
) -> Result<StatusCode, ApiError> {
    programmes::save_project(&state.store, &permit.actor, &id, Some(&item), &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a milestone.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/milestones", tag = "deliver", params(("id" = String, Path, description = "Programme id")),
    request_body = MilestoneDraft, responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn add_milestone(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<MilestoneDraft>,
) -> Done {
    created(delivery::save_milestone(&state.store, &permit.actor, &id, None, &draft).await?)
}

/// Moves a milestone's forecast or records it done (its baseline never moves).
#[utoipa::path(put, path = "/api/v1/programmes/{id}/milestones/{item_id}", tag = "deliver",
    params(("id" = String, Path, description = "Programme id"), ("item_id" = String, Path, description = "Milestone id")),
    request_body = MilestoneDraft, responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_milestone(
    Context(state, _, permit): Context,
    Path((id, item)): Path<(String, String)>,
    ApiJson(draft): ApiJson<MilestoneDraft>,
) -> Result<StatusCode, ApiError> {
    delivery::save_milestone(&state.store, &permit.actor, &id, Some(&item), &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a benefit.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/benefits", tag = "deliver", params(("id" = String, Path, description = "Programme id")),
    request_body = BenefitDraft, responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn add_benefit(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<BenefitDraft>,
) -> Done {
    created(delivery::add_benefit(&state.store, &permit.actor, &id, &draft).await?)
}

/// Records (or corrects) a benefit's reading for a date.
#[utoipa::path(put, path = "/api/v1/programmes/{id}/benefits/{item_id}/readings", tag = "deliver",
    params(("id" = String, Path, description = "Programme id"), ("item_id" = String, Path, description = "Benefit id")),
    request_body = MeasurementDraft, responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn record_reading(
    Context(state, _, permit): Context,
    Path((id, item)): Path<(String, String)>,
    ApiJson(draft): ApiJson<MeasurementDraft>,
) -> Result<StatusCode, ApiError> {
    delivery::record_reading(&state.store, &permit.actor, &id, &item, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Raises a risk.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/risks", tag = "deliver", params(("id" = String, Path, description = "Programme id")),
    request_body = RiskDraft, responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn raise_risk(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<RiskDraft>,
) -> Done {
    created(raid::raise_risk(&state.store, &permit.actor, &id, &draft, None).await?)
}

/// Reviews a risk's score.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/risks/{item_id}/reviews", tag = "deliver",
    params(("id" = String, Path, description = "Programme id"), ("item_id" = String, Path, description = "Risk id")),
    request_body = RiskReviewDraft, responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn review_risk(
    Context(state, _, permit): Context,
    Path((id, item)): Path<(String, String)>,
    ApiJson(draft): ApiJson<RiskReviewDraft>,
) -> Result<StatusCode, ApiError> {
    let viewer = confidentiality_scope(&state.store, permit.principal.as_ref()).await?;
    raid::review_risk(&state.store, &permit.actor, &viewer, &id, &item, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The level an item was escalated to.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Escalated {
    /// The new level.
    pub level: EscalationLevel,
}

/// Escalates a risk one level.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/risks/{item_id}/escalation", tag = "deliver",
    params(("id" = String, Path, description = "Programme id"), ("item_id" = String, Path, description = "Risk id")),
    request_body = EscalationDraft, responses((status = 200, body = Escalated), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn escalate_risk(
    Context(state, _, permit): Context,
    Path((id, item)): Path<(String, String)>,
    ApiJson(draft): ApiJson<EscalationDraft>,
) -> Result<Json<Escalated>, ApiError> {
    let level = raid::escalate(
        &state.store,
        &permit.actor,
        RaidTable::Risk,
        &id,
        &item,
        &draft,
    )
    .await?;
    Ok(Json(Escalated { level }))
}

/// Records an assumption or issue.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/raid", tag = "deliver", params(("id" = String, Path, description = "Programme id")),
    request_body = RaidItemDraft, responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn add_raid_item(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<RaidItemDraft>,
) -> Done {
    created(raid::add_item(&state.store, &permit.actor, &id, &draft).await?)
}

/// Records a dependency on another programme.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/dependencies", tag = "deliver", params(("id" = String, Path, description = "Programme id")),
    request_body = DependencyDraft, responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn add_dependency(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<DependencyDraft>,
) -> Done {
    created(raid::add_dependency(&state.store, &permit.actor, &id, &draft).await?)
}

/// Every open dependency between programmes.
#[utoipa::path(get, path = "/api/v1/dependencies", tag = "deliver", responses((status = 200, body = [Dependency])))]
pub async fn list_dependencies(
    State(state): State<AppState>,
) -> Result<Json<Vec<Dependency>>, ApiError> {
    Ok(Json(raid::dependencies(&state.store, None).await?))
}

/// A programme's highlight report, generated from live data.
#[utoipa::path(get, path = "/api/v1/programmes/{id}/highlight", tag = "deliver", params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, body = HighlightReport), (status = 404, body = Problem)))]
pub async fn highlight(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Json<HighlightReport>, ApiError> {
    let viewer = confidentiality_scope(&state.store, permit.principal.as_ref()).await?;
    let programme = programmes::get(&state.store, &id).await?;
    Ok(Json(
        reports::highlight(&state.store, &viewer, programme, &[], chrono::Utc::now()).await?,
    ))
}

/// A board's meetings, latest first.
#[utoipa::path(get, path = "/api/v1/boards/{id}/meetings", tag = "deliver", params(("id" = String, Path, description = "Board id")),
    responses((status = 200, body = [Meeting])))]
pub async fn list_meetings(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<Meeting>>, ApiError> {
    concord_store::boards::get(&state.store, &id).await?;
    Ok(Json(meetings::meetings_of(&state.store, &id).await?))
}

/// Schedules a meeting of board `{id}`.
#[utoipa::path(post, path = "/api/v1/boards/{id}/meetings", tag = "deliver", params(("id" = String, Path, description = "Board id")),
    request_body = MeetingDraft, responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn schedule_meeting(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<MeetingDraft>,
) -> Done {
    created(meetings::schedule(&state.store, &permit.actor, &id, &draft).await?)
}

/// A meeting with its agenda, decisions and actions, as the caller may read them.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MeetingDetail {
    /// The meeting.
    pub meeting: Meeting,
    /// Its agenda.
    pub agenda: Vec<AgendaItem>,
    /// Decisions made at it.
    pub decisions: Vec<BoardDecision>,
    /// Actions set at it.
    pub actions: Vec<ActionItem>,
    /// How many confidential items were withheld.
    pub withheld: usize,
}

/// One meeting.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "deliver", params(("id" = String, Path, description = "Meeting id")),
    responses((status = 200, body = MeetingDetail), (status = 404, body = Problem)))]
pub async fn get_meeting(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Json<MeetingDetail>, ApiError> {
    let viewer = confidentiality_scope(&state.store, permit.principal.as_ref()).await?;
    let meeting = meetings::get(&state.store, &id).await?;
    let agenda = meetings::agenda(&state.store, &viewer, &meeting).await?;
    let decisions = meetings::decisions_of_meeting(&state.store, &viewer, &id).await?;
    Ok(Json(MeetingDetail {
        withheld: agenda.withheld + decisions.withheld,
        agenda: agenda.items,
        decisions: decisions.items,
        actions: meetings::actions_of_meeting(&state.store, &id, chrono::Utc::now()).await?,
        meeting,
    }))
}

/// The board pack for a meeting, generated from live data, as the caller may read it.
#[utoipa::path(get, path = "/api/v1/meetings/{id}/pack", tag = "deliver", params(("id" = String, Path, description = "Meeting id")),
    responses((status = 200, body = BoardPack), (status = 404, body = Problem)))]
pub async fn board_pack(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Json<BoardPack>, ApiError> {
    let viewer = confidentiality_scope(&state.store, permit.principal.as_ref()).await?;
    Ok(Json(
        reports::board_pack(&state.store, &viewer, &id, chrono::Utc::now()).await?,
    ))
}

/// Adds an item to a meeting's agenda.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/agenda", tag = "deliver", params(("id" = String, Path, description = "Meeting id")),
    request_body = AgendaItemDraft, responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn add_agenda_item(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<AgendaItemDraft>,
) -> Done {
    created(meetings::add_agenda_item(&state.store, &permit.actor, &id, &draft).await?)
}

/// Writes a meeting's minutes.
#[utoipa::path(put, path = "/api/v1/meetings/{id}/minutes", tag = "deliver", params(("id" = String, Path, description = "Meeting id")),
    request_body = MinutesDraft, responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn write_minutes(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<MinutesDraft>,
) -> Result<StatusCode, ApiError> {
    meetings::write_minutes(&state.store, &permit.actor, &id, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a decision (the board's voting members only).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/decisions", tag = "deliver", params(("id" = String, Path, description = "Meeting id")),
    request_body = DecisionDraft, responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn record_decision(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<DecisionDraft>,
) -> Done {
    created(meetings::record_decision(&state.store, &permit.actor, &id, &draft).await?)
}

/// Sets an action at a meeting (the board's voting members only).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/actions", tag = "deliver", params(("id" = String, Path, description = "Meeting id")),
    request_body = ActionDraft, responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn set_action(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<ActionDraft>,
) -> Done {
    created(meetings::set_action(&state.store, &permit.actor, Some(&id), &draft).await?)
}

/// Marks an action done (its owner, or a voting member of the board that set it).
#[utoipa::path(post, path = "/api/v1/actions/{id}/complete", tag = "deliver", params(("id" = String, Path, description = "Action id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn complete_action(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    meetings::complete_action(&state.store, &permit.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's own work across organisations: responses their organisation owes, status
/// reports due, late milestones, actions, risks, improvement cycles, worklists, the programmes
/// they lead and their boards' coming meetings (the home page's content).
#[utoipa::path(get, path = "/api/v1/me/work", tag = "deliver", responses((status = 200, body = concord_app::work::Work)))]
pub async fn my_work(
    Context(state, _, permit): Context,
) -> Result<Json<concord_app::work::Work>, ApiError> {
    Ok(Json(
        concord_app::work::of(&state.store, permit.person(), chrono::Utc::now()).await?,
    ))
}

/// Every improvement project.
#[utoipa::path(get, path = "/api/v1/improvement", tag = "deliver", responses((status = 200, body = [ImprovementProject])))]
pub async fn list_improvement(
    State(state): State<AppState>,
) -> Result<Json<Vec<ImprovementProject>>, ApiError> {
    Ok(Json(improvement::list(&state.store, None).await?))
}

/// Starts an improvement project for a team of organisation `{id}`.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/improvement", tag = "deliver", params(("id" = String, Path, description = "Organisation id")),
    request_body = ImprovementProjectDraft, responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create_improvement(
    Context(state, _, permit): Context,
    Path(org): Path<String>,
    ApiJson(draft): ApiJson<ImprovementProjectDraft>,
) -> Done {
    created(improvement::create(&state.store, &permit.actor, &org, &draft).await?)
}

/// An improvement project with its diagram, cycles, readings and run chart.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ImprovementDetail {
    /// The project.
    pub project: ImprovementProject,
    /// The drivers.
    pub drivers: Vec<Driver>,
    /// The change ideas.
    pub change_ideas: Vec<ChangeIdea>,
    /// The PDSA cycles.
    pub cycles: Vec<PdsaCycle>,
    /// The measure's readings.
    pub readings: Vec<MeasureReading>,
    /// The run chart analysis (median, runs, signals), when there are at least two readings.
    #[schema(value_type = Object)]
    pub run_chart: Option<serde_json::Value>,
    /// The source of the run chart rules.
    pub rules_source: &'static str,
}

/// One improvement project.
#[utoipa::path(get, path = "/api/v1/improvement/{id}", tag = "deliver", params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = ImprovementDetail), (status = 404, body = Problem)))]
pub async fn get_improvement(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ImprovementDetail>, ApiError> {
    let store = &state.store;
    let project = improvement::get(store, &id).await?;
    let (drivers, change_ideas) = improvement::diagram(store, &id).await?;
    let readings = improvement::readings(store, &id).await?;
    let values: Vec<f64> = readings.iter().map(|r| r.value).collect();
    let run_chart = (values.len() >= 2)
        .then(|| concord_measure::run_chart::analyse(&values, &Default::default()).ok())
        .flatten()
        .and_then(|c| serde_json::to_value(c).ok());
    Ok(Json(ImprovementDetail {
        cycles: improvement::cycles(store, &id, london_date(chrono::Utc::now())).await?,
        project,
        drivers,
        change_ideas,
        readings,
        run_chart,
        rules_source: concord_measure::run_chart::RULES_SOURCE,
    }))
}

/// Adds a driver.
#[utoipa::path(post, path = "/api/v1/improvement/{id}/drivers", tag = "deliver", params(("id" = String, Path, description = "Project id")),
    request_body = DriverDraft, responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn add_driver(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<DriverDraft>,
) -> Done {
    created(improvement::add_driver(&state.store, &permit.actor, &id, &draft).await?)
}

/// Adds a change idea.
#[utoipa::path(post, path = "/api/v1/improvement/{id}/ideas", tag = "deliver", params(("id" = String, Path, description = "Project id")),
    request_body = ChangeIdeaDraft, responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn add_idea(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<ChangeIdeaDraft>,
) -> Done {
    created(improvement::add_change_idea(&state.store, &permit.actor, &id, &draft).await?)
}

/// Starts a PDSA cycle (the caller runs it).
#[utoipa::path(post, path = "/api/v1/improvement/{id}/cycles", tag = "deliver", params(("id" = String, Path, description = "Project id")),
    request_body = PdsaDraft, responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn start_cycle(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<PdsaDraft>,
) -> Done {
    created(improvement::save_cycle(&state.store, &permit.actor, &id, None, &draft).await?)
}

/// Records a cycle's progress: do, study, act.
#[utoipa::path(put, path = "/api/v1/improvement/{id}/cycles/{item_id}", tag = "deliver",
    params(("id" = String, Path, description = "Project id"), ("item_id" = String, Path, description = "Cycle id")),
    request_body = PdsaDraft, responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_cycle(
    Context(state, _, permit): Context,
    Path((id, item)): Path<(String, String)>,
    ApiJson(draft): ApiJson<PdsaDraft>,
) -> Result<StatusCode, ApiError> {
    improvement::save_cycle(&state.store, &permit.actor, &id, Some(&item), &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Readings of a project's measure, loaded all or none.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Readings {
    /// The readings.
    #[schema(required)]
    pub readings: Vec<ImprovementMeasurementDraft>,
}

/// Records readings of the project's measure (all or none; a date already recorded is corrected).
#[utoipa::path(post, path = "/api/v1/improvement/{id}/readings", tag = "deliver", params(("id" = String, Path, description = "Project id")),
    request_body = Readings, responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn add_readings(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Readings>,
) -> Result<StatusCode, ApiError> {
    improvement::record_readings(&state.store, &permit.actor, &id, &body.readings).await?;
    Ok(StatusCode::NO_CONTENT)
}
