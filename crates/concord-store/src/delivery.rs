//! Milestones (baseline against forecast) and benefits (with who gains and who pays, and the
//! readings so far).

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::programmes::{self, check_project};
use crate::rows::{all_by, blank, require_exists, RowExt, Table};
use chrono::NaiveDate;
use concord_domain::programme::{
    progress_towards, slippage_days, BenefitDraft, BenefitEffect, Direction, MeasurementDraft,
    MilestoneDraft,
};
use serde::Serialize;
use sqlx::any::AnyRow;

/// A milestone with its slippage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Milestone {
    /// Concord's id for it.
    pub id: String,
    /// The programme.
    pub programme_id: String,
    /// Its name.
    pub programme_name: String,
    /// The project, if any.
    pub project_id: Option<String>,
    /// What will be done.
    pub title: String,
    /// The owner.
    pub owner_person_id: String,
    /// Their name.
    pub owner_name: String,
    /// The baselined date.
    pub baseline_on: String,
    /// The forecast date.
    pub forecast_on: String,
    /// When done, if done.
    pub completed_on: Option<String>,
    /// Days late against the baseline (negative: early).
    pub slippage_days: i64,
}

impl Milestone {
    /// True once done.
    pub fn is_done(&self) -> bool {
        self.completed_on.is_some()
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| StoreError::Database(sqlx::Error::Decode(format!("bad date '{s}'").into())))
}

const MILESTONE_SELECT: &str = "SELECT m.id, m.programme_id, pr.name AS programme_name, m.project_id, m.title, m.owner_person_id,
        p.given_name || ' ' || p.family_name AS owner_name, m.baseline_on, m.forecast_on, m.completed_on
    FROM milestones m JOIN programmes pr ON pr.id = m.programme_id JOIN people p ON p.id = m.owner_person_id";

fn milestone_from_row(row: &AnyRow) -> Result<Milestone, StoreError> {
    let baseline_on = row.text("baseline_on")?;
    let forecast_on = row.text("forecast_on")?;
    let completed_on = row.opt_text("completed_on")?;
    let completed = completed_on.as_deref().map(parse_date).transpose()?;
    Ok(Milestone {
        id: row.text("id")?,
        programme_id: row.text("programme_id")?,
        programme_name: row.text("programme_name")?,
        project_id: row.opt_text("project_id")?,
        title: row.text("title")?,
        owner_person_id: row.text("owner_person_id")?,
        owner_name: row.text("owner_name")?,
        slippage_days: slippage_days(
            parse_date(&baseline_on)?,
            parse_date(&forecast_on)?,
            completed,
        ),
        baseline_on,
        forecast_on,
        completed_on,
    })
}

/// A programme's milestones, by forecast date.
pub async fn milestones_of(
    store: &Store,
    programme_id: &str,
) -> Result<Vec<Milestone>, StoreError> {
    let sql =
        format!("{MILESTONE_SELECT} WHERE m.programme_id = $1 ORDER BY m.forecast_on, m.title");
    all_by(store, &sql, programme_id, milestone_from_row).await
}

/// The open milestones a person owns, by forecast date.
pub async fn milestones_owned_by(
    store: &Store,
    person_id: &str,
) -> Result<Vec<Milestone>, StoreError> {
    let sql = format!("{MILESTONE_SELECT} WHERE m.owner_person_id = $1 AND m.completed_on IS NULL ORDER BY m.forecast_on");
    all_by(store, &sql, person_id, milestone_from_row).await
}

