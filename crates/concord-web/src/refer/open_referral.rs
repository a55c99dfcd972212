//! The Open Referral UK API: the directory as HSDS 3.0's read-only API serves it, open to anyone
//! (no sign-in, no key, `Access-Control-Allow-Origin: *`), as the UK profile requires. Lists are
//! pages (`page` from 1, `per_page` up to 200, 50 unless asked) in HSDS's `Page` object; every
//! object is as HSDS 3.0 defines it (no nulls, no fields it does not name).

use crate::error::{ApiError, Problem};
use crate::extract::Params;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use concord_directory::api;
use concord_store::directory::{self, ServiceFilter, TermFilter};
use concord_store::{PageRequest, StoreError};
use serde::Deserialize;
use serde_json::Value;

/// The profile the API follows.
pub const PROFILE: &str = "https://openreferraluk.org/UKProfile";

/// A JSON answer anyone's browser may read.
fn open(value: Value) -> Response {
    ([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(value)).into_response()
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("HSDS objects always serialise")
}

/// What the API serves: the HSDS version, the profile and HSDS's description of the API.
#[utoipa::path(get, path = "/openreferral", tag = "openreferral",
    responses((status = 200, description = "The HSDS version, profile and OpenAPI address", body = Object)))]
pub async fn root() -> Response {
    open(api::root(PROFILE))
}

/// The parameters of a list of services (or of the places they are offered).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ServiceQuery {
    /// Words that must all appear in the service's name, description, organization or terms.
    pub search: Option<String>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 50).
    pub per_page: Option<u32>,
    /// Only services described by this taxonomy term.
    pub taxonomy_term_id: Option<String>,
    /// Only services changed after this moment (RFC 3339, such as 2026-11-30T09:00:00Z).
    pub modified_after: Option<String>,
    /// Only services offered in this postcode's district (such as `LS6` or `LS6 2AB`); with
    /// `proximity`, the point distances are measured from.
    pub postcode: Option<String>,
    /// Only services offered within this many metres (1 to 100000) of the middle of `postcode`'s
    /// district (the median position of the places listed in it), nearest first.
    pub proximity: Option<String>,
}

impl ServiceQuery {
    async fn filter(&self, store: &concord_store::Store) -> Result<ServiceFilter, StoreError> {
        let postcode_district = match self.postcode.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(concord_directory::index::postcode_district(text).ok_or_else(|| {
                StoreError::invalid(
                    "postcode",
                    format!("\u{201c}{text}\u{201d} is not a UK postcode or postcode district (such as LS6 2AB or LS6)"),
                )
            })?),
        };
        let near = match self.proximity.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => {
                let metres = text
                    .parse::<u32>()
                    .ok()
                    .filter(|m| (1..=100_000).contains(m))
                    .map(f64::from)
                    .ok_or_else(|| {
                        StoreError::invalid(
                            "proximity",
                            format!("\u{201c}{text}\u{201d} is not a distance in whole metres from 1 to 100000"),
                        )
                    })?;
                let Some(district) = &postcode_district else {
                    return Err(StoreError::invalid(
                        "postcode",
                        "Give a postcode or postcode district to measure proximity from",
                    ));
                };
                let Some((centre, _)) = directory::district_centre(store, district).await? else {
                    return Err(StoreError::invalid(
                        "postcode",
                        format!("No place listed in {district} has a position, so distances from it cannot be measured"),
                    ));
                };
                directory::Near::new(centre, metres)
            }
        };
        Ok(ServiceFilter {
            search: self.search.clone().filter(|s| !s.trim().is_empty()),
            taxonomy_term_id: self.taxonomy_term_id.clone().filter(|s| !s.is_empty()),
            // Within a distance of the district's middle instead of in the district itself.
            postcode_district: if near.is_some() {
                None
            } else {
                postcode_district
            },
            modified_after: self.modified_after.clone().filter(|s| !s.trim().is_empty()),
            near,
            ..ServiceFilter::default()
        })
    }

    fn page(&self) -> PageRequest {
        PageRequest::new(self.page, self.per_page)
    }
}

/// A page of services, each as HSDS nests it.
#[utoipa::path(get, path = "/openreferral/services", tag = "openreferral", params(ServiceQuery),
    responses((status = 200, description = "A Page of services", body = Object), (status = 400, body = Problem)))]
pub async fn services(
    State(state): State<AppState>,
    Params(query): Params<ServiceQuery>,
) -> Result<Response, ApiError> {
    let filter = query.filter(&state.store).await?;
    let page = directory::services(&state.store, &filter, query.page()).await?;
    let contents: Vec<_> = page
        .items
        .iter()
        .map(|s| api::service(&s.service))
        .collect();
    Ok(open(api::page(
        &contents,
        page.total,
        page.page,
        page.per_page,
    )))
}

/// One service, as HSDS nests it.
#[utoipa::path(get, path = "/openreferral/services/{id}", tag = "openreferral",
    params(("id" = String, Path, description = "The service's id")),
    responses((status = 200, description = "The service", body = Object), (status = 404, body = Problem)))]
