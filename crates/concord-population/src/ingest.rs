//! Ingest: a partner's files (FHIR R4 bulk-data NDJSON or CSV extracts) into one atomic batch of
//! the analytical store.
//!
//! Files are read a line at a time, so memory does not grow with file size: rows go to per-bucket
//! buffers that are flushed to staging as they fill. Every line is validated; a refused line is
//! written to the batch's `rejections.csv` (file, line, field, reason; never a value) and counted,
//! and the good lines are kept. Patients are pseudonymised at once (see [`crate::pseudonymise`]);
//! an event is linked to its patient's pseudonym through the patient's id in this batch or in an
//! earlier batch from the same source, held back until the end of the batch if its patient comes
//! later. When every file has been read, each bucket is sorted by pseudonym, duplicates are
//! refused, events already held from an earlier batch of the same source are counted and left out,
//! and the batch is committed by one rename (see [`crate::store`]).
//!
//! A file is known by its SHA-256: one already in a batch from the same source is not read again,
//! so ingesting the same file twice changes nothing.

use crate::csv_extract::{CsvExtract, CsvKind};
use crate::fhir::{parse_resource, Resource, ResourceError};
use crate::ndjson::{Line, Lines};
use crate::pseudonym::PseudonymKey;
use crate::pseudonymise::LsoaLookup;
pub use crate::report::{Progress, Rejection};
use crate::staging::Staging;
use crate::store::{io_at, FileRecord, Manifest, PopulationStore, StoreError};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// What an ingest did.
#[derive(Debug, Clone)]
pub struct IngestReport {
    /// The committed batch's manifest, or none if every file was already held.
    pub manifest: Option<Manifest>,
    /// Files already ingested from this source (path as given, and the batch that holds them).
    pub already_ingested: Vec<(String, String)>,
    /// The first refused lines (all of them are in the batch's `rejections.csv`).
    pub first_rejections: Vec<Rejection>,
}

/// Why an ingest did not happen at all (a refused line never stops it).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The store could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The source organisation's code is not an ODS code.
    #[error("source: '{0}' is not an ODS organisation code (3 to 10 letters and digits)")]
    Source(String),
    /// An input file cannot be read as a whole (a missing file, or a CSV file with no usable header).
    #[error("{path}: {message}")]
    Input {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
}

/// An ingest into a store, for one source organisation.
pub struct Ingest<'a> {
    store: &'a PopulationStore,
    key: &'a PseudonymKey,
    lookup: &'a LsoaLookup,
    source: String,
    max_line_bytes: usize,
    data_to: Option<String>,
    lsoa_reference: Option<Vec<u8>>,
    practice_reference: Option<Vec<u8>>,
}

/// An input file, once hashed.
struct Input {
    path: PathBuf,
    shown: String,
    sha256: String,
    bytes: u64,
    csv: bool,
    holds_patients: bool,
}

