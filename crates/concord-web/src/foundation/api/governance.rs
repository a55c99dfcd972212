//! API for people, boards, the audit log and the caller's own identity.

use crate::api::{AuditPage, Paging, PersonPage};
use crate::authz::Permit;
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::extract::Context;
use crate::extract::Params;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use concord_domain::{BoardDraft, PersonDraft, Principal};
use concord_store::boards::{self, Board, BoardMember, BoardMemberDraft};
use concord_store::people::{self, Person, PersonSearch};
use concord_store::AuditFilter;
use concord_store::{audit, meetings};

/// The caller: who the token belongs to and their roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "governance", responses((status = 200, body = Principal), (status = 401, body = Problem)))]
pub async fn me(Extension(permit): Extension<Permit>) -> Json<Principal> {
    Json(permit.person().clone())
}

/// The caller's notifications shown in Concord, newest first, with how many are unread.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct NotificationList {
    /// How many are unread.
    pub unread: i64,
    /// The newest (at most 200).
    pub notifications: Vec<concord_store::notifications::Notification>,
}

/// The caller's own notifications (what the header's count and the notifications page show).
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "governance", responses((status = 200, body = NotificationList), (status = 401, body = Problem)))]
pub async fn my_notifications(
    Context(state, _, permit): Context,
) -> Result<Json<NotificationList>, ApiError> {
    let person_id = &permit.person().person_id;
    Ok(Json(NotificationList {
        unread: concord_store::notifications::unread_count(&state.store, person_id).await?,
        notifications: concord_store::notifications::list(&state.store, person_id).await?,
    }))
}

/// Query parameters for listing people.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PersonQuery {
    /// Part of the name, e-mail address or job title.
    pub q: Option<String>,
    /// Only people holding this role code somewhere.
    pub role: Option<String>,
    /// Only people in this organisation.
    pub organisation_id: Option<String>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 50).
    pub per_page: Option<u32>,
}

