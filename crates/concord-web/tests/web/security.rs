//! The holes found by probing the running demo, each replayed in-process against the real router:
//! hostile nesting, open redirects, parallel password guesses, bodies read before routing, PDF
//! printing without a cap, confidential titles in the audit export, and the API contract.

use crate::common;

use axum::body::{Body, Bytes};
use axum::http::{header, Method, Request, StatusCode};
use common::{Browser, TestApp};
use concord_store::{audit, AuditFilter};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tower::ServiceExt;

/// What crashed the whole server: about 4 KB of nested brackets, or thousands of `not`s, in a
/// cohort expression. Each is refused as a 422 naming the problem, on every route that parses one.
#[tokio::test]
async fn deeply_nested_cohort_expressions_are_refused_not_fatal() {
    let app = TestApp::new().await;
    let token = app.token("analyst").await;
    let owner = app.login_for("analyst").organisation_id.clone();
    let hostile = [
        format!("{}age{}", "(".repeat(2_054), ")".repeat(2_054)),
        format!("{}registered", "not ".repeat(6_200)),
    ];
    for expression in &hostile {
        let definition = format!("name = \"Deep\"\nwhere = \"{expression}\"\n");
        let counted = app
            .api(
                Method::POST,
                "/api/v1/population/counts",
                Some(&token),
                Some(json!({ "definition": definition })),
            )
            .await;
        assert_eq!(
            counted.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            counted.body
        );
        assert!(
            counted.body.contains("nested too deeply"),
            "{}",
            counted.body
        );
        let saved = app
            .api(
                Method::POST,
                "/api/v1/population/cohorts",
                Some(&token),
                Some(json!({ "definition": definition, "owner_organisation_id": owner })),
            )
            .await;
        assert_eq!(
            saved.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            saved.body
        );
        let mut browser = app.browser("analyst").await;
        let form = app.get("/population/cohorts/new", &mut browser).await;
        assert_eq!(form.status, StatusCode::OK);
        let page = app
            .post(
                "/population/cohorts",
                &mut browser,
                &[
                    ("definition", definition.as_str()),
                    ("owner_organisation_id", owner.as_str()),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("nested too deeply"));
    }
    let alive = app.api(Method::GET, "/healthz", None, None).await;
    assert_eq!(alive.status, StatusCode::OK);
}

/// After sign-in only a local path is followed, whatever control character `next` carries, and a
/// `next` that cannot be a header never turns into a 500.
#[tokio::test]
async fn sign_in_never_redirects_off_the_site() {
    let app = TestApp::new().await;
    let mut nexts: Vec<String> = (0u8..0x20)
        .chain([0x7f])
        .map(|c| format!("/{}/evil.example/", c as char))
        .collect();
    nexts.extend(
        [
            "//evil.example/",
            "/\\evil.example/",
            "/ok\r\nSet-Cookie: x=1",
        ]
        .map(String::from),
    );
    for next in nexts {
        let mut browser = Browser::default();
        let form = app.get("/login", &mut browser).await;
        browser.csrf = common::csrf_in(&form.body);
        let reply = app
            .post(
                "/login",
                &mut browser,
                &[
                    ("username", "lead"),
                    ("password", concord_demo::DEMO_PASSWORD),
                    ("next", next.as_str()),
                ],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{next:?}: {}",
            reply.body
        );
        assert_eq!(reply.location(), "/", "{next:?}");
    }
}

/// 25 wrong passwords sent at once: each is counted before it is checked, so only the free
/// allowance is ever checked and the rest are throttled.
#[tokio::test]
async fn parallel_password_guesses_are_all_counted_and_few_are_checked() {
    let app = Arc::new(TestApp::new().await);
    let mut anonymous = Browser::default();
    let form = app.get("/login", &mut anonymous).await;
    anonymous.csrf = common::csrf_in(&form.body);
    let mut guesses = Vec::new();
    for i in 0..25 {
        let app = app.clone();
        let mut browser = anonymous.clone();
        guesses.push(tokio::spawn(async move {
            let guess = format!("wrong password {i}");
            app.post(
                "/login",
                &mut browser,
                &[("username", "lead"), ("password", guess.as_str())],
            )
            .await
            .status
        }));
    }
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.unwrap());
    }
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + throttled, 25, "{statuses:?}");
    assert!(checked <= 5, "{checked} guesses were checked: {statuses:?}");
    let filter = AuditFilter {
        action: Some("session.sign_in".into()),
        ..Default::default()
    };
    let attempts = audit::list(&app.store, &Default::default(), &filter, Default::default())
        .await
        .unwrap()
        .total;
    assert!(attempts >= 25, "every attempt is audited ({attempts})");
    // The right password from the same client is throttled too, for now.
    let (_, reply) = app.sign_in("lead", concord_demo::DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
}

