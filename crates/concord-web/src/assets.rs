//! Static assets (the NHS.UK frontend's CSS, JavaScript and icons, and Concord's own), embedded in the
//! binary so that a single file is the whole web service.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

/// The files under `crates/concord-web/assets/`.
#[derive(RustEmbed)]
#[folder = "assets/"]
pub struct Assets;

/// The version of the vendored `nhsuk-frontend` npm package.
pub fn nhsuk_frontend_version() -> String {
    Assets::get("VERSION")
        .map(|f| String::from_utf8_lossy(&f.data).trim().to_string())
        .unwrap_or_default()
}

/// Serves `/assets/{path}`.
pub async fn serve(Path(path): Path<String>) -> Response {
    match Assets::get(&path) {
        Some(file) => {
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..8]));
            (
                [
                    (header::CONTENT_TYPE, mime.as_ref().to_string()),
                    (header::CACHE_CONTROL, "public, max-age=86400".to_string()),
                    (header::ETAG, etag),
                ],
                file.data.into_owned(),
            )
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}
