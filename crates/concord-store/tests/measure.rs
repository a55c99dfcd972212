//! The metric catalogue and loading values against a real database: all-or-nothing batches that
//! name the bad line and field, idempotent re-loads, per-organisation permission, and rebasing.

use concord_domain::metric::MetricDraft;
use concord_domain::{OrganisationDraft, PlaceDraft};
use concord_store::metric_load::{self, LoadSummary};
use concord_store::testing::fresh_store;
use concord_store::{metrics, organisations, places, Actor, Store, StoreError};

struct Fixture {
    store: Store,
    actor: Actor,
    icb: String,
    trust: String,
}

async fn fixture() -> Fixture {
    let store = fresh_store().await.unwrap();
    let actor = Actor::system("test");
    let mut ids = Vec::new();
    for (name, code, kind) in [
        ("Riverside ICB", "QRV", "icb"),
        ("Vale Hospitals", "RVH", "acute_trust"),
    ] {
        let draft = OrganisationDraft {
            name: name.into(),
            code: code.into(),
            org_type: kind.into(),
            ..Default::default()
        };
        ids.push(organisations::create(&store, &actor, &draft).await.unwrap());
    }
    places::create(
        &store,
        &actor,
        &PlaceDraft {
            name: "Vale".into(),
            kind: "place".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let metric = MetricDraft {
        code: "ae_4hr".into(),
        name: "A&E: seen within 4 hours".into(),
        definition: "Attendances leaving within 4 hours / all attendances".into(),
        unit: "%".into(),
        improvement_direction: "increase".into(),
        target: "78".into(),
        owner_organisation_id: ids[0].clone(),
        source: "NHS England".into(),
        frequency: "monthly".into(),
        category: "urgent_care".into(),
    };
    metrics::create(&store, &actor, &metric).await.unwrap();
    Fixture {
        store,
        actor,
        icb: ids[0].clone(),
        trust: ids[1].clone(),
    }
}

const GOOD: &str = "metric,organisation,place,period,value
ae_4hr,RVH,,2024-04-01,71.2
ae_4hr,RVH,,2024-05,72.5
ae_4hr,,Vale,2024-04-01,74.0
ae_4hr,,,01/04/2024,73.1
";

async fn load(f: &Fixture, text: &str) -> Result<LoadSummary, StoreError> {
    let rows = metric_load::parse_csv(text.as_bytes(), "file")?;
    metric_load::load(&f.store, &f.actor, &rows, "test.csv", "file", &|_| true).await
}

fn messages(err: StoreError) -> Vec<String> {
    match err {
        StoreError::Invalid(errors) => errors.0.into_iter().map(|e| e.message).collect(),
        other => panic!("expected a validation error, got {other}"),
    }
}

#[tokio::test]
async fn values_load_once_and_reloading_changes_nothing() {
    let f = fixture().await;
    let first = load(&f, GOOD).await.unwrap();
    assert_eq!((first.rows, first.added, first.series_created), (4, 4, 3));
    let again = load(&f, GOOD).await.unwrap();
    assert_eq!(
        (
            again.added,
            again.changed,
            again.unchanged,
            again.series_created
        ),
        (0, 0, 4, 0)
    );
    let revised = load(&f, &GOOD.replace("72.5", "72.7")).await.unwrap();
    assert_eq!(
        (revised.added, revised.changed, revised.unchanged),
        (0, 1, 3)
    );

    let series = metrics::series(&f.store, None).await.unwrap();
    let names: Vec<&str> = series.iter().map(|s| s.scope_name.as_str()).collect();
    assert_eq!(names, ["Whole system", "Vale", "Vale Hospitals"]);
    let trust = series
        .iter()
        .find(|s| s.organisation_id.as_deref() == Some(f.trust.as_str()))
        .unwrap();
    let values = metrics::values(&f.store, &trust.id).await.unwrap();
    assert_eq!(
        values
            .iter()
            .map(|v| (v.period.as_str(), v.value))
            .collect::<Vec<_>>(),
        [("2024-04-01", 71.2), ("2024-05-01", 72.7)]
    );
}

#[tokio::test]
async fn a_bad_file_names_every_bad_line_and_loads_nothing() {
    let f = fixture().await;
    let bad = "metric,organisation,place,period,value
ae_4hr,RVH,,2024-04-01,71.2
ae_5hr,RVH,,2024-05-01,72
ae_4hr,XYZ,,2024-05-01,72
ae_4hr,RVH,,2024-13-01,72
ae_4hr,RVH,,2024-06-01,seventy
ae_4hr,RVH,,2024-04,70
ae_4hr,RVH,Vale,2024-07-01,70
";
    let problems = messages(load(&f, bad).await.unwrap_err());
    assert_eq!(
        problems,
        [
            "line 3, field 'metric': no metric has the code 'ae_5hr'",
            "line 4, field 'organisation': no organisation has the code 'XYZ'",
            "line 5, field 'period': '2024-13-01' is not a date (use YYYY-MM-DD, YYYY-MM or DD/MM/YYYY)",
            "line 6, field 'value': 'seventy' is not a number",
            "line 7, field 'period': 2024-04-01 for this series is already on line 2",
            "line 8, field 'place': give an organisation or a place, not both",
        ]
    );
    assert!(
        metrics::series(&f.store, None).await.unwrap().is_empty(),
        "nothing was loaded"
    );

    let missing = metric_load::parse_csv("metric,period\nae_4hr,2024-01-01\n".as_bytes(), "file")
        .unwrap_err();
    assert_eq!(messages(missing)[0], "line 1: there is no column 'value' (a values file has the columns metric, organisation, place, period, value)");
    let ragged = metric_load::parse_csv(
        "metric,period,value\nae_4hr,2024-01-01\n".as_bytes(),
        "file",
    )
    .unwrap_err();
    assert!(messages(ragged)[0].starts_with("line 2: not valid CSV"));
}

#[tokio::test]
async fn a_failed_batch_keeps_what_was_loaded_before() {
    let f = fixture().await;
    load(&f, GOOD).await.unwrap();
    let bad = GOOD.replace("73.1", "n/a").replace("71.2", "99");
    assert!(load(&f, &bad).await.is_err());
    let series = metrics::series(&f.store, None).await.unwrap();
    let trust = series.iter().find(|s| s.organisation_id.is_some()).unwrap();
    let values = metrics::values(&f.store, &trust.id).await.unwrap();
    assert_eq!(
        values[0].value, 71.2,
        "the good row of the failed batch was not applied"
    );
}

#[tokio::test]
async fn loaders_may_load_only_their_own_organisations_data() {
    let f = fixture().await;
    let rows = metric_load::parse_csv(GOOD.as_bytes(), "file").unwrap();
    let trust = f.trust.clone();
    let only_trust = move |org: &str| org == trust;
    let problems = messages(
        metric_load::load(&f.store, &f.actor, &rows, "t.csv", "file", &only_trust)
            .await
            .unwrap_err(),
    );
    // The place and whole-system series belong to the metric's owner, the ICB.
    assert_eq!(
        problems,
        [
            "line 4, field 'metric': you may not load data for Riverside ICB",
            "line 5, field 'metric': you may not load data for Riverside ICB",
        ]
    );
    let icb = f.icb.clone();
    let trust = f.trust.clone();
    let both = move |org: &str| org == icb || org == trust;
    assert!(
        metric_load::load(&f.store, &f.actor, &rows, "t.csv", "file", &both)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_series_is_rebased_only_at_one_of_its_periods() {
    let f = fixture().await;
    load(&f, GOOD).await.unwrap();
    let series = metrics::series(&f.store, None).await.unwrap();
    let trust = series.iter().find(|s| s.organisation_id.is_some()).unwrap();
    let rebase = |date: &'static str| {
        metrics::add_rebase(&f.store, &f.actor, &trust.id, date, "New streaming model")
    };
    assert!(messages(rebase("2024-04-01").await.unwrap_err())[0].contains("first period"));
    assert!(messages(rebase("2023-01-01").await.unwrap_err())[0]
        .contains("has no value for 2023-01-01"));
    rebase("2024-05").await.unwrap();
    let held = metrics::rebases(&f.store, &trust.id).await.unwrap();
    assert_eq!(held[0].starts_on, "2024-05-01");
    metrics::remove_rebase(&f.store, &f.actor, &trust.id, "2024-05-01")
        .await
        .unwrap();
    assert!(metrics::rebases(&f.store, &trust.id)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn metric_codes_are_unique() {
    let f = fixture().await;
    let metric = metrics::get(&f.store, "ae_4hr").await.unwrap();
    assert_eq!(metric.target, Some(78.0));
    let duplicate = MetricDraft {
        code: "ae_4hr".into(),
        name: "Another".into(),
        definition: "x".into(),
        improvement_direction: "increase".into(),
        owner_organisation_id: f.icb.clone(),
        source: "x".into(),
        frequency: "monthly".into(),
        category: "urgent_care".into(),
        ..Default::default()
    };
    let problems = messages(
        metrics::create(&f.store, &f.actor, &duplicate)
            .await
            .unwrap_err(),
    );
    assert_eq!(problems, ["Another metric already has the code ae_4hr"]);
}

#[tokio::test]
async fn targets_may_be_left_blank_and_set_later() {
    // The same statements bound with and without a target, one after another, on either engine.
    let f = fixture().await;
    for n in 0..6 {
        let blank = MetricDraft {
            code: format!("metric_{n}"),
            name: format!("Metric {n}"),
            definition: "A count".into(),
            improvement_direction: "neutral".into(),
            owner_organisation_id: f.icb.clone(),
            source: "NHS England".into(),
            frequency: "monthly".into(),
            category: "urgent_care".into(),
            ..Default::default()
        };
        let targeted = MetricDraft {
            improvement_direction: "decrease".into(),
            target: format!("{n}.5"),
            ..blank.clone()
        };
        let (first, then) = if n % 2 == 0 {
            (&blank, &targeted)
        } else {
            (&targeted, &blank)
        };
        let id = metrics::create(&f.store, &f.actor, first).await.unwrap();
        metrics::update(&f.store, &f.actor, &id, then)
            .await
            .unwrap();
        let expected = (n % 2 == 0).then(|| f64::from(n) + 0.5);
        assert_eq!(metrics::get(&f.store, &id).await.unwrap().target, expected);
    }
}
