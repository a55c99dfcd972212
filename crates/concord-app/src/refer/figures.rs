//! How referrals are going, for commissioners and boards: counts by place, primary care network,
//! practice, service or need; the wait from referral to first contact as a Making Data Count
//! chart; ONS4 and UCLA-3 change from first contact to follow-up with 95% confidence intervals;
//! and who is referred, declined and not reached, by age, sex and deprivation, beside the cohort
//! they were drawn from. Every count passes the system's disclosure rule; a share is shown only
//! where both its counts are, and a mean only for at least as many people as the rule's
//! threshold. Nothing here names a person.

use crate::population::{Population, PopulationError};
use concord_domain::calendar::working_days_between;
use concord_domain::ethnicity::EthnicGroup;
use concord_domain::format::uk_date;
use concord_domain::referral::outcome::{Ons4Item, OutcomeStage};
use concord_domain::referral::{ReferralReason, ReferralStatus};
use concord_measure::spc::{self, ImprovementDirection, SpcOptions};
use concord_population::disclosure::{protect_table, DisclosureRule, ProtectedTable, Shown};
use concord_store::population as registry;
use concord_store::referrals::{self, RecordedOutcome, ReferralFact};
use concord_store::{Store, StoreError};
use std::collections::{BTreeMap, HashMap};

concord_domain::vocabulary! {
    /// What referrals are counted by.
    By {
        Place => ("place", "Place"),
        Pcn => ("pcn", "Primary care network"),
        Practice => ("practice", "GP practice"),
        Service => ("service", "Service"),
        Need => ("need", "Need"),
    }
}

/// Where referrals are, the columns of every count table: each referral in one of them.
pub const STAGES: [&str; 6] = [
    "Waiting for a reply",
    "Being supported",
    "Completed",
    "Declined",
    "Ended early",
    "Cancelled",
];

fn stage(status: ReferralStatus) -> usize {
    match status {
        ReferralStatus::Draft | ReferralStatus::Requested | ReferralStatus::Received => 0,
        ReferralStatus::Accepted | ReferralStatus::InProgress | ReferralStatus::OnHold => 1,
        ReferralStatus::Completed => 2,
        ReferralStatus::Rejected => 3,
        ReferralStatus::Failed => 4,
        ReferralStatus::Cancelled | ReferralStatus::EnteredInError => 5,
    }
}

/// A table of counts by some grouping, published.
#[derive(Debug, Clone)]
pub struct CountTable {
    /// The groups, in order.
    pub rows: Vec<String>,
    /// The columns' headings.
    pub columns: Vec<String>,
    /// The counts, protected by the disclosure rule.
    pub table: ProtectedTable,
    /// Per row, the share of replies that accepted, where its counts are shown ("–" otherwise).
    pub accepted_share: Vec<String>,
    /// The same for all rows together.
    pub total_accepted_share: String,
}

/// ONS4 or UCLA-3 change for the people with both answers.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeChange {
    /// The measure.
    pub measure: String,
    /// Which way is better, in words.
    pub better: &'static str,
    /// People with both answers, as the disclosure rule publishes the count.
    pub people: String,
    /// Means at first contact and at follow-up, the mean change and its 95% interval.
    pub first: f64,
    /// At follow-up.
    pub follow_up: f64,
    /// Follow-up less first contact.
    pub change: f64,
    /// 95% interval of the change.
    pub interval: (f64, f64),
}

/// The wait to first contact, month by month.
#[derive(Debug, Clone)]
pub struct WaitChart {
    /// The chart as SVG, when there are enough months.
    pub svg: Option<String>,
    /// Each month shown: its label, the median wait in working days and how many first
    /// contacts (as the disclosure rule publishes the count).
    pub months: Vec<(String, f64, String)>,
    /// Why no chart is drawn, if none is.
    pub why_not: Option<String>,
}

/// The figures.
#[derive(Debug, Clone)]
pub struct Figures {
    /// The first and last day counted.
    pub window: (chrono::NaiveDate, chrono::NaiveDate),
    /// What the main table is by.
    pub by: By,
    /// Referrals by `by` and where they are.
    pub counts: CountTable,
    /// Waits to first contact.
    pub waits: WaitChart,
    /// ONS4 items and UCLA-3, first contact to follow-up, as at the start of this month.
    pub outcomes: Vec<OutcomeChange>,
    /// The day the outcome figures are as at (the first of this month).
    pub outcomes_as_at: chrono::NaiveDate,
    /// The least number of people a mean is shown for.
    pub min_people: usize,
    /// Who is referred and what happened, by age band, sex, deprivation decile and ethnic group.
    pub equity: Vec<(String, CountTable)>,
    /// The cohort the demo's and the worklists' referrals are drawn from, by deprivation decile:
    /// (decile, share of the cohort), when it can be counted.
    pub cohort_by_decile: Option<(String, Vec<(String, String)>)>,
    /// The disclosure rule in words.
    pub rule: String,
}

