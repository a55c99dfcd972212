//! A real router over a real, freshly seeded database, and a client that speaks HTTP to it in-process.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use concord_demo::{DemoLogin, DemoSummary};
use concord_store::testing::Template;
use concord_store::{Actor, Store};
use http_body_util::BodyExt;
use std::sync::OnceLock;
use tower::ServiceExt;

pub mod referrals;
pub mod smtp;

/// The demo system, loaded once for the whole test run (on a thread and runtime of its own, as each
/// test's runtime ends with the test) and copied for each test.
static DEMO: OnceLock<(Template, DemoSummary)> = OnceLock::new();

/// A fresh database holding the demo system, and the demo's summary.
pub async fn demo_store() -> (Store, DemoSummary) {
    let (template, demo) = DEMO.get_or_init(|| {
        std::thread::spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to load the demo on")
                .block_on(Template::fill(|store| async move {
                    concord_demo::seed(&store).await
                }))
                .expect("demo data")
        })
        .join()
        .expect("the demo loads")
    });
    (template.copy().await.expect("test database"), demo.clone())
}

/// The application under test.
pub struct TestApp {
    pub router: Router,
    pub store: Store,
    pub demo: DemoSummary,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A signed-in browser: its session cookie and the session's CSRF token.
#[derive(Debug, Clone, Default)]
pub struct Browser {
    pub cookies: Vec<(String, String)>,
    pub csrf: String,
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn absorb(&mut self, reply: &Reply) {
        for value in reply.headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !v.is_empty() {
                self.cookies.push((k.to_string(), v.to_string()));
            }
        }
    }
}

/// The value of the first hidden `csrf_token` input in a page.
pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .expect("page has a CSRF field");
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

impl TestApp {
    /// A fresh database with the demo system and a synthetic population of `people` ingested into
    /// `dir`, served with the population configured (the default disclosure rule).
    pub async fn with_population(dir: &std::path::Path, people: usize) -> TestApp {
        let (store, demo) = demo_store().await;
        let setup = concord_demo::PopulationSetup {
            store: dir.join("population"),
            key_file: dir.join("population.key"),
            people,
        };
        concord_demo::seed_population(&store, &setup)
            .await
            .expect("demo population");
        let config = concord_web::population::PopulationConfig {
            store: setup.store,
            key_file: setup.key_file,
            ..Default::default()
        };
        let router = concord_web::router(concord_web::AppState::with_population(
            store.clone(),
            "Riverside and Vale ICS",
            config,
        ));
        TestApp {
            router,
            store,
            demo,
        }
    }

    /// A fresh database with the demo system loaded.
    pub async fn new() -> TestApp {
        let (store, demo) = demo_store().await;
        let router = concord_web::router(concord_web::AppState::new(
            store.clone(),
            "Riverside and Vale ICS",
        ));
        TestApp {
            router,
            store,
            demo,
        }
    }

    /// A fresh database with the demo system loaded, publishing to other systems as
    /// `system_name` at `public_url` with a new signing key.
    pub async fn with_exchange(system_name: &str, public_url: &str) -> TestApp {
        let (store, demo) = demo_store().await;
        let mut state = concord_web::AppState::new(store.clone(), system_name);
        state.exchange = std::sync::Arc::new(concord_app::listen::exchange::ExchangeSettings::new(
            concord_exchange::SystemKey::generate(),
            system_name,
            public_url,
        ));
        TestApp {
            router: concord_web::router(state),
            store,
            demo,
        }
    }

    pub fn login_for(&self, username: &str) -> &DemoLogin {
        self.demo
            .logins
            .iter()
            .find(|l| l.username == username)
            .unwrap_or_else(|| panic!("no demo login {username}"))
    }

    /// Sends one request.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        browser: Option<&Browser>,
        content_type: Option<&str>,
        body: Vec<u8>,
        bearer: Option<&str>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(b) = browser {
            if !b.cookies.is_empty() {
                request = request.header(header::COOKIE, b.cookie_header());
            }
        }
        if let Some(ct) = content_type {
            request = request.header(header::CONTENT_TYPE, ct);
        }
        if let Some(token) = bearer {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// GETs a file (a PDF) and gives its bytes exactly; fails unless it answers 200.
    pub async fn send_raw(&self, path: &str, browser: &mut Browser) -> Vec<u8> {
        let mut request = Request::builder().method(Method::GET).uri(path);
        if !browser.cookies.is_empty() {
            request = request.header(header::COOKIE, browser.cookie_header());
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec()
    }

    pub async fn get(&self, path: &str, browser: &mut Browser) -> Reply {
        let reply = self
            .send(Method::GET, path, Some(browser), None, Vec::new(), None)
            .await;
        browser.absorb(&reply);
        reply
    }

    /// Posts a form; the browser's CSRF token is added unless the fields already carry one.
    pub async fn post(&self, path: &str, browser: &mut Browser, fields: &[(&str, &str)]) -> Reply {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if !fields.iter().any(|(k, _)| *k == "csrf_token") {
            all.push(("csrf_token", &browser.csrf));
        }
        let body = serde_urlencoded::to_string(&all).unwrap().into_bytes();
        let reply = self
            .send(
                Method::POST,
                path,
                Some(browser),
                Some("application/x-www-form-urlencoded"),
                body,
                None,
            )
            .await;
        browser.absorb(&reply);
        reply
    }

    /// Signs in through the real sign-in form.
    pub async fn sign_in(&self, username: &str, password: &str) -> (Browser, Reply) {
        let mut browser = Browser::default();
        let form = self.get("/login", &mut browser).await;
        browser.csrf = csrf_in(&form.body);
        let reply = self
            .post(
                "/login",
                &mut browser,
                &[
                    ("username", username),
                    ("password", password),
                    ("next", "/"),
                ],
            )
            .await;
        if reply.status == StatusCode::SEE_OTHER {
            let account = self.get("/account", &mut browser).await;
            browser.csrf = csrf_in(&account.body);
        }
        (browser, reply)
    }

    /// Signs in as a demo user.
    pub async fn browser(&self, username: &str) -> Browser {
        let (browser, reply) = self.sign_in(username, concord_demo::DEMO_PASSWORD).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "sign-in as {username} failed: {}",
            reply.body
        );
        browser
    }

    /// An API token for a demo user.
    pub async fn token(&self, username: &str) -> String {
        let login = self.login_for(username);
        concord_store::sessions::create_api_token(
            &self.store,
            &Actor::system("test"),
            &login.person_id,
            "test",
            30,
        )
        .await
        .unwrap()
        .1
    }

    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        json: Option<serde_json::Value>,
    ) -> Reply {
        let (ct, body) = match json {
            Some(v) => (Some("application/json"), serde_json::to_vec(&v).unwrap()),
            None => (None, Vec::new()),
        };
        self.send(method, path, None, ct, body, token).await
    }
}
