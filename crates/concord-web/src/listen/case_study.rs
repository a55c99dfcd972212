//! Writing a case study to publish (administrators, who speak for the system): the form, a
//! preview of exactly what would be signed, and the explicit, audited publish. The use case is
//! [`concord_app::listen::exchange::write`].

use super::document::DocumentView;
use super::exchange::preview;
use crate::error::PageError;
use crate::extract::{Context, PageForm};
use crate::ui::form::{form_page, parse, Fields, FormDef, Posted};
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::{filters, render, Layout};
use crate::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concord_app::listen::exchange::publish;
use concord_app::listen::exchange::write::CaseStudyDraft;
use concord_domain::ValidationErrors;
use concord_store::{lookups, metrics, StoreError};

const LISTS: &[&str] = &["partner_ids"];

async fn form(
    state: &AppState,
    visitor: &crate::auth::Visitor,
    permit: &crate::authz::Permit,
    draft: &CaseStudyDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let metric_choices = metrics::list(&state.store)
        .await?
        .into_iter()
        .map(|m| (m.code, m.name))
        .collect();
    let fields = Fields::new(draft)
        .text("title", "Title", "What was done, in a few words: it also makes the document's address")
        .textarea("problem", "The problem", "What was wrong, for whom, and how you knew")
        .textarea("population", "Who it was for", "The people and places, in numbers where you can; never anyone who could be recognised")
        .checkboxes("partner_ids", "The partners who did it", "Organisations, never people", lookups::partner_organisations(&state.store).await?)
        .textarea("intervention", "What you did", "")
        .date("started_on", "When the change began", "The chart of its measure starts new limits here")
        .select_with_hint("metric", "Its measure", "A catalogue metric: its whole-system values go with the case study, counts of people through the disclosure rule", metric_choices, "None")
        .textarea("costs", "What it cost", "One cost a line: what | amount in pounds | one-off or per year | who paid. For example: Six physiotherapists | 412,000 | per year | The ICB")
        .textarea("differently", "What you would do differently", "")
        .textarea("milestones", "Its milestones", "One a line, in order: another system may start a programme from them")
        .build();
    Ok(form_page(
        Layout::new(state, visitor, permit, "Write a case study", "exchange"),
        FormDef {
            heading: "Write a case study".into(),
            caption: "Exchange with other systems".into(),
            intro: "You will see exactly what will be signed before anything is published. Nothing that could identify a person may be in it: it is checked, and refused naming the field.".into(),
            warning: None,
            back: ("/exchange".into(), "Exchange with other systems".into()),
            action: "/exchange/case-studies/preview".into(),
            submit: "Preview it".into(),
            fields,
        },
        errors,
    ))
}

fn refused(page: Response) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

/// `GET /exchange/case-studies/new`.
pub async fn new(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    form(
        &state,
        &visitor,
        &permit,
        &CaseStudyDraft::default(),
        ValidationErrors::default(),
    )
    .await
}

#[derive(Template)]
#[template(path = "listen/case_study_preview.html")]
struct PreviewPage {
    layout: Layout,
    view: DocumentView,
    version: u64,
    posted: Vec<(String, String)>,
}

/// `POST /exchange/case-studies/preview`: exactly what would be signed, and the button that
/// signs it; or the form again with what to put right.
pub async fn preview_page(
    Context(state, visitor, permit): Context,
    PageForm(posted): PageForm<Posted>,
) -> Result<Response, PageError> {
    let draft: CaseStudyDraft = parse(&posted, LISTS)?;
    let rule = state.population.rule();
    let prepared = match draft.offer(&state.store, &rule).await {
        Ok(offer) => publish::prepare(&state.store, &rule, &offer).await,
        Err(e) => Err(e),
    };
    let prepared = match prepared {
        Ok(p) => p,
        Err(StoreError::Invalid(errors)) => {
            return Ok(refused(
                form(&state, &visitor, &permit, &draft, errors).await?,
            ))
        }
        Err(other) => return Err(other.into()),
    };
    let Some((view, version)) = preview(&state, &prepared).await? else {
        return Err(PageError::internal("a case study could not be drawn"));
    };
    Ok(render(&PreviewPage {
        layout: Layout::new(
            &state,
            &visitor,
            &permit,
            "Publish a case study",
            "exchange",
        ),
        view,
        version,
        posted: posted
            .into_iter()
            .filter(|(k, _)| k != "csrf_token")
            .collect(),
    }))
}

/// `POST /exchange/case-studies`: signs and publishes it as its address's next version.
pub async fn publish(
    Context(state, visitor, permit): Context,
    PageForm(posted): PageForm<Posted>,
) -> Result<Response, PageError> {
    let draft: CaseStudyDraft = parse(&posted, LISTS)?;
    let rule = state.population.rule();
    let published = match draft.offer(&state.store, &rule).await {
        Ok(offer) => {
            publish::publish(
                &state.store,
                &state.exchange,
                permit.person(),
                &permit.actor,
                &rule,
                &offer,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match published {
        Ok(publication) => Ok(confirmed(Next::to(
            format!("/exchange/published/{}", publication.slug),
            Notice::DocumentPublished,
        ))),
        Err(StoreError::Invalid(errors)) => Ok(refused(
            form(&state, &visitor, &permit, &draft, errors).await?,
        )),
        Err(other) => Err(other.into()),
    }
}