impl<'a> Ingest<'a> {
    /// An ingest of `source`'s files, pseudonymised with `key`, postcodes mapped with `lookup`.
    pub fn new(
        store: &'a PopulationStore,
        key: &'a PseudonymKey,
        lookup: &'a LsoaLookup,
        source: &str,
    ) -> Result<Ingest<'a>, IngestError> {
        let source = source.trim().to_ascii_uppercase();
        if !(3..=10).contains(&source.len()) || !source.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(IngestError::Source(source));
        }
        Ok(Ingest {
            store,
            key,
            lookup,
            source,
            max_line_bytes: crate::ndjson::DEFAULT_MAX_LINE_BYTES,
            data_to: None,
            lsoa_reference: None,
            practice_reference: None,
        })
    }

    /// Refuses lines longer than `bytes` (16 MiB by default).
    pub fn max_line_bytes(mut self, bytes: usize) -> Self {
        self.max_line_bytes = bytes;
        self
    }

    /// States the date the data runs to (the extract's end), instead of the latest event date.
    pub fn data_to(mut self, date: chrono::NaiveDate) -> Self {
        self.data_to = Some(date.to_string());
        self
    }

    /// Keeps the LSOA reference at `path` (columns lsoa, place and imd_decile) with the batch, so
    /// counts by place and deprivation use the reference the data came with. It is checked first:
    /// a bad reference stops the ingest before anything is read.
    pub fn lsoa_reference(mut self, path: &std::path::Path) -> Result<Self, IngestError> {
        let shown = path.display().to_string();
        let text = std::fs::read(path).map_err(|e| IngestError::Input {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        let mut check = crate::cohort::measures::Reference::default();
        check
            .read_lsoas(text.as_slice())
            .map_err(|e| IngestError::Input {
                path: shown.clone(),
                message: e.to_string(),
            })?;
        if check.lsoas.is_empty() {
            return Err(IngestError::Input {
                path: shown,
                message: "no LSOA in it".into(),
            });
        }
        self.lsoa_reference = Some(text);
        Ok(self)
    }

    /// Keeps the practices' networks and places (`reference.practices`, as the directory holds
    /// them now) with the batch, so counts by network and place can be made from the store alone.
    pub fn practice_reference(mut self, reference: &crate::cohort::measures::Reference) -> Self {
        if !reference.practices.is_empty() {
            self.practice_reference = Some(reference.practices_csv());
        }
        self
    }

    /// Ingests `files` as one batch.
    pub fn run(
        &self,
        files: &[PathBuf],
        progress: &mut dyn FnMut(Progress),
    ) -> Result<IngestReport, IngestError> {
        let _lock = self.store.lock_for_ingest()?;
        let earlier = self.store.manifests()?;
        let held: HashMap<&str, &str> = earlier
            .iter()
            .filter(|m| m.source == self.source)
            .flat_map(|m| {
                m.files
                    .iter()
                    .map(|f| (f.sha256.as_str(), m.batch.as_str()))
            })
            .collect();
        let mut inputs = self.hash_all(files, progress)?;
        let mut already_ingested = Vec::new();
        let mut seen = HashMap::new();
        inputs.retain(|input| {
            if let Some(batch) = held.get(input.sha256.as_str()) {
                already_ingested.push((input.shown.clone(), batch.to_string()));
                false
            } else if let Some(first) = seen.insert(input.sha256.clone(), input.shown.clone()) {
                already_ingested.push((input.shown.clone(), format!("this ingest ({first})")));
                false
            } else {
                true
            }
        });
        if inputs.is_empty() {
            return Ok(IngestReport {
                manifest: None,
                already_ingested,
                first_rejections: Vec::new(),
            });
        }
        // Patients first, so their events link as they are read.
        inputs.sort_by_key(|i| !i.holds_patients);
        let earlier_batches: Vec<String> = earlier
            .iter()
            .filter(|m| m.source == self.source)
            .map(|m| m.batch.clone())
            .collect();
        let records: Vec<FileRecord> = inputs
            .iter()
            .map(|i| FileRecord {
                path: i.shown.clone(),
                sha256: i.sha256.clone(),
                bytes: i.bytes,
                lines: 0,
                accepted: 0,
                rejected: 0,
                already_held: 0,
            })
            .collect();
        let batch_hash = {
            let mut h = Sha256::new();
            h.update(self.source.as_bytes());
            for i in &inputs {
                h.update(i.sha256.as_bytes());
            }
            hex::encode(&h.finalize()[..4])
        };
        let mut staging = Staging::begin(
            self.store,
            self.key,
            self.lookup,
            &self.source,
            &batch_hash,
            records,
            earlier_batches,
        )?;
        if let Some(date) = &self.data_to {
            staging.state_data_to(date);
        }
        if let Some(text) = &self.lsoa_reference {
            staging.keep_lsoa_reference(text.clone());
        }
        if let Some(text) = &self.practice_reference {
            staging.keep_practice_reference(text.clone());
        }
        let total: u64 = inputs.iter().map(|i| i.bytes).sum();
        let mut done = 0;
        for (index, input) in inputs.iter().enumerate() {
            self.read_file(&mut staging, index, input, &mut |bytes| {
                progress(Progress::Reading {
                    done: done + bytes,
                    total,
                })
            })?;
            done += input.bytes;
        }
        let (manifest, first_rejections) = staging.commit(progress)?;
        Ok(IngestReport {
            manifest: Some(manifest),
            already_ingested,
            first_rejections,
        })
    }

    fn hash_all(
        &self,
        files: &[PathBuf],
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Vec<Input>, IngestError> {
        let input_error = |path: &Path, message: String| IngestError::Input {
            path: path.display().to_string(),
            message,
        };
        let mut total = 0;
        for path in files {
            let meta = std::fs::metadata(path).map_err(|e| input_error(path, e.to_string()))?;
            if !meta.is_file() {
                return Err(input_error(path, "not a file".into()));
            }
            total += meta.len();
        }
        // Files are hashed side by side, a file per core at a time; progress is counted from all.
        let done = std::sync::atomic::AtomicU64::new(0);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let (sender, hashed) = std::sync::mpsc::channel();
        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(1, 4)
            .min(files.len());
        let mut digests: Vec<Option<(String, u64)>> = vec![None; files.len()];
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let sender = sender.clone();
                let (next, done) = (&next, &done);
                scope.spawn(move || loop {
                    let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(path) = files.get(index) else {
                        return;
                    };
                    let result = sha256_of(path, &|n| {
                        let all = done.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
                        let _ = sender.send(Hashed::Progress(all));
                    });
                    let failed = result.is_err();
                    if sender.send(Hashed::File(index, result)).is_err() || failed {
                        next.store(files.len(), std::sync::atomic::Ordering::Relaxed);
                        return;
                    }
                });
            }
            drop(sender);
            for message in hashed {
                match message {
                    Hashed::Progress(all) => progress(Progress::Hashing { done: all, total }),
                    Hashed::File(index, result) => {
                        let digest =
                            result.map_err(|e| input_error(&files[index], e.to_string()))?;
                        digests[index] = Some(digest);
                    }
                }
            }
            Ok::<(), IngestError>(())
        })?;
        let mut inputs = Vec::new();
        for (path, digest) in files.iter().zip(digests) {
            let (sha256, bytes) = digest.expect("every file hashed or an error returned");
            let csv = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let holds_patients = if csv {
                let extract = CsvExtract::new(
                    File::open(path).map_err(|e| input_error(path, e.to_string()))?,
                )
                .map_err(|e| input_error(path, e.to_string()))?;
                extract.kind() == CsvKind::Patients
            } else {
                first_resource_is_patient(path, self.max_line_bytes)
            };
            inputs.push(Input {
                path: path.clone(),
                shown: path.display().to_string(),
                sha256,
                bytes,
                csv,
                holds_patients,
            });
        }
        Ok(inputs)
    }

    /// Reads one file into staging: lines are read and parsed on a thread of their own, in
    /// chunks, while this thread links, pseudonymises and stages them in file order.
    fn read_file(
        &self,
        staging: &mut Staging,
        index: usize,
        input: &Input,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), IngestError> {
        let file = File::open(&input.path).map_err(io_at(&input.path))?;
        let reader = BufReader::with_capacity(
            1 << 20,
            CountingReader {
                inner: file,
                count: 0,
            },
        );
        let (sender, chunks) = std::sync::mpsc::sync_channel::<Parsed>(8);
        std::thread::scope(|scope| {
            if input.csv {
                let extract = CsvExtract::new(reader).map_err(|e| IngestError::Input {
                    path: input.shown.clone(),
                    message: e.to_string(),
                })?;
                scope.spawn(move || parse_csv(extract, &sender));
            } else {
                let lines = Lines::new(reader, self.max_line_bytes);
                scope.spawn(move || parse_ndjson(lines, &sender));
            }
            let mut last = 0;
            for chunk in chunks {
                match chunk {
                    Parsed::Rows {
                        rows,
                        last: upto,
                        read,
                    } => {
                        for (line, row) in rows {
                            staging.take(index, line, row)?;
                        }
                        last = upto;
                        if read > 0 {
                            progress(read);
                        }
                    }
                    Parsed::Unreadable { after, error } => {
                        return Err(IngestError::Input {
                            path: input.shown.clone(),
                            message: format!(
                                "cannot be read after line {after} ({error}); nothing was committed"
                            ),
                        });
                    }
                }
            }
            staging.finish_file(index, last);
            progress(input.bytes);
            Ok(())
        })
    }

    /// The source organisation.
    pub fn source(&self) -> &str {
        &self.source
    }
}