/// Columns of the equity tables.
pub const EQUITY_COLUMNS: [&str; 5] = [
    "Waiting or being supported",
    "Completed",
    "Declined by the service",
    "Not reached",
    "Other endings",
];

fn equity_column(fact: &ReferralFact) -> usize {
    match fact.status {
        ReferralStatus::Completed => 1,
        ReferralStatus::Rejected => 2,
        ReferralStatus::Failed if fact.status_reason == Some(ReferralReason::CouldNotContact) => 3,
        ReferralStatus::Failed | ReferralStatus::Cancelled | ReferralStatus::EnteredInError => 4,
        _ => 0,
    }
}

/// Counts `facts` into a protected table of `groups` × `columns`.
fn count_table(
    facts: &[&ReferralFact],
    group: impl Fn(&ReferralFact) -> String,
    columns: &[&str],
    column: impl Fn(&ReferralFact) -> usize,
    rule: &DisclosureRule,
    order: Option<&[String]>,
) -> CountTable {
    let mut counts: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for fact in facts {
        counts
            .entry(group(fact))
            .or_insert_with(|| vec![0; columns.len()])[column(fact)] += 1;
    }
    let rows: Vec<String> = match order {
        Some(order) => order
            .iter()
            .filter(|k| counts.contains_key(*k))
            .cloned()
            .collect(),
        None => counts.keys().cloned().collect(),
    };
    let cells: Vec<Vec<u64>> = rows.iter().map(|r| counts[r].clone()).collect();
    let table = protect_table(&cells, rule);
    // The share accepted, from the published counts only (so it tells nothing the table does
    // not): those being supported, completed or ended early (all accepted first) against
    // those and the declined; none where any of them is held back, and none for tables
    // whose columns are not the stages.
    let published = |cells: &[Shown]| -> Option<u64> {
        cells.iter().try_fold(0, |total, cell| match cell {
            Shown::Count(n) => Some(total + n),
            _ => None,
        })
    };
    let share_of = |cells: &[Shown]| -> String {
        // Not for tables whose columns are not the stages, nor for an empty table (no
        // referrals at all: the protected table then has no cells).
        if columns != STAGES.as_slice() || cells.len() < STAGES.len() {
            return "–".into();
        }
        let accepted = published(&[cells[1], cells[2], cells[4]]);
        let declined = published(&[cells[3]]);
        match (accepted, declined) {
            (Some(a), Some(d)) if a + d > 0 => {
                concord_domain::format::percent(100.0 * a as f64 / (a + d) as f64, 0)
            }
            _ => "–".into(),
        }
    };
    let accepted_share = table.cells.iter().map(|row| share_of(row)).collect();
    let total_accepted_share = share_of(&table.column_totals);
    CountTable {
        rows,
        columns: columns.iter().map(|c| c.to_string()).collect(),
        table,
        accepted_share,
        total_accepted_share,
    }
}

/// The day (in the UK) of a stored moment.
pub(crate) fn date_of(stamp: &str) -> Option<chrono::NaiveDate> {
    concord_store::parse_timestamp(stamp).map(uk_date)
}

/// The fewest people a median, mean or share is given for under `rule`: its threshold (at least 2).
pub(crate) fn min_people(rule: &DisclosureRule) -> usize {
    usize::try_from(rule.suppress_below).unwrap_or(10).max(2)
}

/// The median of whole numbers (a half where their number is even); 0 for none.
pub(crate) fn median(values: &[u32]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => f64::from(sorted[n / 2]),
        _ => (f64::from(sorted[n / 2 - 1]) + f64::from(sorted[n / 2])) / 2.0,
    }
}

