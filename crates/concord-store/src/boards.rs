//! Boards and their members.

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::organisations;
use crate::rows::{all_by, one_by_id, RowExt};
use concord_domain::board::ValidBoard;
use concord_domain::{BoardDraft, BoardKind, BoardRole};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

/// A board as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Board {
    /// Concord's id for it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What kind of board it is.
    pub kind: BoardKind,
    /// The host organisation.
    pub organisation_id: String,
    /// The host organisation's name.
    pub organisation_name: String,
    /// The place it serves, if any.
    pub place_id: Option<String>,
    /// The place's name.
    pub place_name: Option<String>,
    /// Its purpose.
    pub description: String,
    /// Its terms of reference.
    pub terms_of_reference: String,
    /// How many members it has.
    pub member_count: i64,
}

/// A seat on a board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BoardMember {
    /// The board.
    pub board_id: String,
    /// The board's name.
    pub board_name: String,
    /// The person.
    pub person_id: String,
    /// The person's full name.
    pub person_name: String,
    /// The person's job title.
    pub job_title: String,
    /// Their seat.
    pub board_role: BoardRole,
}

/// A request to seat someone on a board.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct BoardMemberDraft {
    /// The person's id.
    #[schema(required)]
    pub person_id: String,
    /// The seat's code: chair, vice_chair, member or attendee.
    #[schema(required)]
    pub board_role: String,
}

const SELECT: &str = "SELECT b.id, b.name, b.kind, b.organisation_id, o.name AS organisation_name, b.place_id, pl.name AS place_name,
        b.description, b.terms_of_reference, (SELECT COUNT(*) FROM board_members bm WHERE bm.board_id = b.id) AS member_count
    FROM boards b JOIN organisations o ON o.id = b.organisation_id LEFT JOIN places pl ON pl.id = b.place_id";

fn from_row(row: &AnyRow) -> Result<Board, StoreError> {
    let kind: String = row.text("kind")?;
    Ok(Board {
        id: row.text("id")?,
        name: row.text("name")?,
        kind: kind
            .parse()
            .map_err(|_| sqlx::Error::Decode(format!("unknown board kind '{kind}'").into()))?,
        organisation_id: row.text("organisation_id")?,
        organisation_name: row.text("organisation_name")?,
        place_id: row.opt_text("place_id")?,
        place_name: row.opt_text("place_name")?,
        description: row.text("description")?,
        terms_of_reference: row.text("terms_of_reference")?,
        member_count: row.int("member_count")?,
    })
}

/// Every board, or those hosted by `organisation_id`, by name.
pub async fn list(store: &Store, organisation_id: Option<&str>) -> Result<Vec<Board>, StoreError> {
    let sql = format!("{SELECT} WHERE ($1 = '' OR b.organisation_id = $1) ORDER BY b.name");
    all_by(store, &sql, organisation_id.unwrap_or(""), from_row).await
}

/// The boards that serve a place.
pub async fn list_for_place(store: &Store, place_id: &str) -> Result<Vec<Board>, StoreError> {
    let sql = format!("{SELECT} WHERE b.place_id = $1 ORDER BY b.name");
    all_by(store, &sql, place_id, from_row).await
}

/// The board with `id`.
pub async fn get(store: &Store, id: &str) -> Result<Board, StoreError> {
    let sql = format!("{SELECT} WHERE b.id = $1");
    one_by_id(store, &sql, "board", id, from_row).await
}

const MEMBER_SELECT: &str = "SELECT bm.board_id, b.name AS board_name, bm.person_id, p.given_name, p.family_name, p.job_title, bm.board_role
    FROM board_members bm JOIN boards b ON b.id = bm.board_id JOIN people p ON p.id = bm.person_id";

fn member_from_row(row: &AnyRow) -> Result<BoardMember, StoreError> {
    let role: String = row.text("board_role")?;
    let given: String = row.text("given_name")?;
    let family: String = row.text("family_name")?;
    Ok(BoardMember {
        board_id: row.text("board_id")?,
        board_name: row.text("board_name")?,
        person_id: row.text("person_id")?,
        person_name: format!("{given} {family}"),
        job_title: row.text("job_title")?,
        board_role: role
            .parse()
            .map_err(|_| sqlx::Error::Decode(format!("unknown board role '{role}'").into()))?,
    })
}

/// A board's members: chair first, then vice chair, members and attendees, each by name.
pub async fn members(store: &Store, board_id: &str) -> Result<Vec<BoardMember>, StoreError> {
    let sql = format!(
        "{MEMBER_SELECT} WHERE bm.board_id = $1
         ORDER BY CASE bm.board_role WHEN 'chair' THEN 0 WHEN 'vice_chair' THEN 1 WHEN 'member' THEN 2 ELSE 3 END, p.family_name, p.given_name"
    );
    all_by(store, &sql, board_id, member_from_row).await
}

/// The boards a person sits on.
pub async fn seats_of_person(
    store: &Store,
    person_id: &str,
) -> Result<Vec<BoardMember>, StoreError> {
    let sql = format!("{MEMBER_SELECT} WHERE bm.person_id = $1 ORDER BY b.name");
    all_by(store, &sql, person_id, member_from_row).await
}

