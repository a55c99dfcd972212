//! Server-rendered pages in the NHS.UK design system (askama templates under `templates/`).
//!
//! Pages work without JavaScript: every action is a plain form post followed by a redirect
//! (post/redirect/get), and every form carries the session's CSRF token.

pub mod charts;
pub mod filters;
pub mod form;
pub mod notice;
pub mod table_export;
pub mod upload;

use crate::auth::Visitor;
use crate::authz::Permit;
use crate::error::{PageError, Problem};
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
    /// Whether the page shows errors in what was submitted (its title then starts "Error: ").
    pub has_errors: bool,
    /// What the action that led here did, shown in a success banner.
    pub notice: Option<&'static str>,
    /// The menu, in the order the person's roles use it most: (key, path, text).
    pub menu: Vec<MenuItem>,
    /// How many notifications the person has not read (shown beside "Notifications").
    pub unread_notifications: i64,
}

/// A menu item: (key matched against [`Layout::nav`], path, text).
pub type MenuItem = (&'static str, &'static str, &'static str);

const HOME: MenuItem = ("home", "/", "Your work");
const SEARCH: MenuItem = ("search", "/search", "Search");
const DIRECTORY: MenuItem = ("directory", "/directory", "Organisations");
const PEOPLE: MenuItem = ("people", "/people", "People");
const PLACES: MenuItem = ("places", "/places", "Places");
const BOARDS: MenuItem = ("boards", "/boards", "Boards");
const STRATEGY: MenuItem = ("rounds", "/rounds", "Strategy");
const PROGRAMMES: MenuItem = ("programmes", "/programmes", "Programmes");
const IMPROVEMENT: MenuItem = ("improvement", "/improvement", "Improvement");
const PERFORMANCE: MenuItem = ("measure", "/measure", "Performance");
const FINANCE: MenuItem = ("finance", "/finance", "Finance");
const POPULATION: MenuItem = ("population", "/population", "Population");
const DESIGN: MenuItem = ("design", "/design", "Design");
const SERVICES: MenuItem = ("services", "/services", "Services");
const REFERRALS: MenuItem = ("referrals", "/referrals", "Referrals");
const CONSULTATIONS: MenuItem = ("consultations", "/consultations", "Consultations");
const PULSE: MenuItem = ("pulse", "/pulse", "Trust pulse");
const EXCHANGE: MenuItem = ("exchange", "/exchange", "Exchange");
const AUDIT: MenuItem = ("audit", "/audit", "Audit log");

/// The menu for a person holding `roles`: their own work first, then what their first-listed
/// role uses most, then everything else they can open. Administrators also get the audit log.
pub fn menu_for(roles: &[Role]) -> Vec<MenuItem> {
    let leading: &[MenuItem] = match roles.first() {
        Some(Role::DirectCareClinician) => {
            &[POPULATION, REFERRALS, SERVICES, PROGRAMMES, IMPROVEMENT]
        }
        Some(Role::Analyst) => &[POPULATION, PERFORMANCE, DESIGN, FINANCE, PROGRAMMES],
        Some(Role::ProgrammeManager) => &[PROGRAMMES, BOARDS, DESIGN, IMPROVEMENT, PERFORMANCE],
        Some(Role::PartnerLead) => &[STRATEGY, BOARDS, PROGRAMMES, PERFORMANCE, FINANCE],
        Some(Role::VcseWorker) => &[REFERRALS, SERVICES, STRATEGY, PROGRAMMES, DIRECTORY],
        Some(Role::SystemAdministrator) => &[DIRECTORY, PEOPLE, PLACES, BOARDS, EXCHANGE],
        None => &[],
    };
    let everything = [
        DIRECTORY,
        PEOPLE,
        PLACES,
        BOARDS,
        STRATEGY,
        PROGRAMMES,
        IMPROVEMENT,
        PERFORMANCE,
        FINANCE,
        POPULATION,
        DESIGN,
        SERVICES,
        CONSULTATIONS,
        PULSE,
        EXCHANGE,
    ];
    let mut menu = vec![HOME, SEARCH];
    // Referrals are identifiable: only those who make or receive them see the item.
    let works_on_referrals = roles
        .iter()
        .any(|r| matches!(r, Role::DirectCareClinician | Role::VcseWorker));
    for item in leading.iter().chain(everything.iter()) {
        if item.0 == REFERRALS.0 && !works_on_referrals {
            continue;
        }
        if !menu.iter().any(|m| m.0 == item.0) {
            menu.push(*item);
        }
    }
    if roles.contains(&Role::SystemAdministrator) {
        menu.push(AUDIT);
    }
    menu
}

impl Layout {
    /// The unread notifications' count as shown in the header.
    pub fn unread_count_text(&self) -> String {
        concord_domain::format::count(self.unread_notifications)
    }

    /// No error, for form fields that never have one (search boxes).
    pub fn no_error(&self) -> Option<&'static str> {
        None
    }

    /// The same frame for a page that shows `errors` in what was submitted.
    pub fn with_errors(mut self, errors: &concord_domain::ValidationErrors) -> Self {
        self.has_errors = !errors.is_empty();
        self
    }

    /// The frame for a page seen by the permit's holder.
    pub fn new(
        state: &crate::AppState,
        visitor: &Visitor,
        permit: &Permit,
        title: impl Into<String>,
        nav: &'static str,
    ) -> Self {
        Layout::framed(state, visitor, permit.principal.as_ref(), title, nav)
    }

    /// The frame for a page seen by `principal` (or by nobody signed in).
    fn framed(
        state: &crate::AppState,
        visitor: &Visitor,
        principal: Option<&concord_domain::Principal>,
        title: impl Into<String>,
        nav: &'static str,
    ) -> Self {
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
            has_errors: false,
            notice: visitor.notice.map(notice::Notice::label),
            unread_notifications: visitor.unread_notifications,
            menu: principal.map_or_else(Vec::new, |p| {
                let mut roles: Vec<Role> = p.primary_grant().map(|g| g.role).into_iter().collect();
                roles.extend(p.grants.iter().map(|g| g.role));
                menu_for(&roles)
            }),
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

impl ErrorPage<'_> {
    fn signed_in(&self) -> bool {
        self.layout.person_id.is_some()
    }
}

/// The problem an error page shows, kept on its response so [`frame_error_page`] can draw it again
/// inside the visitor's own frame (menu, name, sign out).
#[derive(Debug, Clone)]
struct ShownProblem(Problem);

/// An error page for `problem`, with its status. Drawn first in a bare frame (the request's
/// visitor is not known here); [`frame_error_page`] draws it again in the visitor's frame.
pub fn error_page(problem: &Problem) -> Response {
    let layout = Layout {
        title: problem.title.clone(),
        system_name: "Concord".into(),
        ..Layout::default()
    };
    let mut response = (problem.status_code(), Html(error_html(layout, problem))).into_response();
    response
        .extensions_mut()
        .insert(ShownProblem(problem.clone()));
    response
}

fn error_html(layout: Layout, problem: &Problem) -> String {
    ErrorPage { layout, problem }
        .render()
        .unwrap_or_else(|_| problem.title.clone())
}

/// Middleware: an error page for a person is shown inside their usual frame, with the menu and
/// their name, so they have a way on. Its status and headers are kept.
pub async fn frame_error_page(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let visitor = req.extensions().get::<Visitor>().cloned();
    let api = crate::auth::is_api_path(req.uri().path());
    let mut response = next.run(req).await;
    let shown = response.extensions_mut().remove::<ShownProblem>();
    let (Some(visitor), Some(ShownProblem(problem)), false) = (visitor, shown, api) else {
        return response;
    };
    let layout = Layout::framed(
        &state,
        &visitor,
        visitor.principal.as_ref(),
        problem.title.clone(),
        "",
    );
    response
        .headers_mut()
        .remove(axum::http::header::CONTENT_LENGTH);
    *response.body_mut() = axum::body::Body::from(error_html(layout, &problem));
    response
}

/// A download's file name made from a title: lower-case letters, digits and single hyphens, then
/// `.{extension}`.
pub fn file_name(title: &str, extension: &str) -> String {
    let slug: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("{slug}.{extension}")
}

/// A CSV download of `rows` (the first is the header), every cell made safe for spreadsheets
/// ([`concord_domain::export::csv_cell`]), never cached.
pub fn csv_download<R, C>(file_name: &str, rows: R) -> Response
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = String>,
{
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| concord_domain::export::csv_cell(&c))
            .collect();
        if writer.write_record(&cells).is_err() {
            return PageError::internal("a CSV row could not be written").into_response();
        }
    }
    let body = match writer.into_inner() {
        Ok(bytes) => bytes,
        Err(_) => return PageError::internal("the CSV could not be finished").into_response(),
    };
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (axum::http::header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// A choice in a select list: (value, label).
pub type Choice = (String, String);

/// Every organisation type as choices.
pub fn org_type_choices() -> Vec<Choice> {
    OrgType::choices()
}

/// Every role as choices.
pub fn role_choices() -> Vec<Choice> {
    Role::choices()
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
