//! RAID: risks (with their review history), assumptions and issues, and dependencies between
//! programmes; escalation from project to programme board to system board.
//!
//! Confidential risks are filtered here, in the store, by the viewer's [`ConfidentialityScope`],
//! so no page or API route can forget to.

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::programmes::{self, check_project, today};
use crate::rows::{blank, require_exists, RowExt, Table};
use concord_domain::meeting::ConfidentialityScope;
use concord_domain::raid::{
    trend, DependencyDraft, EscalationDraft, EscalationLevel, RaidItemDraft, RaidKind, RaidStatus,
    RiskBand, RiskDraft, RiskReviewDraft, RiskScore, RiskTrend,
};
use serde::Serialize;
use sqlx::any::AnyRow;

/// A risk with its current score and trend.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Risk {
    /// Concord's id for it.
    pub id: String,
    /// The programme.
    pub programme_id: String,
    /// Its name.
    pub programme_name: String,
    /// The project, if any.
    pub project_id: Option<String>,
    /// The risk in one line.
    pub title: String,
    /// Detail.
    pub description: String,
    /// The owner.
    pub owner_person_id: String,
    /// Their name.
    pub owner_name: String,
    /// Likelihood now, 1–5.
    pub likelihood: u8,
    /// Impact now, 1–5.
    pub impact: u8,
    /// Target likelihood.
    pub target_likelihood: u8,
    /// Target impact.
    pub target_impact: u8,
    /// Score now (likelihood x impact).
    pub score: u8,
    /// Band of the score now.
    pub band: RiskBand,
    /// Target score.
    pub target_score: u8,
    /// Movement since the previous review.
    pub trend: RiskTrend,
    /// Mitigations.
    pub mitigations: String,
    /// Who holds it.
    pub level: EscalationLevel,
    /// Why it was escalated.
    pub escalation_reason: String,
    /// Open or closed.
    pub status: RaidStatus,
    /// Whether only the governing board may read it.
    pub confidential: bool,
    /// The governing board of its programme.
    #[serde(skip)]
    pub board_id: Option<String>,
    /// When it last changed (UTC).
    pub updated_at: String,
}

const RISK_SELECT: &str = "SELECT r.id, r.programme_id, pr.name AS programme_name, pr.board_id, r.project_id, r.title, r.description,
        r.owner_person_id, p.given_name || ' ' || p.family_name AS owner_name, r.likelihood, r.impact, r.target_likelihood,
        r.target_impact, r.mitigations, r.level, r.escalation_reason, r.status, r.confidential, r.updated_at,
        (SELECT rv.likelihood * rv.impact FROM risk_reviews rv WHERE rv.risk_id = r.id ORDER BY rv.reviewed_on DESC, rv.recorded_at DESC LIMIT 1 OFFSET 1) AS previous_score
    FROM risks r JOIN programmes pr ON pr.id = r.programme_id JOIN people p ON p.id = r.owner_person_id";

fn risk_from_row(row: &AnyRow) -> Result<Risk, StoreError> {
    let factor = |column: &str| -> Result<u8, StoreError> {
        Ok(u8::try_from(row.int(column)?).unwrap_or(0))
    };
    let (likelihood, impact) = (factor("likelihood")?, factor("impact")?);
    let (tl, ti) = (factor("target_likelihood")?, factor("target_impact")?);
    let current = RiskScore::new(likelihood, impact).ok_or_else(|| {
        StoreError::Database(sqlx::Error::Decode("risk score off the 5 x 5 grid".into()))
    })?;
    let previous = row.opt_int("previous_score")?;
    let previous = previous.and_then(|p| u8::try_from(p).ok());
    Ok(Risk {
        id: row.text("id")?,
        programme_id: row.text("programme_id")?,
        programme_name: row.text("programme_name")?,
        project_id: row.opt_text("project_id")?,
        title: row.text("title")?,
        description: row.text("description")?,
        owner_person_id: row.text("owner_person_id")?,
        owner_name: row.text("owner_name")?,
        likelihood,
        impact,
        target_likelihood: tl,
        target_impact: ti,
        score: current.value(),
        band: current.band(),
        target_score: tl * ti,
        trend: trend(previous, current.value()),
        mitigations: row.text("mitigations")?,
        level: row.code("level")?,
        escalation_reason: row.text("escalation_reason")?,
        status: row.code("status")?,
        confidential: row.flag("confidential")?,
        board_id: row.opt_text("board_id")?,
        updated_at: row.text("updated_at")?,
    })
}

