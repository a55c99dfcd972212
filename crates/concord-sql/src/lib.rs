//! SQL for analysts over the population store, with Apache DataFusion.
//!
//! Every committed batch's Parquet files are registered as they lie on disk (nothing is copied):
//!
//! - `patients`: one row per patient record a source sent, with the `batch` it came in;
//! - `events`: one row per clinical event, with its `batch`;
//! - `people`: one row per person (pseudonym), each field from the newest batch that has it, as
//!   the cohort engine reads them.
//!
//! Only committed batches are read (never staging), so a query sees whole batches. The same files
//! are readable by DuckDB, Polars and BI tools; see `docs/population.md`.
//!
//! For systems that outgrow one machine, the same plans run distributed on DataFusion's Ballista
//! scheduler and executors over the same Parquet files in object storage (see the guide).

#![warn(missing_docs)]

use concord_population::store::StoreLayout;
use datafusion::arrow::array::RecordBatch;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::prelude::SessionContext;
use std::path::Path;
use std::sync::Arc;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    /// The store could not be listed.
    #[error("{0}")]
    Store(String),
    /// DataFusion refused or failed the query.
    #[error("{0}")]
    Query(#[from] datafusion::error::DataFusionError),
}

/// A SQL session over a store.
pub struct SqlSession {
    context: SessionContext,
}

/// The committed batches of a store, oldest first (by directory name, which starts with the time).
fn batches(root: &Path) -> Result<Vec<String>, SqlError> {
    let layout = StoreLayout::new(root);
    let dir = layout.batches();
    let mut names = Vec::new();
    let entries =
        std::fs::read_dir(&dir).map_err(|e| SqlError::Store(format!("{}: {e}", dir.display())))?;
    for entry in entries {
        let entry = entry.map_err(|e| SqlError::Store(e.to_string()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if layout.manifest(&name).exists() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// A quoted SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl SqlSession {
    /// Registers the store at `root`.
    pub async fn open(root: &Path) -> Result<SqlSession, SqlError> {
        let context = SessionContext::new();
        let root = std::fs::canonicalize(root)
            .map_err(|e| SqlError::Store(format!("{}: {e}", root.display())))?;
        let names = batches(&root)?;
        let layout = StoreLayout::new(&root);
        for table in ["patients", "events"] {
            let mut parts = Vec::new();
            for (i, batch) in names.iter().enumerate() {
                let dir = layout.table_dir(batch, table);
                if !dir.exists() {
                    continue;
                }
                let url = ListingTableUrl::parse(format!("{}/", dir.display()))?;
                let options = ListingOptions::new(Arc::new(ParquetFormat::default()))
                    .with_file_extension(".parquet");
                let config = ListingTableConfig::new(url)
                    .with_listing_options(options)
                    .infer_schema(&context.state())
                    .await?;
                let name = format!("{table}_{i}");
                context.register_table(&name, Arc::new(ListingTable::try_new(config)?))?;
                parts.push(format!(
                    "SELECT '{batch}' AS batch, * FROM {}",
                    ident(&name)
                ));
            }
            let view = if parts.is_empty() {
                format!(
                    "SELECT * FROM (VALUES (NULL)) AS t(batch) WHERE false /* no {table} yet */"
                )
            } else {
                parts.join(" UNION ALL ")
            };
            context
                .sql(&format!("CREATE VIEW {table} AS {view}"))
                .await?;
        }
        if !names.is_empty() {
            context
                .sql(
                    "CREATE VIEW people AS SELECT pseudonym,
                       last_value(nullif(sex, 'unknown') ORDER BY batch) IGNORE NULLS AS sex,
                       last_value(birth_month ORDER BY batch) IGNORE NULLS AS birth_month,
                       last_value(lsoa ORDER BY batch) IGNORE NULLS AS lsoa,
                       last_value(practice ORDER BY batch) IGNORE NULLS AS practice,
                       last_value(deceased_month ORDER BY batch) IGNORE NULLS AS deceased_month
                     FROM patients GROUP BY pseudonym",
                )
                .await?;
        }
        Ok(SqlSession { context })
    }

    /// Runs one statement and returns its rows.
    pub async fn query(&self, sql: &str) -> Result<Vec<RecordBatch>, SqlError> {
        Ok(self.context.sql(sql).await?.collect().await?)
    }

    /// Runs one statement and formats its rows as a text table.
    pub async fn table(&self, sql: &str) -> Result<String, SqlError> {
        let rows = self.query(sql).await?;
        Ok(
            datafusion::arrow::util::pretty::pretty_format_batches(&rows)
                .map_err(datafusion::error::DataFusionError::from)?
                .to_string(),
        )
    }

    /// Runs one statement and formats its rows as CSV with a header.
    pub async fn csv(&self, sql: &str) -> Result<String, SqlError> {
        let rows = self.query(sql).await?;
        let mut out = Vec::new();
        {
            let mut writer = datafusion::arrow::csv::WriterBuilder::new()
                .with_header(true)
                .build(&mut out);
            for batch in &rows {
                writer
                    .write(batch)
                    .map_err(datafusion::error::DataFusionError::from)?;
            }
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}
