//! A service's capacity, said between imports by the people who keep it: a form beside the
//! service's page, and the same in the API for a VCSE case-management tool.

use crate::auth::Visitor;
use crate::authz::Permit;
use crate::error::{ApiError, PageError, Problem};
use crate::extract::{ApiJson, Context, PageForm};
use crate::ui::form::{form_page, parse, settle, Fields, FormDef, Posted};
use crate::ui::notice::{Next, Notice};
use crate::ui::Layout;
use crate::AppState;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use concord_app::refer::directory as use_case;
use concord_domain::directory::{CapacityDraft, DEFAULT_UNIT};
use concord_domain::ValidationErrors;
use concord_store::directory::{self, StoredService};

async fn capacity_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    service: &StoredService,
    draft: &CapacityDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let id = &service.id;
    let fields = Fields::new(draft)
        .number(
            "available",
            "Places free now",
            "How many more people you could take on now. 0 if you are full.",
        )
        .number(
            "maximum",
            "Places at most (optional)",
            "How many people you can support at once",
        )
        .text(
            "unit",
            "What you count",
            "For example places, sessions or beds",
        )
        .build();
    let def = FormDef {
        heading: "Update places available".into(),
        caption: service.name.clone(),
        intro: "Referrers see this on the service's page and when they choose where to refer, and the public directory shows it with today's date. Update it whenever it changes.".into(),
        warning: None,
        back: (format!("/services/{id}"), service.name.clone()),
        action: format!("/services/{id}/capacity"),
        submit: "Save places available".into(),
        fields,
    };
    Ok(form_page(
        Layout::new(
            state,
            visitor,
            permit,
            "Update places available",
            "services",
        ),
        def,
        errors,
    ))
}

/// `GET /services/{id}/capacity`: the form, filled with what the provider last said.
pub async fn edit(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let service = directory::service(&state.store, &id).await?;
    let draft = match service.capacity.clone() {
        Some((available, maximum, unit, _)) => CapacityDraft {
            // Plain digits: a number field refuses "1,200".
            available: (available.round() as i64).to_string(),
            maximum: maximum
                .map(|m| (m.round() as i64).to_string())
                .unwrap_or_default(),
            unit,
        },
        None => CapacityDraft {
            unit: DEFAULT_UNIT.into(),
            ..CapacityDraft::default()
        },
    };
    capacity_form(
        &state,
        &visitor,
        &permit,
        &service,
        &draft,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /services/{id}/capacity`: saves it and goes back to the service's page.
pub async fn save(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let draft: CapacityDraft = parse(&form, &[])?;
    settle(
        use_case::set_capacity(&state.store, permit.person(), &permit.actor, &id, &draft).await,
        |()| Next::to(format!("/services/{id}"), Notice::CapacityUpdated),
        |errors| async {
            let service = directory::service(&state.store, &id).await?;
            capacity_form(&state, &visitor, &permit, &service, &draft, errors).await
        },
    )
    .await
}

/// Sets a directory service's capacity now (places free, and at most), for the people who keep
/// it: its partner's lead or VCSE workers (an administrator for the system's own directory).
/// Written into the service's HSDS record with today's date.
#[utoipa::path(put, path = "/api/v1/services/{id}/capacity", operation_id = "set_service_capacity", tag = "refer", request_body = CapacityDraft,
    params(("id" = String, Path, description = "The directory service's id (a UUID)")),
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn put(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<CapacityDraft>,
) -> Result<StatusCode, ApiError> {
    use_case::set_capacity(&state.store, permit.person(), &permit.actor, &id, &draft).await?;
    Ok(StatusCode::NO_CONTENT)
}