async fn risks_where(
    store: &Store,
    viewer: &ConfidentialityScope,
    condition: &str,
    bind: &str,
) -> Result<Vec<Risk>, StoreError> {
    Ok(risks_counted(store, viewer, condition, bind).await?.0)
}

/// The risks matching `condition` that the viewer may read, and how many were withheld.
async fn risks_counted(
    store: &Store,
    viewer: &ConfidentialityScope,
    condition: &str,
    bind: &str,
) -> Result<(Vec<Risk>, usize), StoreError> {
    let sql = format!(
        "{RISK_SELECT} WHERE {condition} ORDER BY r.status DESC, r.likelihood * r.impact DESC, r.title"
    );
    let rows = sqlx::query(&sql).bind(bind).fetch_all(store.pool()).await?;
    let risks: Vec<Risk> = rows.iter().map(risk_from_row).collect::<Result<_, _>>()?;
    let total = risks.len();
    let readable: Vec<Risk> = risks
        .into_iter()
        .filter(|r| viewer.may_read(r.confidential, r.board_id.as_deref(), Some(&r.programme_id)))
        .collect();
    let withheld = total - readable.len();
    Ok((readable, withheld))
}

/// A programme's open risks the viewer may read, highest score first, and how many open risks
/// were withheld as confidential.
pub async fn open_risks_counted(
    store: &Store,
    viewer: &ConfidentialityScope,
    programme_id: &str,
) -> Result<(Vec<Risk>, usize), StoreError> {
    risks_counted(
        store,
        viewer,
        "r.programme_id = $1 AND r.status = 'open'",
        programme_id,
    )
    .await
}

/// A programme's risks the viewer may read: open first, highest score first.
pub async fn risks_of(
    store: &Store,
    viewer: &ConfidentialityScope,
    programme_id: &str,
) -> Result<Vec<Risk>, StoreError> {
    risks_where(store, viewer, "r.programme_id = $1", programme_id).await
}

/// Open risks escalated to the system board, across programmes.
pub async fn escalated_to_system(
    store: &Store,
    viewer: &ConfidentialityScope,
) -> Result<Vec<Risk>, StoreError> {
    risks_where(
        store,
        viewer,
        "r.level = $1 AND r.status = 'open'",
        EscalationLevel::System.as_str(),
    )
    .await
}

/// Open risks a person owns.
pub async fn risks_owned_by(
    store: &Store,
    viewer: &ConfidentialityScope,
    person_id: &str,
) -> Result<Vec<Risk>, StoreError> {
    risks_where(
        store,
        viewer,
        "r.owner_person_id = $1 AND r.status = 'open'",
        person_id,
    )
    .await
}

/// One risk, if it belongs to `programme_id` and the viewer may read it.
pub async fn risk(
    store: &Store,
    viewer: &ConfidentialityScope,
    programme_id: &str,
    risk_id: &str,
) -> Result<Risk, StoreError> {
    risks_of(store, viewer, programme_id)
        .await?
        .into_iter()
        .find(|r| r.id == risk_id)
        .ok_or_else(|| StoreError::not_found("risk", risk_id))
}

/// A review of a risk's score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RiskReview {
    /// The date.
    pub reviewed_on: String,
    /// Likelihood then.
    pub likelihood: u8,
    /// Impact then.
    pub impact: u8,
    /// What changed.
    pub note: String,
    /// Who reviewed it.
    pub person_name: String,
}

/// A risk's reviews, oldest first.
pub async fn reviews(store: &Store, risk_id: &str) -> Result<Vec<RiskReview>, StoreError> {
    let rows = sqlx::query(
        "SELECT reviewed_on, likelihood, impact, note, person_name FROM risk_reviews WHERE risk_id = $1 ORDER BY reviewed_on, recorded_at",
    )
    .bind(risk_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RiskReview {
                reviewed_on: row.text("reviewed_on")?,
                likelihood: u8::try_from(row.int("likelihood")?).unwrap_or(0),
                impact: u8::try_from(row.int("impact")?).unwrap_or(0),
                note: row.text("note")?,
                person_name: row.text("person_name")?,
            })
        })
        .collect()
}

