//! `concord spc` end to end on NHSRplotthedots's national A&E performance series: the JSON, CSV
//! and SVG outputs, and clear errors for bad input.

use std::path::PathBuf;
use std::process::{Command, Output};

const SERIES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../concord-measure/fixtures/nhsrplotthedots/ae_all_performance_fix12.csv"
);

fn spc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_concord"))
        .arg("spc")
        .args(args)
        .output()
        .expect("concord runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("concord-spc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn json_gives_the_published_limits_rules_and_icons() {
    let out = spc(&[
        "--input",
        SERIES,
        "--date-column",
        "x",
        "--value-column",
        "y",
        "--fix-after",
        "12",
        "--target",
        "0.95",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let chart: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(chart["profile"], "NHSRplotthedots 0.2.2");
    assert_eq!(chart["variation_icon"], "concern_low");
    // The target lies above the upper limit of a measure where higher is better.
    assert_eq!(chart["assurance"], "fail");
    let group = &chart["groups"][0];
    // NHSRplotthedots integration-test snapshot: 0.890891556434924 (0.861404978907426, 0.920378133962421).
    assert!((group["mean"].as_f64().unwrap() - 0.890_891_556_434_924).abs() < 1e-14);
    assert!((group["lpl"].as_f64().unwrap() - 0.861_404_978_907_426).abs() < 1e-14);
    assert!((group["upl"].as_f64().unwrap() - 0.920_378_133_962_421).abs() < 1e-14);
    assert_eq!(group["n"], 36);
    assert_eq!(group["short_group_warning"], false);
    let points = chart["points"].as_array().unwrap();
    assert_eq!(points[9]["date"], "2017-01-01");
    assert_eq!(points[9]["rule"], "below_lpl");
    assert_eq!(points[9]["point_type"], "special_cause_concern");
    assert_eq!(points[12]["rule"], "shift_high");
    assert_eq!(points[0]["rule"], serde_json::Value::Null);
}

#[test]
fn rebasing_splits_the_groups_and_csv_and_svg_name_the_profile() {
    let out = spc(&[
        "--input",
        SERIES,
        "--date-column",
        "x",
        "--value-column",
        "y",
        "--rebase",
        "2017-04-01",
        "--profile",
        "mdc-2023",
        "--shift-length",
        "6",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let chart: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(chart["profile"], "Making Data Count 2023 (shift 6)");
    let groups = chart["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[1]["start"], "2017-04-01");
    assert_eq!(groups[0]["n"], 12);
    assert_eq!(groups[0]["short_group_warning"], true);

    let csv = spc(&[
        "--input",
        SERIES,
        "--date-column",
        "x",
        "--value-column",
        "y",
        "--format",
        "csv",
    ]);
    let text = String::from_utf8(csv.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "date,value,group,mean,lpl,upl,rule,point_type,profile"
    );
    assert_eq!(lines.count(), 36);
    assert!(text.contains(",NHSRplotthedots 0.2.2\n"));

    let svg = spc(&[
        "--input",
        SERIES,
        "--date-column",
        "x",
        "--value-column",
        "y",
        "--format",
        "svg",
        "--title",
        "England: A&E 4-hour performance",
    ]);
    let svg = String::from_utf8(svg.stdout).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("England: A&amp;E 4-hour performance"));
    assert!(svg.contains("Rules: NHSRplotthedots 0.2.2"));
}

#[test]
fn bad_input_is_named_by_line_and_field() {
    let bad = file("bad.csv", "date,value\n2024-01-01,5\n2024-02-01,five\n");
    let out = spc(&["--input", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("line 3, field 'value': 'five' is not a number"),
        "{}",
        stderr(&out)
    );

    let good = file(
        "good.csv",
        "date,value\n2024-01-01,5\n2024-02-01,6\n2024-03-01,4\n",
    );
    let cases: [(&[&str], &str); 4] = [
        (
            &["--rebase", "2023-01-01"],
            "--rebase: 2023-01-01 matches no date in the input",
        ),
        (
            &["--fix-after", "5"],
            "limits can be fixed after 12 or more points, not 5",
        ),
        (
            &["--profile", "mdc-2019"],
            "unknown methodology profile 'mdc-2019'",
        ),
        (
            &["--trend-length", "9"],
            "a trend length must be 6, 7 or 8 points (got 9)",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["--input", good.to_str().unwrap()];
        all.extend_from_slice(args);
        let out = spc(&all);
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_negative_target_is_written_as_people_write_it() {
    let out = spc(&[
        "--input",
        SERIES,
        "--date-column",
        "x",
        "--value-column",
        "y",
        "--target",
        "-3",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let chart: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(chart["target"], -3.0);
    // Every value (about 0.9) is above a target of -3 on a measure where higher is better.
    assert_eq!(chart["assurance"], "pass");
}