pub async fn service(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let stored = directory::service(&state.store, &id).await?;
    Ok(open(to_value(&api::service(&stored.service))))
}

/// A page of the places services are offered, each with its location and its service.
#[utoipa::path(get, path = "/openreferral/service_at_locations", tag = "openreferral", params(ServiceQuery),
    responses((status = 200, description = "A Page of services at locations", body = Object), (status = 400, body = Problem)))]
pub async fn service_at_locations(
    State(state): State<AppState>,
    Params(query): Params<ServiceQuery>,
) -> Result<Response, ApiError> {
    let filter = query.filter(&state.store).await?;
    let page = directory::service_at_locations(&state.store, &filter, query.page()).await?;
    let contents: Vec<_> = page
        .items
        .iter()
        .filter_map(|p| api::service_at_location(&p.service.service, &p.id))
        .collect();
    Ok(open(api::page(
        &contents,
        page.total,
        page.page,
        page.per_page,
    )))
}

/// One place a service is offered, with its location and its service.
#[utoipa::path(get, path = "/openreferral/service_at_locations/{id}", tag = "openreferral",
    params(("id" = String, Path, description = "The service at location's id")),
    responses((status = 200, description = "The service at location", body = Object), (status = 404, body = Problem)))]
pub async fn service_at_location(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let place = directory::service_at_location(&state.store, &id).await?;
    let at = api::service_at_location(&place.service.service, &place.id)
        .ok_or_else(|| StoreError::not_found("service at location", &id))?;
    Ok(open(to_value(&at)))
}

/// The parameters of a list of taxonomies.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct TaxonomyQuery {
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 50).
    pub per_page: Option<u32>,
}

/// Stored HSDS JSON read back.
fn parsed(documents: &[String]) -> Vec<Value> {
    documents
        .iter()
        .filter_map(|d| serde_json::from_str(d).ok())
        .collect()
}

/// A page of taxonomies.
#[utoipa::path(get, path = "/openreferral/taxonomies", tag = "openreferral", params(TaxonomyQuery),
    responses((status = 200, description = "A Page of taxonomies", body = Object)))]
pub async fn taxonomies(
    State(state): State<AppState>,
    Params(query): Params<TaxonomyQuery>,
) -> Result<Response, ApiError> {
    let page =
        directory::taxonomies(&state.store, PageRequest::new(query.page, query.per_page)).await?;
    Ok(open(api::page(
        &parsed(&page.items),
        page.total,
        page.page,
        page.per_page,
    )))
}

/// One taxonomy.
#[utoipa::path(get, path = "/openreferral/taxonomies/{id}", tag = "openreferral",
    params(("id" = String, Path, description = "The taxonomy's id")),
    responses((status = 200, description = "The taxonomy", body = Object), (status = 404, body = Problem)))]
pub async fn taxonomy(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let document = directory::taxonomy(&state.store, &id).await?;
    Ok(open(parsed(&[document]).pop().unwrap_or(Value::Null)))
}

/// The parameters of a list of taxonomy terms.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct TermQuery {
    /// Words that must all appear in the term's name.
    pub search: Option<String>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 50).
    pub per_page: Option<u32>,
    /// Only terms of this taxonomy.
    pub taxonomy_id: Option<String>,
    /// Only terms with no parent.
    pub top_only: Option<bool>,
    /// Only terms under this one.
    pub parent_id: Option<String>,
}

/// A page of taxonomy terms.
#[utoipa::path(get, path = "/openreferral/taxonomy_terms", tag = "openreferral", params(TermQuery),
    responses((status = 200, description = "A Page of taxonomy terms", body = Object)))]
pub async fn taxonomy_terms(
    State(state): State<AppState>,
    Params(query): Params<TermQuery>,
) -> Result<Response, ApiError> {
    let filter = TermFilter {
        search: query.search.clone().filter(|s| !s.trim().is_empty()),
        taxonomy_id: query.taxonomy_id.clone().filter(|s| !s.is_empty()),
        parent_id: query.parent_id.clone().filter(|s| !s.is_empty()),
        top_only: query.top_only.unwrap_or(false),
    };
    let page = directory::taxonomy_terms(
        &state.store,
        &filter,
        PageRequest::new(query.page, query.per_page),
    )
    .await?;
    Ok(open(api::page(
        &parsed(&page.items),
        page.total,
        page.page,
        page.per_page,
    )))
}

/// One taxonomy term.
#[utoipa::path(get, path = "/openreferral/taxonomy_terms/{id}", tag = "openreferral",
    params(("id" = String, Path, description = "The taxonomy term's id")),
    responses((status = 200, description = "The taxonomy term", body = Object), (status = 404, body = Problem)))]
pub async fn taxonomy_term(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let document = directory::taxonomy_term(&state.store, &id).await?;
    Ok(open(parsed(&[document]).pop().unwrap_or(Value::Null)))
}
