//! Consultations' pages for the partnership: the list, starting one, its page (questions, figures
//! through the disclosure rule, themes and their "you said, we did" answers, and what those who
//! run it may do next), adding questions and themes, answering a theme, publishing and closing,
//! entering a response gathered on paper or in person, and tagging free-text answers.

use super::respond::{response_fields, ResponseForm};
use crate::authz::{Rule, Target};
use crate::error::PageError;
use crate::extract::{Context, PageForm};
use crate::ui::form::{form_page, parse, settle, Fields, FormDef, Posted};
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::{filters, render, Choice, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use concord_app::authz::may_run_consultation_for;
use concord_app::listen::consultations as use_case;
use concord_app::listen::figures::{self, Figures};
use concord_domain::consultation::{
    ConsultationDraft, ConsultationStatus, LinkKind, QuestionDraft, QuestionKind, SubjectKind,
    ThemeDraft, ThemeOutcome, WeDidDraft,
};
use concord_domain::ValidationErrors;
use concord_store::consultations::{self as store, Consultation, Theme};
use concord_store::{lookups, programmes, strategy, StoreError};

#[derive(Template)]
#[template(path = "listen/consultations.html")]
struct ListPage {
    layout: Layout,
    consultations: Vec<Consultation>,
    may_start: bool,
}

/// `GET /consultations`: every consultation, for anyone signed in.
pub async fn list(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    Ok(render(&ListPage {
        layout: Layout::new(&state, &visitor, &permit, "Consultations", "consultations"),
        consultations: store::list(&state.store).await?,
        may_start: permit
            .may(&state, Rule::StartConsultation, Target::NONE)
            .await?,
    }))
}

async fn consultation_form(
    state: &AppState,
    visitor: &crate::auth::Visitor,
    permit: &crate::authz::Permit,
    draft: &ConsultationDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let owners: Vec<Choice> = lookups::partner_organisations(&state.store)
        .await?
        .into_iter()
        .filter(|(id, _)| may_run_consultation_for(permit.principal.as_ref(), id))
        .collect();
    let mut subjects: Vec<Choice> = strategy::list(&state.store)
        .await?
        .into_iter()
        .map(|r| (r.id, format!("Strategy round: {}", r.title)))
        .collect();
    subjects.extend(
        programmes::list(&state.store)
            .await?
            .into_iter()
            .map(|p| (p.id, format!("Programme: {}", p.name))),
    );
    let kinds: Vec<Choice> = [SubjectKind::Round, SubjectKind::Programme]
        .iter()
        .map(|k| (k.as_str().to_string(), k.label().to_string()))
        .collect();
    let fields = Fields::new(draft)
        .text("title", "Title", "For example, Our Joint Forward Plan: what matters to you")
        .textarea("purpose", "What it is for", "What will be decided with what people say, and when. The public page shows this first.")
        .text("audience", "Who it is for", "For example, everyone who lives or works in Riverside and Vale")
        .select("owner_organisation_id", "Run by", owners, "Choose an organisation")
        .select("subject_kind", "What it informs", kinds, "Choose one")
        .select_with_hint("subject_id", "Which one", "The strategy round or programme whose decisions it informs", subjects, "Choose one")
        .date("opens_on", "Opens", "The first day responses are taken")
        .date("closes_on", "Closes", "The last day responses are taken online")
        .build();
    Ok(form_page(
        Layout::new(state, visitor, permit, "Start a consultation", "consultations"),
        FormDef {
            heading: "Start a consultation".into(),
            caption: "Listen".into(),
            intro: "It starts as a draft: add its questions, then publish it. Once published, its questions are fixed so that every response answers the same ones.".into(),
            warning: None,
            back: ("/consultations".into(), "Consultations".into()),
            action: "/consultations".into(),
            submit: "Save the draft".into(),
            fields,
        },
        errors,
    ))
}

/// `GET /consultations/new`.
pub async fn new(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    consultation_form(
        &state,
        &visitor,
        &permit,
        &ConsultationDraft::default(),
        ValidationErrors::default(),
    )
    .await
}

/// `POST /consultations`.
pub async fn create(
    Context(state, visitor, permit): Context,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let draft: ConsultationDraft = parse(&form, &[])?;
    settle(
        use_case::start(&state.store, permit.person(), &permit.actor, &draft).await,
        |id| Next::to(format!("/consultations/{id}"), Notice::ConsultationSaved),
        |errors| consultation_form(&state, &visitor, &permit, &draft, errors),
    )
    .await
}

#[derive(Template)]
#[template(path = "listen/consultation.html")]
struct ConsultationPage {
    layout: Layout,
    consultation: Consultation,
    questions: Vec<concord_domain::consultation::Question>,
    figures: Figures,
    reach: Option<concord_app::listen::reach::Reach>,
    may_run: bool,
    may_analyse: bool,
}

impl ConsultationPage {
    fn is_draft(&self) -> bool {
        self.consultation.status == ConsultationStatus::Draft
    }
    fn is_open(&self) -> bool {
        self.consultation.status == ConsultationStatus::Open
    }
    fn describe(&self, kappa: f64) -> &'static str {
        concord_domain::consultation::agreement::describe(kappa)
    }
    /// On how many answers a pair agreed (exact: a share would round 199 of 200 up to 100%).
    fn agreed(&self, pair: &concord_domain::consultation::agreement::Agreement) -> String {
        concord_domain::format::count((pair.observed * pair.answers as f64).round() as i64)
    }
    fn unanswered(&self) -> usize {
        self.figures
            .themes
            .iter()
            .filter(|(t, _, _)| t.outcome.is_none())
            .count()
    }
}

