//! A batch being written: rows gathered per bucket and flushed to staging files as they fill, then,
//! at commit, each bucket sorted by pseudonym, checked for duplicates and for events already held,
//! and written as the batch's Parquet files before the one rename that commits it.

use crate::fhir::{Event, EventKind, Resource, ResourceError, Subject};
use crate::finish::BucketJob;
use crate::parquet_files::{read_columns, strings};
use crate::pseudonym::PseudonymKey;
use crate::pseudonymise::{pseudonymise, LsoaLookup};
use crate::report::{Progress, Rejection, FIRST_REJECTIONS};
use crate::store::{
    io_at, parquet_at, sync_dir, write_durably, Counts, FileRecord, Manifest, PopulationStore,
    StoreError, MANIFEST_FILE, REJECTIONS_FILE,
};
use crate::table::{
    origin, parquet_writer, unpack_origin, EventRows, PatientRows, PATIENTS, STAGED_EVENTS,
};
use parquet::arrow::ArrowWriter;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Rows of events a bucket gathers before flushing them to staging.
const EVENT_BUFFER: usize = 4096;
/// Rows of patients a bucket gathers before flushing them to staging.
const PATIENT_BUFFER: usize = 1024;

struct BucketStage {
    patients: PatientRows,
    events: EventRows,
    patient_writer: Option<ArrowWriter<File>>,
    event_writer: Option<ArrowWriter<File>>,
}

/// A batch in staging.
pub(crate) struct Staging<'s> {
    store: &'s PopulationStore,
    key: &'s PseudonymKey,
    lookup: &'s LsoaLookup,
    source: String,
    batch: String,
    dir: PathBuf,
    started_at: String,
    files: Vec<FileRecord>,
    buckets: Vec<BucketStage>,
    /// Patient id in this batch -> (index into `pseudonyms`, origin of its line).
    ids: HashMap<String, (u32, u64)>,
    pseudonyms: Vec<String>,
    earlier_batches: Vec<String>,
    /// Record key -> pseudonym, of patients in earlier batches from this source (read on first need).
    earlier_keys: Option<HashMap<String, String>>,
    pending: Option<BufWriter<File>>,
    /// The latest event date taken (YYYY-MM-DD), and the date the loader says the data runs to.
    latest_event: Option<String>,
    stated_data_to: Option<String>,
    /// The LSOA reference to keep with the batch: its text, checked.
    lsoa_reference: Option<Vec<u8>>,
    /// The practices' networks and places to keep with the batch, as CSV.
    practice_reference: Option<Vec<u8>>,
    rejections: csv::Writer<BufWriter<File>>,
    first_rejections: Vec<Rejection>,
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

