//! System finance arithmetic: each body's year-to-date and forecast position against plan, the
//! system's net position judged by the year's rule set, pooled budgets and efficiency plans.
//!
//! Everything is exact [`Money`]. The system's position is the **sum of net positions** (income
//! less expenditure) of its NHS bodies, never a sum of gross income: the ICB's payments to trusts
//! are the ICB's expenditure and the trusts' income, so gross income counts them twice while the
//! nets cancel them.
//!
//! Months are indices in the financial year (0 = April); "year to date" runs to the month the
//! position is taken `as_at`, inclusive.

use concord_domain::finance::{BreakevenRule, Money};
use serde::Serialize;
use std::collections::BTreeMap;

/// One body's plan and outturn for one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevenueMonth {
    /// Month index in the year, 0 = April.
    pub month: u8,
    /// Planned income.
    pub plan_income: Money,
    /// Planned expenditure.
    pub plan_expenditure: Money,
    /// What happened, once reported.
    pub actual: Option<Actual>,
    /// The body's forecast net position for the whole year, as reported this month.
    pub forecast_outturn: Option<Money>,
    /// Why the month differs from plan.
    pub variance_reason: String,
}

/// A month's reported income and expenditure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actual {
    /// Income received.
    pub income: Money,
    /// Money spent.
    pub expenditure: Money,
}

impl RevenueMonth {
    /// Planned surplus (positive) or deficit (negative).
    pub fn plan_net(&self) -> Money {
        self.plan_income - self.plan_expenditure
    }

    /// Reported surplus or deficit, once reported.
    pub fn actual_net(&self) -> Option<Money> {
        self.actual.map(|a| a.income - a.expenditure)
    }
}

/// Where a forecast outturn comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "basis", content = "month")]
pub enum ForecastBasis {
    /// Reported by the body in the given month.
    Reported(u8),
    /// No forecast reported: the actual to date plus plan for every month not yet reported.
    Derived,
}

/// One body's position for a year, as at a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Position {
    /// Planned income for the whole year.
    pub plan_income_year: Money,
    /// Planned expenditure for the whole year.
    pub plan_expenditure_year: Money,
    /// Planned net position for the whole year.
    pub plan_net_year: Money,
    /// Planned net position for the reported months to date (like for like with the actual).
    pub plan_net_ytd: Money,
    /// Income reported to date.
    pub actual_income_ytd: Money,
    /// Expenditure reported to date.
    pub actual_expenditure_ytd: Money,
    /// Net position reported to date.
    pub actual_net_ytd: Money,
    /// Actual less plan to date: negative is worse than plan.
    pub variance_ytd: Money,
    /// The forecast net position for the whole year.
    pub forecast_outturn: Money,
    /// Where the forecast comes from.
    pub forecast_basis: ForecastBasis,
    /// Forecast less plan for the year.
    pub forecast_variance: Money,
    /// Months up to `as_at` with no actuals reported.
    pub unreported_months: Vec<u8>,
}

/// A body's position for the year as at month `as_at` (0 = April).
pub fn position(months: &[RevenueMonth], as_at: u8) -> Position {
    let plan_income_year: Money = months.iter().map(|m| m.plan_income).sum();
    let plan_expenditure_year: Money = months.iter().map(|m| m.plan_expenditure).sum();
    let to_date = || months.iter().filter(|m| m.month <= as_at);
    let reported = || to_date().filter_map(|m| m.actual.map(|a| (m, a)));
    let plan_net_ytd: Money = reported().map(|(m, _)| m.plan_net()).sum();
    let actual_income_ytd: Money = reported().map(|(_, a)| a.income).sum();
    let actual_expenditure_ytd: Money = reported().map(|(_, a)| a.expenditure).sum();
    let actual_net_ytd = actual_income_ytd - actual_expenditure_ytd;
    let latest_forecast = to_date()
        .filter_map(|m| m.forecast_outturn.map(|f| (m.month, f)))
        .max_by_key(|(month, _)| *month);
    let (forecast_outturn, forecast_basis) = match latest_forecast {
        Some((month, forecast)) => (forecast, ForecastBasis::Reported(month)),
        None => {
            let rest: Money = months
                .iter()
                .filter(|m| m.month > as_at || m.actual.is_none())
                .map(RevenueMonth::plan_net)
                .sum();
            (actual_net_ytd + rest, ForecastBasis::Derived)
        }
    };
    let present: Vec<u8> = reported().map(|(m, _)| m.month).collect();
    let plan_net_year = plan_income_year - plan_expenditure_year;
    Position {
        plan_income_year,
        plan_expenditure_year,
        plan_net_year,
        plan_net_ytd,
        actual_income_ytd,
        actual_expenditure_ytd,
        actual_net_ytd,
        variance_ytd: actual_net_ytd - plan_net_ytd,
        forecast_outturn,
        forecast_basis,
        forecast_variance: forecast_outturn - plan_net_year,
        unreported_months: (0..=as_at).filter(|m| !present.contains(m)).collect(),
    }
}

