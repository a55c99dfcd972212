//! Waiting-list planning by the rules of Fong et al. (2022), as the NHS-R Community's
//! NHSRwaitinglist package implements them, with the package's defaults: how loaded a list is,
//! the mean wait and list size that meet a target (a factor of 4: the target is met by about 98%
//! of patients when waits are roughly exponential), the capacity that brings the list to that size
//! in a given time, the capacity that keeps it there allowing for variability, and the pressure on
//! a list now.
//!
//! Every rate is per time step and every time is in time steps (weeks, say): the units must match.

use serde::Serialize;

/// The package's factor between the target wait and the mean wait that meets it.
pub const DEFAULT_FACTOR: f64 = 4.0;
/// The package's default time to reach the target queue size, in time steps (26 weeks).
pub const DEFAULT_TIME_TO_TARGET: f64 = 26.0;

/// The inputs of a plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanInputs {
    /// Referrals per time step.
    pub demand: f64,
    /// Patients seen (removed from the list) per time step now.
    pub capacity: f64,
    /// Patients waiting now.
    pub queue_size: f64,
    /// The waiting-time target, in time steps (for example 18 weeks).
    pub target_wait: f64,
    /// The mean wait now, if known (for the pressure).
    pub mean_wait: Option<f64>,
    /// Target wait over mean wait (default 4).
    pub factor: f64,
    /// Time steps to reach the target queue size (default 26).
    pub time_to_target: f64,
    /// The coefficient of variation of demand (default 1, Poisson-like).
    pub cv_demand: f64,
    /// The coefficient of variation of capacity (default 1).
    pub cv_capacity: f64,
}

/// What the rules give.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Plan {
    /// Demand over capacity: above 1 the list grows.
    pub load: f64,
    /// The mean wait that meets the target.
    pub target_mean_wait: f64,
    /// The list size that gives that mean wait (Little's law).
    pub target_queue_size: f64,
    /// Capacity per time step that brings the list to its target size in the time given.
    pub relief_capacity: f64,
    /// Capacity per time step that keeps the list at its target, allowing for variability.
    pub target_capacity: f64,
    /// Twice the mean wait over the target wait: above 1 the target is being missed.
    pub pressure: Option<f64>,
}

/// What is wrong with the inputs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct PlanError {
    /// The input.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

fn check(field: &'static str, value: f64, positive: bool) -> Result<(), PlanError> {
    let ok = value.is_finite() && if positive { value > 0.0 } else { value >= 0.0 };
    if ok {
        Ok(())
    } else {
        Err(PlanError {
            field,
            message: format!(
                "must be a number {} (it is {value})",
                if positive { "above 0" } else { "of 0 or more" }
            ),
        })
    }
}

/// Demand over capacity.
pub fn queue_load(demand: f64, capacity: f64) -> f64 {
    demand / capacity
}

/// The mean wait that meets `target_wait`: the target over `factor`.
pub fn target_mean_wait(target_wait: f64, factor: f64) -> f64 {
    target_wait / factor
}

/// The list size whose mean wait meets the target: demand times the target mean wait.
pub fn target_queue_size(demand: f64, target_wait: f64, factor: f64) -> f64 {
    demand * target_wait / factor
}

/// Capacity that brings the list from `queue_size` to `target_queue_size` in `time_to_target`
/// steps while meeting demand. With `num_referrals` (the referrals demand was estimated from)
/// and `cv_demand`, demand is first raised by two standard errors, as the package does.
pub fn relief_capacity(
    demand: f64,
    queue_size: f64,
    target_queue_size: f64,
    time_to_target: f64,
    num_referrals: f64,
    cv_demand: f64,
) -> f64 {
    let mut demand = demand;
    if num_referrals > 0.0 {
        let x = 2.0 * demand * cv_demand / num_referrals.sqrt();
        if x < 1.0 {
            demand /= 1.0 - x;
        }
    }
    demand + (queue_size - target_queue_size) / time_to_target
}

/// Capacity that keeps the list at its target size: demand plus a margin for variability,
/// ((cv_demand² + cv_capacity²) / 2) × (factor / target_wait).
pub fn target_capacity(
    demand: f64,
    target_wait: f64,
    factor: f64,
    cv_demand: f64,
    cv_capacity: f64,
) -> f64 {
    demand + ((cv_demand.powi(2) + cv_capacity.powi(2)) / 2.0) * (factor / target_wait)
}

/// Twice the mean wait over the target wait.
pub fn waiting_list_pressure(mean_wait: f64, target_wait: f64) -> f64 {
    2.0 * mean_wait / target_wait
}

