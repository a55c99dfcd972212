//! Tagging free-text answers with a consultation's themes, one answer at a time, for analysts
//! anywhere in the partnership and those who run it. Each analyst reads on their own; their
//! agreement is shown on the consultation's page.

use crate::error::PageError;
use crate::extract::{Context, PageForm};
use crate::ui::form::Posted;
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::{filters, render, Layout};
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use concord_app::listen::consultations::{self as use_case, ToTag};
use concord_store::consultations::{self as store, Consultation, Theme};

#[derive(Template)]
#[template(path = "listen/tag.html")]
struct TagPage {
    layout: Layout,
    consultation: Consultation,
    themes: Vec<Theme>,
    next: Option<ToTag>,
}

/// `GET /consultations/{id}/tag`: the next answer the analyst has not read.
pub async fn next(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let consultation = store::get(&state.store, &id).await?;
    let next = use_case::next_to_tag(&state.store, permit.person(), &id).await?;
    Ok(render(&TagPage {
        layout: Layout::new(&state, &visitor, &permit, "Tag answers", "consultations"),
        themes: store::themes(&state.store, &id).await?,
        consultation,
        next,
    }))
}

/// `POST /consultations/{id}/tag`: the themes found in one answer (none is an answer too).
pub async fn tag(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let themes: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "themes")
        .map(|(_, v)| v.clone())
        .collect();
    use_case::tag(
        &state.store,
        permit.person(),
        &permit.actor,
        &id,
        &field("response_id"),
        &field("question_id"),
        &themes,
    )
    .await?;
    Ok(confirmed(Next::to(
        format!("/consultations/{id}/tag"),
        Notice::AnswerTagged,
    )))
}
