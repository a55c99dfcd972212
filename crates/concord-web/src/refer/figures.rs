//! How referrals are going, for commissioners and boards (anyone signed in): counts under the
//! disclosure rule, the wait to first contact as a Making Data Count chart, outcome change with
//! confidence intervals, and equity beside the cohort referrals are drawn from.

use crate::error::{ApiError, PageError};
use crate::extract::{Context, Params};
use crate::ui::{filters, render, Layout};
use askama::Template;
use axum::response::Response;
use axum::Json;
use concord_app::refer::figures::{self as use_case, By, CountTable, Figures};
use concord_app::refer::provision::{self, PlaceProvision};
use serde::{Deserialize, Serialize};

/// What the figures are counted by.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct FiguresQuery {
    /// `place`, `pcn`, `practice`, `service` or `need` (default `pcn`).
    pub by: String,
}

impl FiguresQuery {
    fn by(&self) -> Result<By, concord_domain::ValidationErrors> {
        if self.by.trim().is_empty() {
            return Ok(By::Pcn);
        }
        self.by.parse().map_err(|_| {
            concord_domain::ValidationErrors::single(
                "by",
                "Count by place, pcn, practice, service or need",
            )
        })
    }
}

#[derive(Template)]
#[template(path = "refer/figures.html")]
struct FiguresPage {
    layout: Layout,
    figures: Figures,
    bys: Vec<(&'static str, &'static str, bool)>,
    provision: Vec<PlaceProvision>,
    stale_days: i64,
}

impl FiguresPage {
    fn noun(&self) -> &'static str {
        match self.figures.by {
            By::Place => "place",
            By::Pcn => "primary care network",
            By::Practice => "GP practice",
            By::Service => "service",
            By::Need => "need",
        }
    }

    fn one_decimal(&self, x: &f64) -> String {
        concord_domain::format::decimal(*x, 1)
    }

    fn signed(&self, x: &f64) -> String {
        let text = concord_domain::format::decimal(x.abs(), 1);
        if *x > 0.0 {
            format!("+{text}")
        } else if *x < 0.0 {
            format!("−{text}")
        } else {
            text
        }
    }
}

/// `GET /referrals/figures`.
pub async fn page(
    Context(state, visitor, permit): Context,
    Params(query): Params<FiguresQuery>,
) -> Result<Response, PageError> {
    let by = query.by().map_err(concord_store::StoreError::Invalid)?;
    let figures = use_case::figures(&state.store, &state.population, by).await?;
    let bys = By::ALL
        .iter()
        .map(|b| (b.as_str(), b.label(), *b == by))
        .collect();
    Ok(render(&FiguresPage {
        layout: Layout::new(
            &state,
            &visitor,
            &permit,
            "How referrals are going",
            "referrals",
        ),
        figures,
        bys,
        provision: provision::by_place(&state.store, chrono::Utc::now()).await?,
        stale_days: provision::STALE_DAYS,
    }))
}

/// `x` to one decimal place: the precision the figures are published to.
fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A count table as published.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CountTableOut {
    /// The groups.
    pub rows: Vec<String>,
    /// The columns.
    pub columns: Vec<String>,
    /// Each cell as published: a number, "<10" (suppressed) or "x" (withheld).
    pub cells: Vec<Vec<String>>,
    /// Each row's total, as published.
    pub row_totals: Vec<String>,
    /// The grand total, as published.
    pub total: String,
    /// Per row, the share of replies that accepted ("–" where its counts are not published).
    pub accepted_share: Vec<String>,
}

fn table_out(t: &CountTable) -> CountTableOut {
    CountTableOut {
        rows: t.rows.clone(),
        columns: t.columns.clone(),
        cells: t
            .table
            .cells
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect(),
        row_totals: t.table.row_totals.iter().map(|c| c.to_string()).collect(),
        total: t.table.total.to_string(),
        accepted_share: t.accepted_share.clone(),
    }
}

