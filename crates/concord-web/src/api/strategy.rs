//! API for strategy rounds: the rounds, partners' views, and the alignment report.

use crate::authz::Permit;
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
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
        crate::alignment::for_round(&state.store, &id).await?.report,
    ))
}

/// Records a partner organisation's ranking and aims (its partner lead, or administrators).
#[utoipa::path(put, path = "/api/v1/rounds/{id}/views/{organisation_id}", tag = "agree",
    params(("id" = String, Path, description = "Round id"), ("organisation_id" = String, Path, description = "Partner organisation id")),
    request_body = PartnerViewDraft,
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn set_view(
    State(state): State<AppState>,
    Extension(permit): Extension<Permit>,
    Path((id, organisation_id)): Path<(String, String)>,
    ApiJson(draft): ApiJson<PartnerViewDraft>,
) -> Result<StatusCode, ApiError> {
    strategy::set_view(&state.store, &permit.actor, &id, &organisation_id, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}
