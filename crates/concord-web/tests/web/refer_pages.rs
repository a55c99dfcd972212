//! Refer's pages over the demo's directory: a link worker finds a service by words, need,
//! district and places now, reads its page, and imports their own organisation's services (a
//! JSON feed and a CSV data package) through the upload form; nobody imports another's.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{Browser, Reply, TestApp};

const BOUNDARY: &str = "concord-refer-boundary";

/// Posts the import form with `files` (name, content), as a browser does.
async fn upload(
    app: &TestApp,
    browser: &mut Browser,
    fields: &[(&str, &str)],
    files: &[(&str, &str)],
) -> Reply {
    let mut body = String::new();
    let csrf = browser.csrf.clone();
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("csrf_token", &csrf));
    for (name, value) in all {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    for (file_name, content) in files {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    let reply = app
        .send(
            Method::POST,
            "/services/import",
            Some(browser),
            Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
            body.into_bytes(),
            None,
        )
        .await;
    browser.absorb(&reply);
    reply
}

#[tokio::test]
async fn a_link_worker_finds_a_service_and_imports_their_own() {
    let app = TestApp::new().await;
    concord_demo::seed_directory(&app.store).await.unwrap();
    let mut vcse = app.browser("vcse").await;

    let all = app.get("/services", &mut vcse).await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("Showing 1 to 25 of 230"), "{}", all.body);

    let words = app.get("/services?q=befriending", &mut vcse).await;
    assert!(words.body.contains("Befriending for older people"));
    assert!(!words.body.contains("Walking football"));

    // A need, a district and places now: every service listed has places, in RV2.
    let terms = concord_store::directory::terms_in_use(&app.store)
        .await
        .unwrap();
    let loneliness = &terms
        .iter()
        .find(|t| t.1 == "Loneliness and social isolation")
        .unwrap()
        .0;
    let near = app
        .get(
            &format!("/services?need={loneliness}&district=RV2%204AB&available=yes"),
            &mut vcse,
        )
        .await;
    assert_eq!(near.status, StatusCode::OK);
    assert!(near.body.contains("places available"), "{}", near.body);
    assert!(
        !near.body.contains("Full: 0 of"),
        "no full service is listed"
    );
    assert!(near.body.contains("RV2 "), "in the district asked for");
    assert!(!near.body.contains("RV1 "));
    let bad = app.get("/services?district=nowhere", &mut vcse).await;
    assert!(bad
        .body
        .contains("Enter a postcode or the first part of one"));
    // Near the middle of a district: nearest first, each with how far, and the rule said.
    let close = app
        .get("/services?district=RV2&within=2000", &mut vcse)
        .await;
    assert_eq!(close.status, StatusCode::OK);
    assert!(close.body.contains(
        "Distances are in a straight line from the middle of RV2: the median position of the"
    ));
    assert!(close.body.contains(" away)</strong>"), "{}", close.body);
    let nowhere = app.get("/services?within=2000", &mut vcse).await;
    assert!(nowhere
        .body
        .contains("Enter a postcode or district to search near it"));
    let unplaced = app
        .get("/services?district=ZZ9&within=2000", &mut vcse)
        .await;
    assert!(unplaced
        .body
        .contains("No place listed in ZZ9 has a position"));

    // A service's page: its capacity with its date, where and when, whose listing it is.
    let befriending = concord_store::directory::services(
        &app.store,
        &concord_store::directory::ServiceFilter {
            search: Some("befriending for older".into()),
            ..Default::default()
        },
        concord_store::PageRequest::default(),
    )
    .await
    .unwrap()
    .items
    .remove(0);
    let page = app
        .get(&format!("/services/{}", befriending.id), &mut vcse)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("of 40 places available (updated"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Age UK Riverside, a partner of"));
    assert!(page.body.contains("Mondays, 09:00 to 17:00"));
    assert!(
        page.body.contains("Import a new version of your services"),
        "its own people may"
    );

    // Import: a JSON feed of the worker's own organisation's services.
    let own = app.login_for("vcse").organisation_id.clone();
    let form = app.get("/services/import", &mut vcse).await;
    assert!(form.body.contains("Age UK Riverside"));
    assert!(
        !form.body.contains("No partner: the system"),
        "only administrators keep the system's own"
    );
    let feed = r#"[{"id": "33333333-3333-4333-8333-333333333333", "name": "Tea and chat", "status": "active", "description": "A weekly tea afternoon."}]"#;
    let done = upload(
        &app,
        &mut vcse,
        &[("partner_organisation_id", &own), ("dataset", "services")],
        &[("tea.json", feed)],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body
            .contains("Imported: 1 new, 0 changed and 0 unchanged services"),
        "{}",
        done.body
    );

    // A data package: services, their places and locations, as CSV tables.
    let services = "id,name,status,description\n44444444-4444-4444-8444-444444444444,Knitting circle,active,Knit and natter\n";
    let at = "id,service_id,location_id\n55555555-5555-4555-8555-555555555555,44444444-4444-4444-8444-444444444444,66666666-6666-4666-8666-666666666666\n";
    let locations =
        "id,location_type,name\n66666666-6666-4666-8666-666666666666,physical,St Anne's hall\n";
    let package = upload(
        &app,
        &mut vcse,
        &[
            ("partner_organisation_id", &own),
            ("dataset", "csv_package"),
        ],
        &[
            ("services.csv", services),
            ("service_at_location.csv", at),
            ("locations.csv", locations),
        ],
    )
    .await;
    assert!(package.body.contains("Imported: 1 new"), "{}", package.body);
    let knitting = app
        .get("/services/44444444-4444-4444-8444-444444444444", &mut vcse)
        .await;
    assert!(
        knitting.body.contains("St Anne&#39;s hall"),
        "{}",
        knitting.body
    );

    // Not another partner's, and a bad file names its problem and changes nothing.
    let council = app.login_for("analyst").organisation_id.clone();
    let refused = upload(
        &app,
        &mut vcse,
        &[
            ("partner_organisation_id", &council),
            ("dataset", "services"),
        ],
        &[("tea.json", feed)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("You may import services only for an organisation where you are its partner lead or a VCSE worker"));
    let bad_feed = r#"[{"id": "77777777-7777-4777-8777-777777777777", "name": "Lunch"}]"#;
    let refused = upload(
        &app,
        &mut vcse,
        &[("partner_organisation_id", &own), ("dataset", "services")],
        &[("lunch.json", bad_feed)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("lunch.json, record 1 (id 77777777-7777-4777-8777-777777777777), field status: this field is required"), "{}", refused.body);
    assert_eq!(
        app.get("/services/77777777-7777-4777-8777-777777777777", &mut vcse)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // The whole directory as an HSDS feed.
    let export = app.get("/services/export.json", &mut vcse).await;
    let services: serde_json::Value = serde_json::from_str(&export.body).unwrap();
    assert_eq!(services.as_array().unwrap().len(), 232);

    // And as a CSV data package, which reads back (by the same reader an import uses) to the
    // same services, each with its places and taxonomy terms.
    let zipped = app.send_raw("/services/export.zip", &mut vcse).await;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap();
    let mut files = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut bytes).unwrap();
        files.push((file.name().unwrap().to_string(), bytes));
    }
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    for table in [
        "datapackage.json",
        "services.csv",
        "locations.csv",
        "taxonomy_terms.csv",
    ] {
        assert!(names.contains(&table), "{names:?}");
    }
    let package = concord_directory::tabular::read_package(&files).unwrap();
    let mut from_package: Vec<String> = package.services.iter().map(|s| s.id.clone()).collect();
    let mut from_feed: Vec<String> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    from_package.sort();
    from_feed.sort();
    assert_eq!(from_package, from_feed);
    let located = |s: &serde_json::Value| s["service_at_locations"].as_array().map_or(0, Vec::len);
    let places_in_feed: usize = services.as_array().unwrap().iter().map(located).sum();
    let places_in_package: usize = package
        .services
        .iter()
        .map(|s| located(&serde_json::to_value(s).unwrap()))
        .sum();
    assert_eq!(places_in_package, places_in_feed);
    assert!(places_in_feed > 0);
}

#[tokio::test]
async fn a_provider_keeps_its_places_up_to_date() {
    let app = TestApp::new().await;
    concord_demo::seed_directory(&app.store).await.unwrap();
    let befriending = concord_store::directory::services(
        &app.store,
        &concord_store::directory::ServiceFilter {
            search: Some("befriending for older".into()),
            ..Default::default()
        },
        concord_store::PageRequest::default(),
    )
    .await
    .unwrap()
    .items
    .remove(0);
    let page_path = format!("/services/{}", befriending.id);
    let form_path = format!("{page_path}/capacity");

    // Its own VCSE worker is offered the form, filled with what was last said.
    let mut vcse = app.browser("vcse").await;
    let page = app.get(&page_path, &mut vcse).await;
    assert!(
        page.body.contains("Update places available"),
        "{}",
        page.body
    );
    let form = app.get(&form_path, &mut vcse).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("value=\"40\""),
        "the maximum as last said: {}",
        form.body
    );

    // A bad number is named by its field and changes nothing.
    let refused = app
        .post(
            &form_path,
            &mut vcse,
            &[("available", "12"), ("maximum", "10"), ("unit", "places")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .body
        .contains("The places at most must be at least the places free now (12)"));
    let unchanged = concord_store::directory::service(&app.store, &befriending.id)
        .await
        .unwrap();
    assert_eq!(unchanged.capacity, befriending.capacity);

    // Full: saved, confirmed, and no longer found among services with places now.
    let saved = app
        .post(
            &form_path,
            &mut vcse,
            &[("available", "0"), ("maximum", "40"), ("unit", "places")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), page_path);
    let page = app.get(&page_path, &mut vcse).await;
    assert!(
        page.body.contains("capacity has been updated"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Full: 0 of 40 places available"),
        "{}",
        page.body
    );
    let with_places = app
        .get("/services?q=befriending+for+older&available=yes", &mut vcse)
        .await;
    assert!(!with_places.body.contains("Befriending for older people"));

    // The same through the API, and into the service's own HSDS record (the export).
    let token = app.token("vcse").await;
    let put = app
        .api(
            Method::PUT,
            &format!("/api/v1/services/{}/capacity", befriending.id),
            Some(&token),
            Some(serde_json::json!({"available": 3, "maximum": 40})),
        )
        .await;
    assert_eq!(put.status, StatusCode::NO_CONTENT, "{}", put.body);
    let export = app.get("/services/export.json", &mut vcse).await;
    let services: serde_json::Value = serde_json::from_str(&export.body).unwrap();
    let record = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == befriending.id.as_str())
        .unwrap();
    let capacities = record["capacities"].as_array().unwrap();
    assert_eq!(capacities.len(), 1, "updated in place: {capacities:?}");
    assert_eq!(capacities[0]["available"], 3);
    assert_eq!(capacities[0]["maximum"], 40);
    let bad = app
        .api(
            Method::PUT,
            &format!("/api/v1/services/{}/capacity", befriending.id),
            Some(&token),
            Some(serde_json::json!({"available": "lots"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("available"), "{}", bad.body);

    // Nobody else's people: another partner's lead is refused, and is not offered the form.
    let mut lead = app.browser("lead").await;
    assert!(!app
        .get(&page_path, &mut lead)
        .await
        .body
        .contains("Update places available"));
    let refused = app
        .post(
            &form_path,
            &mut lead,
            &[("available", "40"), ("maximum", "40")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let after = concord_store::directory::service(&app.store, &befriending.id)
        .await
        .unwrap();
    assert_eq!(after.capacity.map(|c| (c.0, c.1)), Some((3.0, Some(40.0))));

    // Every change is in the audit log, with what was said, and so is every refused one.
    let audited = |outcome: &'static str| {
        let store = app.store.clone();
        async move {
            concord_store::audit::list(
                &store,
                &Default::default(),
                &concord_store::audit::AuditFilter {
                    action: Some("directory.capacity".into()),
                    outcome: Some(outcome.into()),
                    ..Default::default()
                },
                concord_store::PageRequest::default(),
            )
            .await
            .unwrap()
        }
    };
    let saved = audited("success").await;
    assert_eq!(saved.total, 2, "two changes saved");
    assert!(saved.items[0].detail.contains("3 of 40 places available"));
    assert_eq!(
        audited("rejected").await.total,
        2,
        "two refused for their numbers"
    );
}

#[tokio::test]
async fn commissioners_see_vcse_capacity_and_funding_by_place() {
    let app = TestApp::new().await;
    concord_demo::seed_directory(&app.store).await.unwrap();
    let token = app.token("analyst").await;
    let reply = app
        .api(Method::GET, "/api/v1/referrals/figures", Some(&token), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let figures = reply.json();
    let rows = figures["provision"].as_array().unwrap();
    assert!(!rows.is_empty());
    // Each place's services and places free, counted again by SQL from the stored directory and
    // the places each partner serves.
    for row in rows.iter().filter(|r| r["place"] != "No place recorded") {
        let (services, available): (i64, f64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN LOWER(s.capacity_unit) = 'places' \
             THEN s.capacity_available ELSE 0 END), 0) \
             FROM directory_services s JOIN organisation_places op ON op.organisation_id = s.partner_organisation_id \
             JOIN places p ON p.id = op.place_id WHERE p.name = $1 AND s.status = 'active'",
        )
        .bind(row["place"].as_str().unwrap())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!(row["services"].as_i64(), Some(services), "{row}");
        assert_eq!(row["places_available"].as_f64(), Some(available), "{row}");
        let funded: i64 = row["funders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f[1].as_i64().unwrap())
            .sum();
        assert!(funded >= services - row["no_funder"].as_i64().unwrap());
    }
    let mut analyst = app.browser("analyst").await;
    let page = app.get("/referrals/figures", &mut analyst).await;
    assert!(page.body.contains("VCSE capacity and funding by place"));
    assert!(page
        .body
        .contains("NHS Riverside and Vale ICB (social prescribing contract) ("));
}
