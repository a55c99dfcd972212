//! System finance pages: the system's position for a year (judged by the year's rule set), each
//! body's months with an SPC chart of its monthly net position, setting up years and pooled
//! budgets, and loading finance returns from CSV.

use crate::auth::Visitor;
use crate::authz::{Permit, Rule, Target};
use crate::error::PageError;
use crate::extract::Context;
use crate::ui::filters;
use crate::ui::form::settle;
use crate::ui::notice::{Next, Notice};
use crate::ui::upload::{file_problems, read_upload, upload_page, FileField, Outcome, UploadDef};
use crate::ui::{render, see_other, Layout};
use crate::AppState;
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Form;
use concord_app::finance::Overview;
use concord_app::ActFor;
use concord_domain::finance::{
    BreakevenRule, FinancialYear, FinancialYearDraft, Money, PooledBudgetDraft, PooledBudgetKind,
};
use concord_domain::format::MoneyUnit;
use concord_domain::ValidationErrors;
use concord_measure::finance::{self as arithmetic, ForecastBasis, RevenueMonth};
use concord_measure::spc::svg::{render as render_svg, ChartLabels};
use concord_measure::spc::{self, ImprovementDirection, SpcOptions, XmrChart};
use concord_store::finance::{self, StoredMonth, Year};
use concord_store::finance_load::{self, Dataset};
use concord_store::{lookups, organisations, StoreError};
use serde::Deserialize;

fn layout(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    title: impl Into<String>,
) -> Layout {
    Layout::new(state, visitor, permit, title, "finance")
}

/// A year's label as it appears in a URL: `2026-27`.
pub fn year_slug(label: &str) -> String {
    label.replace('/', "-")
}

/// A month index of a year as its name: `September 2026`.
fn month_name(year: FinancialYear, index: u8) -> String {
    concord_domain::format::month(year.month(index))
}

/// `GET /finance`: the latest year's position (or an invitation to set one up).
pub async fn latest(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let years = finance::years(&state.store).await?;
    match years.first() {
        Some(year) => Ok(see_other(&format!("/finance/{}", year_slug(&year.label)))),
        None => Ok(render(&NoYearsPage {
            layout: layout(&state, &visitor, &permit, "System finance"),
            can_set_up: permit
                .may(&state, Rule::ManageFinance, Target::NONE)
                .await?,
        })),
    }
}

#[derive(Template)]
#[template(path = "measure/finance_none.html")]
struct NoYearsPage {
    layout: Layout,
    can_set_up: bool,
}

/// The overview's query: the month to take the position at (`2026-09`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AsAt {
    /// The month, `YYYY-MM`; empty for the latest reported.
    pub as_at: String,
}

pub use concord_app::finance::as_at_index;

#[derive(Template)]
#[template(path = "measure/finance_overview.html")]
struct OverviewPage {
    layout: Layout,
    overview: Overview,
    years: Vec<Year>,
    slug: String,
    months: Vec<(String, String, bool)>,
    can_load: bool,
    can_set_up: bool,
    /// The unit every table of money on the page is shown in.
    unit: MoneyUnit,
}

impl OverviewPage {
    fn as_at_name(&self) -> String {
        self.overview
            .as_at_month
            .map(|m| month_name(self.overview.year.year(), m))
            .unwrap_or_else(|| "no month reported yet".into())
    }

    fn forecast_basis(&self, basis: &ForecastBasis) -> String {
        match basis {
            ForecastBasis::Reported(m) => {
                format!("reported {}", month_name(self.overview.year.year(), *m))
            }
            ForecastBasis::Derived => "actual to date plus plan".into(),
        }
    }

    fn unreported(&self, months: &[u8]) -> String {
        let fy = self.overview.year.year();
        months
            .iter()
            .map(|m| month_name(fy, *m))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn name_in<'a>(
        &self,
        names: &'a std::collections::BTreeMap<String, String>,
        id: &str,
    ) -> &'a str {
        names.get(id).map_or("", String::as_str)
    }

    fn percent(&self, permille: &i64) -> String {
        concord_domain::format::percent(*permille as f64 / 10.0, 1)
    }
}

