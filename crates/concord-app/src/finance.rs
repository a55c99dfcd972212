//! System finance's use cases: the system's position for a year, computed by the
//! `concord-measure` finance engine from the figures the store holds.

use concord_domain::finance::{has_breakeven_duty, parse_month};
use concord_domain::OrgType;
use concord_measure::finance::{
    self as arithmetic, Body, EfficiencyPosition, PoolPosition, Position, RevenueMonth,
    SystemPosition, Verdict,
};
use concord_store::finance::{self, Party, PooledBudget, Year};
use concord_store::{Store, StoreError};
use serde::Serialize;
use std::collections::BTreeMap;

/// The month index (0 = April) of the month `text` names (`YYYY-MM`) within `year`; none for an
/// empty text (the latest month with figures). A month outside the year is an error on `as_at`.
pub fn as_at_index(year: &Year, text: &str) -> Result<Option<u8>, StoreError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let fy = year.year();
    parse_month(text)
        .and_then(|m| fy.month_index(m))
        .map(Some)
        .ok_or_else(|| {
            StoreError::invalid(
                "as_at",
                format!(
                    "'{}' is not a month of {}: use YYYY-MM",
                    text.trim(),
                    year.label
                ),
            )
        })
}

/// One body's line in the system's finance overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BodyPosition {
    /// The body.
    pub organisation: Party,
    /// Whether it carries a breakeven duty (the ICB and trusts).
    pub has_duty: bool,
    /// Its position.
    #[schema(value_type = Object)]
    pub position: Position,
    /// How it stands against the year's rule.
    #[schema(value_type = String)]
    pub verdict: Verdict,
}

/// A pooled budget's position, partners named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PoolOverview {
    /// The budget.
    pub budget: PooledBudget,
    /// Its figures.
    #[schema(value_type = Object)]
    pub position: PoolPosition,
    /// The partners' names, by organisation id.
    pub partner_names: BTreeMap<String, String>,
}

/// The system's finances for a year as at a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Overview {
    /// The year and its rule set.
    pub year: Year,
    /// The month positions are taken at (0 = April), if anything is reported.
    pub as_at_month: Option<u8>,
    /// Its first day, `2026-09-01`.
    pub as_at: Option<String>,
    /// Each body, the ICB first, then by name.
    pub bodies: Vec<BodyPosition>,
    /// The system's position.
    #[schema(value_type = Object)]
    pub system: SystemPosition,
    /// The pooled budgets.
    pub pools: Vec<PoolOverview>,
    /// Each body's efficiency plan.
    #[schema(value_type = Vec<Object>)]
    pub efficiency: Vec<EfficiencyPosition>,
    /// Names of the organisations the efficiency plans belong to, by id.
    pub efficiency_names: BTreeMap<String, String>,
}

/// The system's finances for `year`, as at month `as_at` (0 = April) or, by default, the latest
/// month anyone reported.
pub async fn overview(
    store: &Store,
    year: &Year,
    as_at: Option<u8>,
) -> Result<Overview, StoreError> {
    let fy = year.year();
    let revenue = finance::revenue(store, fy).await?;
    let parties = finance::parties(store).await?;
    let as_at_month = as_at.or_else(|| {
        arithmetic::latest_reported_month(revenue.values().flatten().map(|m| &m.figures))
    });
    let at = as_at_month.unwrap_or(0);
    let mut positions: Vec<(Party, bool, Position, OrgType)> = revenue
        .iter()
        .filter_map(|(id, months)| {
            let (party, kind) = parties.get(id)?.clone();
            let figures: Vec<RevenueMonth> = months.iter().map(|m| m.figures.clone()).collect();
            Some((
                party,
                has_breakeven_duty(kind),
                arithmetic::position(&figures, at),
                kind,
            ))
        })
        .collect();
    positions
        .sort_by(|a, b| (a.3 != OrgType::Icb, &a.0.name).cmp(&(b.3 != OrgType::Icb, &b.0.name)));
    let bodies: Vec<Body<'_>> = positions
        .iter()
        .map(|(party, duty, position, _)| Body {
            organisation_id: &party.id,
            has_duty: *duty,
            position,
        })
        .collect();
    let system = arithmetic::system_position(&bodies, year.breakeven_rule);
    let name_of = |id: &str| {
        parties
            .get(id)
            .map(|(p, _)| p.name.clone())
            .unwrap_or_default()
    };
    let mut pools = Vec::new();
    for budget in finance::budgets(store, &year.label).await? {
        let lines = finance::pool_lines(store, fy, &budget.id).await?;
        let position = arithmetic::pool_position(&lines, at);
        let partner_names = position
            .partners
            .iter()
            .map(|p| (p.organisation_id.clone(), name_of(&p.organisation_id)))
            .collect();
        pools.push(PoolOverview {
            budget,
            position,
            partner_names,
        });
    }
    let efficiency =
        arithmetic::efficiency_positions(&finance::efficiency_lines(store, fy).await?, at);
    let efficiency_names = efficiency
        .iter()
        .map(|e| (e.organisation_id.clone(), name_of(&e.organisation_id)))
        .collect();
    let bodies = positions
        .into_iter()
        .map(|(organisation, has_duty, position, _)| BodyPosition {
            verdict: system.verdicts[&organisation.id],
            organisation,
            has_duty,
            position,
        })
        .collect();
    Ok(Overview {
        year: year.clone(),
        as_at_month,
        as_at: as_at_month.map(|m| fy.month(m).to_string()),
        bodies,
        system,
        pools,
        efficiency,
        efficiency_names,
    })
}
