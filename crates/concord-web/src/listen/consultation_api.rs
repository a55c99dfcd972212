//! Consultations in the JSON API: the list, one consultation's questions, its figures as
//! published (every count through the disclosure rule: a number, "<10" or "x"), and its themes
//! with their "you said, we did" answers, for anyone signed in; and responses entered by those
//! who run it (from another survey tool, or typed from paper).

use crate::api::Created;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, Context};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::Json;
use concord_app::listen::{consultations as use_case, figures};
use concord_domain::consultation::response::ResponseDraft;
use concord_domain::consultation::Question;
use concord_store::consultations::{self as store, Consultation, Theme};
use serde::Serialize;

/// Every consultation.
#[utoipa::path(get, path = "/api/v1/consultations", operation_id = "list_consultations", tag = "listen",
    responses((status = 200, body = [Consultation])))]
pub async fn list(Context(state, _, _): Context) -> Result<Json<Vec<Consultation>>, ApiError> {
    Ok(Json(store::list(&state.store).await?))
}

/// A consultation with its questions and themes.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ConsultationOut {
    /// The consultation.
    pub consultation: Consultation,
    /// Its questions, in order.
    pub questions: Vec<Question>,
    /// Its themes, with their "you said, we did" answers once given.
    pub themes: Vec<Theme>,
}

/// One consultation: its questions and themes.
#[utoipa::path(get, path = "/api/v1/consultations/{id}", operation_id = "get_consultation", tag = "listen",
    params(("id" = String, Path, description = "The consultation's id")),
    responses((status = 200, body = ConsultationOut), (status = 404, body = Problem)))]
pub async fn get(
    Context(state, _, _): Context,
    Path(id): Path<String>,
) -> Result<Json<ConsultationOut>, ApiError> {
    Ok(Json(ConsultationOut {
        consultation: store::get(&state.store, &id).await?,
        questions: store::questions(&state.store, &id).await?,
        themes: store::themes(&state.store, &id).await?,
    }))
}

/// Counts as published: each a number, "<10" (suppressed) or "x" (withheld).
#[derive(Serialize, utoipa::ToSchema)]
pub struct CountsOut {
    /// What is counted ("Place", a question, a theme).
    pub of: String,
    /// (group, count as published).
    pub groups: Vec<(String, String)>,
    /// The total as published, where one is.
    pub total: Option<String>,
}

/// One pair of analysts' agreement on a theme.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AgreementOut {
    /// The theme.
    pub theme: String,
    /// "Analyst 1 and analyst 2".
    pub pair: String,
    /// The answers both read.
    pub answers: usize,
    /// How many of them they agreed on.
    pub agreed: usize,
    /// Cohen's kappa, if defined.
    pub kappa: Option<f64>,
}

/// A consultation's figures as published.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ConsultationFiguresOut {
    /// Respondents, as published.
    pub respondents: String,
    /// Respondents by channel, place, age band, sex, ethnic group and deprivation.
    pub who_responded: Vec<CountsOut>,
    /// Each choice, rating and ranking question (a ranking: how many put each first).
    pub choices: Vec<CountsOut>,
    /// Each theme: people who raised it by place, with the total.
    pub themes: Vec<CountsOut>,
    /// Free-text answers no analyst has read yet.
    pub unread: usize,
    /// Analysts' agreement.
    pub agreement: Vec<AgreementOut>,
    /// The disclosure rule the counts passed.
    pub rule: String,
}

/// A consultation's figures, every count through the disclosure rule.
#[utoipa::path(get, path = "/api/v1/consultations/{id}/figures", operation_id = "consultation_figures", tag = "listen",
    params(("id" = String, Path, description = "The consultation's id")),
    responses((status = 200, body = ConsultationFiguresOut), (status = 404, body = Problem)))]
pub async fn figures(
    Context(state, _, _): Context,
    Path(id): Path<String>,
) -> Result<Json<ConsultationFiguresOut>, ApiError> {
    let f = figures::figures(&state.store, &id, &state.population.rule()).await?;
    let text = |groups: &[(String, concord_population::disclosure::Shown)]| {
        groups
            .iter()
            .map(|(g, s)| (g.clone(), s.to_string()))
            .collect()
    };
    Ok(Json(ConsultationFiguresOut {
        respondents: f.respondents.to_string(),
        who_responded: f
            .breakdowns
            .iter()
            .map(|b| CountsOut {
                of: b.by.to_string(),
                groups: text(&b.groups),
                total: None,
            })
            .collect(),
        choices: f
            .choices
            .iter()
            .map(|c| CountsOut {
                of: c.question.prompt.clone(),
                groups: text(&c.options),
                total: Some(c.answered.to_string()),
            })
            .collect(),
        themes: f
            .themes
            .iter()
            .map(|(theme, cells, total)| CountsOut {
                of: theme.label.clone(),
                groups: f
                    .places
                    .iter()
                    .cloned()
                    .zip(cells.iter().map(|c| c.to_string()))
                    .collect(),
                total: Some(total.to_string()),
            })
            .collect(),
        unread: f.unread,
        agreement: f
            .agreement
            .iter()
            .flat_map(|a| {
                a.pairs.iter().map(|(pair, agreement)| AgreementOut {
                    theme: a.label.clone(),
                    pair: pair.clone(),
                    answers: agreement.answers,
                    agreed: (agreement.observed * agreement.answers as f64).round() as usize,
                    kappa: agreement.kappa,
                })
            })
            .collect(),
        rule: f.rule,
    }))
}

/// Enters a response gathered another way (on paper, at an event, by phone, or in another
/// survey tool): those who run the consultation. `channel` says how it came.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/responses", operation_id = "enter_consultation_response", tag = "listen",
    params(("id" = String, Path, description = "The consultation's id")), request_body = ResponseDraft,
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn enter(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    ApiJson(draft): ApiJson<ResponseDraft>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = use_case::enter(
        &state.store,
        &state.population,
        permit.person(),
        &permit.actor,
        &id,
        &draft,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
