//! `concord sim run` and `concord waitlist plan` end to end: the JSON contract, the same numbers
//! at 1 and 2 threads, refusals that say where, and the waiting-list rules.

use std::process::{Command, Output};

fn concord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("concord runs")
}

const MODEL: &str = include_str!("../../concord-sim/models/gp-fcp-msk.toml");

fn model_file(dir: &tempfile::TempDir, text: &str) -> String {
    let path = dir.path().join("model.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn sim_run_prints_the_json_contract_the_same_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = model_file(&dir, MODEL);
    let one = concord(&["sim", "run", &path, "--format", "json", "--threads", "1"]);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let two = concord(&["sim", "run", &path, "--format", "json", "--threads", "2"]);
    assert_eq!(one.stdout, two.stdout, "bit-identical at 1 and 2 threads");
    let json: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(json["replications"], 10);
    assert_eq!(json["seed"], 7);
    assert_eq!(json["time_unit"], "hour");
    assert!(json["events"].as_u64().unwrap() > 100_000);
    assert!(json["run_report"]["model_hash"].as_str().unwrap().len() == 16);
    let nodes = json["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 3);
    for node in nodes {
        for statistic in [
            "arrivals",
            "wait",
            "time_in_node",
            "queue_length",
            "utilisation",
            "blocked",
            "reneged",
        ] {
            let e = &node[statistic];
            let (mean, low, high) = (
                e["mean"].as_f64().unwrap(),
                e["ci95"][0].as_f64().unwrap(),
                e["ci95"][1].as_f64().unwrap(),
            );
            assert!(low <= mean && mean <= high, "{} {statistic}", node["name"]);
        }
    }
    assert!(json["system"]["time_in_system"]["mean"].as_f64().unwrap() > 1.0);

    let seeded = concord(&["sim", "run", &path, "--format", "json", "--seed", "8"]);
    assert_ne!(one.stdout, seeded.stdout);
    let precise = concord(&[
        "sim",
        "run",
        &path,
        "--format",
        "json",
        "--precision",
        "0.05",
    ]);
    let precise: serde_json::Value = serde_json::from_slice(&precise.stdout).unwrap();
    assert!(precise["run_report"]["replication_rule"]
        .as_str()
        .unwrap()
        .starts_with("automatic"));
    let table = concord(&["sim", "run", &path, "--replications", "3"]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("3 replications, seed 7"));
    assert!(table.contains("fcp · mean wait (hours)"));
}

#[test]
fn sim_compare_gives_paired_differences_exactly_zero_where_nothing_changed() {
    let dir = tempfile::tempdir().unwrap();
    let base = model_file(&dir, MODEL);
    let scenario = dir.path().join("more-msk.toml");
    std::fs::write(&scenario, MODEL.replace("servers = 2", "servers = 3")).unwrap();
    let out = concord(&[
        "sim",
        "compare",
        &base,
        scenario.to_str().unwrap(),
        "--format",
        "json",
        "--replications",
        "5",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let differences = &json["scenarios"][0]["differences"];
    assert_eq!(differences[0]["name"], "gp");
    assert_eq!(differences[0]["wait"]["mean"], 0.0);
    assert!(differences[2]["wait"]["ci95"][1].as_f64().unwrap() < 0.0);
    assert_eq!(json["base"]["replications"], 5);
}

#[test]
fn a_bad_model_is_refused_saying_where() {
    let dir = tempfile::tempdir().unwrap();
    let path = model_file(&dir, &MODEL.replace("{ to = \"msk\"", "{ to = \"mks\""));
    let out = concord(&["sim", "run", &path]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 26, column"), "{err}");
    assert!(err.contains("there is no node called \"mks\""), "{err}");
    let path = model_file(&dir, &MODEL.replace("p = 0.3", "p = 1.3"));
    let err = String::from_utf8_lossy(&concord(&["sim", "run", &path]).stderr).into_owned();
    assert!(
        err.contains("line 19") && err.contains("from 0 to 1"),
        "{err}"
    );
}

#[test]
fn waitlist_plan_gives_the_rules_figures() {
    let out = concord(&[
        "waitlist",
        "plan",
        "--demand",
        "30",
        "--capacity",
        "27",
        "--queue",
        "1200",
        "--target-wait",
        "52",
        "--mean-wait",
        "63",
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let get = |k: &str| json[k].as_f64().unwrap();
    assert!((get("load") - 30.0 / 27.0).abs() < 1e-12);
    assert_eq!(get("target_mean_wait"), 13.0);
    assert_eq!(get("target_queue_size"), 390.0);
    assert!((get("relief_capacity") - 61.153_846).abs() < 1e-6);
    assert!((get("target_capacity") - (30.0 + 4.0 / 52.0)).abs() < 1e-12);
    assert!((get("pressure") - 2.423_076_92).abs() < 1e-8);
    assert!(json.get("check").is_none());
    let checked = concord(&[
        "waitlist",
        "plan",
        "--demand",
        "30",
        "--capacity",
        "27",
        "--queue",
        "1200",
        "--target-wait",
        "52",
        "--check",
        "--replications",
        "10",
        "--format",
        "json",
    ]);
    assert!(checked.status.success());
    let json: serde_json::Value = serde_json::from_slice(&checked.stdout).unwrap();
    let end = json["check"]["relief"]["queue_at_end"]["mean"]
        .as_f64()
        .unwrap();
    // From 1,200 at 61.15 a week for 26 weeks: near the target size of 390.
    assert!((end - 390.0).abs() < 0.2 * 390.0, "{end}");
    assert_eq!(json["check"]["replications"], 10);
    let refused = concord(&[
        "waitlist",
        "plan",
        "--demand",
        "30",
        "--capacity",
        "0",
        "--queue",
        "1",
        "--target-wait",
        "52",
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--capacity"));
}

#[test]
fn sim_run_starts_from_a_waiting_list_named_beside_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let model = "[run]\ntime_unit = \"day\"\nstart = \"2026-12-01\"\nlength = 30\nreplications = 2\n\n\
                 [[node]]\nname = \"msk\"\nservers = 1\nservice = { dist = \"fixed\", value = 1.0 }\n\
                 waiting_list = \"waiting.csv\"\n";
    let path = model_file(&dir, model);
    std::fs::write(
        dir.path().join("waiting.csv"),
        "referral_date\n2026-11-21\n2026-11-29\n",
    )
    .unwrap();
    let out = concord(&["sim", "run", &path, "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Waits 10 and 2 + 1 days.
    assert_eq!(json["nodes"][0]["wait"]["mean"], 6.5);
    std::fs::write(
        dir.path().join("waiting.csv"),
        "referral_date\n2026-11-21\nsoon\n",
    )
    .unwrap();
    let out = concord(&["sim", "run", &path]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"));
}
