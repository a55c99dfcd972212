//! The metric catalogue and its series: one series of dated values per metric and scope
//! (an organisation, a place or the whole system), and the dates at which a series was rebased.
//! Loading values is in [`crate::metric_load`].

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::rows::{all, all_by, optional_decimal, require_exists, row_by_id, RowExt, Table};
use concord_domain::metric::{
    Frequency, ImprovementDirection, MetricCategory, MetricDraft, ScopeKind,
};
use concord_measure::spc::input::parse_date;
use serde::Serialize;
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// A metric in the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Metric {
    /// Concord's id for it.
    pub id: String,
    /// Its code in data files.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The exact definition.
    pub definition: String,
    /// The unit.
    pub unit: String,
    /// Which way is better.
    pub improvement_direction: ImprovementDirection,
    /// The target, if any.
    pub target: Option<f64>,
    /// The owning organisation.
    pub owner_organisation_id: String,
    /// Its name.
    pub owner_organisation_name: String,
    /// Where the data come from.
    pub source: String,
    /// How often it is reported.
    pub frequency: Frequency,
    /// Its area of work.
    pub category: MetricCategory,
}

const METRIC_SELECT: &str = "SELECT m.id, m.code, m.name, m.definition, m.unit, m.improvement_direction, m.target,
        m.owner_organisation_id, o.name AS owner_organisation_name, m.source, m.frequency, m.category
    FROM metrics m JOIN organisations o ON o.id = m.owner_organisation_id";

fn metric_from_row(row: &AnyRow) -> Result<Metric, StoreError> {
    Ok(Metric {
        id: row.text("id")?,
        code: row.text("code")?,
        name: row.text("name")?,
        definition: row.text("definition")?,
        unit: row.text("unit")?,
        improvement_direction: row.code("improvement_direction")?,
        target: row.opt_num("target")?,
        owner_organisation_id: row.text("owner_organisation_id")?,
        owner_organisation_name: row.text("owner_organisation_name")?,
        source: row.text("source")?,
        frequency: row.code("frequency")?,
        category: row.code("category")?,
    })
}

/// Every metric, by category then name.
pub async fn list(store: &Store) -> Result<Vec<Metric>, StoreError> {
    let sql = format!("{METRIC_SELECT} ORDER BY m.category, m.name");
    all(store, &sql, metric_from_row).await
}

/// One metric, by id or code.
pub async fn get(store: &Store, id_or_code: &str) -> Result<Metric, StoreError> {
    let sql = format!("{METRIC_SELECT} WHERE m.id = $1 OR m.code = $1");
    let row = row_by_id(store, &sql, "metric", id_or_code).await?;
    metric_from_row(&row)
}

/// Adds a metric to the catalogue; returns its id.
pub async fn create(
    store: &Store,
    actor: &Actor,
    draft: &MetricDraft,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "metric.create",
        "metric",
        Some(&id),
        draft.code.trim(),
    );
    store
        .audited(entry, async |entry| {
            let valid = draft.validate()?;
            let mut tx = store.begin_write().await?;
            check_references(&mut tx, actor, draft, None).await?;
            let now = crate::now_utc();
            sqlx::query(
                "INSERT INTO metrics (id, code, name, definition, unit, improvement_direction, target, owner_organisation_id,
                    source, frequency, category, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS DOUBLE PRECISION), $8, $9, $10, $11, $12, $12)",
            )
            .bind(&id)
            .bind(draft.code.trim())
            .bind(draft.name.trim())
            .bind(draft.definition.trim())
            .bind(draft.unit.trim())
            .bind(valid.direction.as_str())
            .bind(optional_decimal(valid.target))
            .bind(draft.owner_organisation_id.trim())
            .bind(draft.source.trim())
            .bind(valid.frequency.as_str())
            .bind(valid.category.as_str())
            .bind(&now)
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// Changes a metric's definition (its code may change only if no other metric has the new one).
pub async fn update(
    store: &Store,
    actor: &Actor,
    id: &str,
    draft: &MetricDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "metric.update",
        "metric",
        Some(id),
        draft.code.trim(),
    );
    store
        .audited(entry, async |entry| {
            let valid = draft.validate()?;
            let mut tx = store.begin_write().await?;
            check_references(&mut tx, actor, draft, Some(id)).await?;
            let changed = sqlx::query(
                "UPDATE metrics SET code = $2, name = $3, definition = $4, unit = $5, improvement_direction = $6, target = CAST($7 AS DOUBLE PRECISION),
                    owner_organisation_id = $8, source = $9, frequency = $10, category = $11, updated_at = $12 WHERE id = $1",
            )
            .bind(id)
            .bind(draft.code.trim())
            .bind(draft.name.trim())
            .bind(draft.definition.trim())
            .bind(draft.unit.trim())
            .bind(valid.direction.as_str())
            .bind(optional_decimal(valid.target))
            .bind(draft.owner_organisation_id.trim())
            .bind(draft.source.trim())
            .bind(valid.frequency.as_str())
            .bind(valid.category.as_str())
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::not_found("metric", id));
            }
            tx.commit(entry).await
        })
        .await
}

