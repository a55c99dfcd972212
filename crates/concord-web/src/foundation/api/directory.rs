//! API for organisations, their memberships and places served, and places.

use crate::api::{Created, NewPerson, OrganisationPage, Paging, PlaceIds};
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::extract::Context;
use crate::extract::Params;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use concord_domain::{MembershipDraft, OrganisationDraft, PlaceDraft};
use concord_store::organisations::{self, Organisation, OrganisationSearch};
use concord_store::people::{self, Membership};
use concord_store::places::{self, Place};

/// Query parameters for listing organisations.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct OrganisationQuery {
    /// Part of the name or code.
    pub q: Option<String>,
    /// A type code, for example `gp_practice`.
    pub org_type: Option<String>,
    /// Only organisations serving this place.
    pub place_id: Option<String>,
    /// Only the children of this organisation.
    pub parent_id: Option<String>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 50).
    pub per_page: Option<u32>,
}

/// Lists organisations, searched and filtered.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "directory", params(OrganisationQuery),
    responses((status = 200, body = OrganisationPage), (status = 401, body = Problem)))]
pub async fn list_organisations(
    State(state): State<AppState>,
    Params(q): Params<OrganisationQuery>,
) -> Result<Json<OrganisationPage>, ApiError> {
    let search = OrganisationSearch {
        q: q.q,
        org_type: q.org_type,
        place_id: q.place_id,
        parent_id: q.parent_id,
    };
    let page = organisations::list(
        &state.store,
        &search,
        concord_store::PageRequest::new(q.page, q.per_page),
    )
    .await?;
    Ok(Json(OrganisationPage {
        items: page.items,
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

/// Adds an organisation (system administrators).
#[utoipa::path(post, path = "/api/v1/organisations", tag = "directory", request_body = OrganisationDraft,
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create_organisation(
    Context(state, _, permit): Context,
    ApiJson(draft): ApiJson<OrganisationDraft>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = organisations::create(&state.store, &permit.actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "directory", params(("id" = String, Path, description = "Organisation id")),
    responses((status = 200, body = Organisation), (status = 404, body = Problem)))]
pub async fn get_organisation(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Organisation>, ApiError> {
    Ok(Json(organisations::get(&state.store, &id).await?))
}

/// Replaces an organisation's details (its partner lead, or administrators).
#[utoipa::path(put, path = "/api/v1/organisations/{id}", tag = "directory", params(("id" = String, Path, description = "Organisation id")), request_body = OrganisationDraft,
    responses((status = 200, body = Organisation), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_organisation(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<OrganisationDraft>,
) -> Result<Json<Organisation>, ApiError> {
    organisations::update(&state.store, &permit.actor, &id, &draft).await?;
    Ok(Json(organisations::get(&state.store, &id).await?))
}

/// Sets the places an organisation serves.
#[utoipa::path(put, path = "/api/v1/organisations/{id}/places", tag = "directory", params(("id" = String, Path, description = "Organisation id")), request_body = PlaceIds,
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn set_places(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PlaceIds>,
) -> Result<StatusCode, ApiError> {
    organisations::set_places_served(&state.store, &permit.actor, &id, &body.place_ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The people in an organisation and their roles.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/memberships", tag = "directory", params(("id" = String, Path, description = "Organisation id")),
    responses((status = 200, body = Vec<Membership>), (status = 404, body = Problem)))]
pub async fn list_memberships(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<Membership>>, ApiError> {
    organisations::get(&state.store, &id).await?;
    Ok(Json(
        people::memberships_of_organisation(&state.store, &id).await?,
    ))
}

/// Gives an existing person a role in the organisation.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/memberships", tag = "directory", params(("id" = String, Path, description = "Organisation id")), request_body = MembershipDraft,
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn add_membership(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<MembershipDraft>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = people::add_membership(&state.store, &permit.actor, &id, &draft).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Adds a new person with a role in the organisation.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/people", tag = "directory", params(("id" = String, Path, description = "Organisation id")), request_body = NewPerson,
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create_person(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewPerson>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id =
        people::create_in_organisation(&state.store, &permit.actor, &id, &body.person, &body.role)
            .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Removes a membership.
#[utoipa::path(delete, path = "/api/v1/memberships/{id}", tag = "directory", params(("id" = String, Path, description = "Membership id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn remove_membership(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    people::remove_membership(&state.store, &permit.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every place and neighbourhood.
#[utoipa::path(get, path = "/api/v1/places", tag = "directory", params(Paging), responses((status = 200, body = Vec<Place>)))]
pub async fn list_places(
    State(state): State<AppState>,
    Params(paging): Params<Paging>,
) -> Result<Json<Vec<Place>>, ApiError> {
    let request = paging.request();
    let all = places::list(&state.store).await?;
    Ok(Json(
        all.into_iter()
            .skip(request.offset() as usize)
            .take(request.limit() as usize)
            .collect(),
    ))
}

/// Adds a place or neighbourhood (system administrators).
#[utoipa::path(post, path = "/api/v1/places", tag = "directory", request_body = PlaceDraft,
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create_place(
    Context(state, _, permit): Context,
    ApiJson(draft): ApiJson<PlaceDraft>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = places::create(&state.store, &permit.actor, &draft).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One place.
#[utoipa::path(get, path = "/api/v1/places/{id}", tag = "directory", params(("id" = String, Path, description = "Place id")),
    responses((status = 200, body = Place), (status = 404, body = Problem)))]
pub async fn get_place(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Place>, ApiError> {
    Ok(Json(places::get(&state.store, &id).await?))
}

/// Replaces a place's details (system administrators).
#[utoipa::path(put, path = "/api/v1/places/{id}", tag = "directory", params(("id" = String, Path, description = "Place id")), request_body = PlaceDraft,
    responses((status = 200, body = Place), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_place(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<PlaceDraft>,
) -> Result<Json<Place>, ApiError> {
    places::update(&state.store, &permit.actor, &id, &draft).await?;
    Ok(Json(places::get(&state.store, &id).await?))
}

/// What to search for.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SearchParams {
    /// Text to look for (at least two characters; at most the first 100 are used).
    pub q: String,
}

/// Searches what every signed-in person may read: organisations, people, places, boards,
/// programmes, objectives, metrics and cohorts, up to 10 of each kind.
#[utoipa::path(get, path = "/api/v1/search", tag = "directory", params(SearchParams),
    responses((status = 200, body = [concord_store::search::Hit]), (status = 401, body = Problem)))]
pub async fn search(
    State(state): State<AppState>,
    Params(query): Params<SearchParams>,
) -> Result<Json<Vec<concord_store::search::Hit>>, ApiError> {
    let q: String = query.q.chars().take(100).collect();
    Ok(Json(
        concord_store::search::everything(&state.store, &q).await?,
    ))
}