/// The latest month (0 = April) for which any body reported actuals, if any did.
pub fn latest_reported_month<'a>(months: impl IntoIterator<Item = &'a RevenueMonth>) -> Option<u8> {
    months
        .into_iter()
        .filter(|m| m.actual.is_some())
        .map(|m| m.month)
        .max()
}

/// How a body stands against the year's rule set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Forecast to break even or better.
    BreaksEven,
    /// Forecast deficit that the rule set does not allow.
    Deficit,
    /// Forecast deficit offset within the system, allowed under the system-aggregate rule.
    DeficitOffset,
    /// The body has no breakeven duty; its figures are shown but not judged or summed.
    NotJudged,
}

impl Verdict {
    /// The words shown on the finance page.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::BreaksEven => "Forecast to break even",
            Verdict::Deficit => "Forecast deficit: breaches the rule",
            Verdict::DeficitOffset => "Forecast deficit, offset within the system",
            Verdict::NotJudged => "No breakeven duty: not judged",
        }
    }
}

/// One body as the system position sees it.
#[derive(Debug, Clone, Copy)]
pub struct Body<'a> {
    /// The body's id.
    pub organisation_id: &'a str,
    /// Whether it carries a breakeven duty (the ICB and trusts).
    pub has_duty: bool,
    /// Its position.
    pub position: &'a Position,
}

/// The system's position: sums of its NHS bodies' net positions, judged by the year's rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SystemPosition {
    /// The rule judged by.
    pub rule: BreakevenRule,
    /// Sum of planned net positions for the year.
    pub plan_net_year: Money,
    /// Sum of planned net positions to date (reported months).
    pub plan_net_ytd: Money,
    /// Sum of actual net positions to date.
    pub actual_net_ytd: Money,
    /// Actual less plan to date.
    pub variance_ytd: Money,
    /// Sum of forecast net positions for the year.
    pub forecast_outturn: Money,
    /// Sum of gross income to date: shown only to explain why it is not the system's position
    /// (it counts payments between the system's bodies twice).
    pub gross_income_ytd: Money,
    /// Whether the system meets the year's rule.
    pub meets_rule: bool,
    /// Each body's verdict, by organisation id.
    pub verdicts: BTreeMap<String, Verdict>,
}

/// The system's position under `rule`; bodies without a breakeven duty are judged `NotJudged`
/// and left out of the sums.
pub fn system_position(bodies: &[Body<'_>], rule: BreakevenRule) -> SystemPosition {
    let judged = || bodies.iter().filter(|b| b.has_duty);
    let sum = |f: fn(&Position) -> Money| judged().map(|b| f(b.position)).sum::<Money>();
    let forecast_outturn = sum(|p| p.forecast_outturn);
    let system_breaks_even = !forecast_outturn.is_negative();
    let verdicts: BTreeMap<String, Verdict> = bodies
        .iter()
        .map(|b| {
            let verdict = match (b.has_duty, b.position.forecast_outturn.is_negative(), rule) {
                (false, _, _) => Verdict::NotJudged,
                (true, false, _) => Verdict::BreaksEven,
                (true, true, BreakevenRule::SystemAggregate) if system_breaks_even => {
                    Verdict::DeficitOffset
                }
                (true, true, _) => Verdict::Deficit,
            };
            (b.organisation_id.to_string(), verdict)
        })
        .collect();
    let meets_rule = match rule {
        BreakevenRule::SystemAggregate => system_breaks_even,
        BreakevenRule::IndividualBodies => !verdicts.values().any(|v| *v == Verdict::Deficit),
    };
    let plan_net_ytd = sum(|p| p.plan_net_ytd);
    let actual_net_ytd = sum(|p| p.actual_net_ytd);
    SystemPosition {
        rule,
        plan_net_year: sum(|p| p.plan_net_year),
        plan_net_ytd,
        actual_net_ytd,
        variance_ytd: actual_net_ytd - plan_net_ytd,
        forecast_outturn,
        gross_income_ytd: sum(|p| p.actual_income_ytd),
        meets_rule,
        verdicts,
    }
}

/// `part / whole` in tenths of a percent, rounded half away from zero; none when `whole` is zero.
pub fn permille(part: Money, whole: Money) -> Option<i64> {
    let (part, whole) = (part.pence(), whole.pence());
    if whole == 0 {
        return None;
    }
    let scaled = part.checked_mul(1000)?;
    let (quotient, remainder) = (scaled / whole, scaled % whole);
    let rounded = if 2 * remainder.abs() >= whole.abs() {
        quotient + (scaled.signum() * whole.signum())
    } else {
        quotient
    };
    i64::try_from(rounded).ok()
}

/// One partner's contribution to, and spend from, a pooled budget in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolLine {
    /// The partner.
    pub organisation_id: String,
    /// Month index, 0 = April.
    pub month: u8,
    /// What the partner puts in this month.
    pub contribution: Money,
    /// What was spent this month on services the partner's share pays for, once reported.
    pub spend: Option<Money>,
}