async fn add_review(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    risk_id: &str,
    reviewed_on: &str,
    score: RiskScore,
    note: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO risk_reviews (id, risk_id, reviewed_on, likelihood, impact, note, person_name, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(crate::new_id())
    .bind(risk_id)
    .bind(reviewed_on)
    .bind(i64::from(score.likelihood))
    .bind(i64::from(score.impact))
    .bind(note)
    .bind(&actor.name)
    .bind(crate::now_utc())
    .execute(conn)
    .await?;
    Ok(())
}

/// Raises a risk on a programme (at project level when it names a project); returns its id.
/// `raised_on` dates its first review (today when `None`).
pub async fn raise_risk(
    store: &Store,
    actor: &Actor,
    programme_id: &str,
    draft: &RiskDraft,
    raised_on: Option<&str>,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(actor, "risk.raise", "risk", Some(&id), draft.title.trim());
    store
        .audited(entry, async |entry| {
            programmes::get(store, programme_id).await?;
            let scores = draft.validate()?;
            let project = blank(&draft.project_id);
            let level = if project.is_some() { EscalationLevel::Project } else { EscalationLevel::Programme };
            let mut tx = store.begin_write().await?;
            check_project(tx.conn(), programme_id, project).await?;
            require_exists(tx.conn(), Table::People, draft.owner_person_id.trim(), "owner_person_id", "Select a risk owner who exists").await?;
            let now = crate::now_utc();
            sqlx::query(
                "INSERT INTO risks (id, programme_id, project_id, title, description, owner_person_id, likelihood, impact, target_likelihood,
                    target_impact, mitigations, level, escalation_reason, status, confidential, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', 'open', $13, $14, $14)",
            )
            .bind(&id)
            .bind(programme_id)
            .bind(project)
            .bind(draft.title.trim())
            .bind(draft.description.trim())
            .bind(draft.owner_person_id.trim())
            .bind(i64::from(scores.current.likelihood))
            .bind(i64::from(scores.current.impact))
            .bind(i64::from(scores.target.likelihood))
            .bind(i64::from(scores.target.impact))
            .bind(draft.mitigations.trim())
            .bind(level.as_str())
            .bind(i64::from(draft.confidential))
            .bind(&now)
            .execute(tx.conn())
            .await?;
            let on = raised_on.map(str::to_string).unwrap_or_else(today);
            add_review(tx.conn(), actor, &id, &on, scores.current, "Risk raised").await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// Records a review of a risk, changing its current score.
pub async fn review_risk(
    store: &Store,
    actor: &Actor,
    viewer: &ConfidentialityScope,
    programme_id: &str,
    risk_id: &str,
    draft: &RiskReviewDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "risk.review", "risk", Some(risk_id), "");
    store
        .audited(entry, async |entry| {
            let existing = risk(store, viewer, programme_id, risk_id).await?;
            let score = draft.validate()?;
            let on = blank(&draft.reviewed_on)
                .map(str::to_string)
                .unwrap_or_else(today);
            let mut tx = store.begin_write().await?;
            sqlx::query(
                "UPDATE risks SET likelihood = $2, impact = $3, updated_at = $4 WHERE id = $1",
            )
            .bind(risk_id)
            .bind(i64::from(score.likelihood))
            .bind(i64::from(score.impact))
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            add_review(tx.conn(), actor, risk_id, &on, score, draft.note.trim()).await?;
            tx.commit(entry.detailed(format!(
                "{}: {} -> {}",
                existing.title,
                existing.score,
                score.value()
            )))
            .await
        })
        .await
}

/// Which RAID table an escalation or closure touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RaidTable {
    /// A risk.
    Risk,
    /// An assumption or issue.
    Item,
}

impl RaidTable {
    fn table(self) -> &'static str {
        match self {
            RaidTable::Risk => "risks",
            RaidTable::Item => "raid_items",
        }
    }
    fn kind(self) -> &'static str {
        match self {
            RaidTable::Risk => "risk",
            RaidTable::Item => "raid item",
        }
    }
}