/// The whole plan.
pub fn plan(inputs: &PlanInputs) -> Result<Plan, PlanError> {
    check("demand", inputs.demand, false)?;
    check("capacity", inputs.capacity, true)?;
    check("queue", inputs.queue_size, false)?;
    check("target-wait", inputs.target_wait, true)?;
    check("factor", inputs.factor, true)?;
    check("time-to-target", inputs.time_to_target, true)?;
    check("cv-demand", inputs.cv_demand, false)?;
    check("cv-capacity", inputs.cv_capacity, false)?;
    if let Some(m) = inputs.mean_wait {
        check("mean-wait", m, false)?;
    }
    let target_queue = target_queue_size(inputs.demand, inputs.target_wait, inputs.factor);
    Ok(Plan {
        load: queue_load(inputs.demand, inputs.capacity),
        target_mean_wait: target_mean_wait(inputs.target_wait, inputs.factor),
        target_queue_size: target_queue,
        relief_capacity: relief_capacity(
            inputs.demand,
            inputs.queue_size,
            target_queue,
            inputs.time_to_target,
            0.0,
            0.0,
        ),
        target_capacity: target_capacity(
            inputs.demand,
            inputs.target_wait,
            inputs.factor,
            inputs.cv_demand,
            inputs.cv_capacity,
        ),
        pressure: inputs
            .mean_wait
            .map(|m| waiting_list_pressure(m, inputs.target_wait)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        // testthat's expect_equal tolerance is about 1.5e-8 relative.
        assert!((a - b).abs() <= 1.5e-8 * b.abs().max(1.0), "{a} vs {b}");
    }

    /// The published test values of NHSRwaitinglist (tests/testthat).
    #[test]
    fn the_rules_give_the_packages_own_test_values() {
        close(queue_load(30.0, 27.0), 1.111_111_11);
        for (d, c, load) in [
            (35.0, 27.0, 1.296_296_3),
            (30.0, 25.0, 1.2),
            (52.0, 42.0, 1.238_095_24),
        ] {
            assert!((queue_load(d, c) - load).abs() < 1e-7);
        }
        close(target_mean_wait(52.0, 4.0), 13.0);
        assert!((target_mean_wait(52.0, 6.0) - 8.666_666_7).abs() < 1e-7);
        close(target_queue_size(30.0, 52.0, DEFAULT_FACTOR), 390.0);
        close(target_queue_size(30.0, 50.0, DEFAULT_FACTOR), 375.0);
        close(target_queue_size(30.0, 50.0, 6.0), 250.0);
        assert!((relief_capacity(30.0, 1200.0, 390.0, 26.0, 0.0, 0.0) - 61.153_846).abs() < 1e-6);
        close(relief_capacity(33.0, 800.0, 200.0, 30.0, 0.0, 0.0), 53.0);
        close(relief_capacity(35.0, 250.0, 100.0, 15.0, 0.0, 0.0), 45.0);
        assert!((target_capacity(30.0, 52.0, 3.0, 1.1, 1.2) - 30.076_442).abs() < 1e-6);
        assert!((waiting_list_pressure(63.0, 52.0) - 2.423_076_92).abs() < 1e-8);
        close(waiting_list_pressure(42.0, 24.0), 3.5);
        close(waiting_list_pressure(55.0, 50.0), 2.2);
    }

    #[test]
    fn estimated_demand_is_raised_by_two_standard_errors() {
        // x = 2 * 30 * 0.5 / sqrt(400) = 1.5 >= 1: demand is left as it is.
        close(
            relief_capacity(30.0, 1200.0, 390.0, 26.0, 400.0, 0.5),
            30.0 + 810.0 / 26.0,
        );
        // x = 2 * 30 * 0.1 / sqrt(3600) = 0.1: demand becomes 30 / 0.9.
        close(
            relief_capacity(30.0, 1200.0, 390.0, 26.0, 3600.0, 0.1),
            30.0 / 0.9 + 810.0 / 26.0,
        );
    }

    #[test]
    fn a_plan_refuses_impossible_inputs_by_name() {
        let inputs = PlanInputs {
            demand: 30.0,
            capacity: 0.0,
            queue_size: 1200.0,
            target_wait: 52.0,
            mean_wait: None,
            factor: DEFAULT_FACTOR,
            time_to_target: DEFAULT_TIME_TO_TARGET,
            cv_demand: 1.0,
            cv_capacity: 1.0,
        };
        assert_eq!(plan(&inputs).unwrap_err().field, "capacity");
        let plan = plan(&PlanInputs {
            capacity: 27.0,
            mean_wait: Some(63.0),
            ..inputs
        })
        .unwrap();
        close(plan.target_queue_size, 390.0);
        close(plan.relief_capacity, 30.0 + 810.0 / 26.0);
        assert!(plan.pressure.unwrap() > 2.0);
    }
}
