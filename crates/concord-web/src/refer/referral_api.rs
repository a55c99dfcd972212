//! Referrals in the API: Concord's own JSON (the caseload, making a referral, moving it,
//! contacts and outcome measures) and FHIR R4 (a referral as Task and ServiceRequest, and a
//! Task's status changed by PUT), for GP systems and VCSE case-management tools. Every read of a
//! referral is audited before it is served, as on the pages.

use crate::api::Created;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, Context};
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use concord_app::refer::fhir;
use concord_app::refer::referrals::{self as use_case, ReferralRow};
use concord_domain::referral::caseload::ContactDraft;
use concord_domain::referral::outcome::OutcomeDraft;
use concord_domain::referral::{ReferralDraft, ReferralStatus, StatusChangeDraft};
use concord_store::referrals::Referral;
use serde::Serialize;

/// Who a referral is about, as the caller may see them.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReferredPersonOut {
    /// NHS number: only for the referring care team.
    pub nhs_number: Option<String>,
    /// First name.
    pub given_name: String,
    /// Last name.
    pub family_name: String,
    /// Age in years when referred.
    pub age: Option<i64>,
    /// Phone number.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// `phone`, `text` or `email`.
    pub contact_preference: String,
    /// What they would like help with.
    pub reason: String,
    /// Who recorded their agreement to share.
    pub consent_recorded_by: Option<String>,
    /// When (RFC 3339).
    pub consent_at: Option<String>,
}

/// A referral.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReferralOut {
    /// Its id (also its FHIR Task's and ServiceRequest's).
    pub id: String,
    /// `draft`, `requested`, `received`, `accepted`, `rejected`, `cancelled`, `in_progress`,
    /// `on_hold`, `completed`, `failed` or `entered_in_error`.
    pub status: String,
    /// `care_team` or `self`.
    pub source: String,
    /// The directory service.
    pub service_id: String,
    /// Its name when referred.
    pub service_name: String,
    /// The organisation running it.
    pub receiving_organisation_id: String,
    /// The organisation that made the referral (none for a self-referral).
    pub referring_organisation_id: Option<String>,
    /// Who made it.
    pub referred_by: Option<String>,
    /// `routine` or `urgent`.
    pub priority: String,
    /// The need, in words.
    pub need: Option<String>,
    /// Why it was declined, cancelled, paused or ended (a reason code).
    pub status_reason: Option<String>,
    /// The words with it.
    pub status_note: Option<String>,
    /// The service's capacity answer.
    pub capacity_reply: Option<String>,
    /// When written, sent, first replied to, first contact, ended and last changed (RFC 3339).
    pub authored_on: String,
    /// When sent.
    pub sent_at: Option<String>,
    /// When the service first accepted or declined it.
    pub replied_at: Option<String>,
    /// When the service started supporting the person.
    pub first_contact_at: Option<String>,
    /// When it ended.
    pub closed_at: Option<String>,
    /// When it last changed.
    pub last_modified: String,
    /// Working days waiting for a reply, when past the limit (5).
    pub overdue_working_days: Option<u32>,
    /// Who it is about.
    pub person: ReferredPersonOut,
}

fn out(referral: Referral, overdue: Option<u32>) -> ReferralOut {
    let h = referral.header;
    let p = referral.person;
    ReferralOut {
        id: h.id,
        status: h.status.as_str().into(),
        source: h.source.as_str().into(),
        service_id: h.service_id,
        service_name: h.service_name,
        receiving_organisation_id: h.receiving_organisation_id,
        referring_organisation_id: h.referring_organisation_id,
        referred_by: h.referred_by_name,
        priority: h.priority.as_str().into(),
        need: h.need_label,
        status_reason: h.status_reason.map(|r| r.as_str().into()),
        status_note: h.status_note,
        capacity_reply: h.capacity_reply.map(|c| c.as_str().into()),
        authored_on: h.authored_on,
        sent_at: h.sent_at,
        replied_at: h.replied_at,
        first_contact_at: h.first_contact_at,
        closed_at: h.closed_at,
        last_modified: h.last_modified,
        overdue_working_days: overdue,
        person: ReferredPersonOut {
            nhs_number: p.nhs_number,
            given_name: p.given_name,
            family_name: p.family_name,
            age: p.age,
            phone: p.phone,
            email: p.email,
            contact_preference: p.contact_preference.as_str().into(),
            reason: p.reason,
            consent_recorded_by: p.consent_recorded_by,
            consent_at: p.consent_at,
        },
    }
}

fn rows(rows: Vec<ReferralRow>) -> Vec<ReferralOut> {
    rows.into_iter()
        .map(|r| out(r.referral, r.overdue))
        .collect()
}

