//! Exchange between two Concord systems over real sockets: one publishes (its well-known index,
//! key and documents open to anyone), the other subscribes by address with the key pinned,
//! verifies and keeps what is new, and refuses a changed byte, another key, an older version,
//! an unsigned document and an index pointing elsewhere, keeping nothing from a refused batch.
//! Publishing is for administrators only, refuses anything that could identify a person, and
//! passes counts through the disclosure rule (checked against hand-worked values).

use crate::common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use concord_exchange::{sign, verify, Document, PublicKey, Signed, SystemKey};
use concord_store::exchange as store;
use serde_json::{json, Value};
use std::net::SocketAddr;

/// Serves `app` on a free port of the loopback interface; returns its address.
async fn serve(router: axum::Router, listener: tokio::net::TcpListener) {
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
}

async fn northmoor() -> (TestApp, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = TestApp::with_exchange("Northmoor and Dale ICS", &url).await;
    serve(app.router.clone(), listener).await;
    (app, url)
}

async fn publish(app: &TestApp, token: &str, offer: Value) -> common::Reply {
    app.api(
        Method::POST,
        "/api/v1/exchange/published",
        Some(token),
        Some(offer),
    )
    .await
}

fn problem_detail(reply: &common::Reply) -> String {
    let body = reply.json();
    format!(
        "{} {}",
        body["detail"].as_str().unwrap_or_default(),
        body["errors"]
    )
}

