//! System finance in the store: financial years and their rule sets, pooled budgets, and the
//! figures loaded for them (see [`crate::finance_load`]), read back as the engine's inputs
//! ([`concord_measure::finance`]); the application layer computes the positions from them.

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::rows::{all, require_exists, row_by_id, RowExt, Table};
use chrono::NaiveDate;
use concord_domain::finance::{
    BreakevenRule, FinancialYear, FinancialYearDraft, Money, PooledBudgetDraft, PooledBudgetKind,
};
use concord_domain::OrgType;
use concord_measure::finance::{Actual, EfficiencyLine, PoolLine, RevenueMonth};
use serde::Serialize;
use sqlx::any::AnyRow;
use std::collections::{BTreeMap, HashMap};

/// A financial year and the rule set it is judged by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Year {
    /// Its name, `2026/27`.
    pub label: String,
    /// Its first day, `2026-04-01`.
    pub starts_on: String,
    /// How the system's financial duty is judged.
    pub breakeven_rule: BreakevenRule,
    /// Anything else about the year's regime.
    pub notes: String,
}

impl Year {
    /// The year itself.
    pub fn year(&self) -> FinancialYear {
        FinancialYear::parse(&self.label).expect("stored years are valid")
    }
}

fn year_from_row(row: &AnyRow) -> Result<Year, StoreError> {
    Ok(Year {
        label: row.text("label")?,
        starts_on: row.text("starts_on")?,
        breakeven_rule: row.code("breakeven_rule")?,
        notes: row.text("notes")?,
    })
}

/// Every financial year, newest first.
pub async fn years(store: &Store) -> Result<Vec<Year>, StoreError> {
    all(store, "SELECT label, starts_on, breakeven_rule, notes FROM financial_years ORDER BY starts_on DESC", year_from_row).await
}

/// One financial year, by label (`2026/27`, or `2026-27` as in a URL).
pub async fn year(store: &Store, label: &str) -> Result<Year, StoreError> {
    let label = FinancialYear::parse(label)
        .map(FinancialYear::label)
        .unwrap_or_else(|| label.to_string());
    let row = row_by_id(
        store,
        "SELECT label, starts_on, breakeven_rule, notes FROM financial_years WHERE label = $1",
        "financial year",
        &label,
    )
    .await?;
    year_from_row(&row)
}

/// Sets up a financial year, or changes the rule set and notes of one already set up.
pub async fn save_year(
    store: &Store,
    actor: &Actor,
    draft: &FinancialYearDraft,
) -> Result<String, StoreError> {
    let entry = AuditEntry::success(
        actor,
        "finance.year.save",
        "financial year",
        Some(draft.label.trim()),
        format!("{} {}", draft.label.trim(), draft.breakeven_rule.trim()),
    );
    store
        .audited(entry, async |entry| {
            let (year, rule) = draft.validate()?;
            let label = year.label();
            let mut tx = store.begin_write().await?;
            let now = crate::now_utc();
            let exists: Option<String> =
                sqlx::query_scalar("SELECT label FROM financial_years WHERE label = $1")
                    .bind(&label)
                    .fetch_optional(tx.conn())
                    .await?;
            if exists.is_some() {
                sqlx::query(
                    "UPDATE financial_years SET breakeven_rule = $2, notes = $3, updated_at = $4 WHERE label = $1",
                )
                .bind(&label)
                .bind(rule.as_str())
                .bind(draft.notes.trim())
                .bind(&now)
                .execute(tx.conn())
                .await?;
            } else {
                sqlx::query(
                    "INSERT INTO financial_years (label, starts_on, breakeven_rule, notes, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $5)",
                )
                .bind(&label)
                .bind(year.month(0).to_string())
                .bind(rule.as_str())
                .bind(draft.notes.trim())
                .bind(&now)
                .execute(tx.conn())
                .await?;
            }
            tx.commit(entry).await?;
            Ok(label)
        })
        .await
}

/// A pooled budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PooledBudget {
    /// Concord's id for it.
    pub id: String,
    /// Its financial year.
    pub year: String,
    /// Its name.
    pub name: String,
    /// Its legal basis.
    pub kind: PooledBudgetKind,
    /// The host organisation.
    pub host_organisation_id: String,
    /// Its name.
    pub host_organisation_name: String,
    /// What it pays for.
    pub description: String,
}

