//! Loading finance returns in batches, from CSV (web upload and `concord finance load`) or the API.
//!
//! Three kinds of return ([`Dataset`]) each have their own columns. A batch is all or nothing:
//! every row is checked first (the organisation exists and the loader may load for it, the month
//! falls in a financial year that is set up, amounts are money to the penny, no row twice) and any
//! problem, named by line and field, rejects the whole batch. A good batch adds new rows and
//! replaces changed ones in one transaction; loading the same file again changes nothing.

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::rows::RowExt;
use concord_domain::finance::{parse_month, FinancialYear, Money};
use concord_domain::ValidationErrors;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;

/// At most this many problems are reported from one batch.
const MAX_PROBLEMS: usize = 50;

concord_domain::vocabulary! {
    /// A kind of finance return.
    Dataset {
        Revenue => ("revenue", "Revenue plan and actuals"),
        Pooled => ("pooled", "Pooled budget contributions and spend"),
        Efficiency => ("efficiency", "Efficiency plans"),
    }
}

impl Dataset {
    /// The columns of its file: required first, then optional.
    pub fn columns(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Dataset::Revenue => (
                &["organisation", "month", "plan_income", "plan_expenditure"],
                &[
                    "actual_income",
                    "actual_expenditure",
                    "forecast_outturn",
                    "variance_reason",
                ],
            ),
            Dataset::Pooled => (
                &["budget", "organisation", "month", "contribution"],
                &["spend"],
            ),
            Dataset::Efficiency => (
                &["organisation", "scheme", "month", "planned"],
                &["delivered"],
            ),
        }
    }

    /// Every column, comma-separated, for messages and help text.
    pub fn column_list(self) -> String {
        let (required, optional) = self.columns();
        required
            .iter()
            .chain(optional)
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One row as submitted: where it came from (`line 5`, `rows[4]`) and its fields by column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FinanceRow {
    /// Where it came from, for messages.
    pub at: String,
    /// The fields, by lower-case column name.
    pub fields: BTreeMap<String, String>,
}

impl FinanceRow {
    fn get(&self, column: &str) -> &str {
        self.fields.get(column).map_or("", |v| v.trim())
    }
}

/// What a load did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FinanceLoadSummary {
    /// Rows in the batch.
    pub rows: usize,
    /// Rows that were new.
    pub added: usize,
    /// Rows that replaced different figures.
    pub changed: usize,
    /// Rows already held.
    pub unchanged: usize,
}

/// Reads a return file (CSV with a header row) into rows.
pub fn parse_csv(
    input: impl Read,
    dataset: Dataset,
    field: &str,
) -> Result<Vec<FinanceRow>, StoreError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let problem = |message: String| StoreError::invalid(field, message);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| problem(format!("line 1: not valid CSV: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
        .collect();
    let (required, _) = dataset.columns();
    if let Some(missing) = required.iter().find(|c| !headers.iter().any(|h| h == *c)) {
        return Err(problem(format!(
            "line 1: there is no column '{missing}' (a {} file has the columns {})",
            dataset.as_str(),
            dataset.column_list()
        )));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            problem(format!("line {line}: not valid CSV: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        rows.push(FinanceRow {
            at: format!("line {line}"),
            fields: headers
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_string))
                .collect(),
        });
    }
    if rows.is_empty() {
        return Err(problem("the file has no data rows".into()));
    }
    Ok(rows)
}

/// A checked row: the table's key columns and its values, amounts in pence.
#[derive(Debug, Clone, PartialEq)]
struct Checked {
    key: Vec<String>,
    year: String,
    values: Vec<Option<i64>>,
    text: String,
    /// Which of `values` (then `text`) the row gave a column for: a column left out of the file
    /// keeps what is held, while a blank cell clears it.
    present: Vec<bool>,
}

/// Loads `rows` of `dataset` (all or nothing). `may_load` is asked, for each organisation whose
/// figures the batch touches, whether the loader may load for it. `field` names the form field or
/// JSON property problems are reported against.
pub async fn load(
    store: &Store,
    actor: &Actor,
    dataset: Dataset,
    rows: &[FinanceRow],
    source: &str,
    field: &str,
    may_load: &(dyn Fn(&str) -> bool + Sync),
) -> Result<FinanceLoadSummary, StoreError> {
    let entry = AuditEntry::success(
        actor,
        "finance.load",
        "finance return",
        None,
        format!("{} from {source}", dataset.as_str()),
    );
    store
        .audited(entry, async |entry| {
            let checked = check(store, dataset, rows, field, may_load).await?;
            apply(store, dataset, &checked, entry.clone(), rows.len()).await
        })
        .await
}

struct Context {
    organisations: HashMap<String, (String, String)>,
    years: Vec<String>,
    budgets: HashMap<(String, String), String>,
}

async fn context(store: &Store) -> Result<Context, StoreError> {
    let organisations = sqlx::query("SELECT id, code, name FROM organisations")
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
    let years = sqlx::query_scalar("SELECT label FROM financial_years")
        .fetch_all(store.pool())
        .await?;
    let budgets = sqlx::query("SELECT id, year, name FROM pooled_budgets")
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                (r.text("year")?, r.text("name")?.to_lowercase()),
                r.text("id")?,
            ))
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Context {
        organisations,
        years,
        budgets,
    })
}