/// A partner's share of a pooled budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolShare {
    /// The partner.
    pub organisation_id: String,
    /// Contribution for the whole year.
    pub contribution_year: Money,
    /// Contribution over the months to date whose spend is reported (like for like with the spend).
    pub contribution_ytd: Money,
    /// Spend to date.
    pub spend_ytd: Money,
    /// Contribution less spend to date: negative is an overspend.
    pub variance_ytd: Money,
    /// The partner's share of the year's pool, in tenths of a percent (for display).
    pub share_permille: i64,
}

/// A pooled budget's position: each partner's share and the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolPosition {
    /// Each partner, by organisation id.
    pub partners: Vec<PoolShare>,
    /// The pool for the whole year.
    pub contribution_year: Money,
    /// Contributions to date.
    pub contribution_ytd: Money,
    /// Spend to date.
    pub spend_ytd: Money,
    /// Contributions less spend to date.
    pub variance_ytd: Money,
}

/// A pooled budget's position as at month `as_at`.
pub fn pool_position(lines: &[PoolLine], as_at: u8) -> PoolPosition {
    let mut by_partner: BTreeMap<&str, (Money, Money, Money)> = BTreeMap::new();
    for line in lines {
        let entry = by_partner.entry(&line.organisation_id).or_default();
        entry.0 += line.contribution;
        // Like for like: a month counts to date once its spend is reported.
        if let (true, Some(spend)) = (line.month <= as_at, line.spend) {
            entry.1 += line.contribution;
            entry.2 += spend;
        }
    }
    let contribution_year: Money = by_partner.values().map(|v| v.0).sum();
    let partners: Vec<PoolShare> = by_partner
        .into_iter()
        .map(|(id, (year, ytd, spend))| PoolShare {
            organisation_id: id.to_string(),
            contribution_year: year,
            contribution_ytd: ytd,
            spend_ytd: spend,
            variance_ytd: ytd - spend,
            share_permille: permille(year, contribution_year).unwrap_or(0),
        })
        .collect();
    let contribution_ytd: Money = partners.iter().map(|p| p.contribution_ytd).sum();
    let spend_ytd: Money = partners.iter().map(|p| p.spend_ytd).sum();
    PoolPosition {
        partners,
        contribution_year,
        contribution_ytd,
        spend_ytd,
        variance_ytd: contribution_ytd - spend_ytd,
    }
}

/// One efficiency scheme's plan and delivery for one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EfficiencyLine {
    /// The body whose plan it is.
    pub organisation_id: String,
    /// The scheme.
    pub scheme: String,
    /// Month index, 0 = April.
    pub month: u8,
    /// Saving planned for the month.
    pub planned: Money,
    /// Saving delivered, once reported.
    pub delivered: Option<Money>,
}

/// A body's efficiency plan: planned against delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EfficiencyPosition {
    /// The body.
    pub organisation_id: String,
    /// Its schemes, by name.
    pub schemes: Vec<String>,
    /// Savings planned for the whole year.
    pub planned_year: Money,
    /// Savings planned for the months to date whose delivery is reported (like for like).
    pub planned_ytd: Money,
    /// Savings delivered to date.
    pub delivered_ytd: Money,
    /// Planned less delivered to date: positive is a shortfall.
    pub shortfall_ytd: Money,
    /// Delivered as a share of planned to date, in tenths of a percent; none when nothing was planned.
    pub delivered_permille: Option<i64>,
}

/// Each body's efficiency position as at month `as_at`, by organisation id.
pub fn efficiency_positions(lines: &[EfficiencyLine], as_at: u8) -> Vec<EfficiencyPosition> {
    let mut by_body: BTreeMap<&str, Vec<&EfficiencyLine>> = BTreeMap::new();
    for line in lines {
        by_body.entry(&line.organisation_id).or_default().push(line);
    }
    by_body
        .into_iter()
        .map(|(id, lines)| {
            let mut schemes: Vec<String> = lines.iter().map(|l| l.scheme.clone()).collect();
            schemes.sort();
            schemes.dedup();
            // Like for like: a scheme's month counts to date once its delivery is reported.
            let reported = || {
                lines
                    .iter()
                    .filter(|l| l.month <= as_at)
                    .filter_map(|l| l.delivered.map(|d| (l.planned, d)))
            };
            let planned_ytd: Money = reported().map(|(p, _)| p).sum();
            let delivered_ytd: Money = reported().map(|(_, d)| d).sum();
            let delivered_permille = permille(delivered_ytd, planned_ytd);
            EfficiencyPosition {
                organisation_id: id.to_string(),
                schemes,
                planned_year: lines.iter().map(|l| l.planned).sum(),
                planned_ytd,
                delivered_ytd,
                shortfall_ytd: planned_ytd - delivered_ytd,
                delivered_permille,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
