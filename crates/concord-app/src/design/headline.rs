//! A run's headline figures in words, a line each, for a board pack: for a comparison, what each
//! partner pays and gains a year and how each service's mean wait changes; for a run on its own,
//! each service's mean wait and utilisation. Every figure with its 95% interval.

use super::shown::{interval, pounds, share, signed};
use super::worker::DesignResult;
use concord_domain::format::{calculated, count};

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
                    interval(n.utilisation, share)
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
