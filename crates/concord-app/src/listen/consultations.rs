//! Consultations' one pipeline, for pages, the API and the demo: who may start and run one (the
//! authoriser), responses from the public (throttled by client, the postcode used for the
//! neighbourhood's deprivation and then dropped) and from staff for what was said on paper or in
//! person, themes, tags and "you said, we did".

use crate::authz::{self, may_run_consultation_for, Rule, Target};
use crate::population::Population;
use concord_domain::consultation::response::ResponseDraft;
use concord_domain::consultation::{
    ConsultationDraft, ConsultationStatus, QuestionDraft, ThemeDraft, WeDidDraft,
};
use concord_domain::Principal;
use concord_store::consultations::{self as store, Consultation};
use concord_store::{Actor, AuditEntry, Store, StoreError};

/// The most responses one client may send on the public form in 15 minutes before it waits.
pub const RESPONSES_FROM_ONE_CLIENT: i64 = 10;

fn today() -> chrono::NaiveDate {
    concord_domain::format::uk_date(chrono::Utc::now())
}

async fn refused<T>(
    store: &Store,
    actor: &Actor,
    action: &str,
    id: Option<&str>,
    message: &str,
) -> Result<T, StoreError> {
    let entry = AuditEntry::success(actor, action, "consultation", id, "refused");
    store
        .audit_rejection(Err(StoreError::Forbidden(message.into())), entry)
        .await
}

/// Whether `principal` may run consultation `id`.
async fn may_run(store: &Store, principal: &Principal, id: &str) -> Result<bool, StoreError> {
    authz::may(
        store,
        Some(principal),
        Rule::RunConsultation,
        Target::id(id),
    )
    .await
}

/// Starts a consultation for its owner organisation, as a draft.
pub async fn start(
    store: &Store,
    principal: &Principal,
    actor: &Actor,
    draft: &ConsultationDraft,
) -> Result<String, StoreError> {
    let valid = match draft.validate() {
        Ok(valid) => valid,
        Err(errors) => {
            let entry = AuditEntry::success(
                actor,
                "consultation.create",
                "consultation",
                None,
                "refused",
            );
            return store
                .audit_rejection(Err(StoreError::Invalid(errors)), entry)
                .await;
        }
    };
    if !may_run_consultation_for(Some(principal), draft.owner_organisation_id.trim()) {
        return Err(StoreError::invalid(
            "owner_organisation_id",
            "You may start consultations only for an organisation where you are a partner lead, programme manager or analyst",
        ));
    }
    store::create(store, actor, draft, &valid).await
}

/// Adds a question to a draft consultation.
pub async fn add_question(
    store: &Store,
    principal: &Principal,
    actor: &Actor,
    id: &str,
    draft: &QuestionDraft,
) -> Result<(), StoreError> {
    if !may_run(store, principal, id).await? {
        return refused(
            store,
            actor,
            "consultation.question",
            Some(id),
            "Only those who run this consultation may change its questions",
        )
        .await;
    }
    let question = match draft.validate(&concord_store::new_id()) {
        Ok(q) => q,
        Err(errors) => {
            let entry = AuditEntry::success(
                actor,
                "consultation.question",
                "consultation",
                Some(id),
                "refused",
            );
            return store
                .audit_rejection(Err(StoreError::Invalid(errors)), entry)
                .await;
        }
    };
    store::add_question(store, actor, id, &question).await
}

/// Publishes a draft consultation, or closes a published one once every theme is answered.
pub async fn move_to(
    store: &Store,
    principal: &Principal,
    actor: &Actor,
    id: &str,
    to: ConsultationStatus,
) -> Result<(), StoreError> {
    if !may_run(store, principal, id).await? {
        return refused(
            store,
            actor,
            "consultation.status",
            Some(id),
            "Only those who run this consultation may publish or close it",
        )
        .await;
    }
    store::move_to(store, actor, id, to).await
}

/// A response from the public form, sent from `client` (counted for the throttle, never kept).
pub async fn respond(
    store: &Store,
    population: &Population,
    id: &str,
    draft: &ResponseDraft,
    client: &str,
) -> Result<String, StoreError> {
    let questions = store::questions(store, id).await?;
    let valid = draft.check(&questions, false)?;
    let key = format!(
        "consultation:{}",
        client.chars().take(64).collect::<String>()
    );
    if !concord_store::throttle::reserve(store, &key, RESPONSES_FROM_ONE_CLIENT).await? {
        return Err(StoreError::invalid(
            "answers",
            "Several responses have just been sent from this computer or phone: please try again in a quarter of an hour",
        ));
    }
    let decile = postcode_decile(population, valid.postcode.as_deref());
    let actor = Actor::system("public consultation form");
    store::add_response(store, &actor, id, &valid, decile, None, today()).await
}

/// A response entered by staff for what someone said on paper, at an event or by phone.
pub async fn enter(
    store: &Store,
    population: &Population,
    principal: &Principal,
    actor: &Actor,
    id: &str,
    draft: &ResponseDraft,
) -> Result<String, StoreError> {
    if !may_run(store, principal, id).await? {
        return refused(
            store,
            actor,
            "consultation.response",
            Some(id),
            "Only those who run this consultation may enter responses",
        )
        .await;
    }
    let questions = store::questions(store, id).await?;
    let valid = draft.check(&questions, true)?;
    let decile = postcode_decile(population, valid.postcode.as_deref());
    store::add_response(
        store,
        actor,
        id,
        &valid,
        decile,
        Some(&principal.person_id),
        today(),
    )
    .await
}

