//! `concord sim run MODEL.toml`: simulates a pathway model and prints its statistics with 95%
//! confidence intervals, as JSON for programs, CSV, or a table for people.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use concord_sim::model::MAX_MODEL_BYTES;
use concord_sim::stats::Estimate;
use concord_sim::{compare, run, Comparison, Model, RunOptions, RunResult};
use std::io::Read;
use std::path::PathBuf;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Everything, with the run report, as JSON.
    Json,
    /// One row per node and statistic: node, statistic, mean, low, high.
    Csv,
    /// A table for people.
    Table,
}

/// `concord sim` commands.
#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// Simulate a model (TOML) and print its statistics with 95% confidence intervals.
    Run(RunArgs),
    /// Compare scenarios with a base: paired differences (common random numbers) with 95%
    /// confidence intervals.
    Compare(CompareArgs),
}

/// The arguments of `concord sim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The base model (TOML); its seed and replications are used for every scenario.
    base: PathBuf,
    /// The scenario models.
    #[arg(required = true)]
    scenarios: Vec<PathBuf>,
    /// Replications (default: the base's).
    #[arg(long)]
    replications: Option<u32>,
    /// The seed (default: the base's).
    #[arg(long)]
    seed: Option<u64>,
    /// Threads (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// How to print the comparison (json or table).
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

/// The arguments of `concord sim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The model file (TOML).
    model: PathBuf,
    /// Replications (default: the model's).
    #[arg(long)]
    replications: Option<u32>,
    /// The seed (default: the model's).
    #[arg(long)]
    seed: Option<u64>,
    /// Threads (default: one per core). The numbers are the same whatever this is.
    #[arg(long)]
    threads: Option<usize>,
    /// Add replications until every mean wait is known to within this fraction of itself (0.05:
    /// a 95% interval within ±5%), doubling from --replications up to --max-replications.
    #[arg(long)]
    precision: Option<f64>,
    /// The most replications --precision may run.
    #[arg(long, default_value_t = 1000)]
    max_replications: u32,
    /// How to print the results.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

/// Runs a `concord sim` command.
pub fn run_command(command: &SimCommand) -> Result<()> {
    match command {
        SimCommand::Run(args) => run_model(args),
        SimCommand::Compare(args) => compare_models(args),
    }
}

fn read_model(path: &PathBuf) -> Result<Model> {
    let file =
        std::fs::File::open(path).with_context(|| format!("could not open {}", path.display()))?;
    let mut text = String::new();
    file.take(MAX_MODEL_BYTES as u64 + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("could not read {} as text", path.display()))?;
    let mut model =
        Model::from_toml(&text).map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))?;
    // Waiting lists are named relative to the model file.
    let dir = path
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    for node in 0..model.nodes.len() {
        let Some(file) = model.nodes[node].waiting_list_file.clone() else {
            continue;
        };
        let list = dir.join(&file);
        let handle = std::fs::File::open(&list)
            .with_context(|| format!("could not open the waiting list {}", list.display()))?;
        let mut csv = String::new();
        handle
            .take(MAX_WAITING_LIST_BYTES + 1)
            .read_to_string(&mut csv)
            .with_context(|| format!("could not read {} as text", list.display()))?;
        if csv.len() as u64 > MAX_WAITING_LIST_BYTES {
            anyhow::bail!(
                "{} is larger than {} MB",
                list.display(),
                MAX_WAITING_LIST_BYTES / 1024 / 1024
            );
        }
        model
            .attach_waiting_list(node, &csv)
            .map_err(|err| anyhow::anyhow!("{}: {err}", list.display()))?;
    }
    Ok(model)
}

/// The largest waiting-list file read (about 4 million people).
const MAX_WAITING_LIST_BYTES: u64 = 64 * 1024 * 1024;

