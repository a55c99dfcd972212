//! Design's API: scenarios (read, save, change), asking for a run, and a run's progress and
//! results, in the same shape as `concord sim run --format json` (or `sim compare`).

use crate::api::Created;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, Context};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use concord_app::design as use_case;
use concord_domain::design::{RunStatus, ScenarioDraft};
use concord_store::design::{self, Scenario};
use serde::Serialize;

/// A parameter of a scenario's model with its source.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ParameterOut {
    /// Its path, as the model's `[sources]` table names it.
    pub path: String,
    /// Its value, in words.
    pub value: String,
    /// Where it comes from (null: the model does not say).
    pub source: Option<String>,
}

/// A scenario with its parameters.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ScenarioOut {
    /// The scenario.
    pub scenario: Scenario,
    /// Its model's parameters and their sources (empty when the model cannot be read).
    pub parameters: Vec<ParameterOut>,
    /// Why the model cannot be read, if it cannot.
    pub model_error: Option<String>,
}

/// A run: where it is, and its results once finished.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RunOut {
    /// Its id.
    pub id: String,
    /// The scenario.
    pub scenario_id: String,
    /// The base it was compared with.
    pub base_scenario_id: Option<String>,
    /// Where it is.
    pub status: RunStatus,
    /// Replications done.
    pub done: i64,
    /// Replications in all.
    pub total: i64,
    /// Who asked for it.
    pub requested_by: String,
    /// When (RFC 3339, UTC).
    pub requested_at: String,
    /// When it ended.
    pub finished_at: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// The results: `{ "kind": "run", "result": ..., "seconds": ... }` with the engine's results
    /// (replications, seed, time_unit, run_report, events, nodes, system, partners), or
    /// `{ "kind": "comparison", "comparison": ... }` with the base, the scenario and paired
    /// differences and the partner ledger.
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
}

/// Every scenario, most recently changed first.
#[utoipa::path(get, path = "/api/v1/design/scenarios", operation_id = "list_scenarios", tag = "design", responses((status = 200, body = [Scenario])))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<Scenario>>, ApiError> {
    Ok(Json(design::list(&state.store).await?))
}

/// A scenario with its parameters and their sources.
#[utoipa::path(get, path = "/api/v1/design/scenarios/{id}", operation_id = "get_scenario", tag = "design",
    params(("id" = String, Path, description = "The scenario's id")),
    responses((status = 200, body = ScenarioOut), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ScenarioOut>, ApiError> {
    let scenario = design::get(&state.store, &id).await?;
    let (parameters, model_error) = match use_case::check_model("model", &scenario.model) {
        Ok(model) => (
            model
                .parameters()
                .into_iter()
                .map(|p| ParameterOut {
                    path: p.path,
                    value: p.value,
                    source: p.source,
                })
                .collect(),
            None,
        ),
        Err(errors) => (Vec::new(), errors.0.first().map(|e| e.message.clone())),
    };
    Ok(Json(ScenarioOut {
        scenario,
        parameters,
        model_error,
    }))
}

/// Saves a new scenario. A model that cannot be read is refused naming its line and column.
#[utoipa::path(post, path = "/api/v1/design/scenarios", operation_id = "create_scenario", tag = "design", request_body = ScenarioDraft,
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    Context(state, _, permit): Context,
    ApiJson(draft): ApiJson<ScenarioDraft>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = use_case::create(&state.store, permit.person(), &permit.actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Changes a scenario.
#[utoipa::path(put, path = "/api/v1/design/scenarios/{id}", operation_id = "update_scenario", tag = "design", request_body = ScenarioDraft,
    params(("id" = String, Path, description = "The scenario's id")),
    responses((status = 200, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn update(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<ScenarioDraft>,
) -> Result<Json<Created>, ApiError> {
    use_case::update(&state.store, permit.person(), &permit.actor, &id, &draft).await?;
    Ok(Json(Created { id }))
}

/// Asks for a run of a scenario (compared with its base, if it has one); it runs in the
/// background. Refused when the caller already has three runs waiting or running, or the run
/// would be too big.
#[utoipa::path(post, path = "/api/v1/design/scenarios/{id}/runs", tag = "design",
    params(("id" = String, Path, description = "The scenario's id")),
    responses((status = 202, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn request_run(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let scenario = design::get(&state.store, &id).await?;
    let person = permit.person().person_id.clone();
    let run = use_case::request_run(&state.store, &permit.actor, &person, &scenario).await?;
    Ok((StatusCode::ACCEPTED, Json(Created { id: run })))
}

/// A run's progress, and its results once finished.
#[utoipa::path(get, path = "/api/v1/design/runs/{id}", tag = "design",
    params(("id" = String, Path, description = "The run's id")),
    responses((status = 200, body = RunOut), (status = 404, body = Problem)))]
pub async fn run(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<RunOut>, ApiError> {
    let run = design::get_run(&state.store, &id).await?;
    let result = match &run.result {
        Some(text) => Some(serde_json::from_str(text).map_err(|e| {
            ApiError(Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "stored-result",
                "The stored results could not be read",
                e.to_string(),
            ))
        })?),
        None => None,
    };
    Ok(Json(RunOut {
        id: run.id,
        scenario_id: run.scenario_id,
        base_scenario_id: run.base_scenario_id,
        status: run.status,
        done: run.done,
        total: run.total,
        requested_by: run.requested_by,
        requested_at: run.requested_at,
        finished_at: run.finished_at,
        error: run.error,
        result,
    }))
}

/// Which scenario to show with which agenda item.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ScenarioLink {
    /// An item on the meeting's agenda.
    pub agenda_item_id: String,
    /// The scenario.
    pub scenario_id: String,
}

/// Shows a scenario with an item of a meeting's agenda, so its board pack carries the scenario's
/// latest headline figures.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/scenarios", tag = "design", request_body = ScenarioLink,
    params(("id" = String, Path, description = "Meeting id")),
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn link_to_agenda_item(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(link): ApiJson<ScenarioLink>,
) -> Result<StatusCode, ApiError> {
    design::link_agenda_item(
        &state.store,
        &permit.actor,
        &id,
        link.agenda_item_id.trim(),
        link.scenario_id.trim(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