/// Whether a file's first resource is a Patient (so the file is read first).
fn first_resource_is_patient(path: &Path, max_line_bytes: usize) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    Lines::new(BufReader::new(file), max_line_bytes)
        .take(100)
        .find_map(|line| match line.ok()? {
            Line::Text { text, .. } => {
                Some(matches!(parse_resource(&text), Ok(Resource::Patient(_))))
            }
            _ => None,
        })
        .unwrap_or(false)
}

/// What a hashing thread sends.
enum Hashed {
    /// Bytes hashed so far, across all files.
    Progress(u64),
    /// A file's SHA-256 (hex) and size, or why it could not be read.
    File(usize, std::io::Result<(String, u64)>),
}

/// A file's SHA-256 (hex) and size, calling `read` with each block's size as it goes.
fn sha256_of(path: &Path, read: &dyn Fn(u64)) -> std::io::Result<(String, u64)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    let mut bytes = 0;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            return Ok((hex::encode(hasher.finalize()), bytes));
        }
        hasher.update(&buffer[..n]);
        bytes += n as u64;
        read(n as u64);
    }
}

/// Lines parsed per chunk sent from the parsing thread.
const CHUNK_LINES: usize = 2048;

/// What the parsing thread sends: parsed lines in file order, or why the file could not be read.
enum Parsed {
    /// Parsed lines (number and resource or refusal), the last line number read so far and the
    /// bytes read so far.
    Rows {
        rows: Vec<(u64, Result<Resource, ResourceError>)>,
        last: u64,
        read: u64,
    },
    /// Reading failed after this line.
    Unreadable { after: u64, error: String },
}

