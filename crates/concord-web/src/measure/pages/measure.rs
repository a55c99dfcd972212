//! Measure: the system dashboard (metrics x partners and places, each cell the variation and
//! assurance icons of its SPC chart), the metric catalogue, a metric's series, and one series'
//! SPC chart with its data table.

use crate::auth::Visitor;
use crate::authz::{Permit, Rule, Target};
use crate::error::PageError;
use crate::extract::Context;
use crate::ui::filters;
use crate::ui::{render, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use concord_domain::metric::{MetricCategory, ScopeKind};
use concord_measure::spc::svg::{format_value, render as render_svg, ChartLabels};
use concord_measure::spc::{self, Assurance, VariationIcon, XmrChart};
use concord_store::metrics::{self, Metric, Rebase, Series, SeriesValue};
use serde::Deserialize;
use std::collections::BTreeMap;

fn layout(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    title: impl Into<String>,
) -> Layout {
    Layout::new(state, visitor, permit, title, "measure")
}

pub use concord_app::measure::series_chart as chart;

/// One cell of the dashboard.
pub struct Cell {
    /// The series.
    pub series_id: String,
    /// Its latest value, formatted.
    pub latest: String,
    /// Its latest period.
    pub period: String,
    /// Variation icon.
    pub variation: Option<VariationIcon>,
    /// Assurance icon.
    pub assurance: Option<Assurance>,
    /// Whether its latest value is out of date ([`concord_domain::metric::is_stale`]).
    pub stale: bool,
}

/// One row of the dashboard: a metric and its cells by column.
pub struct Row {
    /// The metric.
    pub metric: Metric,
    /// Cells keyed by column key.
    pub cells: BTreeMap<String, Cell>,
}

/// The dashboard's filters.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    /// A category code, or empty for all.
    pub category: String,
    /// `system`, `place`, `organisation`, or empty for all.
    pub scope: String,
}

#[derive(Template)]
#[template(path = "measure/measure_dashboard.html")]
struct DashboardPage {
    layout: Layout,
    columns: Vec<(String, String)>,
    rows: Vec<Row>,
    categories: Vec<(String, String, bool)>,
    scopes: Vec<(String, String, bool)>,
    profile: String,
    can_contribute: bool,
    stale_rule: &'static str,
}

impl DashboardPage {
    fn cell<'a>(&self, row: &'a Row, column: &str) -> Option<&'a Cell> {
        row.cells.get(column)
    }
}

fn column_key(series: &Series) -> String {
    match series.scope_kind {
        ScopeKind::System => "0|system".into(),
        // By name, then id: two partners may share a name.
        ScopeKind::Place => format!(
            "1|{}|{}",
            series.scope_name,
            series.place_id.as_deref().unwrap_or("")
        ),
        ScopeKind::Organisation => format!(
            "2|{}|{}",
            series.scope_name,
            series.organisation_id.as_deref().unwrap_or("")
        ),
    }
}

/// `GET /measure`: the system dashboard.
pub async fn dashboard(
    Context(state, visitor, permit): Context,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let store = &state.store;
    let catalogue = metrics::list(store).await?;
    let all_series = metrics::series(store, None).await?;
    let values = metrics::all_values(store).await?;
    let rebases = metrics::all_rebases(store).await?;
    let category: Option<MetricCategory> = query.category.parse().ok();
    let scope: Option<ScopeKind> = query.scope.parse().ok();
    let mut columns: BTreeMap<String, String> = BTreeMap::new();
    let mut rows = Vec::new();
    for metric in catalogue
        .into_iter()
        .filter(|m| category.is_none_or(|c| m.category == c))
    {
        let mut cells = BTreeMap::new();
        for series in all_series
            .iter()
            .filter(|s| s.metric_id == metric.id && scope.is_none_or(|k| s.scope_kind == k))
        {
            let key = column_key(series);
            columns.insert(key.clone(), series.scope_name.clone());
            let empty = Vec::new();
            let series_values = values.get(&series.id).unwrap_or(&empty);
            let series_rebases = rebases.get(&series.id).map_or(&[][..], Vec::as_slice);
            let xmr = chart(&metric, series_values, series_rebases);
            let last = series_values.last();
            cells.insert(
                key,
                Cell {
                    series_id: series.id.clone(),
                    latest: last.map_or_else(String::new, |v| format_value(v.value)),
                    period: last.map_or_else(String::new, |v| v.period.clone()),
                    variation: xmr.as_ref().map(|c| c.variation_icon),
                    assurance: xmr.as_ref().and_then(|c| c.assurance),
                    stale: last.is_some_and(|v| {
                        concord_domain::metric::is_stale(
                            &v.period,
                            concord_domain::meeting::london_date(chrono::Utc::now()),
                        )
                    }),
                },
            );
        }
        // A metric with no values yet is still listed (unless a scope is asked for), so people
        // know it is in the catalogue.
        if !cells.is_empty() || scope.is_none() {
            rows.push(Row { metric, cells });
        }
    }
    let categories = MetricCategory::ALL
        .iter()
        .map(|c| {
            (
                c.as_str().to_string(),
                c.label().to_string(),
                category == Some(*c),
            )
        })
        .collect();
    let scopes = ScopeKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                k.label().to_string(),
                scope == Some(*k),
            )
        })
        .collect();
    Ok(render(&DashboardPage {
        stale_rule: concord_domain::metric::STALE_RULE,
        layout: layout(&state, &visitor, &permit, "System performance"),
        columns: columns.into_iter().collect(),
        rows,
        categories,
        scopes,
        profile: spc::Profile::default().name(),
        can_contribute: permit
            .may(&state, Rule::ContributeData, Target::NONE)
            .await?,
    }))
}

