//! A run's headline figures in words, a line each, for a board pack: for a comparison, what each
//! partner pays and gains a year and how each service's mean wait changes; for a run on its own,
//! each service's mean wait and utilisation. Every figure with its 95% interval.

use super::worker::DesignResult;
use concord_domain::format::{calculated, count, percent, MINUS};
use concord_sim::stats::Estimate;

fn interval(e: Estimate, shown: impl Fn(f64) -> String) -> String {
    if !e.mean.is_finite() {
        return "none observed".into();
    }
    if e.ci95[0] == e.ci95[1] {
        return shown(e.mean);
    }
    format!(
        "{} ({} to {})",
        shown(e.mean),
        shown(e.ci95[0]),
        shown(e.ci95[1])
    )
}

fn signed(x: f64, shown: impl Fn(f64) -> String) -> String {
    if x > 0.0 {
        format!("+{}", shown(x))
    } else {
        shown(x)
    }
}

fn pounds(x: f64) -> String {
    let rounded = x.round() as i64;
    if rounded < 0 {
        format!("{MINUS}£{}", count(-rounded))
    } else {
        format!("£{}", count(rounded))
    }
}

/// The headline of `result`, a line each.
pub fn of(result: &DesignResult) -> String {
    let mut lines = Vec::new();
    match result {
        DesignResult::Run { result, .. } => {
            let unit = &result.time_unit;
            for n in &result.nodes {
                lines.push(format!(
                    "{}: mean wait {} {unit}s; utilisation {}",
                    n.name,
                    interval(n.wait, calculated),
                    interval(n.utilisation, |x| percent(x * 100.0, 1))
                ));
            }
        }
        DesignResult::Comparison { comparison, .. } => {
            let versus = &comparison.scenarios[0];
            let unit = &comparison.base.time_unit;
            let whole = |x: f64| signed(x, |v| count(v.round() as i64));
            for line in &versus.ledger {
                let services: Vec<String> = line
                    .contacts_by_service
                    .iter()
                    .map(|s| format!("{} {}", s.service, interval(s.contacts_per_year, whole)))
                    .collect();
                lines.push(format!(
                    "{} pays {} a year; contacts a year: {}",
                    line.partner,
                    interval(line.cost_per_year, |x| signed(x, pounds)),
                    if services.is_empty() {
                        interval(line.contacts_per_year, whole)
                    } else {
                        services.join(", ")
                    }
                ));
            }
            for d in &versus.differences {
                lines.push(format!(
                    "{}: mean wait changes by {} {unit}s",
                    d.name,
                    interval(d.wait, |x| signed(x, calculated))
                ));
            }
        }
    }
    lines.push(match result {
        DesignResult::Run { .. } => {
            "Means over replications with 95% confidence intervals.".into()
        }
        DesignResult::Comparison { .. } => "Scenario minus base, replication by replication on the same random numbers: means with 95% confidence intervals.".into(),
    });
    lines.join("\n")
}
