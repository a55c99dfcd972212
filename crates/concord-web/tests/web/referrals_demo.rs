//! The demo's two years of referrals, loaded through the lifecycle: each move replayed, the
//! referral measures computed from them, what a live referral carries for the figures.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use concord_store::Actor;

#[tokio::test]
async fn the_demo_year_of_referrals_loads_through_the_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_population(dir.path(), 4_000).await;
    concord_demo::seed_directory(&app.store).await.unwrap();
    let config = concord_web::population::PopulationConfig {
        store: dir.path().join("population"),
        key_file: dir.path().join("population.key"),
        ..Default::default()
    };
    let loaded = concord_demo::seed_referrals(&app.store, config.clone())
        .await
        .unwrap();
    assert!(loaded > 20, "{loaded} referrals");
    // A second load adds nothing.
    assert_eq!(
        concord_demo::seed_referrals(&app.store, config)
            .await
            .unwrap(),
        0
    );
    let statuses: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM referrals GROUP BY status ORDER BY status")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    eprintln!("{loaded} referrals: {statuses:?}");
    let of = |s: &str| statuses.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
    assert!(of("completed") > 0 && of("rejected") > 0, "{statuses:?}");
    // Each referral carries the broad ethnic group of the category on the practice's list (the
    // NHS Data Dictionary's headings: A-C White, D-G Mixed, H-L Asian, M-P Black, R-S Other).
    let pairs: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT p.ethnic_category, r.ethnicity FROM referrals r JOIN registered_patients p \
         ON p.practice_id = r.referring_organisation_id AND p.nhs_number = r.nhs_number",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert_eq!(
        pairs.len() as i64,
        statuses.iter().map(|s| s.1).sum::<i64>()
    );
    let stated = pairs.iter().filter(|p| p.0.is_some()).count();
    assert!(stated * 10 > pairs.len() * 8, "{stated} of {}", pairs.len());
    for (category, group) in &pairs {
        let expected = category.as_deref().map(|c| match c {
            "A" | "B" | "C" => "white",
            "D" | "E" | "F" | "G" => "mixed",
            "H" | "J" | "K" | "L" => "asian",
            "M" | "N" | "P" => "black",
            _ => "other",
        });
        assert_eq!(group.as_deref(), expected, "{category:?}");
    }
    // Every referral's events replay through the lifecycle to its status.
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, status FROM referrals")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    for (id, status) in rows {
        let events = concord_store::referrals::events(&app.store, &id)
            .await
            .unwrap();
        assert_eq!(events.last().unwrap().to.as_str(), status);
        for pair in events.windows(2) {
            assert_eq!(pair[1].from, Some(pair[0].to));
            assert!(pair[1].at >= pair[0].at);
        }
    }
    // A referral made now carries the deprivation decile of the person's neighbourhood, read
    // from the population picture (never shown; for the figures on equity).
    let practice = app.login_for("clinician").organisation_id.clone();
    let code: String = sqlx::query_scalar("SELECT code FROM organisations WHERE id = $1")
        .bind(&practice)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let service: String = sqlx::query_scalar(
        "SELECT id FROM directory_services WHERE partner_organisation_id IS NOT NULL \
         AND status = 'active' ORDER BY id LIMIT 1",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    let nhs: String = sqlx::query_scalar(
        "SELECT nhs_number FROM registered_patients p WHERE practice_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM referrals r WHERE r.nhs_number = p.nhs_number AND r.service_id = $2) \
         ORDER BY nhs_number LIMIT 1",
    )
    .bind(&practice)
    .bind(&service)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    let population =
        concord_app::population::Population::new(concord_web::population::PopulationConfig {
            store: dir.path().join("population"),
            key_file: dir.path().join("population.key"),
            ..Default::default()
        });
    let expected = concord_app::population::worklists::deprivation_decile(&population, &code, &nhs)
        .await
        .unwrap();
    assert!(
        expected.is_some_and(|d| (1..=10).contains(&d)),
        "{expected:?}"
    );
    let mut clinician = app.browser("clinician").await;
    let sent = app
        .post(
            "/referrals",
            &mut clinician,
            &[
                ("nhs_number", nhs.as_str()),
                ("service_id", service.as_str()),
                ("reason", "Would like company"),
                ("phone", "01632 960 001"),
                ("contact_preference", "phone"),
                ("consent", "true"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let carried: Option<i64> = sqlx::query_scalar(
        "SELECT deprivation_decile FROM referrals WHERE nhs_number = $1 AND service_id = $2",
    )
    .bind(&nhs)
    .bind(&service)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(carried, expected.map(i64::from));
    // A stranger's number is no one's decile.
    assert_eq!(
        concord_app::population::worklists::deprivation_decile(&population, "X99999", &nhs)
            .await
            .unwrap(),
        None
    );

    // The referral measures are in the catalogue, computed from the history: each complete
    // month's referrals sent for the whole system is that month's count (by SQL) under the rule.
    // This small population refers a few people a month, so the test's rule is a low one.
    let sent = concord_store::metrics::get(&app.store, "concord_referrals_sent")
        .await
        .unwrap();
    let whole_system = |series: Vec<concord_store::metrics::Series>| {
        series
            .into_iter()
            .find(|s| s.place_id.is_none() && s.organisation_id.is_none())
            .expect("a whole-system series")
    };
    let rule = concord_population::disclosure::DisclosureRule {
        suppress_below: 3,
        round_to: 1,
    };
    let system = Actor::system("test");
    let published = concord_app::refer::measures::publish(&app.store, &system, &rule)
        .await
        .unwrap();
    assert!(published.is_some(), "a lower threshold publishes more");
    let again = concord_app::refer::measures::publish(&app.store, &system, &rule)
        .await
        .unwrap();
    assert_eq!(again, None, "nothing changed, so nothing is loaded");
    let series = whole_system(
        concord_store::metrics::series(&app.store, Some(&sent.id))
            .await
            .unwrap(),
    );
    let values = concord_store::metrics::values(&app.store, &series.id)
        .await
        .unwrap();
    assert!(values.len() >= 12, "{} months", values.len());
    // Counted here by the month in the UK each was sent (a referral sent at 23:30 UTC on the last
    // day of a summer month was sent in the next month in the UK), through the tz database.
    let sent: Vec<String> = sqlx::query_scalar(
        "SELECT sent_at FROM referrals WHERE sent_at IS NOT NULL AND status <> 'entered_in_error'",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    let uk_month = |stamp: &String| {
        concord_store::parse_timestamp(stamp)
            .expect("a stored moment")
            .with_timezone(&chrono_tz::Europe::London)
            .format("%Y-%m")
            .to_string()
    };
    for value in &values {
        let n = sent
            .iter()
            .filter(|s| uk_month(s) == value.period[..7])
            .count();
        assert_eq!(value.value, n as f64, "{}", value.period);
    }
    // Under a stricter rule, what it no longer publishes is withdrawn: every value left is one
    // the rule publishes (none, or at least 10 and a multiple of 5).
    let strict = concord_population::disclosure::DisclosureRule::default();
    let tightened = concord_app::refer::measures::publish(&app.store, &system, &strict)
        .await
        .unwrap()
        .expect("the stricter rule changes what is published");
    assert!(tightened.withdrawn > 0, "{tightened:?}");
    for value in concord_store::metrics::values(&app.store, &series.id)
        .await
        .unwrap()
    {
        assert!(
            value.value == 0.0 || (value.value >= 10.0 && value.value % 5.0 == 0.0),
            "{value:?}"
        );
    }
    concord_app::refer::measures::publish(&app.store, &system, &rule)
        .await
        .unwrap();
    // Nobody may make or load a metric with a code kept for the measures Concord computes.
    let analyst = concord_store::Actor {
        person_id: Some(app.login_for("analyst").person_id.clone()),
        ..Actor::system("analyst")
    };
    let forged = concord_domain::metric::MetricDraft {
        code: "concord_referrals_declined".into(),
        name: "Referrals declined".into(),
        definition: "Made up".into(),
        unit: "referrals".into(),
        improvement_direction: "decrease".into(),
        owner_organisation_id: app.login_for("analyst").organisation_id.clone(),
        source: concord_app::refer::measures::SOURCE.into(),
        frequency: "monthly".into(),
        category: "community".into(),
        ..Default::default()
    };
    let refused = concord_store::metrics::create(&app.store, &analyst, &forged).await;
    assert!(
        matches!(&refused, Err(concord_store::StoreError::Invalid(e)) if e.for_field("code").is_some()),
        "{refused:?}"
    );
    let typed = concord_store::metric_load::load(
        &app.store,
        &analyst,
        &[concord_store::metric_load::ValueRow {
            at: "line 2".into(),
            metric: "concord_referrals_sent".into(),
            period: "2026-01-01".into(),
            value: "3".into(),
            ..Default::default()
        }],
        "values.csv",
        "file",
        &|_| true,
    )
    .await;
    assert!(
        matches!(typed, Err(concord_store::StoreError::Invalid(_))),
        "{typed:?}"
    );
    // The social prescribing programme's benefit reads the wait measure's whole-system values.
    let wait = concord_store::metrics::get(&app.store, "concord_referral_wait")
        .await
        .unwrap();
    let waits = concord_store::metrics::values(
        &app.store,
        &whole_system(
            concord_store::metrics::series(&app.store, Some(&wait.id))
                .await
                .unwrap(),
        )
        .id,
    )
    .await
    .unwrap();
    let programme = concord_store::lookups::programmes(&app.store)
        .await
        .unwrap()
        .into_iter()
        .find(|(_, name)| name == "Social isolation and social prescribing")
        .unwrap()
        .0;
    let benefits = concord_store::delivery::benefits_of(&app.store, &programme)
        .await
        .unwrap();
    let benefit = benefits
        .iter()
        .find(|b| b.metric_id.as_deref() == Some(wait.id.as_str()))
        .expect("a benefit shown by the catalogue metric");
    let readings: Vec<(String, f64)> = benefit
        .readings
        .iter()
        .map(|r| (r.measured_on.clone(), r.value))
        .collect();
    let expected: Vec<(String, f64)> = waits.iter().map(|v| (v.period.clone(), v.value)).collect();
    assert!(!expected.is_empty());
    assert_eq!(readings, expected);
    assert_eq!(benefit.unit, "working days");
    // Its readings are not typed.
    let typed = concord_store::delivery::record_reading(
        &app.store,
        &Actor::system("test"),
        &programme,
        &benefit.id,
        &concord_domain::programme::MeasurementDraft {
            measured_on: "2026-01-31".into(),
            value: "2".into(),
        },
    )
    .await;
    assert!(
        matches!(typed, Err(concord_store::StoreError::Invalid(_))),
        "{typed:?}"
    );

    // The demo's clinician sees their practice's referrals; the VCSE worker those with Age UK
    // Riverside's services now.
    let mut clinician = app.browser("clinician").await;
    let page = app.get("/referrals?closed=yes", &mut clinician).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("data-testid=\"referral-row\""),
        "the clinician's practice made referrals"
    );
}
