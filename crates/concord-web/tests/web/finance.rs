//! System finance and changing Measure over HTTP: everyone sees the system's position, judged by
//! the year's rule; returns and values are uploaded as CSV files (multipart, CSRF-checked), all or
//! nothing, only for organisations the uploader answers for; the API gives money as exact strings.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{Browser, Reply, TestApp};
use concord_domain::finance::Money;
use concord_store::{finance, metrics};

const BOUNDARY: &str = "concord-test-boundary";

/// Posts a multipart form with one CSV file, as a browser's upload form does.
async fn upload(
    app: &TestApp,
    path: &str,
    browser: &mut Browser,
    fields: &[(&str, &str)],
    csv: &str,
    with_csrf: bool,
) -> Reply {
    let mut body = String::new();
    let csrf = browser.csrf.clone();
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    if with_csrf {
        all.push(("csrf_token", &csrf));
    }
    for (name, value) in all {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"returns.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{BOUNDARY}--\r\n"
    ));
    let reply = app
        .send(
            Method::POST,
            path,
            Some(browser),
            Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
            body.into_bytes(),
            None,
        )
        .await;
    browser.absorb(&reply);
    reply
}

async fn current_year(app: &TestApp) -> finance::Year {
    finance::years(&app.store).await.unwrap().remove(0)
}

#[tokio::test]
async fn everyone_sees_the_systems_position_judged_by_the_years_rule() {
    let app = TestApp::new().await;
    let year = current_year(&app).await;
    let slug = year.label.replace('/', "-");
    let mut vcse = app.browser("vcse").await;
    let latest = app.get("/finance", &mut vcse).await;
    assert_eq!(latest.status, StatusCode::SEE_OTHER);
    assert_eq!(latest.location(), format!("/finance/{slug}"));
    let page = app.get(&format!("/finance/{slug}"), &mut vcse).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(year.breakeven_rule.label()));
    assert!(page.body.contains("Riverside Better Care Fund"));
    assert!(
        page.body.contains("counted once as the ICB"),
        "explains why gross income is not summed"
    );
    let overview = concord_app::finance::overview(&app.store, &year, None)
        .await
        .unwrap();
    // Net positions of NHS bodies run to millions: the table states one unit, £000s, and each
    // figure is rounded to the nearest £1,000 (half away from zero).
    assert!(page.body.contains("revenue position in £000s"));
    for body in &overview.bodies {
        assert!(page.body.contains(&body.organisation.name));
        let pence = body.position.forecast_outturn.pence();
        let thousands = (pence.abs() + 50_000) / 100_000;
        let digits = thousands.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = if pence < 0 && thousands > 0 {
            "\u{2212}"
        } else {
            ""
        };
        let cell = format!("concord-money\">{sign}{grouped}<br>");
        assert!(page.body.contains(&cell), "{cell}");
    }
    let trust = &overview.bodies[1].organisation;
    let body_page = app
        .get(
            &format!("/finance/{slug}/organisations/{}", trust.id),
            &mut vcse,
        )
        .await;
    assert_eq!(body_page.status, StatusCode::OK);
    assert!(
        body_page.body.contains("<svg"),
        "an SPC chart of the monthly net position"
    );
    assert!(
        body_page.body.contains("Monthly surplus (deficit)"),
        "with its data table"
    );
    let bad_month = app
        .get(&format!("/finance/{slug}?as_at=1999-01"), &mut vcse)
        .await;
    assert_eq!(bad_month.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_api_gives_exact_money_and_the_system_is_the_sum_of_its_bodies() {
    let app = TestApp::new().await;
    let year = current_year(&app).await;
    let token = app.token("clinician").await;
    let reply = app
        .api(
            Method::GET,
            &format!("/api/v1/finance/years/{}", year.label.replace('/', "-")),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let json = reply.json();
    let money =
        |v: &serde_json::Value| Money::parse(v.as_str().expect("money is a string")).unwrap();
    let bodies = json["bodies"].as_array().unwrap();
    assert_eq!(bodies.len(), 5);
    let sum: Money = bodies
        .iter()
        .map(|b| money(&b["position"]["forecast_outturn"]))
        .sum();
    assert_eq!(sum, money(&json["system"]["forecast_outturn"]));
    let text = json["system"]["forecast_outturn"].as_str().unwrap();
    assert!(
        text.split_once('.').is_some_and(|(_, p)| p.len() == 2),
        "{text} has pence"
    );
    let refused = app
        .api(
            Method::POST,
            "/api/v1/finance/returns/revenue",
            Some(&token),
            Some(serde_json::json!({"rows": []})),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "a clinician loads no returns"
    );
}

#[tokio::test]
async fn a_return_is_uploaded_for_ones_own_organisation_or_not_at_all() {
    let app = TestApp::new().await;
    let year = current_year(&app).await;
    let fy = year.year();
    // The analyst works for Riverside City Council, a partner in the Better Care Fund.
    let mut analyst = app.browser("analyst").await;
    let form = app.get("/finance/upload", &mut analyst).await;
    assert_eq!(form.status, StatusCode::OK);
    let month = fy.month(11).format("%Y-%m").to_string();
    let good = format!(
        "budget,organisation,month,contribution,spend\nRiverside Better Care Fund,E06000901,{month},1783333.33,1790000.01\n"
    );
    let loaded = upload(
        &app,
        "/finance/upload",
        &mut analyst,
        &[("dataset", "pooled")],
        &good,
        true,
    )
    .await;
    assert_eq!(loaded.status, StatusCode::OK, "{}", loaded.body);
    assert!(
        loaded.body.contains("1 rows, 0 new, 1 changed"),
        "{}",
        loaded.body
    );

    let before = concord_app::finance::overview(&app.store, &year, None)
        .await
        .unwrap();
    let bad = format!(
        "budget,organisation,month,contribution,spend\nRiverside Better Care Fund,E06000901,{month},100.00,\nRiverside Better Care Fund,QRV,{month},100.00,\nRiverside Better Care Fund,E06000901,{month},1.005,\n"
    );
    let refused = upload(
        &app,
        "/finance/upload",
        &mut analyst,
        &[("dataset", "pooled")],
        &bad,
        true,
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("line 3, field &#39;organisation&#39;: you may not load figures for NHS Riverside and Vale Integrated Care Board")
        || refused.body.contains("line 3, field &#x27;organisation&#x27;: you may not load figures for NHS Riverside and Vale Integrated Care Board"), "{}", refused.body);
    assert!(refused.body.contains("line 4"));
    let after = concord_app::finance::overview(&app.store, &year, None)
        .await
        .unwrap();
    assert_eq!(before, after, "nothing from the refused file was loaded");

    let forged = upload(
        &app,
        "/finance/upload",
        &mut analyst,
        &[("dataset", "pooled")],
        &good,
        false,
    )
    .await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "an upload without the CSRF token is refused"
    );
}

#[tokio::test]
async fn a_partner_lead_adds_a_metric_for_their_organisation_and_loads_its_values() {
    let app = TestApp::new().await;
    let lead = app.login_for("lead").clone();
    let trust = concord_store::organisations::get(&app.store, &lead.organisation_id)
        .await
        .unwrap();
    let mut browser = app.browser("lead").await;
    let fields = |owner: &str| {
        vec![
            ("code", "theatre_utilisation".to_string()),
            ("name", "Theatre utilisation".to_string()),
            (
                "definition",
                "Touch time as a share of planned session time".to_string(),
            ),
            ("unit", "%".to_string()),
            ("improvement_direction", "increase".to_string()),
            ("target", "85".to_string()),
            ("owner_organisation_id", owner.to_string()),
            ("source", "Theatre system".to_string()),
            ("frequency", "monthly".to_string()),
            ("category", "planned_care".to_string()),
        ]
    };
    let icb = metrics::get(&app.store, "ae_4hr")
        .await
        .unwrap()
        .owner_organisation_id;
    let theirs = fields(&icb);
    let not_ours: Vec<(&str, &str)> = theirs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app.post("/metrics/new", &mut browser, &not_ours).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .body
        .contains("You may add metrics only for an organisation"));
    let owned = fields(&trust.id);
    let ours: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let created = app.post("/metrics/new", &mut browser, &ours).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);

    let mut csv = String::from("metric,organisation,period,value\n");
    for (i, v) in [81.0, 83.5, 79.0, 84.2, 82.8, 85.1].iter().enumerate() {
        csv.push_str(&format!(
            "theatre_utilisation,{},2026-{:02}-01,{v}\n",
            trust.code,
            i + 4
        ));
    }
    let loaded = upload(&app, "/measure/upload", &mut browser, &[], &csv, true).await;
    assert_eq!(loaded.status, StatusCode::OK, "{}", loaded.body);
    assert!(loaded.body.contains("6 values, 6 new"), "{}", loaded.body);
    let again = upload(&app, "/measure/upload", &mut browser, &[], &csv, true).await;
    assert!(
        again.body.contains("0 new, 0 changed, 6 already held"),
        "re-loading changes nothing"
    );
    let metric = metrics::get(&app.store, "theatre_utilisation")
        .await
        .unwrap();
    let series = metrics::series(&app.store, Some(&metric.id)).await.unwrap();
    assert_eq!(series[0].points, 6);
}

