//! The partnership trust pulse (Listen): rounds, answers and events. An answer is kept with only
//! the organisation it was given for, under a random key, and the record that a person has
//! answered a round is kept apart with nothing linking the two; nothing here returns an answer
//! with anything that could say whose it is, and the application layer shows only
//! [`concord_domain::pulse::results`]' aggregates.

use crate::audit::{Actor, AuditEntry};
use crate::rows::{all, all_by, one_by_id, require_exists, RowExt, Table};
use crate::{Store, StoreError};
use concord_domain::pulse::results::Respondent;
use concord_domain::pulse::{PulseAnswers, RoundStatus};
use sqlx::any::AnyRow;

mod trend;
pub use trend::{
    figure, for_pack, name_in, names, results, trend, PackPulse, RoundResults, Scope, Trend,
    TrendChart,
};

/// A round of the pulse.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PulseRound)]
pub struct Round {
    /// Its id.
    pub id: String,
    /// Its title, for example "Quarter 3, 2026/27".
    pub title: String,
    /// First day for answers (YYYY-MM-DD).
    pub opens_on: String,
    /// Last day for answers (YYYY-MM-DD).
    pub closes_on: String,
    /// Open or closed.
    pub status: RoundStatus,
    /// How many people have answered.
    pub answers: i64,
    /// When it was closed, if it is.
    pub closed_at: Option<String>,
}

const ROUND: &str = "SELECT r.id, r.title, r.opens_on, r.closes_on, r.status, r.closed_at, \
     (SELECT COUNT(*) FROM pulse_answers a WHERE a.round_id = r.id) AS answers FROM pulse_rounds r";

fn round_from_row(row: &AnyRow) -> Result<Round, StoreError> {
    Ok(Round {
        id: row.text("id")?,
        title: row.text("title")?,
        opens_on: row.text("opens_on")?,
        closes_on: row.text("closes_on")?,
        status: row.code("status")?,
        answers: row.int("answers")?,
        closed_at: row.opt_text("closed_at")?,
    })
}

/// Every round, latest first.
pub async fn rounds(store: &Store) -> Result<Vec<Round>, StoreError> {
    all(
        store,
        &format!("{ROUND} ORDER BY r.closes_on DESC, r.id"),
        round_from_row,
    )
    .await
}

/// One round.
pub async fn round(store: &Store, id: &str) -> Result<Round, StoreError> {
    one_by_id(
        store,
        &format!("{ROUND} WHERE r.id = $1"),
        "pulse round",
        id,
        round_from_row,
    )
    .await
}

/// Opens a round from `opens_on` to `closes_on` (checked dates). Only one round is open at a
/// time.
pub async fn open_round(
    store: &Store,
    actor: &Actor,
    title: &str,
    opens_on: chrono::NaiveDate,
    closes_on: chrono::NaiveDate,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let person = actor
        .person_id
        .clone()
        .ok_or_else(|| StoreError::Forbidden("Only a person may open a round".into()))?;
    let entry = AuditEntry::success(actor, "pulse.open_round", "pulse_round", Some(&id), title);
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let open: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pulse_rounds WHERE status = $1",
            )
            .bind(RoundStatus::Open.as_str())
            .fetch_one(tx.conn())
            .await?;
            if open > 0 {
                return Err(StoreError::invalid(
                    "title",
                    "A round is open already: close it before opening the next",
                ));
            }
            sqlx::query(
                "INSERT INTO pulse_rounds (id, title, opens_on, closes_on, status, opened_by, opened_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&id)
            .bind(title)
            .bind(opens_on.to_string())
            .bind(closes_on.to_string())
            .bind(RoundStatus::Open.as_str())
            .bind(&person)
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// Closes an open round: its results are shown from now on, and it takes no more answers.
pub async fn close_round(store: &Store, actor: &Actor, id: &str) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "pulse.close_round", "pulse_round", Some(id), "");
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let done = sqlx::query(
                "UPDATE pulse_rounds SET status = $1, closed_at = $2 WHERE id = $3 AND status = $4",
            )
            .bind(RoundStatus::Closed.as_str())
            .bind(crate::now_utc())
            .bind(id)
            .bind(RoundStatus::Open.as_str())
            .execute(tx.conn())
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::invalid("round", "This round is not open"));
            }
            tx.commit(entry).await
        })
        .await
}

/// Whether `person_id` has answered `round_id`.
pub async fn has_answered(
    store: &Store,
    round_id: &str,
    person_id: &str,
) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pulse_answered WHERE round_id = $1 AND person_id = $2",
    )
    .bind(round_id)
    .bind(person_id)
    .fetch_one(store.pool())
    .await?;
    Ok(n > 0)
}

/// A random key for an answer, unused in the table (SQLite's row id: positive and within 31 bits
/// so that PostgreSQL's integer holds it too).
async fn random_key(conn: &mut sqlx::AnyConnection) -> Result<i64, StoreError> {
    loop {
        let key = i64::from(rand::random::<u32>() >> 1).max(1);
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pulse_answers WHERE id = $1")
            .bind(key)
            .fetch_one(&mut *conn)
            .await?;
        if taken == 0 {
            return Ok(key);
        }
    }
}