async fn check(
    store: &Store,
    dataset: Dataset,
    rows: &[FinanceRow],
    field: &str,
    may_load: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<Checked>, StoreError> {
    if rows.is_empty() {
        return Err(StoreError::invalid(field, "there are no rows to load"));
    }
    let ctx = context(store).await?;
    let mut problems = ValidationErrors::default();
    let mut checked = Vec::with_capacity(rows.len());
    let mut seen: HashMap<Vec<String>, &str> = HashMap::new();
    for row in rows {
        if problems.0.len() >= MAX_PROBLEMS {
            break;
        }
        let mut row_problems = Vec::new();
        if let Some(c) = check_row(&ctx, dataset, row, may_load, &mut row_problems) {
            if let Some(first) = seen.insert(c.key.clone(), &row.at) {
                row_problems.push(("month", format!("the same row is already on {first}")));
            } else if row_problems.is_empty() {
                checked.push(c);
            }
        }
        for (column, message) in row_problems {
            problems.add(field, format!("{}, field '{column}': {message}", row.at));
        }
    }
    problems.into_result()?;
    Ok(checked)
}

type Problems = Vec<(&'static str, String)>;

fn amount(
    row: &FinanceRow,
    column: &'static str,
    required: bool,
    out: &mut Problems,
) -> Option<i64> {
    let text = row.get(column);
    if text.is_empty() {
        if required {
            out.push((column, "the amount is missing".into()));
        }
        return None;
    }
    match Money::parse(text) {
        Ok(m) => m.pence_i64(),
        Err(message) => {
            out.push((column, message));
            None
        }
    }
}

fn check_row(
    ctx: &Context,
    dataset: Dataset,
    row: &FinanceRow,
    may_load: &(dyn Fn(&str) -> bool + Sync),
    out: &mut Problems,
) -> Option<Checked> {
    let code = row.get("organisation");
    let organisation = match ctx.organisations.get(&code.to_uppercase()) {
        _ if code.is_empty() => {
            out.push(("organisation", "the organisation's code is missing".into()));
            None
        }
        Some((id, name)) if !may_load(id) => {
            out.push((
                "organisation",
                format!("you may not load figures for {name}"),
            ));
            None
        }
        Some((id, _)) => Some(id.clone()),
        None => {
            out.push((
                "organisation",
                format!("no organisation has the code '{code}'"),
            ));
            None
        }
    };
    let month_text = row.get("month");
    let month = match parse_month(month_text) {
        None if month_text.is_empty() => {
            out.push(("month", "the month is missing".into()));
            None
        }
        None => {
            out.push((
                "month",
                format!("'{month_text}' is not a month (use YYYY-MM)"),
            ));
            None
        }
        Some(m) => {
            let label = FinancialYear::containing(m).label();
            if ctx.years.contains(&label) {
                Some((m.to_string(), label))
            } else {
                out.push((
                    "month",
                    format!("the financial year {label} is not set up: ask a system administrator"),
                ));
                None
            }
        }
    };
    let (key_extra, values, text) = match dataset {
        Dataset::Revenue => {
            let values = vec![
                amount(row, "plan_income", true, out),
                amount(row, "plan_expenditure", true, out),
                amount(row, "actual_income", false, out),
                amount(row, "actual_expenditure", false, out),
                amount(row, "forecast_outturn", false, out),
            ];
            match (values[2].is_some(), values[3].is_some()) {
                (true, false) => out.push((
                    "actual_expenditure",
                    "give the actual expenditure with the actual income".into(),
                )),
                (false, true) => out.push((
                    "actual_income",
                    "give the actual income with the actual expenditure".into(),
                )),
                _ => {}
            }
            let reason = row.get("variance_reason");
            if reason.chars().count() > 1000 {
                out.push((
                    "variance_reason",
                    "keep the reason to 1,000 characters".into(),
                ));
            }
            (None, values, reason.to_string())
        }
        Dataset::Pooled => {
            let name = row.get("budget");
            let budget = match &month {
                _ if name.is_empty() => {
                    out.push(("budget", "the pooled budget's name is missing".into()));
                    None
                }
                Some((_, year)) => match ctx.budgets.get(&(year.clone(), name.to_lowercase())) {
                    Some(id) => Some(id.clone()),
                    None => {
                        out.push((
                            "budget",
                            format!("{year} has no pooled budget called '{name}'"),
                        ));
                        None
                    }
                },
                None => None,
            };
            let values = vec![
                amount(row, "contribution", true, out),
                amount(row, "spend", false, out),
            ];
            (budget, values, String::new())
        }
        Dataset::Efficiency => {
            let scheme = row.get("scheme");
            if scheme.is_empty() {
                out.push(("scheme", "the scheme's name is missing".into()));
            } else if scheme.chars().count() > 200 {
                out.push(("scheme", "keep the scheme's name to 200 characters".into()));
            }
            let values = vec![
                amount(row, "planned", true, out),
                amount(row, "delivered", false, out),
            ];
            (Some(scheme.to_string()), values, String::new())
        }
    };
    let (organisation, (month, year)) = (organisation?, month?);
    let key = match dataset {
        Dataset::Revenue => vec![organisation, month],
        Dataset::Pooled => vec![key_extra?, organisation, month],
        Dataset::Efficiency => vec![organisation, key_extra?, month],
    };
    let (_, _, value_columns) = layout(dataset);
    let mut present: Vec<bool> = value_columns
        .iter()
        .map(|c| row.fields.contains_key(*c))
        .collect();
    present.push(row.fields.contains_key("variance_reason"));
    Some(Checked {
        key,
        year,
        values,
        text,
        present,
    })
}

/// The table, its key columns and its value columns, in the order [`Checked`] holds them.
fn layout(
    dataset: Dataset,
) -> (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
) {
    match dataset {
        Dataset::Revenue => (
            "finance_revenue",
            &["organisation_id", "month"],
            &[
                "plan_income",
                "plan_expenditure",
                "actual_income",
                "actual_expenditure",
                "forecast_outturn",
            ],
        ),
        Dataset::Pooled => (
            "pooled_budget_lines",
            &["budget_id", "organisation_id", "month"],
            &["contribution", "spend"],
        ),
        Dataset::Efficiency => (
            "efficiency_lines",
            &["organisation_id", "scheme", "month"],
            &["planned", "delivered"],
        ),
    }
}

async fn apply(
    store: &Store,
    dataset: Dataset,
    checked: &[Checked],
    mut entry: AuditEntry,
    rows: usize,
) -> Result<FinanceLoadSummary, StoreError> {
    let (table, keys, values) = layout(dataset);
    let has_year = dataset != Dataset::Pooled;
    let has_text = dataset == Dataset::Revenue;
    let placeholders = |from: usize, n: usize| {
        (from..from + n)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
    };
    let key_match = keys
        .iter()
        .zip(placeholders(1, keys.len()))
        .map(|(k, p)| format!("{k} = {p}"))
        .collect::<Vec<_>>()
        .join(" AND ");
    let mut select = values.to_vec();
    if has_text {
        select.push("variance_reason");
    }
    let select_sql = format!(
        "SELECT {} FROM {table} WHERE {key_match}",
        select.join(", ")
    );
    let set_list = values
        .iter()
        .zip(placeholders(keys.len() + 1, values.len()))
        .map(|(c, p)| format!("{c} = {p}"))
        .collect::<Vec<_>>();
    let mut next = keys.len() + values.len() + 1;
    let mut set_list = set_list;
    if has_text {
        set_list.push(format!("variance_reason = ${next}"));
        next += 1;
    }
    set_list.push(format!("loaded_at = ${next}"));
    let update_sql = format!(
        "UPDATE {table} SET {} WHERE {key_match}",
        set_list.join(", ")
    );
    let mut columns: Vec<&str> = keys.iter().chain(values).copied().collect();
    if has_text {
        columns.push("variance_reason");
    }
    columns.push("loaded_at");
    if has_year {
        columns.push("year");
    }
    let insert_sql = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        columns.join(", "),
        placeholders(1, columns.len()).join(", ")
    );

    let mut summary = FinanceLoadSummary {
        rows,
        ..FinanceLoadSummary::default()
    };
    let mut tx = store.begin_write().await?;
    let now = crate::now_utc();
    for row in checked {
        let mut query = sqlx::query(&select_sql);
        for k in &row.key {
            query = query.bind(k);
        }
        let held = query.fetch_optional(tx.conn()).await?;
        let mut row = row.clone();
        let same = match &held {
            None => None,
            Some(h) => {
                let mut same = true;
                for (i, column) in values.iter().enumerate() {
                    let stored = h.opt_int(column)?;
                    if !row.present[i] {
                        row.values[i] = stored;
                    }
                    same &= stored == row.values[i];
                }
                if has_text {
                    let stored = h.text("variance_reason")?;
                    if !row.present[values.len()] {
                        row.text = stored.clone();
                    }
                    same &= stored == row.text;
                }
                Some(same)
            }
        };
        let sql = match same {
            Some(true) => {
                summary.unchanged += 1;
                continue;
            }
            Some(false) => {
                summary.changed += 1;
                &update_sql
            }
            None => {
                summary.added += 1;
                &insert_sql
            }
        };
        let mut query = sqlx::query(sql);
        for k in &row.key {
            query = query.bind(k);
        }
        for v in &row.values {
            query = query.bind(*v);
        }
        if has_text {
            query = query.bind(&row.text);
        }
        query = query.bind(&now);
        if has_year && same.is_none() {
            query = query.bind(&row.year);
        }
        query.execute(tx.conn()).await?;
    }
    entry.detail = format!(
        "{}: {} rows, {} added, {} changed, {} unchanged",
        entry.detail, summary.rows, summary.added, summary.changed, summary.unchanged
    );
    tx.commit(entry).await?;
    Ok(summary)
}
