//! HTTP-level behaviour against the real router and a real database: sessions, CSRF, headers, bad
//! input through pages and the API, problem+json, pagination and the OpenAPI document.

use crate::common;

use axum::http::{header, Method, StatusCode};
use common::{csrf_in, Browser, TestApp};
use concord_store::{audit, organisations, AuditFilter, PageRequest};
use serde_json::json;

#[tokio::test]
async fn sign_in_sets_a_secure_host_cookie_and_rotates_the_session() {
    let app = TestApp::new().await;
    let (mut browser, reply) = app.sign_in("lead", concord_demo::DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    for part in [
        "__Host-concord_session=",
        "Path=/",
        "Secure",
        "HttpOnly",
        "SameSite=Lax",
    ] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    let first = browser
        .cookies
        .iter()
        .find(|(k, _)| k == "__Host-concord_session")
        .unwrap()
        .1
        .clone();
    // Signing in again from the same browser replaces the session: the old token stops working.
    let form = app.get("/login", &mut browser).await;
    browser.csrf = csrf_in(&form.body);
    let again = app
        .post(
            "/login",
            &mut browser,
            &[
                ("username", "lead"),
                ("password", concord_demo::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let second = browser
        .cookies
        .iter()
        .find(|(k, _)| k == "__Host-concord_session")
        .unwrap()
        .1
        .clone();
    assert_ne!(first, second);
    let mut stale = Browser {
        cookies: vec![("__Host-concord_session".into(), first)],
        csrf: String::new(),
    };
    let reply = app.get("/directory", &mut stale).await;
    assert!(
        reply.location().starts_with("/login"),
        "the old session must be gone"
    );
    // The header names the signed-in person and organisation.
    let home = app.get("/", &mut browser).await;
    let lead = app.login_for("lead");
    assert!(home.body.contains(&lead.person_name) && home.body.contains(&lead.organisation_name));
}

#[tokio::test]
async fn wrong_passwords_are_answered_alike_and_then_throttled() {
    let app = TestApp::new().await;
    let (_, unknown) = app.sign_in("no-such-user", "whatever-password").await;
    let (_, wrong) = app.sign_in("lead", "whatever-password").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        unknown
            .body
            .contains("Enter a correct username and password")
            && wrong.body.contains("Enter a correct username and password")
    );
    for _ in 0..4 {
        app.sign_in("lead", "whatever-password").await;
    }
    let (_, throttled) = app.sign_in("lead", concord_demo::DEMO_PASSWORD).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn state_changing_forms_need_the_session_csrf_token() {
    let app = TestApp::new().await;
    let mut browser = app.browser("admin").await;
    let before = organisations::count(&app.store).await.unwrap();
    let fields = [
        ("name", "Forged Org"),
        ("code", "FORGE1"),
        ("org_type", "other"),
        ("csrf_token", "not-the-token"),
    ];
    let reply = app.post("/organisations", &mut browser, &fields).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let without: Vec<(&str, &str)> = vec![
        ("name", "Forged Org"),
        ("code", "FORGE1"),
        ("org_type", "other"),
        ("csrf_token", ""),
    ];
    assert_eq!(
        app.post("/organisations", &mut browser, &without)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        organisations::count(&app.store).await.unwrap(),
        before,
        "nothing was created"
    );
    // With the token, the same form works.
    let ok = app
        .post(
            "/organisations",
            &mut browser,
            &[
                ("name", "Real Org"),
                ("code", "REAL1"),
                ("org_type", "other"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(organisations::count(&app.store).await.unwrap(), before + 1);
}

#[tokio::test]
async fn get_never_changes_state() {
    let app = TestApp::new().await;
    let mut browser = app.browser("admin").await;
    let reply = app.get("/logout", &mut browser).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    let still_signed_in = app.get("/account", &mut browser).await;
    assert_eq!(still_signed_in.status, StatusCode::OK);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::new().await;
    let mut anon = Browser::default();
    for path in [
        "/",
        "/login",
        "/directory",
        "/no-such-page",
        "/assets/nhsuk-frontend.min.css",
        "/api/v1/organisations",
    ] {
        let reply = app.get(path, &mut anon).await;
        let h = &reply.headers;
        let csp = h
            .get(header::CONTENT_SECURITY_POLICY)
            .unwrap_or_else(|| panic!("{path}: no CSP"))
            .to_str()
            .unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"),
            "{path}: {csp}"
        );
        assert_eq!(
            h.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
            "nosniff",
            "{path}"
        );
        assert!(
            h.get(header::STRICT_TRANSPORT_SECURITY)
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("max-age="),
            "{path}"
        );
        assert!(h.get(header::REFERRER_POLICY).is_some(), "{path}");
    }
}

#[tokio::test]
async fn bad_organisation_input_gets_clear_messages_and_changes_nothing() {
    let app = TestApp::new().await;
    let mut browser = app.browser("admin").await;
    let before = organisations::count(&app.store).await.unwrap();
    let existing = organisations::get(&app.store, &app.login_for("lead").organisation_id)
        .await
        .unwrap();
    let long = "x".repeat(201);
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![("name", ""), ("code", "NEW1"), ("org_type", "other")],
            "name",
            "Enter a name",
        ),
        (
            vec![("name", &long), ("code", "NEW1"), ("org_type", "other")],
            "name",
            "Name must be 200 characters or fewer",
        ),
        (
            vec![("name", "A"), ("code", "NEW1"), ("org_type", "castle")],
            "org_type",
            "Select an organisation type from the list",
        ),
        (
            vec![
                ("name", "A"),
                ("code", &existing.code),
                ("org_type", "other"),
            ],
            "code",
            "Another organisation already has the code",
        ),
        (
            vec![
                ("name", "A"),
                ("code", "NEW1"),
                ("org_type", "other"),
                ("parent_id", "no-such-id"),
            ],
            "parent_id",
            "Select a parent organisation that exists",
        ),
        (
            vec![("name", "A"), ("code", "Z1"), ("org_type", "gp_practice")],
            "code",
            "A GP practice code is a letter followed by five digits",
        ),
    ];
    for (fields, field, message) in cases {
        let reply = app.post("/organisations", &mut browser, &fields).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(
            reply.body.contains("There is a problem"),
            "error summary shown for {fields:?}"
        );
        assert!(
            reply.body.contains(&format!("href=\"#{field}\"")),
            "summary links to {field}"
        );
        assert!(
            reply.body.contains(message),
            "{message} in page for {fields:?}"
        );
    }
    assert_eq!(organisations::count(&app.store).await.unwrap(), before);
    let rejected = audit::list(
        &app.store,
        &Default::default(),
        &AuditFilter {
            outcome: Some("rejected".into()),
            action: Some("organisation.create".into()),
            ..Default::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(rejected.total, 6, "each rejected attempt is audited");
    // Editing an unknown organisation is a clear 404, not a crash.
    let reply = app
        .post(
            "/organisations/does-not-exist/edit",
            &mut browser,
            &[("name", "x")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply
        .body
        .contains("There is no organisation at this address."));
    assert!(
        !reply.body.contains("does-not-exist"),
        "the address typed is not echoed"
    );
    // The error page keeps the signed-in person's frame: their name and menu, no "Sign in" link,
    // and a way on.
    assert!(reply.body.contains("Sign out"), "{}", reply.body);
    assert!(!reply.body.contains(">Sign in<"));
    assert!(reply.body.contains("href=\"/my-work\""));
    // A form with errors says so in the page title.
    let refused = app
        .post("/organisations", &mut browser, &[("name", "")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("<title>Error: "), "{}", refused.body);
}

#[tokio::test]
async fn the_api_reports_problems_as_problem_json_naming_the_field() {
    let app = TestApp::new().await;
    let token = app.token("admin").await;
    let before = organisations::count(&app.store).await.unwrap();
    // Wrong type.
    let reply = app
        .api(
            Method::POST,
            "/api/v1/organisations",
            Some(&token),
            Some(json!({"name": 5, "code": "X1", "org_type": "other"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/problem+json"
    );
    let problem = reply.json();
    assert_eq!(problem["status"], 422);
    assert_eq!(problem["errors"][0]["field"], "name");
    // Empty and duplicate.
    let reply = app
        .api(
            Method::POST,
            "/api/v1/organisations",
            Some(&token),
            Some(json!({"name": "", "code": "", "org_type": "other"})),
        )
        .await;
    let fields: Vec<String> = reply.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["name", "code"]);
    // Not JSON at all.
    let reply = app
        .send(
            Method::POST,
            "/api/v1/organisations",
            None,
            Some("application/json"),
            b"{not json".to_vec(),
            Some(&token),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("not valid JSON"));
    // Unknown id.
    let reply = app
        .api(
            Method::GET,
            "/api/v1/organisations/nope",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        reply.json()["detail"],
        "There is no organisation at this address."
    );
    assert_eq!(organisations::count(&app.store).await.unwrap(), before);
    // A good request works and is audited as the token's owner.
    let reply = app
        .api(
            Method::POST,
            "/api/v1/organisations",
            Some(&token),
            Some(json!({"name": "Vale Men's Sheds", "code": "CH-1111111", "org_type": "vcse"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let id = reply.json()["id"].as_str().unwrap().to_string();
    let log = audit::list(
        &app.store,
        &Default::default(),
        &AuditFilter {
            object_id: Some(id),
            ..Default::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        log.items[0].actor.person_id.as_deref(),
        Some(app.login_for("admin").person_id.as_str())
    );
    assert_eq!(
        log.items[0].actor.role.as_deref(),
        Some("system_administrator")
    );
}

#[tokio::test]
async fn api_tokens_authenticate_and_stop_working_when_revoked() {
    let app = TestApp::new().await;
    let token = app.token("analyst").await;
    let me = app.api(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(
        me.json()["person_id"],
        app.login_for("analyst").person_id.as_str()
    );
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", Some("concord_forged"), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let mut browser = app.browser("analyst").await;
    let tokens =
        concord_store::sessions::list_api_tokens(&app.store, &app.login_for("analyst").person_id)
            .await
            .unwrap();
    let reply = app
        .post(
            &format!("/account/tokens/{}/revoke", tokens[0].id),
            &mut browser,
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn lists_are_paginated() {
    let app = TestApp::new().await;
    let token = app.token("analyst").await;
    let first = app
        .api(
            Method::GET,
            "/api/v1/organisations?per_page=10&page=1",
            Some(&token),
            None,
        )
        .await
        .json();
    let second = app
        .api(
            Method::GET,
            "/api/v1/organisations?per_page=10&page=2",
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(first["items"].as_array().unwrap().len(), 10);
    assert_eq!(
        first["total"].as_i64().unwrap(),
        organisations::count(&app.store).await.unwrap()
    );
    assert_ne!(first["items"][0]["id"], second["items"][0]["id"]);
    let practices = app
        .api(
            Method::GET,
            "/api/v1/organisations?org_type=gp_practice&per_page=200",
            Some(&token),
            None,
        )
        .await
        .json();
    assert!(practices["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["org_type"] == "gp_practice"));
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let app = TestApp::new().await;
    let doc = app
        .api(Method::GET, "/api/openapi.json", None, None)
        .await
        .json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for route in concord_web::routes::route_table() {
        if !route.path.starts_with("/api/v1/") {
            continue;
        }
        let op = &doc["paths"][route.path][route.method.as_str().to_lowercase()];
        assert!(
            op.is_object(),
            "{} {} is not in the OpenAPI document",
            route.method,
            route.path
        );
    }
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestApp::new().await;
    let mut browser = app.browser("programme").await;
    assert_eq!(
        app.get("/account", &mut browser).await.status,
        StatusCode::OK
    );
    let long_ago =
        concord_store::format_timestamp(chrono::Utc::now() - chrono::Duration::minutes(31));
    sqlx::query("UPDATE sessions SET last_seen_at = $1")
        .bind(long_ago)
        .execute(app.store.pool())
        .await
        .unwrap();
    let reply = app.get("/account", &mut browser).await;
    assert!(
        reply.location().starts_with("/login?next="),
        "expired session must sign in again"
    );
}

#[tokio::test]
async fn a_partner_lead_edits_their_own_organisation_and_the_audit_names_them() {
    let app = TestApp::new().await;
    let lead = app.login_for("lead").clone();
    let mut browser = app.browser("lead").await;
    let org = organisations::get(&app.store, &lead.organisation_id)
        .await
        .unwrap();
    let fields = [
        ("name", org.name.as_str()),
        ("code", org.code.as_str()),
        ("org_type", org.org_type.as_str()),
        ("website", "https://www.riverside-hospitals.example"),
        ("description", "Acute hospital services for Riverside."),
    ];
    let reply = app
        .post(
            &format!("/organisations/{}/edit", org.id),
            &mut browser,
            &fields,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let after = organisations::get(&app.store, &org.id).await.unwrap();
    assert_eq!(
        after.website.as_deref(),
        Some("https://www.riverside-hospitals.example")
    );
    let log = audit::list(
        &app.store,
        &Default::default(),
        &AuditFilter {
            action: Some("organisation.update".into()),
            ..Default::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    let entry = &log.items[0];
    assert_eq!(
        entry.actor.person_id.as_deref(),
        Some(lead.person_id.as_str())
    );
    assert_eq!(entry.actor.role.as_deref(), Some("partner_lead"));
    assert_eq!(
        entry.actor.organisation_id.as_deref(),
        Some(org.id.as_str())
    );
    assert!(entry.detail.contains("website"));
    assert!(audit::verify(&app.store).await.unwrap().is_intact());
}

#[tokio::test]
async fn the_directory_searches_and_filters() {
    let app = TestApp::new().await;
    let mut browser = app.browser("vcse").await;
    let all = app.get("/directory", &mut browser).await;
    assert!(all.body.contains("Showing 1 to 50 of"));
    let practices = app
        .get("/directory?org_type=gp_practice", &mut browser)
        .await;
    assert!(
        !practices.body.contains("Council</td>"),
        "only practices listed"
    );
    let trust = organisations::get(&app.store, &app.login_for("lead").organisation_id)
        .await
        .unwrap();
    let word = trust.name.split_whitespace().next().unwrap().to_lowercase();
    let found = app.get(&format!("/directory?q={word}"), &mut browser).await;
    assert!(found.body.contains(&trust.name));
    let none = app.get("/directory?q=zzzz-no-such-org", &mut browser).await;
    assert!(none.body.contains("No results"));
}

#[tokio::test]
async fn a_malformed_query_parameter_is_named() {
    let app = TestApp::new().await;
    let token = app.token("analyst").await;
    let reply = app
        .api(
            Method::GET,
            "/api/v1/organisations?page=two",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json()["errors"][0]["field"], "page");
    let mut browser = app.browser("analyst").await;
    let page = app.get("/directory?page=-1", &mut browser).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body
            .contains("The parameter &#39;page&#39; is not valid")
            || page.body.contains("The parameter 'page' is not valid"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn an_administrator_gives_a_person_a_sign_in() {
    let app = TestApp::new().await;
    let person =
        concord_store::people::list(&app.store, &Default::default(), PageRequest::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|p| p.email.ends_with("nhs.net") && p.given_name != "Amara")
            .unwrap();
    let mut admin = app.browser("admin").await;
    let path = format!("/people/{}/account", person.id);
    let weak = app
        .post(
            &path,
            &mut admin,
            &[("username", "newuser"), ("password", "short")],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak
        .body
        .contains("Password must be at least 12 characters"));
    let made = app
        .post(
            &path,
            &mut admin,
            &[("username", "newuser"), ("password", "a-first-password-1")],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let (_, signed_in) = app.sign_in("newuser", "a-first-password-1").await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "the new account signs in"
    );
    assert!(app
        .get(&format!("/people/{}", person.id), &mut admin)
        .await
        .body
        .contains("Signs in as <strong>newuser</strong>"));
}

#[tokio::test]
async fn help_glossary_and_the_statements_are_public_and_linked_from_every_page() {
    let app = TestApp::new().await;
    let mut public = common::Browser::default();
    let home = app.get("/", &mut public).await;
    for link in [
        "/help",
        "/help/glossary",
        "/accessibility",
        "/privacy",
        "/contact",
    ] {
        assert!(
            home.body.contains(&format!("href=\"{link}\"")),
            "{link} in the footer"
        );
        let page = app.get(link, &mut public).await;
        assert_eq!(page.status, StatusCode::OK, "{link}");
    }
    // Every term a page links to is in the glossary.
    let glossary = app.get("/help/glossary", &mut public).await;
    let mut browser = app.browser("lead").await;
    let round = concord_store::strategy::list(&app.store).await.unwrap()[0]
        .id
        .clone();
    let alignment = app
        .get(&format!("/rounds/{round}/alignment"), &mut browser)
        .await;
    let anchors: Vec<&str> = alignment
        .body
        .split("href=\"/help/glossary#")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .collect();
    assert!(anchors.contains(&"tau-b") && anchors.contains(&"schulze"));
    for anchor in anchors {
        assert!(
            glossary.body.contains(&format!("id=\"{anchor}\"")),
            "{anchor}"
        );
    }
    // The contact page names the administrators' organisation to the public, and the
    // administrators themselves only to colleagues who are signed in.
    let contact = app.get("/contact", &mut public).await;
    let admin = app.login_for("admin").clone();
    let name = admin.person_name.replace('\'', "&#39;");
    assert!(contact
        .body
        .contains("data-testid=\"administrator-organisations\""));
    assert!(!contact.body.contains(&name));
    let mut colleague = app.browser("vcse").await;
    let contact = app.get("/contact", &mut colleague).await;
    assert!(contact.body.contains(&name));
}