/// A body that counts how much of it was read.
fn counted_body(total: usize, read: Arc<AtomicUsize>) -> Body {
    let chunk = Bytes::from(vec![b'a'; 64 * 1024]);
    let chunks = total / chunk.len();
    let stream = futures_util::stream::iter((0..chunks).map(move |_| {
        read.fetch_add(chunk.len(), Ordering::SeqCst);
        Ok::<_, std::convert::Infallible>(chunk.clone())
    }));
    Body::from_stream(stream)
}

async fn multipart_post(
    app: &TestApp,
    path: &str,
    cookie: &str,
    read: Arc<AtomicUsize>,
) -> StatusCode {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
        .header(header::COOKIE, cookie)
        .body(counted_body(20 * 1024 * 1024, read))
        .unwrap();
    app.router.clone().oneshot(request).await.unwrap().status()
}

/// Bodies are read only after routing and the guard, and only up to the route's own limit: an
/// anonymous 20 MB multipart post to an unknown path or an upload route is answered unread.
#[tokio::test]
async fn bodies_are_read_only_after_routing_and_authorisation_within_each_routes_limit() {
    let app = TestApp::new().await;
    let anonymous = "__Host-concord_csrf=chosen";
    for path in ["/no/such/path", "/measure/upload", "/finance/upload"] {
        let read = Arc::new(AtomicUsize::new(0));
        let status = multipart_post(&app, path, anonymous, read.clone()).await;
        assert!(
            matches!(
                status,
                StatusCode::NOT_FOUND | StatusCode::SEE_OTHER | StatusCode::FORBIDDEN
            ),
            "{path}: {status}"
        );
        assert!(
            read.load(Ordering::SeqCst) <= 256 * 1024,
            "{path}: read {} bytes",
            read.load(Ordering::SeqCst)
        );
    }
    // Signed in, a route that is not an upload reads no more than a form's limit.
    let browser = app.browser("lead").await;
    let cookie = browser
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let read = Arc::new(AtomicUsize::new(0));
    let organisation = app.login_for("lead").organisation_id.clone();
    let status = multipart_post(
        &app,
        &format!("/organisations/{organisation}/edit"),
        &cookie,
        read.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        read.load(Ordering::SeqCst) <= 512 * 1024,
        "read {}",
        read.load(Ordering::SeqCst)
    );
}