fn run_model(args: &RunArgs) -> Result<()> {
    let model = read_model(&args.model)?;
    let started = std::time::Instant::now();
    let options = RunOptions {
        replications: args.replications,
        seed: args.seed,
        threads: args.threads,
    };
    let result = match args.precision {
        Some(p) if p.is_finite() && p > 0.0 => {
            concord_sim::run_to_precision(&model, options, p, args.max_replications)?
        }
        Some(p) => {
            anyhow::bail!("--precision must be a fraction above 0, such as 0.05 (it is {p})")
        }
        None => run(&model, options)?,
    };
    let seconds = started.elapsed().as_secs_f64();
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&result)?),
        Format::Csv => print!("{}", csv_of(&result)?),
        Format::Table => print!("{}", table_of(&result)),
    }
    eprintln!(
        "{} events in {:.2} s ({} events a second).",
        concord_domain::format::count(i64::try_from(result.events).unwrap_or(i64::MAX)),
        seconds,
        concord_domain::format::count((result.events as f64 / seconds.max(1e-9)) as i64)
    );
    Ok(())
}

/// Each node's statistics in order: (name, label, estimate).
fn rows(result: &RunResult) -> Vec<(String, &'static str, Estimate)> {
    let mut rows = Vec::new();
    for n in &result.nodes {
        for (label, e) in [
            ("arrivals", n.arrivals),
            ("seen", n.seen),
            ("wait", n.wait),
            ("wait_p50", n.wait_percentiles.p50),
            ("wait_p92", n.wait_percentiles.p92),
            ("wait_p95", n.wait_percentiles.p95),
            ("time_in_node", n.time_in_node),
            ("queue_length", n.queue_length),
            ("waiting_at_end", n.waiting_at_end),
            ("utilisation", n.utilisation),
            ("overtime", n.overtime),
            ("blocked", n.blocked),
            ("reneged", n.reneged),
            ("did_not_attend", n.did_not_attend),
            ("contacts", n.contacts),
        ] {
            // A mechanism the model does not have (no roster, capacity, patience or missed
            // appointments) gives an exact 0 in every replication: not worth a row.
            let absent = e.mean == 0.0 && e.ci95 == [0.0, 0.0];
            if absent && ["overtime", "blocked", "reneged", "did_not_attend"].contains(&label) {
                continue;
            }
            rows.push((n.name.clone(), label, e));
        }
        for class in &n.classes {
            rows.push((format!("{} · {}", n.name, class.name), "wait", class.wait));
            if let Some(within) = class.within_target {
                rows.push((
                    format!("{} · {}", n.name, class.name),
                    "within_target",
                    within,
                ));
            }
        }
    }
    rows.push((
        "system".into(),
        "time_in_system",
        result.system.time_in_system,
    ));
    for partner in &result.partners {
        rows.push((partner.name.clone(), "cost_per_year", partner.cost_per_year));
    }
    rows
}