/// `GET /consultations/{id}`: the consultation, its figures and its themes.
pub async fn show(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let consultation = store::get(&state.store, &id).await?;
    let figures = figures::figures(&state.store, &id, &state.population.rule()).await?;
    let reach = super::respond::reach_of(&state, &id).await?;
    Ok(render(&ConsultationPage {
        reach,
        layout: Layout::new(
            &state,
            &visitor,
            &permit,
            consultation.title.clone(),
            "consultations",
        ),
        questions: store::questions(&state.store, &id).await?,
        may_run: permit
            .may(&state, Rule::RunConsultation, Target::id(&id))
            .await?,
        may_analyse: permit
            .may(&state, Rule::AnalyseConsultation, Target::id(&id))
            .await?,
        consultation,
        figures,
    }))
}

fn question_form(
    state: &AppState,
    visitor: &crate::auth::Visitor,
    permit: &crate::authz::Permit,
    consultation: &Consultation,
    draft: &QuestionDraft,
    errors: ValidationErrors,
) -> Response {
    let kinds: Vec<Choice> = QuestionKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), k.label().to_string()))
        .collect();
    let fields = Fields::new(draft)
        .select("kind", "What kind of answer", kinds, "Choose one")
        .text(
            "prompt",
            "The question",
            "In plain words, as the public will read it",
        )
        .text("hint", "Help beneath it (optional)", "")
        .textarea(
            "options",
            "Options (for a choice or a ranking)",
            "One per line",
        )
        .checkbox(
            "required",
            "People must answer it",
            "Most questions should be optional: people answer what they want to",
        )
        .build();
    form_page(
        Layout::new(state, visitor, permit, "Add a question", "consultations"),
        FormDef {
            heading: "Add a question".into(),
            caption: consultation.title.clone(),
            intro: "Questions are asked in the order they are added.".into(),
            warning: None,
            back: (
                format!("/consultations/{}", consultation.id),
                consultation.title.clone(),
            ),
            action: format!("/consultations/{}/questions", consultation.id),
            submit: "Add the question".into(),
            fields,
        },
        errors,
    )
}

/// `GET /consultations/{id}/questions/new`.
pub async fn new_question(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let consultation = store::get(&state.store, &id).await?;
    Ok(question_form(
        &state,
        &visitor,
        &permit,
        &consultation,
        &QuestionDraft::default(),
        ValidationErrors::default(),
    ))
}

/// `POST /consultations/{id}/questions`.
pub async fn add_question(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let draft: QuestionDraft = parse(&form, &[])?;
    settle(
        use_case::add_question(&state.store, permit.person(), &permit.actor, &id, &draft).await,
        |()| Next::to(format!("/consultations/{id}"), Notice::QuestionAdded),
        |errors| async {
            let consultation = store::get(&state.store, &id).await?;
            Ok(question_form(
                &state,
                &visitor,
                &permit,
                &consultation,
                &draft,
                errors,
            ))
        },
    )
    .await
}

