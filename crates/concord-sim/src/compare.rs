//! Scenario comparison with common random numbers: every scenario runs with the base's seed and
//! replications, so replication r of each sees the same random numbers for every source of
//! randomness they share; the difference of each statistic is taken replication by replication
//! (scenario minus base) and summarised with a Student-t 95% interval. A scenario identical to its
//! base differs by exactly 0; a change downstream leaves what is upstream exactly as it was.

use crate::model::Model;
use crate::run::{
    node_summary, node_values, replications, summarise, system_value, NodeSummary, RunError,
    RunOptions, RunResult,
};
use crate::stats::Estimate;
use serde::Serialize;

/// One scenario against the base.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
}

/// A base and its scenarios.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// How the differences are made.
    pub method: String,
    /// The base's results.
    pub base: RunResult,
    /// Each scenario against it.
    pub scenarios: Vec<ScenarioComparison>,
}

fn paired(scenario: &[f64], base: &[f64]) -> Estimate {
    let differences: Vec<f64> = scenario
        .iter()
        .zip(base)
        .map(|(s, b)| s - b)
        .filter(|d| d.is_finite())
        .collect();
    if differences.is_empty() {
        return Estimate {
            mean: f64::NAN,
            ci95: [f64::NAN, f64::NAN],
        };
    }
    Estimate::of(&differences)
}

/// Runs `base` and each of `scenarios` (label, model) with the base's seed and replications
/// (unless `options` sets them), and gives each scenario's paired differences from the base.
pub fn compare(
    base: &Model,
    scenarios: &[(String, Model)],
    options: RunOptions,
) -> Result<Comparison, RunError> {
    let options = RunOptions {
        replications: Some(options.replications.unwrap_or(base.run.replications)),
        seed: Some(options.seed.unwrap_or(base.run.seed)),
        threads: options.threads,
    };
    let (reps, seed, base_tallies) = replications(base, options)?;
    let base_result = summarise(base, reps, seed, &base_tallies);
    let mut compared = Vec::with_capacity(scenarios.len());
    for (label, model) in scenarios {
        let (_, _, tallies) = replications(model, options)?;
        let mut differences = Vec::new();
        let mut unmatched = Vec::new();
        for (i, node) in model.nodes.iter().enumerate() {
            let Some(j) = base.nodes.iter().position(|b| b.name == node.name) else {
                unmatched.push(node.name.clone());
                continue;
            };
            let mine: Vec<[f64; 7]> = tallies.iter().map(|t| node_values(model, t, i)).collect();
            let theirs: Vec<[f64; 7]> = base_tallies
                .iter()
                .map(|t| node_values(base, t, j))
                .collect();
            let diffs: Vec<[f64; 7]> = mine
                .iter()
                .zip(&theirs)
                .map(|(m, t)| std::array::from_fn(|k| m[k] - t[k]))
                .collect();
            differences.push(node_summary(&node.name, &diffs));
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
        });
    }
    Ok(Comparison {
        method: "paired differences (scenario minus base) replication by replication, with common random numbers (the same seed, replications and random streams), mean and Student-t 95% confidence interval".into(),
        base: base_result,
        scenarios: compared,
    })
}
