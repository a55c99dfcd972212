//! Summaries over replications: each node's statistics, each partner's costs and each node's
//! results over time as fan charts.

use crate::calendar::DAYS_PER_YEAR;
use crate::engine::{NodeSeries, Tally, PERCENTILES};
use crate::model::Model;
use crate::stats::{Estimate, Running};
use serde::{Deserialize, Serialize};

/// The statistics of a node, in the order [`node_values`] gives them.
pub const STATISTICS: [&str; 16] = [
    "arrivals",
    "seen",
    "wait",
    "wait_p50",
    "wait_p90",
    "wait_p92",
    "wait_p95",
    "time_in_node",
    "queue_length",
    "waiting_at_end",
    "utilisation",
    "overtime",
    "blocked",
    "reneged",
    "did_not_attend",
    "contacts",
];

/// One value per statistic.
pub(crate) type Values = [f64; STATISTICS.len()];

/// Percentiles of the wait before service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitPercentiles {
    /// The median.
    pub p50: Estimate,
    /// The 90th percentile.
    pub p90: Estimate,
    /// The 92nd percentile (the NHS referral-to-treatment measure).
    pub p92: Estimate,
    /// The 95th percentile.
    pub p95: Estimate,
}

/// A band of values across replications in each interval: the mean and percentiles (None, null
/// in JSON, where no replication observed anything).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fan {
    /// The mean over replications.
    pub mean: Vec<Option<f64>>,
    /// The 5th percentile over replications.
    pub p5: Vec<Option<f64>>,
    /// The 25th.
    pub p25: Vec<Option<f64>>,
    /// The median.
    pub p50: Vec<Option<f64>>,
    /// The 75th.
    pub p75: Vec<Option<f64>>,
    /// The 95th.
    pub p95: Vec<Option<f64>>,
}

/// A node's results over time: one value per interval from time 0 (the warm-up included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverTime {
    /// Each interval's width, in time units.
    pub every: f64,
    /// The average number waiting.
    pub waiting: Fan,
    /// Busy over on duty.
    pub utilisation: Fan,
    /// The mean wait of those who started service in the interval.
    pub wait: Fan,
}

/// One node's statistics over replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeSummary {
    /// The node.
    pub name: String,
    /// Arrivals per time unit, refused ones included.
    pub arrivals: Estimate,
    /// People starting service per time unit.
    pub seen: Estimate,
    /// Mean time from arriving at the node to starting service, over those served.
    pub wait: Estimate,
    /// Percentiles of that wait.
    pub wait_percentiles: WaitPercentiles,
    /// Mean time from arriving at the node to leaving it.
    pub time_in_node: Estimate,
    /// Time-average number waiting.
    pub queue_length: Estimate,
    /// The number waiting at the end of the run.
    pub waiting_at_end: Estimate,
    /// Busy servers over servers on duty, time-averaged.
    pub utilisation: Estimate,
    /// Time-average number still being seen by staff whose session had ended.
    pub overtime: Estimate,
    /// The fraction of arrivals refused because the node was full.
    pub blocked: Estimate,
    /// The fraction of arrivals who left without being seen.
    pub reneged: Estimate,
    /// The fraction of arrivals who did not attend when their turn came.
    pub did_not_attend: Estimate,
    /// Contacts (services started and appointments missed) per time unit.
    pub contacts: Estimate,
    /// Per priority class, when the model has classes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<ClassSummary>,
    /// Results over time, when gathered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over_time: Option<OverTime>,
}

/// One priority class's waits at a node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// What a partner pays, over replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerSummary {
    /// The partner.
    pub name: String,
    /// The nodes it runs.
    pub runs: Vec<String>,
    /// What it pays over the collection window, in pounds.
    pub cost: Estimate,
    /// What it pays a year, in pounds.
    pub cost_per_year: Estimate,
}

/// The mean of a running statistic, or NaN (shown as null) when nothing was observed.
pub(crate) fn mean_or_nan(running: &Running) -> f64 {
    if running.count() == 0 {
        f64::NAN
    } else {
        running.mean()
    }
}

/// The estimate over replications of values that may be NaN (not observed): NaN when none was.
pub(crate) fn estimate(values: impl Iterator<Item = f64>) -> Estimate {
    let observed: Vec<f64> = values.filter(|v| v.is_finite()).collect();
    if observed.is_empty() {
        return Estimate {
            mean: f64::NAN,
            ci95: [f64::NAN, f64::NAN],
        };
    }
    Estimate::of(&observed)
}

/// The statistics of node `i` in one replication, in [`STATISTICS`] order (NaN: nothing observed).
pub(crate) fn node_values(model: &Model, tally: &Tally, i: usize) -> Values {
    let n = &tally.nodes[i];
    let length = model.run.length;
    let share = |count: u64| {
        if n.arrivals == 0 {
            f64::NAN
        } else {
            count as f64 / n.arrivals as f64
        }
    };
    let [p50, p90, p92, p95] = n.wait_percentiles;
    [
        n.arrivals as f64 / length,
        n.seen as f64 / length,
        mean_or_nan(&n.wait),
        p50,
        p90,
        p92,
        p95,
        mean_or_nan(&n.time_in_node),
        n.queue_length,
        n.waiting_at_end as f64,
        n.utilisation,
        n.overtime,
        share(n.refused),
        share(n.reneged),
        share(n.did_not_attend),
        n.contacts as f64 / length,
    ]
}