/// A change in an outcome measure.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OutcomeChangeOut {
    /// The measure.
    pub measure: String,
    /// Which way is better.
    pub better: String,
    /// People with answers at first contact and at follow-up, as the disclosure rule publishes
    /// the count.
    pub people: String,
    /// Mean at first contact.
    pub first_contact: f64,
    /// Mean at follow-up.
    pub follow_up: f64,
    /// Mean change.
    pub change: f64,
    /// 95% confidence interval of the change (paired t).
    pub interval: [f64; 2],
}

/// The figures as data.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FiguresOut {
    /// First day counted (referrals sent from).
    pub from: String,
    /// Last day counted.
    pub to: String,
    /// The disclosure rule.
    pub rule: String,
    /// Referrals by the grouping asked for and where they are.
    pub counts: CountTableOut,
    /// Month, median working days from referral to first contact, first contacts (as the
    /// disclosure rule publishes the count).
    pub waits: Vec<(String, f64, String)>,
    /// The day the outcome figures are as at (they move once a month).
    pub outcomes_as_at: String,
    /// ONS4 items and UCLA-3, first contact to follow-up.
    pub outcomes: Vec<OutcomeChangeOut>,
    /// Age, sex and deprivation tables.
    pub equity: Vec<(String, CountTableOut)>,
    /// The VCSE partners' capacity and funding by place, now.
    pub provision: Vec<ProvisionOut>,
}

/// One place's VCSE provision: the partners' active services in the place (a partner serving
/// several places counted in each), their places as each provider last said, and their funders.
/// Exact counts: none of this is about people.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProvisionOut {
    /// The place (or "No place recorded").
    pub place: String,
    /// Partners with an active service.
    pub partners: usize,
    /// Their active services.
    pub services: usize,
    /// Services that count places.
    pub counting_places: usize,
    /// Places free now, summed over those.
    pub places_available: u64,
    /// Places at most, summed over those that say a maximum.
    pub places_maximum: u64,
    /// Services full now.
    pub full: usize,
    /// Services whose places were said more than 30 days ago.
    pub said_over_30_days_ago: usize,
    /// Funding sources, each with how many services it funds.
    pub funders: Vec<(String, usize)>,
    /// Services naming no funder.
    pub no_funder: usize,
}

/// How referrals are going: counts under the disclosure rule, waits, outcome change and equity.
#[utoipa::path(get, path = "/api/v1/referrals/figures", tag = "refer", operation_id = "referral_figures", params(FiguresQuery),
    responses((status = 200, body = FiguresOut), (status = 422, body = crate::error::Problem)))]
pub async fn api(
    Context(state, _, _): Context,
    Params(query): Params<FiguresQuery>,
) -> Result<Json<FiguresOut>, ApiError> {
    let by = query.by().map_err(concord_store::StoreError::Invalid)?;
    let f = use_case::figures(&state.store, &state.population, by).await?;
    Ok(Json(FiguresOut {
        from: f.window.0.to_string(),
        to: f.window.1.to_string(),
        rule: f.rule.clone(),
        counts: table_out(&f.counts),
        waits: f.waits.months.clone(),
        outcomes_as_at: f.outcomes_as_at.to_string(),
        outcomes: f
            .outcomes
            .iter()
            .map(|o| OutcomeChangeOut {
                measure: o.measure.clone(),
                better: o.better.into(),
                people: o.people.clone(),
                first_contact: one_decimal(o.first),
                follow_up: one_decimal(o.follow_up),
                change: one_decimal(o.change),
                interval: [one_decimal(o.interval.0), one_decimal(o.interval.1)],
            })
            .collect(),
        equity: f
            .equity
            .iter()
            .map(|(n, t)| (n.clone(), table_out(t)))
            .collect(),
        provision: provision::by_place(&state.store, chrono::Utc::now())
            .await?
            .into_iter()
            .map(|p| ProvisionOut {
                place: p.place,
                partners: p.partners,
                services: p.services,
                counting_places: p.counting,
                places_available: p.available,
                places_maximum: p.maximum,
                full: p.full,
                said_over_30_days_ago: p.stale,
                funders: p.funders,
                no_funder: p.unfunded,
            })
            .collect(),
    }))
}