/// Adds a milestone (or, given `milestone_id`, changes one); returns its id.
pub async fn save_milestone(
    store: &Store,
    actor: &Actor,
    programme_id: &str,
    milestone_id: Option<&str>,
    draft: &MilestoneDraft,
) -> Result<String, StoreError> {
    let id = milestone_id
        .map(str::to_string)
        .unwrap_or_else(crate::new_id);
    let action = if milestone_id.is_some() {
        "milestone.update"
    } else {
        "milestone.create"
    };
    let entry = AuditEntry::success(actor, action, "milestone", Some(&id), draft.title.trim());
    store
        .audited(entry, async |entry| {
            programmes::get(store, programme_id).await?;
            draft.validate()?;
            let project = blank(&draft.project_id);
            let mut tx = store.begin_write().await?;
            check_project(tx.conn(), programme_id, project).await?;
            require_exists(tx.conn(), Table::People, draft.owner_person_id.trim(), "owner_person_id", "Select an owner who exists").await?;
            let now = crate::now_utc();
            let n = if milestone_id.is_some() {
                // The baseline is fixed once set: only the forecast and completion move.
                sqlx::query(
                    "UPDATE milestones SET project_id = $3, title = $4, owner_person_id = $5, forecast_on = $6, completed_on = $7, updated_at = $8
                     WHERE id = $1 AND programme_id = $2",
                )
                .bind(&id)
                .bind(programme_id)
                .bind(project)
                .bind(draft.title.trim())
                .bind(draft.owner_person_id.trim())
                .bind(draft.forecast_on.trim())
                .bind(blank(&draft.completed_on))
                .bind(&now)
                .execute(tx.conn())
                .await?
                .rows_affected()
            } else {
                sqlx::query(
                    "INSERT INTO milestones (id, programme_id, project_id, title, owner_person_id, baseline_on, forecast_on, completed_on, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                )
                .bind(&id)
                .bind(programme_id)
                .bind(project)
                .bind(draft.title.trim())
                .bind(draft.owner_person_id.trim())
                .bind(draft.baseline_on.trim())
                .bind(draft.forecast_on.trim())
                .bind(blank(&draft.completed_on))
                .bind(&now)
                .execute(tx.conn())
                .await?
                .rows_affected()
            };
            if n == 0 {
                return Err(StoreError::not_found("milestone", &id));
            }
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// How a benefit touches one partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BenefitImpact {
    /// The organisation.
    pub organisation_id: String,
    /// Its name.
    pub organisation_name: String,
    /// The effect.
    pub effect: BenefitEffect,
    /// Detail.
    pub note: String,
}

/// A reading of a benefit's metric.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Reading {
    /// The date.
    pub measured_on: String,
    /// The value.
    pub value: f64,
}

/// A benefit, with its impacts and readings.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Benefit {
    /// Concord's id for it.
    pub id: String,
    /// The programme.
    pub programme_id: String,
    /// The benefit in words.
    pub title: String,
    /// The metric.
    pub metric: String,
    /// Its unit.
    pub unit: String,
    /// Which way is better.
    pub direction: Direction,
    /// The value before.
    pub baseline: f64,
    /// The value to reach.
    pub target: f64,
    /// By when.
    pub target_on: String,
    /// The catalogue metric whose whole-system values are its readings, if any.
    pub metric_id: Option<String>,
    /// Who gains and who pays.
    pub impacts: Vec<BenefitImpact>,
    /// Readings so far, oldest first.
    pub readings: Vec<Reading>,
}

impl Benefit {
    /// The latest reading, if any.
    pub fn latest(&self) -> Option<&Reading> {
        self.readings.last()
    }

    /// How far from baseline to target the latest reading has come, as a whole percentage.
    pub fn progress_percent(&self) -> Option<i64> {
        let latest = self.latest()?;
        progress_towards(self.baseline, self.target, latest.value)
            .map(|p| (p * 100.0).round() as i64)
    }
}

/// A programme's benefits, with impacts and readings.
pub async fn benefits_of(store: &Store, programme_id: &str) -> Result<Vec<Benefit>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, programme_id, title, metric, unit, direction, baseline, target, target_on, metric_id FROM benefits WHERE programme_id = $1 ORDER BY created_at, title",
    )
    .bind(programme_id)
    .fetch_all(store.pool())
    .await?;
    let impacts = sqlx::query(
        "SELECT bi.benefit_id, bi.organisation_id, o.name AS organisation_name, bi.effect, bi.note
         FROM benefit_impacts bi JOIN benefits b ON b.id = bi.benefit_id JOIN organisations o ON o.id = bi.organisation_id
         WHERE b.programme_id = $1 ORDER BY o.name",
    )
    .bind(programme_id)
    .fetch_all(store.pool())
    .await?;
    // A benefit shown by a catalogue metric reads the metric's whole-system values; any other,
    // the readings typed for it.
    let readings = sqlx::query(
        "SELECT bm.benefit_id, bm.measured_on, bm.value FROM benefit_measurements bm JOIN benefits b ON b.id = bm.benefit_id
         WHERE b.programme_id = $1 AND b.metric_id IS NULL
         UNION ALL
         SELECT b.id AS benefit_id, v.period AS measured_on, v.value FROM benefits b
         JOIN metric_series s ON s.metric_id = b.metric_id AND s.scope_kind = 'system'
         JOIN metric_values v ON v.series_id = s.id
         WHERE b.programme_id = $1
         ORDER BY measured_on",
    )
    .bind(programme_id)
    .fetch_all(store.pool())
    .await?;
    let mut benefits = rows
        .iter()
        .map(|row| {
            Ok(Benefit {
                id: row.text("id")?,
                programme_id: row.text("programme_id")?,
                title: row.text("title")?,
                metric: row.text("metric")?,
                unit: row.text("unit")?,
                direction: row.code("direction")?,
                baseline: row.num("baseline")?,
                target: row.num("target")?,
                target_on: row.text("target_on")?,
                metric_id: row.opt_text("metric_id")?,
                impacts: Vec::new(),
                readings: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    for row in &impacts {
        let benefit_id = row.text("benefit_id")?;
        if let Some(b) = benefits.iter_mut().find(|b| b.id == benefit_id) {
            b.impacts.push(BenefitImpact {
                organisation_id: row.text("organisation_id")?,
                organisation_name: row.text("organisation_name")?,
                effect: row.code("effect")?,
                note: row.text("note")?,
            });
        }
    }
    for row in &readings {
        let benefit_id = row.text("benefit_id")?;
        if let Some(b) = benefits.iter_mut().find(|b| b.id == benefit_id) {
            b.readings.push(Reading {
                measured_on: row.text("measured_on")?,
                value: row.num("value")?,
            });
        }
    }
    Ok(benefits)
}

/// Adds a benefit to a programme; returns its id.
pub async fn add_benefit(
    store: &Store,
    actor: &Actor,
    programme_id: &str,
    draft: &BenefitDraft,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "benefit.create",
        "benefit",
        Some(&id),
        draft.title.trim(),
    );
    store
        .audited(entry, async |entry| {
            programmes::get(store, programme_id).await?;
            let (draft, metric_id) = with_catalogue_metric(store, draft).await?;
            draft.validate()?;
            let number = |s: &str| s.trim().replace(',', "").parse::<f64>().unwrap_or_default();
            let mut tx = store.begin_write().await?;
            sqlx::query(
                "INSERT INTO benefits (id, programme_id, title, metric, unit, direction, baseline, target, target_on, created_at, metric_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&id)
            .bind(programme_id)
            .bind(draft.title.trim())
            .bind(draft.metric.trim())
            .bind(draft.unit.trim())
            .bind(draft.direction.trim())
            .bind(number(&draft.baseline))
            .bind(number(&draft.target))
            .bind(draft.target_on.trim())
            .bind(crate::now_utc())
            .bind(metric_id)
            .execute(tx.conn())
            .await?;
            for (n, impact) in draft.impacts.iter().enumerate() {
                let Some(org) = blank(&impact.organisation_id) else { continue };
                require_exists(tx.conn(), Table::Organisations, org, &format!("impacts[{n}].organisation_id"), "Select an organisation that exists").await?;
                let clash: Option<String> = sqlx::query_scalar("SELECT effect FROM benefit_impacts WHERE benefit_id = $1 AND organisation_id = $2 AND effect = $3")
                    .bind(&id).bind(org).bind(impact.effect.trim()).fetch_optional(tx.conn()).await?;
                if clash.is_some() {
                    return Err(StoreError::invalid(&format!("impacts[{n}].effect"), "This partner already has this effect listed"));
                }
                sqlx::query("INSERT INTO benefit_impacts (benefit_id, organisation_id, effect, note) VALUES ($1, $2, $3, $4)")
                    .bind(&id)
                    .bind(org)
                    .bind(impact.effect.trim())
                    .bind(impact.note.trim())
                    .execute(tx.conn())
                    .await?;
            }
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// `draft` with its catalogue metric's name, unit and direction (unless the metric is neutral),
/// and the metric's id; `draft` as it is when it names none.
async fn with_catalogue_metric(
    store: &Store,
    draft: &BenefitDraft,
) -> Result<(BenefitDraft, Option<String>), StoreError> {
    let wanted = draft.catalogue_metric.trim();
    if wanted.is_empty() {
        return Ok((draft.clone(), None));
    }
    let metric = match crate::metrics::get(store, wanted).await {
        Ok(metric) => metric,
        Err(StoreError::NotFound { .. }) => {
            return Err(StoreError::invalid(
                "catalogue_metric",
                "Select a metric from the catalogue, or none",
            ))
        }
        Err(other) => return Err(other),
    };
    let mut effective = draft.clone();
    effective.metric = metric.name.clone();
    effective.unit = metric.unit.clone();
    if metric.improvement_direction != concord_domain::metric::ImprovementDirection::Neutral {
        effective.direction = metric.improvement_direction.as_str().to_string();
    }
    Ok((effective, Some(metric.id)))
}

/// Records (or corrects) a benefit's reading for a date.
pub async fn record_reading(
    store: &Store,
    actor: &Actor,
    programme_id: &str,
    benefit_id: &str,
    draft: &MeasurementDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "benefit.reading", "benefit", Some(benefit_id), "");
    store
        .audited(entry, async |entry| {
            let found: Option<String> = sqlx::query_scalar("SELECT id FROM benefits WHERE id = $1 AND programme_id = $2")
                .bind(benefit_id)
                .bind(programme_id)
                .fetch_optional(store.pool())
                .await?;
            found.ok_or_else(|| StoreError::not_found("benefit", benefit_id))?;
            let linked: Option<String> = sqlx::query_scalar(
                "SELECT m.name FROM benefits b JOIN metrics m ON m.id = b.metric_id WHERE b.id = $1",
            )
            .bind(benefit_id)
            .fetch_optional(store.pool())
            .await?;
            if let Some(metric) = linked {
                return Err(StoreError::invalid(
                    "value",
                    format!("This benefit's readings are the catalogue metric \u{201c}{metric}\u{201d}'s whole-system values: load them there"),
                ));
            }
            let value = draft.validate()?;
            let mut tx = store.begin_write().await?;
            sqlx::query("DELETE FROM benefit_measurements WHERE benefit_id = $1 AND measured_on = $2")
                .bind(benefit_id)
                .bind(draft.measured_on.trim())
                .execute(tx.conn())
                .await?;
            sqlx::query("INSERT INTO benefit_measurements (benefit_id, measured_on, value, recorded_at) VALUES ($1, $2, $3, $4)")
                .bind(benefit_id)
                .bind(draft.measured_on.trim())
                .bind(value)
                .bind(crate::now_utc())
                .execute(tx.conn())
                .await?;
            tx.commit(entry.detailed(format!("{}: {value}", draft.measured_on.trim()))).await
        })
        .await
}
