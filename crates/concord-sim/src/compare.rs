//! Scenario comparison with common random numbers: every scenario runs with the base's seed and
//! replications, so replication r of each sees the same random numbers for every source of
//! randomness they share; the difference of each statistic is taken replication by replication
//! (scenario minus base) and summarised with a Student-t 95% interval. A scenario identical to its
//! base differs by exactly 0; a change downstream leaves what is upstream exactly as it was.

use crate::calendar::DAYS_PER_YEAR;
use crate::engine::Tally;
use crate::model::Model;
use crate::run::{
    node_summary, node_values, partner_costs, replications, summarise, system_value, NodeSummary,
    Report, RunError, RunOptions, RunResult, Values,
};
use crate::stats::Estimate;
use serde::{Deserialize, Serialize};

/// One scenario against the base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioComparison {
    /// The scenario's label (its file name, say).
    pub scenario: String,
    /// The scenario's own results.
    pub results: RunResult,
    /// Per node the base and the scenario share (matched by name): scenario minus base.
    pub differences: Vec<NodeSummary>,
    /// Time in the pathway, scenario minus base.
    pub time_in_system: Estimate,
    /// Nodes in only one of the two, which have no difference.
    pub unmatched: Vec<String>,
    /// What the scenario changes from the base, parameter by parameter ("node.fcp.staffing: 4
    /// servers, was 3"), for the run report.
    #[serde(default)]
    pub changes: Vec<String>,
    /// For each partner (in either), what it pays and what it gains: scenario minus base.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ledger: Vec<PartnerLedger>,
}

/// What one partner pays and gains in a scenario, against the base (scenario minus base, paired
/// replication by replication). A negative cost is a saving; negative contacts are appointments
/// released; negative refusals are referrals no longer turned away.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerLedger {
    /// The partner.
    pub partner: String,
    /// The nodes it runs in the scenario or the base.
    pub runs: Vec<String>,
    /// The change in what it pays a year, in pounds.
    pub cost_per_year: Estimate,
    /// The change in contacts a year at the nodes it runs.
    pub contacts_per_year: Estimate,
    /// The change in people seen a year at the nodes it runs.
    pub seen_per_year: Estimate,
    /// The change in arrivals refused a year at the nodes it runs.
    pub refused_per_year: Estimate,
    /// The change in contacts a year at each node it runs (appointments released or added).
    pub contacts_by_service: Vec<ServiceChange>,
}

/// The change in one service's contacts a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceChange {
    /// The node.
    pub service: String,
    /// Scenario minus base, a year.
    pub contacts_per_year: Estimate,
}

/// Node `name`'s contacts a year in one replication of `model` (0 where it has no such node).
fn service_contacts(model: &Model, tally: &Tally, name: &str) -> f64 {
    let years = model.run.length / (model.calendar.per_day * DAYS_PER_YEAR);
    model
        .nodes
        .iter()
        .position(|n| n.name == name)
        .map_or(0.0, |i| tally.nodes[i].contacts as f64 / years)
}

/// What `model` changes from `base`, parameter by parameter: added, changed and removed.
pub fn changes(base: &Model, model: &Model) -> Vec<String> {
    let before = base.parameters();
    let after = model.parameters();
    let mut out = Vec::new();
    for p in &after {
        match before.iter().find(|b| b.path == p.path) {
            None => out.push(format!("{}: {} (new)", p.path, p.value)),
            Some(b) if b.value != p.value => {
                out.push(format!("{}: {}, was {}", p.path, p.value, b.value))
            }
            Some(_) => {}
        }
    }
    for b in &before {
        if !after.iter().any(|p| p.path == b.path) {
            out.push(format!("{}: removed (was {})", b.path, b.value));
        }
    }
    if base.run != model.run {
        out.push(
            "the run settings differ (the comparison uses the base's seed and replications)".into(),
        );
    }
    out
}

/// A partner's figures a year in one replication: (cost, contacts, seen, refused).
fn partner_year(model: &Model, tally: &Tally, costs: &[f64], name: &str) -> [f64; 4] {
    let years = model.run.length / (model.calendar.per_day * DAYS_PER_YEAR);
    let Some(p) = model.partners.iter().position(|n| n == name) else {
        return [0.0; 4];
    };
    let mut figures = [costs[p], 0.0, 0.0, 0.0];
    for (node, seen) in model.nodes.iter().zip(&tally.nodes) {
        if node.partner == Some(p) {
            figures[1] += seen.contacts as f64;
            figures[2] += seen.seen as f64;
            figures[3] += seen.refused as f64;
        }
    }
    figures.map(|f| f / years)
}

