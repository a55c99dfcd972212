//! API for measuring: the metric catalogue, series with their SPC charts (the same JSON as
//! `concord spc`), loading values, rebasing; and system finance: years and their rule sets, the
//! system's position, each body's months, pooled budgets and loading returns.

use crate::api::Created;
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::extract::Context;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use concord_app::finance::as_at_index;
use concord_app::finance::Overview;
use concord_app::measure::check_metric_owner;
use concord_app::measure::series_chart as chart;
use concord_app::ActFor;
use concord_domain::finance::{FinancialYearDraft, PooledBudgetDraft};
use concord_domain::metric::MetricDraft;
use concord_measure::finance::{self as arithmetic, Position, RevenueMonth};
use concord_measure::spc::{Assurance, VariationIcon, XmrChart};
use concord_store::finance::{self, PooledBudget, Year};
use concord_store::finance_load::{self, Dataset, FinanceLoadSummary, FinanceRow};
use concord_store::metric_load::{self, LoadSummary, ValueRow};
use concord_store::metrics::{self, Metric, Rebase, Series, SeriesValue};
use concord_store::StoreError;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

type Done = Result<(StatusCode, Json<Created>), ApiError>;

/// The whole catalogue, by category then name.
#[utoipa::path(get, path = "/api/v1/metrics", tag = "measure", responses((status = 200, body = [Metric])))]
pub async fn list_metrics(State(state): State<AppState>) -> Result<Json<Vec<Metric>>, ApiError> {
    Ok(Json(metrics::list(&state.store).await?))
}

/// Adds a metric owned by an organisation where the caller is an analyst or partner lead.
#[utoipa::path(post, path = "/api/v1/metrics", tag = "measure", request_body = MetricDraft,
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create_metric(
    Context(state, _, permit): Context,
    ApiJson(draft): ApiJson<MetricDraft>,
) -> Done {
    check_metric_owner(permit.principal.as_ref(), &draft.owner_organisation_id)?;
    let id = metrics::create(&state.store, &permit.actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A series with its latest icons.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SeriesSummary {
    /// The series.
    pub series: Series,
    /// The variation icon of its SPC chart (none with fewer than two values).
    #[schema(value_type = Option<String>)]
    pub variation_icon: Option<VariationIcon>,
    /// The assurance icon (none without a target).
    #[schema(value_type = Option<String>)]
    pub assurance: Option<Assurance>,
}

/// A metric and its series.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MetricDetail {
    /// The metric.
    pub metric: Metric,
    /// Its series, the system first, then places, then organisations.
    pub series: Vec<SeriesSummary>,
}

async fn summaries(
    state: &AppState,
    metric: &Metric,
    series: Vec<Series>,
) -> Result<Vec<SeriesSummary>, StoreError> {
    let mut out = Vec::new();
    for s in series {
        let values = metrics::values(&state.store, &s.id).await?;
        let rebases = metrics::rebases(&state.store, &s.id).await?;
        let xmr = chart(metric, &values, &rebases);
        out.push(SeriesSummary {
            series: s,
            variation_icon: xmr.as_ref().map(|c| c.variation_icon),
            assurance: xmr.as_ref().and_then(|c| c.assurance),
        });
    }
    Ok(out)
}

/// A metric (by id or code) with every series' icons.
#[utoipa::path(get, path = "/api/v1/metrics/{id}", tag = "measure", params(("id" = String, Path, description = "Metric id or code")),
    responses((status = 200, body = MetricDetail), (status = 404, body = Problem)))]
