//! The audit log for administrators: browse, filter, export as CSV.

use crate::error::PageError;
use crate::extract::Context;
use crate::extract::Params;
use crate::ui::filters;
use crate::ui::{page_link, render, Layout};
use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use concord_domain::ValidationErrors;
use concord_store::audit::{self, AuditRecord};
use concord_store::meetings;
use concord_store::{AuditEntry, AuditFilter, Page, PageRequest, StoreError};
use serde::Deserialize;

/// The audit page's query string: the filter and a page number.
#[derive(Debug, Deserialize, Default)]
pub struct AuditQuery {
    #[serde(flatten)]
    filter: AuditFilter,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "foundation/audit.html")]
struct AuditPage {
    layout: Layout,
    filter: AuditFilter,
    records: Page<AuditRecord>,
    errors: ValidationErrors,
    export_link: String,
    prev: String,
    next: String,
}

fn filter_params(f: &AuditFilter) -> Vec<(&'static str, &str)> {
    fn v(o: &Option<String>) -> &str {
        o.as_deref().unwrap_or("")
    }
    vec![
        ("actor", v(&f.actor)),
        ("action", v(&f.action)),
        ("object_id", v(&f.object_id)),
        ("outcome", v(&f.outcome)),
        ("from", v(&f.from)),
        ("to", v(&f.to)),
    ]
}

/// `GET /audit`.
pub async fn audit_log(
    Context(state, visitor, permit): Context,
    Params(query): Params<AuditQuery>,
) -> Result<Response, PageError> {
    let page_number = query.page.as_deref().and_then(|p| p.parse().ok());
    let viewer = meetings::scope_of(&state.store, &permit.person().person_id).await?;
    let (records, errors) = match audit::list(
        &state.store,
        &viewer,
        &query.filter,
        PageRequest::new(page_number, Some(50)),
    )
    .await
    {
        Ok(records) => (records, ValidationErrors::default()),
        Err(StoreError::Invalid(errors)) => (
            Page {
                items: vec![],
                page: 1,
                per_page: 50,
                total: 0,
            },
            errors,
        ),
        Err(err) => return Err(err.into()),
    };
    let params = filter_params(&query.filter);
    let prev = if records.page > 1 {
        page_link(&params, records.page - 1)
    } else {
        String::new()
    };
    let next = if records.has_next() {
        page_link(&params, records.page + 1)
    } else {
        String::new()
    };
    let export_link = format!(
        "/audit/export.csv{}",
        page_link(&params, 1)
            .replace("&page=1", "")
            .replace("?page=1", "")
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = AuditPage {
        layout: Layout::new(&state, &visitor, &permit, "Audit log", "audit"),
        filter: query.filter,
        records,
        errors,
        export_link,
        prev,
        next,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /audit/export.csv`: every matching entry, oldest first. The export itself is audited.
pub async fn export(
    Context(state, _, permit): Context,
    Params(filter): Params<AuditFilter>,
) -> Result<Response, PageError> {
    let viewer = meetings::scope_of(&state.store, &permit.person().person_id).await?;
    let csv = audit::export_csv(&state.store, &viewer, &filter).await?;
    state
        .store
        .audit_only(AuditEntry::success(
            &permit.actor,
            "audit.export",
            "audit_log",
            None,
            format!("{} bytes", csv.len()),
        ))
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"concord-audit.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}
