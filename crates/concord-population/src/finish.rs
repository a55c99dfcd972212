//! The last step of an ingest: every bucket's staged rows read back, sorted by pseudonym, second
//! copies of an event found, events already held from an earlier batch left out, and the bucket
//! written once in its final form.
//!
//! Buckets are independent, so they are finished on parallel threads; each returns what it found
//! (a [`BucketOutcome`]) and the staging batch applies the outcomes in bucket order, so a batch's
//! counts and `rejections.csv` never depend on which thread finished first.

use crate::parquet_files::{arrow_error, concat, read_columns, sort_rows, strings, write_final};
use crate::report::Progress;
use crate::store::{io_at, Counts, PopulationStore, StoreError};
use crate::table::{unpack_origin, EVENTS, PATIENTS, STAGED_EVENTS};
use arrow_array::{Array, BooleanArray, RecordBatch, UInt64Array};
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// What finishing one bucket found.
#[derive(Debug, Default)]
pub(crate) struct BucketOutcome {
    /// What the bucket keeps.
    pub counts: Counts,
    /// Second copies of an event: (file, line, reason), in sorted order.
    pub duplicates: Vec<(usize, u64, String)>,
    /// The files of events already held from an earlier batch, one entry per event.
    pub already_held: Vec<usize>,
}

/// What finishing the buckets of one staged batch needs to know.
pub(crate) struct BucketJob<'a> {
    /// The store.
    pub store: &'a PopulationStore,
    /// The batch's staging directory.
    pub dir: &'a Path,
    /// The source's earlier batches, whose events are already held.
    pub earlier_batches: &'a [String],
    /// The batch's input files, as given, by index.
    pub file_paths: &'a [String],
}