#[derive(Template)]
#[template(path = "measure/measure_metric.html")]
struct MetricPage {
    layout: Layout,
    can_edit: bool,
    metric: Metric,
    series: Vec<(Series, Option<XmrChart>)>,
}

/// `GET /metrics/{id}`: a metric's definition and every series' icons.
pub async fn metric(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let store = &state.store;
    let metric = metrics::get(store, &id).await?;
    let mut series = Vec::new();
    for s in metrics::series(store, Some(&metric.id)).await? {
        let values = metrics::values(store, &s.id).await?;
        let rebases = metrics::rebases(store, &s.id).await?;
        let xmr = chart(&metric, &values, &rebases);
        series.push((s, xmr));
    }
    let can_edit = permit
        .may(&state, Rule::EditMetric, Target::id(&id))
        .await?;
    Ok(render(&MetricPage {
        layout: layout(&state, &visitor, &permit, metric.name.clone()),
        can_edit,
        metric,
        series,
    }))
}

#[derive(Template)]
#[template(path = "measure/measure_series.html")]
struct SeriesPage {
    layout: Layout,
    metric: Metric,
    series: Series,
    values: Vec<SeriesValue>,
    rebases: Vec<Rebase>,
    chart: Option<XmrChart>,
    svg: String,
    can_rebase: bool,
}

impl SeriesPage {
    fn rule_text(&self, index: &usize) -> String {
        self.chart
            .as_ref()
            .and_then(|c| c.points.get(*index))
            .and_then(|p| p.rule)
            .map(|r| r.description().to_string())
            .unwrap_or_default()
    }

    fn point_label(&self, index: &usize) -> &'static str {
        self.chart
            .as_ref()
            .and_then(|c| c.points.get(*index))
            .map_or("", |p| p.point_type.label())
    }

    fn limits(&self, index: &usize) -> (String, String, String) {
        self.chart
            .as_ref()
            .and_then(|c| c.points.get(*index))
            .map_or_else(Default::default, |p| {
                (
                    format_value(p.lpl),
                    format_value(p.mean),
                    format_value(p.upl),
                )
            })
    }
}

/// `GET /series/{id}`: one series' SPC chart and data.
pub async fn series(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let store = &state.store;
    let series = metrics::get_series(store, &id).await?;
    let metric = metrics::get(store, &series.metric_id).await?;
    let values = metrics::values(store, &id).await?;
    let rebases = metrics::rebases(store, &id).await?;
    let chart = chart(&metric, &values, &rebases);
    let title = format!("{}: {}", metric.name, series.scope_name);
    let svg = chart.as_ref().map_or_else(String::new, |c| {
        render_svg(
            c,
            &ChartLabels {
                title: title.clone(),
                unit: metric.unit.clone(),
                x_labels: values.iter().map(|v| v.period.clone()).collect(),
                note: String::new(),
                events: Vec::new(),
            },
        )
    });
    let can_rebase = permit
        .may(&state, Rule::RebaseSeries, Target::id(&id))
        .await?;
    Ok(render(&SeriesPage {
        layout: layout(&state, &visitor, &permit, title),
        can_rebase,
        metric,
        series,
        values,
        rebases,
        chart,
        svg,
    }))
}
