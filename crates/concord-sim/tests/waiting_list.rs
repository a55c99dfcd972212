//! Starting from today's waiting list: people already waiting are seen in the order they were
//! referred, and their waits count from their referral dates.

use concord_sim::{run, Model, RunOptions};

const MODEL: &str = r#"
[run]
time_unit = "day"
start = "2026-12-01"
length = 30
replications = 2

[[node]]
name = "msk"
servers = 1
service = { dist = "fixed", value = 1.0 }
waiting_list = "msk-waiting.csv"
"#;

#[test]
fn people_already_waiting_are_seen_in_order_with_waits_from_their_referral() {
    let mut model = Model::from_toml(MODEL).unwrap();
    assert_eq!(
        model.nodes[0].waiting_list_file.as_deref(),
        Some("msk-waiting.csv")
    );
    // Referred 2, 4, 6, 8 and 10 days before the start, listed out of order.
    let csv = "referral_date\n2026-11-25\n2026-11-21\n2026-11-29\n2026-11-23\n2026-11-27\n";
    assert_eq!(model.attach_waiting_list(0, csv).unwrap(), 5);
    let result = run(&model, RunOptions::default()).unwrap();
    let msk = &result.nodes[0];
    // Seen one a day, longest-waiting first: waits 10, 8+1, 6+2, 4+3, 2+4 days.
    assert_eq!(msk.wait.mean, 8.0);
    assert_eq!(msk.time_in_node.mean, 9.0);
    assert_eq!(msk.wait.ci95, [8.0, 8.0], "no randomness, no spread");
    // Four wait while the first is seen, then three, two, one: 10 person-days over 30 days.
    assert!((msk.queue_length.mean - 10.0 / 30.0).abs() < 1e-12);
}

#[test]
fn a_bad_waiting_list_is_refused_by_line() {
    let mut model = Model::from_toml(MODEL).unwrap();
    let err = model
        .attach_waiting_list(0, "referral_date\n2026-11-25\n25/11/2026\n")
        .unwrap_err();
    assert_eq!(err.line, Some(3));
    assert!(
        err.to_string().contains("is not a date written YYYY-MM-DD"),
        "{err}"
    );
    let err = model
        .attach_waiting_list(0, "referral_date\n2026-12-02\n")
        .unwrap_err();
    assert!(err.to_string().contains("after the run's start"), "{err}");
    let err = model
        .attach_waiting_list(0, "referred\n2026-11-25\n")
        .unwrap_err();
    assert!(err.to_string().contains("no referral_date column"), "{err}");
    let no_start = MODEL.replace("start = \"2026-12-01\"\n", "");
    let mut model = Model::from_toml(&no_start).unwrap();
    assert!(model
        .attach_waiting_list(0, "referral_date\n2026-11-25\n")
        .unwrap_err()
        .to_string()
        .contains("start date"));
}

#[test]
fn a_waiting_list_can_be_written_as_how_many_have_waited_how_long() {
    // As NHS England publishes waiting lists: counts by time waited. The same five people as the
    // CSV above: waited 10, 8, 6, 4 and 2 days.
    let text = MODEL.replace(
        "waiting_list = \"msk-waiting.csv\"\n",
        "waiting_now = [ { waited = 2.0, people = 1 }, { waited = 6.0, people = 1 }, { waited = 10.0, people = 1 }, { waited = 4.0, people = 1 }, { waited = 8.0, people = 1 } ]\n",
    );
    let model = Model::from_toml(&text).unwrap();
    assert_eq!(model.nodes[0].initial.len(), 5);
    let result = run(&model, RunOptions::default()).unwrap();
    assert_eq!(result.nodes[0].wait.mean, 8.0);
    assert!(result
        .run_report
        .initialisation
        .contains("5 already waiting at msk"));
    let bad = MODEL.replace(
        "waiting_list = \"msk-waiting.csv\"\n",
        "waiting_now = [ { waited = -1.0, people = 3 } ]\n",
    );
    let err = Model::from_toml(&bad).unwrap_err().to_string();
    assert!(err.starts_with("line 12"), "{err}");
    assert!(err.contains("waited must be"), "{err}");
}