pub async fn get_metric(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<MetricDetail>, ApiError> {
    let metric = metrics::get(&state.store, &id).await?;
    let series = metrics::series(&state.store, Some(&metric.id)).await?;
    let series = summaries(&state, &metric, series).await?;
    Ok(Json(MetricDetail { metric, series }))
}

/// Changes a metric.
#[utoipa::path(put, path = "/api/v1/metrics/{id}", tag = "measure", params(("id" = String, Path, description = "Metric id")),
    request_body = MetricDraft, responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn update_metric(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<MetricDraft>,
) -> Result<StatusCode, ApiError> {
    check_metric_owner(permit.principal.as_ref(), &draft.owner_organisation_id)?;
    let metric = metrics::get(&state.store, &id).await?;
    metrics::update(&state.store, &permit.actor, &metric.id, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One series: its values, rebases, and SPC chart under the default profile.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SeriesChart {
    /// The metric.
    pub metric: Metric,
    /// The series.
    pub series: Series,
    /// Its values, oldest first.
    pub values: Vec<SeriesValue>,
    /// Where it was rebased.
    pub rebases: Vec<Rebase>,
    /// The chart, as `concord spc --format json` gives it (none with fewer than two values).
    #[schema(value_type = Option<Object>)]
    pub chart: Option<XmrChart>,
}

/// A series with its SPC chart.
#[utoipa::path(get, path = "/api/v1/series/{id}", tag = "measure", params(("id" = String, Path, description = "Series id")),
    responses((status = 200, body = SeriesChart), (status = 404, body = Problem)))]
pub async fn get_series(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<SeriesChart>, ApiError> {
    let series = metrics::get_series(&state.store, &id).await?;
    let metric = metrics::get(&state.store, &series.metric_id).await?;
    let values = metrics::values(&state.store, &id).await?;
    let rebases = metrics::rebases(&state.store, &id).await?;
    let chart = chart(&metric, &values, &rebases);
    Ok(Json(SeriesChart {
        metric,
        series,
        values,
        rebases,
        chart,
    }))
}

/// A batch of values.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ValueBatch {
    /// The values; each names its metric and (for an organisation's or place's series) its scope.
    #[schema(required)]
    pub values: Vec<ValueRow>,
}

/// Loads values (all or nothing; problems name `values[i]` and the field).
#[utoipa::path(post, path = "/api/v1/metric-values", tag = "measure", request_body = ValueBatch,
    responses((status = 200, body = LoadSummary), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn load_values(
    Context(state, _, permit): Context,
    ApiJson(mut batch): ApiJson<ValueBatch>,
) -> Result<Json<LoadSummary>, ApiError> {
    for (i, row) in batch.values.iter_mut().enumerate() {
        row.at = format!("values[{i}]");
    }
    let principal = permit.principal.clone();
    let may_load = move |organisation_id: &str| {
        concord_app::may_act_for(principal.as_ref(), ActFor::LoadMetricData, organisation_id)
    };
    let summary = metric_load::load(
        &state.store,
        &permit.actor,
        &batch.values,
        "API",
        "values",
        &may_load,
    )
    .await?;
    Ok(Json(summary))
}

/// A rebase: the first period of the new process, and what changed.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RebaseDraft {
    /// The first period of the new process (one of the series' periods).
    #[schema(required)]
    pub starts_on: String,
    /// What changed in the process.
    #[schema(required)]
    pub reason: String,
}

/// Rebases a series at one of its periods.
#[utoipa::path(post, path = "/api/v1/series/{id}/rebases", tag = "measure", params(("id" = String, Path, description = "Series id")),
    request_body = RebaseDraft, responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn add_rebase(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<RebaseDraft>,
) -> Result<StatusCode, ApiError> {
    metrics::add_rebase(
        &state.store,
        &permit.actor,
        &id,
        &draft.starts_on,
        &draft.reason,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a rebase.
#[utoipa::path(delete, path = "/api/v1/series/{id}/rebases/{starts_on}", tag = "measure",
    params(("id" = String, Path, description = "Series id"), ("starts_on" = String, Path, description = "The rebase's first period")),
    responses((status = 204), (status = 404, body = Problem), (status = 403, body = Problem)))]
pub async fn remove_rebase(
    Context(state, _, permit): Context,
    Path((id, starts_on)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    metrics::remove_rebase(&state.store, &permit.actor, &id, &starts_on).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every financial year, newest first.
#[utoipa::path(get, path = "/api/v1/finance/years", tag = "measure", responses((status = 200, body = [Year])))]
pub async fn list_years(State(state): State<AppState>) -> Result<Json<Vec<Year>>, ApiError> {
    Ok(Json(finance::years(&state.store).await?))
}

/// Sets up a financial year, or changes its rule set (administrators).
#[utoipa::path(put, path = "/api/v1/finance/years", tag = "measure", request_body = FinancialYearDraft,
    responses((status = 200, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn save_year(
    Context(state, _, permit): Context,
    ApiJson(draft): ApiJson<FinancialYearDraft>,
) -> Result<Json<Created>, ApiError> {
    let id = finance::save_year(&state.store, &permit.actor, &draft).await?;
    Ok(Json(Created { id }))
}

/// The month to take a position at.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AsAtQuery {
    /// `YYYY-MM`; by default the latest month reported.
    pub as_at: Option<String>,
}

/// The system's position for a year: each body, the system judged by the year's rule set, pooled
/// budgets and efficiency plans. Money is exact decimal strings.
#[utoipa::path(get, path = "/api/v1/finance/years/{id}", tag = "measure", params(("id" = String, Path, description = "Year, for example 2026-27"), AsAtQuery),
    responses((status = 200, body = Overview), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn year_overview(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<AsAtQuery>,
) -> Result<Json<Overview>, ApiError> {
    let year = finance::year(&state.store, &id).await?;
    let as_at = as_at_index(&year, query.as_at.as_deref().unwrap_or_default())?;
    Ok(Json(
        concord_app::finance::overview(&state.store, &year, as_at).await?,
    ))
}

/// One month of a body's figures.
#[derive(Serialize, utoipa::ToSchema)]
pub struct BodyMonth {
    /// The first day of the month.
    pub month: String,
    /// Planned income.
    #[schema(value_type = String)]
    pub plan_income: concord_domain::finance::Money,
    /// Planned expenditure.
    #[schema(value_type = String)]
    pub plan_expenditure: concord_domain::finance::Money,
    /// Actual income, once reported.
    #[schema(value_type = Option<String>)]
    pub actual_income: Option<concord_domain::finance::Money>,
    /// Actual expenditure, once reported.
    #[schema(value_type = Option<String>)]
    pub actual_expenditure: Option<concord_domain::finance::Money>,
    /// The forecast outturn reported this month.
    #[schema(value_type = Option<String>)]
    pub forecast_outturn: Option<concord_domain::finance::Money>,
    /// Why the month differs from plan.
    pub variance_reason: String,
}

/// A body's year: its months and its position.
#[derive(Serialize, utoipa::ToSchema)]
pub struct BodyYear {
    /// Its months.
    pub months: Vec<BodyMonth>,
    /// Its position at the latest month reported.
    #[schema(value_type = Object)]
    pub position: Position,
}

/// One body's months of a year, and its position.
#[utoipa::path(get, path = "/api/v1/finance/years/{id}/organisations/{organisation_id}", tag = "measure",
    params(("id" = String, Path, description = "Year, for example 2026-27"), ("organisation_id" = String, Path, description = "Organisation id")),
    responses((status = 200, body = BodyYear), (status = 404, body = Problem)))]
pub async fn body_year(
    State(state): State<AppState>,
    Path((id, organisation_id)): Path<(String, String)>,
) -> Result<Json<BodyYear>, ApiError> {
    let year = finance::year(&state.store, &id).await?;
    let months = finance::body_months(&state.store, year.year(), &organisation_id).await?;
    let figures: Vec<RevenueMonth> = months.iter().map(|m| m.figures.clone()).collect();
    let as_at = arithmetic::latest_reported_month(&figures).unwrap_or(0);
    Ok(Json(BodyYear {
        position: arithmetic::position(&figures, as_at),
        months: months
            .into_iter()
            .map(|m| BodyMonth {
                month: m.month.to_string(),
                plan_income: m.figures.plan_income,
                plan_expenditure: m.figures.plan_expenditure,
                actual_income: m.figures.actual.map(|a| a.income),
                actual_expenditure: m.figures.actual.map(|a| a.expenditure),
                forecast_outturn: m.figures.forecast_outturn,
                variance_reason: m.figures.variance_reason,
            })
            .collect(),
    }))
}

/// A year's pooled budgets.
#[utoipa::path(get, path = "/api/v1/finance/years/{id}/pooled-budgets", tag = "measure", params(("id" = String, Path, description = "Year, for example 2026-27")),
    responses((status = 200, body = [PooledBudget]), (status = 404, body = Problem)))]
pub async fn list_pools(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<PooledBudget>>, ApiError> {
    let year = finance::year(&state.store, &id).await?;
    Ok(Json(finance::budgets(&state.store, &year.label).await?))
}

/// Sets up a pooled budget (administrators).
#[utoipa::path(post, path = "/api/v1/finance/pooled-budgets", tag = "measure", request_body = PooledBudgetDraft,
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create_pool(
    Context(state, _, permit): Context,
    ApiJson(draft): ApiJson<PooledBudgetDraft>,
) -> Done {
    let id = finance::create_budget(&state.store, &permit.actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A batch of finance return rows; each is an object with the return's columns (see the CSV
/// layouts), amounts as decimal strings such as `"1234.56"`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct FinanceBatch {
    /// The rows.
    #[schema(value_type = Vec<Object>, required)]
    pub rows: Vec<Map<String, Value>>,
}

/// Loads a finance return (`revenue`, `pooled` or `efficiency`): all or nothing; problems name
/// `rows[i]` and the field.
#[utoipa::path(post, path = "/api/v1/finance/returns/{id}", tag = "measure",
    params(("id" = String, Path, description = "revenue, pooled or efficiency")), request_body = FinanceBatch,
    responses((status = 200, body = FinanceLoadSummary), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn load_return(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(batch): ApiJson<FinanceBatch>,
) -> Result<Json<FinanceLoadSummary>, ApiError> {
    let dataset: Dataset = id.parse().map_err(|_| {
        StoreError::not_found("finance return kind (revenue, pooled or efficiency)", &id)
    })?;
    let rows: Vec<FinanceRow> = batch
        .rows
        .iter()
        .enumerate()
        .map(|(i, object)| FinanceRow {
            at: format!("rows[{i}]"),
            fields: object
                .iter()
                .map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    (k.to_lowercase(), text)
                })
                .collect(),
        })
        .collect();
    let principal = permit.principal.clone();
    let may_load = move |organisation_id: &str| {
        concord_app::may_act_for(principal.as_ref(), ActFor::LoadFinance, organisation_id)
    };
    let summary = finance_load::load(
        &state.store,
        &permit.actor,
        dataset,
        &rows,
        "API",
        "rows",
        &may_load,
    )
    .await?;
    Ok(Json(summary))
}
