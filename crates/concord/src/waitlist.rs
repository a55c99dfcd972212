//! `concord waitlist plan`: the waiting-list rules of Fong et al. (2022), as NHSRwaitinglist
//! implements them, with its defaults.

use anyhow::Result;
use clap::{Args, Subcommand};
use concord_sim::waitlist::{plan, PlanInputs, DEFAULT_FACTOR, DEFAULT_TIME_TO_TARGET};
use concord_sim::waitlist_check::check_plan;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The figures as JSON.
    Json,
    /// The figures for people.
    Table,
}

/// `concord waitlist` commands.
#[derive(Debug, Subcommand)]
pub enum WaitlistCommand {
    /// The load on a waiting list, its target size and the capacity that reaches and keeps it.
    Plan(PlanArgs),
}

/// The arguments of `concord waitlist plan`. Rates are per time step (per week, say) and times in
/// the same steps.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Referrals per time step.
    #[arg(long)]
    demand: f64,
    /// Patients seen per time step now.
    #[arg(long)]
    capacity: f64,
    /// Patients waiting now.
    #[arg(long)]
    queue: f64,
    /// The waiting-time target, in time steps.
    #[arg(long)]
    target_wait: f64,
    /// The mean wait now, in time steps (gives the pressure).
    #[arg(long)]
    mean_wait: Option<f64>,
    /// Target wait over the mean wait that meets it.
    #[arg(long, default_value_t = DEFAULT_FACTOR)]
    factor: f64,
    /// Time steps to bring the list to its target size.
    #[arg(long, default_value_t = DEFAULT_TIME_TO_TARGET)]
    time_to_target: f64,
    /// The coefficient of variation of demand.
    #[arg(long, default_value_t = 1.0)]
    cv_demand: f64,
    /// The coefficient of variation of capacity.
    #[arg(long, default_value_t = 1.0)]
    cv_capacity: f64,
    /// Check the plan by simulation from today's list (relief capacity for --time-to-target,
    /// then the target capacity from the target size).
    #[arg(long)]
    check: bool,
    /// Replications of each phase of the check.
    #[arg(long, default_value_t = 50)]
    replications: u32,
    /// The seed of the check.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How to print the plan.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

/// Runs a `concord waitlist` command.
pub fn run_command(command: &WaitlistCommand) -> Result<()> {
    let WaitlistCommand::Plan(args) = command;
    let inputs = PlanInputs {
        demand: args.demand,
        capacity: args.capacity,
        queue_size: args.queue,
        target_wait: args.target_wait,
        mean_wait: args.mean_wait,
        factor: args.factor,
        time_to_target: args.time_to_target,
        cv_demand: args.cv_demand,
        cv_capacity: args.cv_capacity,
    };
    let plan = plan(&inputs).map_err(|err| anyhow::anyhow!("--{err}"))?;
    let checked = if args.check {
        Some(
            check_plan(&inputs, &plan, args.replications, args.seed)
                .map_err(|err| anyhow::anyhow!("the check: {err}"))?,
        )
    } else {
        None
    };
    match args.format {
        Format::Json => {
            let mut value = serde_json::to_value(plan)?;
            if let Some(checked) = &checked {
                value["check"] = serde_json::to_value(checked)?;
            }
            println!("{}", serde_json::to_string_pretty(&value)?);
        }
        Format::Table => {
            let n = |x: f64| concord_domain::format::decimal(x, 2);
            println!("Load (demand over capacity):            {}", n(plan.load));
            println!(
                "Target mean wait:                       {}",
                n(plan.target_mean_wait)
            );
            println!(
                "Target queue size:                      {}",
                n(plan.target_queue_size)
            );
            println!(
                "Relief capacity (to reach it in {} steps): {} a step",
                args.time_to_target,
                n(plan.relief_capacity)
            );
            println!(
                "Target capacity (to keep it there):     {} a step",
                n(plan.target_capacity)
            );
            if let Some(p) = plan.pressure {
                println!("Waiting-list pressure (2 x mean / target): {}", n(p));
            }
            println!(
                "Rules: Fong et al. 2022 as in NHSRwaitinglist; factor {}, rates per time step.",
                args.factor
            );
            if let Some(c) = &checked {
                let e = |x: concord_sim::stats::Estimate| {
                    format!("{} ({} to {})", n(x.mean), n(x.ci95[0]), n(x.ci95[1]))
                };
                let people = |x: concord_sim::stats::Estimate| {
                    let w = |v: f64| concord_domain::format::count(v.round() as i64);
                    format!(
                        "{} people ({} to {})",
                        w(x.mean),
                        w(x.ci95[0]),
                        w(x.ci95[1])
                    )
                };
                let share = |x: concord_sim::stats::Estimate| {
                    let p = |v: f64| format!("{}%", concord_domain::format::decimal(v * 100.0, 1));
                    format!("{} ({} to {})", p(x.mean), p(x.ci95[0]), p(x.ci95[1]))
                };
                println!();
                println!(
                    "Check by simulation ({} replications, seed {}):",
                    c.replications, c.seed
                );
                println!(
                    "  At the relief capacity for {} steps the list ends at {} (target size {}).",
                    c.relief.time_steps,
                    people(c.relief.queue_at_end),
                    concord_domain::format::count(c.relief.target_queue_size.round() as i64)
                );
                println!(
                    "  At the target capacity for {} steps the mean wait is {} (target mean {}),",
                    c.keeping.time_steps,
                    e(c.keeping.mean_wait),
                    n(c.keeping.target_mean_wait)
                );
                println!(
                    "  and the share seen within the target wait is {}.",
                    share(c.keeping.within_target)
                );
            }
        }
    }
    Ok(())
}
