//! Loading metric values in batches, from CSV (web upload and `concord metrics load`) or the API.
//!
//! A batch is all or nothing: every row is checked first (the metric exists, the organisation or
//! place exists, the period is a date, the value a number, no period twice for one series, and the
//! loader may load for that organisation), and any problem, named by line and field, rejects the
//! whole batch. A good batch adds new values and replaces changed ones in one transaction; loading
//! the same data again changes nothing.

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::rows::RowExt;
use concord_domain::metric::ScopeKind;
use concord_domain::ValidationErrors;
use concord_measure::spc::input::{parse_date, parse_value};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;

/// The columns of a values file, in any order; `organisation` and `place` may be left out.
pub const COLUMNS: [&str; 5] = ["metric", "organisation", "place", "period", "value"];

/// At most this many problems are reported from one batch.
const MAX_PROBLEMS: usize = 50;

/// One value as submitted, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ValueRow {
    /// Where it came from, for messages: "line 5" or "values[4]".
    #[serde(skip)]
    pub at: String,
    /// The metric's code.
    pub metric: String,
    /// The organisation's code (ODS code), for an organisation's series.
    pub organisation: String,
    /// The place's name, for a place's series.
    pub place: String,
    /// The period's first day: YYYY-MM-DD, YYYY-MM or DD/MM/YYYY.
    pub period: String,
    /// The value.
    #[serde(deserialize_with = "concord_domain::validation::string_or_number")]
    pub value: String,
}

/// What a load did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LoadSummary {
    /// Rows in the batch.
    pub rows: usize,
    /// Values that were new.
    pub added: usize,
    /// Values that replaced a different value.
    pub changed: usize,
    /// Values already held.
    pub unchanged: usize,
    /// Series created by the load.
    pub series_created: usize,
}

/// Reads a values file (CSV with a header naming [`COLUMNS`]) into rows.
pub fn parse_csv(input: impl Read, field: &str) -> Result<Vec<ValueRow>, StoreError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let problem = |message: String| StoreError::invalid(field, message);
    let headers = reader
        .headers()
        .map_err(|e| problem(format!("line 1: not valid CSV: {e}")))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
    };
    let required = ["metric", "period", "value"];
    if let Some(missing) = required.iter().find(|c| column(c).is_none()) {
        return Err(problem(format!(
            "line 1: there is no column '{missing}' (a values file has the columns metric, organisation, place, period, value)"
        )));
    }
    let at = |name: &str| column(name);
    let (metric, organisation, place, period, value) = (
        at("metric"),
        at("organisation"),
        at("place"),
        at("period"),
        at("value"),
    );
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            problem(format!("line {line}: not valid CSV: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").to_string();
        rows.push(ValueRow {
            at: format!("line {line}"),
            metric: get(metric),
            organisation: get(organisation),
            place: get(place),
            period: get(period),
            value: get(value),
        });
    }
    if rows.is_empty() {
        return Err(problem("the file has no data rows".into()));
    }
    Ok(rows)
}

/// A row once checked.
struct Checked {
    series_key: String,
    metric_id: String,
    scope: ScopeKind,
    organisation_id: Option<String>,
    place_id: Option<String>,
    period: String,
    value: f64,
}

/// Loads `rows` (all or nothing). `may_load` is asked, for each organisation whose data the batch
/// touches (for place and whole-system series, the metric's owner), whether the loader may load
/// for it. `field` names the form field or JSON property problems are reported against.
pub async fn load(
    store: &Store,
    actor: &Actor,
    rows: &[ValueRow],
    source: &str,
    field: &str,
    may_load: &(dyn Fn(&str) -> bool + Sync),
) -> Result<LoadSummary, StoreError> {
    let entry = AuditEntry::success(actor, "metrics.load", "metric values", None, source);
    store
        .audited(entry, async |entry| {
            let checked = check(store, rows, field, actor.person_id.is_none(), may_load).await?;
            apply(store, &checked, entry.clone(), rows.len()).await
        })
        .await
}

