//! Cohorts counted over an ingested store, checked against fixtures counted by hand.

use concord_population::cohort::definition::parse;
use concord_population::cohort::eval::Evaluator;
use concord_population::cohort::measures::{Measures, PracticeInfo, Reference};
use concord_population::disclosure::{DisclosureRule, Shown};
use concord_population::efi::EfiCodelist;
use concord_population::ingest::Ingest;
use concord_population::picture::Picture;
use concord_population::pseudonym::PseudonymKey;
use concord_population::pseudonymise::LsoaLookup;
use concord_population::store::PopulationStore;
use concord_population::table::epoch_days;
use std::collections::HashSet;

/// (id, NHS number, sex, birth date, practice or "", deceased or "").
const PEOPLE: [(&str, &str, &str, &str, &str, &str); 6] = [
    ("p1", "9434765919", "female", "1941-06-17", "Y00001", ""),
    ("p2", "4010232137", "male", "1950-03-02", "Y00001", ""),
    ("p3", "9990000018", "female", "1990-01-09", "Y00002", ""),
    (
        "p4",
        "9876543210",
        "male",
        "1940-01-20",
        "Y00002",
        "2026-05-04",
    ),
    ("p5", "9990000026", "female", "1955-07-01", "", ""),
    ("p6", "9990000034", "female", "1945-02-11", "Y00002", ""),
];

/// (patient, kind, code, date, value).
const EVENTS: [(&str, &str, &str, &str, Option<f64>); 9] = [
    ("p1", "Condition", "105529008", "2024-03-01", None), // lives alone
    ("p1", "Condition", "84114007", "2019-03-01", None),  // heart failure
    ("p1", "Encounter", "183452005", "2026-02-01", None),
    ("p1", "Encounter", "183452005", "2026-07-01", None),
    ("p1", "Observation", "106418-7", "2026-01-10", Some(7.0)), // UCLA-3
    ("p2", "Observation", "106418-7", "2026-01-10", Some(4.0)),
    ("p3", "Condition", "105529008", "2025-01-01", None),
    ("p4", "Condition", "267076002", "2023-01-01", None), // feeling lonely
    ("p6", "Observation", "106418-7", "2022-06-01", Some(6.0)),
];