/// The neighbourhood's deprivation decile for a postcode; none when it is not known (or the
/// lookup cannot be read: a response is never refused for it).
fn postcode_decile(population: &Population, postcode: Option<&str>) -> Option<u8> {
    let postcode = postcode?;
    population.postcode_decile(postcode).unwrap_or_else(|e| {
        tracing::warn!("the postcode lookup could not be read: {e}");
        None
    })
}

/// Adds a theme to the codebook: those who run the consultation.
pub async fn add_theme(
    store: &Store,
    principal: &Principal,
    actor: &Actor,
    id: &str,
    draft: &ThemeDraft,
) -> Result<String, StoreError> {
    if !may_run(store, principal, id).await? {
        return refused(
            store,
            actor,
            "consultation.theme",
            Some(id),
            "Only those who run this consultation may change its codebook",
        )
        .await;
    }
    draft.validate()?;
    store::add_theme(store, actor, id, draft).await
}

/// Gives a theme its "you said, we did" answer: those who run the consultation.
pub async fn answer_theme(
    store: &Store,
    principal: &Principal,
    actor: &Actor,
    id: &str,
    theme_id: &str,
    draft: &WeDidDraft,
) -> Result<(), StoreError> {
    if !may_run(store, principal, id).await? {
        return refused(
            store,
            actor,
            "consultation.we_did",
            Some(id),
            "Only those who run this consultation may answer its themes",
        )
        .await;
    }
    let valid = draft.validate()?;
    store::answer_theme(store, actor, id, theme_id, &draft.we_did, &valid).await
}

/// Records the themes an analyst found in one free-text answer.
pub async fn tag(
    store: &Store,
    principal: &Principal,
    actor: &Actor,
    id: &str,
    response_id: &str,
    question_id: &str,
    theme_ids: &[String],
) -> Result<(), StoreError> {
    if !authz::may(
        store,
        Some(principal),
        Rule::AnalyseConsultation,
        Target::id(id),
    )
    .await?
    {
        return refused(
            store,
            actor,
            "consultation.tag",
            Some(id),
            "Only analysts and those who run this consultation may tag its answers",
        )
        .await;
    }
    store::tag(
        store,
        actor,
        id,
        &principal.person_id,
        response_id,
        question_id,
        theme_ids,
    )
    .await
}

/// The consultations the public sees: published ones (open, or closed with their answers).
pub async fn public(store: &Store) -> Result<Vec<Consultation>, StoreError> {
    Ok(store::list(store)
        .await?
        .into_iter()
        .filter(|c| c.status != ConsultationStatus::Draft)
        .collect())
}

/// A published consultation, for the public; a draft is not found.
pub async fn published(store: &Store, id: &str) -> Result<Consultation, StoreError> {
    let consultation = store::get(store, id).await?;
    if consultation.status == ConsultationStatus::Draft {
        return Err(StoreError::not_found("consultation", id));
    }
    Ok(consultation)
}

/// Whether the public form takes responses today.
pub fn takes_responses(consultation: &Consultation) -> bool {
    let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    match (day(&consultation.opens_on), day(&consultation.closes_on)) {
        (Some(o), Some(c)) => {
            concord_domain::consultation::takes_responses(consultation.status, o, c, today())
        }
        _ => false,
    }
}

/// A free-text answer waiting for an analyst to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToTag {
    /// The response's id.
    pub response_id: String,
    /// The question's id.
    pub question_id: String,
    /// The question.
    pub prompt: String,
    /// The answer.
    pub text: String,
    /// How many answers (this one included) the analyst has still to read.
    pub left: usize,
}

/// The next free-text answer `principal` has not read, in the order responses came; none when
/// they have read them all. Analysts and those who run the consultation only.
pub async fn next_to_tag(
    store: &Store,
    principal: &Principal,
    id: &str,
) -> Result<Option<ToTag>, StoreError> {
    if !authz::may(
        store,
        Some(principal),
        Rule::AnalyseConsultation,
        Target::id(id),
    )
    .await?
    {
        return Err(StoreError::Forbidden(
            "Only analysts and those who run this consultation may read its answers".into(),
        ));
    }
    let questions = store::questions(store, id).await?;
    let read: std::collections::HashSet<(String, String)> = store::reviews(store, id)
        .await?
        .into_iter()
        .filter(|(_, _, analyst)| *analyst == principal.person_id)
        .map(|(r, q, _)| (r, q))
        .collect();
    let waiting: Vec<(String, String, String)> = store::answers(store, id)
        .await?
        .into_iter()
        .filter(|(r, q, _)| {
            questions.iter().any(|x| {
                x.id == *q && x.kind == concord_domain::consultation::QuestionKind::FreeText
            }) && !read.contains(&(r.clone(), q.clone()))
        })
        .collect();
    let left = waiting.len();
    Ok(waiting
        .into_iter()
        .next()
        .map(|(response_id, question_id, answer)| {
            let prompt = questions
                .iter()
                .find(|q| q.id == question_id)
                .map(|q| q.prompt.clone())
                .unwrap_or_default();
            let text = match concord_domain::consultation::response::Answer::from_stored(&answer) {
                Some(concord_domain::consultation::response::Answer::Text(t)) => t,
                _ => answer,
            };
            ToTag {
                response_id,
                question_id,
                prompt,
                text,
                left,
            }
        }))
}
