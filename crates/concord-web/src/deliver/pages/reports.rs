//! Reports on programmes for people: the printable highlight report (page and PDF) and "my work".

use super::programmes::scope;
use crate::error::PageError;
use crate::extract::Context;
use crate::ui::filters;
use crate::ui::{render, Layout};
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use concord_store::programmes;
use concord_store::reports::{self, HighlightReport};

#[derive(Template)]
#[template(path = "deliver/highlight.html")]
struct HighlightPage {
    layout: Layout,
    report: HighlightReport,
}

/// `GET /programmes/{id}/highlight`: the printable highlight report.
pub async fn highlight(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let programme = programmes::get(&state.store, &id).await?;
    let viewer = scope(&state, &permit).await?;
    let report =
        reports::highlight(&state.store, &viewer, programme, &[], chrono::Utc::now()).await?;
    Ok(render(&HighlightPage {
        layout: Layout::new(
            &state,
            &visitor,
            &permit,
            format!("Highlight report – {}", report.programme.name),
            "programmes",
        ),
        report,
    }))
}

#[derive(Template)]
#[template(path = "deliver/highlight_print.html")]
struct HighlightPrint {
    system_name: String,
    generated_at: String,
    report: HighlightReport,
}

/// `GET /programmes/{id}/highlight.pdf`.
pub async fn highlight_pdf(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let programme = programmes::get(&state.store, &id).await?;
    let viewer = scope(&state, &permit).await?;
    let now = chrono::Utc::now();
    let report = reports::highlight(&state.store, &viewer, programme, &[], now).await?;
    let name = crate::pdf::filename(&format!("{} highlight report", report.programme.name));
    let html = HighlightPrint {
        system_name: state.system_name.clone(),
        generated_at: concord_store::format_timestamp(now),
        report,
    }
    .render()
    .map_err(|e| PageError::internal(e.to_string()))?;
    Ok(crate::pdf::respond(crate::pdf::print(html).await, &name))
}