/// `GET /finance/{id}`: the system's position for year `{id}` (`2026-27`).
pub async fn overview(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    Query(query): Query<AsAt>,
) -> Result<Response, PageError> {
    let store = &state.store;
    let year = finance::year(store, &id).await?;
    let as_at = as_at_index(&year, &query.as_at)?;
    let overview = concord_app::finance::overview(store, &year, as_at).await?;
    let fy = year.year();
    let months = (0..12)
        .map(|m| {
            (
                fy.month(m).format("%Y-%m").to_string(),
                month_name(fy, m),
                overview.as_at_month == Some(m),
            )
        })
        .collect();
    let unit = MoneyUnit::for_amounts(overview_amounts(&overview));
    Ok(render(&OverviewPage {
        unit,
        layout: layout(
            &state,
            &visitor,
            &permit,
            format!("System finance {}", year.label),
        ),
        slug: year_slug(&year.label),
        years: finance::years(store).await?,
        months,
        can_load: permit
            .may(&state, Rule::ContributeData, Target::NONE)
            .await?,
        can_set_up: permit
            .may(&state, Rule::ManageFinance, Target::NONE)
            .await?,
        overview,
    }))
}

/// Every amount the overview's tables show, to choose one unit for them.
fn overview_amounts(overview: &Overview) -> Vec<Money> {
    let mut amounts = Vec::new();
    for b in &overview.bodies {
        let p = &b.position;
        amounts.extend([
            p.plan_net_year,
            p.plan_net_ytd,
            p.actual_net_ytd,
            p.variance_ytd,
            p.forecast_outturn,
        ]);
    }
    for pool in &overview.pools {
        let p = &pool.position;
        amounts.extend([
            p.contribution_year,
            p.contribution_ytd,
            p.spend_ytd,
            p.variance_ytd,
        ]);
    }
    for e in &overview.efficiency {
        amounts.extend([
            e.planned_year,
            e.planned_ytd,
            e.delivered_ytd,
            e.shortfall_ytd,
        ]);
    }
    amounts
}

/// One month of a body's page.
pub struct MonthLine {
    /// `Sep 2026`.
    pub name: String,
    /// The figures.
    pub figures: RevenueMonth,
}

#[derive(Template)]
#[template(path = "measure/finance_body.html")]
struct BodyPage {
    layout: Layout,
    year: Year,
    slug: String,
    organisation_id: String,
    organisation_name: String,
    lines: Vec<MonthLine>,
    position: concord_measure::finance::Position,
    chart: Option<XmrChart>,
    chart_points: Vec<(String, Money)>,
    svg: String,
    /// The unit the page's tables of money are shown in.
    unit: MoneyUnit,
}

impl BodyPage {
    fn point_label(&self, index: &usize) -> &'static str {
        self.chart
            .as_ref()
            .and_then(|c| c.points.get(*index))
            .map_or("", |p| p.point_type.label())
    }

    fn variance(&self, line: &MonthLine) -> Option<Money> {
        line.figures
            .actual_net()
            .map(|a| a - line.figures.plan_net())
    }
}