async fn check_references(conn: &mut AnyConnection, valid: &ValidBoard) -> Result<(), StoreError> {
    if organisations::exists(&mut *conn, &valid.organisation_id)
        .await?
        .is_none()
    {
        return Err(StoreError::invalid(
            "organisation_id",
            "Select a host organisation that exists",
        ));
    }
    if let Some(place_id) = &valid.place_id {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM places WHERE id = $1")
            .bind(place_id)
            .fetch_optional(conn)
            .await?;
        if found.is_none() {
            return Err(StoreError::invalid(
                "place_id",
                "Select a place that exists",
            ));
        }
    }
    Ok(())
}

/// Adds a board; returns its id.
pub async fn create(
    store: &Store,
    actor: &Actor,
    draft: &BoardDraft,
) -> Result<String, StoreError> {
    let entry = AuditEntry::success(actor, "board.create", "board", None, "");
    store
        .audited(entry, async |entry| {
            let valid = draft.validate()?;
            let mut tx = store.begin_write().await?;
            check_references(tx.conn(), &valid).await?;
            let id = crate::new_id();
            let now = crate::now_utc();
            sqlx::query(
                "INSERT INTO boards (id, name, kind, organisation_id, place_id, description, created_at, updated_at, terms_of_reference) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)",
            )
            .bind(&id)
            .bind(&valid.name)
            .bind(valid.kind.as_str())
            .bind(&valid.organisation_id)
            .bind(&valid.place_id)
            .bind(&valid.description)
            .bind(&now)
            .bind(&valid.terms_of_reference)
            .execute(tx.conn())
            .await?;
            let detail = format!("created {} ({})", valid.name, valid.kind.label());
            tx.commit(entry.about(&id).detailed(detail)).await?;
            Ok(id)
        })
        .await
}

/// Changes a board's details. Its host organisation may change only to one the caller has checked.
pub async fn update(
    store: &Store,
    actor: &Actor,
    id: &str,
    draft: &BoardDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "board.update", "board", Some(id), "");
    store
        .audited(entry, async |entry| {
            let valid = draft.validate()?;
            get(store, id).await?;
            let mut tx = store.begin_write().await?;
            check_references(tx.conn(), &valid).await?;
            sqlx::query("UPDATE boards SET name = $2, kind = $3, organisation_id = $4, place_id = $5, description = $6, updated_at = $7, terms_of_reference = $8 WHERE id = $1")
                .bind(id)
                .bind(&valid.name)
                .bind(valid.kind.as_str())
                .bind(&valid.organisation_id)
                .bind(&valid.place_id)
                .bind(&valid.description)
                .bind(crate::now_utc())
                .bind(&valid.terms_of_reference)
                .execute(tx.conn())
                .await?;
            tx.commit(entry.detailed(format!("updated {}", valid.name))).await
        })
        .await
}

/// Seats a person on a board, or changes their seat if they already sit on it.
pub async fn set_member(
    store: &Store,
    actor: &Actor,
    board_id: &str,
    draft: &BoardMemberDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "board.member.set", "board", Some(board_id), "");
    store
        .audited(entry, async |entry| {
            let mut errors = concord_domain::ValidationErrors::default();
            if draft.person_id.trim().is_empty() {
                errors.add("person_id", "Select a person");
            }
            let role = errors.require_code::<BoardRole>("board_role", "a seat", &draft.board_role);
            errors.into_result()?;
            let role = role.expect("validated");
            let person_id = draft.person_id.trim();
            get(store, board_id).await?;
            let mut tx = store.begin_write().await?;
            let person: Option<String> = sqlx::query_scalar("SELECT id FROM people WHERE id = $1")
                .bind(person_id)
                .fetch_optional(tx.conn())
                .await?;
            if person.is_none() {
                return Err(StoreError::invalid(
                    "person_id",
                    format!("There is no person with id '{person_id}'"),
                ));
            }
            crate::grants::check_seat_change(tx.conn(), actor, board_id, person_id, Some(role))
                .await?;
            sqlx::query("DELETE FROM board_members WHERE board_id = $1 AND person_id = $2")
                .bind(board_id)
                .bind(person_id)
                .execute(tx.conn())
                .await?;
            sqlx::query(
                "INSERT INTO board_members (board_id, person_id, board_role) VALUES ($1, $2, $3)",
            )
            .bind(board_id)
            .bind(person_id)
            .bind(role.as_str())
            .execute(tx.conn())
            .await?;
            tx.commit(entry.detailed(format!("person {person_id} seated as {}", role.label())))
                .await
        })
        .await
}

/// Removes a person from a board.
pub async fn remove_member(
    store: &Store,
    actor: &Actor,
    board_id: &str,
    person_id: &str,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "board.member.remove",
        "board",
        Some(board_id),
        format!("person {person_id} left the board"),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            crate::grants::check_seat_change(tx.conn(), actor, board_id, person_id, None).await?;
            let removed =
                sqlx::query("DELETE FROM board_members WHERE board_id = $1 AND person_id = $2")
                    .bind(board_id)
                    .bind(person_id)
                    .execute(tx.conn())
                    .await?;
            if removed.rows_affected() == 0 {
                return Err(StoreError::not_found("board member", person_id));
            }
            tx.commit(entry).await
        })
        .await
}
