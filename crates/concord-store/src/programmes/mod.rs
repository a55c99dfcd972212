//! Integration programmes and their projects, with a history of every change and status report.

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::rows::{all, all_by, blank, require_exists, row_by_id, RowExt, Table};
use concord_domain::programme::{
    DeliveryStatus, ProgrammeDraft, ProjectDraft, Rag, StatusUpdateDraft,
};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

mod adoption;
use adoption::adopt;
pub use adoption::Adoption;

/// A programme, with the names of the people and bodies it refers to.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Programme {
    /// Concord's id for it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it changes.
    pub summary: String,
    /// The lead organisation.
    pub lead_organisation_id: String,
    /// Its name.
    pub lead_organisation_name: String,
    /// The senior responsible owner.
    pub sro_person_id: String,
    /// Their name.
    pub sro_name: String,
    /// The programme manager.
    pub manager_person_id: String,
    /// Their name.
    pub manager_name: String,
    /// The governing board, if any.
    pub board_id: Option<String>,
    /// Its name.
    pub board_name: Option<String>,
    /// The place covered; `None` for the whole system.
    pub place_id: Option<String>,
    /// Its name.
    pub place_name: Option<String>,
    /// Delivery status.
    pub status: DeliveryStatus,
    /// Current RAG rating.
    pub rag: Rag,
    /// Why.
    pub rag_reason: String,
    /// Start date.
    pub starts_on: String,
    /// Planned end date.
    pub ends_on: Option<String>,
    /// When it last changed (UTC).
    pub updated_at: String,
}

impl Programme {
    /// "Whole system" or the place's name.
    pub fn scope(&self) -> &str {
        self.place_name.as_deref().unwrap_or("Whole system")
    }

    /// True when `person_id` is its SRO or manager.
    pub fn is_led_by(&self, person_id: &str) -> bool {
        self.sro_person_id == person_id || self.manager_person_id == person_id
    }
}

const PROGRAMME_SELECT: &str =
    "SELECT pr.id, pr.name, pr.summary, pr.lead_organisation_id, o.name AS lead_organisation_name,
        pr.sro_person_id, sro.given_name || ' ' || sro.family_name AS sro_name,
        pr.manager_person_id, mgr.given_name || ' ' || mgr.family_name AS manager_name,
        pr.board_id, b.name AS board_name, pr.place_id, pl.name AS place_name,
        pr.status, pr.rag, pr.rag_reason, pr.starts_on, pr.ends_on, pr.updated_at
    FROM programmes pr
    JOIN organisations o ON o.id = pr.lead_organisation_id
    JOIN people sro ON sro.id = pr.sro_person_id
    JOIN people mgr ON mgr.id = pr.manager_person_id
    LEFT JOIN boards b ON b.id = pr.board_id
    LEFT JOIN places pl ON pl.id = pr.place_id";

fn programme_from_row(row: &AnyRow) -> Result<Programme, StoreError> {
    Ok(Programme {
        id: row.text("id")?,
        name: row.text("name")?,
        summary: row.text("summary")?,
        lead_organisation_id: row.text("lead_organisation_id")?,
        lead_organisation_name: row.text("lead_organisation_name")?,
        sro_person_id: row.text("sro_person_id")?,
        sro_name: row.text("sro_name")?,
        manager_person_id: row.text("manager_person_id")?,
        manager_name: row.text("manager_name")?,
        board_id: row.opt_text("board_id")?,
        board_name: row.opt_text("board_name")?,
        place_id: row.opt_text("place_id")?,
        place_name: row.opt_text("place_name")?,
        status: row.code("status")?,
        rag: row.code("rag")?,
        rag_reason: row.text("rag_reason")?,
        starts_on: row.text("starts_on")?,
        ends_on: row.opt_text("ends_on")?,
        updated_at: row.text("updated_at")?,
    })
}

/// Every programme, by name.
pub async fn list(store: &Store) -> Result<Vec<Programme>, StoreError> {
    let sql = format!("{PROGRAMME_SELECT} ORDER BY pr.name");
    all(store, &sql, programme_from_row).await
}

/// The programmes a board governs, by name.
pub async fn governed_by(store: &Store, board_id: &str) -> Result<Vec<Programme>, StoreError> {
    let sql = format!("{PROGRAMME_SELECT} WHERE pr.board_id = $1 ORDER BY pr.name");
    all_by(store, &sql, board_id, programme_from_row).await
}

