//! Board meetings: agendas, minutes, decisions and actions, and who may read confidential items.
//!
//! Confidential agenda items and decisions are filtered here, in the store, by the viewer's
//! [`ConfidentialityScope`]; lists report how many items were withheld so nobody mistakes a
//! filtered list for a complete one.

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::rows::{all_by, blank, require_exists, row_by_id, RowExt, Table};
use chrono::{DateTime, NaiveDate, Utc};
use concord_domain::meeting::{
    days_until, is_overdue, ActionDraft, ActionStatus, AgendaItemDraft, AgendaPurpose,
    ConfidentialityScope, DecisionDraft, MeetingDraft, MinutesDraft,
};
use concord_domain::BoardRole;
use serde::Serialize;
use sqlx::any::AnyRow;

/// The confidentiality scope of a person: the boards they sit on and the programmes they lead.
pub async fn scope_of(store: &Store, person_id: &str) -> Result<ConfidentialityScope, StoreError> {
    let board_ids: Vec<String> =
        sqlx::query_scalar("SELECT board_id FROM board_members WHERE person_id = $1")
            .bind(person_id)
            .fetch_all(store.pool())
            .await?;
    let programme_ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM programmes WHERE sro_person_id = $1 OR manager_person_id = $1",
    )
    .bind(person_id)
    .fetch_all(store.pool())
    .await?;
    Ok(ConfidentialityScope {
        board_ids,
        programme_ids,
    })
}

/// The scope of an operator at the command line, who holds the database itself: every board and
/// programme.
pub async fn operator_scope(store: &Store) -> Result<ConfidentialityScope, StoreError> {
    Ok(ConfidentialityScope {
        board_ids: sqlx::query_scalar("SELECT id FROM boards")
            .fetch_all(store.pool())
            .await?,
        programme_ids: sqlx::query_scalar("SELECT id FROM programmes")
            .fetch_all(store.pool())
            .await?,
    })
}

/// A person's seat on a board, if any.
pub async fn seat(
    store: &Store,
    board_id: &str,
    person_id: &str,
) -> Result<Option<BoardRole>, StoreError> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT board_role FROM board_members WHERE board_id = $1 AND person_id = $2",
    )
    .bind(board_id)
    .bind(person_id)
    .fetch_optional(store.pool())
    .await?;
    Ok(role.and_then(|r| r.parse().ok()))
}

/// True for seats that carry a vote: chair, vice chair and member (not attendee).
pub fn is_voting(seat: Option<BoardRole>) -> bool {
    matches!(
        seat,
        Some(BoardRole::Chair | BoardRole::ViceChair | BoardRole::Member)
    )
}

/// A meeting of a board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Meeting {
    /// Concord's id for it.
    pub id: String,
    /// The board.
    pub board_id: String,
    /// Its name.
    pub board_name: String,
    /// The board's host organisation.
    pub host_organisation_id: String,
    /// The meeting's title.
    pub title: String,
    /// The date.
    pub held_on: String,
    /// The start time (London).
    pub starts_at: String,
    /// Where.
    pub location: String,
    /// The minutes (empty until written).
    pub minutes: String,
    /// The date of the later meeting that approved the minutes as a true record, once approved.
    pub minutes_approved_on: Option<String>,
}

const MEETING_SELECT: &str = "SELECT m.id, m.board_id, b.name AS board_name, b.organisation_id AS host_organisation_id, m.title, m.held_on,
        m.starts_at, m.location, m.minutes, m.minutes_approved_on
    FROM meetings m JOIN boards b ON b.id = m.board_id";

fn meeting_from_row(row: &AnyRow) -> Result<Meeting, StoreError> {
    Ok(Meeting {
        id: row.text("id")?,
        board_id: row.text("board_id")?,
        board_name: row.text("board_name")?,
        host_organisation_id: row.text("host_organisation_id")?,
        title: row.text("title")?,
        held_on: row.text("held_on")?,
        starts_at: row.text("starts_at")?,
        location: row.text("location")?,
        minutes: row.text("minutes")?,
        minutes_approved_on: row.opt_text("minutes_approved_on")?,
    })
}

/// A board's meetings, latest first.
pub async fn meetings_of(store: &Store, board_id: &str) -> Result<Vec<Meeting>, StoreError> {
    let sql =
        format!("{MEETING_SELECT} WHERE m.board_id = $1 ORDER BY m.held_on DESC, m.starts_at DESC");
    all_by(store, &sql, board_id, meeting_from_row).await
}