/// The estimate over replications of each statistic of a node. Every statistic of a run is 0 or
/// more, so with `nonnegative` an interval is cut at 0 (a t interval of a small count can reach
/// below it); differences between scenarios are not cut.
pub(crate) fn node_summary(name: &str, values: &[Values], nonnegative: bool) -> NodeSummary {
    let of = |k: usize| {
        let mut e = estimate(values.iter().map(|v| v[k]));
        if nonnegative && e.ci95[0] < 0.0 {
            e.ci95[0] = 0.0;
        }
        e
    };
    NodeSummary {
        name: name.to_string(),
        arrivals: of(0),
        seen: of(1),
        wait: of(2),
        wait_percentiles: WaitPercentiles {
            p50: of(3),
            p90: of(4),
            p92: of(5),
            p95: of(6),
        },
        time_in_node: of(7),
        queue_length: of(8),
        waiting_at_end: of(9),
        utilisation: of(10),
        overtime: of(11),
        blocked: of(12),
        reneged: of(13),
        did_not_attend: of(14),
        contacts: of(15),
        classes: Vec::new(),
        over_time: None,
    }
}

/// Each class's waits at node `i` over replications.
pub(crate) fn class_summaries(model: &Model, tallies: &[Tally], i: usize) -> Vec<ClassSummary> {
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

/// The `q` quantile (0 to 1) of sorted `values` by linear interpolation (R's type 7).
fn quantile_sorted(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let h = (values.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    Some(values[lo] + (h - lo as f64) * (values[hi] - values[lo]))
}

fn fan(per_replication: &[&[f64]]) -> Fan {
    let bins = per_replication.iter().map(|v| v.len()).max().unwrap_or(0);
    let mut fan = Fan {
        mean: Vec::with_capacity(bins),
        p5: Vec::with_capacity(bins),
        p25: Vec::with_capacity(bins),
        p50: Vec::with_capacity(bins),
        p75: Vec::with_capacity(bins),
        p95: Vec::with_capacity(bins),
    };
    for b in 0..bins {
        let mut values: Vec<f64> = per_replication
            .iter()
            .filter_map(|v| v.get(b).copied())
            .filter(|v| v.is_finite())
            .collect();
        values.sort_by(f64::total_cmp);
        let mean = (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
        fan.mean.push(mean);
        fan.p5.push(quantile_sorted(&values, 0.05));
        fan.p25.push(quantile_sorted(&values, 0.25));
        fan.p50.push(quantile_sorted(&values, 0.5));
        fan.p75.push(quantile_sorted(&values, 0.75));
        fan.p95.push(quantile_sorted(&values, 0.95));
    }
    fan
}

/// Node `i`'s results over time, when every replication gathered them.
pub(crate) fn over_time(model: &Model, tallies: &[Tally], i: usize) -> Option<OverTime> {
    let series: Vec<&NodeSeries> = tallies
        .iter()
        .map(|t| t.nodes[i].series.as_ref())
        .collect::<Option<_>>()?;
    let pick = |f: fn(&NodeSeries) -> &Vec<f64>| -> Vec<&[f64]> {
        series.iter().map(|s| f(s).as_slice()).collect()
    };
    Some(OverTime {
        every: model.run.report_every,
        waiting: fan(&pick(|s| &s.waiting)),
        utilisation: fan(&pick(|s| &s.utilisation)),
        wait: fan(&pick(|s| &s.wait)),
    })
}

/// What each partner pays in one replication, over the collection window, in model order.
pub(crate) fn partner_costs(model: &Model, tally: &Tally) -> Vec<f64> {
    let mut costs = vec![0.0; model.partners.len()];
    let per_day = model.calendar.per_day;
    let window_years = model.run.length / (per_day * DAYS_PER_YEAR);
    for (node, seen) in model.nodes.iter().zip(&tally.nodes) {
        let staff_hours = seen.staff_time * 24.0 / per_day;
        for cost in &node.costs {
            costs[cost.partner] += cost.per_contact * seen.contacts as f64
                + cost.per_session * seen.staff_sessions as f64
                + cost.per_staff_hour * staff_hours
                + cost.per_year * window_years;
        }
    }
    costs
}

/// Each partner's costs over replications.
pub(crate) fn partner_summaries(model: &Model, tallies: &[Tally]) -> Vec<PartnerSummary> {
    let per_replication: Vec<Vec<f64>> = tallies.iter().map(|t| partner_costs(model, t)).collect();
    let years = model.run.length / (model.calendar.per_day * DAYS_PER_YEAR);
    model
        .partners
        .iter()
        .enumerate()
        .map(|(p, name)| PartnerSummary {
            name: name.clone(),
            runs: model
                .nodes
                .iter()
                .filter(|n| n.partner == Some(p))
                .map(|n| n.name.clone())
                .collect(),
            cost: estimate(per_replication.iter().map(|c| c[p])),
            cost_per_year: estimate(per_replication.iter().map(|c| c[p] / years)),
        })
        .collect()
}

/// The percentiles reported, for the run report.
pub(crate) fn percentiles_described() -> String {
    let list: Vec<String> = PERCENTILES.iter().map(|p| format!("{p}")).collect();
    format!(
        "wait percentiles ({}th) per replication from an HDR histogram to two significant figures (within 1%), then averaged over replications",
        list.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolated_quantiles_match_r_type_7() {
        // R: quantile(c(1, 2, 3, 4, 10), c(0.05, 0.5, 0.95)) = 1.2, 3, 8.8
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((quantile_sorted(&v, 0.05).unwrap() - 1.2).abs() < 1e-12);
        assert_eq!(quantile_sorted(&v, 0.5), Some(3.0));
        assert!((quantile_sorted(&v, 0.95).unwrap() - 8.8).abs() < 1e-12);
        assert_eq!(quantile_sorted(&[], 0.5), None);
    }
}