/// Removes `values` ((series id, period) pairs), all or nothing, audited with `source`: for a
/// measure Concord computes whose latest computation no longer publishes them (a count the
/// disclosure rule now holds back, a month whose referrals were withdrawn). Returns how many.
pub async fn withdraw(
    store: &Store,
    actor: &Actor,
    values: &[(String, String)],
    source: &str,
) -> Result<usize, StoreError> {
    if values.is_empty() {
        return Ok(0);
    }
    let entry = AuditEntry::success(
        actor,
        "metrics.withdraw",
        "metric values",
        None,
        format!("{source}: {} values no longer published", values.len()),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            for (series_id, period) in values {
                sqlx::query("DELETE FROM metric_values WHERE series_id = $1 AND period = $2")
                    .bind(series_id)
                    .bind(period)
                    .execute(tx.conn())
                    .await?;
            }
            tx.commit(entry).await?;
            Ok(values.len())
        })
        .await
}

async fn check(
    store: &Store,
    rows: &[ValueRow],
    field: &str,
    by_the_system: bool,
    may_load: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<Checked>, StoreError> {
    if rows.is_empty() {
        return Err(StoreError::invalid(field, "there are no values to load"));
    }
    let metrics: HashMap<String, (String, String)> =
        sqlx::query("SELECT id, code, owner_organisation_id FROM metrics")
            .fetch_all(store.pool())
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.text("code")?,
                    (r.text("id")?, r.text("owner_organisation_id")?),
                ))
            })
            .collect::<Result<_, StoreError>>()?;
    let organisations: HashMap<String, (String, String)> =
        sqlx::query("SELECT id, code, name FROM organisations")
            .fetch_all(store.pool())
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.text("code")?.to_uppercase(),
                    (r.text("id")?, r.text("name")?),
                ))
            })
            .collect::<Result<_, StoreError>>()?;
    let places: HashMap<String, String> = sqlx::query("SELECT id, name FROM places")
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok((r.text("name")?.to_lowercase(), r.text("id")?)))
        .collect::<Result<_, StoreError>>()?;

    let mut problems = ValidationErrors::default();
    let mut checked = Vec::with_capacity(rows.len());
    let mut seen: HashMap<(String, String), &str> = HashMap::new();
    for row in rows {
        if problems.0.len() >= MAX_PROBLEMS {
            break;
        }
        let mut fail = |column: &str, message: String| {
            problems.add(field, format!("{}, field '{column}': {message}", row.at));
        };
        let Some((metric_id, owner)) = metrics.get(row.metric.trim()) else {
            fail(
                "metric",
                if row.metric.trim().is_empty() {
                    "the metric's code is missing".into()
                } else {
                    format!("no metric has the code '{}'", row.metric.trim())
                },
            );
            continue;
        };
        if !by_the_system && concord_domain::metric::is_computed(row.metric.trim()) {
            fail(
                "metric",
                format!(
                    "'{}' is computed by Concord from its own records: its values cannot be loaded",
                    row.metric.trim()
                ),
            );
            continue;
        }
        let (scope, organisation_id, place_id, key, responsible) =
            match (row.organisation.trim(), row.place.trim()) {
                ("", "") => (
                    ScopeKind::System,
                    None,
                    None,
                    "system".to_string(),
                    owner.clone(),
                ),
                (code, "") => match organisations.get(&code.to_uppercase()) {
                    Some((id, _)) => (
                        ScopeKind::Organisation,
                        Some(id.clone()),
                        None,
                        format!("organisation:{id}"),
                        id.clone(),
                    ),
                    None => {
                        fail(
                            "organisation",
                            format!("no organisation has the code '{code}'"),
                        );
                        continue;
                    }
                },
                ("", name) => match places.get(&name.to_lowercase()) {
                    Some(id) => (
                        ScopeKind::Place,
                        None,
                        Some(id.clone()),
                        format!("place:{id}"),
                        owner.clone(),
                    ),
                    None => {
                        fail("place", format!("no place is called '{name}'"));
                        continue;
                    }
                },
                _ => {
                    fail("place", "give an organisation or a place, not both".into());
                    continue;
                }
            };
        if !may_load(&responsible) {
            let whose = organisations
                .values()
                .find(|(id, _)| *id == responsible)
                .map_or(responsible.as_str(), |(_, name)| name.as_str());
            fail(
                if scope == ScopeKind::Organisation {
                    "organisation"
                } else {
                    "metric"
                },
                format!("you may not load data for {whose}"),
            );
            continue;
        }
        let Some(period) = parse_date(&row.period) else {
            fail(
                "period",
                if row.period.trim().is_empty() {
                    "the period is missing".into()
                } else {
                    format!(
                        "'{}' is not a date (use YYYY-MM-DD, YYYY-MM or DD/MM/YYYY)",
                        row.period.trim()
                    )
                },
            );
            continue;
        };
        let Some(value) = parse_value(&row.value) else {
            fail(
                "value",
                if row.value.trim().is_empty() {
                    "the value is missing".into()
                } else {
                    format!("'{}' is not a number", row.value.trim())
                },
            );
            continue;
        };
        let series_key = format!("{metric_id}|{key}");
        let period = period.to_string();
        if let Some(first) = seen.insert((series_key.clone(), period.clone()), &row.at) {
            fail(
                "period",
                format!("{period} for this series is already on {first}"),
            );
            continue;
        }
        checked.push(Checked {
            series_key,
            metric_id: metric_id.clone(),
            scope,
            organisation_id,
            place_id,
            period,
            value,
        });
    }
    problems.into_result()?;
    Ok(checked)
}

