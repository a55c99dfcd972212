//! Answering a consultation: the public pages (no sign-in, no JavaScript needed: the list of
//! consultations, one's purpose and questions, the thank-you page, and "you said, we did") and
//! the response form they share with staff entering a response gathered another way.

use crate::error::PageError;
use crate::extract::{Context, PageForm};
use crate::ui::form::Posted;
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::{filters, render, Choice, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concord_app::listen::consultations as use_case;
use concord_app::listen::figures::{self, Figures};
use concord_domain::consultation::response::{AgeBand, ResponseDraft, Sex};
use concord_domain::consultation::{Channel, Question, QuestionKind};
use concord_domain::ethnicity::EthnicGroup;
use concord_domain::ValidationErrors;
use concord_store::consultations::{self as store, Consultation};
use concord_store::StoreError;
use serde_json::Value;
use std::collections::BTreeMap;

/// The response form: the consultation's questions and the optional questions about the person,
/// filled with what was posted and its errors.
pub struct ResponseForm {
    /// The consultation.
    pub consultation: Consultation,
    /// Its questions.
    pub questions: Vec<Question>,
    /// Whether staff are entering it (they say how it came).
    pub assisted: bool,
    /// Where it posts.
    pub action: String,
    /// The places to choose from.
    pub places: Vec<Choice>,
    /// What was posted.
    pub posted: Posted,
    /// What was wrong.
    pub errors: ValidationErrors,
}

impl ResponseForm {
    /// The form for `consultation`.
    pub async fn new(
        state: &AppState,
        consultation: &Consultation,
        assisted: bool,
        posted: Posted,
        errors: ValidationErrors,
    ) -> Result<ResponseForm, PageError> {
        let places = figures::place_list(&state.store).await?;
        Ok(ResponseForm {
            questions: store::questions(&state.store, &consultation.id).await?,
            action: if assisted {
                format!("/consultations/{}/responses", consultation.id)
            } else {
                format!("/have-your-say/{}", consultation.id)
            },
            consultation: consultation.clone(),
            assisted,
            places,
            posted,
            errors,
        })
    }

    /// The value posted for `name`.
    pub fn value(&self, name: &str) -> &str {
        self.posted
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Whether `value` was posted for `name` (a ticked box or chosen radio).
    pub fn chosen(&self, name: &str, value: &str) -> bool {
        self.posted.iter().any(|(k, v)| k == name && v == value)
    }

    /// The error for `name`.
    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.for_field(name)
    }

    /// Rating choices.
    pub fn ratings(&self) -> Vec<(String, &'static str)> {
        [
            (1, "1 (very poor)"),
            (2, "2"),
            (3, "3"),
            (4, "4"),
            (5, "5 (very good)"),
        ]
        .iter()
        .map(|(n, l)| (n.to_string(), *l))
        .collect()
    }

    /// Age bands, sexes, ethnic groups and channels to choose from.
    pub fn age_bands(&self) -> Vec<(&'static str, &'static str)> {
        AgeBand::ALL
            .iter()
            .map(|a| (a.as_str(), a.label()))
            .collect()
    }
    /// Sexes.
    pub fn sexes(&self) -> Vec<(&'static str, &'static str)> {
        Sex::ALL.iter().map(|s| (s.as_str(), s.label())).collect()
    }
    /// Ethnic groups.
    pub fn ethnic_groups(&self) -> Vec<(String, String)> {
        EthnicGroup::choices()
    }
    /// How a staff-entered response came.
    pub fn channels(&self) -> Vec<(&'static str, &'static str)> {
        Channel::ALL
            .iter()
            .filter(|c| **c != Channel::Online)
            .map(|c| (c.as_str(), c.label()))
            .collect()
    }
    /// The ranks a ranking question offers: 1 to its number of options.
    pub fn ranks(&self, q: &Question) -> Vec<String> {
        (1..=q.options.len()).map(|n| n.to_string()).collect()
    }

    /// The field of the rank given to a ranking question's option at `index`.
    pub fn rank_field(&self, q: &Question, index: impl std::borrow::Borrow<usize>) -> String {
        let index = *index.borrow();
        format!("q_{}_{index}", q.id)
    }

    /// A question's kind, for the template.
    pub fn is(&self, q: &Question, kind: &str) -> bool {
        q.kind.as_str() == kind
    }
}

#[derive(Template)]
#[template(path = "listen/respond.html")]
pub struct RespondPage {
    layout: Layout,
    form: ResponseForm,
}

/// The response form in its page.
pub fn response_fields(layout: Layout, form: ResponseForm) -> RespondPage {
    RespondPage { layout, form }
}

/// A page shown again with its errors.
pub fn refused(page: Response) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

/// Reads the posted form into a response draft: `q_{id}` for most questions (repeated for a
/// multiple choice), `q_{id}_{n}` for the rank given to a ranking's nth option.
pub fn draft_from(posted: &Posted, questions: &[Question]) -> ResponseDraft {
    let field = |name: &str| {
        posted
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut answers = BTreeMap::new();
    for q in questions {
        let name = format!("q_{}", q.id);
        let value = match q.kind {
            QuestionKind::MultipleChoice => Value::Array(
                posted
                    .iter()
                    .filter(|(k, _)| *k == name)
                    .map(|(_, v)| Value::String(v.clone()))
                    .collect(),
            ),
            QuestionKind::Ranking => Value::Object(
                q.options
                    .iter()
                    .enumerate()
                    .filter_map(|(i, o)| {
                        let rank = field(&format!("{name}_{i}"));
                        (!rank.is_empty()).then(|| (o.clone(), Value::String(rank)))
                    })
                    .collect(),
            ),
            _ => Value::String(field(&name)),
        };
        answers.insert(q.id.clone(), value);
    }
    ResponseDraft {
        answers,
        place_id: field("place_id"),
        age_band: field("age_band"),
        sex: field("sex"),
        ethnic_group: field("ethnic_group"),
        postcode: field("postcode"),
        channel: field("channel"),
    }
}

#[derive(Template)]
#[template(path = "listen/have_your_say.html")]
struct HaveYourSay {
    layout: Layout,
    open: Vec<Consultation>,
    closed: Vec<Consultation>,
}

/// `GET /have-your-say`: the consultations open now, and those whose answers are published.
pub async fn list(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let (open, closed) = use_case::public(&state.store)
        .await?
        .into_iter()
        .partition(use_case::takes_responses);
    Ok(render(&HaveYourSay {
        layout: Layout::new(&state, &visitor, &permit, "Have your say", "have-your-say"),
        open,
        closed,
    }))
}

/// `GET /have-your-say/{id}`: what it is for and, while it is open, its questions.
pub async fn show(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let consultation = use_case::published(&state.store, &id).await?;
    if !use_case::takes_responses(&consultation) {
        return Ok(redirect(format!("/have-your-say/{id}/you-said-we-did")));
    }
    let form = ResponseForm::new(
        &state,
        &consultation,
        false,
        Vec::new(),
        ValidationErrors::default(),
    )
    .await?;
    Ok(crate::auth::public_form(&visitor, |visitor| {
        let layout = Layout::new(
            &state,
            visitor,
            &permit,
            consultation.title.clone(),
            "have-your-say",
        );
        render(&response_fields(layout, form))
    }))
}

fn redirect(to: String) -> Response {
    axum::response::Redirect::to(&to).into_response()
}

/// `POST /have-your-say/{id}`: keeps the response and thanks them; or shows what to put right.
pub async fn respond(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let consultation = use_case::published(&state.store, &id).await?;
    let questions = store::questions(&state.store, &id).await?;
    let draft = draft_from(&form, &questions);
    match use_case::respond(
        &state.store,
        &state.population,
        &id,
        &draft,
        &visitor.client,
    )
    .await
    {
        Ok(_) => Ok(confirmed(Next::to(
            format!("/have-your-say/{id}/thanks"),
            Notice::ResponseSent,
        ))),
        Err(StoreError::Invalid(errors)) => {
            let page = ResponseForm::new(&state, &consultation, false, form, errors).await?;
            Ok(refused(crate::auth::public_form(&visitor, |visitor| {
                let mut layout = Layout::new(
                    &state,
                    visitor,
                    &permit,
                    consultation.title.clone(),
                    "have-your-say",
                );
                layout.has_errors = true;
                render(&response_fields(layout, page))
            })))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "listen/thanks.html")]
struct Thanks {
    layout: Layout,
    consultation: Consultation,
}

/// `GET /have-your-say/{id}/thanks`.
pub async fn thanks(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let consultation = use_case::published(&state.store, &id).await?;
    Ok(render(&Thanks {
        layout: Layout::new(&state, &visitor, &permit, "Thank you", "have-your-say"),
        consultation,
    }))
}

#[derive(Template)]
#[template(path = "listen/you_said.html")]
struct YouSaid {
    layout: Layout,
    consultation: Consultation,
    figures: Figures,
    reach: Option<concord_app::listen::reach::Reach>,
    open: bool,
    as_of: String,
    promises: std::collections::BTreeMap<String, concord_domain::consultation::progress::Progress>,
    round: Option<(String, String)>,
}

/// Who responded to consultation `id` against who lives here; none without a population picture
/// (or when it cannot be read, which the page says the same way).
pub async fn reach_of(
    state: &AppState,
    id: &str,
) -> Result<Option<concord_app::listen::reach::Reach>, PageError> {
    let counts = store::respondent_counts(&state.store, id).await?;
    let places = figures::place_list(&state.store).await?;
    Ok(concord_app::listen::reach::reach(
        &state.population,
        &counts,
        &places,
        &state.population.rule(),
    )
    .await
    .unwrap_or_else(|e| {
        tracing::warn!("reach could not be worked: {e}");
        None
    }))
}

/// `GET /have-your-say/{id}/you-said-we-did`: what people said, by theme and in numbers (through
/// the disclosure rule), and what was done about each theme.
pub async fn you_said(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let consultation = use_case::published(&state.store, &id).await?;
    let open = use_case::takes_responses(&consultation);
    let published = state
        .published
        .get(&state.store, &state.population, &consultation, open)
        .await?;
    let themes: Vec<_> = published
        .figures
        .themes
        .iter()
        .map(|t| t.0.clone())
        .collect();
    let promises = concord_app::listen::published::promises(&state.store, &themes).await?;
    let round = match consultation.subject_kind {
        concord_domain::consultation::SubjectKind::Round => {
            concord_store::strategy::get(&state.store, &consultation.subject_id)
                .await
                .ok()
                .map(|r| (r.id, r.title))
        }
        _ => None,
    };
    Ok(render(&YouSaid {
        promises,
        round,
        reach: published.reach,
        as_of: concord_domain::format::date_time(published.as_of),
        layout: Layout::new(
            &state,
            &visitor,
            &permit,
            format!("You said, we did: {}", consultation.title),
            "have-your-say",
        ),
        open,
        figures: published.figures,
        consultation,
    }))
}

#[derive(Template)]
#[template(path = "listen/you_said_round.html")]
struct RoundPage {
    layout: Layout,
    title: String,
    consultations: Vec<(Consultation, Vec<concord_store::consultations::Theme>)>,
    promises: std::collections::BTreeMap<String, concord_domain::consultation::progress::Progress>,
}

/// `GET /have-your-say/rounds/{id}`: every published consultation on a strategy round, with what
/// people said and what was done, and how far each promise has got.
pub async fn you_said_round(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let round = concord_store::strategy::get(&state.store, &id).await?;
    let published = concord_app::listen::published::of_round(&state.store, &id).await?;
    // A round is shown to the public only through a published consultation on it.
    if published.is_empty() {
        return Err(PageError::not_found());
    }
    let mut consultations = Vec::new();
    let mut promises = std::collections::BTreeMap::new();
    for c in published {
        let themes = store::themes(&state.store, &c.id).await?;
        promises.extend(concord_app::listen::published::promises(&state.store, &themes).await?);
        consultations.push((c, themes));
    }
    Ok(render(&RoundPage {
        layout: Layout::new(
            &state,
            &visitor,
            &permit,
            format!("You said, we did: {}", round.title),
            "have-your-say",
        ),
        title: round.title,
        consultations,
        promises,
    }))
}
