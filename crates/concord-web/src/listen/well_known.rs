//! What this system publishes, served to anyone at `/.well-known/concord/`: the index of its
//! documents (each one's latest version, hash and address), its public key (a JWK), and every
//! signed version as it was published (never changed, so cached for a year). CORS is open, as
//! for any public document.

use crate::error::{ApiError, Problem};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use concord_app::listen::exchange::publish;
use concord_store::exchange as store;

fn json(body: String, cache: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response()
}

fn not_found(what: &str) -> ApiError {
    ApiError(Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "Not found",
        format!("This system publishes no {what} at this address"),
    ))
}

/// `GET /.well-known/concord/index.json`: every document's latest version and where it is.
#[utoipa::path(get, path = "/.well-known/concord/index.json", operation_id = "exchange_index", tag = "exchange",
    responses((status = 200, description = "The publisher, its key's address and thumbprint, and each document's latest version, hash and address", body = Object)))]
pub async fn index(State(state): State<AppState>) -> Result<Response, ApiError> {
    let index = publish::index(&state.store, &state.exchange).await?;
    Ok(json(index.to_string(), "no-cache"))
}

/// `GET /.well-known/concord/key.json`: the system's public key, which subscribers pin.
#[utoipa::path(get, path = "/.well-known/concord/key.json", operation_id = "exchange_key", tag = "exchange",
    responses((status = 200, description = "The public key as a JWK (Ed25519, named by its RFC 7638 thumbprint)", body = Object), (status = 404, body = Problem)))]
pub async fn key(State(state): State<AppState>) -> Result<Response, ApiError> {
    let key = state
        .exchange
        .public_key()
        .ok_or_else(|| not_found("key"))?;
    let mut jwk = key.jwk();
    jwk["kid"] = serde_json::Value::String(key.kid());
    Ok(json(jwk.to_string(), "no-cache"))
}

/// `GET /.well-known/concord/documents/{file}`: a document's latest version (`{slug}.json`).
#[utoipa::path(get, path = "/.well-known/concord/documents/{file}", operation_id = "exchange_latest_document", tag = "exchange",
    params(("file" = String, Path, description = "The document's address and `.json`, such as `metric-ae_4hr.json`")),
    responses((status = 200, description = "The signed document: the document, its hash and its detached JWS", body = Object), (status = 404, body = Problem)))]
pub async fn latest(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let slug = file
        .strip_suffix(".json")
        .ok_or_else(|| not_found("document"))?;
    let versions = store::published_versions(&state.store, slug).await?;
    let latest = versions.first().ok_or_else(|| not_found("document"))?;
    Ok(json(latest.publication.signed.clone(), "no-cache"))
}

/// `GET /.well-known/concord/documents/{slug}/{file}`: one version (`{version}.json`), as signed.
#[utoipa::path(get, path = "/.well-known/concord/documents/{slug}/{file}", operation_id = "exchange_document_version", tag = "exchange",
    params(("slug" = String, Path, description = "The document's address"), ("file" = String, Path, description = "The version and `.json`, such as `2.json`")),
    responses((status = 200, description = "The signed document as published", body = Object), (status = 404, body = Problem)))]
pub async fn version(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let version: u64 = file
        .strip_suffix(".json")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| not_found("document"))?;
    let versions = store::published_versions(&state.store, &slug).await?;
    let found = versions
        .iter()
        .find(|p| p.publication.version == version)
        .ok_or_else(|| not_found("document"))?;
    Ok(json(
        found.publication.signed.clone(),
        "public, max-age=31536000, immutable",
    ))
}
