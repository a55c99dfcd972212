//! Frontline improvement projects: aim, driver diagram, change ideas, PDSA cycles and the team's
//! measure.

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::rows::{all_by, blank, require_exists, row_by_id, RowExt, Table};
use chrono::NaiveDate;
use concord_domain::improvement::{
    pdsa_stage, ChangeIdeaDraft, DriverDraft, DriverKind, ImprovementMeasurementDraft,
    ImprovementProjectDraft, PdsaAct, PdsaDraft, PdsaStage,
};
use concord_domain::programme::Direction;
use concord_domain::ValidationErrors;
use serde::Serialize;
use sqlx::any::AnyRow;

/// An improvement project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImprovementProject {
    /// Concord's id for it.
    pub id: String,
    /// The team's organisation.
    pub organisation_id: String,
    /// Its name.
    pub organisation_name: String,
    /// The programme it serves, if any.
    pub programme_id: Option<String>,
    /// Its name.
    pub programme_name: Option<String>,
    /// The title.
    pub title: String,
    /// The team.
    pub team: String,
    /// The aim statement.
    pub aim: String,
    /// The lead.
    pub lead_person_id: String,
    /// Their name.
    pub lead_name: String,
    /// The team's measure.
    pub measure_name: String,
    /// Its unit.
    pub measure_unit: String,
    /// Which way is better.
    pub measure_direction: Direction,
}

const PROJECT_SELECT: &str = "SELECT ip.id, ip.organisation_id, o.name AS organisation_name, ip.programme_id, pr.name AS programme_name,
        ip.title, ip.team, ip.aim, ip.lead_person_id, p.given_name || ' ' || p.family_name AS lead_name,
        ip.measure_name, ip.measure_unit, ip.measure_direction
    FROM improvement_projects ip JOIN organisations o ON o.id = ip.organisation_id JOIN people p ON p.id = ip.lead_person_id
    LEFT JOIN programmes pr ON pr.id = ip.programme_id";

fn project_from_row(row: &AnyRow) -> Result<ImprovementProject, StoreError> {
    Ok(ImprovementProject {
        id: row.text("id")?,
        organisation_id: row.text("organisation_id")?,
        organisation_name: row.text("organisation_name")?,
        programme_id: row.opt_text("programme_id")?,
        programme_name: row.opt_text("programme_name")?,
        title: row.text("title")?,
        team: row.text("team")?,
        aim: row.text("aim")?,
        lead_person_id: row.text("lead_person_id")?,
        lead_name: row.text("lead_name")?,
        measure_name: row.text("measure_name")?,
        measure_unit: row.text("measure_unit")?,
        measure_direction: row.code("measure_direction")?,
    })
}

/// Every improvement project, or those serving one programme, by title.
pub async fn list(
    store: &Store,
    programme_id: Option<&str>,
) -> Result<Vec<ImprovementProject>, StoreError> {
    let sql = format!("{PROJECT_SELECT} WHERE ($1 = '' OR ip.programme_id = $1) ORDER BY ip.title");
    all_by(store, &sql, programme_id.unwrap_or(""), project_from_row).await
}

/// One improvement project.
pub async fn get(store: &Store, id: &str) -> Result<ImprovementProject, StoreError> {
    let sql = format!("{PROJECT_SELECT} WHERE ip.id = $1");
    let row = row_by_id(store, &sql, "improvement project", id).await?;
    project_from_row(&row)
}

/// Starts an improvement project for a team of `organisation_id`; returns its id.
pub async fn create(
    store: &Store,
    actor: &Actor,
    organisation_id: &str,
    draft: &ImprovementProjectDraft,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "improvement.create",
        "improvement project",
        Some(&id),
        draft.title.trim(),
    );
    store
        .audited(entry, async |entry| {
            let direction = draft.validate()?;
            let mut tx = store.begin_write().await?;
            require_exists(tx.conn(), Table::Organisations, organisation_id, "organisation_id", "Select an organisation that exists").await?;
            require_exists(tx.conn(), Table::People, draft.lead_person_id.trim(), "lead_person_id", "Select a lead who exists").await?;
            if let Some(p) = blank(&draft.programme_id) {
                require_exists(tx.conn(), Table::Programmes, p, "programme_id", "Select a programme that exists").await?;
            }
            let now = crate::now_utc();
            sqlx::query(
                "INSERT INTO improvement_projects (id, organisation_id, programme_id, title, team, aim, lead_person_id, measure_name, measure_unit,
                    measure_direction, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
            )
            .bind(&id)
            .bind(organisation_id)
            .bind(blank(&draft.programme_id))
            .bind(draft.title.trim())
            .bind(draft.team.trim())
            .bind(draft.aim.trim())
            .bind(draft.lead_person_id.trim())
            .bind(draft.measure_name.trim())
            .bind(draft.measure_unit.trim())
            .bind(direction.as_str())
            .bind(&now)
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// A driver in a project's diagram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Driver {
    /// Concord's id for it.
    pub id: String,
    /// Primary or secondary.
    pub kind: DriverKind,
    /// The primary it serves (for a secondary).
    pub parent_id: Option<String>,
    /// The driver.
    pub text: String,
}

/// A change idea.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChangeIdea {
    /// Concord's id for it.
    pub id: String,
    /// The driver it acts on.
    pub driver_id: String,
    /// The idea.
    pub text: String,
}