/// `GET /finance/{id}/organisations/{organisation_id}`: one body's months in year `{id}`, with an
/// SPC chart of its monthly net position over every month held.
pub async fn body(
    Context(state, visitor, permit): Context,
    Path((id, organisation_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let store = &state.store;
    let year = finance::year(store, &id).await?;
    let organisation = organisations::get(store, &organisation_id).await?;
    let fy = year.year();
    // The chart runs over every year held, so a body's process is seen across year ends; the
    // table and position are this year's months of the same reading.
    let mut history: Vec<StoredMonth> = Vec::new();
    for y in finance::years(store).await?.iter().rev() {
        history.extend(finance::body_months(store, y.year(), &organisation_id).await?);
    }
    let months: Vec<StoredMonth> = history
        .iter()
        .filter(|m| fy.month_index(m.month).is_some())
        .cloned()
        .collect();
    let figures: Vec<RevenueMonth> = months.iter().map(|m| m.figures.clone()).collect();
    let as_at = arithmetic::latest_reported_month(&figures).unwrap_or(0);
    let position = arithmetic::position(&figures, as_at);
    let reported: Vec<&StoredMonth> = history
        .iter()
        .filter(|m| m.figures.actual_net().is_some())
        .collect();
    let chart_points: Vec<(String, Money)> = reported
        .iter()
        .filter_map(|m| {
            m.figures
                .actual_net()
                .map(|n| (concord_domain::format::month(m.month), n))
        })
        .collect();
    let axis_labels: Vec<String> = reported
        .iter()
        .map(|m| m.month.format("%b %Y").to_string())
        .collect();
    let numbers: Vec<f64> = chart_points
        .iter()
        .map(|(_, n)| n.to_f64_for_chart())
        .collect();
    let options = SpcOptions {
        improvement: ImprovementDirection::Increase,
        target: Some(0.0),
        ..SpcOptions::default()
    };
    let chart = spc::xmr(&numbers, &options).ok();
    let title = format!("{}: monthly surplus or deficit", organisation.name);
    let svg = chart.as_ref().map_or_else(String::new, |c| {
        render_svg(
            c,
            &ChartLabels {
                title: title.clone(),
                unit: "£".into(),
                x_labels: axis_labels,
                note: "Target line: break even (£0)".into(),
                events: Vec::new(),
            },
        )
    });
    let unit = MoneyUnit::for_amounts(
        months
            .iter()
            .flat_map(|m| {
                let f = &m.figures;
                [
                    Some(f.plan_income),
                    Some(f.plan_expenditure),
                    Some(f.plan_net()),
                    f.actual_net(),
                    f.forecast_outturn,
                ]
            })
            .flatten()
            .chain(chart_points.iter().map(|(_, n)| *n)),
    );
    Ok(render(&BodyPage {
        unit,
        layout: layout(
            &state,
            &visitor,
            &permit,
            format!("{} {}", organisation.name, year.label),
        ),
        slug: year_slug(&year.label),
        organisation_id,
        organisation_name: organisation.name,
        lines: months
            .into_iter()
            .map(|m| MonthLine {
                name: month_name(fy, m.figures.month),
                figures: m.figures,
            })
            .collect(),
        position,
        chart,
        chart_points,
        svg,
        year,
    }))
}

#[derive(Template)]
#[template(path = "measure/finance_setup.html")]
struct SetupPage {
    layout: Layout,
    years: Vec<Year>,
    budgets: Vec<(String, Vec<finance::PooledBudget>)>,
    year_draft: FinancialYearDraft,
    pool_draft: PooledBudgetDraft,
    organisations: Vec<(String, String)>,
    errors: ValidationErrors,
    rules: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
}

impl SetupPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.for_field(field)
    }
}