/// One programme.
pub async fn get(store: &Store, id: &str) -> Result<Programme, StoreError> {
    let sql = format!("{PROGRAMME_SELECT} WHERE pr.id = $1");
    let row = row_by_id(store, &sql, "programme", id).await?;
    programme_from_row(&row)
}

/// An objective a programme serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ServedObjective {
    /// The objective's id.
    pub id: String,
    /// Its outcome.
    pub outcome: String,
    /// Its round's id.
    pub round_id: String,
}

/// The objectives a programme serves.
pub async fn objectives_of(
    store: &Store,
    programme_id: &str,
) -> Result<Vec<ServedObjective>, StoreError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT ob.id, ob.outcome, ob.round_id FROM programme_objectives po JOIN objectives ob ON ob.id = po.objective_id
         WHERE po.programme_id = $1 ORDER BY ob.outcome",
    )
    .bind(programme_id)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, outcome, round_id)| ServedObjective {
            id,
            outcome,
            round_id,
        })
        .collect())
}

/// A partner organisation taking part in a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Partner {
    /// The organisation's id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// The partners taking part in a programme besides its lead, by name.
pub async fn partners_of(store: &Store, programme_id: &str) -> Result<Vec<Partner>, StoreError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT o.id, o.name FROM programme_partners pp JOIN organisations o ON o.id = pp.organisation_id
         WHERE pp.programme_id = $1 ORDER BY o.name",
    )
    .bind(programme_id)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Partner { id, name })
        .collect())
}

async fn check_programme_references(
    conn: &mut AnyConnection,
    draft: &ProgrammeDraft,
) -> Result<(), StoreError> {
    require_exists(
        conn,
        Table::Organisations,
        &draft.lead_organisation_id,
        "lead_organisation_id",
        "Select a lead organisation that exists",
    )
    .await?;
    for (field, id, what) in [
        (
            "sro_person_id",
            &draft.sro_person_id,
            "senior responsible owner",
        ),
        (
            "manager_person_id",
            &draft.manager_person_id,
            "programme manager",
        ),
    ] {
        require_exists(
            conn,
            Table::People,
            id,
            field,
            &format!("Select a {what} who exists"),
        )
        .await?;
    }
    if let Some(board) = blank(&draft.board_id) {
        require_exists(
            conn,
            Table::Boards,
            board,
            "board_id",
            "Select a board that exists",
        )
        .await?;
    }
    if let Some(place) = blank(&draft.place_id) {
        require_exists(
            conn,
            Table::Places,
            place,
            "place_id",
            "Select a place that exists",
        )
        .await?;
    }
    for id in &draft.objective_ids {
        require_exists(
            conn,
            Table::Objectives,
            id,
            "objective_ids",
            "Select objectives that exist",
        )
        .await?;
    }
    for id in &draft.partner_ids {
        require_exists(
            conn,
            Table::Organisations,
            id,
            "partner_ids",
            "Select partner organisations that exist",
        )
        .await?;
    }
    Ok(())
}