/// Month-by-month median working days from referral to first contact, and its XmR chart.
fn waits(facts: &[&ReferralFact], min_people: usize, rule: &DisclosureRule) -> WaitChart {
    let mut by_month: BTreeMap<(i32, u32), Vec<u32>> = BTreeMap::new();
    for fact in facts {
        let (Some(sent), Some(first)) = (
            date_of(&fact.sent_at),
            fact.first_contact_at.as_deref().and_then(date_of),
        ) else {
            continue;
        };
        use chrono::Datelike;
        by_month
            .entry((first.year(), first.month()))
            .or_default()
            .push(working_days_between(sent, first));
    }
    let counted: Vec<(String, f64, usize)> = by_month
        .into_iter()
        .filter(|(_, waits)| waits.len() >= min_people)
        .map(|((y, m), waits)| {
            let n = waits.len();
            let median = median(&waits);
            let label = chrono::NaiveDate::from_ymd_opt(y, m, 1)
                .map(concord_domain::format::month)
                .unwrap_or_default();
            (label, median, n)
        })
        .collect();
    let counts: Vec<u64> = counted.iter().map(|m| m.2 as u64).collect();
    let (shown, _) = concord_population::disclosure::protect_list(&counts, rule);
    let months: Vec<(String, f64, String)> = counted
        .into_iter()
        .zip(shown)
        .map(|((label, median, _), n)| (label, median, n.to_string()))
        .collect();
    if months.len() < 12 {
        return WaitChart {
            svg: None,
            why_not: Some(format!(
                "A Making Data Count chart needs at least 12 months with {min_people} or more first contacts; there are {}.",
                months.len()
            )),
            months,
        };
    }
    let values: Vec<f64> = months.iter().map(|m| m.1).collect();
    let options = SpcOptions {
        improvement: ImprovementDirection::Decrease,
        ..SpcOptions::default()
    };
    match spc::xmr(&values, &options) {
        Ok(chart) => {
            let labels = spc::svg::ChartLabels {
                title: "Median wait from referral to first contact".into(),
                unit: "working days".into(),
                x_labels: months.iter().map(|m| m.0.clone()).collect(),
                note: String::new(),
                events: Vec::new(),
            };
            WaitChart {
                svg: Some(spc::svg::render(&chart, &labels)),
                months,
                why_not: None,
            }
        }
        Err(err) => WaitChart {
            svg: None,
            months,
            why_not: Some(err.to_string()),
        },
    }
}

/// Mean change from first contact to follow-up, with its 95% interval (paired t), for the
/// people with both; none for fewer than `min_people`.
pub fn paired_change(
    pairs: &[(f64, f64)],
    min_people: usize,
) -> Option<(f64, f64, f64, (f64, f64))> {
    let n = pairs.len();
    if n < min_people.max(2) {
        return None;
    }
    let mean = |f: &dyn Fn(&(f64, f64)) -> f64| pairs.iter().map(f).sum::<f64>() / n as f64;
    let first = mean(&|p| p.0);
    let later = mean(&|p| p.1);
    let change = later - first;
    let variance = pairs
        .iter()
        .map(|p| (p.1 - p.0 - change).powi(2))
        .sum::<f64>()
        / (n - 1) as f64;
    let half = concord_sim::stats::t_975((n - 1) as u64) * (variance / n as f64).sqrt();
    Some((first, later, change, (change - half, change + half)))
}

/// The change for people whose follow-up was recorded before `before` (RFC 3339): the figures
/// move once a month, so two days' figures cannot be set against each other to find one
/// person's answers; the number of people is published by the disclosure rule.
fn outcome_changes(
    outcomes: &[(String, RecordedOutcome)],
    min_people: usize,
    before: &str,
    rule: &DisclosureRule,
) -> Vec<OutcomeChange> {
    let people = |n: usize| {
        concord_population::disclosure::protect_list(&[n as u64], rule)
            .1
            .to_string()
    };
    // Each referral's first answers at first contact and last at follow-up.
    let mut first: HashMap<&str, &RecordedOutcome> = HashMap::new();
    let mut follow: HashMap<&str, &RecordedOutcome> = HashMap::new();
    for (id, o) in outcomes
        .iter()
        .filter(|(_, o)| o.recorded_at.as_str() < before)
    {
        match o.stage {
            OutcomeStage::FirstContact => {
                first.entry(id.as_str()).or_insert(o);
            }
            OutcomeStage::FollowUp => {
                follow.insert(id.as_str(), o);
            }
        }
    }
    let mut ids: Vec<&str> = first
        .keys()
        .copied()
        .filter(|id| follow.contains_key(id))
        .collect();
    ids.sort_unstable();
    let mut out = Vec::new();
    for (i, item) in Ons4Item::ALL.iter().enumerate() {
        let pairs: Vec<(f64, f64)> = ids
            .iter()
            .filter_map(|id| {
                Some((
                    f64::from(first[id].ons4?[i]),
                    f64::from(follow[id].ons4?[i]),
                ))
            })
            .collect();
        if let Some((a, b, c, ci)) = paired_change(&pairs, min_people) {
            out.push(OutcomeChange {
                measure: format!("{} (ONS, 0 to 10)", item.short_name()),
                better: if item.higher_is_better() {
                    "higher is better"
                } else {
                    "lower is better"
                },
                people: people(pairs.len()),
                first: a,
                follow_up: b,
                change: c,
                interval: ci,
            });
        }
    }
    let pairs: Vec<(f64, f64)> = ids
        .iter()
        .filter_map(|id| {
            let a: u8 = first[id].ucla?.iter().sum();
            let b: u8 = follow[id].ucla?.iter().sum();
            Some((f64::from(a), f64::from(b)))
        })
        .collect();
    if let Some((a, b, c, ci)) = paired_change(&pairs, min_people) {
        out.push(OutcomeChange {
            measure: "Loneliness (UCLA 3-item, 3 to 9)".into(),
            better: "lower is better",
            people: people(pairs.len()),
            first: a,
            follow_up: b,
            change: c,
            interval: ci,
        });
    }
    out
}