async fn apply(
    store: &Store,
    checked: &[Checked],
    mut entry: AuditEntry,
    rows: usize,
) -> Result<LoadSummary, StoreError> {
    let mut summary = LoadSummary {
        rows,
        ..LoadSummary::default()
    };
    let mut tx = store.begin_write().await?;
    let now = crate::now_utc();
    let mut series_ids: HashMap<&str, String> = HashMap::new();
    let mut held: HashMap<String, HashMap<String, f64>> = HashMap::new();
    for row in checked {
        if !series_ids.contains_key(row.series_key.as_str()) {
            let scope_key = row.series_key.split_once('|').map_or("", |(_, k)| k);
            let existing: Option<String> = sqlx::query_scalar(
                "SELECT id FROM metric_series WHERE metric_id = $1 AND scope_key = $2",
            )
            .bind(&row.metric_id)
            .bind(scope_key)
            .fetch_optional(tx.conn())
            .await?;
            let id = match existing {
                Some(id) => {
                    let values: HashMap<String, f64> =
                        sqlx::query("SELECT period, value FROM metric_values WHERE series_id = $1")
                            .bind(&id)
                            .fetch_all(tx.conn())
                            .await?
                            .iter()
                            .map(|r| Ok((r.text("period")?, r.num("value")?)))
                            .collect::<Result<_, StoreError>>()?;
                    held.insert(id.clone(), values);
                    id
                }
                None => {
                    let id = crate::new_id();
                    sqlx::query(
                        "INSERT INTO metric_series (id, metric_id, scope_kind, organisation_id, place_id, scope_key, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(&id)
                    .bind(&row.metric_id)
                    .bind(row.scope.as_str())
                    .bind(row.organisation_id.as_deref())
                    .bind(row.place_id.as_deref())
                    .bind(scope_key)
                    .bind(&now)
                    .execute(tx.conn())
                    .await?;
                    summary.series_created += 1;
                    held.insert(id.clone(), HashMap::new());
                    id
                }
            };
            series_ids.insert(&row.series_key, id);
        }
        let series_id = &series_ids[row.series_key.as_str()];
        match held[series_id].get(&row.period) {
            Some(v) if *v == row.value => summary.unchanged += 1,
            Some(_) => {
                sqlx::query("UPDATE metric_values SET value = $3, loaded_at = $4 WHERE series_id = $1 AND period = $2")
                    .bind(series_id)
                    .bind(&row.period)
                    .bind(row.value)
                    .bind(&now)
                    .execute(tx.conn())
                    .await?;
                summary.changed += 1;
            }
            None => {
                sqlx::query("INSERT INTO metric_values (series_id, period, value, loaded_at) VALUES ($1, $2, $3, $4)")
                    .bind(series_id)
                    .bind(&row.period)
                    .bind(row.value)
                    .bind(&now)
                    .execute(tx.conn())
                    .await?;
                summary.added += 1;
            }
        }
    }
    entry.detail = format!(
        "{}: {} rows, {} added, {} changed, {} unchanged, {} new series",
        entry.detail,
        summary.rows,
        summary.added,
        summary.changed,
        summary.unchanged,
        summary.series_created
    );
    tx.commit(entry).await?;
    Ok(summary)
}
