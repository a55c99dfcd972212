//! Consultations (Listen): the consultation and its questions (fixed once it is published, so
//! every response answers the same questions), responses with only what people chose to say
//! about themselves, the codebook's themes with their "you said, we did" answers, and each
//! analyst's reviews and tags. Moves between draft, open and closed are checked inside their
//! transaction: a consultation opens with at least one question and closes only when every theme
//! has its answer. The application layer computes the figures from the rows read here.

use crate::audit::{Actor, AuditEntry};
use crate::rows::{all, all_by, one_by_id, RowExt};
use crate::{Store, StoreError};
use concord_domain::consultation::response::{AgeBand, Sex, ValidResponse};
use concord_domain::consultation::{
    Channel, ConsultationDraft, ConsultationStatus, LinkKind, Question, QuestionKind, SubjectKind,
    ThemeDraft, ThemeOutcome, ValidConsultation, ValidWeDid,
};
use sqlx::any::AnyRow;

mod batch;
mod counts;
pub use batch::{add_responses, tag_many, Incoming};
pub use counts::{choice_counts, double_read, respondent_counts, theme_counts, unread};

/// A consultation as kept.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Consultation {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What it is for.
    pub purpose: String,
    /// Who it is for.
    pub audience: String,
    /// The organisation that runs it.
    pub owner_organisation_id: String,
    /// That organisation's name.
    pub owner_organisation_name: String,
    /// What it informs.
    pub subject_kind: SubjectKind,
    /// The round's, programme's or decision's id.
    pub subject_id: String,
    /// First day of responses (YYYY-MM-DD).
    pub opens_on: String,
    /// Last day of responses (YYYY-MM-DD).
    pub closes_on: String,
    /// Where it is.
    pub status: ConsultationStatus,
    /// When it was closed, if it is.
    pub closed_at: Option<String>,
    /// How many responses it has.
    pub responses: i64,
}

const CONSULTATION: &str = "SELECT c.id, c.title, c.purpose, c.audience, c.owner_organisation_id, o.name AS owner_organisation_name, \
     c.subject_kind, c.subject_id, c.opens_on, c.closes_on, c.status, c.closed_at, \
     (SELECT COUNT(*) FROM consultation_responses r WHERE r.consultation_id = c.id) AS responses \
     FROM consultations c JOIN organisations o ON o.id = c.owner_organisation_id";

fn consultation_from_row(row: &AnyRow) -> Result<Consultation, StoreError> {
    Ok(Consultation {
        id: row.text("id")?,
        title: row.text("title")?,
        purpose: row.text("purpose")?,
        audience: row.text("audience")?,
        owner_organisation_id: row.text("owner_organisation_id")?,
        owner_organisation_name: row.text("owner_organisation_name")?,
        subject_kind: row.code("subject_kind")?,
        subject_id: row.text("subject_id")?,
        opens_on: row.text("opens_on")?,
        closes_on: row.text("closes_on")?,
        status: row.code("status")?,
        closed_at: row.opt_text("closed_at")?,
        responses: row.int("responses")?,
    })
}

/// Every consultation, newest first.
pub async fn list(store: &Store) -> Result<Vec<Consultation>, StoreError> {
    all(
        store,
        &format!("{CONSULTATION} ORDER BY c.opens_on DESC, c.title"),
        consultation_from_row,
    )
    .await
}

/// One consultation.
pub async fn get(store: &Store, id: &str) -> Result<Consultation, StoreError> {
    one_by_id(
        store,
        &format!("{CONSULTATION} WHERE c.id = $1"),
        "consultation",
        id,
        consultation_from_row,
    )
    .await
}

