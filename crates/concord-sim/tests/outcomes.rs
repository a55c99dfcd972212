//! Outcomes against theory, inside the replications' 95% confidence intervals: people who do not
//! attend (their slot is lost), wait percentiles (the M/M/c waiting-time tail), caseloads held
//! for weeks, and what partners pay, with a scenario's ledger against its base.

use concord_sim::engine::{replicate_collecting, Collect, TraceKind};
use concord_sim::{compare, run, Model, RunOptions};

fn erlang_c(lambda: f64, mu: f64, c: u32) -> f64 {
    let a = lambda / mu;
    let b = (1..=c).fold(1.0, |b, k| a * b / (f64::from(k) + a * b));
    b / (1.0 - a / f64::from(c) * (1.0 - b))
}

fn clinic(extra: &str) -> String {
    format!(
        "[run]\ntime_unit = \"hour\"\nwarm_up = 500\nlength = 20000\nreplications = 12\nseed = 21\n\n\
         [[source]]\nname = \"referrals\"\nto = \"clinic\"\narrivals = {{ dist = \"poisson\", rate = 3.0 }}\n\n\
         [[node]]\nname = \"clinic\"\nservers = 4\nservice = {{ dist = \"exponential\", mean = 1.0 }}\n{extra}"
    )
}

#[test]
fn a_missed_appointment_loses_its_slot() {
    // Discharged after a missed appointment: every arrival still takes a server for a service
    // time, so utilisation is lambda / (c mu) = 0.75; a tenth are not seen.
    let result = run(
        &Model::from_toml(&clinic("did_not_attend = 0.1\n")).unwrap(),
        RunOptions::default(),
    )
    .unwrap();
    let node = &result.nodes[0];
    assert!(node.utilisation.contains(0.75), "{:?}", node.utilisation);
    assert!(
        node.did_not_attend.contains(0.1),
        "{:?}",
        node.did_not_attend
    );
    assert!(node.seen.contains(2.7), "{:?}", node.seen);
    assert!(node.contacts.contains(3.0), "{:?}", node.contacts);
    // Rebooked after a missed appointment: arrivals are lambda / (1 - p), utilisation too.
    let result = run(
        &Model::from_toml(&clinic(
            "did_not_attend = 0.1\ndid_not_attend_to = \"clinic\"\n",
        ))
        .unwrap(),
        RunOptions::default(),
    )
    .unwrap();
    let node = &result.nodes[0];
    let offered = 3.0 / 0.9;
    assert!(node.arrivals.contains(offered), "{:?}", node.arrivals);
    assert!(
        node.utilisation.contains(offered / 4.0),
        "{:?}",
        node.utilisation
    );
    assert!(node.seen.contains(3.0), "{:?}", node.seen);
    let err = Model::from_toml(&clinic("did_not_attend = 1.0\n"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("did_not_attend is a share"), "{err}");
}

#[test]
fn wait_percentiles_follow_the_erlang_c_tail() {
    // P(Wq > t) = C exp(-(c mu - lambda) t), so the p-quantile is ln(C / (1 - p)) / (c mu - lambda)
    // for p above 1 - C. Percentiles are kept to two significant figures (1%).
    let result = run(
        &Model::from_toml(&clinic("")).unwrap(),
        RunOptions::default(),
    )
    .unwrap();
    let node = &result.nodes[0];
    let c = erlang_c(3.0, 1.0, 4);
    let quantile = |p: f64| (c / (1.0 - p)).ln() / (4.0 - 3.0);
    for (estimate, p) in [
        (node.wait_percentiles.p90, 0.90),
        (node.wait_percentiles.p95, 0.95),
    ] {
        let theory = quantile(p);
        let widened = [estimate.ci95[0] * 0.99, estimate.ci95[1] * 1.01];
        assert!(
            widened[0] <= theory && theory <= widened[1],
            "p{p}: {theory} outside {widened:?}"
        );
    }
    // Below 1 - C (about 0.51 here) most people do not wait at all: the median is 0.
    assert!(c < 0.5 + 0.1 && node.wait_percentiles.p50.mean < 0.05);
}

const CASELOAD: &str = r#"
[run]
time_unit = "week"
warm_up = 100
length = 2000
replications = 10
seed = 3

[[source]]
name = "referrals"
to = "link-workers"
arrivals = { dist = "poisson", rate = 7.0 }

[[node]]
name = "link-workers"
caseload = { staff = 2, each = 50 }
service = { dist = "gamma", mean = 12.0, sd = 3.0 }
partner = "Riverside PCN"
costs = [ { partner = "Riverside PCN", per_year = 72856.0 } ]
"#;

#[test]
fn a_caseload_holds_people_for_weeks_and_never_more_than_its_places() {
    let model = Model::from_toml(CASELOAD).unwrap();
    assert_eq!(model.nodes[0].servers, 100);
    let result = run(&model, RunOptions::default()).unwrap();
    let node = &result.nodes[0];
    // M/G/c: places in use are lambda E[S] = 84 of 100, whatever the distribution.
    assert!(node.utilisation.contains(0.84), "{:?}", node.utilisation);
    assert!(node.time_in_node.mean >= 12.0);
    // Held at once never above 2 x 50.
    let tally = replicate_collecting(
        &model,
        3,
        0,
        Collect {
            series: false,
            trace: true,
        },
    );
    let mut held: i64 = 0;
    let mut most = 0;
    for event in tally.trace.unwrap() {
        match event.kind {
            TraceKind::Start => held += 1,
            TraceKind::Finish => held -= 1,
            _ => {}
        }
        most = most.max(held);
    }
    assert!(most <= 100 && most > 90, "{most}");
    // The PCN pays a fixed £72,856 a year for two link workers.
    let pcn = &result.partners[0];
    assert!((pcn.cost_per_year.mean - 72_856.0).abs() < 1e-6);
    assert_eq!(pcn.runs, ["link-workers"]);
}

#[test]
fn a_scenario_ledger_shows_who_pays_and_who_gains() {
    let base = r#"
[run]
time_unit = "hour"
warm_up = 200
length = 8766
replications = 8
seed = 9

[[source]]
name = "patients"
to = "gp"
arrivals = { dist = "poisson", rate = 10.0 }

[[node]]
name = "gp"
servers = 12
service = { dist = "exponential", mean = 1.0 }
partner = "Riverside PCN"
costs = [ { partner = "Riverside ICB", per_contact = 40.0 } ]
routes = [ { to = "msk", p = 0.2 } ]

[[node]]
name = "msk"
servers = 3
service = { dist = "exponential", mean = 1.0 }
partner = "Riverside Community Trust"
"#;
    // Physiotherapists take a fifth of the GP's patients first; the trust pays for them.
    let scenario = base
        .replace("to = \"gp\"\n", "to = \"triage\"\n")
        .replace(
            "[[node]]\nname = \"gp\"",
            "[[node]]\nname = \"triage\"\nservers = 1000\nservice = { dist = \"fixed\", value = 0.0 }\nroutes = [ { to = \"fcp\", p = 0.2 }, { to = \"gp\", p = 0.8 } ]\n\n\
             [[node]]\nname = \"fcp\"\nservers = 3\nservice = { dist = \"exponential\", mean = 0.5 }\npartner = \"Riverside Community Trust\"\n\
             costs = [ { partner = \"Riverside Community Trust\", per_staff_hour = 30.0 } ]\n\n[[node]]\nname = \"gp\"",
        );
    let base = Model::from_toml(base).unwrap();
    let scenario = Model::from_toml(&scenario).unwrap();
    let comparison = compare(
        &base,
        &[("fcp".into(), scenario.clone())],
        RunOptions::default(),
    )
    .unwrap();
    let ledger = &comparison.scenarios[0].ledger;
    let find = |name: &str| ledger.iter().find(|l| l.partner == name).unwrap();
    // The trust pays three physiotherapists all year: 3 x 8766 hours x £30.
    let trust = find("Riverside Community Trust");
    assert!((trust.cost_per_year.mean - 3.0 * 8766.0 * 30.0).abs() < 1e-3);
    assert!(trust.runs.contains(&"fcp".to_string()));
    // The practice sees a fifth fewer patients: 2 an hour, 17,532 a year, released.
    let pcn = find("Riverside PCN");
    assert!(
        pcn.seen_per_year.contains(-2.0 * 8766.0),
        "{:?}",
        pcn.seen_per_year
    );
    // The ICB pays £40 for each GP contact fewer.
    let icb = find("Riverside ICB");
    assert!(
        icb.cost_per_year.contains(-2.0 * 8766.0 * 40.0),
        "{:?}",
        icb.cost_per_year
    );
    // The run report says what the scenario changes.
    let changes = &comparison.scenarios[0].changes;
    assert!(
        changes
            .iter()
            .any(|c| c.starts_with("node.fcp.staffing: 3 servers (new)")),
        "{changes:?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c.starts_with("source.patients.arrivals") || c.contains("triage")),
        "{changes:?}"
    );
    // A scenario identical to its base has a ledger of exact zeros.
    let same = compare(
        &base,
        &[("same".into(), base.clone())],
        RunOptions::default(),
    )
    .unwrap();
    assert!(same.scenarios[0].changes.is_empty());
    for line in &same.scenarios[0].ledger {
        assert_eq!(line.cost_per_year.ci95, [0.0, 0.0]);
        assert_eq!(line.seen_per_year.ci95, [0.0, 0.0]);
    }
}

#[test]
fn results_read_back_from_their_json_exactly() {
    // Kept results are read back by the pages: every field, nulls (nothing observed) included.
    let model = Model::from_toml(&clinic("did_not_attend = 0.1\n")).unwrap();
    let result = run(&model, RunOptions::default()).unwrap();
    let text = serde_json::to_string(&result).unwrap();
    let back: concord_sim::RunResult = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
    let comparison = compare(
        &model,
        &[("same".into(), model.clone())],
        RunOptions::default(),
    )
    .unwrap();
    let text = serde_json::to_string(&comparison).unwrap();
    let back: concord_sim::Comparison = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
}
