//! Server-rendered pages in the NHS.UK design system (askama templates under `templates/`).
//!
//! Pages work without JavaScript: every action is a plain form post followed by a redirect
//! (post/redirect/get), and every form carries the session's CSRF token.

pub mod charts;
pub mod form;
pub mod upload;

use crate::auth::Visitor;
use crate::authz::Permit;
use crate::error::Problem;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use concord_domain::{OrgType, Role};

/// What the shared page frame (header, navigation, footer) needs.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// The page's title (before " – system name").
    pub title: String,
    /// The system's name, shown in the header.
    pub system_name: String,
    /// The signed-in person's name.
    pub person_name: Option<String>,
    /// The signed-in person's id.
    pub person_id: Option<String>,
    /// The organisation and role shown beside the name.
    pub acting_as: Option<String>,
    /// The token to put in every form.
    pub csrf_token: String,
    /// Which navigation item is current.
    pub nav: &'static str,
    /// Whether to show administrator links.
    pub is_admin: bool,
}

impl Layout {
    /// No error, for form fields that never have one (search boxes).
    pub fn no_error(&self) -> Option<&'static str> {
        None
    }

    /// The frame for a page seen by the permit's holder.
    pub fn new(
        state: &crate::AppState,
        visitor: &Visitor,
        permit: &Permit,
        title: impl Into<String>,
        nav: &'static str,
    ) -> Self {
        let principal = permit.principal.as_ref();
        let grant = principal.and_then(|p| p.primary_grant());
        Layout {
            title: title.into(),
            system_name: state.system_name.clone(),
            person_name: principal.map(|p| p.display_name.clone()),
            person_id: principal.map(|p| p.person_id.clone()),
            acting_as: grant.map(|g| format!("{} – {}", g.organisation_name, g.role.label())),
            csrf_token: visitor
                .session
                .as_ref()
                .map(|s| s.csrf_token.clone())
                .or_else(|| visitor.pre_session_csrf.clone())
                .unwrap_or_default(),
            nav,
            is_admin: principal.is_some_and(|p| p.is_administrator()),
        }
    }
}

/// Renders a template, or an error page if rendering fails.
pub fn render<T: Template>(template: &T) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "template failed");
            error_page(&Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong",
                "The page could not be shown; the error has been logged.",
            ))
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    problem: &'a Problem,
}

/// An error page for `problem`, with its status.
pub fn error_page(problem: &Problem) -> Response {
    let page = ErrorPage {
        layout: Layout {
            title: problem.title.clone(),
            system_name: "Concord".into(),
            ..Layout::default()
        },
        problem,
    };
    let html = page.render().unwrap_or_else(|_| problem.title.clone());
    (problem.status_code(), Html(html)).into_response()
}

/// A choice in a select list: (value, label).
pub type Choice = (String, String);

/// Every organisation type as choices.
pub fn org_type_choices() -> Vec<Choice> {
    OrgType::ALL
        .iter()
        .map(|t| (t.as_str().to_string(), t.label().to_string()))
        .collect()
}

/// Every role as choices.
pub fn role_choices() -> Vec<Choice> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), r.label().to_string()))
        .collect()
}

/// The roles the signed-in person may give in an organisation (the grant rule table), as choices:
/// a form offers nothing that would be refused.
pub fn grantable_role_choices(
    permit: &Permit,
    organisation_id: &str,
    organisation_type: OrgType,
) -> Vec<Choice> {
    let Some(principal) = permit.principal.as_ref() else {
        return Vec::new();
    };
    concord_domain::grants::grantable_roles(principal, organisation_id, organisation_type, None)
        .into_iter()
        .map(|r| (r.as_str().to_string(), r.label().to_string()))
        .collect()
}

/// A redirect after a successful post (303, so the browser follows with GET).
///
/// A target that cannot be a `Location` header (a control character) never panics: it goes home.
pub fn see_other(to: &str) -> Response {
    match axum::http::HeaderValue::from_str(to) {
        Ok(location) => (
            StatusCode::SEE_OTHER,
            [(axum::http::header::LOCATION, location)],
        )
            .into_response(),
        Err(_) => axum::response::Redirect::to("/").into_response(),
    }
}

/// "Showing 1 to 50 of 130" for a page of a list.
pub fn showing<T>(page: &concord_store::Page<T>) -> String {
    if page.total == 0 {
        return "No results".into();
    }
    let first = i64::from(page.page - 1) * i64::from(page.per_page) + 1;
    let last = first + page.items.len() as i64 - 1;
    format!("Showing {first} to {last} of {}", page.total)
}

/// The query string for another page of the same search.
pub fn page_link(query: &[(&str, &str)], page: u32) -> String {
    let mut pairs: Vec<(&str, String)> = query
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (*k, v.to_string()))
        .collect();
    pairs.push(("page", page.to_string()));
    format!(
        "?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

/// Whether two texts are equal, whatever string types the template holds (for `selected` options).
pub fn same(a: impl AsRef<str>, b: impl AsRef<str>) -> bool {
    a.as_ref() == b.as_ref()
}
