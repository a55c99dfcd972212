//! Extractors. [`Context`] is what every handler starts from: the service, who is visiting and what
//! the guard allowed. Request bodies are read by extractors whose failures say what was wrong and
//! where: JSON errors name the field (`organisations[0].code`) as problem+json; malformed forms get
//! an error page, never a bare 4xx.

use crate::auth::Visitor;
use crate::authz::Permit;
use crate::error::{ApiError, PageError, Problem};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use concord_domain::ValidationErrors;
use serde::de::DeserializeOwned;

/// The largest JSON body the API accepts.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;

/// What every handler starts from: the service's state, who is visiting (set by the sign-in layer)
/// and the [`Permit`] the route's guard gave, in that order. Handlers take it as a pattern,
/// `Context(state, visitor, permit): Context`.
#[derive(Clone)]
pub struct Context(pub AppState, pub Visitor, pub Permit);

impl FromRequestParts<AppState> for Context {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let visitor = parts
            .extensions
            .get::<Visitor>()
            .cloned()
            .unwrap_or_default();
        // Every route is registered with its guard, which always leaves a permit; a handler
        // reached without one is a wiring mistake, refused rather than served.
        let permit = parts.extensions.get::<Permit>().cloned().ok_or_else(|| {
            PageError::internal("a handler was reached without passing its guard")
        })?;
        Ok(Context(state.clone(), visitor, permit))
    }
}

/// A JSON request body; a body that is not JSON, or has a wrong type, is refused naming the field.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
        if !is_json {
            return Err(ApiError(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "media-type",
                "Send JSON",
                "Set Content-Type: application/json",
            )));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError(match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body",
                    "Body too large",
                    "Send at most 1 MiB",
                ),
                _ => Problem::new(
                    StatusCode::BAD_REQUEST,
                    "body",
                    "Unreadable body",
                    e.body_text(),
                ),
            })
        })?;
        if bytes.len() > MAX_JSON_BYTES {
            return Err(ApiError(Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body",
                "Body too large",
                "Send at most 1 MiB",
            )));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(&mut deserializer) {
            Ok(value) => Ok(ApiJson(value)),
            Err(err) => {
                let path = err.path().to_string();
                let inner = err.into_inner();
                let field = if path == "." {
                    "body".to_string()
                } else {
                    path
                };
                let message = if inner.is_syntax() || inner.is_eof() {
                    format!("The body is not valid JSON: {inner}")
                } else {
                    format!("Wrong value: {inner}")
                };
                Err(ApiError::from(ValidationErrors::single(&field, message)))
            }
        }
    }
}

/// A URL-encoded form body; a malformed body gets an error page.
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for PageForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            PageError(Problem::new(
                StatusCode::BAD_REQUEST,
                "body",
                "The form could not be read",
                e.body_text(),
            ))
        })?;
        serde_urlencoded::from_bytes(&bytes)
            .map(PageForm)
            .map_err(|e| {
                PageError(Problem::new(
                    StatusCode::BAD_REQUEST,
                    "form",
                    "The form could not be read",
                    e.to_string(),
                ))
            })
    }
}

/// Query-string parameters; a malformed one is refused naming the parameter, as problem+json for
/// the API and as an error page for people.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for Params<T> {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let query = parts.uri.query().unwrap_or("");
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        match serde_path_to_error::deserialize(deserializer) {
            Ok(value) => Ok(Params(value)),
            Err(err) => {
                let field = err.path().to_string();
                let errors = ValidationErrors::single(
                    &field,
                    format!("The parameter '{field}' is not valid: {}", err.into_inner()),
                );
                if crate::auth::is_api_path(parts.uri.path()) {
                    Err(ApiError::from(errors).into_response())
                } else {
                    let problem = Problem {
                        errors: errors.0.clone(),
                        ..Problem::new(
                            StatusCode::BAD_REQUEST,
                            "query",
                            "The address is not valid",
                            errors.to_string(),
                        )
                    };
                    Err(crate::ui::error_page(&problem))
                }
            }
        }
    }
}