fn resource(
    i: usize,
    (patient, kind, code, date, value): (&str, &str, &str, &str, Option<f64>),
) -> String {
    let coding = format!(r#"{{"coding":[{{"system":"http://snomed.info/sct","code":"{code}"}}]}}"#);
    let subject = format!(r#""subject":{{"reference":"Patient/{patient}"}}"#);
    match kind {
        "Encounter" => format!(
            r#"{{"resourceType":"Encounter","id":"e{i}","class":{{"code":"IMP"}},"type":[{coding}],{subject},"period":{{"start":"{date}"}}}}"#
        ),
        "Observation" => format!(
            r#"{{"resourceType":"Observation","id":"o{i}","code":{coding},{subject},"effectiveDateTime":"{date}","valueQuantity":{{"value":{}}}}}"#,
            value.unwrap()
        ),
        _ => format!(
            r#"{{"resourceType":"Condition","id":"c{i}","code":{coding},{subject},"onsetDateTime":"{date}"}}"#
        ),
    }
}

fn picture() -> (tempfile::TempDir, Picture) {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();
    for (id, nhs, sex, born, practice, died) in PEOPLE {
        let practice = if practice.is_empty() {
            String::new()
        } else {
            format!(
                r#","generalPractitioner":[{{"identifier":{{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"{practice}"}}}}]"#
            )
        };
        let died = if died.is_empty() {
            String::new()
        } else {
            format!(r#","deceasedDateTime":"{died}""#)
        };
        lines.push(format!(
            r#"{{"resourceType":"Patient","id":"{id}","identifier":[{{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"{nhs}"}}],"gender":"{sex}","birthDate":"{born}"{died}{practice}}}"#
        ));
    }
    for (i, event) in EVENTS.iter().enumerate() {
        lines.push(resource(i, *event));
    }
    let file = dir.path().join("extract.ndjson");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let store = PopulationStore::open(&dir.path().join("store")).unwrap();
    let key = PseudonymKey::from_hex(&"07".repeat(32)).unwrap();
    Ingest::new(&store, &key, &LsoaLookup::default(), "Y00001")
        .unwrap()
        .run(&[file], &mut |_| {})
        .unwrap();
    let picture = Picture::load(&store).unwrap();
    (dir, picture)
}

fn reference() -> Reference {
    let mut r = Reference::default();
    for (code, pcn) in [("Y00001", "North PCN"), ("Y00002", "South PCN")] {
        r.practices.insert(
            code.into(),
            PracticeInfo {
                pcn: pcn.into(),
                place: "Riverside".into(),
            },
        );
    }
    r
}

const EXACT: DisclosureRule = DisclosureRule {
    suppress_below: 1,
    round_to: 1,
};

fn no_files(_: &str) -> Result<HashSet<String>, String> {
    Err("no files".into())
}

#[test]
fn the_social_isolation_cohort_matches_the_hand_count() {
    let (_dir, picture) = picture();
    let reference = reference();
    let measures = Measures::compute(
        &picture,
        &EfiCodelist::built_in(),
        epoch_days("2026-10-31").unwrap(),
    );
    let cohort = parse(
        r#"name = "Older people at risk of social isolation"
where = "older and (alone or lonely or ucla >= 6)"
breakdowns = [["practice"], ["pcn", "sex"]]

[codelists]
lives_alone = ["105529008"]
lonely = ["267076002", "422650009"]
ucla3 = ["106418-7"]

[variables]
older = "age >= 65"
alone = { has = "lives_alone" }
lonely = { has = "lonely" }
ucla = { last_value = "ucla3", within = "2 years" }
"#,
        &no_files,
    )
    .unwrap();
    let counts = Evaluator::new(&picture, &reference, &measures).run(&cohort);
    // Only the cohort's codes read from disk: the same counts.
    let scoped = Picture::load_scoped(
        &PopulationStore::open(&_dir.path().join("store")).unwrap(),
        &cohort.event_scope(),
    )
    .unwrap();
    let scoped_measures = Measures::compute(&scoped, &EfiCodelist::built_in(), measures.index);
    assert!(!scoped_measures.complete && measures.complete);
    assert_eq!(
        Evaluator::new(&scoped, &reference, &scoped_measures).run(&cohort),
        counts
    );
    // Registered on 2026-10-31: p1, p2, p3, p6 (p4 died in May, p5 has no practice).
    assert_eq!(counts.population, 4);
    // Aged 65+: p1 (85), p2 (76), p6 (81). Alone: p1. Lonely: none alive and registered.
    // UCLA-3 in two years: p1 7, p2 4; p6's 6 is from 2022. So only p1.
    assert_eq!(counts.cohort, 1);
    let practice = &counts.breakdowns[0];
    assert_eq!(practice.by, vec!["practice"]);
    assert_eq!(
        (practice.rows.as_slice(), practice.columns.as_slice()),
        (&["Y00001".to_string()][..], &["count".to_string()][..])
    );
    assert_eq!(practice.counts, vec![vec![1]]);
    let pcn_by_sex = &counts.breakdowns[1];
    assert_eq!(
        (pcn_by_sex.rows.as_slice(), pcn_by_sex.columns.as_slice()),
        (&["North PCN".to_string()][..], &["female".to_string()][..])
    );
    assert_eq!(pcn_by_sex.counts, vec![vec![1]]);
    // Published under the default rule, the 1 is hidden, and so is what would reveal it.
    let report = counts.protect(&DisclosureRule::default());
    assert_eq!(report.cohort, Shown::Suppressed { below: 10 });
    assert!(report.disclosure.contains("10"));
    assert_eq!(counts.protect(&EXACT).cohort, Shown::Count(1));
}

#[test]
fn event_counts_in_windows_and_the_everyone_population() {
    let (_dir, picture) = picture();
    let reference = reference();
    let measures = Measures::compute(
        &picture,
        &EfiCodelist::built_in(),
        epoch_days("2026-10-31").unwrap(),
    );
    let cohort = |criteria: &str, population: &str| {
        parse(
            &format!(
                r#"name = "x"
population = "{population}"
where = "{criteria}"
[codelists]
admission = ["183452005"]
[variables]
admissions = {{ count = "admission", within = "12 months", class = "IMP" }}
ever_admitted = {{ has = "admission" }}
"#
            ),
            &no_files,
        )
        .unwrap()
    };
    let run = |c| Evaluator::new(&picture, &reference, &measures).run(&c);
    // p1 has two emergency admissions in the 12 months (February and July 2026).
    assert_eq!(run(cohort("admissions >= 2", "registered")).cohort, 1);
    assert_eq!(run(cohort("admissions >= 1", "registered")).cohort, 1);
    assert_eq!(run(cohort("ever_admitted", "everyone")).cohort, 1);
    // Everyone: all six; registered: four; older and everyone: p1, p2, p4, p5, p6.
    assert_eq!(run(cohort("registered", "everyone")).population, 6);
    assert_eq!(run(cohort("registered", "everyone")).cohort, 4);
    assert_eq!(run(cohort("age >= 65", "everyone")).cohort, 5);
    assert_eq!(
        run(cohort("sex = 'female' and not alive", "everyone")).cohort,
        0
    );
    assert_eq!(run(cohort("frailty in ['fit']", "registered")).cohort, 4);
    assert_eq!(
        run(cohort("segment = '7 Organ failure'", "registered")).cohort,
        1,
        "p1: heart failure and two emergency admissions"
    );
}
