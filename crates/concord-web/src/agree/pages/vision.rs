//! Agree: the shared vision. Drafts saved as versions, a word-by-word comparison of any two, and
//! partners' comments on each version.

use crate::auth::Visitor;
use crate::authz::{Permit, Rule, Target};
use crate::error::PageError;
use crate::extract::Context;
use crate::extract::{PageForm, Params};
use crate::ui::filters;
use crate::ui::form::{form_page, settle, Fields, FormDef};
use crate::ui::notice::{Next, Notice};
use crate::ui::{render, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concord_domain::ValidationErrors;
use concord_store::strategy::{self, Round};
use concord_store::vision::{self, VisionComment, VisionVersion};
use serde::{Deserialize, Serialize};

#[derive(Template)]
#[template(path = "agree/vision.html")]
struct VisionPage {
    layout: Layout,
    round: Round,
    versions: Vec<VisionVersion>,
    comments: Vec<VisionComment>,
    can_manage: bool,
    errors: ValidationErrors,
    comment_text: String,
}

async fn vision_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    errors: ValidationErrors,
    comment_text: String,
) -> Result<Response, PageError> {
    let round = strategy::get(&state.store, id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = VisionPage {
        layout: Layout::new(
            state,
            visitor,
            permit,
            format!("Vision – {}", round.title),
            "rounds",
        ),
        can_manage: permit.may(state, Rule::ManageRound, Target::id(id)).await?,
        versions: vision::versions(&state.store, id).await?,
        comments: vision::comments(&state.store, id).await?,
        round,
        errors,
        comment_text,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /rounds/{id}/vision`.
pub async fn vision(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    vision_page(
        &state,
        &visitor,
        &permit,
        &id,
        ValidationErrors::default(),
        String::new(),
    )
    .await
}

fn vision_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    round: Round,
    form: VisionFields,
    errors: ValidationErrors,
) -> Response {
    let def = FormDef {
        warning: None,
        heading: "Draft the vision".into(),
        caption: round.title,
        intro: "Saving creates a new version; earlier versions and their comments are kept.".into(),
        back: (
            format!("/rounds/{}/vision", round.id),
            "Back to the vision".into(),
        ),
        action: format!("/rounds/{}/vision", round.id),
        submit: "Save as a new version".into(),
        fields: Fields::new(&form)
            .textarea("text", "The shared vision", "")
            .build(),
    };
    form_page(
        Layout::new(state, visitor, permit, "Draft the vision", "rounds"),
        def,
        errors,
    )
}

/// The vision form's field.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct VisionFields {
    text: String,
}

/// `GET /rounds/{id}/vision/edit`: a new draft starts from the latest version.
pub async fn edit_vision(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let round = strategy::get(&state.store, &id).await?;
    let text = vision::versions(&state.store, &id)
        .await?
        .into_iter()
        .next()
        .map(|v| v.text)
        .unwrap_or_default();
    Ok(vision_form(
        &state,
        &visitor,
        &permit,
        round,
        VisionFields { text },
        ValidationErrors::default(),
    ))
}

/// `POST /rounds/{id}/vision`: saves a new version.
pub async fn save_vision(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<VisionFields>,
) -> Result<Response, PageError> {
    let saved = vision::save(&state.store, &permit.actor, &id, &form.text).await;
    let (state, visitor, permit, id) = (&state, &visitor, &permit, &id);
    settle(
        saved,
        |_| Next::to(format!("/rounds/{id}/vision"), Notice::VisionSaved),
        |errors| async move {
            let round = strategy::get(&state.store, id).await?;
            Ok(vision_form(state, visitor, permit, round, form, errors))
        },
    )
    .await
}

/// The comment form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommentFields {
    version: String,
    text: String,
}

/// `POST /rounds/{id}/vision/comments`.
pub async fn comment(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<CommentFields>,
) -> Result<Response, PageError> {
    let version = form.version.trim().parse::<i64>().unwrap_or(0);
    settle(
        vision::comment(&state.store, &permit.actor, &id, version, &form.text).await,
        |()| {
            Next::to(
                format!("/rounds/{id}/vision#comments"),
                Notice::CommentAdded,
            )
        },
        |errors| vision_page(&state, &visitor, &permit, &id, errors, form.text),
    )
    .await
}

/// The comparison's query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DiffQuery {
    from: Option<i64>,
    to: Option<i64>,
}

/// A run of words in a comparison: "same", "removed" or "added".
pub type DiffRun = (&'static str, String);

/// Compares two texts word by word.
pub fn word_diff(old: &str, new: &str) -> Vec<DiffRun> {
    let diff = similar::TextDiff::from_words(old, new);
    let mut runs: Vec<DiffRun> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            similar::ChangeTag::Equal => "same",
            similar::ChangeTag::Delete => "removed",
            similar::ChangeTag::Insert => "added",
        };
        match runs.last_mut() {
            Some((last, text)) if *last == kind => text.push_str(change.value()),
            _ => runs.push((kind, change.value().to_string())),
        }
    }
    runs
}

#[derive(Template)]
#[template(path = "agree/vision_diff.html")]
struct DiffPage {
    layout: Layout,
    round: Round,
    from: i64,
    to: i64,
    runs: Vec<DiffRun>,
    added: usize,
    removed: usize,
}

/// `GET /rounds/{id}/vision/diff?from=N&to=M`: what changed between two versions.
pub async fn diff(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    Params(q): Params<DiffQuery>,
) -> Result<Response, PageError> {
    let round = strategy::get(&state.store, &id).await?;
    let versions = vision::versions(&state.store, &id).await?;
    let latest = versions.first().map(|v| v.version).unwrap_or(0);
    let to = q.to.unwrap_or(latest);
    let from = q.from.unwrap_or(to - 1);
    let text = |n: i64| {
        versions
            .iter()
            .find(|v| v.version == n)
            .map(|v| v.text.clone())
    };
    let (Some(old), Some(new)) = (text(from), text(to)) else {
        return Err(PageError::not_found());
    };
    let runs = word_diff(&old, &new);
    let count = |kind: &str| {
        runs.iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, t)| t.split_whitespace().count())
            .sum()
    };
    let page = DiffPage {
        layout: Layout::new(
            &state,
            &visitor,
            &permit,
            format!("Vision: version {from} to {to}"),
            "rounds",
        ),
        added: count("added"),
        removed: count("removed"),
        round,
        from,
        to,
        runs,
    };
    Ok(render(&page))
}

#[cfg(test)]
mod tests {
    use super::word_diff;

    #[test]
    fn word_diff_marks_removed_and_added_words() {
        let runs = word_diff(
            "Care closer to home for all",
            "Care closer to home for everyone",
        );
        assert_eq!(
            runs.iter()
                .filter(|(k, _)| *k == "removed")
                .map(|(_, t)| t.as_str())
                .collect::<String>(),
            "all"
        );
        assert_eq!(
            runs.iter()
                .filter(|(k, _)| *k == "added")
                .map(|(_, t)| t.as_str())
                .collect::<String>(),
            "everyone"
        );
        let joined_new: String = runs
            .iter()
            .filter(|(k, _)| *k != "removed")
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(joined_new, "Care closer to home for everyone");
    }
}