async fn move_to(
    state: &AppState,
    permit: &crate::authz::Permit,
    id: &str,
    to: ConsultationStatus,
    notice: Notice,
) -> Result<Response, PageError> {
    match use_case::move_to(&state.store, permit.person(), &permit.actor, id, to).await {
        Ok(()) => Ok(confirmed(Next::to(format!("/consultations/{id}"), notice))),
        Err(StoreError::Invalid(errors)) => Err(PageError(crate::error::Problem::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "consultation",
            "Not yet",
            errors
                .0
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" "),
        ))),
        Err(other) => Err(other.into()),
    }
}

/// `POST /consultations/{id}/publish`.
pub async fn publish(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    move_to(
        &state,
        &permit,
        &id,
        ConsultationStatus::Open,
        Notice::ConsultationPublished,
    )
    .await
}

/// `POST /consultations/{id}/close`.
pub async fn close(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    move_to(
        &state,
        &permit,
        &id,
        ConsultationStatus::Closed,
        Notice::ConsultationClosed,
    )
    .await
}

fn theme_form(
    state: &AppState,
    visitor: &crate::auth::Visitor,
    permit: &crate::authz::Permit,
    consultation: &Consultation,
    draft: &ThemeDraft,
    errors: ValidationErrors,
) -> Response {
    let fields = Fields::new(draft)
        .text(
            "label",
            "The theme",
            "For example, Getting a GP appointment",
        )
        .textarea(
            "description",
            "What counts as this theme",
            "So that every analyst tags answers the same way",
        )
        .build();
    form_page(
        Layout::new(state, visitor, permit, "Add a theme", "consultations"),
        FormDef {
            heading: "Add a theme to the codebook".into(),
            caption: consultation.title.clone(),
            intro: "Analysts tag each free-text answer with the themes they find in it. Every theme will need its \"you said, we did\" answer before the consultation closes.".into(),
            warning: None,
            back: (format!("/consultations/{}", consultation.id), consultation.title.clone()),
            action: format!("/consultations/{}/themes", consultation.id),
            submit: "Add the theme".into(),
            fields,
        },
        errors,
    )
}

/// `GET /consultations/{id}/themes/new`.
pub async fn new_theme(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let consultation = store::get(&state.store, &id).await?;
    Ok(theme_form(
        &state,
        &visitor,
        &permit,
        &consultation,
        &ThemeDraft::default(),
        ValidationErrors::default(),
    ))
}

/// `POST /consultations/{id}/themes`.
pub async fn add_theme(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let draft: ThemeDraft = parse(&form, &[])?;
    settle(
        use_case::add_theme(&state.store, permit.person(), &permit.actor, &id, &draft).await,
        |_| Next::to(format!("/consultations/{id}"), Notice::ThemeAdded),
        |errors| async {
            let consultation = store::get(&state.store, &id).await?;
            Ok(theme_form(
                &state,
                &visitor,
                &permit,
                &consultation,
                &draft,
                errors,
            ))
        },
    )
    .await
}

async fn we_did_form(
    state: &AppState,
    visitor: &crate::auth::Visitor,
    permit: &crate::authz::Permit,
    consultation: &Consultation,
    theme: &Theme,
    draft: &WeDidDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let outcomes: Vec<Choice> = ThemeOutcome::ALL
        .iter()
        .map(|o| (o.as_str().to_string(), o.label().to_string()))
        .collect();
    let kinds: Vec<Choice> = LinkKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), k.label().to_string()))
        .collect();
    let mut items: Vec<Choice> = programmes::list(&state.store)
        .await?
        .into_iter()
        .map(|p| (p.id, format!("Programme: {}", p.name)))
        .collect();
    if consultation.subject_kind == SubjectKind::Round {
        for (area_id, label) in
            store::round_priorities(&state.store, &consultation.subject_id).await?
        {
            items.push((area_id, format!("Priority: {label}")));
        }
    }
    let fields = Fields::new(draft)
        .select("outcome", "What came of it", outcomes, "Choose one")
        .textarea(
            "we_did",
            "We did",
            "In words for the public: what was done, or why it was not",
        )
        .select(
            "link_kind",
            "What it led to (if anything)",
            kinds,
            "Nothing to link",
        )
        .select_with_hint(
            "link_id",
            "Which one",
            "The priority or programme it led to",
            items,
            "Nothing to link",
        )
        .build();
    Ok(form_page(
        Layout::new(state, visitor, permit, "You said, we did", "consultations"),
        FormDef {
            heading: format!("You said: {}", theme.label),
            caption: consultation.title.clone(),
            intro: "This answer is published on the consultation's public page beside the theme."
                .into(),
            warning: None,
            back: (
                format!("/consultations/{}", consultation.id),
                consultation.title.clone(),
            ),
            action: format!(
                "/consultations/{}/themes/{}/answer",
                consultation.id, theme.id
            ),
            submit: "Save the answer".into(),
            fields,
        },
        errors,
    ))
}

