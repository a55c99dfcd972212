//! Reading and writing the store's Parquet files: a batch's columns (all, or only the rows a
//! filter keeps), sorting rows and writing a final file. The writer (staging, finishing) and the
//! reader (the picture) both use these; neither imports the other.

use crate::store::{io_at, parquet_at, sync_dir, StoreError};
use crate::table::parquet_writer;
use arrow_array::{BooleanArray, RecordBatch};
use arrow_schema::SchemaRef;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;
use std::collections::HashSet;
use std::fs::File;
use std::path::Path;

pub(crate) fn arrow_error(path: &Path, error: arrow_schema::ArrowError) -> StoreError {
    parquet_at(path)(parquet::errors::ParquetError::ArrowError(error.to_string()))
}

/// A text column of a record batch, plain or dictionary-encoded.
pub(crate) fn strings(rows: &RecordBatch, column: usize) -> crate::table::Text<'_> {
    crate::table::Text::of(rows.column(column))
}

/// Reads a Parquet file's record batches, with only the given leaf columns (all if empty).
pub(crate) fn read_columns(path: &Path, columns: &[usize]) -> Result<Vec<RecordBatch>, StoreError> {
    let file = File::open(path).map_err(io_at(path))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_at(path))?;
    let builder = if columns.is_empty() {
        builder
    } else {
        let mask = ProjectionMask::leaves(builder.parquet_schema(), columns.iter().copied());
        builder.with_projection(mask)
    };
    all_batches(builder, path)
}

/// Every record batch a configured reader gives.
fn all_batches(
    builder: ParquetRecordBatchReaderBuilder<File>,
    path: &Path,
) -> Result<Vec<RecordBatch>, StoreError> {
    builder
        .with_batch_size(64 * 1024)
        .build()
        .map_err(parquet_at(path))?
        .map(|r| r.map_err(|e| arrow_error(path, e)))
        .collect()
}

/// Reads a Parquet file's record batches with only the given leaf columns, keeping only the rows
/// whose text column `filter` (a leaf index) holds one of `values`. The filter column is decoded
/// first; the other columns only for the rows kept.
pub(crate) fn read_columns_where(
    path: &Path,
    columns: &[usize],
    filter: usize,
    values: &std::sync::Arc<HashSet<String>>,
) -> Result<Vec<RecordBatch>, StoreError> {
    use parquet::arrow::arrow_reader::{ArrowPredicateFn, RowFilter};
    let values = values.clone();
    let file = File::open(path).map_err(io_at(path))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_at(path))?;
    let schema = builder.parquet_schema();
    let projection = ProjectionMask::leaves(schema, columns.iter().copied());
    let on = ProjectionMask::leaves(schema, [filter]);
    let keep = ArrowPredicateFn::new(on, move |rows: RecordBatch| {
        let text = crate::table::Text::of(rows.column(0));
        let kept: BooleanArray = match text.dictionary() {
            Some(dictionary) => {
                let wanted: Vec<bool> = dictionary
                    .iter()
                    .map(|v| v.is_some_and(|v| values.contains(v)))
                    .collect();
                (0..rows.num_rows())
                    .map(|i| Some(text.key(i).is_some_and(|k| wanted[k])))
                    .collect()
            }
            None => (0..rows.num_rows())
                .map(|i| Some(text.is_valid(i) && values.contains(text.value(i))))
                .collect(),
        };
        Ok(kept)
    });
    all_batches(
        builder
            .with_projection(projection)
            .with_row_filter(RowFilter::new(vec![Box::new(keep)])),
        path,
    )
}

pub(crate) fn concat(
    schema: &SchemaRef,
    batches: Vec<RecordBatch>,
    path: &Path,
) -> Result<RecordBatch, StoreError> {
    arrow_select::concat::concat_batches(schema, &batches).map_err(|e| arrow_error(path, e))
}

/// The rows sorted by the given columns, ascending: the columns are turned into arrow's
/// byte-comparable row format once, so each comparison is one `memcmp`.
pub(crate) fn sort_rows(
    rows: &RecordBatch,
    by: &[usize],
    path: &Path,
) -> Result<RecordBatch, StoreError> {
    use arrow_row::{RowConverter, SortField};
    let fields = by
        .iter()
        .map(|&c| SortField::new(rows.schema().field(c).data_type().clone()))
        .collect();
    let converter = RowConverter::new(fields).map_err(|e| arrow_error(path, e))?;
    let columns: Vec<_> = by.iter().map(|&c| rows.column(c).clone()).collect();
    let keys = converter
        .convert_columns(&columns)
        .map_err(|e| arrow_error(path, e))?;
    let mut order: Vec<u32> = (0..rows.num_rows() as u32).collect();
    order.sort_by(|&a, &b| keys.row(a as usize).cmp(&keys.row(b as usize)));
    let indices = arrow_array::UInt32Array::from(order);
    arrow_select::take::take_record_batch(rows, &indices).map_err(|e| arrow_error(path, e))
}

pub(crate) fn write_final(
    path: &Path,
    schema: SchemaRef,
    rows: &RecordBatch,
) -> Result<(), StoreError> {
    let mut writer = parquet_writer(path, schema, false).map_err(parquet_at(path))?;
    writer.write(rows).map_err(parquet_at(path))?;
    let file = writer.into_inner().map_err(parquet_at(path))?;
    file.sync_all().map_err(io_at(path))?;
    if let Some(dir) = path.parent() {
        sync_dir(dir)?;
    }
    Ok(())
}