fn csv_of(result: &RunResult) -> Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["node", "statistic", "mean", "ci95_low", "ci95_high"])?;
    for (node, label, e) in rows(result) {
        let cell = |x: f64| {
            if x.is_finite() {
                x.to_string()
            } else {
                String::new()
            }
        };
        out.write_record([
            concord_domain::export::csv_cell(&node),
            label.to_string(),
            cell(e.mean),
            cell(e.ci95[0]),
            cell(e.ci95[1]),
        ])?;
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

/// A number for people: three significant figures' worth of decimals.
fn shown(x: f64) -> String {
    if !x.is_finite() {
        return "none observed".into();
    }
    let places = if x.abs() >= 100.0 {
        0
    } else if x.abs() >= 10.0 {
        1
    } else if x.abs() >= 1.0 {
        2
    } else {
        3
    };
    concord_domain::format::decimal(x, places)
}

fn label(statistic: &str, unit: &str) -> String {
    match statistic {
        "arrivals" => format!("arrivals per {unit}"),
        "seen" => format!("seen per {unit}"),
        "wait_p50" => format!("median wait ({unit}s)"),
        "wait_p92" => format!("92nd percentile wait ({unit}s)"),
        "wait_p95" => format!("95th percentile wait ({unit}s)"),
        "waiting_at_end" => "number waiting at the end".into(),
        "overtime" => "mean number seen after sessions end".into(),
        "did_not_attend" => "share who did not attend".into(),
        "contacts" => format!("contacts per {unit}"),
        "cost_per_year" => "pays a year (£)".into(),
        "wait" => format!("mean wait ({unit}s)"),
        "time_in_node" => format!("mean time in node ({unit}s)"),
        "queue_length" => "mean number waiting".into(),
        "utilisation" => "utilisation".into(),
        "blocked" => "share refused (full)".into(),
        "reneged" => "share who left unseen".into(),
        "time_in_system" => format!("mean time in pathway ({unit}s)"),
        "within_target" => "share seen within target".into(),
        other => other.into(),
    }
}

fn table_of(result: &RunResult) -> String {
    let unit = &result.time_unit;
    let mut out = format!(
        "{} replications, seed {}, after a warm-up of {} {unit}s, over {} {unit}s each.\n\
         Each figure is the mean over replications with its 95% confidence interval (Student t).\n\n",
        result.replications, result.seed, result.run_report.warm_up, result.run_report.length
    );
    let rows = rows(result);
    let width = rows
        .iter()
        .map(|(n, l, _)| n.chars().count() + label(l, unit).chars().count() + 3)
        .max()
        .unwrap_or(20);
    for (node, statistic, e) in rows {
        let name = format!("{node} · {}", label(statistic, unit));
        let interval = if e.mean.is_finite() {
            format!("({} to {})", shown(e.ci95[0]), shown(e.ci95[1]))
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{name:<width$}  {:>12}  {interval}\n",
            shown(e.mean)
        ));
    }
    out
}

fn compare_models(args: &CompareArgs) -> Result<()> {
    let base = read_model(&args.base)?;
    let scenarios = args
        .scenarios
        .iter()
        .map(|p| Ok((p.display().to_string(), read_model(p)?)))
        .collect::<Result<Vec<_>>>()?;
    let comparison = compare(
        &base,
        &scenarios,
        RunOptions {
            replications: args.replications,
            seed: args.seed,
            threads: args.threads,
        },
    )?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&comparison)?),
        Format::Csv | Format::Table => print!("{}", comparison_table(&comparison)),
    }
    Ok(())
}

fn comparison_table(comparison: &Comparison) -> String {
    let unit = &comparison.base.time_unit;
    let mut out = format!(
        "Each scenario minus the base, replication by replication ({} replications, seed {}, the same random numbers), with its 95% confidence interval.\n",
        comparison.base.replications, comparison.base.seed
    );
    for scenario in &comparison.scenarios {
        out.push_str(&format!("\n{}\n", scenario.scenario));
        for node in &scenario.differences {
            for (statistic, e) in [
                ("wait", node.wait),
                ("queue_length", node.queue_length),
                ("utilisation", node.utilisation),
                ("blocked", node.blocked),
            ] {
                let interval = if e.mean.is_finite() {
                    format!("({} to {})", shown(e.ci95[0]), shown(e.ci95[1]))
                } else {
                    String::new()
                };
                out.push_str(&format!(
                    "  {} · {:<32} {:>10}  {interval}\n",
                    node.name,
                    label(statistic, unit),
                    shown(e.mean)
                ));
            }
        }
        for line in &scenario.ledger {
            for (statistic, e) in [
                ("pays a year (£)", line.cost_per_year),
                ("contacts a year at its services", line.contacts_per_year),
                ("seen a year at its services", line.seen_per_year),
                ("refused a year at its services", line.refused_per_year),
            ] {
                let interval = if e.mean.is_finite() {
                    format!("({} to {})", shown(e.ci95[0]), shown(e.ci95[1]))
                } else {
                    String::new()
                };
                out.push_str(&format!(
                    "  {} · {:<32} {:>10}  {interval}\n",
                    line.partner,
                    statistic,
                    shown(e.mean)
                ));
            }
        }
        if !scenario.unmatched.is_empty() {
            out.push_str(&format!(
                "  In only one of the two (no difference): {}\n",
                scenario.unmatched.join(", ")
            ));
        }
    }
    out
}
