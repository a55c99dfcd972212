//! The demo's system finance (synthetic): last year under the old system-aggregate rule and this
//! year under the rule that each NHS body breaks even on its own; monthly revenue plans and actuals
//! for the ICB and the four trusts up to last month, with variance reasons and forecasts from the
//! first quarter's review; two pooled budgets; and efficiency plans.
//!
//! Sizes are those of a real system of about a million people (an ICB allocation of about £2bn).

use crate::data::{PLACES, TRUSTS};
use crate::ICB_CODE;
use chrono::NaiveDate;
use concord_domain::finance::{FinancialYear, FinancialYearDraft, Money, PooledBudgetDraft};
use concord_store::finance_load::{self, Dataset, FinanceRow};
use concord_store::{finance, Actor, Store, StoreError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

/// Each body: code, annual income (£m), planned surplus (+) or deficit (−) for the year (£m),
/// how far actual runs from plan per month (share of monthly spend, mean and spread).
const BODIES: [(&str, f64, f64, f64, f64); 5] = [
    (ICB_CODE, 2_140.0, 0.0, 0.0002, 0.0008),
    ("RRV", 742.0, 0.0, 0.0004, 0.0012),
    ("RNM", 418.0, -6.0, -0.0030, 0.0015),
    ("RVC", 176.0, 0.0, 0.0008, 0.0010),
    ("RVM", 214.0, 0.0, -0.0005, 0.0010),
];

/// What a month off plan is put down to, by sign.
const REASONS_OVER: [&str; 4] = [
    "Agency and bank nursing above plan to staff escalation beds",
    "Independent sector activity bought to cut long waits",
    "Prescribing cost growth above the national assumption",
    "Continuing healthcare packages above plan",
];
const REASONS_UNDER: [&str; 3] = [
    "Vacancies held in corporate services",
    "Elective recovery income above plan",
    "Slippage on investment in new services",
];

/// Efficiency schemes: body, scheme, share of the body's income saved over the year.
const SCHEMES: [(&str, &str, f64); 9] = [
    (ICB_CODE, "Medicines optimisation", 0.004),
    (ICB_CODE, "Continuing healthcare review", 0.003),
    ("RRV", "Theatre productivity", 0.012),
    ("RRV", "Agency staffing reduction", 0.010),
    ("RNM", "Agency staffing reduction", 0.015),
    ("RNM", "Length of stay", 0.011),
    ("RVC", "Digital rostering", 0.009),
    ("RVM", "Out-of-area placements", 0.014),
    ("RVM", "Estates rationalisation", 0.006),
];

/// A pooled budget: name, kind, host, description, partners with their annual contributions (£m).
type Pool<'a> = (&'a str, &'a str, &'a str, &'a str, Vec<(&'a str, f64)>);

fn pounds(value: f64) -> String {
    Money::from_pence((value * 100.0).round() as i64).to_string()
}

fn row(at: &str, fields: &[(&str, String)]) -> FinanceRow {
    FinanceRow {
        at: at.into(),
        fields: fields
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect(),
    }
}

/// Seeds two financial years: the one before `today`'s and `today`'s, reported to last month.
pub async fn seed_finance(
    store: &Store,
    actor: &Actor,
    host_ids: &HashMap<&str, String>,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let current = FinancialYear::containing(today);
    let previous = FinancialYear {
        start_year: current.start_year - 1,
    };
    // Months of the current year reported: those ended before today's month.
    let reported_now = current.month_index(today).unwrap_or(0);
    let mut rng = ChaCha8Rng::seed_from_u64(202_627);
    let mut revenue = Vec::new();
    let mut pooled = Vec::new();
    let mut efficiency = Vec::new();
    for (year, reported) in [(previous, 12_u8), (current, reported_now)] {
        let rule = if year.start_year >= 2026 {
            ("individual_bodies", "From 2026/27 the ICB and each trust must break even as individual bodies (NHS planning guidance); surpluses elsewhere no longer offset a deficit.")
        } else {
            ("system_aggregate", "The system's NHS bodies were judged together against a system financial plan: deficits could be offset by surpluses elsewhere in the system.")
        };
        let draft = FinancialYearDraft {
            label: year.label(),
            breakeven_rule: rule.0.into(),
            notes: rule.1.into(),
        };
        finance::save_year(store, actor, &draft).await?;
        revenue.extend(revenue_rows(&mut rng, year, reported));
        pooled.extend(pool_rows(store, actor, host_ids, &mut rng, year, reported).await?);
        efficiency.extend(efficiency_rows(&mut rng, year, reported));
    }
    for (dataset, rows) in [
        (Dataset::Revenue, revenue),
        (Dataset::Pooled, pooled),
        (Dataset::Efficiency, efficiency),
    ] {
        finance_load::load(store, actor, dataset, &rows, "demo data", "file", &|_| true).await?;
    }
    Ok(())
}