/// The caller's referrals.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CaseloadOut {
    /// With the caller's services to act on.
    pub received: Vec<ReferralOut>,
    /// Made by the caller's care teams and still open.
    pub made: Vec<ReferralOut>,
}

/// The caller's referrals: those with their services to act on, and the open ones their care
/// teams made. Audited before it is served.
#[utoipa::path(get, path = "/api/v1/referrals", operation_id = "list_referrals", tag = "refer",
    responses((status = 200, body = CaseloadOut), (status = 403, body = Problem)))]
pub async fn caseload(Context(state, _, permit): Context) -> Result<Json<CaseloadOut>, ApiError> {
    let caseload = use_case::caseload(&state.store, permit.person(), false).await?;
    Ok(Json(CaseloadOut {
        received: rows(caseload.received),
        made: rows(caseload.made),
    }))
}

/// Refers a person on the caller's own practice's registered list to a service (sent, unless
/// `save_as_draft`; sending needs `consent`).
#[utoipa::path(post, path = "/api/v1/referrals", operation_id = "create_referral", tag = "refer", request_body = ReferralDraft,
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    Context(state, _, permit): Context,
    ApiJson(draft): ApiJson<ReferralDraft>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = use_case::make(&state.store, &state.population, permit.person(), &draft).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A referral, for the care team that made it or the service while it is with them (without
/// the NHS number). Audited before it is served.
#[utoipa::path(get, path = "/api/v1/referrals/{id}", operation_id = "get_referral", tag = "refer",
    params(("id" = String, Path, description = "The referral's id")),
    responses((status = 200, body = ReferralOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Json<ReferralOut>, ApiError> {
    let view = use_case::view(&state.store, permit.person(), &id).await?;
    Ok(Json(out(view.referral, view.overdue)))
}

/// A referral's new status.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StatusOut {
    /// The status it left.
    pub from: String,
    /// The status it has now.
    pub status: String,
}

/// Moves a referral through its lifecycle, if the caller acts for the side that makes that move
/// (the referrer sends, cancels or withdraws; the service acknowledges, accepts, declines,
/// starts, pauses, completes or ends). A move the lifecycle does not allow is refused naming it.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/status", operation_id = "change_referral_status", tag = "refer", request_body = StatusChangeDraft,
    params(("id" = String, Path, description = "The referral's id")),
    responses((status = 200, body = StatusOut), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn change_status(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<StatusChangeDraft>,
) -> Result<Json<StatusOut>, ApiError> {
    let from = use_case::change(&state.store, permit.person(), &id, &draft).await?;
    Ok(Json(StatusOut {
        from: from.as_str().into(),
        status: draft.status.trim().into(),
    }))
}

/// Records a contact with the person and the next step, while the referral is open.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/contacts", operation_id = "add_referral_contact", tag = "refer", request_body = ContactDraft,
    params(("id" = String, Path, description = "The referral's id")),
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn add_contact(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<ContactDraft>,
) -> Result<StatusCode, ApiError> {
    use_case::add_contact(&state.store, permit.person(), &id, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records ONS4 wellbeing (each 0–10) and UCLA 3-item loneliness (each 1–3) answers at first
/// contact or follow-up; each questionnaire whole or not at all.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/outcomes", operation_id = "record_referral_outcome", tag = "refer", request_body = OutcomeDraft,
    params(("id" = String, Path, description = "The referral's id")),
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn record_outcome(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<OutcomeDraft>,
) -> Result<StatusCode, ApiError> {
    use_case::record_outcome(&state.store, &state.refer, permit.person(), &id, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn fhir_json(value: serde_json::Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/fhir+json")],
        serde_json::to_vec(&value).unwrap_or_default(),
    )
        .into_response()
}

/// A referral as a FHIR R4 Task (referral management). Audited before it is served.
#[utoipa::path(get, path = "/api/v1/fhir/Task/{id}", operation_id = "read_fhir_task", tag = "refer",
    params(("id" = String, Path, description = "The referral's id")),
    responses((status = 200, description = "A FHIR R4 Task (application/fhir+json)", body = Object), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn fhir_task(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = use_case::view(&state.store, permit.person(), &id).await?;
    Ok(fhir_json(fhir::task(&view.referral)))
}

/// A referral as a FHIR R4 ServiceRequest. Audited before it is served.
#[utoipa::path(get, path = "/api/v1/fhir/ServiceRequest/{id}", operation_id = "read_fhir_service_request", tag = "refer",
    params(("id" = String, Path, description = "The referral's id")),
    responses((status = 200, description = "A FHIR R4 ServiceRequest (application/fhir+json)", body = Object), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn fhir_service_request(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view = use_case::view(&state.store, permit.person(), &id).await?;
    Ok(fhir_json(fhir::service_request(&view.referral)))
}

/// Refers a person the FHIR way: POST a ServiceRequest with the person's NHS number as `subject.identifier`, the directory service as `performer[0]`
/// (`urn:uuid:{id}` or `HealthcareService/{id}`), `note[0].text` what they would like help with,
/// a contained Patient's `telecom` (the one ranked first is how they would like to be
/// contacted), and `supportingInfo` referring to a contained, active Consent (their agreement to
/// share). `status` `active` sends it; `draft` keeps it. The same rules as Concord's own API: the
/// person must be on the caller's own practice's list. Answers 201 with the ServiceRequest as
/// made (its Task is at `/api/v1/fhir/Task/{id}`); a refusal names the request's elements.
#[utoipa::path(post, path = "/api/v1/fhir/ServiceRequest", operation_id = "create_fhir_service_request", tag = "refer", request_body = Object,
    responses((status = 201, description = "The FHIR R4 ServiceRequest as made (application/fhir+json)", body = Object), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn fhir_create_service_request(
    Context(state, _, permit): Context,
    ApiJson(request): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    let id = use_case::make_from_fhir(&state.store, &state.population, permit.person(), &request)
        .await?;
    let view = use_case::view(&state.store, permit.person(), &id).await?;
    let mut response = fhir_json(fhir::service_request(&view.referral));
    *response.status_mut() = StatusCode::CREATED;
    if let Ok(location) = format!("/api/v1/fhir/ServiceRequest/{id}").parse() {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// The status change a FHIR Task asks for: its `status`, `statusReason` (a reason code from
/// Concord's system, and text) and `businessStatus` (a capacity answer).
fn change_from_task(task: &serde_json::Value) -> Result<StatusChangeDraft, ApiError> {
    let refuse = |field: &str, message: &str| {
        ApiError(Problem::invalid(&concord_domain::ValidationErrors::single(
            field, message,
        )))
    };
    if task.get("resourceType").and_then(|v| v.as_str()) != Some("Task") {
        return Err(refuse(
            "resourceType",
            "Send a FHIR Task: resourceType must be \"Task\"",
        ));
    }
    let status = task
        .get("status")
        .and_then(|v| v.as_str())
        .and_then(ReferralStatus::from_fhir)
        .ok_or_else(|| {
            refuse(
                "status",
                "Give the Task's status as a FHIR task-status code, for example \"accepted\"",
            )
        })?;
    let code = |element: &str| {
        task.get(element)
            .and_then(|v| v.get("coding"))
            .and_then(|c| c.get(0))
            .and_then(|c| c.get("code"))
            .and_then(|c| c.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let note = task
        .get("note")
        .and_then(|n| n.get(0))
        .and_then(|n| n.get("text"))
        .and_then(|t| t.as_str())
        .unwrap_or_default()
        .to_string();
    Ok(StatusChangeDraft {
        status: status.as_str().into(),
        reason: code("statusReason"),
        note,
        capacity: code("businessStatus"),
        // A draft is sent with the person's agreement recorded, through Concord's own API
        // (`POST /api/v1/referrals/{id}/status` with `consent`): a Task has no place for it.
        consent: false,
    })
}

/// Changes a referral's status the FHIR way: PUT the Task with its new `status` (and, where the
/// move needs one, a `statusReason` coded from `urn:concord:fhir:CodeSystem:referral-reason`; on
/// accepting, a `businessStatus` from `urn:concord:fhir:CodeSystem:capacity-reply`; a note as
/// `note[0].text`). Other elements are Concord's to keep and are not changed. Answers with the
/// Task as it now is.
#[utoipa::path(put, path = "/api/v1/fhir/Task/{id}", operation_id = "update_fhir_task", tag = "refer", request_body = Object,
    params(("id" = String, Path, description = "The referral's id")),
    responses((status = 200, description = "The FHIR R4 Task as it now is", body = Object), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn fhir_update_task(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(task): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    if task.get("id").and_then(|v| v.as_str()) != Some(id.as_str()) {
        return Err(ApiError(Problem::invalid(
            &concord_domain::ValidationErrors::single(
                "id",
                "Give the Task's id: the one in the address",
            ),
        )));
    }
    let draft = change_from_task(&task)?;
    use_case::change(&state.store, permit.person(), &id, &draft).await?;
    let view = use_case::view(&state.store, permit.person(), &id).await;
    match view {
        Ok(view) => Ok(fhir_json(fhir::task(&view.referral))),
        // A service that has just closed a referral may no longer see it.
        Err(concord_store::StoreError::Forbidden(_)) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(err) => Err(err.into()),
    }
}
