//! The one place where errors become HTTP responses: problem+json (RFC 9457) for the API, an NHS.UK
//! error page for people.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use concord_app::population::PopulationError;
use concord_domain::{FieldError, ValidationErrors};
use concord_store::StoreError;
use serde::Serialize;

/// An RFC 9457 problem document, with the fields that failed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Each field that failed validation, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    /// A problem of `status` with a detail message.
    pub fn new(status: StatusCode, kind: &str, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("https://concord.example/problems/{kind}"),
            title: title.into(),
            status: status.as_u16(),
            detail: Some(detail.into()),
            errors: Vec::new(),
        }
    }

    /// A validation failure naming each field.
    pub fn invalid(errors: &ValidationErrors) -> Self {
        Problem {
            errors: errors.0.clone(),
            ..Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "Invalid input",
                errors.to_string(),
            )
        }
    }

    /// The problem's status.
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

/// Maps a store error to the problem a client sees. Database failures are logged, not shown.
pub fn problem_for(err: &StoreError) -> Problem {
    match err {
        StoreError::Invalid(errors) => Problem::invalid(errors),
        StoreError::NotFound { kind, .. } => Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            format!("There is no {kind} at this address."),
        ),
        StoreError::Forbidden(why) => Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "You do not have permission",
            why.clone(),
        ),
        StoreError::NotRecorded(err) => {
            tracing::error!(error = %err, "a view of identifiable data could not be audited; nothing was shown");
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "audit-unavailable",
                "This cannot be shown now",
                "Every view of a person's details is recorded before it is shown, and this view could not be recorded. Nothing has been shown. Try again later.",
            )
        }
        other => {
            tracing::error!(error = %other, "store failure");
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong",
                "The server could not complete the request; it has been logged",
            )
        }
    }
}

/// The problem for population data that cannot be served: 503 when the analytical store, its
/// reference or the key cannot be read; the store's own problem otherwise.
pub fn problem_for_population(err: &PopulationError) -> Problem {
    match err {
        PopulationError::Unavailable(detail) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "population-unavailable",
            "The population data cannot be read",
            detail.clone(),
        ),
        PopulationError::Store(err) => problem_for(err),
        PopulationError::TooDetailed(why) => Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too-detailed",
            "This breakdown is too fine to publish",
            why.clone(),
        ),
        PopulationError::MissingReference(why) => Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "reference-missing",
            "This cannot be counted without its reference data",
            why.clone(),
        ),
        PopulationError::NotRecorded(err) => {
            tracing::error!(error = %err, "a view of identifiable data could not be audited; nothing was shown");
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "audit-unavailable",
                "The worklist cannot be shown",
                "Every view of patients' names is recorded before it is shown, and this view could not be recorded. Nothing has been shown. Try again later.",
            )
        }
    }
}

impl From<PopulationError> for ApiError {
    fn from(err: PopulationError) -> Self {
        ApiError(problem_for_population(&err))
    }
}

impl From<PopulationError> for PageError {
    fn from(err: PopulationError) -> Self {
        PageError(problem_for_population(&err))
    }
}

/// An API handler's error: always rendered as problem+json.
#[derive(Debug)]
pub struct ApiError(pub Problem);

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        ApiError(problem_for(&err))
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        ApiError(Problem::invalid(&errors))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

/// A page handler's error: rendered as an NHS.UK error page.
#[derive(Debug)]
pub struct PageError(pub Problem);

impl From<StoreError> for PageError {
    fn from(err: StoreError) -> Self {
        PageError(problem_for(&err))
    }
}

impl PageError {
    /// An internal failure (a template that would not render), logged and shown without detail.
    pub fn internal(what: impl Into<String>) -> Self {
        tracing::error!(error = %what.into(), "internal error");
        PageError(Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Sorry, there is a problem with the service",
            "Try again later.",
        ))
    }

    /// A page-not-found error.
    pub fn not_found() -> Self {
        PageError(Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Page not found",
            "If you typed the web address, check it is correct.",
        ))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        crate::ui::error_page(&self.0)
    }
}