/// One meeting.
pub async fn get(store: &Store, id: &str) -> Result<Meeting, StoreError> {
    let sql = format!("{MEETING_SELECT} WHERE m.id = $1");
    let row = row_by_id(store, &sql, "meeting", id).await?;
    meeting_from_row(&row)
}

/// The board's meeting held before this one, if any.
pub async fn previous(store: &Store, meeting: &Meeting) -> Result<Option<Meeting>, StoreError> {
    let sql = format!(
        "{MEETING_SELECT} WHERE m.board_id = $1 AND (m.held_on < $2 OR (m.held_on = $2 AND m.starts_at < $3)) ORDER BY m.held_on DESC, m.starts_at DESC LIMIT 1"
    );
    let row = sqlx::query(&sql)
        .bind(&meeting.board_id)
        .bind(&meeting.held_on)
        .bind(&meeting.starts_at)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(meeting_from_row).transpose()
}

/// Schedules a meeting of a board; returns its id.
pub async fn schedule(
    store: &Store,
    actor: &Actor,
    board_id: &str,
    draft: &MeetingDraft,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "meeting.schedule",
        "meeting",
        Some(&id),
        draft.title.trim(),
    );
    store
        .audited(entry, async |entry| {
            crate::boards::get(store, board_id).await?;
            draft.validate()?;
            let mut tx = store.begin_write().await?;
            let now = crate::now_utc();
            sqlx::query(
                "INSERT INTO meetings (id, board_id, title, held_on, starts_at, location, minutes, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, '', $7, $7)",
            )
            .bind(&id)
            .bind(board_id)
            .bind(draft.title.trim())
            .bind(draft.held_on.trim())
            .bind(draft.starts_at.trim())
            .bind(draft.location.trim())
            .bind(&now)
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// Writes (or replaces) a meeting's minutes.
pub async fn write_minutes(
    store: &Store,
    actor: &Actor,
    meeting_id: &str,
    draft: &MinutesDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "meeting.minutes", "meeting", Some(meeting_id), "");
    store
        .audited(entry, async |entry| {
            let meeting = get(store, meeting_id).await?;
            if let Some(on) = &meeting.minutes_approved_on {
                return Err(StoreError::invalid(
                    "minutes",
                    format!(
                        "These minutes were approved as a true record at the meeting on {}: they can no longer be changed",
                        concord_domain::format::stored_day(on)
                    ),
                ));
            }
            draft.validate()?;
            let mut tx = store.begin_write().await?;
            sqlx::query("UPDATE meetings SET minutes = $2, updated_at = $3 WHERE id = $1")
                .bind(meeting_id)
                .bind(draft.minutes.trim())
                .bind(crate::now_utc())
                .execute(tx.conn())
                .await?;
            tx.commit(entry).await
        })
        .await
}

/// An item on an agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AgendaItem {
    /// Concord's id for it.
    pub id: String,
    /// Its number on the agenda, from 1.
    pub position: i64,
    /// The title.
    pub title: String,
    /// Why it is on the agenda.
    pub purpose: AgendaPurpose,
    /// The programme it concerns.
    pub programme_id: Option<String>,
    /// Its name.
    pub programme_name: Option<String>,
    /// The presenter's name.
    pub presenter_name: Option<String>,
    /// The paper.
    pub paper: String,
    /// Whether only the board's members may read it.
    pub confidential: bool,
    /// Whether a decision has been recorded against it.
    pub decided: bool,
}

/// What a viewer may read of a list, and how much was withheld.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Visible<T> {
    /// The items the viewer may read.
    pub items: Vec<T>,
    /// How many confidential items were withheld.
    pub withheld: usize,
}

fn visible<T>(all: Vec<T>, may_read: impl Fn(&T) -> bool) -> Visible<T> {
    let total = all.len();
    let items: Vec<T> = all.into_iter().filter(|i| may_read(i)).collect();
    Visible {
        withheld: total - items.len(),
        items,
    }
}