/// Lists people, searched and filtered.
#[utoipa::path(get, path = "/api/v1/people", tag = "governance", params(PersonQuery), responses((status = 200, body = PersonPage)))]
pub async fn list_people(
    State(state): State<AppState>,
    Params(q): Params<PersonQuery>,
) -> Result<Json<PersonPage>, ApiError> {
    let search = PersonSearch {
        q: q.q,
        role: q.role,
        organisation_id: q.organisation_id,
    };
    let page = people::list(
        &state.store,
        &search,
        concord_store::PageRequest::new(q.page, q.per_page),
    )
    .await?;
    Ok(Json(PersonPage {
        items: page.items,
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

/// One person.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "governance", params(("id" = String, Path, description = "Person id")),
    responses((status = 200, body = Person), (status = 404, body = Problem)))]
pub async fn get_person(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Person>, ApiError> {
    Ok(Json(people::get(&state.store, &id).await?))
}

/// Replaces a person's details (themself, their organisation's partner lead, or administrators).
#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "governance", params(("id" = String, Path, description = "Person id")), request_body = PersonDraft,
    responses((status = 200, body = Person), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_person(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<PersonDraft>,
) -> Result<Json<Person>, ApiError> {
    people::update(&state.store, &permit.actor, &id, &draft).await?;
    Ok(Json(people::get(&state.store, &id).await?))
}

/// Every board.
#[utoipa::path(get, path = "/api/v1/boards", tag = "governance", params(Paging), responses((status = 200, body = Vec<Board>)))]
pub async fn list_boards(
    State(state): State<AppState>,
    Params(paging): Params<Paging>,
) -> Result<Json<Vec<Board>>, ApiError> {
    let request = paging.request();
    let all = boards::list(&state.store, None).await?;
    Ok(Json(
        all.into_iter()
            .skip(request.offset() as usize)
            .take(request.limit() as usize)
            .collect(),
    ))
}

/// Adds a board hosted by organisation `{id}` (its partner lead, or administrators).
#[utoipa::path(post, path = "/api/v1/organisations/{id}/boards", tag = "governance", params(("id" = String, Path, description = "Host organisation id")), request_body = BoardDraft,
    responses((status = 201, body = crate::api::Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create_board(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(mut draft): ApiJson<BoardDraft>,
) -> Result<(StatusCode, Json<crate::api::Created>), ApiError> {
    draft.organisation_id = id;
    let id = boards::create(&state.store, &permit.actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(crate::api::Created { id })))
}

/// One board.
#[utoipa::path(get, path = "/api/v1/boards/{id}", tag = "governance", params(("id" = String, Path, description = "Board id")),
    responses((status = 200, body = Board), (status = 404, body = Problem)))]
pub async fn get_board(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Board>, ApiError> {
    Ok(Json(boards::get(&state.store, &id).await?))
}

/// Replaces a board's details; its host organisation stays as it is.
#[utoipa::path(put, path = "/api/v1/boards/{id}", tag = "governance", params(("id" = String, Path, description = "Board id")), request_body = BoardDraft,
    responses((status = 200, body = Board), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_board(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(mut draft): ApiJson<BoardDraft>,
) -> Result<Json<Board>, ApiError> {
    draft.organisation_id = boards::get(&state.store, &id).await?.organisation_id;
    boards::update(&state.store, &permit.actor, &id, &draft).await?;
    Ok(Json(boards::get(&state.store, &id).await?))
}

/// A board's members.
#[utoipa::path(get, path = "/api/v1/boards/{id}/members", tag = "governance", params(("id" = String, Path, description = "Board id")),
    responses((status = 200, body = Vec<BoardMember>), (status = 404, body = Problem)))]
pub async fn list_board_members(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<BoardMember>>, ApiError> {
    boards::get(&state.store, &id).await?;
    Ok(Json(boards::members(&state.store, &id).await?))
}

/// Seats a person on a board, or changes their seat.
#[utoipa::path(post, path = "/api/v1/boards/{id}/members", tag = "governance", params(("id" = String, Path, description = "Board id")), request_body = BoardMemberDraft,
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn set_board_member(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<BoardMemberDraft>,
) -> Result<StatusCode, ApiError> {
    boards::set_member(&state.store, &permit.actor, &id, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a person from a board.
#[utoipa::path(delete, path = "/api/v1/boards/{id}/members/{person_id}", tag = "governance",
    params(("id" = String, Path, description = "Board id"), ("person_id" = String, Path, description = "Person id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove_board_member(
    Context(state, _, permit): Context,
    Path((id, person_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    boards::remove_member(&state.store, &permit.actor, &id, &person_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Query parameters for the audit log.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Part of the actor's name, or their person id.
    pub actor: Option<String>,
    /// The action or its prefix.
    pub action: Option<String>,
    /// The object's id.
    pub object_id: Option<String>,
    /// success, denied or rejected.
    pub outcome: Option<String>,
    /// From this date (YYYY-MM-DD, UTC).
    pub from: Option<String>,
    /// Up to this date (YYYY-MM-DD, UTC), inclusive.
    pub to: Option<String>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 50).
    pub per_page: Option<u32>,
}

/// The audit log, newest first (system administrators).
#[utoipa::path(get, path = "/api/v1/audit", tag = "governance", params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_audit(
    Context(state, _, permit): Context,
    Params(q): Params<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let filter = AuditFilter {
        actor: q.actor,
        action: q.action,
        object_id: q.object_id,
        outcome: q.outcome,
        from: q.from,
        to: q.to,
    };
    let viewer = meetings::scope_of(&state.store, &permit.person().person_id).await?;
    let page = audit::list(
        &state.store,
        &viewer,
        &filter,
        concord_store::PageRequest::new(q.page, q.per_page),
    )
    .await?;
    Ok(Json(AuditPage {
        items: page.items,
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}