impl<'s> Staging<'s> {
    /// Starts a batch for `source` in the store's staging directory.
    pub fn begin(
        store: &'s PopulationStore,
        key: &'s PseudonymKey,
        lookup: &'s LsoaLookup,
        source: &str,
        batch_hash: &str,
        files: Vec<FileRecord>,
        earlier_batches: Vec<String>,
    ) -> Result<Staging<'s>, StoreError> {
        let started = now();
        let batch = format!(
            "{}-{source}-{batch_hash}",
            started.format("%Y%m%dT%H%M%S%3fZ")
        );
        let dir = store.staging_dir().join(&batch);
        fs::create_dir_all(dir.join("stage")).map_err(io_at(&dir))?;
        let rejections_path = dir.join(REJECTIONS_FILE);
        let file = File::create(&rejections_path).map_err(io_at(&rejections_path))?;
        let mut rejections = csv::Writer::from_writer(BufWriter::new(file));
        rejections
            .write_record(["file", "line", "field", "reason"])
            .map_err(|e| csv_error(&rejections_path, e))?;
        let buckets = (0..store.buckets())
            .map(|_| BucketStage {
                patients: PatientRows::default(),
                events: EventRows::default(),
                patient_writer: None,
                event_writer: None,
            })
            .collect();
        Ok(Staging {
            store,
            key,
            lookup,
            source: source.to_string(),
            batch,
            dir,
            started_at: started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            files,
            buckets,
            ids: HashMap::new(),
            pseudonyms: Vec::new(),
            earlier_batches,
            earlier_keys: None,
            pending: None,
            latest_event: None,
            stated_data_to: None,
            lsoa_reference: None,
            practice_reference: None,
            rejections,
            first_rejections: Vec::new(),
        })
    }

    /// The date the loader says the batch's data runs to (YYYY-MM-DD), instead of its latest event.
    pub fn state_data_to(&mut self, date: &str) {
        self.stated_data_to = Some(date.to_string());
    }

    /// Keeps the practices' networks and places (CSV) with the batch.
    pub fn keep_practice_reference(&mut self, reference: Vec<u8>) {
        self.practice_reference = Some(reference);
    }

    /// Keeps `reference` (an LSOA reference already checked) with the batch.
    pub fn keep_lsoa_reference(&mut self, reference: Vec<u8>) {
        self.lsoa_reference = Some(reference);
    }

    fn note_event_date(&mut self, date: Option<&str>) {
        if let Some(date) = date {
            if self.latest_event.as_deref() < Some(date) {
                self.latest_event = Some(date.to_string());
            }
        }
    }

    /// Records how many lines a file had.
    pub fn finish_file(&mut self, index: usize, lines: u64) {
        self.files[index].lines = lines;
    }

    fn reject(
        &mut self,
        file: usize,
        line: u64,
        field: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        let path = self.files[file].path.clone();
        self.rejections
            .write_record(
                [path.as_str(), &line.to_string(), field, reason]
                    .map(concord_domain::export::csv_cell),
            )
            .map_err(|e| csv_error(&self.dir.join(REJECTIONS_FILE), e))?;
        self.files[file].rejected += 1;
        if self.first_rejections.len() < FIRST_REJECTIONS {
            self.first_rejections.push(Rejection {
                file: path,
                line,
                field: field.to_string(),
                reason: reason.to_string(),
            });
        }
        Ok(())
    }

    /// Takes one line's resource (or why it was refused).
    pub fn take(
        &mut self,
        file: usize,
        line: u64,
        row: Result<Resource, ResourceError>,
    ) -> Result<(), StoreError> {
        match row {
            Err(e) => self.reject(file, line, &e.field, &e.message),
            Ok(Resource::Patient(patient)) => {
                if let Some(&(_, first)) = self.ids.get(&patient.id) {
                    let (first_file, first_line) = unpack_origin(first);
                    let reason = format!(
                        "a second Patient with this id (the first is line {first_line} of {})",
                        self.files[first_file].path
                    );
                    return self.reject(file, line, "id", &reason);
                }
                let kept = pseudonymise(&patient, self.key, self.lookup);
                let record_key = self.key.record_key(&self.source, &patient.id);
                let bucket = usize::from(self.store.bucket_of(&kept.pseudonym));
                self.buckets[bucket]
                    .patients
                    .push(&kept, &record_key, &self.source);
                if self.buckets[bucket].patients.len() >= PATIENT_BUFFER {
                    self.flush_patients(bucket)?;
                }
                let index = u32::try_from(self.pseudonyms.len()).expect("under 4 billion patients");
                self.ids.insert(patient.id, (index, origin(file, line)));
                self.pseudonyms.push(kept.pseudonym);
                self.files[file].accepted += 1;
                Ok(())
            }
            Ok(Resource::Event(mut event)) => {
                // Identity stops at the door for every column: the event's own id is keyed too.
                event.id = self.key.event_key(
                    &self.source,
                    crate::table::kind_name(event.kind),
                    &event.id,
                );
                let at = origin(file, line);
                match &event.subject {
                    Subject::NhsNumber(number) => {
                        let pseudonym = self.key.pseudonym(number);
                        self.push_event(&event, &pseudonym, at)
                    }
                    Subject::Reference(id) => {
                        if let Some(&(index, _)) = self.ids.get(id) {
                            let bucket =
                                usize::from(self.store.bucket_of(&self.pseudonyms[index as usize]));
                            self.note_event_date(event.date.as_deref());
                            let stage = &mut self.buckets[bucket];
                            stage.events.push(
                                &event,
                                &self.pseudonyms[index as usize],
                                &self.source,
                                at,
                            );
                            self.files[file].accepted += 1;
                            if stage.events.len() >= EVENT_BUFFER {
                                self.flush_events(bucket)?;
                            }
                            return Ok(());
                        }
                        if let Some(pseudonym) = self.earlier_pseudonym(id)? {
                            return self.push_event(&event, &pseudonym, at);
                        }
                        let id = id.clone();
                        self.hold(PendingEvent::hold(event, id, file, line))
                    }
                }
            }
        }
    }

    fn push_event(&mut self, event: &Event, pseudonym: &str, at: u64) -> Result<(), StoreError> {
        self.note_event_date(event.date.as_deref());
        let bucket = usize::from(self.store.bucket_of(pseudonym));
        self.buckets[bucket]
            .events
            .push(event, pseudonym, &self.source, at);
        self.files[unpack_origin(at).0].accepted += 1;
        if self.buckets[bucket].events.len() >= EVENT_BUFFER {
            self.flush_events(bucket)?;
        }
        Ok(())
    }

    fn hold(&mut self, pending: PendingEvent) -> Result<(), StoreError> {
        let path = self.dir.join("stage").join("pending.ndjson");
        if self.pending.is_none() {
            let file = File::create(&path).map_err(io_at(&path))?;
            self.pending = Some(BufWriter::new(file));
        }
        let writer = self.pending.as_mut().expect("just opened");
        serde_json::to_writer(&mut *writer, &pending).map_err(|e| io_at(&path)(e.into()))?;
        writer.write_all(b"\n").map_err(io_at(&path))
    }

    /// The pseudonym of a patient sent in an earlier batch from this source, by their id there.
    fn earlier_pseudonym(&mut self, id: &str) -> Result<Option<String>, StoreError> {
        if self.earlier_batches.is_empty() {
            return Ok(None);
        }
        if self.earlier_keys.is_none() {
            let mut keys = HashMap::new();
            for batch in &self.earlier_batches {
                for bucket in 0..self.store.buckets() {
                    let path = self.store.table_file(batch, "patients", bucket);
                    if !path.exists() {
                        continue;
                    }
                    for rows in read_columns(&path, &[0, 1])? {
                        let pseudonyms = strings(&rows, 0);
                        let record_keys = strings(&rows, 1);
                        for i in 0..rows.num_rows() {
                            keys.insert(
                                record_keys.value(i).to_string(),
                                pseudonyms.value(i).to_string(),
                            );
                        }
                    }
                }
            }
            self.earlier_keys = Some(keys);
        }
        let key = self.key.record_key(&self.source, id);
        Ok(self
            .earlier_keys
            .as_ref()
            .and_then(|k| k.get(&key).cloned()))
    }

    fn stage_path(&self, table: &str, bucket: usize) -> PathBuf {
        self.dir
            .join("stage")
            .join(format!("{table}-{bucket:02}.parquet"))
    }

    fn flush_patients(&mut self, bucket: usize) -> Result<(), StoreError> {
        let path = self.stage_path("patients", bucket);
        let stage = &mut self.buckets[bucket];
        if stage.patients.is_empty() {
            return Ok(());
        }
        if stage.patient_writer.is_none() {
            stage.patient_writer =
                Some(parquet_writer(&path, PATIENTS.clone(), true).map_err(parquet_at(&path))?);
        }
        let rows = stage.patients.finish();
        let writer = stage.patient_writer.as_mut().expect("just opened");
        writer.write(&rows).map_err(parquet_at(&path))?;
        writer.flush().map_err(parquet_at(&path))
    }

    fn flush_events(&mut self, bucket: usize) -> Result<(), StoreError> {
        let path = self.stage_path("events", bucket);
        let stage = &mut self.buckets[bucket];
        if stage.events.is_empty() {
            return Ok(());
        }
        if stage.event_writer.is_none() {
            stage.event_writer = Some(
                parquet_writer(&path, STAGED_EVENTS.clone(), true).map_err(parquet_at(&path))?,
            );
        }
        let rows = stage.events.finish();
        let writer = stage.event_writer.as_mut().expect("just opened");
        writer.write(&rows).map_err(parquet_at(&path))?;
        writer.flush().map_err(parquet_at(&path))
    }

    /// Links the events held back, then sorts and writes every bucket, writes the manifest and
    /// commits the batch with one rename.
    pub fn commit(
        mut self,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(Manifest, Vec<Rejection>), StoreError> {
        self.release_pending()?;
        let buckets = self.buckets.len();
        for bucket in 0..buckets {
            self.flush_patients(bucket)?;
            self.flush_events(bucket)?;
            let stage = &mut self.buckets[bucket];
            for (writer, table) in [
                (stage.patient_writer.take(), "patients"),
                (stage.event_writer.take(), "events"),
            ] {
                if let Some(writer) = writer {
                    writer.close().map_err(parquet_at(&self.dir.join(table)))?;
                }
            }
        }
        let paths: Vec<String> = self.files.iter().map(|f| f.path.clone()).collect();
        let outcomes = BucketJob {
            store: self.store,
            dir: &self.dir,
            earlier_batches: &self.earlier_batches,
            file_paths: &paths,
        }
        .finish_all(buckets, progress)?;
        let mut counts = Counts::default();
        for outcome in outcomes {
            counts.add(&outcome.counts);
            for file in outcome.already_held {
                self.files[file].accepted -= 1;
                self.files[file].already_held += 1;
            }
            for (file, line, reason) in outcome.duplicates {
                self.files[file].accepted -= 1;
                self.reject(file, line, "id", &reason)?;
            }
        }
        fs::remove_dir_all(self.dir.join("stage")).map_err(io_at(&self.dir))?;
        let rejections_path = self.dir.join(REJECTIONS_FILE);
        let writer = self
            .rejections
            .into_inner()
            .map_err(|e| io_at(&rejections_path)(e.into_error()))?;
        let file = writer
            .into_inner()
            .map_err(|e| io_at(&rejections_path)(e.into_error()))?;
        file.sync_all().map_err(io_at(&rejections_path))?;
        let committed_at = now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let commit_day = committed_at[..10].to_string();
        let data_to = self
            .stated_data_to
            .or(self.latest_event)
            .map(|date| date.min(commit_day));
        let keep = |name: &str, text: &Option<Vec<u8>>| -> Result<Option<String>, StoreError> {
            let Some(text) = text else {
                return Ok(None);
            };
            let path = self.dir.join("reference").join(name);
            fs::create_dir_all(self.dir.join("reference")).map_err(io_at(&path))?;
            write_durably(&path, text)?;
            Ok(Some(hex::encode(Sha256::digest(text))))
        };
        let lsoa_reference = keep("lsoas.csv", &self.lsoa_reference)?;
        let practice_reference = keep("practices.csv", &self.practice_reference)?;
        let manifest = Manifest {
            batch: self.batch.clone(),
            source: self.source.clone(),
            rejected: self.files.iter().map(|f| f.rejected).sum(),
            files: self.files,
            counts,
            started_at: self.started_at,
            committed_at,
            data_to,
            lsoa_reference,
            practice_reference,
            written_by: format!("Concord {}", env!("CARGO_PKG_VERSION")),
        };
        let text = serde_json::to_vec_pretty(&manifest).expect("serialisable");
        write_durably(&self.dir.join(MANIFEST_FILE), &text)?;
        for table in ["patients", "events"] {
            let dir = self.dir.join(table);
            if dir.exists() {
                sync_dir(&dir)?;
            }
        }
        sync_dir(&self.dir)?;
        let committed = self.store.batches_dir().join(&self.batch);
        fs::rename(&self.dir, &committed).map_err(io_at(&committed))?;
        sync_dir(&self.store.batches_dir())?;
        Ok((manifest, self.first_rejections))
    }

    fn release_pending(&mut self) -> Result<(), StoreError> {
        let Some(writer) = self.pending.take() else {
            return Ok(());
        };
        let path = self.dir.join("stage").join("pending.ndjson");
        writer
            .into_inner()
            .map_err(|e| io_at(&path)(e.into_error()))?;
        let reader = BufReader::new(File::open(&path).map_err(io_at(&path))?);
        for line in reader.lines() {
            let line = line.map_err(io_at(&path))?;
            let pending: PendingEvent =
                serde_json::from_str(&line).map_err(|e| io_at(&path)(e.into()))?;
            let (at, event) = pending.release();
            let Subject::Reference(id) = &event.subject else {
                continue;
            };
            let known = match self.ids.get(id) {
                Some(&(index, _)) => Some(self.pseudonyms[index as usize].clone()),
                None => self.earlier_pseudonym(id)?,
            };
            match known {
                Some(pseudonym) => self.push_event(&event, &pseudonym, at)?,
                None => {
                    let (file, line) = unpack_origin(at);
                    let reason = format!(
                        "no Patient with this id in this batch or an earlier one from {}",
                        self.source
                    );
                    self.reject(file, line, "subject.reference", &reason)?;
                }
            }
        }
        Ok(())
    }
}