async fn theme_of(
    state: &AppState,
    id: &str,
    theme_id: &str,
) -> Result<(Consultation, Theme), PageError> {
    let consultation = store::get(&state.store, id).await?;
    let theme = store::themes(&state.store, id)
        .await?
        .into_iter()
        .find(|t| t.id == theme_id)
        .ok_or_else(|| StoreError::not_found("theme", theme_id))?;
    Ok((consultation, theme))
}

/// `GET /consultations/{id}/themes/{theme_id}/answer`.
pub async fn answer_form(
    Context(state, visitor, permit): Context,
    Path((id, theme_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (consultation, theme) = theme_of(&state, &id, &theme_id).await?;
    let draft = WeDidDraft {
        outcome: theme
            .outcome
            .map(|o| o.as_str().to_string())
            .unwrap_or_default(),
        we_did: theme.we_did.clone().unwrap_or_default(),
        link_kind: theme
            .link_kind
            .map(|k| k.as_str().to_string())
            .unwrap_or_default(),
        link_id: theme.link_id.clone().unwrap_or_default(),
    };
    we_did_form(
        &state,
        &visitor,
        &permit,
        &consultation,
        &theme,
        &draft,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /consultations/{id}/themes/{theme_id}/answer`.
pub async fn answer(
    Context(state, visitor, permit): Context,
    Path((id, theme_id)): Path<(String, String)>,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let draft: WeDidDraft = parse(&form, &[])?;
    settle(
        use_case::answer_theme(
            &state.store,
            permit.person(),
            &permit.actor,
            &id,
            &theme_id,
            &draft,
        )
        .await,
        |()| Next::to(format!("/consultations/{id}"), Notice::ThemeAnswered),
        |errors| async {
            let (consultation, theme) = theme_of(&state, &id, &theme_id).await?;
            we_did_form(
                &state,
                &visitor,
                &permit,
                &consultation,
                &theme,
                &draft,
                errors,
            )
            .await
        },
    )
    .await
}

/// `GET /consultations/{id}/responses/new`: a response gathered on paper, at an event or by phone.
pub async fn new_response(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let consultation = store::get(&state.store, &id).await?;
    let form = ResponseForm::new(
        &state,
        &consultation,
        true,
        Vec::new(),
        ValidationErrors::default(),
    )
    .await?;
    Ok(render(&response_fields(
        Layout::new(
            &state,
            &visitor,
            &permit,
            "Enter a response",
            "consultations",
        ),
        form,
    )))
}

/// `POST /consultations/{id}/responses`.
pub async fn enter_response(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let consultation = store::get(&state.store, &id).await?;
    let questions = store::questions(&state.store, &id).await?;
    let draft = super::respond::draft_from(&form, &questions);
    match use_case::enter(
        &state.store,
        &state.population,
        permit.person(),
        &permit.actor,
        &id,
        &draft,
    )
    .await
    {
        Ok(_) => Ok(confirmed(Next::to(
            format!("/consultations/{id}/responses/new"),
            Notice::ResponseEntered,
        ))),
        Err(StoreError::Invalid(errors)) => {
            let page = ResponseForm::new(&state, &consultation, true, form, errors).await?;
            let mut layout = Layout::new(
                &state,
                &visitor,
                &permit,
                "Enter a response",
                "consultations",
            );
            layout.has_errors = true;
            Ok(super::respond::refused(render(&response_fields(
                layout, page,
            ))))
        }
        Err(other) => Err(other.into()),
    }
}
