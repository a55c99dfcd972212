//! Measure over HTTP: the dashboard shows every metric's series with its icons to everyone signed
//! in; a series page draws the SPC chart with the data table beside it; strangers are sent away.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use concord_store::metrics;

#[tokio::test]
async fn the_dashboard_shows_every_metric_and_links_each_series() {
    let app = TestApp::new().await;
    let catalogue = metrics::list(&app.store).await.unwrap();
    let series = metrics::series(&app.store, None).await.unwrap();
    assert!(
        catalogue.len() >= 8 && series.len() >= 20,
        "the demo has a real catalogue"
    );
    let mut vcse = app.browser("vcse").await;
    let page = app.get("/measure", &mut vcse).await;
    assert_eq!(page.status, StatusCode::OK);
    for metric in &catalogue {
        assert!(
            page.body.contains(&format!("/metrics/{}", metric.id)),
            "{} listed",
            metric.code
        );
    }
    for s in &series {
        assert!(
            page.body.contains(&format!("/series/{}", s.id)),
            "series {} linked",
            s.scope_name
        );
    }
    assert!(page.body.contains("rules: NHSRplotthedots 0.2.2"));
    // Series whose latest value is more than six months old are flagged, and only those.
    let today = concord_domain::meeting::london_date(chrono::Utc::now());
    let mut stale = 0;
    for s in &series {
        let values = metrics::values(&app.store, &s.id).await.unwrap();
        let Some(last) = values.last() else { continue };
        let old = (today - chrono::NaiveDate::parse_from_str(&last.period, "%Y-%m-%d").unwrap())
            .num_days()
            > 183;
        stale += usize::from(old);
    }
    assert!(stale >= 1, "the demo holds a series that ended in 2019");
    assert_eq!(page.body.matches("data-testid=\"stale\"").count(), stale);
    assert!(page.body.contains("more than six months ago"));

    let filtered = app
        .get(
            "/measure?category=mental_health&scope=organisation",
            &mut vcse,
        )
        .await;
    assert!(filtered.body.contains("out-of-area"));
    assert!(!filtered.body.contains("GP appointments"));

    let mut public = common::Browser::default();
    let refused = app.get("/measure", &mut public).await;
    assert_ne!(
        refused.status,
        StatusCode::OK,
        "the dashboard is for people in the system"
    );
}

#[tokio::test]
async fn a_series_page_draws_the_chart_and_lists_every_value() {
    let app = TestApp::new().await;
    let metric = metrics::get(&app.store, "ae_4hr").await.unwrap();
    let system = metrics::series(&app.store, Some(&metric.id))
        .await
        .unwrap()
        .remove(0);
    let values = metrics::values(&app.store, &system.id).await.unwrap();
    let mut analyst = app.browser("analyst").await;
    let page = app
        .get(&format!("/series/{}", system.id), &mut analyst)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spc-chart\""));
    assert!(page.body.contains("Rules: NHSRplotthedots 0.2.2"));
    assert!(
        page.body.contains("class=\"spc-target\""),
        "the 78% target is drawn"
    );
    for v in &values {
        assert!(page.body.contains(&format!(
            "<td class=\"nhsuk-table__cell\">{}</td>",
            concord_domain::format::stored_day(&v.period)
        )));
    }
    let metric_page = app
        .get(&format!("/metrics/{}", metric.id), &mut analyst)
        .await;
    assert!(metric_page
        .body
        .contains("Attendances and Emergency Admissions"));
    let missing = app.get("/series/nonexistent", &mut analyst).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
