//! API for strategy rounds: the rounds, partners' views, and the alignment report.

use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::extract::Context;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use concord_domain::strategy::PartnerViewDraft;
use concord_store::strategy::{self, Round};

/// Every strategy round.
#[utoipa::path(get, path = "/api/v1/rounds", tag = "agree", responses((status = 200, body = Vec<Round>), (status = 401, body = Problem)))]
pub async fn list_rounds(State(state): State<AppState>) -> Result<Json<Vec<Round>>, ApiError> {
    Ok(Json(strategy::list(&state.store).await?))
}

/// Where partners align in a round: the Schulze consensus ranking with its pairwise and strongest-path
/// matrices, Kendall's tau-b between every pair of partners, agreement by partner type, areas by
/// disagreement, and plain-language statements.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/alignment", tag = "agree", params(("id" = String, Path, description = "Round id")),
    responses((status = 200, description = "The alignment report", body = serde_json::Value), (status = 404, body = Problem)))]
pub async fn alignment(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<concord_align::AlignmentReport>, ApiError> {
    Ok(Json(
        concord_app::alignment::for_round(&state.store, &id)
            .await?
            .report,
    ))
}

/// Records a partner organisation's ranking and aims (its partner lead, or administrators).
#[utoipa::path(put, path = "/api/v1/rounds/{id}/views/{organisation_id}", tag = "agree",
    params(("id" = String, Path, description = "Round id"), ("organisation_id" = String, Path, description = "Partner organisation id")),
    request_body = PartnerViewDraft,
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn set_view(
    Context(state, _, permit): Context,
    Path((id, organisation_id)): Path<(String, String)>,
    ApiJson(draft): ApiJson<PartnerViewDraft>,
) -> Result<StatusCode, ApiError> {
    strategy::set_view(&state.store, &permit.actor, &id, &organisation_id, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A round with its service areas' priority decisions and its objectives.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RoundDetail {
    /// The round.
    pub round: Round,
    /// Every service area and the decision on it.
    pub priorities: Vec<concord_store::objectives::AreaPriority>,
    /// The round's objectives.
    pub objectives: Vec<concord_store::objectives::Objective>,
}

/// One round, with priorities and objectives.
#[utoipa::path(get, path = "/api/v1/rounds/{id}", tag = "agree", params(("id" = String, Path, description = "Round id")),
    responses((status = 200, body = RoundDetail), (status = 404, body = Problem)))]
pub async fn get_round(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<RoundDetail>, ApiError> {
    Ok(Json(RoundDetail {
        round: strategy::get(&state.store, &id).await?,
        priorities: concord_store::objectives::priorities(&state.store, &id).await?,
        objectives: concord_store::objectives::objectives(&state.store, &id).await?,
    }))
}

/// Records the priority decision on one of the round's areas (the round's managers).
#[utoipa::path(put, path = "/api/v1/rounds/{id}/areas/{area_id}/priority", tag = "agree",
    params(("id" = String, Path, description = "Round id"), ("area_id" = String, Path, description = "Service area id")),
    request_body = concord_domain::strategy::PriorityDraft,
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn set_priority(
    Context(state, _, permit): Context,
    Path((id, area_id)): Path<(String, String)>,
    ApiJson(draft): ApiJson<concord_domain::strategy::PriorityDraft>,
) -> Result<StatusCode, ApiError> {
    concord_store::objectives::set_priority(&state.store, &permit.actor, &id, &area_id, &draft)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a specific objective to the round (the round's managers). Refused without a measurable target.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/objectives", tag = "agree", params(("id" = String, Path, description = "Round id")),
    request_body = concord_domain::strategy::ObjectiveDraft,
    responses((status = 201, body = crate::api::Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create_objective(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<concord_domain::strategy::ObjectiveDraft>,
) -> Result<(StatusCode, Json<crate::api::Created>), ApiError> {
    let id =
        concord_store::objectives::add_objective(&state.store, &permit.actor, &id, &draft).await?;
    Ok((StatusCode::CREATED, Json(crate::api::Created { id })))
}

/// A proposal with its standing under the consent rules and every response (current and replaced).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProposalDetail {
    /// The proposal.
    pub proposal: concord_store::consent::Proposal,
    /// How the current responses stand.
    pub standing: concord_domain::consent::Standing,
    /// Every response, newest first.
    pub responses: Vec<concord_store::consent::ProposalResponse>,
}

/// One consent proposal.
#[utoipa::path(get, path = "/api/v1/proposals/{id}", tag = "agree", params(("id" = String, Path, description = "Proposal id")),
    responses((status = 200, body = ProposalDetail), (status = 404, body = Problem)))]
pub async fn get_proposal(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ProposalDetail>, ApiError> {
    let proposal = concord_store::consent::get(&state.store, &id).await?;
    let responses = concord_store::consent::responses(&state.store, &id).await?;
    let standing = concord_store::consent::standing_of(&proposal, &responses);
    Ok(Json(ProposalDetail {
        proposal,
        standing,
        responses,
    }))
}

/// Responds to a proposal for an organisation (a member of the deciding board who belongs to it);
/// replaces that organisation's earlier response.
#[utoipa::path(put, path = "/api/v1/proposals/{id}/responses/{organisation_id}", tag = "agree",
    params(("id" = String, Path, description = "Proposal id"), ("organisation_id" = String, Path, description = "The organisation responding")),
    request_body = concord_domain::consent::ResponseDraft,
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn respond(
    Context(state, _, permit): Context,
    Path((id, organisation_id)): Path<(String, String)>,
    ApiJson(draft): ApiJson<concord_domain::consent::ResponseDraft>,
) -> Result<StatusCode, ApiError> {
    concord_store::consent::respond(
        &state.store,
        &permit.actor,
        &id,
        &organisation_id,
        &permit.person().person_id,
        &draft,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
