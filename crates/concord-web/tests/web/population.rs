//! The population pages over a real ingested synthetic population: the overview and cohorts publish
//! only protected counts; a worklist names exactly the practice's own registered patients in the
//! cohort (checked against the synthetic files themselves), is audited before it is served and is
//! not served when the audit cannot be written; break glass needs a reason and is raised for review.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use concord_store::{audit, population, AuditFilter, PageRequest};
use std::collections::{BTreeSet, HashMap};

const PEOPLE: usize = 10_000;

/// Registered people aged 65 and over who live alone: the cohort the worklist tests use.
const ALONE_80: &str = "name = \"Aged 65 and over, living alone\"\nwhere = \"age >= 65 and alone\"\n\n[codelists]\nlives_alone = [\"105529008\"]\n\n[variables]\nalone = { has = \"lives_alone\" }\n";

/// The same question asked of the synthetic FHIR files directly: NHS numbers of living people
/// registered at `practice`, 65 or over on `index` (by month of birth), with a lives-alone code.
fn expected_from_files(dir: &std::path::Path, practice: &str, index: &str) -> BTreeSet<String> {
    registered_from_files(dir, practice, index, 65, true)
}

/// NHS numbers of living people registered at `practice`, `min_age` or over on `index` (by month
/// of birth), with a lives-alone code if `alone`.
fn registered_from_files(
    dir: &std::path::Path,
    practice: &str,
    index: &str,
    min_age: i32,
    alone_only: bool,
) -> BTreeSet<String> {
    let options = concord_synth::SynthOptions {
        people: PEOPLE,
        seed: 2026,
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
    };
    let out = dir.join("again");
    concord_synth::generate(&concord_demo::synth_system(), &options, &out).unwrap();
    let read = |name: &str| -> Vec<serde_json::Value> {
        std::fs::read_to_string(out.join("gp").join(name))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let alone: BTreeSet<String> = read("Condition.ndjson")
        .iter()
        .filter(|c| c["code"]["coding"][0]["code"] == "105529008")
        .map(|c| {
            c["subject"]["reference"]
                .as_str()
                .unwrap()
                .trim_start_matches("Patient/")
                .to_string()
        })
        .collect();
    let (year, month): (i32, u32) = (index[..4].parse().unwrap(), index[5..7].parse().unwrap());
    let mut out = BTreeSet::new();
    for p in read("Patient.ndjson") {
        let id = p["id"].as_str().unwrap();
        let registered = p["generalPractitioner"][0]["identifier"]["value"] == practice;
        let alive = p
            .get("deceasedDateTime")
            .is_none_or(|d| d.as_str().unwrap()[..7] > index[..7]);
        let born = p["birthDate"].as_str().unwrap();
        let (by, bm): (i32, u32) = (born[..4].parse().unwrap(), born[5..7].parse().unwrap());
        let age = year - by - i32::from(month < bm);
        if registered && alive && age >= min_age && (!alone_only || alone.contains(id)) {
            out.insert(p["identifier"][0]["value"].as_str().unwrap().to_string());
        }
    }
    out
}

fn nhs_numbers_on(page: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"\b(\d{3}) (\d{3}) (\d{4})\b").unwrap();
    re.captures_iter(page)
        .map(|c| format!("{}{}{}", &c[1], &c[2], &c[3]))
        .collect()
}

