//! A run's results as people read them: each figure with its 95% interval, shares as
//! percentages, money in pounds, the run report in words, fan charts with their figures in a
//! table beside them, and for a comparison the paired differences and each partner's ledger.

use crate::ui::charts::{self, FanBands};
use concord_app::design::shown::{busiest, interval, pounds, share, signed};
use concord_app::design::worker::DesignResult;
use concord_domain::format::{calculated, count};
use concord_sim::run::{Fan, NodeSummary};
use concord_sim::RunResult;

/// One line of the run report.
pub struct ReportLine {
    /// What it says.
    pub label: &'static str,
    /// Its value.
    pub value: String,
}

/// One node's figures.
pub struct NodeRow {
    /// The node.
    pub name: String,
    /// Arrivals per time unit.
    pub arrivals: String,
    /// Seen per time unit.
    pub seen: String,
    /// Mean wait with its interval.
    pub wait: String,
    /// The 92nd percentile wait.
    pub p92: String,
    /// Utilisation as a percentage.
    pub utilisation: String,
    /// Refused, left unseen and missed appointments, as percentages.
    pub lost: String,
}

/// A fan chart with its figures.
pub struct Chart {
    /// Its id in the page.
    pub id: String,
    /// What it shows.
    pub caption: String,
    /// The SVG.
    pub svg: String,
    /// Its figures: a label, then up to three values.
    pub rows: Vec<(String, String, String, String)>,
    /// The headings of the value columns (blank: unused).
    pub columns: (&'static str, &'static str, &'static str),
}

/// One partner's costs.
pub struct PartnerRow {
    /// The partner.
    pub name: String,
    /// The services it runs.
    pub runs: String,
    /// What it pays a year.
    pub cost_per_year: String,
}

/// One difference between a scenario and its base.
pub struct DifferenceRow {
    /// The node.
    pub node: String,
    /// The statistic.
    pub statistic: String,
    /// The base's value.
    pub base: String,
    /// The scenario's value.
    pub scenario: String,
    /// Scenario minus base, with its interval.
    pub difference: String,
}

/// One partner's line of the ledger.
pub struct LedgerRow {
    /// The partner.
    pub partner: String,
    /// What it pays a year more (or less).
    pub pays: String,
    /// Contacts a year more or fewer at its services, in all and service by service.
    pub contacts: String,
    /// People seen a year more or fewer.
    pub seen: String,
    /// Referrals refused a year more or fewer.
    pub refused: String,
}

/// A run's results, ready to show.
pub struct ResultsView {
    /// The time unit.
    pub unit: String,
    /// How the results were made.
    pub report: Vec<ReportLine>,
    /// The scenario's nodes.
    pub nodes: Vec<NodeRow>,
    /// Partners' costs.
    pub partners: Vec<PartnerRow>,
    /// The number waiting over time, per node.
    pub charts: Vec<Chart>,
    /// Against the base, when the run compared.
    pub differences: Vec<DifferenceRow>,
    /// Each partner's ledger, when the run compared.
    pub ledger: Vec<LedgerRow>,
    /// Whether the run compared.
    pub compared: bool,
}

fn node_row(n: &NodeSummary) -> NodeRow {
    let lost: Vec<String> = [
        ("refused", n.blocked),
        ("left unseen", n.reneged),
        ("did not attend", n.did_not_attend),
    ]
    .iter()
    .filter(|(_, e)| !(e.mean == 0.0 && e.ci95 == [0.0, 0.0]))
    .map(|(label, e)| format!("{} {label}", interval(*e, share)))
    .collect();
    NodeRow {
        name: n.name.clone(),
        arrivals: interval(n.arrivals, calculated),
        seen: interval(n.seen, calculated),
        wait: interval(n.wait, calculated),
        p92: interval(n.wait_percentiles.p92, calculated),
        utilisation: interval(n.utilisation, share),
        lost: if lost.is_empty() {
            "None".into()
        } else {
            lost.join("; ")
        },
    }
}

/// A fan chart of one of a node's series, with its figures.
fn fan_chart(
    id: String,
    caption: String,
    unit: &str,
    every: f64,
    fan: &Fan,
    shown: fn(f64) -> String,
) -> Chart {
    let svg = charts::fan(
        &id,
        &caption,
        &format!("Time ({unit}s from the start, warm-up included)"),
        every,
        &FanBands {
            p5: &fan.p5,
            p25: &fan.p25,
            p50: &fan.p50,
            p75: &fan.p75,
            p95: &fan.p95,
        },
    );
    let cell = |v: Option<f64>| v.map_or("none observed".to_string(), shown);
    let rows = (0..fan.p50.len())
        .map(|k| {
            (
                calculated(every * k as f64),
                cell(fan.p5[k]),
                cell(fan.p50[k]),
                cell(fan.p95[k]),
            )
        })
        .collect();
    Chart {
        id,
        caption,
        svg,
        rows,
        columns: ("5th percentile", "Median", "95th percentile"),
    }
}

/// Node `i`'s charts: people waiting and waits over time (fan charts across replications), and
/// its wait distribution (percentiles).
fn charts_of(i: usize, n: &NodeSummary, unit: &str) -> Vec<Chart> {
    let mut out = Vec::new();
    if let Some(over_time) = &n.over_time {
        out.push(fan_chart(
            format!("waiting-{i}"),
            format!(
                "People waiting at {} over time (median, 25th–75th and 5th–95th percentiles over replications)",
                n.name
            ),
            unit,
            over_time.every,
            &over_time.waiting,
            calculated,
        ));
        out.push(fan_chart(
            format!("waits-{i}"),
            format!(
                "Mean wait at {} of those seen in each interval, in {unit}s (median and percentiles over replications)",
                n.name
            ),
            unit,
            over_time.every,
            &over_time.wait,
            calculated,
        ));
    }
    let p = &n.wait_percentiles;
    let labels: Vec<String> = [
        "Median",
        "90th percentile",
        "92nd percentile",
        "95th percentile",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let estimates = [p.p50, p.p90, p.p92, p.p95];
    let texts: Vec<String> = estimates.iter().map(|e| interval(*e, calculated)).collect();
    let caption = format!(
        "The wait at {} before being seen, in {unit}s: its distribution",
        n.name
    );
    let id = format!("distribution-{i}");
    out.push(Chart {
        svg: charts::value_bars(&id, &caption, &labels, &estimates.map(|e| e.mean), &texts),
        rows: labels
            .iter()
            .zip(&texts)
            .map(|(l, t)| (l.clone(), t.clone(), String::new(), String::new()))
            .collect(),
        columns: ("Wait", "", ""),
        id,
        caption,
    });
    out
}

/// Utilisation of every node, as bars with their intervals.
fn utilisation_chart(nodes: &[NodeSummary]) -> Chart {
    let labels: Vec<String> = nodes.iter().map(|n| n.name.clone()).collect();
    let texts: Vec<String> = nodes
        .iter()
        .map(|n| interval(n.utilisation, share))
        .collect();
    let caption =
        "Utilisation of each service: the time-average share of staff on duty who are busy"
            .to_string();
    let id = "utilisation".to_string();
    Chart {
        svg: charts::value_bars(
            &id,
            &caption,
            &labels,
            &nodes
                .iter()
                .map(|n| n.utilisation.mean * 100.0)
                .collect::<Vec<_>>(),
            &texts,
        ),
        rows: labels
            .iter()
            .zip(&texts)
            .map(|(l, t)| (l.clone(), t.clone(), String::new(), String::new()))
            .collect(),
        columns: ("Utilisation", "", ""),
        id,
        caption,
    }
}

fn report(result: &RunResult, seconds: f64, compared: bool) -> Vec<ReportLine> {
    let r = &result.run_report;
    let mut lines = vec![
        ReportLine {
            label: "Replications",
            value: format!(
                "{} ({})",
                count(i64::from(r.replications)),
                r.replication_rule
            ),
        },
        ReportLine {
            label: "Start",
            value: r.initialisation.clone(),
        },
        ReportLine {
            label: "Run length",
            value: format!(
                "{} {}s of statistics after the warm-up",
                calculated(r.length),
                r.time_unit
            ),
        },
        ReportLine {
            label: "Arrivals",
            value: r.arrivals.join("; "),
        },
        ReportLine {
            label: "Calendar",
            value: r.calendar.clone(),
        },
        ReportLine {
            label: "Intervals",
            value: r.ci_method.clone(),
        },
        ReportLine {
            label: "Statistics",
            value: r.statistics.clone(),
        },
        ReportLine {
            label: "Queue discipline",
            value: r.queue_discipline.clone(),
        },
        ReportLine {
            label: "Random numbers",
            value: format!("{}; seed {}", r.generator, r.seed),
        },
        ReportLine {
            label: "Model",
            value: format!("hash {} · {}", r.model_hash, r.software),
        },
        ReportLine {
            label: "Work",
            value: format!(
                "{} events simulated in {} seconds",
                count(i64::try_from(result.events).unwrap_or(i64::MAX)),
                calculated(seconds)
            ),
        },
    ];
    if compared {
        lines.push(ReportLine {
            label: "Comparison",
            value: "paired differences, scenario minus base, replication by replication with the same random numbers (common random numbers); mean and Student-t 95% interval".into(),
        });
    }
    lines
}

/// The run report's line saying what the scenario changes from its base.
fn changes_line(changes: &[String]) -> ReportLine {
    const SHOWN: usize = 12;
    let mut value = if changes.is_empty() {
        "nothing: the scenario's parameters are the base's".to_string()
    } else {
        changes
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join("; ")
    };
    if changes.len() > SHOWN {
        value.push_str(&format!("; and {} more", changes.len() - SHOWN));
    }
    ReportLine {
        label: "Changed from the base",
        value,
    }
}

fn partners(result: &RunResult) -> Vec<PartnerRow> {
    result
        .partners
        .iter()
        .map(|p| PartnerRow {
            name: p.name.clone(),
            runs: if p.runs.is_empty() {
                "None".into()
            } else {
                p.runs.join(", ")
            },
            cost_per_year: interval(p.cost_per_year, pounds),
        })
        .collect()
}

/// The view of `result`.
pub fn view(result: &DesignResult) -> ResultsView {
    let (scenario, seconds, comparison) = match result {
        DesignResult::Run { result, seconds } => (result, *seconds, None),
        DesignResult::Comparison {
            comparison,
            seconds,
        } => (&comparison.scenarios[0].results, *seconds, Some(comparison)),
    };
    let unit = scenario.time_unit.clone();
    let mut differences = Vec::new();
    let mut ledger = Vec::new();
    if let Some(comparison) = comparison {
        let versus = &comparison.scenarios[0];
        for diff in &versus.differences {
            let base = comparison.base.nodes.iter().find(|n| n.name == diff.name);
            let mine = versus.results.nodes.iter().find(|n| n.name == diff.name);
            let (Some(base), Some(mine)) = (base, mine) else {
                continue;
            };
            for (statistic, b, s, d, as_share) in [
                (
                    format!("Mean wait ({unit}s)"),
                    base.wait,
                    mine.wait,
                    diff.wait,
                    false,
                ),
                (
                    format!("92nd percentile wait ({unit}s)"),
                    base.wait_percentiles.p92,
                    mine.wait_percentiles.p92,
                    diff.wait_percentiles.p92,
                    false,
                ),
                (
                    format!("Seen per {unit}"),
                    base.seen,
                    mine.seen,
                    diff.seen,
                    false,
                ),
                (
                    "Utilisation".to_string(),
                    base.utilisation,
                    mine.utilisation,
                    diff.utilisation,
                    true,
                ),
                (
                    "Refused".to_string(),
                    base.blocked,
                    mine.blocked,
                    diff.blocked,
                    true,
                ),
            ] {
                let shown = |x: f64| if as_share { share(x) } else { calculated(x) };
                differences.push(DifferenceRow {
                    node: diff.name.clone(),
                    statistic,
                    base: interval(b, shown),
                    scenario: interval(s, shown),
                    difference: interval(d, |x| signed(x, shown)),
                });
            }
        }
        for line in &versus.ledger {
            let whole = |x: f64| signed(x, |v| count(v.round() as i64));
            let mut contacts = interval(line.contacts_per_year, whole);
            if line.contacts_by_service.len() > 1 {
                let each: Vec<String> = line
                    .contacts_by_service
                    .iter()
                    .map(|s| format!("{}: {}", s.service, interval(s.contacts_per_year, whole)))
                    .collect();
                contacts = format!("{contacts}, of which {}", each.join("; "));
            }
            ledger.push(LedgerRow {
                partner: line.partner.clone(),
                pays: interval(line.cost_per_year, |x| signed(x, pounds)),
                contacts,
                seen: interval(line.seen_per_year, whole),
                refused: interval(line.refused_per_year, whole),
            });
        }
    }
    let mut report_lines = report(scenario, seconds, comparison.is_some());
    if let Some(comparison) = comparison {
        report_lines.push(changes_line(&comparison.scenarios[0].changes));
    }
    ResultsView {
        report: report_lines,
        nodes: scenario.nodes.iter().map(node_row).collect(),
        partners: partners(scenario),
        charts: std::iter::once(utilisation_chart(&scenario.nodes))
            .chain(
                busiest(&scenario.nodes)
                    .into_iter()
                    .flat_map(|i| charts_of(i, &scenario.nodes[i], &unit)),
            )
            .collect(),
        differences,
        ledger,
        compared: comparison.is_some(),
        unit,
    }
}
