//! Rosters: nobody starts service outside a session or on a closed day (bank holidays, closed
//! dates), the people already waiting are seen in referral order from the first session, and a
//! roster's sessions are what its costs are charged by.

use concord_sim::engine::{replicate_collecting, Collect, TraceKind};
use concord_sim::{run, Model, RunOptions};

/// A clinic with two physiotherapists on weekday mornings (09:00 to 12:00) and a third on
/// Tuesday afternoons, over Christmas 2026: Friday 25 and Monday 28 December and Friday
/// 1 January are bank holidays, and the clinic is also closed on Thursday 31 December.
const CLINIC: &str = r#"
[run]
time_unit = "hour"
start = "2026-12-21"
length = 336           # two weeks
replications = 3
seed = 5

[[node]]
name = "fcp"
service = { dist = "fixed", value = 0.25 }
partner = "Riverside Community Trust"
costs = [ { partner = "Riverside ICB", per_session = 150.0, per_contact = 2.0 } ]

[node.roster]
closed = ["2026-12-31"]

[[node.roster.session]]
days = ["weekdays"]
from = "09:00"
to = "12:00"
staff = 2

[[node.roster.session]]
days = ["tue"]
from = "13:30"
to = "15:00"
"#;

/// Whether hour `t` of the run (from Monday 21 December 2026) is inside a session.
fn in_session(t: f64) -> bool {
    let day = (t / 24.0).floor() as i64;
    let hour = t - day as f64 * 24.0;
    let weekday = day % 7; // 0 is Monday
    let closed = [4, 7, 10, 11].contains(&day); // 25, 28, 31 December, 1 January
    if closed || weekday >= 5 {
        return false;
    }
    (9.0..12.0).contains(&hour) || (weekday == 1 && (13.5..15.0).contains(&hour))
}

fn with_waiting_list(text: &str, people: usize) -> Model {
    let mut model = Model::from_toml(text).unwrap();
    let csv: String = std::iter::once("referral_date".to_string())
        .chain((0..people).map(|i| {
            let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 20).unwrap()
                - chrono::Duration::days((i % 300) as i64);
            day.to_string()
        }))
        .collect::<Vec<_>>()
        .join("\n");
    model.attach_waiting_list(0, &csv).unwrap();
    model
}

#[test]
fn nobody_is_seen_outside_a_session_and_the_list_is_seen_in_referral_order() {
    let model = with_waiting_list(CLINIC, 1000);
    let tally = replicate_collecting(
        &model,
        5,
        0,
        Collect {
            series: false,
            trace: true,
        },
    );
    let trace = tally.trace.unwrap();
    let starts: Vec<_> = trace
        .iter()
        .filter(|e| e.kind == TraceKind::Start)
        .collect();
    assert!(!starts.is_empty());
    for start in &starts {
        assert!(in_session(start.time), "started at hour {}", start.time);
        // Fixed 15-minute appointments from the session's start fit it exactly.
        assert!(in_session(start.time + 0.2499), "ran past the session");
    }
    // Open days: 21, 22 (with the afternoon), 23, 24, 29 (afternoon too) and 30 December.
    // Mornings: 2 staff x 12 slots; Tuesday afternoons: 1 x 6 slots.
    let expected = 6 * 24 + 2 * 6;
    assert_eq!(starts.len(), expected);
    assert_eq!(tally.nodes[0].seen, expected as u64);
    assert_eq!(tally.nodes[0].overtime, 0.0);
    // The list was given longest-waiting first, so people are seen in that order.
    let order: Vec<u32> = starts.iter().map(|e| e.person).collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(order, sorted);
    // Staff-sessions: 6 open weekday mornings x 2, and 2 Tuesday afternoons.
    assert_eq!(tally.nodes[0].staff_sessions, 6 * 2 + 2);
}

#[test]
fn waits_count_from_referral_and_costs_follow_the_roster() {
    let model = with_waiting_list(CLINIC, 1000);
    let result = run(&model, RunOptions::default()).unwrap();
    let fcp = &result.nodes[0];
    // No randomness: every replication is the same.
    assert_eq!(fcp.wait.ci95[0], fcp.wait.ci95[1]);
    // Everyone seen was referred at least a day before the start (20 December or earlier).
    assert!(fcp.wait.mean > 24.0);
    let icb = result
        .partners
        .iter()
        .find(|p| p.name == "Riverside ICB")
        .unwrap();
    let sessions = (6 * 2 + 2) as f64;
    let contacts = (6 * 24 + 2 * 6) as f64;
    assert_eq!(icb.cost.mean, sessions * 150.0 + contacts * 2.0);
    let trust = result
        .partners
        .iter()
        .find(|p| p.name == "Riverside Community Trust")
        .unwrap();
    assert_eq!(trust.runs, ["fcp"]);
    assert_eq!(trust.cost.mean, 0.0);
    assert!(result.run_report.calendar.contains("2026-12-21"));
}

#[test]
fn a_session_that_ends_mid_appointment_finishes_it_as_overtime() {
    // 50-minute appointments in a three-hour session: the fourth runs 20 minutes over.
    let text = CLINIC.replace("value = 0.25", "value = 0.8333333333333334");
    let model = with_waiting_list(&text, 1000);
    let tally = replicate_collecting(
        &model,
        5,
        0,
        Collect {
            series: false,
            trace: true,
        },
    );
    let trace = tally.trace.unwrap();
    for start in trace.iter().filter(|e| e.kind == TraceKind::Start) {
        assert!(in_session(start.time), "started at hour {}", start.time);
    }
    assert!(tally.nodes[0].overtime > 0.0);
}

#[test]
fn a_roster_needs_a_calendar_it_can_read() {
    let err =
        Model::from_toml(&CLINIC.replace("time_unit = \"hour\"", "time_unit = \"fortnight\""))
            .unwrap_err()
            .to_string();
    assert!(err.contains("a roster needs time_unit"), "{err}");
    let err = Model::from_toml(&CLINIC.replace("to = \"12:00\"", "to = \"08:00\""))
        .unwrap_err()
        .to_string();
    assert!(err.contains("end after it starts"), "{err}");
    assert!(err.starts_with("line "), "{err}");
    let both = CLINIC.replace("name = \"fcp\"\n", "name = \"fcp\"\nservers = 2\n");
    let err = Model::from_toml(&both).unwrap_err().to_string();
    assert!(
        err.contains("exactly one of servers, roster or caseload"),
        "{err}"
    );
}