/// A meeting's agenda, as the viewer may read it.
pub async fn agenda(
    store: &Store,
    viewer: &ConfidentialityScope,
    meeting: &Meeting,
) -> Result<Visible<AgendaItem>, StoreError> {
    let rows = sqlx::query(
        "SELECT a.id, a.position, a.title, a.purpose, a.programme_id, pr.name AS programme_name,
            p.given_name || ' ' || p.family_name AS presenter_name, a.paper, a.confidential,
            (SELECT COUNT(*) FROM decisions d WHERE d.agenda_item_id = a.id) AS decisions
         FROM agenda_items a LEFT JOIN programmes pr ON pr.id = a.programme_id LEFT JOIN people p ON p.id = a.presenter_person_id
         WHERE a.meeting_id = $1 ORDER BY a.position",
    )
    .bind(&meeting.id)
    .fetch_all(store.pool())
    .await?;
    let all = rows
        .iter()
        .map(|row| {
            Ok(AgendaItem {
                id: row.text("id")?,
                position: row.int("position")?,
                title: row.text("title")?,
                purpose: row.code("purpose")?,
                programme_id: row.opt_text("programme_id")?,
                programme_name: row.opt_text("programme_name")?,
                presenter_name: row.opt_text("presenter_name")?,
                paper: row.text("paper")?,
                confidential: row.flag("confidential")?,
                decided: row.int("decisions")? > 0,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(visible(all, |i| {
        viewer.may_read(i.confidential, Some(&meeting.board_id), None)
    }))
}

/// Adds an item to the end of a meeting's agenda; returns its id.
pub async fn add_agenda_item(
    store: &Store,
    actor: &Actor,
    meeting_id: &str,
    draft: &AgendaItemDraft,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "agenda.add",
        "agenda item",
        Some(&id),
        draft.title.trim(),
    );
    store
        .audited(entry, async |entry| {
            get(store, meeting_id).await?;
            let purpose = draft.validate()?;
            let mut tx = store.begin_write().await?;
            if let Some(p) = blank(&draft.programme_id) {
                require_exists(tx.conn(), Table::Programmes, p, "programme_id", "Select a programme that exists").await?;
            }
            if let Some(p) = blank(&draft.presenter_person_id) {
                require_exists(tx.conn(), Table::People, p, "presenter_person_id", "Select a presenter who exists").await?;
            }
            let position: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM agenda_items WHERE meeting_id = $1")
                .bind(meeting_id)
                .fetch_one(tx.conn())
                .await?;
            sqlx::query(
                "INSERT INTO agenda_items (id, meeting_id, position, title, purpose, programme_id, presenter_person_id, paper, confidential, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&id)
            .bind(meeting_id)
            .bind(position)
            .bind(draft.title.trim())
            .bind(purpose.as_str())
            .bind(blank(&draft.programme_id))
            .bind(blank(&draft.presenter_person_id))
            .bind(draft.paper.trim())
            .bind(i64::from(draft.confidential))
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// A decision a board made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BoardDecision {
    /// Concord's id for it.
    pub id: String,
    /// The meeting.
    pub meeting_id: String,
    /// The meeting's date.
    pub held_on: String,
    /// The board.
    pub board_id: String,
    /// Its name.
    pub board_name: String,
    /// The agenda item settled, if any.
    pub agenda_item_id: Option<String>,
    /// The programme concerned, if any.
    pub programme_id: Option<String>,
    /// The decision in one line.
    pub title: String,
    /// What was decided.
    pub decision: String,
    /// Options considered.
    pub options_considered: String,
    /// Who decided.
    pub decided_by: String,
    /// The consent proposal it rests on, if any.
    pub proposal_id: Option<String>,
    /// That proposal's title.
    pub proposal_title: Option<String>,
    /// Whether only the board's members may read it.
    pub confidential: bool,
    /// Who recorded it.
    pub recorded_by: String,
}

const DECISION_SELECT: &str = "SELECT d.id, d.meeting_id, m.held_on, m.board_id, b.name AS board_name, d.agenda_item_id, d.programme_id,
        d.title, d.decision, d.options_considered, d.decided_by, d.proposal_id, pp.title AS proposal_title, d.confidential,
        p.given_name || ' ' || p.family_name AS recorded_by
    FROM decisions d JOIN meetings m ON m.id = d.meeting_id JOIN boards b ON b.id = m.board_id
    JOIN people p ON p.id = d.recorded_by_person_id LEFT JOIN proposals pp ON pp.id = d.proposal_id";

fn decision_from_row(row: &AnyRow) -> Result<BoardDecision, StoreError> {
    Ok(BoardDecision {
        id: row.text("id")?,
        meeting_id: row.text("meeting_id")?,
        held_on: row.text("held_on")?,
        board_id: row.text("board_id")?,
        board_name: row.text("board_name")?,
        agenda_item_id: row.opt_text("agenda_item_id")?,
        programme_id: row.opt_text("programme_id")?,
        title: row.text("title")?,
        decision: row.text("decision")?,
        options_considered: row.text("options_considered")?,
        decided_by: row.text("decided_by")?,
        proposal_id: row.opt_text("proposal_id")?,
        proposal_title: row.opt_text("proposal_title")?,
        confidential: row.flag("confidential")?,
        recorded_by: row.text("recorded_by")?,
    })
}

async fn decisions_where(
    store: &Store,
    viewer: &ConfidentialityScope,
    condition: &str,
    bind: &str,
) -> Result<Visible<BoardDecision>, StoreError> {
    let sql = format!("{DECISION_SELECT} WHERE {condition} ORDER BY m.held_on DESC, d.recorded_at");
    let rows = sqlx::query(&sql).bind(bind).fetch_all(store.pool()).await?;
    let all = rows
        .iter()
        .map(decision_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(visible(all, |d| {
        viewer.may_read(d.confidential, Some(&d.board_id), None)
    }))
}

/// The decisions made at a meeting, as the viewer may read them.
pub async fn decisions_of_meeting(
    store: &Store,
    viewer: &ConfidentialityScope,
    meeting_id: &str,
) -> Result<Visible<BoardDecision>, StoreError> {
    decisions_where(store, viewer, "d.meeting_id = $1", meeting_id).await
}

/// The decisions boards have made about a programme, latest first.
pub async fn decisions_of_programme(
    store: &Store,
    viewer: &ConfidentialityScope,
    programme_id: &str,
) -> Result<Visible<BoardDecision>, StoreError> {
    decisions_where(store, viewer, "d.programme_id = $1", programme_id).await
}

/// Records a decision made at a meeting; returns its id.
pub async fn record_decision(
    store: &Store,
    actor: &Actor,
    meeting_id: &str,
    draft: &DecisionDraft,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "decision.record",
        "decision",
        Some(&id),
        draft.title.trim(),
    );
    store
        .audited(entry, async |entry| {
            get(store, meeting_id).await?;
            draft.validate()?;
            let person = actor.person_id.clone().ok_or_else(|| StoreError::invalid("title", "Only a person may record a decision"))?;
            let mut tx = store.begin_write().await?;
            let mut programme = blank(&draft.programme_id).map(str::to_string);
            // A decision on a confidential agenda item is confidential too, whatever the form said.
            let mut confidential = draft.confidential;
            if let Some(item) = blank(&draft.agenda_item_id) {
                let found: Option<(String, Option<String>, i64)> =
                    sqlx::query_as("SELECT id, programme_id, confidential FROM agenda_items WHERE id = $1 AND meeting_id = $2")
                        .bind(item)
                        .bind(meeting_id)
                        .fetch_optional(tx.conn())
                        .await?;
                let (_, item_programme, item_confidential) = found.ok_or_else(|| StoreError::invalid("agenda_item_id", "Select an item on this meeting's agenda"))?;
                programme = programme.or(item_programme);
                confidential |= item_confidential != 0;
            }
            if let Some(p) = &programme {
                require_exists(tx.conn(), Table::Programmes, p, "programme_id", "Select a programme that exists").await?;
            }
            if let Some(p) = blank(&draft.proposal_id) {
                require_exists(tx.conn(), Table::Proposals, p, "proposal_id", "Select a consent proposal that exists").await?;
            }
            sqlx::query(
                "INSERT INTO decisions (id, meeting_id, agenda_item_id, programme_id, title, decision, options_considered, decided_by, proposal_id,
                    confidential, recorded_by_person_id, recorded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(&id)
            .bind(meeting_id)
            .bind(blank(&draft.agenda_item_id))
            .bind(programme.as_deref())
            .bind(draft.title.trim())
            .bind(draft.decision.trim())
            .bind(draft.options_considered.trim())
            .bind(draft.decided_by.trim())
            .bind(blank(&draft.proposal_id))
            .bind(i64::from(confidential))
            .bind(&person)
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// An action, with whether it is overdue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ActionItem {
    /// Concord's id for it.
    pub id: String,
    /// The meeting that set it, if any.
    pub meeting_id: Option<String>,
    /// The board that set it, if any.
    pub board_name: Option<String>,
    /// The programme concerned, if any.
    pub programme_id: Option<String>,
    /// Its name.
    pub programme_name: Option<String>,
    /// What is to be done.
    pub title: String,
    /// The owner.
    pub owner_person_id: String,
    /// Their name.
    pub owner_name: String,
    /// When by (London date).
    pub due_on: String,
    /// Open or done.
    pub status: ActionStatus,
    /// Overdue at the time of asking.
    pub overdue: bool,
    /// Days until due (negative once overdue).
    pub days_until_due: i64,
}

const ACTION_SELECT: &str = "SELECT a.id, a.meeting_id, b.name AS board_name, a.programme_id, pr.name AS programme_name, a.title, a.owner_person_id,
        p.given_name || ' ' || p.family_name AS owner_name, a.due_on, a.status
    FROM actions a JOIN people p ON p.id = a.owner_person_id LEFT JOIN meetings m ON m.id = a.meeting_id
    LEFT JOIN boards b ON b.id = m.board_id LEFT JOIN programmes pr ON pr.id = a.programme_id";

fn action_from_row(row: &AnyRow, now: DateTime<Utc>) -> Result<ActionItem, StoreError> {
    let due_on = row.text("due_on")?;
    let status: ActionStatus = row.code("status")?;
    let due = NaiveDate::parse_from_str(&due_on, "%Y-%m-%d").map_err(|_| {
        StoreError::Database(sqlx::Error::Decode(
            format!("bad due date '{due_on}'").into(),
        ))
    })?;
    Ok(ActionItem {
        id: row.text("id")?,
        meeting_id: row.opt_text("meeting_id")?,
        board_name: row.opt_text("board_name")?,
        programme_id: row.opt_text("programme_id")?,
        programme_name: row.opt_text("programme_name")?,
        title: row.text("title")?,
        owner_person_id: row.text("owner_person_id")?,
        owner_name: row.text("owner_name")?,
        overdue: is_overdue(due, status, now),
        days_until_due: days_until(due, now),
        due_on,
        status,
    })
}

async fn actions_where(
    store: &Store,
    condition: &str,
    bind: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ActionItem>, StoreError> {
    let sql =
        format!("{ACTION_SELECT} WHERE {condition} ORDER BY a.status DESC, a.due_on, a.title");
    all_by(store, &sql, bind, |r| action_from_row(r, now)).await
}

/// The actions set at a meeting.
pub async fn actions_of_meeting(
    store: &Store,
    meeting_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ActionItem>, StoreError> {
    actions_where(store, "a.meeting_id = $1", meeting_id, now).await
}

/// The actions on a programme.
pub async fn actions_of_programme(
    store: &Store,
    programme_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ActionItem>, StoreError> {
    actions_where(store, "a.programme_id = $1", programme_id, now).await
}

/// A person's open actions, soonest due first.
pub async fn actions_owned_by(
    store: &Store,
    person_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ActionItem>, StoreError> {
    actions_where(
        store,
        "a.owner_person_id = $1 AND a.status = 'open'",
        person_id,
        now,
    )
    .await
}

/// The open actions of a board from all its earlier meetings.
pub async fn open_actions_of_board(
    store: &Store,
    board_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ActionItem>, StoreError> {
    actions_where(
        store,
        "m.board_id = $1 AND a.status = 'open'",
        board_id,
        now,
    )
    .await
}

/// One action, with the board (if any) whose meeting set it.
pub async fn action(store: &Store, id: &str) -> Result<(ActionItem, Option<String>), StoreError> {
    let sql = format!("{ACTION_SELECT} WHERE a.id = $1");
    let row = row_by_id(store, &sql, "action", id).await?;
    let board: Option<String> = sqlx::query_scalar(
        "SELECT m.board_id FROM actions a JOIN meetings m ON m.id = a.meeting_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    Ok((action_from_row(&row, Utc::now())?, board))
}

/// Sets an action at a meeting (`meeting_id`) or on a programme; returns its id.
pub async fn set_action(
    store: &Store,
    actor: &Actor,
    meeting_id: Option<&str>,
    draft: &ActionDraft,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(actor, "action.set", "action", Some(&id), draft.title.trim());
    store
        .audited(entry, async |entry| {
            if let Some(m) = meeting_id {
                get(store, m).await?;
            }
            draft.validate()?;
            let mut tx = store.begin_write().await?;
            require_exists(tx.conn(), Table::People, draft.owner_person_id.trim(), "owner_person_id", "Select an owner who exists").await?;
            if let Some(p) = blank(&draft.programme_id) {
                require_exists(tx.conn(), Table::Programmes, p, "programme_id", "Select a programme that exists").await?;
            }
            sqlx::query(
                "INSERT INTO actions (id, meeting_id, programme_id, title, owner_person_id, due_on, status, completed_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 'open', NULL, $7)",
            )
            .bind(&id)
            .bind(meeting_id)
            .bind(blank(&draft.programme_id))
            .bind(draft.title.trim())
            .bind(draft.owner_person_id.trim())
            .bind(draft.due_on.trim())
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// Marks an action done.
pub async fn complete_action(store: &Store, actor: &Actor, id: &str) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "action.complete", "action", Some(id), "");
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let n = sqlx::query("UPDATE actions SET status = 'done', completed_at = $2 WHERE id = $1 AND status = 'open'")
                .bind(id)
                .bind(crate::now_utc())
                .execute(tx.conn())
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::not_found("open action", id));
            }
            tx.commit(entry).await
        })
        .await
}