async fn insert_answer(
    conn: &mut sqlx::AnyConnection,
    round_id: &str,
    organisation_id: &str,
    answers: &PulseAnswers,
) -> Result<(), StoreError> {
    let key = random_key(conn).await?;
    let text = serde_json::to_string(answers)
        .map_err(|e| StoreError::Database(sqlx::Error::Encode(e.into())))?;
    sqlx::query(
        "INSERT INTO pulse_answers (id, round_id, organisation_id, answers) VALUES ($1, $2, $3, $4)",
    )
    .bind(key)
    .bind(round_id)
    .bind(organisation_id)
    .bind(text)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Keeps one person's answers to an open round, for `organisation_id` (the caller has checked it
/// is theirs): the record that they answered and the answers, in one transaction, neither
/// pointing at the other. A second answer to the same round is refused.
pub async fn answer(
    store: &Store,
    actor: &Actor,
    round_id: &str,
    organisation_id: &str,
    answers: &PulseAnswers,
) -> Result<(), StoreError> {
    let person = actor
        .person_id
        .clone()
        .ok_or_else(|| StoreError::Forbidden("Only a person may answer the pulse".into()))?;
    // The audit entry says who answered which round, never for which organisation or what.
    let entry = AuditEntry::success(actor, "pulse.answer", "pulse_round", Some(round_id), "");
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let status: Option<String> =
                sqlx::query_scalar("SELECT status FROM pulse_rounds WHERE id = $1")
                    .bind(round_id)
                    .fetch_optional(tx.conn())
                    .await?;
            match status.as_deref() {
                None => return Err(StoreError::not_found("pulse round", round_id)),
                Some(s) if s != RoundStatus::Open.as_str() => {
                    return Err(StoreError::invalid(
                        "round",
                        "This round has closed: it takes no more answers",
                    ))
                }
                Some(_) => {}
            }
            let before: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pulse_answered WHERE round_id = $1 AND person_id = $2",
            )
            .bind(round_id)
            .bind(&person)
            .fetch_one(tx.conn())
            .await?;
            if before > 0 {
                return Err(StoreError::invalid(
                    "round",
                    "You have answered this round already: each person answers once",
                ));
            }
            sqlx::query("INSERT INTO pulse_answered (round_id, person_id) VALUES ($1, $2)")
                .bind(round_id)
                .bind(&person)
                .execute(tx.conn())
                .await?;
            insert_answer(tx.conn(), round_id, organisation_id, answers).await?;
            tx.commit(entry).await
        })
        .await
}

/// Brings in a round's answers gathered outside Concord (an earlier survey), all or none: the
/// round's history for the trend. Nobody is recorded as having answered.
pub async fn import_answers(
    store: &Store,
    actor: &Actor,
    round_id: &str,
    answers: &[Respondent],
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "pulse.import",
        "pulse_round",
        Some(round_id),
        format!("{} answers", answers.len()),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            round_exists(tx.conn(), round_id).await?;
            for r in answers {
                insert_answer(tx.conn(), round_id, &r.organisation_id, &r.answers).await?;
            }
            tx.commit(entry).await
        })
        .await
}

async fn round_exists(conn: &mut sqlx::AnyConnection, id: &str) -> Result<(), StoreError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pulse_rounds WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await?;
    if n == 0 {
        return Err(StoreError::not_found("pulse round", id));
    }
    Ok(())
}

/// A round's answers with the organisation each was given for, for working out its results
/// (never for showing).
pub async fn respondents(store: &Store, round_id: &str) -> Result<Vec<Respondent>, StoreError> {
    all_by(
        store,
        "SELECT organisation_id, answers FROM pulse_answers WHERE round_id = $1 ORDER BY id",
        round_id,
        |row| {
            let text = row.text("answers")?;
            let answers = serde_json::from_str(&text)
                .map_err(|e| StoreError::Database(sqlx::Error::Decode(e.into())))?;
            Ok(Respondent {
                organisation_id: row.text("organisation_id")?,
                answers,
            })
        },
    )
    .await
}

/// Something that happened, to read the trend against: a decision adopted, a programme paused.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PulseEvent)]
pub struct Event {
    /// Its id.
    pub id: String,
    /// When it happened (YYYY-MM-DD).
    pub happened_on: String,
    /// What happened.
    pub title: String,
    /// The organisations it involved most.
    pub organisation_ids: Vec<String>,
}

/// Records an event (dates and organisations checked by the caller).
pub async fn add_event(
    store: &Store,
    actor: &Actor,
    happened_on: chrono::NaiveDate,
    title: &str,
    organisation_ids: &[String],
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let person = actor
        .person_id
        .clone()
        .ok_or_else(|| StoreError::Forbidden("Only a person may record an event".into()))?;
    let entry = AuditEntry::success(actor, "pulse.add_event", "pulse_event", Some(&id), title);
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            for org in organisation_ids {
                require_exists(
                    tx.conn(),
                    Table::Organisations,
                    org,
                    "organisation_ids",
                    "There is no organisation with that id",
                )
                .await?;
            }
            sqlx::query(
                "INSERT INTO pulse_events (id, happened_on, title, organisation_ids, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(happened_on.to_string())
            .bind(title)
            .bind(organisation_ids.join(","))
            .bind(&person)
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// Every event, in date order.
pub async fn events(store: &Store) -> Result<Vec<Event>, StoreError> {
    all(
        store,
        "SELECT id, happened_on, title, organisation_ids FROM pulse_events ORDER BY happened_on, id",
        |row| {
            Ok(Event {
                id: row.text("id")?,
                happened_on: row.text("happened_on")?,
                title: row.text("title")?,
                organisation_ids: row
                    .text("organisation_ids")?
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            })
        },
    )
    .await
}