/// A project's drivers and change ideas, in the order added.
pub async fn diagram(
    store: &Store,
    project_id: &str,
) -> Result<(Vec<Driver>, Vec<ChangeIdea>), StoreError> {
    let drivers = sqlx::query("SELECT id, kind, parent_id, text FROM improvement_drivers WHERE project_id = $1 ORDER BY position")
        .bind(project_id)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(Driver {
                id: row.text("id")?,
                kind: row.code("kind")?,
                parent_id: row.opt_text("parent_id")?,
                text: row.text("text")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let ideas = sqlx::query(
        "SELECT id, driver_id, text FROM change_ideas WHERE project_id = $1 ORDER BY position",
    )
    .bind(project_id)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|row| {
        Ok(ChangeIdea {
            id: row.text("id")?,
            driver_id: row.text("driver_id")?,
            text: row.text("text")?,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((drivers, ideas))
}

/// Adds a driver to a project's diagram; returns its id.
pub async fn add_driver(
    store: &Store,
    actor: &Actor,
    project_id: &str,
    draft: &DriverDraft,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "improvement.driver",
        "improvement project",
        Some(project_id),
        draft.text.trim(),
    );
    store
        .audited(entry, async |entry| {
            get(store, project_id).await?;
            let kind = draft.validate()?;
            let mut tx = store.begin_write().await?;
            let parent = match kind {
                DriverKind::Primary => None,
                DriverKind::Secondary => {
                    let parent = draft.parent_id.trim();
                    let found: Option<String> = sqlx::query_scalar(
                        "SELECT id FROM improvement_drivers WHERE id = $1 AND project_id = $2 AND kind = 'primary'",
                    )
                    .bind(parent)
                    .bind(project_id)
                    .fetch_optional(tx.conn())
                    .await?;
                    found.ok_or_else(|| StoreError::invalid("parent_id", "Select a primary driver of this project"))?;
                    Some(parent)
                }
            };
            let position: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM improvement_drivers WHERE project_id = $1")
                .bind(project_id)
                .fetch_one(tx.conn())
                .await?;
            sqlx::query("INSERT INTO improvement_drivers (id, project_id, kind, parent_id, text, position) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&id)
                .bind(project_id)
                .bind(kind.as_str())
                .bind(parent)
                .bind(draft.text.trim())
                .bind(position)
                .execute(tx.conn())
                .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// Adds a change idea; returns its id.
pub async fn add_change_idea(
    store: &Store,
    actor: &Actor,
    project_id: &str,
    draft: &ChangeIdeaDraft,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "improvement.idea",
        "improvement project",
        Some(project_id),
        draft.text.trim(),
    );
    store
        .audited(entry, async |entry| {
            get(store, project_id).await?;
            draft.validate()?;
            let mut tx = store.begin_write().await?;
            let found: Option<String> = sqlx::query_scalar("SELECT id FROM improvement_drivers WHERE id = $1 AND project_id = $2")
                .bind(draft.driver_id.trim())
                .bind(project_id)
                .fetch_optional(tx.conn())
                .await?;
            found.ok_or_else(|| StoreError::invalid("driver_id", "Select a driver of this project"))?;
            let position: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM change_ideas WHERE project_id = $1")
                .bind(project_id)
                .fetch_one(tx.conn())
                .await?;
            sqlx::query("INSERT INTO change_ideas (id, project_id, driver_id, text, position) VALUES ($1, $2, $3, $4, $5)")
                .bind(&id)
                .bind(project_id)
                .bind(draft.driver_id.trim())
                .bind(draft.text.trim())
                .bind(position)
                .execute(tx.conn())
                .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// A PDSA cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PdsaCycle {
    /// Concord's id for it.
    pub id: String,
    /// The project.
    pub project_id: String,
    /// Its title.
    pub project_title: String,
    /// The change idea tested.
    pub change_idea_id: String,
    /// The idea.
    pub change_idea: String,
    /// The cycle's title.
    pub title: String,
    /// Plan.
    pub plan: String,
    /// Prediction.
    pub prediction: String,
    /// Start date.
    pub starts_on: String,
    /// Date to study results.
    pub study_on: String,
    /// Do.
    pub do_notes: String,
    /// Study.
    pub study: String,
    /// Act decision, once made.
    pub act: Option<PdsaAct>,
    /// What next.
    pub act_notes: String,
    /// Who runs it.
    pub owner_person_id: String,
    /// The stage reached today.
    pub stage: PdsaStage,
}

const CYCLE_SELECT: &str = "SELECT c.id, c.project_id, ip.title AS project_title, c.change_idea_id, ci.text AS change_idea, c.title, c.plan,
        c.prediction, c.starts_on, c.study_on, c.do_notes, c.study, c.act, c.act_notes, c.owner_person_id
    FROM pdsa_cycles c JOIN improvement_projects ip ON ip.id = c.project_id JOIN change_ideas ci ON ci.id = c.change_idea_id";

fn cycle_from_row(row: &AnyRow, today: NaiveDate) -> Result<PdsaCycle, StoreError> {
    let starts_on = row.text("starts_on")?;
    let start = NaiveDate::parse_from_str(&starts_on, "%Y-%m-%d").unwrap_or(today);
    let act: Option<PdsaAct> = row.opt_code("act")?;
    let (do_notes, study) = (row.text("do_notes")?, row.text("study")?);
    Ok(PdsaCycle {
        id: row.text("id")?,
        project_id: row.text("project_id")?,
        project_title: row.text("project_title")?,
        change_idea_id: row.text("change_idea_id")?,
        change_idea: row.text("change_idea")?,
        title: row.text("title")?,
        plan: row.text("plan")?,
        prediction: row.text("prediction")?,
        stage: pdsa_stage(start, &do_notes, &study, act, today),
        starts_on,
        study_on: row.text("study_on")?,
        do_notes,
        study,
        act,
        act_notes: row.text("act_notes")?,
        owner_person_id: row.text("owner_person_id")?,
    })
}

/// A project's cycles, in start order.
pub async fn cycles(
    store: &Store,
    project_id: &str,
    today: NaiveDate,
) -> Result<Vec<PdsaCycle>, StoreError> {
    let sql = format!("{CYCLE_SELECT} WHERE c.project_id = $1 ORDER BY c.starts_on, c.created_at");
    all_by(store, &sql, project_id, |r| cycle_from_row(r, today)).await
}

/// The undecided cycles a person runs, soonest study date first.
pub async fn cycles_owned_by(
    store: &Store,
    person_id: &str,
    today: NaiveDate,
) -> Result<Vec<PdsaCycle>, StoreError> {
    let sql = format!(
        "{CYCLE_SELECT} WHERE c.owner_person_id = $1 AND c.act IS NULL ORDER BY c.study_on"
    );
    all_by(store, &sql, person_id, |r| cycle_from_row(r, today)).await
}

/// Starts a PDSA cycle (or, given `cycle_id`, records its progress); returns its id. The person
/// recording a new cycle runs it.
pub async fn save_cycle(
    store: &Store,
    actor: &Actor,
    project_id: &str,
    cycle_id: Option<&str>,
    draft: &PdsaDraft,
) -> Result<String, StoreError> {
    let id = cycle_id.map(str::to_string).unwrap_or_else(crate::new_id);
    let action = if cycle_id.is_some() {
        "pdsa.update"
    } else {
        "pdsa.start"
    };
    let entry = AuditEntry::success(actor, action, "pdsa cycle", Some(&id), draft.title.trim());
    store
        .audited(entry, async |entry| {
            get(store, project_id).await?;
            draft.validate()?;
            let owner = actor.person_id.clone().ok_or_else(|| StoreError::Invalid(ValidationErrors::single("title", "Only a person may run a cycle")))?;
            let mut tx = store.begin_write().await?;
            let idea: Option<String> = sqlx::query_scalar("SELECT id FROM change_ideas WHERE id = $1 AND project_id = $2")
                .bind(draft.change_idea_id.trim())
                .bind(project_id)
                .fetch_optional(tx.conn())
                .await?;
            idea.ok_or_else(|| StoreError::invalid("change_idea_id", "Select a change idea of this project"))?;
            let now = crate::now_utc();
            let act = blank(&draft.act);
            let n = if cycle_id.is_some() {
                sqlx::query(
                    "UPDATE pdsa_cycles SET change_idea_id = $3, title = $4, plan = $5, prediction = $6, starts_on = $7, study_on = $8, do_notes = $9,
                        study = $10, act = $11, act_notes = $12, updated_at = $13 WHERE id = $1 AND project_id = $2",
                )
            } else {
                sqlx::query(
                    "INSERT INTO pdsa_cycles (id, project_id, change_idea_id, title, plan, prediction, starts_on, study_on, do_notes, study, act,
                        act_notes, updated_at, owner_person_id, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13)",
                )
            }
            .bind(&id)
            .bind(project_id)
            .bind(draft.change_idea_id.trim())
            .bind(draft.title.trim())
            .bind(draft.plan.trim())
            .bind(draft.prediction.trim())
            .bind(draft.starts_on.trim())
            .bind(draft.study_on.trim())
            .bind(draft.do_notes.trim())
            .bind(draft.study.trim())
            .bind(act)
            .bind(draft.act_notes.trim())
            .bind(&now);
            let n = if cycle_id.is_some() { n } else { n.bind(&owner) }
                .execute(tx.conn())
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::not_found("PDSA cycle", &id));
            }
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// A reading of a project's measure.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MeasureReading {
    /// The date.
    pub measured_on: String,
    /// The value.
    pub value: f64,
    /// A note.
    pub note: String,
}

/// A project's measure readings, oldest first.
pub async fn readings(store: &Store, project_id: &str) -> Result<Vec<MeasureReading>, StoreError> {
    let rows = sqlx::query("SELECT measured_on, value, note FROM improvement_measurements WHERE project_id = $1 ORDER BY measured_on")
        .bind(project_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|row| {
            Ok(MeasureReading {
                measured_on: row.text("measured_on")?,
                value: row.num("value")?,
                note: row.text("note")?,
            })
        })
        .collect()
}

/// Records (or corrects) readings of a project's measure, all or none.
pub async fn record_readings(
    store: &Store,
    actor: &Actor,
    project_id: &str,
    drafts: &[ImprovementMeasurementDraft],
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "improvement.readings",
        "improvement project",
        Some(project_id),
        format!("{} readings", drafts.len()),
    );
    store
        .audited(entry, async |entry| {
            get(store, project_id).await?;
            let mut errors = ValidationErrors::default();
            let mut values = Vec::with_capacity(drafts.len());
            for (n, d) in drafts.iter().enumerate() {
                let date = errors.require_date(&format!("readings[{n}].measured_on"), "the date", &d.measured_on);
                let value = errors.require_number(&format!("readings[{n}].value"), "the value", &d.value);
                errors.optional_text(&format!("readings[{n}].note"), "the note", &d.note, 300);
                values.push((date, value));
            }
            if drafts.is_empty() {
                errors.add("readings", "Enter at least one reading");
            }
            errors.into_result()?;
            let mut tx = store.begin_write().await?;
            let now = crate::now_utc();
            for ((date, value), d) in values.iter().zip(drafts) {
                let (Some(date), Some(value)) = (date, value) else { continue };
                let date = date.format("%Y-%m-%d").to_string();
                sqlx::query("DELETE FROM improvement_measurements WHERE project_id = $1 AND measured_on = $2")
                    .bind(project_id)
                    .bind(&date)
                    .execute(tx.conn())
                    .await?;
                sqlx::query("INSERT INTO improvement_measurements (project_id, measured_on, value, note, recorded_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(project_id)
                    .bind(&date)
                    .bind(*value)
                    .bind(d.note.trim())
                    .bind(&now)
                    .execute(tx.conn())
                    .await?;
            }
            tx.commit(entry).await
        })
        .await
}

/// Who may work on a project: its organisation, and whether `person_id` leads it.
pub async fn access(
    store: &Store,
    id: &str,
    person_id: &str,
) -> Result<(String, bool), StoreError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT organisation_id, lead_person_id FROM improvement_projects WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    let (org, lead) = row.ok_or_else(|| StoreError::not_found("improvement project", id))?;
    Ok((org, lead == person_id))
}