async fn check_references(
    tx: &mut crate::WriteTx,
    actor: &Actor,
    draft: &MetricDraft,
    id: Option<&str>,
) -> Result<(), StoreError> {
    // The measures Concord computes are made and kept by the system, never by a person.
    if actor.person_id.is_some() {
        let current: Option<String> = match id {
            Some(id) => {
                sqlx::query_scalar("SELECT code FROM metrics WHERE id = $1")
                    .bind(id)
                    .fetch_optional(tx.conn())
                    .await?
            }
            None => None,
        };
        if concord_domain::metric::is_computed(&draft.code)
            || current
                .as_deref()
                .is_some_and(concord_domain::metric::is_computed)
        {
            return Err(StoreError::invalid(
                "code",
                format!(
                    "Metrics whose codes begin {} are computed by Concord from its own records, and kept with that computation: choose another code",
                    concord_domain::metric::COMPUTED_PREFIX
                ),
            ));
        }
    }
    require_exists(
        tx.conn(),
        Table::Organisations,
        draft.owner_organisation_id.trim(),
        "owner_organisation_id",
        "Select an organisation that exists",
    )
    .await?;
    let taken: Option<String> = sqlx::query_scalar("SELECT id FROM metrics WHERE code = $1")
        .bind(draft.code.trim())
        .fetch_optional(tx.conn())
        .await?;
    if taken.is_some_and(|other| Some(other.as_str()) != id) {
        return Err(StoreError::invalid(
            "code",
            format!("Another metric already has the code {}", draft.code.trim()),
        ));
    }
    Ok(())
}

/// A series: one metric's values for one scope.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Series {
    /// Concord's id for it.
    pub id: String,
    /// The metric.
    pub metric_id: String,
    /// What it covers.
    pub scope_kind: ScopeKind,
    /// The organisation, for an organisation's series.
    pub organisation_id: Option<String>,
    /// The place, for a place's series.
    pub place_id: Option<String>,
    /// The organisation's or place's name, or "Whole system".
    pub scope_name: String,
    /// How many values it has.
    pub points: i64,
    /// Its latest period, if any.
    pub latest_period: Option<String>,
}

const SERIES_SELECT: &str = "SELECT s.id, s.metric_id, s.scope_kind, s.organisation_id, s.place_id,
        COALESCE(o.name, pl.name, 'Whole system') AS scope_name,
        (SELECT COUNT(*) FROM metric_values v WHERE v.series_id = s.id) AS points,
        (SELECT MAX(v.period) FROM metric_values v WHERE v.series_id = s.id) AS latest_period
    FROM metric_series s LEFT JOIN organisations o ON o.id = s.organisation_id LEFT JOIN places pl ON pl.id = s.place_id";

fn series_from_row(row: &AnyRow) -> Result<Series, StoreError> {
    Ok(Series {
        id: row.text("id")?,
        metric_id: row.text("metric_id")?,
        scope_kind: row.code("scope_kind")?,
        organisation_id: row.opt_text("organisation_id")?,
        place_id: row.opt_text("place_id")?,
        scope_name: row.text("scope_name")?,
        points: row.int("points")?,
        latest_period: row.opt_text("latest_period")?,
    })
}

/// Every series, or one metric's: the whole system first, then places, then organisations, by name.
pub async fn series(store: &Store, metric_id: Option<&str>) -> Result<Vec<Series>, StoreError> {
    let sql = format!(
        "{SERIES_SELECT} WHERE ($1 = '' OR s.metric_id = $1)
         ORDER BY CASE s.scope_kind WHEN 'system' THEN 0 WHEN 'place' THEN 1 ELSE 2 END, scope_name"
    );
    all_by(store, &sql, metric_id.unwrap_or(""), series_from_row).await
}

/// One series.
pub async fn get_series(store: &Store, id: &str) -> Result<Series, StoreError> {
    let sql = format!("{SERIES_SELECT} WHERE s.id = $1");
    let row = row_by_id(store, &sql, "series", id).await?;
    series_from_row(&row)
}

/// One dated value.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SeriesValue {
    /// The period's first day (YYYY-MM-DD).
    pub period: String,
    /// The value.
    pub value: f64,
}

