//! The route table: every route, its method, and the [`Rule`] its guard enforces.
//!
//! [`route_table`] is the single list from which the router is built, so a route cannot exist without
//! a rule; the authorisation-matrix test walks the same list, so a route cannot escape the test.

use crate::authz::{guard, Rule};
use crate::{agree, deliver, design, foundation, listen, measure, refer, understand};
use crate::{auth, security, AppState};
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;

/// One route: method, path pattern (axum syntax), the rule it requires, and its handler.
pub struct RouteDef {
    /// The HTTP method.
    pub method: Method,
    /// The path pattern, for example `/organisations/{id}/edit`.
    pub path: &'static str,
    /// What the route requires.
    pub rule: Rule,
    /// The most a request's body may hold: [`security::MAX_FORM_BYTES`] for a page,
    /// [`crate::extract::MAX_JSON_BYTES`] for the API, or for a file upload
    /// [`security::MAX_UPLOAD_BYTES`]. Nothing reads a body before the guard has let it through.
    pub body_limit: usize,
    handler: MethodRouter<AppState>,
}

impl RouteDef {
    /// Marks the route as a file upload (a multipart form of up to 20 MB).
    pub fn upload(mut self) -> RouteDef {
        self.body_limit = security::MAX_UPLOAD_BYTES;
        self
    }
}

pub(crate) fn def<H, T>(method: Method, path: &'static str, rule: Rule, handler: H) -> RouteDef
where
    H: axum::handler::Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("standard method");
    RouteDef {
        method,
        path,
        rule,
        body_limit: if crate::auth::is_api_path(path) {
            crate::extract::MAX_JSON_BYTES
        } else {
            security::MAX_FORM_BYTES
        },
        handler: on(filter, handler),
    }
}

/// Every route Concord serves.
pub fn route_table() -> Vec<RouteDef> {
    let mut routes = foundation::routes::routes();
    routes.extend(agree::routes::routes());
    routes.extend(deliver::routes::routes());
    routes.extend(measure::routes::routes());
    routes.extend(understand::routes::routes());
    routes.extend(design::routes::routes());
    routes.extend(refer::routes::routes());
    routes.extend(listen::routes::routes());
    routes
}

/// `GET /healthz`: the service is up.
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

async fn not_found(req: axum::extract::Request) -> axum::response::Response {
    let problem = crate::error::Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "Page not found",
        "If you typed the web address, check it is correct.",
    );
    if auth::is_api_path(req.uri().path()) {
        problem.into_response()
    } else {
        crate::ui::error_page(&problem)
    }
}

/// The whole application: authentication and secure headers around everything; then, for each
/// route that matched, its guard, then the CSRF check (the first thing that reads a body, up to the
/// route's own limit), then the handler. An unknown path or a refused visitor never has its body read.
pub fn router(state: AppState) -> Router {
    let mut router: Router<AppState> = Router::new();
    for route in route_table() {
        let guarded = route
            .handler
            .layer(DefaultBodyLimit::max(route.body_limit))
            .route_layer(from_fn_with_state(route.body_limit, security::csrf))
            .route_layer(from_fn_with_state((state.clone(), route.rule), guard));
        router = router.route(route.path, guarded);
    }
    router
        .fallback(not_found)
        .layer(from_fn(crate::ui::table_export::export_tables))
        .layer(from_fn_with_state(
            state.clone(),
            crate::ui::frame_error_page,
        ))
        .layer(from_fn_with_state(state.clone(), auth::authenticate))
        .layer(from_fn(crate::ui::notice::clear_shown_notice))
        .layer(from_fn(security::secure_headers))
        .layer(tower_http::compression::CompressionLayer::new().compress_when(static_assets_only))
        .with_state(state)
}

/// Compresses the design system's stylesheet and scripts (most of a page's weight), never pages:
/// a page holds the session's CSRF token beside text a visitor typed (a search), and compressing
/// the two together would open it to BREACH-style guessing.
fn static_assets_only(
    status: axum::http::StatusCode,
    _: axum::http::Version,
    headers: &axum::http::HeaderMap,
    _: &axum::http::Extensions,
) -> bool {
    let kind = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    status.is_success()
        && (kind.starts_with("text/css")
            || kind.starts_with("text/javascript")
            || kind.starts_with("application/javascript")
            || kind.starts_with("image/svg"))
}
