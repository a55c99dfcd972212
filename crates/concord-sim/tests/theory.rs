//! The engine against queueing theory, inside the replications' 95% confidence intervals:
//! M/M/c (Erlang C) at two utilisations including 0.95, M/M/c/K blocking, Erlang B, a Jackson
//! network, and Little's law on every node; and reproducibility: the same numbers at 1 and 2
//! threads and for the same seed run twice, and common random numbers across scenarios.
//!
//! The formulas here are written from the textbook (a = lambda/mu, rho = a/c), apart from the
//! engine.

use concord_sim::{compare, run, run_to_precision, Model, RunOptions};

/// Erlang B by recursion: B_0 = 1, B_k = a B_{k-1} / (k + a B_{k-1}).
fn erlang_b(c: u32, a: f64) -> f64 {
    (1..=c).fold(1.0, |b, k| a * b / (f64::from(k) + a * b))
}

/// Mean wait in queue of M/M/c: Wq = C / (c mu - lambda), C = B / (1 - rho (1 - B)).
fn mmc_wait(lambda: f64, mu: f64, c: u32) -> f64 {
    let a = lambda / mu;
    let rho = a / f64::from(c);
    let b = erlang_b(c, a);
    let erlang_c = b / (1.0 - rho * (1.0 - b));
    erlang_c / (f64::from(c) * mu - lambda)
}

/// Blocking probability and mean wait of M/M/c/K (K people at most, in service or waiting).
fn mmck(lambda: f64, mu: f64, c: u32, k: u32) -> (f64, f64) {
    let a = lambda / mu;
    let mut p = Vec::with_capacity(k as usize + 1);
    let mut term = 1.0;
    for n in 0..=k {
        if n > 0 {
            term *= if n <= c {
                a / f64::from(n)
            } else {
                a / f64::from(c)
            };
        }
        p.push(term);
    }
    let total: f64 = p.iter().sum();
    let p: Vec<f64> = p.iter().map(|x| x / total).collect();
    let blocked = p[k as usize];
    let lq: f64 = (c..=k).map(|n| f64::from(n - c) * p[n as usize]).sum();
    (blocked, lq / (lambda * (1.0 - blocked)))
}

fn single_node(rate: f64, servers: u32, capacity: Option<u32>, reps: u32, length: f64) -> String {
    let capacity = capacity.map_or(String::new(), |k| format!("capacity = {k}\n"));
    format!(
        "[run]\ntime_unit = \"hour\"\nwarm_up = {}\nlength = {length}\nreplications = {reps}\nseed = 11\n\n\
         [[source]]\nname = \"referrals\"\nto = \"clinic\"\narrivals = {{ dist = \"poisson\", rate = {rate} }}\n\n\
         [[node]]\nname = \"clinic\"\nservers = {servers}\n{capacity}service = {{ dist = \"exponential\", mean = 1.0 }}\n",
        length / 10.0
    )
}

const MMC_95: &str = include_str!("../models/mmc-95.toml");

/// The issue's two model files, which must run exactly as written.
const NETWORK: &str = include_str!("../models/gp-fcp-msk.toml");

#[test]
fn m_m_10_at_95_percent_waits_as_erlang_c_says() {
    let result = run(&Model::from_toml(MMC_95).unwrap(), RunOptions::default()).unwrap();
    let clinic = &result.nodes[0];
    let theory = mmc_wait(9.5, 1.0, 10);
    assert!(
        clinic.wait.contains(theory),
        "Wq {theory} outside {:?}",
        clinic.wait.ci95
    );
    assert!(
        clinic.utilisation.contains(0.95),
        "{:?}",
        clinic.utilisation
    );
    assert!(clinic.arrivals.contains(9.5));
    assert!(clinic.time_in_node.contains(theory + 1.0));
}

#[test]
fn m_m_3_at_two_thirds_waits_as_erlang_c_says() {
    let model = Model::from_toml(&single_node(2.0, 3, None, 20, 20_000.0)).unwrap();
    let result = run(&model, RunOptions::default()).unwrap();
    let theory = mmc_wait(2.0, 1.0, 3);
    assert!(
        result.nodes[0].wait.contains(theory),
        "{theory} {:?}",
        result.nodes[0].wait
    );
    assert_eq!(result.nodes[0].blocked.mean, 0.0);
}

#[test]
fn a_full_node_refuses_as_m_m_c_k_says() {
    // M/M/3/6 offered 4 an hour: blocking and the wait of those let in.
    let model = Model::from_toml(&single_node(4.0, 3, Some(6), 20, 20_000.0)).unwrap();
    let result = run(&model, RunOptions::default()).unwrap();
    let (blocked, wait) = mmck(4.0, 1.0, 3, 6);
    let clinic = &result.nodes[0];
    assert!(
        clinic.blocked.contains(blocked),
        "{blocked} {:?}",
        clinic.blocked
    );
    assert!(clinic.wait.contains(wait), "{wait} {:?}", clinic.wait);
}

