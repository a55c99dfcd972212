//! One search over the partnership: it finds across kinds, returns only what the person may open
//! (each role follows every hit), asks anonymous visitors to sign in, and answers quickly (p95
//! over the demo, printed and held under 100 ms).

use crate::common;

use axum::http::StatusCode;
use common::TestApp;

/// The hrefs of a search page's results.
fn hits(body: &str) -> Vec<String> {
    let list = body
        .split("data-testid=\"search-count\"")
        .nth(1)
        .unwrap_or("");
    list.split("<li><a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|h| h.split('#').next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn every_role_can_open_every_result_and_the_public_must_sign_in() {
    let app = TestApp::new().await;
    for username in [
        "admin",
        "lead",
        "otherlead",
        "programme",
        "analyst",
        "clinician",
        "vcse",
    ] {
        let mut browser = app.browser(username).await;
        let mut found = 0;
        for q in ["riverside", "frail", "msk", "care", "vale"] {
            let page = app.get(&format!("/search?q={q}"), &mut browser).await;
            assert_eq!(page.status, StatusCode::OK);
            for href in hits(&page.body) {
                let opened = app.get(&href, &mut browser).await;
                assert_eq!(
                    opened.status,
                    StatusCode::OK,
                    "{username} opens {href} from '{q}'"
                );
                found += 1;
            }
        }
        assert!(found >= 10, "{username} found {found}");
    }
    let mut public = common::Browser::default();
    let refused = app.get("/search?q=riverside", &mut public).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert!(refused.location().starts_with("/login"));
}

#[tokio::test]
async fn search_finds_across_kinds_and_treats_wildcards_as_text() {
    let app = TestApp::new().await;
    let mut browser = app.browser("analyst").await;
    let page = app.get("/search?q=Riverside", &mut browser).await;
    for kind in ["<h2>Organisation</h2>", "<h2>Board</h2>"] {
        assert!(page.body.contains(kind), "{kind}");
    }
    let none = app.get("/search?q=%25%25", &mut browser).await;
    assert!(
        none.body.contains("Nothing matches"),
        "% is searched for, not a wildcard"
    );
    let short = app.get("/search?q=a", &mut browser).await;
    assert!(short.body.contains("at least two characters"));
}

#[tokio::test]
async fn search_answers_within_100_ms_at_the_95th_percentile() {
    let app = TestApp::new().await;
    let mut browser = app.browser("lead").await;
    let queries = [
        "riverside",
        "frail",
        "msk",
        "care",
        "vale",
        "gp",
        "board",
        "ae",
        "trust",
        "zz",
    ];
    let mut times = Vec::new();
    for round in 0..20 {
        for q in queries {
            let started = std::time::Instant::now();
            let page = app
                .get(
                    &format!("/search?q={q}{}", if round % 2 == 0 { "" } else { "%20" }),
                    &mut browser,
                )
                .await;
            times.push(started.elapsed());
            assert_eq!(page.status, StatusCode::OK);
        }
    }
    times.sort();
    let p95 = times[times.len() * 95 / 100];
    println!(
        "search p95 over {} requests: {:.1} ms",
        times.len(),
        p95.as_secs_f64() * 1000.0
    );
    assert!(p95 < std::time::Duration::from_millis(100), "p95 {p95:?}");
}

#[tokio::test]
async fn the_api_searches_the_same_way() {
    let app = TestApp::new().await;
    let token = app.token("analyst").await;
    let reply = app
        .api(
            axum::http::Method::GET,
            "/api/v1/search?q=riverside",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let hits = reply.json();
    let hits = hits.as_array().unwrap();
    assert!(hits.iter().any(|h| h["kind"] == "Organisation"));
    let mut browser = app.browser("analyst").await;
    let page = app.get("/search?q=riverside", &mut browser).await;
    for h in hits {
        assert!(page.body.contains(h["href"].as_str().unwrap()), "{h}");
    }
    let anonymous = app
        .api(
            axum::http::Method::GET,
            "/api/v1/search?q=riverside",
            None,
            None,
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn meeting_papers_are_found_but_never_confidential_ones() {
    let app = TestApp::new().await;
    let board = concord_store::boards::list(&app.store, None)
        .await
        .unwrap()
        .remove(0);
    let meeting = concord_store::meetings::meetings_of(&app.store, &board.id)
        .await
        .unwrap()
        .remove(0);
    for (title, confidential) in [
        ("Zephyrine open paper on discharge", false),
        ("Zephyrine closed paper on provider failure", true),
    ] {
        concord_store::meetings::add_agenda_item(
            &app.store,
            &concord_store::Actor::system("test"),
            &meeting.id,
            &concord_domain::meeting::AgendaItemDraft {
                title: title.into(),
                purpose: "discussion".into(),
                confidential,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    for username in ["admin", "lead", "analyst", "clinician", "vcse", "programme"] {
        let mut browser = app.browser(username).await;
        let found = app.get("/search?q=zephyrine", &mut browser).await;
        assert_eq!(found.status, StatusCode::OK);
        assert!(
            found.body.contains("Zephyrine open paper on discharge"),
            "{username}"
        );
        assert!(found.body.contains(&format!("/meetings/{}", meeting.id)));
        assert!(
            !found.body.contains("Zephyrine closed paper"),
            "{username} must not find a confidential paper"
        );
    }
}
