//! Runs: replications in parallel (rayon), summarised with Student-t 95% confidence intervals, and
//! a run report in the spirit of STRESS-DES (Monks et al. 2019) so every result says how it was
//! made. Each replication has its own random streams and the results are gathered in replication
//! order, so a run gives the same numbers, to the bit, whatever the number of threads.

use crate::engine::{replicate, Tally};
use crate::model::{Model, MAX_REPLICATIONS};
use crate::stats::Estimate;
use rayon::prelude::*;
use serde::Serialize;

/// What a caller may change about a model's own run settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Replications (default: the model's).
    pub replications: Option<u32>,
    /// The seed (default: the model's).
    pub seed: Option<u64>,
    /// Threads (default: one per core).
    pub threads: Option<usize>,
}

/// How the run was made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    /// FNV-1a hash of the model as read (hex).
    pub model_hash: String,
    /// Independent replications.
    pub replications: u32,
    /// How each replication starts.
    pub initialisation: String,
    /// Time simulated before statistics are collected.
    pub warm_up: f64,
    /// Time over which statistics are collected.
    pub length: f64,
    /// The unit of every time.
    pub time_unit: String,
    /// How the intervals are made.
    pub ci_method: String,
    /// The random number generator and how its streams are made.
    pub generator: String,
    /// The seed.
    pub seed: u64,
    /// The queue discipline.
    pub queue_discipline: String,
    /// How the number of replications was chosen.
    pub replication_rule: String,
    /// The software.
    pub software: String,
}

/// One node's statistics over replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeSummary {
    /// The node.
    pub name: String,
    /// Arrivals per time unit, refused ones included.
    pub arrivals: Estimate,
    /// Mean time from arriving at the node to starting service, over those served.
    pub wait: Estimate,
    /// Mean time from arriving at the node to leaving it.
    pub time_in_node: Estimate,
    /// Time-average number waiting.
    pub queue_length: Estimate,
    /// Busy servers over servers, time-averaged.
    pub utilisation: Estimate,
    /// The fraction of arrivals refused because the node was full.
    pub blocked: Estimate,
    /// The fraction of arrivals who left without being seen.
    pub reneged: Estimate,
    /// Per priority class, when the model has classes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<ClassSummary>,
}

/// One priority class's waits at a node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassSummary {
    /// The class.
    pub name: String,
    /// Mean wait before service.
    pub wait: Estimate,
    /// The class's waiting-time target, if it has one.
    pub target: Option<f64>,
    /// The share of those seen who started within the target.
    pub within_target: Option<Estimate>,
}

/// The whole system's statistics over replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SystemSummary {
    /// Mean time from entering the pathway to leaving it.
    pub time_in_system: Estimate,
}

/// A run's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunResult {
    /// Replications run.
    pub replications: u32,
    /// The seed.
    pub seed: u64,
    /// The unit of every time.
    pub time_unit: String,
    /// How the results were made.
    pub run_report: RunReport,
    /// Events simulated over every replication.
    pub events: u64,
    /// Per node, in the model's order.
    pub nodes: Vec<NodeSummary>,
    /// The whole pathway.
    pub system: SystemSummary,
}

/// Why a run could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Replications out of range.
    #[error("replications must be from 1 to {MAX_REPLICATIONS}")]
    Replications,
    /// The thread pool could not be made.
    #[error("could not start {0} threads")]
    Threads(usize),
}

/// The mean of a running statistic, or NaN (shown as null) when nothing was observed.
fn mean_or_nan(running: &crate::stats::Running) -> f64 {
    if running.count() == 0 {
        f64::NAN
    } else {
        running.mean()
    }
}

fn estimate(values: impl Iterator<Item = f64>) -> Estimate {
    let observed: Vec<f64> = values.filter(|v| v.is_finite()).collect();
    if observed.is_empty() {
        return Estimate {
            mean: f64::NAN,
            ci95: [f64::NAN, f64::NAN],
        };
    }
    Estimate::of(&observed)
}

/// Runs the replications of `model` with `options`: (replications, seed, one tally each, in
/// replication order).
pub(crate) fn replications(
    model: &Model,
    options: RunOptions,
) -> Result<(u32, u64, Vec<Tally>), RunError> {
    let replications = options.replications.unwrap_or(model.run.replications);
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        return Err(RunError::Replications);
    }
    let seed = options.seed.unwrap_or(model.run.seed);
    let tallies = replicate_range(model, seed, 0..replications, options.threads)?;
    Ok((replications, seed, tallies))
}

/// Replications `range` of `model`, in parallel on `threads` (default: one per core), gathered
/// in replication order.
fn replicate_range(
    model: &Model,
    seed: u64,
    range: std::ops::Range<u32>,
    threads: Option<usize>,
) -> Result<Vec<Tally>, RunError> {
    let threads = threads.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|_| RunError::Threads(threads))?;
    Ok(pool.install(|| {
        range
            .into_par_iter()
            .map(|r| replicate(model, seed, r))
            .collect()
    }))
}

/// The statistics of node `i` in one replication, in [`STATISTICS`] order (NaN: nothing observed).
pub(crate) fn node_values(model: &Model, tally: &Tally, i: usize) -> [f64; 7] {
    let n = &tally.nodes[i];
    let share = |count: u64| {
        if n.arrivals == 0 {
            f64::NAN
        } else {
            count as f64 / n.arrivals as f64
        }
    };
    [
        n.arrivals as f64 / model.run.length,
        mean_or_nan(&n.wait),
        mean_or_nan(&n.time_in_node),
        n.queue_length,
        n.utilisation,
        share(n.refused),
        share(n.reneged),
    ]
}