/// The rows `sql` selects for one series (`Some`) or for all (`None`, bound as ''), grouped by
/// their `series_id` column in the order selected, each read by `read`.
async fn grouped_by_series<T>(
    store: &Store,
    sql: &str,
    series_id: Option<&str>,
    read: impl Fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<HashMap<String, Vec<T>>, StoreError> {
    let rows = sqlx::query(sql)
        .bind(series_id.unwrap_or(""))
        .fetch_all(store.pool())
        .await?;
    let mut by_series: HashMap<String, Vec<T>> = HashMap::new();
    for r in &rows {
        by_series
            .entry(r.text("series_id")?)
            .or_default()
            .push(read(r)?);
    }
    Ok(by_series)
}

/// The values of one series (`Some`) or of all (`None`), by series id, in date order.
async fn values_by_series(
    store: &Store,
    series_id: Option<&str>,
) -> Result<HashMap<String, Vec<SeriesValue>>, StoreError> {
    grouped_by_series(
        store,
        "SELECT series_id, period, value FROM metric_values
         WHERE ($1 = '' OR series_id = $1) ORDER BY series_id, period",
        series_id,
        |r| {
            Ok(SeriesValue {
                period: r.text("period")?,
                value: r.num("value")?,
            })
        },
    )
    .await
}

/// A series' values in date order.
pub async fn values(store: &Store, series_id: &str) -> Result<Vec<SeriesValue>, StoreError> {
    Ok(values_by_series(store, Some(series_id))
        .await?
        .remove(series_id)
        .unwrap_or_default())
}

/// Every series' values in date order, by series id (for the dashboard), in one query.
pub async fn all_values(store: &Store) -> Result<HashMap<String, Vec<SeriesValue>>, StoreError> {
    values_by_series(store, None).await
}

/// A date from which a series is charted with new limits, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Rebase {
    /// The first period of the new group.
    pub starts_on: String,
    /// What changed in the process.
    pub reason: String,
}

/// The rebases of one series (`Some`) or of all (`None`), by series id, in date order.
async fn rebases_by_series(
    store: &Store,
    series_id: Option<&str>,
) -> Result<HashMap<String, Vec<Rebase>>, StoreError> {
    grouped_by_series(
        store,
        "SELECT series_id, starts_on, reason FROM metric_rebases
         WHERE ($1 = '' OR series_id = $1) ORDER BY series_id, starts_on",
        series_id,
        |r| {
            Ok(Rebase {
                starts_on: r.text("starts_on")?,
                reason: r.text("reason")?,
            })
        },
    )
    .await
}

/// Every rebase, by series id.
pub async fn all_rebases(store: &Store) -> Result<HashMap<String, Vec<Rebase>>, StoreError> {
    rebases_by_series(store, None).await
}

/// A series' rebases in date order.
pub async fn rebases(store: &Store, series_id: &str) -> Result<Vec<Rebase>, StoreError> {
    Ok(rebases_by_series(store, Some(series_id))
        .await?
        .remove(series_id)
        .unwrap_or_default())
}

/// Rebases a series from `starts_on` (which must be one of its periods, not the first).
pub async fn add_rebase(
    store: &Store,
    actor: &Actor,
    series_id: &str,
    starts_on: &str,
    reason: &str,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "series.rebase",
        "series",
        Some(series_id),
        starts_on.trim(),
    );
    store
        .audited(entry, async |entry| {
            let date = parse_date(starts_on)
                .ok_or_else(|| StoreError::invalid("starts_on", "Enter the date the process changed, for example 2024-04-01"))?
                .to_string();
            if reason.trim().is_empty() {
                return Err(StoreError::invalid("reason", "Say what changed in the process"));
            }
            let periods: Vec<String> = values(store, series_id).await?.into_iter().map(|v| v.period).collect();
            match periods.iter().position(|p| *p == date) {
                None => return Err(StoreError::invalid("starts_on", format!("The series has no value for {date}: rebase at one of its periods"))),
                Some(0) => return Err(StoreError::invalid("starts_on", "A rebase cannot be at the first period")),
                Some(_) => {}
            }
            let mut tx = store.begin_write().await?;
            sqlx::query("DELETE FROM metric_rebases WHERE series_id = $1 AND starts_on = $2")
                .bind(series_id)
                .bind(&date)
                .execute(tx.conn())
                .await?;
            sqlx::query("INSERT INTO metric_rebases (series_id, starts_on, reason, recorded_at) VALUES ($1, $2, $3, $4)")
                .bind(series_id)
                .bind(&date)
                .bind(reason.trim())
                .bind(crate::now_utc())
                .execute(tx.conn())
                .await?;
            tx.commit(entry).await
        })
        .await
}

/// Removes a rebase.
pub async fn remove_rebase(
    store: &Store,
    actor: &Actor,
    series_id: &str,
    starts_on: &str,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "series.unrebase",
        "series",
        Some(series_id),
        starts_on,
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let removed =
                sqlx::query("DELETE FROM metric_rebases WHERE series_id = $1 AND starts_on = $2")
                    .bind(series_id)
                    .bind(starts_on)
                    .execute(tx.conn())
                    .await?
                    .rows_affected();
            if removed == 0 {
                return Err(StoreError::not_found("rebase", starts_on));
            }
            tx.commit(entry).await
        })
        .await
}