#[tokio::test]
async fn every_table_downloads_as_csv_for_whoever_may_see_the_page() {
    let app = TestApp::new().await;
    let mut analyst = app.browser("analyst").await;
    let year = concord_store::finance::years(&app.store).await.unwrap()[0]
        .label
        .replace('/', "-");
    let path = format!("/finance/{year}");
    let page = app.get(&path, &mut analyst).await;
    let links = page.body.matches("Download this table (CSV)").count();
    let tables = page.body.matches("class=\"concord-table-scroll\"").count();
    assert!(tables >= 3);
    assert_eq!(links, tables, "a link under every table");
    let csv = app.get(&format!("{path}?csv=1"), &mut analyst).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers[axum::http::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(&rows[0][0], "Body");
    let overview = concord_app::finance::overview(
        &app.store,
        &concord_store::finance::years(&app.store).await.unwrap()[0],
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        rows.len(),
        overview.bodies.len() + 1,
        "a header and a row per body"
    );
    for body in &overview.bodies {
        assert!(
            rows.iter()
                .any(|r| r[0].starts_with(&body.organisation.name)),
            "{}",
            body.organisation.name
        );
    }
    // No table 99; and nobody signed out gets a table they could not see as a page.
    let missing = app.get(&format!("{path}?csv=99"), &mut analyst).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let mut public = common::Browser::default();
    let refused = app.get(&format!("{path}?csv=1"), &mut public).await;
    assert_ne!(refused.status, StatusCode::OK);
}