/// Escalates a risk or RAID item one level (project -> programme board -> system board).
pub async fn escalate(
    store: &Store,
    actor: &Actor,
    table: RaidTable,
    programme_id: &str,
    id: &str,
    draft: &EscalationDraft,
) -> Result<EscalationLevel, StoreError> {
    let entry = AuditEntry::success(actor, "raid.escalate", table.kind(), Some(id), "");
    store
        .audited(entry, async |entry| {
            let sql = format!(
                "SELECT level FROM {} WHERE id = $1 AND programme_id = $2",
                table.table()
            );
            let level: Option<String> = sqlx::query_scalar(&sql)
                .bind(id)
                .bind(programme_id)
                .fetch_optional(store.pool())
                .await?;
            let level: EscalationLevel = level
                .ok_or_else(|| StoreError::not_found(table.kind(), id))?
                .parse()
                .map_err(|_| StoreError::not_found(table.kind(), id))?;
            draft.validate()?;
            let Some(next) = level.next() else {
                return Err(StoreError::invalid(
                    "reason",
                    "This is already held by the system board",
                ));
            };
            let mut tx = store.begin_write().await?;
            let sql = format!(
                "UPDATE {} SET level = $2, escalation_reason = $3, updated_at = $4 WHERE id = $1",
                table.table()
            );
            sqlx::query(&sql)
                .bind(id)
                .bind(next.as_str())
                .bind(draft.reason.trim())
                .bind(crate::now_utc())
                .execute(tx.conn())
                .await?;
            tx.commit(entry.detailed(format!(
                "{} -> {}: {}",
                level.label(),
                next.label(),
                draft.reason.trim()
            )))
            .await?;
            Ok(next)
        })
        .await
}

/// Closes a risk or RAID item.
pub async fn close(
    store: &Store,
    actor: &Actor,
    table: RaidTable,
    programme_id: &str,
    id: &str,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "raid.close", table.kind(), Some(id), "");
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let sql = format!(
            "UPDATE {} SET status = 'closed', updated_at = $3 WHERE id = $1 AND programme_id = $2",
            table.table()
        );
            let n = sqlx::query(&sql)
                .bind(id)
                .bind(programme_id)
                .bind(crate::now_utc())
                .execute(tx.conn())
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::not_found(table.kind(), id));
            }
            tx.commit(entry).await
        })
        .await
}

/// An assumption or issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RaidItem {
    /// Concord's id for it.
    pub id: String,
    /// The programme.
    pub programme_id: String,
    /// Assumption or issue.
    pub kind: RaidKind,
    /// The entry in one line.
    pub title: String,
    /// Detail.
    pub description: String,
    /// The owner.
    pub owner_person_id: String,
    /// Their name.
    pub owner_name: String,
    /// When due, if set.
    pub due_on: Option<String>,
    /// Who holds it.
    pub level: EscalationLevel,
    /// Why it was escalated.
    pub escalation_reason: String,
    /// Open or closed.
    pub status: RaidStatus,
}

/// A programme's assumptions and issues, open first.
pub async fn items_of(store: &Store, programme_id: &str) -> Result<Vec<RaidItem>, StoreError> {
    let rows = sqlx::query(
        "SELECT i.id, i.programme_id, i.kind, i.title, i.description, i.owner_person_id, p.given_name || ' ' || p.family_name AS owner_name,
            i.due_on, i.level, i.escalation_reason, i.status
         FROM raid_items i JOIN people p ON p.id = i.owner_person_id WHERE i.programme_id = $1
         ORDER BY i.status DESC, i.kind DESC, i.created_at",
    )
    .bind(programme_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RaidItem {
                id: row.text("id")?,
                programme_id: row.text("programme_id")?,
                kind: row.code("kind")?,
                title: row.text("title")?,
                description: row.text("description")?,
                owner_person_id: row.text("owner_person_id")?,
                owner_name: row.text("owner_name")?,
                due_on: row.opt_text("due_on")?,
                level: row.code("level")?,
                escalation_reason: row.text("escalation_reason")?,
                status: row.code("status")?,
            })
        })
        .collect()
}

