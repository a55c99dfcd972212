//! The one row reader: typed reads that name the column ([`RowExt`]), "the row with this id, or
//! not found" ([`row_by_id`], [`one_by_id`]), every row for a key ([`all_by`], [`all`]), a page with
//! its total ([`page_of`]), and checks of references, shared by every store module.

use crate::db::Store;
use crate::error::StoreError;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::str::FromStr;

/// Typed reads from a row, with decode errors that name the column.
pub(crate) trait RowExt {
    /// A text column.
    fn text(&self, column: &str) -> Result<String, StoreError>;
    /// A nullable text column.
    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError>;
    /// A whole-number column.
    fn int(&self, column: &str) -> Result<i64, StoreError>;
    /// A nullable whole-number column.
    fn opt_int(&self, column: &str) -> Result<Option<i64>, StoreError>;
    /// A decimal column.
    fn num(&self, column: &str) -> Result<f64, StoreError>;
    /// A nullable decimal column.
    fn opt_num(&self, column: &str) -> Result<Option<f64>, StoreError>;
    /// A 0/1 flag column.
    fn flag(&self, column: &str) -> Result<bool, StoreError> {
        Ok(self.int(column)? != 0)
    }
    /// A vocabulary code column.
    fn code<T: FromStr>(&self, column: &str) -> Result<T, StoreError> {
        let value = self.text(column)?;
        value.parse().map_err(|_| bad_code(column, &value))
    }
    /// A nullable vocabulary code column.
    fn opt_code<T: FromStr>(&self, column: &str) -> Result<Option<T>, StoreError> {
        match self.opt_text(column)? {
            Some(value) => value
                .parse()
                .map(Some)
                .map_err(|_| bad_code(column, &value)),
            None => Ok(None),
        }
    }
}

fn bad_code(column: &str, value: &str) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(
        format!("unknown code '{value}' in column {column}").into(),
    ))
}

impl RowExt for AnyRow {
    fn text(&self, column: &str) -> Result<String, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn int(&self, column: &str) -> Result<i64, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn opt_int(&self, column: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn num(&self, column: &str) -> Result<f64, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn opt_num(&self, column: &str) -> Result<Option<f64>, StoreError> {
        Ok(self.try_get(column)?)
    }
}

/// The row `sql` finds with `$1` bound to `id`, or [`StoreError::NotFound`] naming `kind`. An
/// id with a NUL character in it names nothing (PostgreSQL would refuse it as text).
pub(crate) async fn row_by_id(
    store: &Store,
    sql: &str,
    kind: &'static str,
    id: &str,
) -> Result<AnyRow, StoreError> {
    if id.contains('\0') {
        return Err(StoreError::not_found(kind, id));
    }
    sqlx::query(sql)
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or_else(|| StoreError::not_found(kind, id))
}

/// The record `sql` finds with `$1` bound to `id`, read by `read`, or [`StoreError::NotFound`]
/// naming `kind`.
pub(crate) async fn one_by_id<T>(
    store: &Store,
    sql: &str,
    kind: &'static str,
    id: &str,
    read: impl FnOnce(&AnyRow) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    read(&row_by_id(store, sql, kind, id).await?)
}

/// Every record `sql` finds with `$1` bound to `key`, each read by `read`.
pub(crate) async fn all_by<T>(
    store: &Store,
    sql: &str,
    key: &str,
    read: impl Fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let rows = sqlx::query(sql).bind(key).fetch_all(store.pool()).await?;
    rows.iter().map(read).collect()
}

/// Every record `sql` finds, each read by `read`.
pub(crate) async fn all<T>(
    store: &Store,
    sql: &str,
    read: impl Fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let rows = sqlx::query(sql).fetch_all(store.pool()).await?;
    rows.iter().map(read).collect()
}

/// One page of the records `SELECT {columns} {from_where} ORDER BY {order}` finds, with the
/// total across all pages: `params` bind `$1..$n` in `from_where`, and the page's limit and offset
/// follow them. One query gives the rows and, through a window count, the total; a page past the
/// end counts separately.
pub(crate) async fn page_of<T>(
    store: &Store,
    columns: &str,
    from_where: &str,
    order: &str,
    params: &[&str],
    page: crate::PageRequest,
    read: impl Fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<crate::Page<T>, StoreError> {
    let n = params.len();
    let sql = format!(
        "SELECT {columns}, COUNT(*) OVER () AS total_count {from_where} ORDER BY {order} LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut query = sqlx::query(&sql);
    for param in params {
        query = query.bind(*param);
    }
    let rows = query
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(store.pool())
        .await?;
    let total = match rows.first() {
        Some(row) => row.int("total_count")?,
        None if page.page == 1 => 0,
        None => {
            let count_sql = format!("SELECT COUNT(*) {from_where}");
            let mut count = sqlx::query_scalar(&count_sql);
            for param in params {
                count = count.bind(*param);
            }
            count.fetch_one(store.pool()).await?
        }
    };
    Ok(crate::Page {
        items: rows.iter().map(read).collect::<Result<_, _>>()?,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// The `VALUES` list of a multi-row insert: `rows` rows, one parameter for each of `columns`,
/// numbered from `$1` (`($1, $2), ($3, $4)` for two rows of two), for inserting a chunk of rows
/// at once. A column is `"{}"` for the parameter as it is, or a template such as
/// `"CAST({} AS DOUBLE PRECISION)"` (see [`optional_decimal`]).
pub(crate) fn values_clause(rows: usize, columns: &[&str]) -> String {
    let n = columns.len();
    (0..rows)
        .map(|r| {
            let params: Vec<String> = columns
                .iter()
                .enumerate()
                .map(|(c, template)| template.replace("{}", &format!("${}", r * n + c + 1)))
                .collect();
            format!("({})", params.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An optional decimal as parameter text, for SQL that reads it as `CAST($n AS DOUBLE PRECISION)`.
///
/// sqlx's `Any` driver sends a `None::<f64>` to PostgreSQL typed as `real` (float4) while a `Some`
/// goes as `double precision`, so one statement bound both ways fails ("incorrect binary data
/// format"). Text is the same type either way, and Rust writes the shortest form that reads back
/// as the same `f64`.
pub(crate) fn optional_decimal(value: Option<f64>) -> Option<String> {
    value.map(|v| v.to_string())
}

/// The tables whose ids a submission may reference.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Table {
    Organisations,
    People,
    Boards,
    Places,
    Objectives,
    Programmes,
    Proposals,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Organisations => "organisations",
            Table::People => "people",
            Table::Boards => "boards",
            Table::Places => "places",
            Table::Objectives => "objectives",
            Table::Programmes => "programmes",
            Table::Proposals => "proposals",
        }
    }
}

/// Fails with a field error on `field` unless `id` names a row of `table`.
pub(crate) async fn require_exists(
    conn: &mut AnyConnection,
    table: Table,
    id: &str,
    field: &str,
    message: &str,
) -> Result<(), StoreError> {
    let sql = format!("SELECT id FROM {} WHERE id = $1", table.name());
    let found: Option<String> = sqlx::query_scalar(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::invalid(field, message)),
    }
}

/// Maps blank to `None` for optional id and date columns.
pub(crate) fn blank(value: &str) -> Option<&str> {
    Some(value.trim()).filter(|v| !v.is_empty())
}