/// Whether what a consultation informs exists: the round, programme or board decision.
async fn subject_exists(
    conn: &mut sqlx::AnyConnection,
    kind: SubjectKind,
    id: &str,
) -> Result<bool, StoreError> {
    let table = match kind {
        SubjectKind::Round => "strategy_rounds",
        SubjectKind::Programme => "programmes",
        SubjectKind::Decision => "decisions",
    };
    let found: Option<String> =
        sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// Starts a consultation, as a draft; audited.
pub async fn create(
    store: &Store,
    actor: &Actor,
    draft: &ConsultationDraft,
    valid: &ValidConsultation,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "consultation.create",
        "consultation",
        Some(&id),
        draft.title.trim(),
    );
    let person = actor
        .person_id
        .clone()
        .ok_or_else(|| StoreError::Forbidden("Only a person may start a consultation".into()))?;
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            if !subject_exists(tx.conn(), valid.subject_kind, draft.subject_id.trim()).await? {
                return Err(StoreError::invalid(
                    "subject_id",
                    format!("There is no {} with that id", valid.subject_kind.label().to_lowercase()),
                ));
            }
            let now = crate::now_utc();
            sqlx::query(
                "INSERT INTO consultations (id, title, purpose, audience, owner_organisation_id, subject_kind, subject_id, opens_on, closes_on, status, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
            )
            .bind(&id)
            .bind(draft.title.trim())
            .bind(draft.purpose.trim())
            .bind(draft.audience.trim())
            .bind(draft.owner_organisation_id.trim())
            .bind(valid.subject_kind.as_str())
            .bind(draft.subject_id.trim())
            .bind(valid.opens_on.to_string())
            .bind(valid.closes_on.to_string())
            .bind(ConsultationStatus::Draft.as_str())
            .bind(&person)
            .bind(&now)
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

fn question_from_row(row: &AnyRow) -> Result<Question, StoreError> {
    let options: Vec<String> = serde_json::from_str(&row.text("options")?).unwrap_or_default();
    Ok(Question {
        id: row.text("id")?,
        kind: row.code::<QuestionKind>("kind")?,
        prompt: row.text("prompt")?,
        hint: row.text("hint")?,
        options,
        required: row.int("required")? != 0,
    })
}

/// A consultation's questions, in order.
pub async fn questions(store: &Store, consultation_id: &str) -> Result<Vec<Question>, StoreError> {
    all_by(
        store,
        "SELECT id, kind, prompt, hint, options, required FROM consultation_questions WHERE consultation_id = $1 ORDER BY position",
        consultation_id,
        question_from_row,
    )
    .await
}

async fn status_in(
    conn: &mut sqlx::AnyConnection,
    id: &str,
) -> Result<ConsultationStatus, StoreError> {
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM consultations WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    status
        .ok_or_else(|| StoreError::not_found("consultation", id))?
        .parse()
        .map_err(|_| StoreError::not_found("consultation", id))
}

/// Adds a question at the end; only while the consultation is a draft. Audited.
pub async fn add_question(
    store: &Store,
    actor: &Actor,
    consultation_id: &str,
    question: &Question,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "consultation.question",
        "consultation",
        Some(consultation_id),
        &question.prompt,
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            if status_in(tx.conn(), consultation_id).await? != ConsultationStatus::Draft {
                return Err(StoreError::invalid(
                    "prompt",
                    "Questions are fixed once a consultation is published, so every response answers the same ones",
                ));
            }
            let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consultation_questions WHERE consultation_id = $1")
                .bind(consultation_id)
                .fetch_one(tx.conn())
                .await?;
            if count as usize >= concord_domain::consultation::MAX_QUESTIONS {
                return Err(StoreError::invalid("prompt", "A consultation has at most 40 questions"));
            }
            sqlx::query(
                "INSERT INTO consultation_questions (id, consultation_id, position, kind, prompt, hint, options, required) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&question.id)
            .bind(consultation_id)
            .bind(count + 1)
            .bind(question.kind.as_str())
            .bind(&question.prompt)
            .bind(&question.hint)
            .bind(serde_json::to_string(&question.options).expect("JSON"))
            .bind(i64::from(question.required))
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await
}

/// Publishes a draft (it needs a question) or closes a published consultation (every theme must
/// have its "you said, we did" answer, and there must be a theme). Audited.
pub async fn move_to(
    store: &Store,
    actor: &Actor,
    id: &str,
    to: ConsultationStatus,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "consultation.status",
        "consultation",
        Some(id),
        to.as_str(),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let from = status_in(tx.conn(), id).await?;
            match (from, to) {
                (ConsultationStatus::Draft, ConsultationStatus::Open) => {
                    let questions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consultation_questions WHERE consultation_id = $1")
                        .bind(id)
                        .fetch_one(tx.conn())
                        .await?;
                    if questions == 0 {
                        return Err(StoreError::invalid("status", "Add at least one question before publishing it"));
                    }
                }
                (ConsultationStatus::Open, ConsultationStatus::Closed) => {
                    let themes: Vec<(String, Option<String>)> = sqlx::query_as(
                        "SELECT label, outcome FROM consultation_themes WHERE consultation_id = $1 ORDER BY position",
                    )
                    .bind(id)
                    .fetch_all(tx.conn())
                    .await?;
                    if themes.is_empty() {
                        return Err(StoreError::invalid(
                            "status",
                            "A consultation closes once its responses have been themed and every theme answered: it has no themes yet",
                        ));
                    }
                    let answered: Vec<(String, bool)> = themes.into_iter().map(|(l, o)| (l, o.is_some())).collect();
                    let waiting = concord_domain::consultation::unanswered_themes(&answered);
                    if !waiting.is_empty() {
                        return Err(StoreError::invalid(
                            "status",
                            format!("Every theme needs its \"you said, we did\" answer before the consultation closes. Still to answer: {}", waiting.join("; ")),
                        ));
                    }
                }
                _ => {
                    return Err(StoreError::invalid(
                        "status",
                        format!("A consultation that is {} cannot become {}", from.label().to_lowercase(), to.label().to_lowercase()),
                    ))
                }
            }
            let now = crate::now_utc();
            sqlx::query("UPDATE consultations SET status = $1, updated_at = $2, closed_at = $3 WHERE id = $4")
                .bind(to.as_str())
                .bind(&now)
                .bind((to == ConsultationStatus::Closed).then_some(now.clone()))
                .bind(id)
                .execute(tx.conn())
                .await?;
            tx.commit(entry).await
        })
        .await
}

