//! Secure headers on every response, and CSRF protection on every state-changing page form.

use crate::auth::{is_api_path, Visitor};
use crate::error::Problem;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

/// The Content-Security-Policy: only this origin's scripts, styles, images and forms; no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Middleware: adds the security headers to every response.
pub async fn secure_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let set = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";
/// The largest form body accepted.
pub const MAX_FORM_BYTES: usize = 256 * 1024;
/// The largest file upload accepted (a multipart form: a CSV of values or finance returns).
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// A multipart form's boundary, if the request carries one.
pub fn multipart_boundary(headers: &axum::http::HeaderMap) -> Option<String> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    multer::parse_boundary(content_type).ok()
}

/// The fields of a multipart form: text fields by name, and the files (name, bytes) in the
/// order sent.
#[derive(Debug, Default)]
pub struct MultipartForm {
    /// Text fields.
    pub fields: Vec<(String, String)>,
    /// The uploaded files, each with its name and content (at most [`MAX_UPLOAD_FILES`]).
    pub files: Vec<(String, Vec<u8>)>,
}

/// The most files one upload may carry (a data package's tables).
pub const MAX_UPLOAD_FILES: usize = 32;

/// Reads a buffered multipart body.
pub async fn read_multipart(
    bytes: axum::body::Bytes,
    boundary: &str,
) -> Result<MultipartForm, String> {
    let stream =
        futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut form = MultipartForm::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| e.to_string())? {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(_) if form.files.len() >= MAX_UPLOAD_FILES => {
                return Err(format!("Choose at most {MAX_UPLOAD_FILES} files at once"));
            }
            Some(file_name) => {
                let data = field.bytes().await.map_err(|e| e.to_string())?;
                if !(file_name.is_empty() && data.is_empty()) {
                    form.files.push((file_name, data.to_vec()));
                }
            }
            None => {
                let text = field.text().await.map_err(|e| e.to_string())?;
                form.fields.push((name, text));
            }
        }
    }
    Ok(form)
}

fn refused(detail: &str) -> Response {
    let problem = Problem::new(
        StatusCode::FORBIDDEN,
        "csrf",
        "This form could not be accepted",
        detail,
    );
    crate::ui::error_page(&problem)
}

/// Middleware: a page request that could change state (anything but GET and HEAD) must carry the CSRF
/// token of the visitor's session (or, before sign-in, of their pre-session cookie), in the form field
/// `csrf_token` or the `X-CSRF-Token` header. API requests authenticate with bearer tokens, which a
/// browser never sends by itself, so they need none.
///
/// It runs per route, after the guard, and reads at most `body_limit` bytes (the route's own).
pub async fn csrf(State(body_limit): State<usize>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || is_api_path(req.uri().path())
    {
        return next.run(req).await;
    }
    let visitor = req
        .extensions()
        .get::<Visitor>()
        .cloned()
        .unwrap_or_default();
    let expected = match (&visitor.session, &visitor.pre_session_csrf) {
        (Some(session), _) => session.csrf_token.clone(),
        (None, Some(pre)) => pre.clone(),
        (None, None) => {
            return refused("Your session has expired. Go back, reload the page and try again.")
        }
    };
    let (parts, body) = req.into_parts();
    let header_token = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let boundary = multipart_boundary(&parts.headers);
    let Ok(bytes) = to_bytes(body, body_limit).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The form is too large").into_response();
    };
    let from_multipart = match (&header_token, &boundary) {
        (None, Some(boundary)) => {
            read_multipart(bytes.clone(), boundary)
                .await
                .ok()
                .and_then(|form| {
                    form.fields
                        .into_iter()
                        .find(|(k, _)| k == CSRF_FIELD)
                        .map(|(_, v)| v)
                })
        }
        _ => None,
    };
    let provided = header_token.or(from_multipart).or_else(|| {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|fields| {
                fields
                    .into_iter()
                    .find(|(k, _)| k == CSRF_FIELD)
                    .map(|(_, v)| v)
            })
    });
    match provided {
        Some(token) if bool::from(token.as_bytes().ct_eq(expected.as_bytes())) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        _ => refused("This form has expired or did not come from Concord. Go back, reload the page and try again."),
    }
}