/// The statistics of a node, in order.
pub const STATISTICS: [&str; 7] = [
    "arrivals",
    "wait",
    "time_in_node",
    "queue_length",
    "utilisation",
    "blocked",
    "reneged",
];

/// The estimate over replications of each statistic of node `i`.
pub(crate) fn node_summary(name: &str, values: &[[f64; 7]]) -> NodeSummary {
    let of = |k: usize| estimate(values.iter().map(|v| v[k]));
    NodeSummary {
        name: name.to_string(),
        arrivals: of(0),
        wait: of(1),
        time_in_node: of(2),
        queue_length: of(3),
        utilisation: of(4),
        blocked: of(5),
        reneged: of(6),
        classes: Vec::new(),
    }
}

/// The mean time in the system in one replication (NaN: nobody left).
pub(crate) fn system_value(tally: &Tally) -> f64 {
    mean_or_nan(&tally.time_in_system)
}

/// Each class's waits at node `i` over replications.
fn class_summaries(model: &Model, tallies: &[Tally], i: usize) -> Vec<ClassSummary> {
    model
        .classes
        .iter()
        .enumerate()
        .map(|(k, class)| ClassSummary {
            name: class.name.clone(),
            wait: estimate(
                tallies
                    .iter()
                    .map(|t| mean_or_nan(&t.nodes[i].class_wait[k])),
            ),
            target: class.target,
            within_target: class.target.map(|_| {
                estimate(tallies.iter().map(|t| {
                    let seen = t.nodes[i].class_wait[k].count();
                    if seen == 0 {
                        f64::NAN
                    } else {
                        t.nodes[i].class_within_target[k] as f64 / seen as f64
                    }
                }))
            }),
        })
        .collect()
}

/// Runs `model` with `options`.
pub fn run(model: &Model, options: RunOptions) -> Result<RunResult, RunError> {
    let (replications, seed, tallies) = replications(model, options)?;
    Ok(summarise(model, replications, seed, &tallies))
}

/// Runs `model` until every node's mean wait (and the mean time in the pathway) is known to within
/// `precision` (a fraction of the mean: 0.05 is ±5%, the half-width of its 95% interval), doubling
/// the replications from the model's (at least 3) up to `budget`. Replication r is the same
/// whatever the total, so the result equals a plain run with the replications it stopped at.
pub fn run_to_precision(
    model: &Model,
    options: RunOptions,
    precision: f64,
    budget: u32,
) -> Result<RunResult, RunError> {
    let budget = budget.clamp(3, MAX_REPLICATIONS);
    let mut reps = options
        .replications
        .unwrap_or(model.run.replications)
        .clamp(3, budget);
    let (_, seed, mut tallies) = replications(
        model,
        RunOptions {
            replications: Some(reps),
            ..options
        },
    )?;
    loop {
        let result = summarise(model, reps, seed, &tallies);
        let widest = result
            .nodes
            .iter()
            .map(|n| n.wait)
            .chain([result.system.time_in_system])
            .filter(|e| e.mean.is_finite() && e.mean > 0.0)
            .map(|e| e.half_width() / e.mean)
            .fold(0.0_f64, f64::max);
        if widest <= precision || reps >= budget {
            let mut result = result;
            result.run_report.replication_rule = format!(
                "automatic: replications doubled from {} until every node's mean wait and the mean time in the pathway had a 95% interval within ±{}% of the mean, or {budget} were run; {reps} were run, the widest ±{:.1}%",
                options.replications.unwrap_or(model.run.replications).clamp(3, budget),
                precision * 100.0,
                widest * 100.0
            );
            return Ok(result);
        }
        let more = (reps * 2).min(budget);
        let extra = replicate_range(model, seed, reps..more, options.threads)?;
        tallies.extend(extra);
        reps = more;
    }
}

/// The results of `tallies`, the replications of `model`.
pub(crate) fn summarise(
    model: &Model,
    replications: u32,
    seed: u64,
    tallies: &[Tally],
) -> RunResult {
    let length = model.run.length;
    let nodes = model
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let values: Vec<[f64; 7]> = tallies.iter().map(|t| node_values(model, t, i)).collect();
            let mut summary = node_summary(&node.name, &values);
            if model.has_classes {
                summary.classes = class_summaries(model, tallies, i);
            }
            summary
        })
        .collect();
    RunResult {
        replications,
        seed,
        time_unit: model.run.time_unit.clone(),
        run_report: RunReport {
            model_hash: model.hash.clone(),
            replications,
            initialisation: if model.run.warm_up > 0.0 {
                format!(
                    "empty and idle, then a warm-up of {} {}s before statistics are collected",
                    model.run.warm_up, model.run.time_unit
                )
            } else {
                "empty and idle; statistics from time 0".into()
            },
            warm_up: model.run.warm_up,
            length,
            time_unit: model.run.time_unit.clone(),
            ci_method: "mean over replications with a Student-t 95% confidence interval".into(),
            generator: "ChaCha8 (rand_chacha 0.3): one stream per replication and source of randomness (a source's arrivals, a node's service times, a node's routing), the same in every scenario".into(),
            seed,
            queue_discipline: "by priority class, then first come, first served; service is not interrupted".into(),
            replication_rule: format!("fixed: {replications} replications"),
            software: format!("concord-sim {}", env!("CARGO_PKG_VERSION")),
        },
        events: tallies.iter().map(|t| t.events).sum(),
        nodes,
        system: SystemSummary {
            time_in_system: estimate(tallies.iter().map(system_value)),
        },
    }
}