/// The row for people whose ethnic group was not stated or is not known.
const NOT_STATED: &str = "Not stated or not known";

fn age_band(age: Option<i64>) -> String {
    match age {
        None => "Not known".into(),
        Some(a) if a < 65 => "Under 65".into(),
        Some(a) if a < 75 => "65 to 74".into(),
        Some(a) if a < 85 => "75 to 84".into(),
        Some(_) => "85 and over".into(),
    }
}

/// The figures for referrals sent in the 12 months to today, counted by `by`.
pub async fn figures(
    store: &Store,
    population: &Population,
    by: By,
) -> Result<Figures, StoreError> {
    let today = uk_date(chrono::Utc::now());
    let first_day = today - chrono::Duration::days(364);
    let since = concord_store::format_timestamp(
        first_day.and_hms_opt(0, 0, 0).expect("midnight").and_utc() - chrono::Duration::hours(1),
    );
    // Waits are charted over two years (a Making Data Count chart needs history); everything
    // else counts the last twelve months.
    let chart_since =
        concord_store::format_timestamp(chrono::Utc::now() - chrono::Duration::days(2 * 366));
    let all = referrals::facts(store, &chart_since).await?;
    let facts: Vec<&ReferralFact> = all
        .iter()
        .filter(|f| date_of(&f.sent_at).is_some_and(|d| d >= first_day && d <= today))
        .collect();
    let charted: Vec<&ReferralFact> = all.iter().collect();
    let rule = population.rule();
    let min_people = min_people(&rule);
    let networks: HashMap<String, (String, String)> = registry::practice_networks(store)
        .await?
        .into_iter()
        .map(|n| (n.code, (n.pcn, n.place)))
        .collect();
    let self_referred = "Self-referral (no practice)".to_string();
    let group = |fact: &ReferralFact| -> String {
        let code = fact.practice.as_ref().map(|p| p.0.clone());
        match by {
            By::Service => format!("{} ({})", fact.service_name, fact.receiving_name),
            By::Need => fact.need.clone().unwrap_or_else(|| "Not said".into()),
            By::Practice => fact
                .practice
                .as_ref()
                .map_or(self_referred.clone(), |p| p.1.clone()),
            By::Pcn => code
                .and_then(|c| networks.get(&c).map(|n| n.0.clone()))
                .unwrap_or_else(|| self_referred.clone()),
            By::Place => code
                .and_then(|c| networks.get(&c).map(|n| n.1.clone()))
                .unwrap_or_else(|| self_referred.clone()),
        }
    };
    let counts = count_table(&facts, group, &STAGES, |f| stage(f.status), &rule, None);
    use chrono::Datelike;
    let month_start = today.with_day(1).expect("the first of the month");
    let outcomes_before = concord_store::format_timestamp(
        month_start
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc(),
    );
    let outcomes = outcome_changes(
        &referrals::outcome_facts(store, &since).await?,
        min_people,
        &outcomes_before,
        &rule,
    );
    let ages: Vec<String> = [
        "Under 65",
        "65 to 74",
        "75 to 84",
        "85 and over",
        "Not known",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let deciles: Vec<String> = (1..=10)
        .map(|d| {
            format!(
                "Decile {d}{}",
                match d {
                    1 => " (most deprived)",
                    10 => " (least deprived)",
                    _ => "",
                }
            )
        })
        .chain(std::iter::once("Not known".to_string()))
        .collect();
    let decile = |f: &ReferralFact| match f.deprivation_decile {
        Some(d) if (1..=10).contains(&d) => deciles[(d - 1) as usize].clone(),
        _ => "Not known".into(),
    };
    let ethnic_groups: Vec<String> = EthnicGroup::ALL
        .iter()
        .map(|g| g.label().to_string())
        .chain(std::iter::once(NOT_STATED.to_string()))
        .collect();
    let ethnicity = |f: &ReferralFact| {
        f.ethnicity
            .map_or(NOT_STATED.to_string(), |g| g.label().to_string())
    };
    let sex = |f: &ReferralFact| match f.sex.as_deref() {
        Some("female") => "Female".to_string(),
        Some("male") => "Male".to_string(),
        Some(other) if !other.is_empty() => concord_domain::format::heading(other),
        _ => "Not known".to_string(),
    };
    let equity = vec![
        (
            "Age when referred".to_string(),
            count_table(
                &facts,
                |f| age_band(f.age),
                &EQUITY_COLUMNS,
                equity_column,
                &rule,
                Some(&ages),
            ),
        ),
        (
            "Sex".to_string(),
            count_table(&facts, sex, &EQUITY_COLUMNS, equity_column, &rule, None),
        ),
        (
            "Deprivation of the neighbourhood (national IMD decile)".to_string(),
            count_table(
                &facts,
                decile,
                &EQUITY_COLUMNS,
                equity_column,
                &rule,
                Some(&deciles),
            ),
        ),
        (
            "Ethnic group (the NHS's broad groups)".to_string(),
            count_table(
                &facts,
                ethnicity,
                &EQUITY_COLUMNS,
                equity_column,
                &rule,
                Some(&ethnic_groups),
            ),
        ),
    ];
    // The cohort most of the year's referrals were drawn from (their worklist's).
    let mut drawn_from: HashMap<&str, usize> = HashMap::new();
    for fact in &facts {
        if let Some(id) = &fact.cohort_id {
            *drawn_from.entry(id.as_str()).or_default() += 1;
        }
    }
    let cohort = drawn_from
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(id, _)| id.to_string());
    let cohort_by_decile = match cohort {
        Some(id) => cohort_deciles(store, population, &id).await.unwrap_or(None),
        None => None,
    };
    Ok(Figures {
        window: (first_day, today),
        by,
        waits: waits(&charted, min_people, &rule),
        outcomes_as_at: month_start,
        counts,
        outcomes,
        min_people,
        equity,
        cohort_by_decile,
        rule: rule.describe(),
    })
}