async fn write_links(
    conn: &mut AnyConnection,
    id: &str,
    draft: &ProgrammeDraft,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM programme_objectives WHERE programme_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM programme_partners WHERE programme_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for objective in &draft.objective_ids {
        sqlx::query(
            "INSERT INTO programme_objectives (programme_id, objective_id) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(objective)
        .execute(&mut *conn)
        .await?;
    }
    for partner in &draft.partner_ids {
        sqlx::query(
            "INSERT INTO programme_partners (programme_id, organisation_id) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(partner)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// One line of a programme's history: a status report, or a change to its details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    /// The date it speaks for.
    pub as_of: String,
    /// `created`, `changed` or `report`.
    pub kind: String,
    /// Status then.
    pub status: DeliveryStatus,
    /// RAG then.
    pub rag: Rag,
    /// Why.
    pub rag_reason: String,
    /// Progress reported, or the fields changed.
    pub progress: String,
    /// Who recorded it.
    pub person_name: String,
    /// When (UTC).
    pub recorded_at: String,
}

/// Fields of a history row to insert.
struct NewHistory<'a> {
    programme_id: &'a str,
    as_of: &'a str,
    kind: &'a str,
    status: &'a str,
    rag: &'a str,
    rag_reason: &'a str,
    progress: &'a str,
}

async fn add_history(
    conn: &mut AnyConnection,
    actor: &Actor,
    h: NewHistory<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO programme_history (id, programme_id, as_of, kind, status, rag, rag_reason, progress, person_name, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(crate::new_id())
    .bind(h.programme_id)
    .bind(h.as_of)
    .bind(h.kind)
    .bind(h.status)
    .bind(h.rag)
    .bind(h.rag_reason)
    .bind(h.progress)
    .bind(&actor.name)
    .bind(crate::now_utc())
    .execute(conn)
    .await?;
    Ok(())
}

/// A programme's history, oldest first.
pub async fn history(store: &Store, programme_id: &str) -> Result<Vec<HistoryEntry>, StoreError> {
    let rows = sqlx::query(
        "SELECT as_of, kind, status, rag, rag_reason, progress, person_name, recorded_at FROM programme_history
         WHERE programme_id = $1 ORDER BY as_of, recorded_at",
    )
    .bind(programme_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(HistoryEntry {
                as_of: row.text("as_of")?,
                kind: row.text("kind")?,
                status: row.code("status")?,
                rag: row.code("rag")?,
                rag_reason: row.text("rag_reason")?,
                progress: row.text("progress")?,
                person_name: row.text("person_name")?,
                recorded_at: row.text("recorded_at")?,
            })
        })
        .collect()
}

/// Today's date in London, as stored.
pub(crate) fn today() -> String {
    concord_domain::meeting::london_date(chrono::Utc::now())
        .format("%Y-%m-%d")
        .to_string()
}

/// Starts a programme; returns its id.
pub async fn create(
    store: &Store,
    actor: &Actor,
    draft: &ProgrammeDraft,
) -> Result<String, StoreError> {
    create_adopted(store, actor, draft, None).await
}

/// Creates a programme, with what it adopts, in one transaction: all of it or none.
pub async fn create_adopted(
    store: &Store,
    actor: &Actor,
    draft: &ProgrammeDraft,
    adoption: Option<&Adoption>,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "programme.create",
        "programme",
        Some(&id),
        draft.name.trim(),
    );
    store
        .audited(entry, async |entry| {
            let valid = draft.validate()?;
            let mut tx = store.begin_write().await?;
            check_programme_references(tx.conn(), &valid).await?;
            let taken: Option<String> = sqlx::query_scalar("SELECT id FROM programmes WHERE name = $1")
                .bind(&valid.name)
                .fetch_optional(tx.conn())
                .await?;
            if taken.is_some() {
                return Err(StoreError::invalid("name", "A programme with this name already exists"));
            }
            let now = crate::now_utc();
            sqlx::query(
                "INSERT INTO programmes (id, name, summary, lead_organisation_id, sro_person_id, manager_person_id, board_id, place_id,
                    status, rag, rag_reason, starts_on, ends_on, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
            )
            .bind(&id)
            .bind(&valid.name)
            .bind(&valid.summary)
            .bind(&valid.lead_organisation_id)
            .bind(&valid.sro_person_id)
            .bind(&valid.manager_person_id)
            .bind(blank(&valid.board_id))
            .bind(blank(&valid.place_id))
            .bind(&valid.status)
            .bind(&valid.rag)
            .bind(&valid.rag_reason)
            .bind(&valid.starts_on)
            .bind(blank(&valid.ends_on))
            .bind(&now)
            .execute(tx.conn())
            .await?;
            write_links(tx.conn(), &id, &valid).await?;
            let as_of = valid.starts_on.clone().min(today());
            add_history(
                tx.conn(),
                actor,
                NewHistory {
                    programme_id: &id,
                    as_of: &as_of,
                    kind: "created",
                    status: &valid.status,
                    rag: &valid.rag,
                    rag_reason: &valid.rag_reason,
                    progress: "Programme started in Concord",
                },
            )
            .await?;
            if let Some(adoption) = adoption {
                adopt(tx.conn(), actor, &id, &valid, adoption, &now).await?;
            }
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// Names the details that differ between a programme as stored and a draft, for its history.
fn changed_fields(old: &Programme, new: &ProgrammeDraft) -> Vec<&'static str> {
    let mut changed = Vec::new();
    let pairs: [(&'static str, &str, &str); 10] = [
        ("name", &old.name, &new.name),
        ("summary", &old.summary, &new.summary),
        (
            "lead organisation",
            &old.lead_organisation_id,
            &new.lead_organisation_id,
        ),
        (
            "senior responsible owner",
            &old.sro_person_id,
            &new.sro_person_id,
        ),
        ("manager", &old.manager_person_id, &new.manager_person_id),
        (
            "board",
            old.board_id.as_deref().unwrap_or(""),
            &new.board_id,
        ),
        (
            "scope",
            old.place_id.as_deref().unwrap_or(""),
            &new.place_id,
        ),
        ("status", old.status.as_str(), &new.status),
        ("RAG rating", old.rag.as_str(), &new.rag),
        (
            "dates",
            &format!("{}{:?}", old.starts_on, old.ends_on),
            &format!(
                "{}{:?}",
                new.starts_on,
                blank(&new.ends_on).map(str::to_string)
            ),
        ),
    ];
    for (label, a, b) in pairs {
        if a != b {
            changed.push(label);
        }
    }
    if old.rag_reason != new.rag_reason && !changed.contains(&"RAG rating") {
        changed.push("RAG reason");
    }
    changed
}

/// Changes a programme's details; the change is added to its history.
pub async fn update(
    store: &Store,
    actor: &Actor,
    id: &str,
    draft: &ProgrammeDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "programme.update", "programme", Some(id), "");
    store
        .audited(entry, async |entry| {
            let old = get(store, id).await?;
            let valid = draft.validate()?;
            let mut tx = store.begin_write().await?;
            check_programme_references(tx.conn(), &valid).await?;
            let taken: Option<String> = sqlx::query_scalar("SELECT id FROM programmes WHERE name = $1 AND id <> $2")
                .bind(&valid.name)
                .bind(id)
                .fetch_optional(tx.conn())
                .await?;
            if taken.is_some() {
                return Err(StoreError::invalid("name", "A programme with this name already exists"));
            }
            sqlx::query(
                "UPDATE programmes SET name = $2, summary = $3, lead_organisation_id = $4, sro_person_id = $5, manager_person_id = $6,
                    board_id = $7, place_id = $8, status = $9, rag = $10, rag_reason = $11, starts_on = $12, ends_on = $13, updated_at = $14
                 WHERE id = $1",
            )
            .bind(id)
            .bind(&valid.name)
            .bind(&valid.summary)
            .bind(&valid.lead_organisation_id)
            .bind(&valid.sro_person_id)
            .bind(&valid.manager_person_id)
            .bind(blank(&valid.board_id))
            .bind(blank(&valid.place_id))
            .bind(&valid.status)
            .bind(&valid.rag)
            .bind(&valid.rag_reason)
            .bind(&valid.starts_on)
            .bind(blank(&valid.ends_on))
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            write_links(tx.conn(), id, &valid).await?;
            let changed = changed_fields(&old, &valid);
            let description = if changed.is_empty() {
                "Objectives or partners reviewed".to_string()
            } else {
                format!("Changed: {}", changed.join(", "))
            };
            add_history(
                tx.conn(),
                actor,
                NewHistory {
                    programme_id: id,
                    as_of: &today(),
                    kind: "changed",
                    status: &valid.status,
                    rag: &valid.rag,
                    rag_reason: &valid.rag_reason,
                    progress: &description,
                },
            )
            .await?;
            tx.commit(entry.detailed(format!("{}: {description}", valid.name))).await
        })
        .await
}

/// Records a status report; the programme takes its status and RAG rating unless a later report
/// already exists.
pub async fn report_status(
    store: &Store,
    actor: &Actor,
    id: &str,
    draft: &StatusUpdateDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "programme.report", "programme", Some(id), "");
    store
        .audited(entry, async |entry| {
            let programme = get(store, id).await?;
            draft.validate()?;
            let as_of = draft.as_of.trim();
            let mut tx = store.begin_write().await?;
            let latest: Option<String> = sqlx::query_scalar(
                "SELECT MAX(as_of) FROM programme_history WHERE programme_id = $1 AND kind = 'report'",
            )
            .bind(id)
            .fetch_one(tx.conn())
            .await?;
            if latest.as_deref().is_none_or(|l| l <= as_of) {
                sqlx::query("UPDATE programmes SET status = $2, rag = $3, rag_reason = $4, updated_at = $5 WHERE id = $1")
                    .bind(id)
                    .bind(draft.status.trim())
                    .bind(draft.rag.trim())
                    .bind(draft.rag_reason.trim())
                    .bind(crate::now_utc())
                    .execute(tx.conn())
                    .await?;
            }
            add_history(
                tx.conn(),
                actor,
                NewHistory {
                    programme_id: id,
                    as_of,
                    kind: "report",
                    status: draft.status.trim(),
                    rag: draft.rag.trim(),
                    rag_reason: draft.rag_reason.trim(),
                    progress: draft.progress.trim(),
                },
            )
            .await?;
            let detail = format!("{} as of {as_of}: {}", programme.name, draft.rag.trim());
            tx.commit(entry.detailed(detail)).await
        })
        .await
}

/// A project within a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Project {
    /// Concord's id for it.
    pub id: String,
    /// The programme.
    pub programme_id: String,
    /// Its name.
    pub name: String,
    /// What it delivers.
    pub summary: String,
    /// The lead.
    pub lead_person_id: String,
    /// Their name.
    pub lead_name: String,
    /// Delivery status.
    pub status: DeliveryStatus,
    /// RAG rating.
    pub rag: Rag,
    /// Why.
    pub rag_reason: String,
}

/// A programme's projects, by name.
pub async fn projects(store: &Store, programme_id: &str) -> Result<Vec<Project>, StoreError> {
    let rows = sqlx::query(
        "SELECT pj.id, pj.programme_id, pj.name, pj.summary, pj.lead_person_id, p.given_name || ' ' || p.family_name AS lead_name,
            pj.status, pj.rag, pj.rag_reason
         FROM projects pj JOIN people p ON p.id = pj.lead_person_id WHERE pj.programme_id = $1 ORDER BY pj.name",
    )
    .bind(programme_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Project {
                id: row.text("id")?,
                programme_id: row.text("programme_id")?,
                name: row.text("name")?,
                summary: row.text("summary")?,
                lead_person_id: row.text("lead_person_id")?,
                lead_name: row.text("lead_name")?,
                status: row.code("status")?,
                rag: row.code("rag")?,
                rag_reason: row.text("rag_reason")?,
            })
        })
        .collect()
}

