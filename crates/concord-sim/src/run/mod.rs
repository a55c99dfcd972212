//! Runs: replications in parallel (rayon), summarised with Student-t 95% confidence intervals, and
//! a run report in the spirit of STRESS-DES (Monks et al. 2019) so every result says how it was
//! made. Each replication has its own random streams and the results are gathered in replication
//! order, so a run gives the same numbers, to the bit, whatever the number of threads.

mod summary;

pub(crate) use summary::{node_summary, node_values, partner_costs, Values};
pub use summary::{
    ClassSummary, Fan, NodeSummary, OverTime, PartnerSummary, WaitPercentiles, STATISTICS,
};

use crate::engine::{replicate_collecting, Collect, Tally};
use crate::model::{Model, MAX_REPLICATIONS};
use crate::stats::Estimate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use summary::{class_summaries, estimate, mean_or_nan, over_time, partner_summaries};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// How each source's arrivals come.
    pub arrivals: Vec<String>,
    /// How time maps to the calendar (rosters, profiles, waiting lists).
    pub calendar: String,
    /// How percentiles and results over time are made.
    pub statistics: String,
    /// How the number of replications was chosen.
    pub replication_rule: String,
    /// The software.
    pub software: String,
}

/// The whole system's statistics over replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemSummary {
    /// Mean time from entering the pathway to leaving it.
    pub time_in_system: Estimate,
}

/// A run's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// What each partner pays, when the model has costs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<PartnerSummary>,
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

/// Runs the replications of `model` with `options`: (replications, seed, one tally each, in
/// replication order).
pub(crate) fn replications(
    model: &Model,
    options: RunOptions,
    report: &Report<'_>,
) -> Result<(u32, u64, Vec<Tally>), RunError> {
    let replications = options.replications.unwrap_or(model.run.replications);
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        return Err(RunError::Replications);
    }
    let seed = options.seed.unwrap_or(model.run.seed);
    let tallies = replicate_range(model, seed, 0..replications, options.threads, report)?;
    Ok((replications, seed, tallies))
}

/// The most values of results over time a run keeps (nodes x intervals x replications x 3).
pub const MAX_SERIES_VALUES: f64 = 30_000_000.0;

/// Whether a run of `replications` gathers results over time (within [`MAX_SERIES_VALUES`]).
fn gathers_series(model: &Model, replications: u32) -> bool {
    let intervals = ((model.run.warm_up + model.run.length) / model.run.report_every).ceil();
    model.nodes.len() as f64 * intervals * f64::from(replications) * 3.0 <= MAX_SERIES_VALUES
}

/// Told how many replications are done so far, as they finish (in batches).
pub type Report<'a> = dyn Fn(u32) + Sync + 'a;

/// Replications `range` of `model`, in parallel on `threads` (default: one per core), gathered
/// in replication order, in batches of a few per thread, telling `report` after each batch how
/// many of the range are done. Batching changes nothing: replication r is the same whatever runs
/// beside it.
fn replicate_range(
    model: &Model,
    seed: u64,
    range: std::ops::Range<u32>,
    threads: Option<usize>,
    report: &Report<'_>,
) -> Result<Vec<Tally>, RunError> {
    let threads = threads.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|_| RunError::Threads(threads))?;
    let collect = Collect {
        series: gathers_series(model, range.end),
        trace: false,
    };
    let batch = u32::try_from(pool.current_num_threads() * 4)
        .unwrap_or(u32::MAX)
        .max(1);
    let mut tallies = Vec::with_capacity(range.len());
    let mut from = range.start;
    while from < range.end {
        let to = from.saturating_add(batch).min(range.end);
        let done: Vec<Tally> = pool.install(|| {
            (from..to)
                .into_par_iter()
                .map(|r| replicate_collecting(model, seed, r, collect))
                .collect()
        });
        tallies.extend(done);
        report(to - range.start);
        from = to;
    }
    Ok(tallies)
}

/// The mean time in the system in one replication (NaN: nobody left).
pub(crate) fn system_value(tally: &Tally) -> f64 {
    mean_or_nan(&tally.time_in_system)
}

/// Runs `model` with `options`.
pub fn run(model: &Model, options: RunOptions) -> Result<RunResult, RunError> {
    run_reporting(model, options, &|_| {})
}

/// Runs `model` with `options`, telling `report` how many replications are done as they finish.
pub fn run_reporting(
    model: &Model,
    options: RunOptions,
    report: &Report<'_>,
) -> Result<RunResult, RunError> {
    let (replications, seed, tallies) = replications(model, options, report)?;
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
        &|_| {},
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
        let extra = replicate_range(model, seed, reps..more, options.threads, &|_| {})?;
        tallies.extend(extra);
        reps = more;
    }
}

/// How each replication starts, in words.
fn initialisation(model: &Model) -> String {
    let mut said = if model.run.warm_up > 0.0 {
        format!(
            "a warm-up of {} {}s before statistics are collected",
            model.run.warm_up, model.run.time_unit
        )
    } else {
        "statistics from time 0".into()
    };
    let lists: Vec<String> = model
        .nodes
        .iter()
        .filter(|n| !n.initial.is_empty())
        .map(|n| format!("{} already waiting at {}", n.initial.len(), n.name))
        .collect();
    if lists.is_empty() {
        format!("empty and idle, then {said}")
    } else {
        said = format!(
            "from today's waiting list ({}; their waits count from their referral dates), otherwise empty and idle; {said}",
            lists.join(", ")
        );
        said
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
            let values: Vec<Values> = tallies.iter().map(|t| node_values(model, t, i)).collect();
            let mut summary = node_summary(&node.name, &values, true);
            if model.has_classes {
                summary.classes = class_summaries(model, tallies, i);
            }
            summary.over_time = over_time(model, tallies, i);
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
            initialisation: initialisation(model),
            warm_up: model.run.warm_up,
            length,
            time_unit: model.run.time_unit.clone(),
            ci_method: "mean over replications with a Student-t 95% confidence interval".into(),
            generator: "ChaCha8 (rand_chacha 0.3): one stream per replication and source of randomness (a source's arrivals; a node's service times, routing, patience and attendance), the same in every scenario".into(),
            seed,
            queue_discipline: "by priority class, then first come, first served; service is not interrupted".into(),
            arrivals: model
                .sources
                .iter()
                .map(|s| format!("{}: {}", s.name, s.described))
                .collect(),
            calendar: match model.run.start {
                Some(start) => format!("time 0 is midnight at the start of {start}; rosters close on England and Wales bank holidays unless they say otherwise"),
                None => "time 0 is midnight at the start of a Monday (the model gives no date)".into(),
            },
            statistics: format!(
                "{}; results over time in intervals of {} {}s from time 0, as the mean and percentiles over replications{}",
                summary::percentiles_described(),
                model.run.report_every,
                model.run.time_unit,
                if tallies.iter().all(|t| t.nodes.iter().all(|n| n.series.is_some())) { "" } else { " (not gathered: too many values for one run)" }
            ),
            replication_rule: format!("fixed: {replications} replications"),
            software: format!("concord-sim {}", env!("CARGO_PKG_VERSION")),
        },
        events: tallies.iter().map(|t| t.events).sum(),
        nodes,
        system: SystemSummary {
            time_in_system: estimate(tallies.iter().map(system_value)),
        },
        partners: partner_summaries(model, tallies),
    }
}