/// Keeps a response, in one transaction with its answers; audited without its answers. A public
/// response needs the consultation open and within its dates on `today`; one entered by staff
/// (`entered_by`) needs it published and not yet closed (paper arrives late).
pub async fn add_response(
    store: &Store,
    actor: &Actor,
    consultation_id: &str,
    response: &ValidResponse,
    deprivation_decile: Option<u8>,
    entered_by: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "consultation.response",
        "consultation",
        Some(consultation_id),
        format!(
            "response {id} ({})",
            response.channel.label().to_lowercase()
        ),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let dates: Option<(String, String, String)> = sqlx::query_as(
                "SELECT status, opens_on, closes_on FROM consultations WHERE id = $1",
            )
            .bind(consultation_id)
            .fetch_optional(tx.conn())
            .await?;
            let (status, opens_on, closes_on) =
                dates.ok_or_else(|| StoreError::not_found("consultation", consultation_id))?;
            let status: ConsultationStatus = status
                .parse()
                .map_err(|_| StoreError::not_found("consultation", consultation_id))?;
            let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
            let open = match entered_by {
                Some(_) => status == ConsultationStatus::Open,
                None => match (day(&opens_on), day(&closes_on)) {
                    (Some(o), Some(c)) => {
                        concord_domain::consultation::takes_responses(status, o, c, today)
                    }
                    _ => false,
                },
            };
            if !open {
                return Err(StoreError::invalid(
                    "answers",
                    "This consultation is not taking responses",
                ));
            }
            insert_response(
                tx.conn(),
                &id,
                consultation_id,
                response,
                deprivation_decile,
                entered_by,
                &crate::now_utc(),
            )
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// Writes one response and its answers inside a write transaction; a place not in the registry
/// is refused by field.
async fn insert_response(
    conn: &mut sqlx::AnyConnection,
    id: &str,
    consultation_id: &str,
    response: &ValidResponse,
    deprivation_decile: Option<u8>,
    entered_by: Option<&str>,
    received_at: &str,
) -> Result<(), StoreError> {
    if let Some(place) = &response.place_id {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM places WHERE id = $1")
            .bind(place)
            .fetch_optional(&mut *conn)
            .await?;
        if found.is_none() {
            return Err(StoreError::invalid(
                "place_id",
                "Choose a place from the list",
            ));
        }
    }
    sqlx::query(
        "INSERT INTO consultation_responses (id, consultation_id, received_at, channel, entered_by, place_id, age_band, sex, ethnic_group, deprivation_decile) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(consultation_id)
    .bind(received_at)
    .bind(response.channel.as_str())
    .bind(entered_by)
    .bind(&response.place_id)
    .bind(response.age_band.map(AgeBand::as_str))
    .bind(response.sex.map(Sex::as_str))
    .bind(response.ethnic_group.map(|g| g.as_str()))
    .bind(deprivation_decile.map(i64::from))
    .execute(&mut *conn)
    .await?;
    for (question, answer) in &response.answers {
        sqlx::query("INSERT INTO consultation_answers (response_id, question_id, answer) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(question)
            .bind(answer.to_stored())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Records one analyst's reading of one free-text answer inside a write transaction: the answer
/// must be a free-text answer of the consultation and every theme in its codebook (`known`);
/// what the analyst said of it before is replaced.
async fn write_reading(
    conn: &mut sqlx::AnyConnection,
    consultation_id: &str,
    analyst: &str,
    (response_id, question_id, theme_ids): (&str, &str, &[String]),
    known: &[String],
    now: &str,
) -> Result<(), StoreError> {
    let answer: Option<String> = sqlx::query_scalar(
        "SELECT a.answer FROM consultation_answers a JOIN consultation_responses r ON r.id = a.response_id \
         JOIN consultation_questions q ON q.id = a.question_id \
         WHERE a.response_id = $1 AND a.question_id = $2 AND r.consultation_id = $3 AND q.kind = 'free_text'",
    )
    .bind(response_id)
    .bind(question_id)
    .bind(consultation_id)
    .fetch_optional(&mut *conn)
    .await?;
    if answer.is_none() {
        return Err(StoreError::not_found("free-text answer", response_id));
    }
    if let Some(unknown) = theme_ids.iter().find(|t| !known.contains(t)) {
        return Err(StoreError::invalid(
            "themes",
            format!("There is no theme {unknown} in this codebook"),
        ));
    }
    sqlx::query("DELETE FROM consultation_tags WHERE response_id = $1 AND question_id = $2 AND analyst_id = $3")
        .bind(response_id)
        .bind(question_id)
        .bind(analyst)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO consultation_reviews (response_id, question_id, analyst_id, reviewed_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (response_id, question_id, analyst_id) DO UPDATE SET reviewed_at = excluded.reviewed_at",
    )
    .bind(response_id)
    .bind(question_id)
    .bind(analyst)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for theme in theme_ids {
        sqlx::query("INSERT INTO consultation_tags (response_id, question_id, analyst_id, theme_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
            .bind(response_id)
            .bind(question_id)
            .bind(analyst)
            .bind(theme)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// What a respondent said about themselves, for counts and reach (never their answers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Respondent {
    /// The response's id.
    pub response_id: String,
    /// How it came.
    pub channel: Channel,
    /// Their place's id.
    pub place_id: Option<String>,
    /// Age band.
    pub age_band: Option<AgeBand>,
    /// Sex.
    pub sex: Option<Sex>,
    /// Ethnic group code.
    pub ethnic_group: Option<String>,
    /// Their area's deprivation decile (1 most deprived).
    pub deprivation_decile: Option<u8>,
}

/// Every respondent of a consultation.
pub async fn respondents(
    store: &Store,
    consultation_id: &str,
) -> Result<Vec<Respondent>, StoreError> {
    all_by(
        store,
        "SELECT id, channel, place_id, age_band, sex, ethnic_group, deprivation_decile FROM consultation_responses WHERE consultation_id = $1 ORDER BY received_at, id",
        consultation_id,
        |row| {
            Ok(Respondent {
                response_id: row.text("id")?,
                channel: row.code("channel")?,
                place_id: row.opt_text("place_id")?,
                age_band: row.opt_code("age_band")?,
                sex: row.opt_code("sex")?,
                ethnic_group: row.opt_text("ethnic_group")?,
                deprivation_decile: row.opt_int("deprivation_decile")?.map(|d| d as u8),
            })
        },
    )
    .await
}

/// Every answer of a consultation: (response id, question id, the answer as stored).
pub async fn answers(
    store: &Store,
    consultation_id: &str,
) -> Result<Vec<(String, String, String)>, StoreError> {
    all_by(
        store,
        "SELECT a.response_id, a.question_id, a.answer FROM consultation_answers a JOIN consultation_responses r ON r.id = a.response_id \
         WHERE r.consultation_id = $1 ORDER BY r.received_at, a.response_id",
        consultation_id,
        |row| Ok((row.text("response_id")?, row.text("question_id")?, row.text("answer")?)),
    )
    .await
}

/// A theme of the codebook, with its "you said, we did" answer once given.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Theme {
    /// Its id.
    pub id: String,
    /// Its name.
    pub label: String,
    /// What counts as this theme.
    pub description: String,
    /// What came of it.
    pub outcome: Option<ThemeOutcome>,
    /// What was done, or why not.
    pub we_did: Option<String>,
    /// What it led to.
    pub link_kind: Option<LinkKind>,
    /// That item's id.
    pub link_id: Option<String>,
    /// When it was answered.
    pub answered_at: Option<String>,
}

/// A consultation's themes, in order.
pub async fn themes(store: &Store, consultation_id: &str) -> Result<Vec<Theme>, StoreError> {
    all_by(
        store,
        "SELECT id, label, description, outcome, we_did, link_kind, link_id, answered_at FROM consultation_themes WHERE consultation_id = $1 ORDER BY position",
        consultation_id,
        |row| {
            Ok(Theme {
                id: row.text("id")?,
                label: row.text("label")?,
                description: row.text("description")?,
                outcome: row.opt_code("outcome")?,
                we_did: row.opt_text("we_did")?,
                link_kind: row.opt_code("link_kind")?,
                link_id: row.opt_text("link_id")?,
                answered_at: row.opt_text("answered_at")?,
            })
        },
    )
    .await
}

/// Adds a theme to the codebook (not once the consultation is closed). Audited.
pub async fn add_theme(
    store: &Store,
    actor: &Actor,
    consultation_id: &str,
    draft: &ThemeDraft,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "consultation.theme",
        "consultation",
        Some(consultation_id),
        draft.label.trim(),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            if status_in(tx.conn(), consultation_id).await? == ConsultationStatus::Closed {
                return Err(StoreError::invalid("label", "The consultation is closed"));
            }
            let taken: Option<String> = sqlx::query_scalar(
                "SELECT id FROM consultation_themes WHERE consultation_id = $1 AND LOWER(label) = LOWER($2)",
            )
            .bind(consultation_id)
            .bind(draft.label.trim())
            .fetch_optional(tx.conn())
            .await?;
            if taken.is_some() {
                return Err(StoreError::invalid("label", "The codebook already has a theme of that name"));
            }
            let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consultation_themes WHERE consultation_id = $1")
                .bind(consultation_id)
                .fetch_one(tx.conn())
                .await?;
            if count >= 60 {
                return Err(StoreError::invalid("label", "A codebook has at most 60 themes"));
            }
            sqlx::query(
                "INSERT INTO consultation_themes (id, consultation_id, position, label, description) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&id)
            .bind(consultation_id)
            .bind(count + 1)
            .bind(draft.label.trim())
            .bind(draft.description.trim())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// Gives (or changes) a theme's "you said, we did" answer, until the consultation is closed. The
/// linked item must exist. Audited.
pub async fn answer_theme(
    store: &Store,
    actor: &Actor,
    consultation_id: &str,
    theme_id: &str,
    we_did: &str,
    valid: &ValidWeDid,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "consultation.we_did",
        "consultation",
        Some(consultation_id),
        format!("theme {theme_id}: {}", valid.outcome.as_str()),
    );
    let person = actor.person_id.clone();
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            if status_in(tx.conn(), consultation_id).await? == ConsultationStatus::Closed {
                return Err(StoreError::invalid("we_did", "The consultation is closed: its answers are as published"));
            }
            if let Some((kind, id)) = &valid.link {
                let sql = match kind {
                    LinkKind::Priority => "SELECT area_id FROM area_priorities WHERE area_id = $1",
                    LinkKind::Objective => "SELECT id FROM objectives WHERE id = $1",
                    LinkKind::Decision => "SELECT id FROM decisions WHERE id = $1",
                    LinkKind::Programme => "SELECT id FROM programmes WHERE id = $1",
                };
                let found: Option<String> = sqlx::query_scalar(sql).bind(id).fetch_optional(tx.conn()).await?;
                if found.is_none() {
                    return Err(StoreError::invalid("link_id", format!("There is no {} with that id", kind.label().to_lowercase())));
                }
            }
            let changed = sqlx::query(
                "UPDATE consultation_themes SET outcome = $1, we_did = $2, link_kind = $3, link_id = $4, answered_by = $5, answered_at = $6 \
                 WHERE id = $7 AND consultation_id = $8",
            )
            .bind(valid.outcome.as_str())
            .bind(we_did.trim())
            .bind(valid.link.as_ref().map(|(k, _)| k.as_str()))
            .bind(valid.link.as_ref().map(|(_, id)| id.clone()))
            .bind(&person)
            .bind(crate::now_utc())
            .bind(theme_id)
            .bind(consultation_id)
            .execute(tx.conn())
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::not_found("theme", theme_id));
            }
            tx.commit(entry).await
        })
        .await
}

/// Records that `analyst` read one answer and which themes they found in it (replacing what they
/// said before). Audited.
pub async fn tag(
    store: &Store,
    actor: &Actor,
    consultation_id: &str,
    analyst: &str,
    response_id: &str,
    question_id: &str,
    theme_ids: &[String],
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "consultation.tag",
        "consultation",
        Some(consultation_id),
        format!("response {response_id}: {} themes", theme_ids.len()),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            if status_in(tx.conn(), consultation_id).await? == ConsultationStatus::Closed {
                return Err(StoreError::invalid("themes", "The consultation is closed"));
            }
            let known: Vec<String> =
                sqlx::query_scalar("SELECT id FROM consultation_themes WHERE consultation_id = $1")
                    .bind(consultation_id)
                    .fetch_all(tx.conn())
                    .await?;
            write_reading(
                tx.conn(),
                consultation_id,
                analyst,
                (response_id, question_id, theme_ids),
                &known,
                &crate::now_utc(),
            )
            .await?;
            tx.commit(entry).await
        })
        .await
}

/// Every review of a consultation's answers: (response, question, analyst).
pub async fn reviews(
    store: &Store,
    consultation_id: &str,
) -> Result<Vec<(String, String, String)>, StoreError> {
    all_by(
        store,
        "SELECT v.response_id, v.question_id, v.analyst_id FROM consultation_reviews v JOIN consultation_responses r ON r.id = v.response_id WHERE r.consultation_id = $1",
        consultation_id,
        |row| Ok((row.text("response_id")?, row.text("question_id")?, row.text("analyst_id")?)),
    )
    .await
}

/// A strategy round's priorities, for linking a theme's answer to one: (area id, "area: stance").
pub async fn round_priorities(
    store: &Store,
    round_id: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    all_by(
        store,
        "SELECT a.id, a.name, p.stance FROM service_areas a JOIN area_priorities p ON p.area_id = a.id WHERE a.round_id = $1 ORDER BY a.name",
        round_id,
        |row| {
            Ok((
                row.text("id")?,
                format!("{} ({})", row.text("name")?, row.text("stance")?.replace('_', " ")),
            ))
        },
    )
    .await
}