/// The ledger of every partner named in `base` or `model`.
fn ledger(
    base: &Model,
    base_tallies: &[Tally],
    model: &Model,
    tallies: &[Tally],
) -> Vec<PartnerLedger> {
    let mut names: Vec<&String> = model.partners.iter().collect();
    names.extend(base.partners.iter().filter(|p| !model.partners.contains(p)));
    let base_costs: Vec<Vec<f64>> = base_tallies
        .iter()
        .map(|t| partner_costs(base, t))
        .collect();
    let costs: Vec<Vec<f64>> = tallies.iter().map(|t| partner_costs(model, t)).collect();
    names
        .into_iter()
        .map(|name| {
            let mut runs: Vec<String> = Vec::new();
            for m in [model, base] {
                if let Some(p) = m.partners.iter().position(|n| n == name) {
                    for node in m.nodes.iter().filter(|n| n.partner == Some(p)) {
                        if !runs.contains(&node.name) {
                            runs.push(node.name.clone());
                        }
                    }
                }
            }
            let per_replication: Vec<[f64; 4]> = (0..tallies.len())
                .map(|r| {
                    let mine = partner_year(model, &tallies[r], &costs[r], name);
                    let theirs = partner_year(base, &base_tallies[r], &base_costs[r], name);
                    std::array::from_fn(|k| mine[k] - theirs[k])
                })
                .collect();
            let of = |k: usize| paired_values(per_replication.iter().map(|v| v[k]));
            let contacts_by_service = runs
                .iter()
                .map(|service| ServiceChange {
                    service: service.clone(),
                    contacts_per_year: paired_values((0..tallies.len()).map(|r| {
                        service_contacts(model, &tallies[r], service)
                            - service_contacts(base, &base_tallies[r], service)
                    })),
                })
                .collect();
            PartnerLedger {
                contacts_by_service,
                partner: name.clone(),
                runs,
                cost_per_year: of(0),
                contacts_per_year: of(1),
                seen_per_year: of(2),
                refused_per_year: of(3),
            }
        })
        .collect()
}

fn paired_values(differences: impl Iterator<Item = f64>) -> Estimate {
    let differences: Vec<f64> = differences.filter(|d| d.is_finite()).collect();
    if differences.is_empty() {
        return Estimate {
            mean: f64::NAN,
            ci95: [f64::NAN, f64::NAN],
        };
    }
    Estimate::of(&differences)
}

/// A base and its scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// How the differences are made.
    pub method: String,
    /// The base's results.
    pub base: RunResult,
    /// Each scenario against it.
    pub scenarios: Vec<ScenarioComparison>,
}

fn paired(scenario: &[f64], base: &[f64]) -> Estimate {
    paired_values(scenario.iter().zip(base).map(|(s, b)| s - b))
}

/// Runs `base` and each of `scenarios` (label, model) with the base's seed and replications
/// (unless `options` sets them), and gives each scenario's paired differences from the base.
pub fn compare(
    base: &Model,
    scenarios: &[(String, Model)],
    options: RunOptions,
) -> Result<Comparison, RunError> {
    compare_reporting(base, scenarios, options, &|_| {})
}

/// As [`compare`], telling `report` how many replications (of the base and every scenario) are
/// done as they finish.
pub fn compare_reporting(
    base: &Model,
    scenarios: &[(String, Model)],
    options: RunOptions,
    report: &Report<'_>,
) -> Result<Comparison, RunError> {
    let options = RunOptions {
        replications: Some(options.replications.unwrap_or(base.run.replications)),
        seed: Some(options.seed.unwrap_or(base.run.seed)),
        threads: options.threads,
    };
    let (reps, seed, base_tallies) = replications(base, options, report)?;
    let base_result = summarise(base, reps, seed, &base_tallies);
    let mut compared = Vec::with_capacity(scenarios.len());
    for (i, (label, model)) in scenarios.iter().enumerate() {
        let before = reps * (i as u32 + 1);
        let (_, _, tallies) = replications(model, options, &|done| report(before + done))?;
        let mut differences = Vec::new();
        let mut unmatched = Vec::new();
        for (i, node) in model.nodes.iter().enumerate() {
            let Some(j) = base.nodes.iter().position(|b| b.name == node.name) else {
                unmatched.push(node.name.clone());
                continue;
            };
            let mine: Vec<Values> = tallies.iter().map(|t| node_values(model, t, i)).collect();
            let theirs: Vec<Values> = base_tallies
                .iter()
                .map(|t| node_values(base, t, j))
                .collect();
            let diffs: Vec<Values> = mine
                .iter()
                .zip(&theirs)
                .map(|(m, t)| std::array::from_fn(|k| m[k] - t[k]))
                .collect();
            differences.push(node_summary(&node.name, &diffs, false));
            // node_summary drops NaN differences replication by replication, as `paired` does.
        }
        unmatched.extend(
            base.nodes
                .iter()
                .filter(|b| !model.nodes.iter().any(|n| n.name == b.name))
                .map(|b| b.name.clone()),
        );
        let time_in_system = paired(
            &tallies.iter().map(system_value).collect::<Vec<_>>(),
            &base_tallies.iter().map(system_value).collect::<Vec<_>>(),
        );
        compared.push(ScenarioComparison {
            scenario: label.clone(),
            results: summarise(model, reps, seed, &tallies),
            differences,
            time_in_system,
            unmatched,
            changes: changes(base, model),
            ledger: ledger(base, &base_tallies, model, &tallies),
        });
    }
    Ok(Comparison {
        method: "paired differences (scenario minus base) replication by replication, with common random numbers (the same seed, replications and random streams), mean and Student-t 95% confidence interval".into(),
        base: base_result,
        scenarios: compared,
    })
}