/// Cohort `cohort_id`'s published counts by deprivation decile (when it is broken down so), as
/// shares: the people referrals are drawn from.
async fn cohort_deciles(
    store: &Store,
    population: &Population,
    cohort_id: &str,
) -> Result<Option<(String, Vec<(String, String)>)>, PopulationError> {
    let saved = registry::cohort(store, cohort_id).await?;
    let cohort = registry::check_definition(&saved.definition)?;
    let Some(report) = crate::population::cohorts::count(population, store, cohort).await? else {
        return Ok(None);
    };
    let Some(breakdown) = report.breakdowns.iter().find(|b| b.by == ["imd_decile"]) else {
        return Ok(None);
    };
    let counts: Vec<Option<u64>> = breakdown
        .table
        .row_totals
        .iter()
        .map(|shown| match shown {
            Shown::Count(n) => Some(*n),
            _ => None,
        })
        .collect();
    let total: u64 = counts.iter().flatten().sum();
    if total == 0 {
        return Ok(None);
    }
    let shares = breakdown
        .rows
        .iter()
        .zip(&counts)
        .map(|(row, n)| {
            (
                row.clone(),
                n.map_or("–".into(), |n| {
                    concord_domain::format::percent(100.0 * n as f64 / total as f64, 0)
                }),
            )
        })
        .collect();
    Ok(Some((saved.name, shares)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paired_change_has_the_t_interval_of_its_differences() {
        // Differences 1, 2, 3, 4, 5: mean 3, sd sqrt(2.5), t(0.975, 4) = 2.776445105:
        // half-width 2.776445105 * sqrt(2.5 / 5) = 1.963243.
        let pairs: Vec<(f64, f64)> = (1..=5).map(|d| (5.0, 5.0 + f64::from(d))).collect();
        let (first, later, change, (low, high)) = paired_change(&pairs, 5).unwrap();
        assert_eq!((first, later, change), (5.0, 8.0, 3.0));
        assert!((low - (3.0 - 1.963_243)).abs() < 1e-5, "{low}");
        assert!((high - (3.0 + 1.963_243)).abs() < 1e-5, "{high}");
        assert_eq!(paired_change(&pairs[..4], 5), None);
    }

    #[test]
    fn every_status_has_one_place_in_the_counts() {
        for status in ReferralStatus::ALL {
            assert!(stage(*status) < STAGES.len());
        }
        assert_eq!(stage(ReferralStatus::Received), 0);
        assert_eq!(stage(ReferralStatus::OnHold), 1);
    }
}