impl BucketJob<'_> {
    /// Finishes every bucket, on as many threads as there are cores (up to 4), reporting progress
    /// as each is done; the outcomes come back in bucket order.
    pub fn finish_all(
        &self,
        buckets: usize,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Vec<BucketOutcome>, StoreError> {
        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(1, 4);
        let next = AtomicUsize::new(0);
        let (sender, finished) = std::sync::mpsc::channel();
        let mut outcomes: Vec<Option<BucketOutcome>> = (0..buckets).map(|_| None).collect();
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let sender = sender.clone();
                let next = &next;
                scope.spawn(move || loop {
                    let bucket = next.fetch_add(1, Ordering::Relaxed);
                    if bucket >= buckets {
                        return;
                    }
                    let outcome = self.finish(bucket);
                    let failed = outcome.is_err();
                    if sender.send((bucket, outcome)).is_err() || failed {
                        // Stop the others at their next bucket.
                        next.store(buckets, Ordering::Relaxed);
                        return;
                    }
                });
            }
            drop(sender);
            for (done, (bucket, outcome)) in finished.into_iter().enumerate() {
                outcomes[bucket] = Some(outcome?);
                progress(Progress::Writing {
                    done: done as u64 + 1,
                    total: buckets as u64,
                });
            }
            Ok(())
        })?;
        Ok(outcomes.into_iter().flatten().collect())
    }

    /// Finishes one bucket: its patients and its events.
    fn finish(&self, bucket: usize) -> Result<BucketOutcome, StoreError> {
        let mut outcome = BucketOutcome::default();
        outcome.counts.patients = self.write_patients(bucket)?;
        self.write_events(bucket, &mut outcome)?;
        Ok(outcome)
    }

    fn stage_path(&self, table: &str, bucket: usize) -> PathBuf {
        self.dir
            .join("stage")
            .join(format!("{table}-{bucket:02}.parquet"))
    }

    fn final_path(&self, table: &str, bucket: usize) -> Result<PathBuf, StoreError> {
        let dir = self.dir.join(table).join(format!("bucket={bucket:02}"));
        fs::create_dir_all(&dir).map_err(io_at(&dir))?;
        Ok(dir.join("part-0.parquet"))
    }

    fn write_patients(&self, bucket: usize) -> Result<u64, StoreError> {
        let staged = self.stage_path("patients", bucket);
        if !staged.exists() {
            return Ok(0);
        }
        let rows = concat(&PATIENTS, read_columns(&staged, &[])?, &staged)?;
        let sorted = sort_rows(&rows, &[0, 1], &staged)?;
        let path = self.final_path("patients", bucket)?;
        write_final(&path, PATIENTS.clone(), &sorted)?;
        Ok(sorted.num_rows() as u64)
    }

    fn write_events(&self, bucket: usize, outcome: &mut BucketOutcome) -> Result<(), StoreError> {
        let staged = self.stage_path("events", bucket);
        if !staged.exists() {
            return Ok(());
        }
        let rows = concat(&STAGED_EVENTS, read_columns(&staged, &[])?, &staged)?;
        // By pseudonym, kind and id, then origin: a duplicate follows its first occurrence.
        let sorted = sort_rows(&rows, &[0, 2, 3, 10], &staged)?;
        let held = self.held_events(bucket)?;
        let pseudonyms = strings(&sorted, 0);
        let kinds = strings(&sorted, 2);
        let ids = strings(&sorted, 3);
        let origins = sorted
            .column(10)
            .as_any()
            .downcast_ref::<UInt64Array>()
            .expect("origin column")
            .clone();
        let counts = &mut outcome.counts;
        let mut keep = Vec::with_capacity(sorted.num_rows());
        let mut first_of_run = 0;
        for row in 0..sorted.num_rows() {
            let same_as_previous = row > 0
                && pseudonyms.value(row) == pseudonyms.value(row - 1)
                && kinds.value(row) == kinds.value(row - 1)
                && ids.value(row) == ids.value(row - 1);
            if !same_as_previous {
                first_of_run = row;
            }
            let (file, line) = unpack_origin(origins.value(row));
            if same_as_previous {
                let (first_file, first_line) = unpack_origin(origins.value(first_of_run));
                let reason = format!(
                    "a second {} with this id for the same patient (the first is line {first_line} of {})",
                    kind_title(kinds.value(row)),
                    self.file_paths[first_file]
                );
                outcome.duplicates.push((file, line, reason));
                keep.push(false);
            } else if held.contains(&(kinds.value(row).to_string(), ids.value(row).to_string())) {
                outcome.already_held.push(file);
                keep.push(false);
            } else {
                match kinds.value(row) {
                    "encounter" => counts.encounters += 1,
                    "condition" => counts.conditions += 1,
                    "observation" => counts.observations += 1,
                    "procedure" => counts.procedures += 1,
                    _ => counts.medications += 1,
                }
                keep.push(true);
            }
        }
        let kept = arrow_select::filter::filter_record_batch(&sorted, &BooleanArray::from(keep))
            .map_err(|e| arrow_error(&staged, e))?;
        if kept.num_rows() == 0 {
            return Ok(());
        }
        let columns: Vec<usize> = (0..EVENTS.fields().len()).collect();
        let kept = kept
            .project(&columns)
            .map_err(|e| arrow_error(&staged, e))?;
        let kept = RecordBatch::try_new(EVENTS.clone(), kept.columns().to_vec())
            .map_err(|e| arrow_error(&staged, e))?;
        let path = self.final_path("events", bucket)?;
        write_final(&path, EVENTS.clone(), &kept)
    }

    /// (kind, id) of the events this source sent in earlier batches, in one bucket.
    fn held_events(&self, bucket: usize) -> Result<HashSet<(String, String)>, StoreError> {
        let mut held = HashSet::new();
        for batch in self.earlier_batches {
            let path = self.store.table_file(batch, "events", bucket as u16);
            if !path.exists() {
                continue;
            }
            for rows in read_columns(&path, &[2, 3])? {
                let kinds = strings(&rows, 0);
                let ids = strings(&rows, 1);
                for i in 0..rows.num_rows() {
                    held.insert((kinds.value(i).to_string(), ids.value(i).to_string()));
                }
            }
        }
        Ok(held)
    }
}

/// A kind of event as FHIR names its resource.
fn kind_title(kind: &str) -> &'static str {
    match kind {
        "encounter" => "Encounter",
        "condition" => "Condition",
        "observation" => "Observation",
        "procedure" => "Procedure",
        _ => "MedicationRequest",
    }
}