#[tokio::test]
async fn a_system_publishes_and_another_subscribes_keeping_only_what_verifies() {
    let (northmoor, northmoor_url) = northmoor().await;
    let riverside = TestApp::with_exchange("Riverside and Vale ICS", "http://riverside.test").await;
    let n_admin = northmoor.token("admin").await;

    // Only an administrator publishes for the system.
    let analyst = northmoor.token("analyst").await;
    let refused = publish(
        &northmoor,
        &analyst,
        json!({"type": "metric_definition", "metric": "ae_4hr"}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let definition = publish(
        &northmoor,
        &n_admin,
        json!({"type": "metric_definition", "metric": "ae_4hr"}),
    )
    .await;
    assert_eq!(
        definition.status,
        StatusCode::CREATED,
        "{}",
        definition.body
    );
    assert_eq!(definition.json()["version"], 1);
    let series = publish(
        &northmoor,
        &n_admin,
        json!({"type": "benchmark_series", "metric": "ae_4hr"}),
    )
    .await;
    assert_eq!(series.status, StatusCode::CREATED, "{}", series.body);

    // Anyone reads the index, the key and each document, with no sign-in; a standard check of
    // each served document against the served key passes.
    let index = northmoor
        .api(Method::GET, "/.well-known/concord/index.json", None, None)
        .await;
    assert_eq!(index.status, StatusCode::OK);
    let index = index.json();
    assert_eq!(index["documents"].as_array().unwrap().len(), 2);
    let key = northmoor
        .api(Method::GET, "/.well-known/concord/key.json", None, None)
        .await
        .json();
    let public = PublicKey::from_jwk(&key).unwrap();
    assert_eq!(index["key_id"], public.kid());
    for entry in index["documents"].as_array().unwrap() {
        let href = entry["href"].as_str().unwrap();
        let path = href.strip_prefix(&northmoor_url).unwrap();
        let served = northmoor.api(Method::GET, path, None, None).await;
        assert_eq!(served.status, StatusCode::OK, "{path}");
        let verified = verify(served.body.as_bytes(), &public, None).unwrap();
        assert_eq!(verified.signed.hash, entry["hash"].as_str().unwrap());
    }

    // Riverside subscribes by address, pinning the key Northmoor's administrators sent.
    let r_admin = riverside.token("admin").await;
    let added = riverside
        .api(
            Method::POST,
            "/api/v1/exchange/peers",
            Some(&r_admin),
            Some(json!({"name": "Northmoor and Dale ICS", "url": northmoor_url, "public_key": key.to_string()})),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let peer = added.json()["id"].as_str().unwrap().to_string();
    // The same key cannot be pinned twice.
    let again = riverside
        .api(
            Method::POST,
            "/api/v1/exchange/peers",
            Some(&r_admin),
            Some(json!({"name": "Someone else", "url": "", "public_key": key.to_string()})),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);

    let check = format!("/api/v1/exchange/peers/{peer}/check");
    let first = riverside
        .api(Method::POST, &check, Some(&r_admin), None)
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.json(), json!({"added": 2, "already_kept": 0}));
    let second = riverside
        .api(Method::POST, &check, Some(&r_admin), None)
        .await;
    assert_eq!(second.json(), json!({"added": 0, "already_kept": 2}));

    // A second version of the series is fetched as new; the first is kept too.
    let v1_text = store::published_versions(&northmoor.store, "benchmark-ae_4hr")
        .await
        .unwrap()[0]
        .publication
        .signed
        .clone();
    let v2 = publish(
        &northmoor,
        &n_admin,
        json!({"type": "benchmark_series", "metric": "ae_4hr"}),
    )
    .await;
    assert_eq!(v2.json()["version"], 2);
    let third = riverside
        .api(Method::POST, &check, Some(&r_admin), None)
        .await;
    assert_eq!(third.json(), json!({"added": 1, "already_kept": 1}));
    let received = riverside
        .api(
            Method::GET,
            "/api/v1/exchange/received",
            Some(&r_admin),
            None,
        )
        .await
        .json();
    let kept_series = received
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "benchmark_series")
        .unwrap();
    assert_eq!(kept_series["version"], 2);
    assert_eq!(
        kept_series["received_from"],
        format!("{northmoor_url}/.well-known/concord")
    );

    // Now every way a document can be wrong: each refused by name, nothing kept.
    let kept_before = store::kept(&riverside.store, &peer).await.unwrap();
    let import = format!("/api/v1/exchange/peers/{peer}/documents");
    let v2_text = store::published_versions(&northmoor.store, "benchmark-ae_4hr")
        .await
        .unwrap()[0]
        .publication
        .signed
        .clone();
    let mut tampered: Value = serde_json::from_str(&v2_text).unwrap();
    let first_value = tampered["document"]["content"]["points"][0]["value"]
        .as_f64()
        .unwrap();
    tampered["document"]["content"]["points"][0]["value"] = json!(first_value + 0.1);
    let mut unsigned: Value = serde_json::from_str(&v2_text).unwrap();
    unsigned.as_object_mut().unwrap().remove("signature");
    let other_key = SystemKey::generate();
    let mut forged_document: Signed = serde_json::from_str(&v2_text).unwrap();
    forged_document.document.version = 3;
    let forged = sign(forged_document.document, &other_key).unwrap();
    for (document, expected) in [
        (
            serde_json::from_str::<Value>(&v1_text).unwrap(),
            "older than version 2",
        ),
        (tampered, "do not match its hash"),
        (serde_json::to_value(&forged).unwrap(), "signed with key"),
        (unsigned, "not a signed Concord document"),
    ] {
        let reply = riverside
            .api(Method::POST, &import, Some(&r_admin), Some(document))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{expected}");
        assert!(
            problem_detail(&reply).contains(expected),
            "{expected}: {}",
            reply.body
        );
    }
    assert_eq!(
        store::kept(&riverside.store, &peer).await.unwrap(),
        kept_before
    );
    // The peer's record says why the last attempt was refused.
    let peers = riverside
        .api(Method::GET, "/api/v1/exchange/peers", Some(&r_admin), None)
        .await
        .json();
    assert!(peers[0]["last_outcome"]
        .as_str()
        .unwrap()
        .starts_with("Refused: the posted document: not a signed Concord document"));
    // Only administrators bring documents in.
    let analyst = riverside.token("analyst").await;
    let reply = riverside
        .api(Method::POST, &check, Some(&analyst), None)
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_index_that_points_outside_the_peers_address_is_refused() {
    // A peer whose index sends the subscriber elsewhere (to an internal address, say).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let key = SystemKey::generate();
    let index = json!({"documents": [{"id": "x", "version": 1, "hash": "sha256:00", "href": "http://169.254.169.254/latest/meta-data"}]});
    let router = axum::Router::new().route(
        "/.well-known/concord/index.json",
        axum::routing::get(move || {
            let index = index.clone();
            async move { axum::Json(index) }
        }),
    );
    serve(router, listener).await;
    let riverside = TestApp::with_exchange("Riverside and Vale ICS", "http://riverside.test").await;
    let admin = riverside.token("admin").await;
    let peer = riverside
        .api(
            Method::POST,
            "/api/v1/exchange/peers",
            Some(&admin),
            Some(json!({"name": "Elsewhere", "url": url, "public_key": key.public().jwk().to_string()})),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let reply = riverside
        .api(
            Method::POST,
            &format!("/api/v1/exchange/peers/{peer}/check"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem_detail(&reply).contains("points outside the peer's address"));
    assert!(store::kept(&riverside.store, &peer)
        .await
        .unwrap()
        .is_empty());
    // An address nobody answers at is refused as such, not as a server error.
    let gone = riverside
        .api(
            Method::POST,
            "/api/v1/exchange/peers",
            Some(&admin),
            Some(json!({"name": "Gone", "url": "http://127.0.0.1:9", "public_key": SystemKey::generate().public().jwk().to_string()})),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let reply = riverside
        .api(
            Method::POST,
            &format!("/api/v1/exchange/peers/{gone}/check"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem_detail(&reply).contains("could not be reached"));
}

#[tokio::test]
async fn nothing_that_could_identify_a_person_is_published_and_counts_pass_the_disclosure_rule() {
    let app = TestApp::with_exchange("Riverside and Vale ICS", "http://riverside.test").await;
    let admin = app.token("admin").await;
    let study = |problem: &str| {
        json!({"type": "case_study", "slug": "fcp-msk", "content": {
            "title": "First-contact physiotherapists", "problem": problem, "population": "Adults in 20 practices",
            "partners": ["Riverside and Vale ICB"], "intervention": "FCPs in practices", "started_on": "2025-04-01",
            "costs": [{"item": "Six FCPs", "amount": "412000.00", "basis": "per_year", "paid_by": "The ICB"}],
            "differently": "Start sooner", "milestones": ["Recruit", "Go live"]}})
    };
    let refused = publish(
        &app,
        &admin,
        study("Mrs B (NHS number 943 476 5919) waited 30 weeks"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let detail = problem_detail(&refused);
    assert!(
        detail.contains("content.problem holds what looks like an NHS number"),
        "{detail}"
    );
    assert!(
        !detail.contains("5919"),
        "a refusal never repeats the identifier"
    );
    assert!(store::latest_published(&app.store)
        .await
        .unwrap()
        .is_empty());
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT outcome FROM audit_log WHERE action = 'exchange.publish'")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert_eq!(audited, vec!["rejected".to_string()]);

    let published = publish(
        &app,
        &admin,
        study("Adults waited 14 weeks for physiotherapy"),
    )
    .await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.body);
    assert_eq!(published.json()["type"], "case_study");

    // A count metric with small months: 0 is shown, 1 to 9 withheld, others rounded to 5
    // (worked by hand: 3 -> <10, 12 -> 10, 0 -> 0, 27 -> 25, 13 -> 15).
    let owner = concord_store::organisations::find_by_code(&app.store, concord_demo::ICB_CODE)
        .await
        .unwrap()
        .unwrap()
        .id;
    let created = app
        .api(
            Method::POST,
            "/api/v1/metrics",
            Some(&admin),
            Some(json!({"code": "falls_admissions", "name": "Admissions after a fall", "definition": "Emergency admissions of people aged 65 and over after a fall.",
                "unit": "admissions", "improvement_direction": "decrease", "target": "", "owner_organisation_id": owner,
                "source": "SUS (synthetic)", "frequency": "monthly", "category": "urgent_care"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let values: Vec<Value> = [("2026-01-01", 3), ("2026-02-01", 12), ("2026-03-01", 0), ("2026-04-01", 27), ("2026-05-01", 13)]
        .iter()
        .map(|(period, value)| json!({"metric": "falls_admissions", "organisation": "", "place": "", "period": period, "value": value}))
        .collect();
    let loaded = app
        .api(
            Method::POST,
            "/api/v1/metric-values",
            Some(&admin),
            Some(json!({ "values": values })),
        )
        .await;
    assert_eq!(loaded.status, StatusCode::OK, "{}", loaded.body);
    let series = publish(
        &app,
        &admin,
        json!({"type": "benchmark_series", "metric": "falls_admissions"}),
    )
    .await;
    assert_eq!(series.status, StatusCode::CREATED, "{}", series.body);
    let served = app
        .api(
            Method::GET,
            "/.well-known/concord/documents/benchmark-falls_admissions.json",
            None,
            None,
        )
        .await;
    let document: Document = serde_json::from_value(served.json()["document"].clone()).unwrap();
    let points: Vec<(Option<f64>, Option<String>)> = document.content["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["value"].as_f64(),
                p["withheld"].as_str().map(str::to_string),
            )
        })
        .collect();
    assert_eq!(
        points,
        vec![
            (None, Some("<10".into())),
            (Some(10.0), None),
            (Some(0.0), None),
            (Some(25.0), None),
            (Some(15.0), None),
        ]
    );
    assert!(document.content["disclosure_rule"]
        .as_str()
        .unwrap()
        .starts_with("Counts from 1 to 9 are withheld"));
}

#[tokio::test]
async fn the_pages_offer_publishing_to_administrators_only_and_publish_what_they_preview() {
    let app = TestApp::with_exchange("Riverside and Vale ICS", "http://riverside.test").await;
    let mut analyst = app.browser("analyst").await;
    let page = app.get("/exchange", &mut analyst).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/exchange/publish"));
    assert_eq!(
        app.get("/exchange/publish", &mut analyst).await.status,
        StatusCode::FORBIDDEN
    );

    let mut admin = app.browser("admin").await;
    let page = app.get("/exchange", &mut admin).await;
    assert!(page.body.contains("href=\"/exchange/publish\""));
    let preview = app
        .get(
            "/exchange/publish?type=metric_definition&metric=ae_4hr",
            &mut admin,
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("Sign and publish version 1"));
    assert!(preview
        .body
        .contains("Attendances admitted, transferred or discharged within 4 hours"));
    // Nothing is published by looking.
    assert!(store::latest_published(&app.store)
        .await
        .unwrap()
        .is_empty());
    let done = app
        .post(
            "/exchange/publish",
            &mut admin,
            &[("type", "metric_definition"), ("metric", "ae_4hr")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/exchange/published/metric-ae_4hr");
    let shown = app.get(done.location(), &mut admin).await;
    assert!(shown.body.contains("signed and published"));
    assert!(shown.body.contains("data-testid=\"version\">1,"));
    // The next preview offers version 2.
    let preview = app
        .get(
            "/exchange/publish?type=metric_definition&metric=ae_4hr",
            &mut admin,
        )
        .await;
    assert!(preview.body.contains("Sign and publish version 2"));
}

#[tokio::test]
async fn a_peers_case_study_starts_a_programme_with_its_milestones_and_where_it_came_from() {
    let (northmoor, _) = northmoor().await;
    let n_admin = northmoor.token("admin").await;
    let published = publish(
        &northmoor,
        &n_admin,
        json!({"type": "case_study", "slug": "fcp-msk", "content": {
            "title": "First-contact physiotherapists", "problem": "Long waits for MSK care", "population": "Adults in 20 practices",
            "partners": ["Northmoor and Dale ICB"], "intervention": "FCPs in practices", "started_on": "2025-04-01",
            "costs": [], "differently": "Start sooner", "milestones": ["Recruit six FCPs", "Go live in ten practices", "Review"]}}),
    )
    .await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.body);
    let signed = store::latest_published(&northmoor.store)
        .await
        .unwrap()
        .into_iter()
        .find(|p| {
            p.publication
                .signed
                .contains("First-contact physiotherapists")
        })
        .expect("the case study is published")
        .publication
        .signed;
    let key = northmoor
        .api(Method::GET, "/.well-known/concord/key.json", None, None)
        .await
        .json();

    let riverside = TestApp::with_exchange("Riverside and Vale ICS", "http://riverside.test").await;
    let r_admin = riverside.token("admin").await;
    let added = riverside
        .api(
            Method::POST,
            "/api/v1/exchange/peers",
            Some(&r_admin),
            Some(
                json!({"name": "Northmoor and Dale ICS", "url": "", "public_key": key.to_string()}),
            ),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let peer = added.json()["id"].as_str().unwrap().to_string();
    let document: Value = serde_json::from_str(&signed).unwrap();
    let imported = riverside
        .api(
            Method::POST,
            &format!("/api/v1/exchange/peers/{peer}/documents"),
            Some(&r_admin),
            Some(document.clone()),
        )
        .await;
    assert!(imported.status.is_success(), "{}", imported.body);
    let doc_id = document["document"]["id"].as_str().unwrap().to_string();

    // The partner lead may start programmes for their trust: the page offers it.
    let lead = riverside.login_for("lead").clone();
    let mut browser = riverside.browser("lead").await;
    let page = riverside
        .get(
            &format!("/exchange/peers/{peer}/document?id={}", urlencode(&doc_id)),
            &mut browser,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Start a programme from it"));
    let query = format!("template_peer={peer}&template={}", urlencode(&doc_id));
    let form = riverside
        .get(
            &format!(
                "/organisations/{}/programmes/new?{query}",
                lead.organisation_id
            ),
            &mut browser,
        )
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("First-contact physiotherapists"));
    assert!(form.body.contains("Adopted from Northmoor and Dale ICS"));
    let objective = concord_store::lookups::adopted_objectives(&riverside.store)
        .await
        .unwrap()[0]
        .0
        .clone();
    let created = riverside
        .post(
            &format!("/organisations/{}/programmes?{query}", lead.organisation_id),
            &mut browser,
            &[
                ("name", "First-contact physiotherapists in Riverside"),
                (
                    "summary",
                    "Physiotherapists as the first contact for MSK in practices",
                ),
                ("sro_person_id", &lead.person_id),
                ("manager_person_id", &lead.person_id),
                ("status", "active"),
                ("rag", "green"),
                ("rag_reason", "Just started"),
                ("starts_on", "2027-01-01"),
                ("objective_ids", &objective),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let programme = created
        .location()
        .trim_start_matches("/programmes/")
        .to_string();
    let milestones = concord_store::delivery::milestones_of(&riverside.store, &programme)
        .await
        .unwrap();
    let titles: Vec<(&str, &str)> = milestones
        .iter()
        .map(|m| (m.title.as_str(), m.forecast_on.as_str()))
        .collect();
    assert_eq!(
        titles,
        [
            ("Recruit six FCPs", "2027-02-01"),
            ("Go live in ten practices", "2027-03-01"),
            ("Review", "2027-04-01")
        ]
    );
    let history = concord_store::programmes::history(&riverside.store, &programme)
        .await
        .unwrap();
    assert!(history
        .iter()
        .any(|h| h.progress.contains("Adopted from Northmoor and Dale ICS's case study \"First-contact physiotherapists\" (version 1")));
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn an_administrator_writes_a_case_study_previews_exactly_what_is_signed_and_publishes_it() {
    let app = TestApp::with_exchange("Riverside and Vale ICS", "http://riverside.test").await;
    let mut admin = app.browser("admin").await;
    let form = app.get("/exchange/case-studies/new", &mut admin).await;
    assert_eq!(form.status, StatusCode::OK);
    let partner = concord_store::lookups::partner_organisations(&app.store)
        .await
        .unwrap()[0]
        .0
        .clone();
    let fields = |problem: &'static str, costs: &'static str| {
        vec![
            ("title", "Same-day GP hubs"),
            ("problem", problem),
            ("population", "Adults registered in 12 practices"),
            ("partner_ids", partner.as_str()),
            ("intervention", "Three hubs open 8am to 8pm"),
            ("started_on", "2025-09-01"),
            ("metric", ""),
            ("costs", costs),
            ("differently", "Book through one number from the start"),
            ("milestones", "Open the first hub\nOpen all three"),
        ]
    };
    // A cost line that does not read is named by its line; an identifier by its field.
    let bad = app
        .post(
            "/exchange/case-studies/preview",
            &mut admin,
            &fields(
                "Long waits",
                "Staff | 90,000 | per year | The ICB\nRent: lots",
            ),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Costs, line 2"), "{}", bad.body);
    let identifying = app
        .post(
            "/exchange/case-studies/preview",
            &mut admin,
            &fields(
                "Mr A, born 03/04/1950, waited",
                "Staff | 90,000 | per year | The ICB",
            ),
        )
        .await;
    assert_eq!(identifying.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        identifying
            .body
            .contains("content.problem holds what looks like a date of birth"),
        "{}",
        identifying.body
    );
    assert_eq!(store::latest_published(&app.store).await.unwrap().len(), 0);

    let good = fields(
        "Long waits for same-day care",
        "Staff | 90,000 | per year | The ICB",
    );
    let preview = app
        .post("/exchange/case-studies/preview", &mut admin, &good)
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("exactly what will be signed"));
    assert!(
        preview.body.contains("£90,000.00 a year"),
        "{}",
        preview.body
    );
    assert_eq!(
        store::latest_published(&app.store).await.unwrap().len(),
        0,
        "a preview publishes nothing"
    );
    let published = app.post("/exchange/case-studies", &mut admin, &good).await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    assert_eq!(
        published.location(),
        "/exchange/published/case-study-same-day-gp-hubs"
    );
    let index = app
        .api(Method::GET, "/.well-known/concord/index.json", None, None)
        .await
        .json();
    assert!(index["documents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["id"]
            .as_str()
            .unwrap()
            .ends_with("/documents/case-study-same-day-gp-hubs")));
}