fn revenue_rows(rng: &mut ChaCha8Rng, year: FinancialYear, reported: u8) -> Vec<FinanceRow> {
    let mut rows = Vec::new();
    for (code, income_m, planned_net_m, drift, spread) in BODIES {
        let income = income_m * 1_000_000.0 / 12.0;
        let expenditure = income - planned_net_m * 1_000_000.0 / 12.0;
        let mut actual_net_to_date = 0.0;
        let mut plan_net_to_date = 0.0;
        for month in 0..12_u8 {
            let period = year.month(month).format("%Y-%m").to_string();
            let plan_income = income + rng.gen_range(-0.002..0.002) * income;
            let plan_expenditure = plan_income - (income - expenditure);
            let mut fields = vec![
                ("organisation", code.to_string()),
                ("month", period.clone()),
                ("plan_income", pounds(plan_income)),
                ("plan_expenditure", pounds(plan_expenditure)),
            ];
            if month < reported {
                let actual_income = plan_income * (1.0 + rng.gen_range(-0.002..0.003));
                let off = drift + spread * (rng.gen::<f64>() * 2.0 - 1.0);
                let actual_expenditure =
                    plan_expenditure + (actual_income - plan_income) - off * plan_expenditure;
                actual_net_to_date += actual_income - actual_expenditure;
                plan_net_to_date += plan_income - plan_expenditure;
                fields.push(("actual_income", pounds(actual_income)));
                fields.push(("actual_expenditure", pounds(actual_expenditure)));
                let variance =
                    (actual_income - actual_expenditure) - (plan_income - plan_expenditure);
                if variance.abs() > 0.0008 * plan_expenditure {
                    let reasons: &[&str] = if variance < 0.0 {
                        &REASONS_OVER
                    } else {
                        &REASONS_UNDER
                    };
                    let reason = reasons[rng.gen_range(0..reasons.len())];
                    fields.push(("variance_reason", reason.into()));
                }
                // From the first quarter's review, bodies report a forecast outturn: plan for the
                // year, adjusted by three-quarters of the variance so far carried forward.
                if month >= 2 {
                    let plan_year = planned_net_m * 1_000_000.0;
                    let run_rate = (actual_net_to_date - plan_net_to_date) / f64::from(month + 1);
                    let forecast = plan_year
                        + (actual_net_to_date - plan_net_to_date)
                        + 0.75 * run_rate * f64::from(11 - month);
                    fields.push(("forecast_outturn", pounds(forecast)));
                }
            }
            rows.push(row(&format!("revenue {code} {period}"), &fields));
        }
    }
    rows
}

async fn pool_rows(
    store: &Store,
    actor: &Actor,
    host_ids: &HashMap<&str, String>,
    rng: &mut ChaCha8Rng,
    year: FinancialYear,
    reported: u8,
) -> Result<Vec<FinanceRow>, StoreError> {
    let (riverside, vale, northmoor) = (
        PLACES[0].council.1,
        PLACES[1].council.1,
        PLACES[2].council.1,
    );
    let pools: [Pool<'_>; 2] = [
        (
            "Riverside Better Care Fund",
            "better_care_fund",
            riverside,
            "The Better Care Fund for Riverside: reablement, discharge support, disabled facilities grants and carers' services, pooled under a section 75 agreement between the ICB and the city council.",
            vec![(ICB_CODE, 38.6), (riverside, 21.4)],
        ),
        (
            "Vale and Northmoor community equipment (section 75)",
            "section_75",
            vale,
            "A pooled budget for community equipment and home adaptations across Vale and Northmoor, hosted by Vale County Council.",
            vec![(ICB_CODE, 6.2), (vale, 3.1), (northmoor, 2.7), (TRUSTS[2].1, 1.1)],
        ),
    ];
    let mut rows = Vec::new();
    for (name, kind, host, description, partners) in pools {
        let draft = PooledBudgetDraft {
            year: year.label(),
            name: name.into(),
            kind: kind.into(),
            host_organisation_id: host_ids[host].clone(),
            description: description.into(),
        };
        finance::create_budget(store, actor, &draft).await?;
        for (code, annual_m) in partners {
            let monthly = annual_m * 1_000_000.0 / 12.0;
            for month in 0..12_u8 {
                let period = year.month(month).format("%Y-%m").to_string();
                let mut fields = vec![
                    ("budget", name.to_string()),
                    ("organisation", code.to_string()),
                    ("month", period.clone()),
                    ("contribution", pounds(monthly)),
                ];
                if month < reported {
                    // Winter pressure pushes spend up from November.
                    let pressure = if (7..=10).contains(&month) { 0.04 } else { 0.0 };
                    let spend = monthly * (1.0 + pressure + rng.gen_range(-0.05..0.05));
                    fields.push(("spend", pounds(spend)));
                }
                rows.push(row(&format!("pool {name} {code} {period}"), &fields));
            }
        }
    }
    Ok(rows)
}

fn efficiency_rows(rng: &mut ChaCha8Rng, year: FinancialYear, reported: u8) -> Vec<FinanceRow> {
    let mut rows = Vec::new();
    for (code, scheme, share) in SCHEMES {
        let income_m = BODIES.iter().find(|b| b.0 == code).map_or(0.0, |b| b.1);
        let annual = income_m * 1_000_000.0 * share;
        // Schemes ramp up: a smaller share of the saving early in the year.
        let delivery: f64 = rng.gen_range(0.65..1.02);
        for month in 0..12_u8 {
            let weight = (0.5 + f64::from(month) / 11.0) / 12.0;
            let planned = annual * weight;
            let period = year.month(month).format("%Y-%m").to_string();
            let mut fields = vec![
                ("organisation", code.to_string()),
                ("scheme", scheme.to_string()),
                ("month", period.clone()),
                ("planned", pounds(planned)),
            ];
            if month < reported {
                let delivered = planned * (delivery + rng.gen_range(-0.08..0.08));
                fields.push(("delivered", pounds(delivered.max(0.0))));
            }
            rows.push(row(
                &format!("efficiency {code} {scheme} {period}"),
                &fields,
            ));
        }
    }
    rows
}
