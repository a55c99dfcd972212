//! API for the population picture: the overview, saved cohorts and their published counts, and
//! counting a definition sent in the cohort language. Every count has passed the disclosure rule;
//! the API never returns anyone's identity (worklists are pages for direct care only).

use crate::api::Created;
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::extract::Context;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use concord_app::population::cohorts;
use concord_population::cohort::eval::CohortReport;
use concord_store::population::{self, SavedCohort};
use serde::{Deserialize, Serialize};

/// A definition in the cohort language (TOML).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DefinitionBody {
    /// The definition: `name`, `where`, `breakdowns`, then `[codelists]` and `[variables]`.
    pub definition: String,
}

/// A saved cohort with its published counts.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CohortResults {
    /// The cohort.
    pub cohort: SavedCohort,
    /// Its counts (none before any data are ingested): population, cohort, breakdowns, the index
    /// date, the data's as-of time and the disclosure rule, every count shown or suppressed.
    #[schema(value_type = Object)]
    pub results: Option<CohortReport>,
}

/// The population overview's counts.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PopulationOverview {
    /// The disclosure rule, in words.
    pub disclosure: String,
    /// The registered population by age band and sex, segment and IMD decile (none before data).
    #[schema(value_type = Object)]
    pub registered: Option<CohortReport>,
    /// The over-65s by eFI category, by place and by PCN.
    #[schema(value_type = Object)]
    pub older: Option<CohortReport>,
}

fn no_data() -> ApiError {
    ApiError(Problem::new(
        StatusCode::NOT_FOUND,
        "no-data",
        "No population data",
        "No population data have been ingested yet",
    ))
}

/// The overview: who the system serves.
#[utoipa::path(get, path = "/api/v1/population", tag = "understand", responses((status = 200, body = PopulationOverview)))]
pub async fn overview(State(state): State<AppState>) -> Result<Json<PopulationOverview>, ApiError> {
    let disclosure = state.population.rule().describe();
    let (registered, older) = cohorts::overview(&state.population, &state.store)
        .await?
        .map(|o| (o.registered, o.older))
        .unzip();
    Ok(Json(PopulationOverview {
        disclosure,
        registered,
        older,
    }))
}

/// Every saved cohort.
#[utoipa::path(get, path = "/api/v1/population/cohorts", tag = "understand", responses((status = 200, body = [SavedCohort])))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<SavedCohort>>, ApiError> {
    Ok(Json(population::cohorts(&state.store).await?))
}

/// A saved cohort with its published counts.
#[utoipa::path(get, path = "/api/v1/population/cohorts/{id}", tag = "understand",
    params(("id" = String, Path, description = "The cohort's id")),
    responses((status = 200, body = CohortResults), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CohortResults>, ApiError> {
    let cohort = population::cohort(&state.store, &id).await?;
    let checked = population::check_definition(&cohort.definition)?;
    let results = cohorts::count(&state.population, &state.store, checked).await?;
    Ok(Json(CohortResults { cohort, results }))
}

/// Saves a cohort, owned by the organisation where the caller is an analyst (else partner lead).
/// A bad definition is refused naming its line and column.
#[utoipa::path(post, path = "/api/v1/population/cohorts", tag = "understand", request_body = DefinitionBody,
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    Context(state, _, permit): Context,
    ApiJson(body): ApiJson<DefinitionBody>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let owner = cohorts::owner_for(permit.person()).unwrap_or_default();
    let id = population::save_cohort(&state.store, &permit.actor, None, &owner, &body.definition)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Changes a cohort's definition.
#[utoipa::path(put, path = "/api/v1/population/cohorts/{id}", tag = "understand", request_body = DefinitionBody,
    params(("id" = String, Path, description = "The cohort's id")),
    responses((status = 200, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn update(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DefinitionBody>,
) -> Result<Json<Created>, ApiError> {
    let saved = population::cohort(&state.store, &id).await?;
    population::save_cohort(
        &state.store,
        &permit.actor,
        Some(&id),
        &saved.owner_organisation_id,
        &body.definition,
    )
    .await?;
    Ok(Json(Created { id }))
}

/// Counts a definition without saving it.
#[utoipa::path(post, path = "/api/v1/population/counts", tag = "understand", request_body = DefinitionBody,
    responses((status = 200, body = Object), (status = 422, body = Problem), (status = 404, body = Problem)))]
pub async fn count(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<DefinitionBody>,
) -> Result<Json<CohortReport>, ApiError> {
    let checked = population::check_definition(&body.definition)?;
    let report = cohorts::count(&state.population, &state.store, checked).await?;
    report.map(Json).ok_or_else(no_data)
}