/// Reads and parses NDJSON lines, sending them in chunks; stops early if the receiver has gone.
fn parse_ndjson(
    mut lines: Lines<BufReader<CountingReader<File>>>,
    sender: &std::sync::mpsc::SyncSender<Parsed>,
) {
    let mut rows = Vec::with_capacity(CHUNK_LINES);
    let mut last = 0;
    while let Some(line) = lines.next() {
        match line {
            Err(e) => {
                let _ = sender.send(Parsed::Rows {
                    rows,
                    last,
                    read: lines.get_ref().get_ref().count,
                });
                let _ = sender.send(Parsed::Unreadable {
                    after: last,
                    error: e.to_string(),
                });
                return;
            }
            Ok(Line::Text { number, text }) => {
                last = number;
                rows.push((number, parse_resource(&text)));
            }
            Ok(Line::Bad { number, reason }) => {
                last = number;
                rows.push((
                    number,
                    Err(ResourceError {
                        field: "line".into(),
                        message: reason,
                    }),
                ));
            }
            Ok(Line::Blank { number }) => last = number,
        }
        if rows.len() >= CHUNK_LINES {
            let chunk = Parsed::Rows {
                rows: std::mem::replace(&mut rows, Vec::with_capacity(CHUNK_LINES)),
                last,
                read: lines.get_ref().get_ref().count,
            };
            if sender.send(chunk).is_err() {
                return;
            }
        }
    }
    let read = lines.get_ref().get_ref().count;
    let _ = sender.send(Parsed::Rows { rows, last, read });
}

/// Reads and parses a CSV extract's rows, sending them in chunks.
fn parse_csv(
    mut extract: CsvExtract<BufReader<CountingReader<File>>>,
    sender: &std::sync::mpsc::SyncSender<Parsed>,
) {
    loop {
        let rows: Vec<_> = extract.by_ref().take(CHUNK_LINES).collect();
        let done = rows.len() < CHUNK_LINES;
        let chunk = Parsed::Rows {
            rows,
            last: extract.line(),
            read: 0,
        };
        if sender.send(chunk).is_err() || done {
            return;
        }
    }
}

/// A reader that counts the bytes read through it.
struct CountingReader<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}