#[test]
fn with_no_room_to_wait_the_loss_is_erlang_b() {
    // M/M/5/5: Erlang's loss formula.
    let model = Model::from_toml(&single_node(4.0, 5, Some(5), 20, 20_000.0)).unwrap();
    let result = run(&model, RunOptions::default()).unwrap();
    let theory = erlang_b(5, 4.0);
    assert!(
        result.nodes[0].blocked.contains(theory),
        "{theory} {:?}",
        result.nodes[0].blocked
    );
    assert_eq!(
        result.nodes[0].wait.mean, 0.0,
        "nobody waits where nobody may queue"
    );
}

#[test]
fn a_jackson_network_behaves_as_independent_m_m_c_nodes() {
    let result = run(&Model::from_toml(NETWORK).unwrap(), RunOptions::default()).unwrap();
    for (i, (name, lambda, c)) in [("gp", 10.0, 12), ("fcp", 3.0, 4), ("msk", 1.2, 2)]
        .into_iter()
        .enumerate()
    {
        let node = &result.nodes[i];
        assert_eq!(node.name, name);
        assert!(
            node.arrivals.contains(lambda),
            "{name} arrivals {:?}",
            node.arrivals
        );
        let theory = mmc_wait(lambda, 1.0, c);
        assert!(
            node.wait.contains(theory),
            "{name}: Wq {theory} outside {:?}",
            node.wait
        );
        // Little's law: the time-average queue is the arrival rate times the mean wait.
        let little = node.arrivals.mean * node.wait.mean;
        assert!(
            (node.queue_length.mean - little).abs() <= 0.02 * little.max(0.01),
            "{name}: Lq {} vs lambda Wq {little}",
            node.queue_length.mean
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_numbers_at_any_thread_count() {
    let model = Model::from_toml(NETWORK).unwrap();
    let one = run(
        &model,
        RunOptions {
            threads: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    let two = run(
        &model,
        RunOptions {
            threads: Some(2),
            ..Default::default()
        },
    )
    .unwrap();
    let again = run(
        &model,
        RunOptions {
            threads: Some(2),
            ..Default::default()
        },
    )
    .unwrap();
    let json = |r| serde_json::to_string(r).unwrap();
    assert_eq!(json(&one), json(&two));
    assert_eq!(json(&two), json(&again));
    let other = run(
        &model,
        RunOptions {
            seed: Some(8),
            ..Default::default()
        },
    )
    .unwrap();
    assert_ne!(json(&one), json(&other));
}

#[test]
fn scenarios_share_random_numbers_so_unchanged_parts_are_unchanged() {
    let base = run(&Model::from_toml(NETWORK).unwrap(), RunOptions::default()).unwrap();
    let same = run(&Model::from_toml(NETWORK).unwrap(), RunOptions::default()).unwrap();
    assert_eq!(
        base, same,
        "a scenario identical to its base differs by exactly 0"
    );
    // More MSK clinicians change the MSK clinic and nothing upstream of it.
    let more = NETWORK.replace("servers = 2", "servers = 3");
    let scenario = run(&Model::from_toml(&more).unwrap(), RunOptions::default()).unwrap();
    assert_eq!(
        base.nodes[0], scenario.nodes[0],
        "the GP sees the same patients"
    );
    assert_eq!(base.nodes[1], scenario.nodes[1], "and so does the FCP");
    assert!(scenario.nodes[2].wait.mean < base.nodes[2].wait.mean);
}

#[test]
fn paired_differences_are_zero_for_the_same_scenario_and_precise_for_a_change() {
    let base = Model::from_toml(NETWORK).unwrap();
    let same = Model::from_toml(NETWORK).unwrap();
    let more = Model::from_toml(&NETWORK.replace("servers = 2", "servers = 3")).unwrap();
    let comparison = compare(
        &base,
        &[("same".into(), same), ("more MSK".into(), more)],
        RunOptions::default(),
    )
    .unwrap();
    let same = &comparison.scenarios[0];
    for node in &same.differences {
        assert_eq!(node.wait.mean, 0.0);
        assert_eq!(node.wait.ci95, [0.0, 0.0], "{}", node.name);
    }
    let more = &comparison.scenarios[1];
    assert_eq!(
        more.differences[0].wait.ci95,
        [0.0, 0.0],
        "the GP is untouched"
    );
    let msk = &more.differences[2];
    assert!(
        msk.wait.ci95[1] < 0.0,
        "a third MSK clinician cuts the MSK wait: {:?}",
        msk.wait
    );
    // The paired interval is far narrower than the two runs' own intervals would suggest.
    let unpaired =
        more.results.nodes[2].wait.half_width() + comparison.base.nodes[2].wait.half_width();
    assert!(msk.wait.half_width() < unpaired);
    assert!(more.unmatched.is_empty());
}

#[test]
fn priority_classes_wait_as_cobham_says() {
    // M/M/2, non-preemptive priorities, the same service rate: W_k = W_0 / ((1 - s_{k-1})(1 - s_k)),
    // W_0 = C(c, a) / (c mu), s_k = the load of classes 1..k over c mu.
    let text = r#"
[run]
warm_up = 2000
length = 40000
replications = 20
seed = 5

[[class]]
name = "urgent"
priority = 1
target = 0.5

[[class]]
name = "routine"
priority = 2
target = 2.0

[[source]]
name = "urgent referrals"
to = "clinic"
class = "urgent"
arrivals = { dist = "poisson", rate = 0.6 }

[[source]]
name = "routine referrals"
to = "clinic"
class = "routine"
arrivals = { dist = "poisson", rate = 1.0 }

[[node]]
name = "clinic"
servers = 2
service = { dist = "exponential", mean = 1.0 }
"#;
    let result = run(&Model::from_toml(text).unwrap(), RunOptions::default()).unwrap();
    let clinic = &result.nodes[0];
    let (c, lambda) = (2.0, 1.6);
    let a = lambda;
    let b = erlang_b(2, a);
    let erlang_c = b / (1.0 - (a / c) * (1.0 - b));
    let w0 = erlang_c / c;
    let (s1, s2) = (0.6 / c, 1.6 / c);
    let urgent = w0 / (1.0 - s1);
    let routine = w0 / ((1.0 - s1) * (1.0 - s2));
    assert_eq!(clinic.classes.len(), 2);
    assert!(
        clinic.classes[0].wait.contains(urgent),
        "{urgent} {:?}",
        clinic.classes[0].wait
    );
    assert!(
        clinic.classes[1].wait.contains(routine),
        "{routine} {:?}",
        clinic.classes[1].wait
    );
    // Overall, the same as without priorities (work-conserving, same service rate).
    assert!(clinic.wait.contains(mmc_wait(1.6, 1.0, 2)));
    let within = clinic.classes[0].within_target.unwrap();
    assert!(within.mean > 0.5 && within.mean < 1.0, "{within:?}");
    // Without classes the results name none.
    let plain = run(&Model::from_toml(NETWORK).unwrap(), RunOptions::default()).unwrap();
    assert!(plain.nodes[0].classes.is_empty());
}

/// M/M/c+M (Erlang A) by its birth-death chain: death rate min(n, c) mu + max(n - c, 0) theta,
/// truncated far in the tail. Gives (share who give up, mean wait of everyone).
fn erlang_a(lambda: f64, mu: f64, c: u32, theta: f64) -> (f64, f64) {
    let mut p = vec![1.0_f64];
    for n in 1..2000u32 {
        let death = f64::from(n.min(c)) * mu + f64::from(n.saturating_sub(c)) * theta;
        p.push(p[n as usize - 1] * lambda / death);
    }
    let total: f64 = p.iter().sum();
    let lq: f64 = p
        .iter()
        .enumerate()
        .map(|(n, x)| (n as f64 - f64::from(c)).max(0.0) * x / total)
        .sum();
    (theta * lq / lambda, lq / lambda)
}

#[test]
fn people_who_give_up_do_so_as_erlang_a_says() {
    // M/M/3+M: 3.5 an hour offered to 3 clinicians (overloaded without reneging), patience
    // exponential with mean 2 hours; those who give up go back to the GP.
    let text = single_node(3.5, 3, None, 20, 20_000.0).replace(
        "service = {",
        "patience = { dist = \"exponential\", mean = 2.0 }\nreneged_to = \"gp\"\nservice = {",
    ) + "\n[[node]]\nname = \"gp\"\nservers = 50\nservice = { dist = \"exponential\", mean = 0.2 }\n";
    let result = run(&Model::from_toml(&text).unwrap(), RunOptions::default()).unwrap();
    let clinic = &result.nodes[0];
    let (gave_up, _) = erlang_a(3.5, 1.0, 3, 0.5);
    assert!(
        clinic.reneged.contains(gave_up),
        "{gave_up} {:?}",
        clinic.reneged
    );
    // Little's law over everyone who queued: Lq = lambda * (mean wait of all, served or not);
    // the engine's wait is over those served, so check the queue length against theory instead.
    let (_, wait_all) = erlang_a(3.5, 1.0, 3, 0.5);
    assert!(
        clinic.queue_length.contains(3.5 * wait_all),
        "{} {:?}",
        3.5 * wait_all,
        clinic.queue_length
    );
    // Those who gave up reached the GP.
    let gp = &result.nodes[1];
    assert!(gp.arrivals.contains(3.5 * gave_up), "{:?}", gp.arrivals);
}

#[test]
fn automatic_replications_stop_at_the_precision_asked_and_match_a_plain_run() {
    let model = Model::from_toml(&single_node(2.0, 3, None, 3, 5_000.0)).unwrap();
    let result = run_to_precision(&model, RunOptions::default(), 0.05, 200).unwrap();
    let wait = result.nodes[0].wait;
    assert!(wait.half_width() <= 0.05 * wait.mean, "{wait:?}");
    assert!(
        result.replications > 3,
        "3 replications are not enough for 5% here"
    );
    assert!(result.run_report.replication_rule.starts_with("automatic"));
    let plain = run(
        &model,
        RunOptions {
            replications: Some(result.replications),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        plain.nodes, result.nodes,
        "the same numbers as a plain run of that many"
    );
    // A budget stops it.
    let capped = run_to_precision(&model, RunOptions::default(), 0.0001, 6).unwrap();
    assert_eq!(capped.replications, 6);
}
