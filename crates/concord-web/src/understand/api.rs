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
use concord_population::cohort::eval::{CohortReport, PublishedBreakdown};
use concord_population::disclosure::{ProtectedTable, Shown};
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
    pub results: Option<PublishedCounts>,
}

/// The population overview's counts.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PopulationOverview {
    /// The disclosure rule, in words.
    pub disclosure: String,
    /// The registered population by age band and sex, segment and IMD decile (none before data).
    pub registered: Option<PublishedCounts>,
    /// The over-65s by eFI category, by place and by PCN.
    pub older: Option<PublishedCounts>,
}

/// A cohort's counts as the API publishes them: every count through the disclosure rule, with the
/// rule, the index date and the data's as-of time. The API's own shape, converted from the
/// engine's report, so a change in the engine is a compile error here, not a silent API change.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PublishedCounts {
    /// The cohort's name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// The index date the counts are on (YYYY-MM-DD).
    pub index_date: String,
    /// When the newest batch of data read was committed.
    pub data_as_of: Option<String>,
    /// The rules the counts follow, in words: what the index date and each window include, how
    /// age is counted, how deaths in the index month count.
    pub rules: Vec<String>,
    /// The disclosure rule, in words.
    pub disclosure: String,
    /// People in the population.
    pub population: PublishedCount,
    /// People in the cohort.
    pub cohort: PublishedCount,
    /// The cohort broken down.
    pub breakdowns: Vec<PublishedTable>,
}

/// One count as published.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublishedCount {
    /// The count, rounded by the rule.
    Count(u64),
    /// Hidden because it is small: from 1 to the rule's threshold less one ("<10").
    Suppressed {
        /// The rule's threshold: the count is below it.
        below: u64,
    },
    /// Withheld so that the published counts and totals cannot narrow a small one ("x"); it is
    /// not itself small.
    Withheld,
}

/// A breakdown of a cohort, protected as a whole.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PublishedTable {
    /// The variables broken down by.
    pub by: Vec<String>,
    /// Row labels.
    pub rows: Vec<String>,
    /// Column labels.
    pub columns: Vec<String>,
    /// The counts with their margins.
    pub table: PublishedCells,
}

/// A table's counts with its row, column and grand totals.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PublishedCells {
    /// The cells, row by row.
    pub cells: Vec<Vec<PublishedCount>>,
    /// Each row's total.
    pub row_totals: Vec<PublishedCount>,
    /// Each column's total.
    pub column_totals: Vec<PublishedCount>,
    /// The grand total.
    pub total: PublishedCount,
    /// The rule applied, in words.
    pub rule: String,
}

impl From<Shown> for PublishedCount {
    fn from(shown: Shown) -> Self {
        match shown {
            Shown::Count(n) => PublishedCount::Count(n),
            Shown::Suppressed { below } => PublishedCount::Suppressed { below },
            Shown::Withheld => PublishedCount::Withheld,
        }
    }
}

fn counts(row: Vec<Shown>) -> Vec<PublishedCount> {
    row.into_iter().map(PublishedCount::from).collect()
}

impl From<ProtectedTable> for PublishedCells {
    fn from(t: ProtectedTable) -> Self {
        PublishedCells {
            cells: t.cells.into_iter().map(counts).collect(),
            row_totals: counts(t.row_totals),
            column_totals: counts(t.column_totals),
            total: t.total.into(),
            rule: t.rule,
        }
    }
}

impl From<PublishedBreakdown> for PublishedTable {
    fn from(b: PublishedBreakdown) -> Self {
        PublishedTable {
            by: b.by,
            rows: b.rows,
            columns: b.columns,
            table: b.table.into(),
        }
    }
}

impl From<CohortReport> for PublishedCounts {
    fn from(r: CohortReport) -> Self {
        PublishedCounts {
            name: r.name,
            description: r.description,
            index_date: r.index_date,
            data_as_of: r.data_as_of,
            rules: r.rules,
            disclosure: r.disclosure,
            population: r.population.into(),
            cohort: r.cohort.into(),
            breakdowns: r.breakdowns.into_iter().map(Into::into).collect(),
        }
    }
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
        registered: registered.map(Into::into),
        older: older.map(Into::into),
    }))
}

/// Every saved cohort.
#[utoipa::path(get, path = "/api/v1/population/cohorts", operation_id = "list_cohorts", tag = "understand", responses((status = 200, body = [SavedCohort])))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<SavedCohort>>, ApiError> {
    Ok(Json(population::cohorts(&state.store).await?))
}

/// A saved cohort with its published counts.
#[utoipa::path(get, path = "/api/v1/population/cohorts/{id}", operation_id = "get_cohort", tag = "understand",
    params(("id" = String, Path, description = "The cohort's id")),
    responses((status = 200, body = CohortResults), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CohortResults>, ApiError> {
    let cohort = population::cohort(&state.store, &id).await?;
    let checked = population::check_definition(&cohort.definition)?;
    let results = cohorts::count(&state.population, &state.store, checked).await?;
    Ok(Json(CohortResults {
        cohort,
        results: results.map(Into::into),
    }))
}

/// Saves a cohort, owned by the organisation where the caller is an analyst (else partner lead).
/// A bad definition is refused naming its line and column.
#[utoipa::path(post, path = "/api/v1/population/cohorts", operation_id = "create_cohort", tag = "understand", request_body = DefinitionBody,
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
#[utoipa::path(put, path = "/api/v1/population/cohorts/{id}", operation_id = "update_cohort", tag = "understand", request_body = DefinitionBody,
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
    responses((status = 200, body = PublishedCounts), (status = 422, body = Problem), (status = 404, body = Problem)))]
pub async fn count(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<DefinitionBody>,
) -> Result<Json<PublishedCounts>, ApiError> {
    let checked = population::check_definition(&body.definition)?;
    let report = cohorts::count(&state.population, &state.store, checked).await?;
    report.map(|r| Json(r.into())).ok_or_else(no_data)
}