/// The pooled budgets of a year, by name.
pub async fn budgets(store: &Store, year: &str) -> Result<Vec<PooledBudget>, StoreError> {
    let rows = sqlx::query(
        "SELECT b.id, b.year, b.name, b.kind, b.host_organisation_id, o.name AS host_name, b.description
         FROM pooled_budgets b JOIN organisations o ON o.id = b.host_organisation_id
         WHERE b.year = $1 ORDER BY b.name",
    )
    .bind(year)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PooledBudget {
                id: r.text("id")?,
                year: r.text("year")?,
                name: r.text("name")?,
                kind: r.code("kind")?,
                host_organisation_id: r.text("host_organisation_id")?,
                host_organisation_name: r.text("host_name")?,
                description: r.text("description")?,
            })
        })
        .collect()
}

/// Sets up a pooled budget; returns its id.
pub async fn create_budget(
    store: &Store,
    actor: &Actor,
    draft: &PooledBudgetDraft,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "finance.pool.create",
        "pooled budget",
        Some(&id),
        draft.name.trim(),
    );
    store
        .audited(entry, async |entry| {
            let (year, kind) = draft.validate()?;
            let label = year.label();
            let mut tx = store.begin_write().await?;
            let known: Option<String> =
                sqlx::query_scalar("SELECT label FROM financial_years WHERE label = $1")
                    .bind(&label)
                    .fetch_optional(tx.conn())
                    .await?;
            if known.is_none() {
                return Err(StoreError::invalid(
                    "year",
                    format!("The financial year {label} is not set up yet"),
                ));
            }
            require_exists(
                tx.conn(),
                Table::Organisations,
                draft.host_organisation_id.trim(),
                "host_organisation_id",
                "Select an organisation that exists",
            )
            .await?;
            let taken: Option<String> =
                sqlx::query_scalar(
                    "SELECT id FROM pooled_budgets WHERE year = $1 AND LOWER(name) = LOWER($2)",
                )
                    .bind(&label)
                    .bind(draft.name.trim())
                    .fetch_optional(tx.conn())
                    .await?;
            if taken.is_some() {
                return Err(StoreError::invalid(
                    "name",
                    format!("{label} already has a pooled budget with this name"),
                ));
            }
            let now = crate::now_utc();
            sqlx::query(
                "INSERT INTO pooled_budgets (id, year, name, kind, host_organisation_id, description, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(&id)
            .bind(&label)
            .bind(draft.name.trim())
            .bind(kind.as_str())
            .bind(draft.host_organisation_id.trim())
            .bind(draft.description.trim())
            .bind(&now)
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// An organisation as the finance pages name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Party {
    /// Its id.
    pub id: String,
    /// Its ODS code.
    pub code: String,
    /// Its name.
    pub name: String,
}

/// One body's revenue month as stored, with its calendar month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMonth {
    /// The first day of the month.
    pub month: NaiveDate,
    /// The figures.
    pub figures: RevenueMonth,
}

fn money(row: &AnyRow, column: &str) -> Result<Money, StoreError> {
    Ok(Money::from_pence(row.int(column)?))
}

fn opt_money(row: &AnyRow, column: &str) -> Result<Option<Money>, StoreError> {
    let pence = row.opt_int(column)?;
    Ok(pence.map(Money::from_pence))
}

fn month_of(year: FinancialYear, text: &str) -> Result<(NaiveDate, u8), StoreError> {
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        StoreError::Database(sqlx::Error::Decode(
            format!("bad month '{text}' in finance").into(),
        ))
    })?;
    let index = year.month_index(date).ok_or_else(|| {
        StoreError::Database(sqlx::Error::Decode(
            format!("month {text} is outside {year}").into(),
        ))
    })?;
    Ok((date, index))
}

/// Every body's revenue months for a year, by organisation.
pub async fn revenue(
    store: &Store,
    year: FinancialYear,
) -> Result<BTreeMap<String, Vec<StoredMonth>>, StoreError> {
    revenue_of(store, year, None).await
}