async fn setup_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    year_draft: FinancialYearDraft,
    pool_draft: PooledBudgetDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let store = &state.store;
    let years = finance::years(store).await?;
    let mut budgets = Vec::new();
    for y in &years {
        budgets.push((y.label.clone(), finance::budgets(store, &y.label).await?));
    }
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = SetupPage {
        layout: layout(state, visitor, permit, "Set up system finance"),
        years,
        budgets,
        year_draft,
        pool_draft,
        organisations: lookups::partner_organisations(store).await?,
        errors,
        rules: BreakevenRule::ALL
            .iter()
            .map(|r| (r.as_str().into(), r.label().into()))
            .collect(),
        kinds: PooledBudgetKind::ALL
            .iter()
            .map(|k| (k.as_str().into(), k.label().into()))
            .collect(),
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /finance/setup`: financial years, their rule sets, and pooled budgets.
pub async fn setup(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let today = concord_domain::meeting::london_date(chrono::Utc::now());
    let year_draft = FinancialYearDraft {
        label: FinancialYear::containing(today).label(),
        ..FinancialYearDraft::default()
    };
    let pool_draft = PooledBudgetDraft {
        year: year_draft.label.clone(),
        ..PooledBudgetDraft::default()
    };
    setup_page(
        &state,
        &visitor,
        &permit,
        year_draft,
        pool_draft,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /finance/years`: sets up a year or changes its rule set.
pub async fn save_year(
    Context(state, visitor, permit): Context,
    Form(draft): Form<FinancialYearDraft>,
) -> Result<Response, PageError> {
    settle(
        finance::save_year(&state.store, &permit.actor, &draft).await,
        |label| Next::to(format!("/finance/{}", year_slug(&label)), Notice::YearSaved),
        |errors| {
            setup_page(
                &state,
                &visitor,
                &permit,
                draft,
                PooledBudgetDraft::default(),
                errors,
            )
        },
    )
    .await
}

/// `POST /finance/pools`: sets up a pooled budget.
pub async fn create_pool(
    Context(state, visitor, permit): Context,
    Form(draft): Form<PooledBudgetDraft>,
) -> Result<Response, PageError> {
    settle(
        finance::create_budget(&state.store, &permit.actor, &draft).await,
        |_| Next::to("/finance/setup", Notice::PoolSaved),
        |errors| {
            setup_page(
                &state,
                &visitor,
                &permit,
                FinancialYearDraft::default(),
                draft,
                errors,
            )
        },
    )
    .await
}

fn upload_def(chosen: &str) -> UploadDef {
    UploadDef {
        choice_label: "What the file holds".into(),
        heading: "Load finance returns".into(),
        action: "/finance/upload".into(),
        help: vec![
            "Amounts are pounds to the penny (1234.56, £1,234.56 or (1,234.56) for a negative); months are YYYY-MM; organisations are given by their ODS code. You may load figures only for organisations where you are an analyst or the partner lead.".into(),
            format!("Revenue: {}. Give the actual income and expenditure together, once the month is reported; the forecast outturn is the body's forecast net position for the whole year.", Dataset::Revenue.column_list()),
            format!("Pooled budget: {}. The budget is named as set up for the year.", Dataset::Pooled.column_list()),
            format!("Efficiency: {}.", Dataset::Efficiency.column_list()),
            "Loading the same file again changes nothing; a row for a month already held replaces it.".into(),
        ],
        datasets: Dataset::ALL
            .iter()
            .map(|d| (d.as_str().into(), d.label().into()))
            .collect(),
        chosen: chosen.into(),
        back: ("/finance".into(), "System finance".into()),
        second: None,
        file: FileField::csv(),
    }
}

/// `GET /finance/upload`: the form for loading a return.
pub async fn upload_form(Context(state, visitor, permit): Context) -> Response {
    upload_page(
        layout(&state, &visitor, &permit, "Load finance returns"),
        upload_def("revenue"),
        Outcome::Blank,
    )
}

/// `POST /finance/upload`: loads a return (all or nothing).
pub async fn upload(
    Context(state, visitor, permit): Context,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, PageError> {
    let form = read_upload(&headers, body).await?;
    let chosen = form.field("dataset").to_string();
    let page = |outcome: Outcome| {
        upload_page(
            layout(&state, &visitor, &permit, "Load finance returns"),
            upload_def(&chosen),
            outcome,
        )
    };
    let Ok(dataset) = chosen.parse::<Dataset>() else {
        return Ok(page(Outcome::Refused(vec![(
            "dataset".into(),
            "Choose what the file holds".into(),
        )])));
    };
    let (file_name, bytes) = match form.chosen_file() {
        Ok(file) => file,
        Err(outcome) => return Ok(page(outcome)),
    };
    let principal = permit.principal.clone();
    let may_load = move |organisation_id: &str| {
        concord_app::may_act_for(principal.as_ref(), ActFor::LoadFinance, organisation_id)
    };
    let result = match finance_load::parse_csv(bytes, dataset, "file") {
        Ok(rows) => {
            finance_load::load(
                &state.store,
                &permit.actor,
                dataset,
                &rows,
                file_name,
                "file",
                &may_load,
            )
            .await
        }
        Err(err) => Err(err),
    };
    match result {
        Ok(s) => Ok(page(Outcome::Loaded(format!(
            "Loaded {file_name}: {} rows, {} new, {} changed, {} already held.",
            s.rows, s.added, s.changed, s.unchanged
        )))),
        Err(StoreError::Invalid(errors)) => {
            Ok(page(file_problems(errors.0.into_iter().map(|e| e.message))))
        }
        Err(err) => Err(err.into()),
    }
}