/// Records an assumption or issue; returns its id.
pub async fn add_item(
    store: &Store,
    actor: &Actor,
    programme_id: &str,
    draft: &RaidItemDraft,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "raid.add",
        "raid item",
        Some(&id),
        draft.title.trim(),
    );
    store
        .audited(entry, async |entry| {
            programmes::get(store, programme_id).await?;
            let kind = draft.validate()?;
            let project = blank(&draft.project_id);
            let level = if project.is_some() { EscalationLevel::Project } else { EscalationLevel::Programme };
            let mut tx = store.begin_write().await?;
            check_project(tx.conn(), programme_id, project).await?;
            require_exists(tx.conn(), Table::People, draft.owner_person_id.trim(), "owner_person_id", "Select an owner who exists").await?;
            let now = crate::now_utc();
            sqlx::query(
                "INSERT INTO raid_items (id, programme_id, project_id, kind, title, description, owner_person_id, due_on, level,
                    escalation_reason, status, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', 'open', $10, $10)",
            )
            .bind(&id)
            .bind(programme_id)
            .bind(project)
            .bind(kind.as_str())
            .bind(draft.title.trim())
            .bind(draft.description.trim())
            .bind(draft.owner_person_id.trim())
            .bind(blank(&draft.due_on))
            .bind(level.as_str())
            .bind(&now)
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// A dependency of one programme on another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Dependency {
    /// Concord's id for it.
    pub id: String,
    /// The dependent programme.
    pub from_programme_id: String,
    /// Its name.
    pub from_programme_name: String,
    /// The programme depended on.
    pub on_programme_id: String,
    /// Its name.
    pub on_programme_name: String,
    /// What is needed.
    pub description: String,
    /// When by, if set.
    pub needed_by: Option<String>,
}

/// Every dependency between programmes (for the graph), or only those touching `programme_id`.
pub async fn dependencies(
    store: &Store,
    programme_id: Option<&str>,
) -> Result<Vec<Dependency>, StoreError> {
    let rows = sqlx::query(
        "SELECT d.id, d.from_programme_id, f.name AS from_name, d.on_programme_id, o.name AS on_name, d.description, d.needed_by
         FROM programme_dependencies d JOIN programmes f ON f.id = d.from_programme_id JOIN programmes o ON o.id = d.on_programme_id
         WHERE d.status = 'open' AND ($1 = '' OR d.from_programme_id = $1 OR d.on_programme_id = $1)
         ORDER BY f.name, o.name",
    )
    .bind(programme_id.unwrap_or(""))
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Dependency {
                id: row.text("id")?,
                from_programme_id: row.text("from_programme_id")?,
                from_programme_name: row.text("from_name")?,
                on_programme_id: row.text("on_programme_id")?,
                on_programme_name: row.text("on_name")?,
                description: row.text("description")?,
                needed_by: row.opt_text("needed_by")?,
            })
        })
        .collect()
}

/// Records that `programme_id` depends on another programme; returns its id.
pub async fn add_dependency(
    store: &Store,
    actor: &Actor,
    programme_id: &str,
    draft: &DependencyDraft,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "dependency.add",
        "dependency",
        Some(&id),
        draft.description.trim(),
    );
    store
        .audited(entry, async |entry| {
            programmes::get(store, programme_id).await?;
            draft.validate(programme_id)?;
            let mut tx = store.begin_write().await?;
            require_exists(tx.conn(), Table::Programmes, draft.on_programme_id.trim(), "on_programme_id", "Select a programme that exists").await?;
            sqlx::query(
                "INSERT INTO programme_dependencies (id, from_programme_id, on_programme_id, description, needed_by, status, created_at)
                 VALUES ($1, $2, $3, $4, $5, 'open', $6)",
            )
            .bind(&id)
            .bind(programme_id)
            .bind(draft.on_programme_id.trim())
            .bind(draft.description.trim())
            .bind(blank(&draft.needed_by))
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}