#[tokio::test]
async fn the_overview_and_cohorts_publish_only_protected_counts() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_population(dir.path(), PEOPLE).await;
    let mut analyst = app.browser("analyst").await;
    let page = app.get("/population", &mut analyst).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for text in [
        "Registered population",
        "Frailty",
        "Segments",
        "Deprivation",
        "Counts from 1 to 9",
        "<svg",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    // The built-in cohorts were saved with the demo; their results are published with the rule.
    let cohorts = population::cohorts(&app.store).await.unwrap();
    assert_eq!(cohorts.len(), 3);
    let social = cohorts
        .iter()
        .find(|c| c.name.contains("social isolation"))
        .unwrap();
    let page = app
        .get(&format!("/population/cohorts/{}", social.id), &mut analyst)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-testid=\"cohort-count\""));
    // The builder's preset has the saved cohort's name, so it must count the same people.
    let preset = app.get("/population/cohorts/new", &mut analyst).await;
    assert!(preset.body.contains(&social.name));
    let counted = |body: &str| {
        let at = body.find("data-testid=\"cohort-count\">").expect("a count") + 28;
        body[at..body[at..].find('<').unwrap() + at].to_string()
    };
    assert_eq!(counted(&preset.body), counted(&page.body));
    let csv = app
        .get(
            &format!("/population/cohorts/{}/results.csv", social.id),
            &mut analyst,
        )
        .await;
    assert!(
        csv.body.starts_with("measure,by,row,column,count"),
        "{}",
        csv.body
    );
    for line in csv.body.lines().filter(|l| l.starts_with("breakdown")) {
        let count = line.rsplit(',').next().unwrap();
        assert!(
            count == "<10"
                || count
                    .parse::<u64>()
                    .is_ok_and(|n| n % 5 == 0 && (n == 0 || n >= 10)),
            "{line}"
        );
    }
    assert!(csv.body.contains("disclosure"));
    // The builder counts as it is changed, and saves what it built.
    let preview = app
        .post(
            "/population/cohorts/preview",
            &mut analyst,
            &[
                ("name", "Women 75+"),
                ("age_min", "75"),
                ("sex", "female"),
                ("by1", "pcn"),
            ],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.body.contains("sex = &#39;female&#39;"),
        "{}",
        preview.body
    );
    let saved = app
        .post(
            "/population/cohorts",
            &mut analyst,
            &[("name", "Women 75+"), ("age_min", "75")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // Through the API: a definition counted, and a bad one refused with its line, never a 500.
    let token = app.token("analyst").await;
    let counted = app
        .api(axum::http::Method::POST, "/api/v1/population/counts", Some(&token), Some(serde_json::json!({"definition": "name = \"Older\"\nwhere = \"age >= 65\"\nbreakdowns = [[\"place\"]]\n"})))
        .await;
    assert_eq!(counted.status, StatusCode::OK, "{}", counted.body);
    let report = counted.json();
    // With no index date, counts are on the date the data run to (the latest event date the batches
    // record), not the day they were loaded: the same counts as naming that date.
    let manifests =
        concord_population::store::PopulationStore::open(&dir.path().join("population"))
            .unwrap()
            .manifests()
            .unwrap();
    let data_to = manifests
        .iter()
        .filter_map(|m| m.data_to.clone())
        .max()
        .expect("a recorded date");
    assert!(manifests.iter().all(|m| m.committed_at[..10] >= *data_to));
    assert_eq!(report["index_date"], data_to.as_str());
    let named = app
        .api(axum::http::Method::POST, "/api/v1/population/counts", Some(&token), Some(serde_json::json!({"definition": format!("index_date = \"{data_to}\"\nname = \"Older\"\nwhere = \"age >= 65\"\nbreakdowns = [[\"place\"]]\n")})))
        .await
        .json();
    for field in ["population", "cohort", "breakdowns", "index_date", "rules"] {
        assert_eq!(report[field], named[field], "{field}");
    }
    // A breakdown too fine to publish is refused with the reason, never a slow or a 500.
    let fine = app
        .api(axum::http::Method::POST, "/api/v1/population/counts", Some(&token), Some(serde_json::json!({"definition": "name = \"Everyone\"\nbreakdowns = [[\"age\", \"medicines\"]]\n"})))
        .await;
    assert_eq!(
        fine.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        fine.body
    );
    assert!(
        fine.body.contains("at most 2000 can be published"),
        "{}",
        fine.body
    );
    let rules = report["rules"].as_array().unwrap();
    assert!(
        rules[0]
            .as_str()
            .unwrap()
            .starts_with(&format!("Counted on {data_to}")),
        "{rules:?}"
    );
    assert!(
        rules
            .iter()
            .any(|r| r.as_str().unwrap().contains("inclusive")),
        "{rules:?}"
    );
    assert!(report["disclosure"].as_str().unwrap().contains("<10"));
    assert!(report["cohort"]["count"].as_u64().unwrap() > 0);
    assert_eq!(report["breakdowns"][0]["by"][0], "place");
    let refused = app
        .api(
            axum::http::Method::POST,
            "/api/v1/population/counts",
            Some(&token),
            Some(serde_json::json!({"definition": "name = \"x\"\nwhere = \"age >\"\n"})),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("line 2"), "{}", refused.body);
    let listed = app
        .api(
            axum::http::Method::GET,
            "/api/v1/population/cohorts",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        listed.json().as_array().unwrap().len(),
        4,
        "three built in and the one just saved"
    );
    // A bad definition, edited as text, is refused with its line.
    let bad = app
        .post(
            "/population/cohorts",
            &mut analyst,
            &[("definition", "name = \"x\"\nwhere = \"age >=\"\n")],
        )
        .await;
    assert!(bad.body.contains("line 2"), "{}", bad.body);
}

#[tokio::test]
async fn a_worklist_names_exactly_the_practices_own_patients_in_the_cohort_after_auditing() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_population(dir.path(), PEOPLE).await;
    let admin = app.login_for("admin").clone();
    let clinician = app.login_for("clinician").clone();
    let practice = concord_store::organisations::get(&app.store, &clinician.organisation_id)
        .await
        .unwrap();
    let cohort = population::save_cohort(
        &app.store,
        &concord_store::Actor::system("test"),
        None,
        &admin.organisation_id,
        ALONE_80,
    )
    .await
    .unwrap();
    let mut browser = app.browser("clinician").await;
    let page = app
        .get(
            &format!("/population/cohorts/{cohort}/worklist"),
            &mut browser,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Data as of"));
    // The index date is the data's as-of date (the day of ingest).
    let index = chrono::Utc::now().date_naive().to_string();
    let expected = expected_from_files(dir.path(), &practice.code, &index);
    assert!(!expected.is_empty(), "the fixture has someone to find");
    assert_eq!(nhs_numbers_on(&page.body), expected);
    // Names come from the practice's registered list.
    let list: HashMap<String, String> = population::registered_list(&app.store, &practice.id)
        .await
        .unwrap()
        .into_iter()
        .map(|p| {
            (
                p.nhs_number,
                p.family_name.to_uppercase().replace('\'', "&#39;"),
            )
        })
        .collect();
    for number in &expected {
        assert!(page.body.contains(&list[number]), "{number}'s name");
    }
    // The view was audited.
    let filter = AuditFilter {
        action: Some("worklist.view".into()),
        ..Default::default()
    };
    let entries = audit::list(
        &app.store,
        &Default::default(),
        &filter,
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(entries.items.len(), 1);
    assert_eq!(entries.items[0].object_id.as_deref(), Some(cohort.as_str()));
    // Anyone else is refused, even an administrator.
    for other in ["admin", "analyst", "lead"] {
        let mut b = app.browser(other).await;
        let refused = app
            .get(&format!("/population/cohorts/{cohort}/worklist"), &mut b)
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{other}");
        assert!(nhs_numbers_on(&refused.body).is_empty());
    }
    // If the audit log cannot be written, nothing is shown.
    sqlx::query("ALTER TABLE audit_log RENAME TO audit_log_gone")
        .execute(app.store.pool())
        .await
        .unwrap();
    let page = app
        .get(
            &format!("/population/cohorts/{cohort}/worklist"),
            &mut browser,
        )
        .await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(nhs_numbers_on(&page.body).is_empty(), "no patient is shown");
    for name in list.values() {
        assert!(!page.body.contains(name.as_str()), "{name} shown");
    }
}

#[tokio::test]
async fn breaking_glass_needs_a_reason_and_is_raised_for_review() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_population(dir.path(), PEOPLE).await;
    let admin = app.login_for("admin").clone();
    let cohort = population::save_cohort(
        &app.store,
        &concord_store::Actor::system("test"),
        None,
        &admin.organisation_id,
        ALONE_80,
    )
    .await
    .unwrap();
    let other = concord_store::organisations::find_by_code(&app.store, "V81050")
        .await
        .unwrap()
        .unwrap();
    let mut clinician = app.browser("clinician").await;
    let path = format!("/population/cohorts/{cohort}/break-glass");
    let refused = app
        .post(
            &path,
            &mut clinician,
            &[("practice", &other.id), ("reason", "")],
        )
        .await;
    assert!(refused.body.contains("Say why"), "{}", refused.body);
    assert!(population::break_glass_views(&app.store)
        .await
        .unwrap()
        .is_empty());
    // The refused attempt is in the audit log all the same.
    let attempts = concord_store::audit::list(
        &app.store,
        &Default::default(),
        &concord_store::AuditFilter {
            action: Some("worklist.break_glass".into()),
            outcome: Some("rejected".into()),
            ..Default::default()
        },
        concord_store::PageRequest::new(Some(1), Some(10)),
    )
    .await
    .unwrap();
    assert_eq!(attempts.total, 1, "{:?}", attempts.items);
    let shown = app
        .post(
            &path,
            &mut clinician,
            &[
                ("practice", &other.id),
                ("reason", "Covering the practice's frailty clinic today"),
            ],
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains(&other.name));
    let views = population::break_glass_views(&app.store).await.unwrap();
    assert_eq!(views.len(), 1);
    assert!(views[0].reviewed_by.is_none());
    let mut admin_browser = app.browser("admin").await;
    let reviews = app.get("/population/break-glass", &mut admin_browser).await;
    assert!(reviews.body.contains("Awaiting review") && reviews.body.contains("frailty clinic"));
    let done = app
        .post(
            &format!("/population/break-glass/{}/review", views[0].id),
            &mut admin_browser,
            &[("note", "Confirmed with the practice manager")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(population::break_glass_views(&app.store).await.unwrap()[0]
        .reviewed_by
        .is_some());
}

/// A worklist counts people on the cohort's own index date, as its published counts do: a
/// definition that names a date five years back lists those 65 and over on that date (before the
/// application layer shared the pipeline, worklists used the data's as-of date whatever the
/// definition said).
#[tokio::test]
async fn a_worklist_uses_the_cohorts_own_index_date() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_population(dir.path(), PEOPLE).await;
    let admin = app.login_for("admin").clone();
    let clinician = app.login_for("clinician").clone();
    let practice = concord_store::organisations::get(&app.store, &clinician.organisation_id)
        .await
        .unwrap();
    let index = "2021-10-31";
    let definition =
        format!("index_date = \"{index}\"\nname = \"Aged 70 and over\"\nwhere = \"age >= 70\"\n");
    let cohort = population::save_cohort(
        &app.store,
        &concord_store::Actor::system("test"),
        None,
        &admin.organisation_id,
        &definition,
    )
    .await
    .unwrap();
    let mut browser = app.browser("clinician").await;
    let page = app
        .get(
            &format!("/population/cohorts/{cohort}/worklist"),
            &mut browser,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let today = chrono::Utc::now().date_naive().to_string();
    // A worklist lists the practice's registered list of today, so only people still living.
    let living = registered_from_files(dir.path(), &practice.code, &today, 0, false);
    let expected: BTreeSet<String> =
        registered_from_files(dir.path(), &practice.code, index, 70, false)
            .intersection(&living)
            .cloned()
            .collect();
    let on_the_data_date = registered_from_files(dir.path(), &practice.code, &today, 70, false);
    assert!(!expected.is_empty(), "the fixture has someone to find");
    assert_ne!(
        expected, on_the_data_date,
        "the two dates must give different lists for this test to tell them apart"
    );
    assert_eq!(nhs_numbers_on(&page.body), expected);
}

/// The rows of a worklist page in order: (NHS number digits, eFI deficits from the score, reasons
/// count, age).
fn worklist_rows(page: &str) -> Vec<(String, f64, usize, u32)> {
    let row = regex::Regex::new(
        r#"(?s)data-testid="worklist-row">.*?(\d{3}) (\d{3}) (\d{4}).*?\((\d+)\)</td><td class="nhsuk-table__cell" data-testid="frailty">[a-z]+ \(([0-9.]+)\)</td><td class="nhsuk-table__cell">(.*?)<br>"#,
    )
    .unwrap();
    row.captures_iter(page)
        .map(|c| {
            let reasons = if &c[6] == "In the cohort's definition" {
                0
            } else {
                c[6].split("; ").count()
            };
            (
                format!("{}{}{}", &c[1], &c[2], &c[3]),
                c[5].parse().unwrap(),
                reasons,
                c[4].parse().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_practice_works_down_its_worklist_marks_people_and_exports_it() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_population(dir.path(), PEOPLE).await;
    let admin = app.login_for("admin").clone();
    let clinician = app.login_for("clinician").clone();
    let cohort = population::save_cohort(
        &app.store,
        &concord_store::Actor::system("test"),
        None,
        &admin.organisation_id,
        include_str!("../../../../data/cohorts/social-isolation.toml"),
    )
    .await
    .unwrap();
    let path = format!("/population/cohorts/{cohort}/worklist");
    let mut browser = app.browser("clinician").await;
    let page = app.get(&path, &mut browser).await;
    assert_eq!(page.status, StatusCode::OK);
    let rows = worklist_rows(&page.body);
    assert!(rows.len() >= 3, "enough people to order: {}", rows.len());
    assert_eq!(
        rows.len(),
        nhs_numbers_on(&page.body).len(),
        "every row parsed"
    );
    // Most in need first: frailty score, then reasons, then age, never increasing down the list.
    for pair in rows.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let key = |r: &(String, f64, usize, u32)| (r.1, r.2, r.3);
        assert!(
            key(a).partial_cmp(&key(b)) != Some(std::cmp::Ordering::Less),
            "{a:?} before {b:?}"
        );
    }
    // Column names and reasons in plain English.
    assert!(page.body.contains("Why they are on the list"));
    assert!(!page.body.contains(">ucla<") && !page.body.contains(">alone<"));
    // A filter keeps only the asked-for frailty.
    let severe = app
        .get(&format!("{path}?frailty=severe"), &mut browser)
        .await;
    let moderate_or_less: Vec<_> = rows
        .iter()
        .filter(|r| r.1 <= 0.36)
        .map(|r| r.0.clone())
        .collect();
    for number in &moderate_or_less {
        assert!(
            !nhs_numbers_on(&severe.body).contains(number),
            "{number} is not severely frail"
        );
    }
    // Mark the first person declined: kept with who and when, audited, and shown.
    let first = rows[0].0.clone();
    let marked = app
        .post(
            &format!("{path}/marks/{}", clinician.organisation_id),
            &mut browser,
            &[
                ("nhs_number", &first),
                ("outcome", "declined"),
                ("note", "Prefers family support"),
            ],
        )
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER, "{}", marked.body);
    let after = app.get(&path, &mut browser).await;
    assert!(after.body.contains("Declined social prescribing"));
    assert!(after.body.contains("Prefers family support"));
    let unmarked = app
        .get(&format!("{path}?mark=unmarked"), &mut browser)
        .await;
    assert!(!nhs_numbers_on(&unmarked.body).contains(&first));
    assert_eq!(nhs_numbers_on(&unmarked.body).len(), rows.len() - 1);
    let declined = app
        .get(&format!("{path}?mark=declined"), &mut browser)
        .await;
    assert_eq!(
        nhs_numbers_on(&declined.body),
        BTreeSet::from([first.clone()])
    );
    let audited = audit::list(
        &app.store,
        &Default::default(),
        &AuditFilter {
            action: Some("worklist.mark".into()),
            ..Default::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(audited.items.len(), 1);
    assert!(
        !audited.items[0].detail.contains(&first),
        "the audit detail names no NHS number"
    );
    // Someone not on the practice's list cannot be marked, nor can another practice's list.
    let stranger = app
        .post(
            &format!("{path}/marks/{}", clinician.organisation_id),
            &mut browser,
            &[("nhs_number", "9434765919"), ("outcome", "contacted")],
        )
        .await;
    assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);
    let search = concord_store::organisations::OrganisationSearch {
        org_type: Some("gp_practice".into()),
        ..Default::default()
    };
    let other_practice =
        concord_store::organisations::list(&app.store, &search, PageRequest::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|o| o.id != clinician.organisation_id)
            .expect("another practice");
    let refused = app
        .post(
            &format!("{path}/marks/{}", other_practice.id),
            &mut browser,
            &[("nhs_number", &first), ("outcome", "contacted")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // The export: one row per person in the list's order, NHS number first, the decline's SNOMED
    // code on the marked person, formula-safe; and it is audited.
    let csv = app
        .get(
            &format!("/population/cohorts/{cohort}/worklist.csv"),
            &mut browser,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.body.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "nhs_number");
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let order: Vec<String> = records.iter().map(|r| r[0].to_string()).collect();
    assert_eq!(order, rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>());
    let code_at = header
        .iter()
        .position(|h| h == "outcome_snomed_code")
        .unwrap();
    assert_eq!(&records[0][code_at], "871711000000103");
    assert!(records[1..].iter().all(|r| r[code_at].is_empty()));
    let exported = audit::list(
        &app.store,
        &Default::default(),
        &AuditFilter {
            action: Some("worklist.export".into()),
            ..Default::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(exported.items.len(), 1);
    // Nobody else may export it.
    let mut analyst = app.browser("analyst").await;
    let denied = app
        .get(
            &format!("/population/cohorts/{cohort}/worklist.csv"),
            &mut analyst,
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}