/// Twelve board packs asked for at once: at most two Chromiums print at a time, the rest queue.
#[tokio::test]
async fn pdf_printing_is_capped_and_queued() {
    if concord_web::pdf::chromium().is_none() {
        eprintln!("skipped: no Chromium on this machine (CI installs it)");
        return;
    }
    let app = Arc::new(TestApp::new().await);
    let programme = concord_store::programmes::list(&app.store).await.unwrap()[0]
        .id
        .clone();
    let browser = app.browser("vcse").await;
    let started = std::time::Instant::now();
    let mut prints = Vec::new();
    for _ in 0..12 {
        let app = app.clone();
        let mut browser = browser.clone();
        let path = format!("/programmes/{programme}/highlight.pdf");
        prints.push(tokio::spawn(async move {
            let reply = app.get(&path, &mut browser).await;
            (reply.status, started.elapsed())
        }));
    }
    let most = Arc::new(AtomicUsize::new(0));
    let seen = most.clone();
    let watcher = tokio::spawn(async move {
        loop {
            seen.fetch_max(concord_web::pdf::prints_running(), Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    });
    let mut outcomes = Vec::new();
    for print in prints {
        outcomes.push(print.await.unwrap());
    }
    watcher.abort();
    let printed = outcomes
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .count();
    let busy = outcomes
        .iter()
        .filter(|(s, _)| *s == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    assert_eq!(printed + busy, 12, "{outcomes:?}");
    assert!(
        printed >= concord_web::pdf::MAX_CONCURRENT_PRINTS,
        "{outcomes:?}"
    );
    assert!(concord_web::pdf::prints_running() == 0);
    let most = most.load(Ordering::SeqCst);
    assert!(
        (1..=concord_web::pdf::MAX_CONCURRENT_PRINTS).contains(&most),
        "{most} printed at once"
    );
    let slowest = outcomes.iter().map(|(_, t)| *t).max().unwrap();
    eprintln!(
        "12 PDFs at once: at most {most} printing at a time, {printed} printed, {busy} turned away; the last answered after {slowest:?}"
    );
}

/// The audit log shows a confidential risk's title only to those who may read the risk.
#[tokio::test]
async fn the_audit_export_withholds_confidential_titles_from_administrators_off_the_board() {
    use concord_domain::raid::RiskDraft;
    let app = TestApp::new().await;
    let programme = concord_store::programmes::list(&app.store).await.unwrap()[0].clone();
    let title = "Merger talks with a neighbouring trust";
    concord_store::raid::raise_risk(
        &app.store,
        &concord_store::Actor::system("test"),
        &programme.id,
        &RiskDraft {
            title: title.into(),
            description: "Not yet public".into(),
            owner_person_id: programme.sro_person_id.clone(),
            likelihood: "3".into(),
            impact: "4".into(),
            target_likelihood: "2".into(),
            target_impact: "2".into(),
            mitigations: "Board only".into(),
            confidential: true,
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    let mut admin = app.browser("admin").await;
    let csv = app.get("/audit/export.csv", &mut admin).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        !csv.body.contains(title),
        "the title leaked into the export"
    );
    assert!(csv.body.contains(audit::WITHHELD_DETAIL));
    let page = app.get("/audit?action=risk.raise", &mut admin).await;
    assert!(!page.body.contains(title));
    let token = app.token("admin").await;
    let api = app
        .api(
            Method::GET,
            "/api/v1/audit?action=risk.raise",
            Some(&token),
            None,
        )
        .await;
    assert!(!api.body.contains(title));
}

/// The OpenAPI document says where each parameter goes and what errors look like.
#[tokio::test]
async fn the_api_contract_places_parameters_and_documents_problems() {
    let app = TestApp::new().await;
    let doc = app
        .api(Method::GET, "/api/openapi.json", None, None)
        .await
        .json();
    let mut wrong = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap();
                let in_path = path.contains(&format!("{{{name}}}"));
                if (parameter["in"] == "path") != in_path {
                    wrong.push(format!(
                        "{method} {path}: parameter {name} is in {}",
                        parameter["in"]
                    ));
                }
            }
            let responses = operation["responses"].as_object().unwrap();
            for status in ["401", "403"] {
                let problem = &responses
                    .get(status)
                    .map(|r| &r["content"]["application/problem+json"]);
                if problem.is_none_or(|p| p.is_null()) {
                    wrong.push(format!(
                        "{method} {path}: {status} is not documented as problem+json"
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A decision recorded on a confidential agenda item is confidential too, even when the form did
/// not say so, and its title stays out of the lists and the audit log of those off the board.
#[tokio::test]
async fn decisions_on_confidential_items_inherit_the_confidentiality() {
    use concord_domain::meeting::{AgendaItemDraft, DecisionDraft};
    use concord_store::{boards, meetings};
    let app = TestApp::new().await;
    let board = boards::list(&app.store, None).await.unwrap()[0].id.clone();
    let meeting = meetings::meetings_of(&app.store, &board).await.unwrap()[0]
        .id
        .clone();
    let system = concord_store::Actor::system("test");
    let item = meetings::add_agenda_item(
        &app.store,
        &system,
        &meeting,
        &AgendaItemDraft {
            title: "Estates disposal".into(),
            purpose: "decision".into(),
            confidential: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let recorder = concord_store::Actor {
        person_id: Some(app.login_for("lead").person_id.clone()),
        ..system
    };
    let title = "Sell the Riverside Road clinic site";
    meetings::record_decision(
        &app.store,
        &recorder,
        &meeting,
        &DecisionDraft {
            agenda_item_id: item,
            title: title.into(),
            decision: "Agreed".into(),
            options_considered: "Keep, sell".into(),
            decided_by: "Consensus".into(),
            confidential: false,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let outsider = Default::default();
    let seen = meetings::decisions_of_meeting(&app.store, &outsider, &meeting)
        .await
        .unwrap();
    assert!(seen.items.iter().all(|d| d.title != title));
    assert!(seen.withheld >= 1);
    let mut admin = app.browser("admin").await;
    let csv = app.get("/audit/export.csv", &mut admin).await;
    assert!(!csv.body.contains(title), "the decision's title leaked");
}

#[tokio::test]
async fn stylesheets_and_scripts_are_compressed_and_pages_never_are() {
    use tower::ServiceExt;
    let app = TestApp::new().await;
    let mut browser = app.browser("analyst").await;
    let cookie = browser
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let fetch = |path: &'static str, cookie: String| {
        let router = app.router.clone();
        async move {
            router
                .oneshot(
                    axum::http::Request::get(path)
                        .header(axum::http::header::ACCEPT_ENCODING, "gzip")
                        .header(axum::http::header::COOKIE, cookie)
                        .body(axum::body::Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap()
        }
    };
    let css = fetch("/assets/nhsuk-frontend.min.css", cookie.clone()).await;
    assert_eq!(css.headers()[axum::http::header::CONTENT_ENCODING], "gzip");
    // A page with the CSRF token beside text the visitor typed is never compressed (BREACH).
    let page = fetch("/search?q=riverside", cookie).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page
        .headers()
        .get(axum::http::header::CONTENT_ENCODING)
        .is_none());
    let _ = app.get("/", &mut browser).await;
}