/// The revenue months of a year for one organisation (`Some`) or all (`None`), by organisation.
async fn revenue_of(
    store: &Store,
    year: FinancialYear,
    organisation_id: Option<&str>,
) -> Result<BTreeMap<String, Vec<StoredMonth>>, StoreError> {
    let rows = sqlx::query(
        "SELECT organisation_id, month, plan_income, plan_expenditure, actual_income, actual_expenditure,
                forecast_outturn, variance_reason
         FROM finance_revenue WHERE year = $1 AND ($2 = '' OR organisation_id = $2)
         ORDER BY organisation_id, month",
    )
    .bind(year.label())
    .bind(organisation_id.unwrap_or(""))
    .fetch_all(store.pool())
    .await?;
    let mut out: BTreeMap<String, Vec<StoredMonth>> = BTreeMap::new();
    for row in &rows {
        let (month, index) = month_of(year, &row.text("month")?)?;
        let actual = match (
            opt_money(row, "actual_income")?,
            opt_money(row, "actual_expenditure")?,
        ) {
            (Some(income), Some(expenditure)) => Some(Actual {
                income,
                expenditure,
            }),
            _ => None,
        };
        out.entry(row.text("organisation_id")?)
            .or_default()
            .push(StoredMonth {
                month,
                figures: RevenueMonth {
                    month: index,
                    plan_income: money(row, "plan_income")?,
                    plan_expenditure: money(row, "plan_expenditure")?,
                    actual,
                    forecast_outturn: opt_money(row, "forecast_outturn")?,
                    variance_reason: row.text("variance_reason")?,
                },
            });
    }
    Ok(out)
}

/// A pooled budget's monthly lines (each partner's contribution and spend) for a year.
pub async fn pool_lines(
    store: &Store,
    year: FinancialYear,
    budget_id: &str,
) -> Result<Vec<PoolLine>, StoreError> {
    let rows = sqlx::query(
        "SELECT organisation_id, month, contribution, spend FROM pooled_budget_lines WHERE budget_id = $1",
    )
    .bind(budget_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PoolLine {
                organisation_id: r.text("organisation_id")?,
                month: month_of(year, &r.text("month")?)?.1,
                contribution: money(r, "contribution")?,
                spend: opt_money(r, "spend")?,
            })
        })
        .collect()
}

/// Every body's efficiency-plan lines for a year.
pub async fn efficiency_lines(
    store: &Store,
    year: FinancialYear,
) -> Result<Vec<EfficiencyLine>, StoreError> {
    let rows = sqlx::query(
        "SELECT organisation_id, scheme, month, planned, delivered FROM efficiency_lines WHERE year = $1",
    )
    .bind(year.label())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(EfficiencyLine {
                organisation_id: r.text("organisation_id")?,
                scheme: r.text("scheme")?,
                month: month_of(year, &r.text("month")?)?.1,
                planned: money(r, "planned")?,
                delivered: opt_money(r, "delivered")?,
            })
        })
        .collect()
}

/// Every organisation as the finance pages name it, with its type, by id.
pub async fn parties(store: &Store) -> Result<HashMap<String, (Party, OrgType)>, StoreError> {
    let rows = sqlx::query("SELECT id, code, name, org_type FROM organisations")
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let party = Party {
                id: r.text("id")?,
                code: r.text("code")?,
                name: r.text("name")?,
            };
            Ok((party.id.clone(), (party, r.code("org_type")?)))
        })
        .collect()
}

/// One body's months for a year, for its finance page and chart.
pub async fn body_months(
    store: &Store,
    year: FinancialYear,
    organisation_id: &str,
) -> Result<Vec<StoredMonth>, StoreError> {
    let rows = sqlx::query("SELECT id FROM organisations WHERE id = $1")
        .bind(organisation_id)
        .fetch_optional(store.pool())
        .await?;
    if rows.is_none() {
        return Err(StoreError::not_found("organisation", organisation_id));
    }
    let mut one = revenue_of(store, year, Some(organisation_id)).await?;
    Ok(one.remove(organisation_id).unwrap_or_default())
}
