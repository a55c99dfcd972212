//! API for the rest of Agree's writes: opening rounds, adding areas, drafting and commenting on the
//! vision, and putting, amending and deciding consent proposals.

use crate::api::Created;
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::extract::Context;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use concord_domain::consent::ProposalDraft;
use concord_domain::strategy::{AreaDraft, RoundDraft};
use concord_store::vision::{self, VisionComment, VisionVersion};
use concord_store::{consent, strategy};
use serde::{Deserialize, Serialize};

/// Opens a strategy round owned by board `{id}` (its host organisation's partner lead, or administrators).
#[utoipa::path(post, path = "/api/v1/boards/{id}/rounds", tag = "agree", params(("id" = String, Path, description = "Owner board id")), request_body = RoundDraft,
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create_round(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<RoundDraft>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = strategy::create(&state.store, &permit.actor, &id, &draft).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Changes a round's details or stage.
#[utoipa::path(put, path = "/api/v1/rounds/{id}", tag = "agree", params(("id" = String, Path, description = "Round id")), request_body = RoundDraft,
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_round(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<RoundDraft>,
) -> Result<StatusCode, ApiError> {
    strategy::update(&state.store, &permit.actor, &id, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a service area to a round.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/areas", tag = "agree", params(("id" = String, Path, description = "Round id")), request_body = AreaDraft,
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn add_area(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<AreaDraft>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = strategy::add_area(&state.store, &permit.actor, &id, &draft).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The vision: every version (newest first) and every comment.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Vision {
    /// Every version, newest first.
    pub versions: Vec<VisionVersion>,
    /// Every comment, oldest first.
    pub comments: Vec<VisionComment>,
}

/// A round's vision, with its history and comments.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/vision", tag = "agree", params(("id" = String, Path, description = "Round id")),
    responses((status = 200, body = Vision), (status = 404, body = Problem)))]
pub async fn get_vision(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vision>, ApiError> {
    strategy::get(&state.store, &id).await?;
    Ok(Json(Vision {
        versions: vision::versions(&state.store, &id).await?,
        comments: vision::comments(&state.store, &id).await?,
    }))
}

/// A text submitted to the API (a vision draft or a comment).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TextBody {
    /// The text.
    #[schema(required)]
    pub text: String,
    /// For a comment: the version commented on (default: the latest).
    pub version: Option<i64>,
}

/// Saves a new version of the vision (the round's managers).
#[utoipa::path(post, path = "/api/v1/rounds/{id}/vision", tag = "agree", params(("id" = String, Path, description = "Round id")), request_body = TextBody,
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn save_vision(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TextBody>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let version = vision::save(&state.store, &permit.actor, &id, &body.text).await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id: version.to_string(),
        }),
    ))
}

/// Comments on a version of the vision (anyone signed in).
#[utoipa::path(post, path = "/api/v1/rounds/{id}/vision/comments", tag = "agree", params(("id" = String, Path, description = "Round id")), request_body = TextBody,
    responses((status = 204), (status = 422, body = Problem)))]
pub async fn comment(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TextBody>,
) -> Result<StatusCode, ApiError> {
    let version = match body.version {
        Some(v) => v,
        None => vision::versions(&state.store, &id)
            .await?
            .first()
            .map(|v| v.version)
            .unwrap_or(0),
    };
    vision::comment(&state.store, &permit.actor, &id, version, &body.text).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Puts a consent proposal to the round's board.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/proposals", tag = "agree", params(("id" = String, Path, description = "Round id")), request_body = ProposalDraft,
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create_proposal(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<ProposalDraft>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = consent::create(&state.store, &permit.actor, &id, &draft).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Amends an open proposal: a new version, and every response reopens.
#[utoipa::path(put, path = "/api/v1/proposals/{id}", tag = "agree", params(("id" = String, Path, description = "Proposal id")), request_body = ProposalDraft,
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn amend_proposal(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<ProposalDraft>,
) -> Result<StatusCode, ApiError> {
    consent::amend(&state.store, &permit.actor, &id, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The decision on a proposal.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DecisionBody {
    /// True to adopt (refused while anyone objects or the quorum is not met); false to record it as not adopted.
    pub adopt: bool,
    /// The outcome statement.
    #[schema(required)]
    pub outcome: String,
}

/// Records the decision on a proposal.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/decision", tag = "agree", params(("id" = String, Path, description = "Proposal id")), request_body = DecisionBody,
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn decide_proposal(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> Result<StatusCode, ApiError> {
    consent::decide(&state.store, &permit.actor, &id, body.adopt, &body.outcome).await?;
    Ok(StatusCode::NO_CONTENT)
}
