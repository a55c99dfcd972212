//! `concord waitlist plan`: the waiting-list rules of Fong et al. (2022), as NHSRwaitinglist
//! implements them, with its defaults.

use anyhow::Result;
use clap::{Args, Subcommand};
use concord_sim::waitlist::{plan, PlanInputs, DEFAULT_FACTOR, DEFAULT_TIME_TO_TARGET};

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
    /// How to print the plan.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

/// Runs a `concord waitlist` command.
pub fn run_command(command: &WaitlistCommand) -> Result<()> {
    let WaitlistCommand::Plan(args) = command;
    let plan = plan(&PlanInputs {
        demand: args.demand,
        capacity: args.capacity,
        queue_size: args.queue,
        target_wait: args.target_wait,
        mean_wait: args.mean_wait,
        factor: args.factor,
        time_to_target: args.time_to_target,
        cv_demand: args.cv_demand,
        cv_capacity: args.cv_capacity,
    })
    .map_err(|err| anyhow::anyhow!("--{err}"))?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&plan)?),
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
        }
    }
    Ok(())
}