fn csv_error(path: &Path, error: csv::Error) -> StoreError {
    io_at(path)(std::io::Error::other(error.to_string()))
}

/// An event held back until its patient has been read (written to staging as one JSON line).
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct PendingEvent {
    pub origin: u64,
    pub kind: u8,
    pub id: String,
    pub patient: String,
    pub codes: Vec<(String, String)>,
    pub date: Option<String>,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub class: Option<String>,
}

const KINDS: [EventKind; 5] = [
    EventKind::Encounter,
    EventKind::Condition,
    EventKind::Observation,
    EventKind::Procedure,
    EventKind::Medication,
];

impl PendingEvent {
    /// Holds back an event whose patient is named by reference.
    pub fn hold(event: Event, patient: String, file: usize, line: u64) -> PendingEvent {
        PendingEvent {
            origin: origin(file, line),
            kind: KINDS.iter().position(|k| *k == event.kind).unwrap_or(0) as u8,
            id: event.id,
            patient,
            codes: event.codes,
            date: event.date,
            value: event.value,
            unit: event.unit,
            class: event.class,
        }
    }

    /// The event again.
    pub fn release(self) -> (u64, Event) {
        let patient = self.patient.clone();
        (
            self.origin,
            Event {
                kind: KINDS[usize::from(self.kind).min(4)],
                id: self.id,
                subject: Subject::Reference(patient),
                codes: self.codes,
                date: self.date,
                value: self.value,
                unit: self.unit,
                class: self.class,
            },
        )
    }
}
