//! The exchange in the JSON API: what this system published and publishing more (administrators),
//! its peers and adding one (administrators), what peers published, and bringing in a peer's
//! signed document or checking its address (administrators).

use crate::api::Created;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, Context};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use concord_app::listen::exchange::publish::{self, Offer};
use concord_app::listen::exchange::subscribe::{self, Imported, PeerDraft};
use concord_store::exchange as store;
use serde::Serialize;

/// A document this system published (its latest version).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublishedOut {
    /// Its id (and address).
    pub id: String,
    /// `case_study`, `metric_definition` or `benchmark_series`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its latest version.
    pub version: u64,
    /// Its title.
    pub title: String,
    /// What it was made from.
    pub source: String,
    /// Its content hash.
    pub hash: String,
    /// When this version was published (RFC 3339).
    pub published_at: String,
    /// Who published it.
    pub published_by: String,
    /// Where anyone can fetch this version.
    pub href: String,
}

fn published_out(state: &crate::AppState, p: &store::Published) -> PublishedOut {
    let publication = &p.publication;
    PublishedOut {
        id: publication.document_id.clone(),
        kind: publication.kind.clone(),
        version: publication.version,
        title: publication.title.clone(),
        source: publication.source.clone(),
        hash: publication.hash.clone(),
        published_at: publication.published_at.clone(),
        published_by: p.published_by.clone(),
        href: format!(
            "{}/documents/{}/{}.json",
            state.exchange.publisher.url, publication.slug, publication.version
        ),
    }
}

/// What this system has published: each document's latest version.
#[utoipa::path(get, path = "/api/v1/exchange/published", operation_id = "list_published", tag = "exchange",
    responses((status = 200, body = [PublishedOut])))]
pub async fn list_published(
    Context(state, _, _): Context,
) -> Result<Json<Vec<PublishedOut>>, ApiError> {
    let published = store::latest_published(&state.store).await?;
    Ok(Json(
        published.iter().map(|p| published_out(&state, p)).collect(),
    ))
}

/// Publishes a document for the system, signed with its key, as the next version of its address:
/// a catalogue metric's definition, its whole-system benchmark series (counts through the
/// disclosure rule), or a case study. Anything that could identify a person is refused, naming
/// the field. System administrators only.
#[utoipa::path(post, path = "/api/v1/exchange/published", operation_id = "publish_document", tag = "exchange", request_body = Offer,
    responses((status = 201, body = PublishedOut), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem, description = "No catalogue metric has that id or code")))]
pub async fn publish(
    Context(state, _, permit): Context,
    ApiJson(offer): ApiJson<Offer>,
) -> Result<(StatusCode, Json<PublishedOut>), ApiError> {
    let rule = state.population.rule();
    let publication = publish::publish(
        &state.store,
        &state.exchange,
        permit.person(),
        &permit.actor,
        &rule,
        &offer,
    )
    .await?;
    let offered = store::Published {
        publication,
        published_by: permit.person().display_name.clone(),
    };
    Ok((StatusCode::CREATED, Json(published_out(&state, &offered))))
}

/// A peer this system subscribes to.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PeerOut {
    /// Concord's id for it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its exchange address, if its documents are fetched.
    pub url: Option<String>,
    /// The thumbprint of its pinned key.
    pub key_id: String,
    /// When it was last checked (RFC 3339).
    pub last_checked_at: Option<String>,
    /// What the last check found.
    pub last_outcome: Option<String>,
}

/// The peers this system subscribes to.
#[utoipa::path(get, path = "/api/v1/exchange/peers", operation_id = "list_peers", tag = "exchange",
    responses((status = 200, body = [PeerOut])))]
pub async fn list_peers(Context(state, _, _): Context) -> Result<Json<Vec<PeerOut>>, ApiError> {
    let peers = store::peers(&state.store).await?;
    Ok(Json(
        peers
            .into_iter()
            .map(|p| PeerOut {
                id: p.id,
                name: p.name,
                url: p.url,
                key_id: p.key_id,
                last_checked_at: p.last_checked_at,
                last_outcome: p.last_outcome,
            })
            .collect(),
    ))
}

/// Subscribes to a peer, pinning its public key. System administrators only.
#[utoipa::path(post, path = "/api/v1/exchange/peers", operation_id = "add_peer", tag = "exchange", request_body = PeerDraft,
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn add_peer(
    Context(state, _, permit): Context,
    ApiJson(draft): ApiJson<PeerDraft>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = subscribe::add_peer(&state.store, permit.person(), &permit.actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Brings in one signed document from peer `{id}` (as a Concord serves it: the document, its
/// hash and its detached JWS). It is kept only if it verifies with the peer's pinned key and is
/// newer than what is kept. System administrators only.
#[utoipa::path(post, path = "/api/v1/exchange/peers/{id}/documents", operation_id = "import_peer_document", tag = "exchange",
    params(("id" = String, Path, description = "The peer's id")), request_body(content = Object, description = "A signed document"),
    responses((status = 200, body = Imported), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn import_document(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(document): ApiJson<serde_json::Value>,
) -> Result<Json<Imported>, ApiError> {
    let bytes = serde_json::to_vec(&document).expect("JSON");
    let imported = subscribe::import_files(
        &state.store,
        permit.person(),
        &permit.actor,
        &id,
        &[("the posted document".into(), bytes)],
    )
    .await?;
    Ok(Json(imported))
}

/// Checks peer `{id}`'s address for documents not yet kept and keeps them if all verify. System
/// administrators only.
#[utoipa::path(post, path = "/api/v1/exchange/peers/{id}/check", operation_id = "check_peer", tag = "exchange",
    params(("id" = String, Path, description = "The peer's id")),
    responses((status = 200, body = Imported), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn check_peer(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Json<Imported>, ApiError> {
    let imported = subscribe::check_peer(&state.store, permit.person(), &permit.actor, &id).await?;
    Ok(Json(imported))
}

/// A document a peer published, as kept (its latest version).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReceivedOut {
    /// The peer's id.
    pub peer_id: String,
    /// The peer's name.
    pub peer_name: String,
    /// The document's id.
    pub id: String,
    /// Its kind.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its latest version kept.
    pub version: u64,
    /// Its title.
    pub title: String,
    /// Its hash.
    pub hash: String,
    /// When its publisher published it.
    pub published_at: String,
    /// When it arrived here.
    pub received_at: String,
    /// Who brought it.
    pub received_by: String,
    /// The address or file it came from.
    pub received_from: String,
}

/// What peers published, as kept here: each document's latest version, with where it came from.
#[utoipa::path(get, path = "/api/v1/exchange/received", operation_id = "list_received", tag = "exchange",
    responses((status = 200, body = [ReceivedOut])))]
pub async fn list_received(
    Context(state, _, _): Context,
) -> Result<Json<Vec<ReceivedOut>>, ApiError> {
    let received = store::latest_received(&state.store).await?;
    Ok(Json(
        received
            .into_iter()
            .map(|r| ReceivedOut {
                peer_id: r.peer_id,
                peer_name: r.peer_name,
                id: r.arrival.document_id,
                kind: r.arrival.kind,
                version: r.arrival.version,
                title: r.arrival.title,
                hash: r.arrival.hash,
                published_at: r.arrival.published_at,
                received_at: r.received_at,
                received_by: r.received_by,
                received_from: r.received_from,
            })
            .collect(),
    ))
}
