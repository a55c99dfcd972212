//! The trust pulse in the JSON API: rounds and closed rounds' results (only ever the protected
//! aggregates every page shows), events, answering for one's own organisation, and opening and
//! closing rounds and recording events for administrators.

use crate::api::Created;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, Context};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use concord_app::listen::pulse::{self as use_case, rule, EventDraft, RoundDraft};
use concord_app::listen::relationships::Network;
use concord_domain::pulse::{PulseDraft, INSTRUMENT_SOURCES};
use concord_store::pulse::{self as store, Event, Round, RoundResults};
use serde::Serialize;
use std::collections::BTreeMap;

/// Every round, latest first.
#[utoipa::path(get, path = "/api/v1/pulse/rounds", operation_id = "list_pulse_rounds", tag = "listen",
    responses((status = 200, body = [Round])))]
pub async fn rounds(Context(state, _, _): Context) -> Result<Json<Vec<Round>>, ApiError> {
    Ok(Json(store::rounds(&state.store).await?))
}

/// A closed round's results, with the organisations' names and the rule.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PulseRoundResultsOut {
    /// The round and its results.
    pub round: RoundResults,
    /// Organisation names by id.
    pub organisations: BTreeMap<String, String>,
    /// The disclosure rule.
    pub rule: String,
    /// Where the statements come from.
    pub instrument: String,
}

/// A closed round's results (an open round's are not shown: 422).
#[utoipa::path(get, path = "/api/v1/pulse/rounds/{id}/results", operation_id = "pulse_round_results", tag = "listen",
    params(("id" = String, Path, description = "The round's id")),
    responses((status = 200, body = PulseRoundResultsOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn results(
    Context(state, _, _): Context,
    Path(id): Path<String>,
) -> Result<Json<PulseRoundResultsOut>, ApiError> {
    let round = store::round(&state.store, &id).await?;
    let results = store::results(&state.store, round).await?;
    let names = store::names(&state.store).await?;
    let organisations = results
        .results
        .organisations()
        .into_iter()
        .map(|id| (id.to_string(), store::name_in(&names, id).to_string()))
        .collect();
    Ok(Json(PulseRoundResultsOut {
        round: results,
        organisations,
        rule: rule(),
        instrument: INSTRUMENT_SOURCES.into(),
    }))
}

/// Opens a round: system administrators. Only one is open at a time.
#[utoipa::path(post, path = "/api/v1/pulse/rounds", operation_id = "open_pulse_round", tag = "listen",
    request_body = RoundDraft,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn open(
    Context(state, _, permit): Context,
    ApiJson(draft): ApiJson<RoundDraft>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = use_case::open_round(&state.store, &permit.actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Closes a round, after which its results are shown: system administrators.
#[utoipa::path(post, path = "/api/v1/pulse/rounds/{id}/close", operation_id = "close_pulse_round", tag = "listen",
    params(("id" = String, Path, description = "The round's id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn close(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    use_case::close_round(&state.store, &permit.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Answers an open round for an organisation where the caller holds a role; once a round. The
/// answer is kept apart from who gave it and never returned.
#[utoipa::path(post, path = "/api/v1/pulse/rounds/{id}/answers", operation_id = "answer_pulse_round", tag = "listen",
    params(("id" = String, Path, description = "The round's id")), request_body = PulseDraft,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn answer(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<PulseDraft>,
) -> Result<StatusCode, ApiError> {
    use_case::answer(&state.store, permit.person(), &permit.actor, &id, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every event recorded to read the pulse against.
#[utoipa::path(get, path = "/api/v1/pulse/events", operation_id = "list_pulse_events", tag = "listen",
    responses((status = 200, body = [Event])))]
pub async fn events(Context(state, _, _): Context) -> Result<Json<Vec<Event>>, ApiError> {
    Ok(Json(store::events(&state.store).await?))
}

/// Records an event (a decision adopted, a programme paused): system administrators.
#[utoipa::path(post, path = "/api/v1/pulse/events", operation_id = "record_pulse_event", tag = "listen",
    request_body = EventDraft,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn record_event(
    Context(state, _, permit): Context,
    ApiJson(draft): ApiJson<EventDraft>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = use_case::record_event(&state.store, &permit.actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Who works with whom: every organisation with a link, each link's boards, programmes,
/// referrals (through the disclosure rule) and consent proposals, and the trust pulse's latest
/// closed round on it both ways.
#[utoipa::path(get, path = "/api/v1/relationships", operation_id = "relationships", tag = "listen",
    responses((status = 200, body = Network)))]
pub async fn relationships(Context(state, _, _): Context) -> Result<Json<Network>, ApiError> {
    Ok(Json(
        concord_app::listen::relationships::network(
            &state.store,
            &state.population.rule(),
            concord_domain::format::uk_date(chrono::Utc::now()),
        )
        .await?,
    ))
}