/// Adds a project to a programme (or, given `project_id`, changes one); returns its id.
pub async fn save_project(
    store: &Store,
    actor: &Actor,
    programme_id: &str,
    project_id: Option<&str>,
    draft: &ProjectDraft,
) -> Result<String, StoreError> {
    let id = project_id.map(str::to_string).unwrap_or_else(crate::new_id);
    let action = if project_id.is_some() {
        "project.update"
    } else {
        "project.create"
    };
    let entry = AuditEntry::success(actor, action, "project", Some(&id), draft.name.trim());
    store
        .audited(entry, async |entry| {
            get(store, programme_id).await?;
            draft.validate()?;
            let mut tx = store.begin_write().await?;
            require_exists(tx.conn(), Table::People, draft.lead_person_id.trim(), "lead_person_id", "Select a project lead who exists").await?;
            let clash: Option<String> = sqlx::query_scalar("SELECT id FROM projects WHERE programme_id = $1 AND name = $2 AND id <> $3")
                .bind(programme_id)
                .bind(draft.name.trim())
                .bind(&id)
                .fetch_optional(tx.conn())
                .await?;
            if clash.is_some() {
                return Err(StoreError::invalid("name", "This programme already has a project with this name"));
            }
            let now = crate::now_utc();
            let changed = if project_id.is_some() {
                sqlx::query(
                    "UPDATE projects SET name = $3, summary = $4, lead_person_id = $5, status = $6, rag = $7, rag_reason = $8, updated_at = $9
                     WHERE id = $1 AND programme_id = $2",
                )
            } else {
                sqlx::query(
                    "INSERT INTO projects (id, programme_id, name, summary, lead_person_id, status, rag, rag_reason, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                )
            }
            .bind(&id)
            .bind(programme_id)
            .bind(draft.name.trim())
            .bind(draft.summary.trim())
            .bind(draft.lead_person_id.trim())
            .bind(draft.status.trim())
            .bind(draft.rag.trim())
            .bind(draft.rag_reason.trim())
            .bind(&now)
            .execute(tx.conn())
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::not_found("project", &id));
            }
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// Checks that `project_id` (if given) belongs to `programme_id`.
pub(crate) async fn check_project(
    conn: &mut AnyConnection,
    programme_id: &str,
    project_id: Option<&str>,
) -> Result<(), StoreError> {
    let Some(project_id) = project_id else {
        return Ok(());
    };
    let found: Option<String> =
        sqlx::query_scalar("SELECT id FROM projects WHERE id = $1 AND programme_id = $2")
            .bind(project_id)
            .bind(programme_id)
            .fetch_optional(conn)
            .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::invalid(
            "project_id",
            "Select a project of this programme",
        )),
    }
}

/// Who may edit a programme: its lead organisation, and whether `person_id` is its SRO or manager.
pub async fn access(
    store: &Store,
    id: &str,
    person_id: &str,
) -> Result<(String, bool), StoreError> {
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT lead_organisation_id, sro_person_id, manager_person_id FROM programmes WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    let (org, sro, manager) = row.ok_or_else(|| StoreError::not_found("programme", id))?;
    Ok((org, sro == person_id || manager == person_id))
}
