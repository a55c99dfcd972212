//! The analytical store on disk: a directory of committed batches, each a set of Parquet files
//! partitioned by patient with the manifest that describes it.
//!
//! ```text
//! <store>/
//!   store.json                                   the layout version and bucket count
//!   batches/<batch>/manifest.json                what the batch holds (source, files, hashes, counts, time)
//!   batches/<batch>/rejections.csv               every line refused: file, line, field, reason
//!   batches/<batch>/patients/bucket=NN/part-0.parquet
//!   batches/<batch>/events/bucket=NN/part-0.parquet
//!   staging/<batch>/                             a batch being written; never read, cleared on open
//!   ingest.lock                                  held by the one ingest that may run at a time
//! ```
//!
//! A batch is written under `staging/`, flushed to disk, and committed by one atomic rename into
//! `batches/`: a reader sees all of it or none of it, and a crash at any point (even `kill -9`)
//! leaves only a staging directory, removed by the next ingest. A person's rows are in the bucket
//! `NN` given by their pseudonym, so every table of a bucket can be read together; within a file,
//! rows are sorted by pseudonym. The pseudonym key is never here: it is kept apart (see
//! [`crate::pseudonym`]).

use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

/// The store layout this code writes and reads.
pub const LAYOUT_VERSION: u32 = 1;
/// Buckets in a new store: a batch is sorted a bucket at a time, so each bucket's share of a batch
/// is what must fit in memory.
pub const DEFAULT_BUCKETS: u16 = 64;

/// What can go wrong with the store itself.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// A Parquet file could not be read or written.
    #[error("{path}: {source}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The error.
        source: parquet::errors::ParquetError,
    },
    /// The store's own description, or a manifest, is not as this version writes it.
    #[error("{path}: {message}")]
    Layout {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Another ingest holds the lock.
    #[error("another ingest is writing to {0}; try again when it has finished")]
    Busy(PathBuf),
}

/// Attaches a path to an I/O error.
pub(crate) fn io_at(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Attaches a path to a Parquet error.
pub(crate) fn parquet_at(
    path: &Path,
) -> impl FnOnce(parquet::errors::ParquetError) -> StoreError + '_ {
    move |source| StoreError::Parquet {
        path: path.to_path_buf(),
        source,
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct StoreDescription {
    layout_version: u32,
    buckets: u16,
}

/// One input file of a batch, as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// The file's name as given (its path at ingest).
    pub path: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Lines read (including blank and refused ones).
    pub lines: u64,
    /// Resources kept.
    pub accepted: u64,
    /// Lines refused (each in `rejections.csv`).
    pub rejected: u64,
    /// Resources already held from an earlier batch of the same source, not kept again.
    pub already_held: u64,
}

/// Counts of what a batch keeps, by table and kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Patient records.
    pub patients: u64,
    /// Encounters.
    pub encounters: u64,
    /// Conditions.
    pub conditions: u64,
    /// Observations.
    pub observations: u64,
    /// Procedures.
    pub procedures: u64,
    /// Medication requests.
    pub medications: u64,
}

impl Counts {
    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &Counts) {
        self.patients += other.patients;
        self.encounters += other.encounters;
        self.conditions += other.conditions;
        self.observations += other.observations;
        self.procedures += other.procedures;
        self.medications += other.medications;
    }

    /// All resources kept.
    pub fn total(&self) -> u64 {
        self.patients
            + self.encounters
            + self.conditions
            + self.observations
            + self.procedures
            + self.medications
    }
}

/// What a committed batch holds: written last, inside the batch, before the commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The batch id (its directory name): commit time and a short hash of its files.
    pub batch: String,
    /// The ODS code of the organisation that supplied the data.
    pub source: String,
    /// The input files, in the order read.
    pub files: Vec<FileRecord>,
    /// What was kept.
    pub counts: Counts,
    /// Lines refused, over all files.
    pub rejected: u64,
    /// When the ingest started (RFC 3339, UTC).
    pub started_at: String,
    /// When the batch was committed (RFC 3339, UTC): the "data as of" time of what it holds.
    pub committed_at: String,
    /// The date the batch's data runs to (YYYY-MM-DD): the date its loader stated, else its latest
    /// event date, never after the commit date. Cohorts are counted on it by default, so a
    /// 12-month window is 12 months of data, not the months up to the day it was loaded. (None in
    /// batches written before this was recorded, or holding no dated event.)
    #[serde(default)]
    pub data_to: Option<String>,
    /// The SHA-256 of the LSOA reference (each LSOA's place and IMD decile) kept with the batch,
    /// if it was ingested with one: counts by place and deprivation use the newest batch's.
    #[serde(default)]
    pub lsoa_reference: Option<String>,
    /// The SHA-256 of the practices' networks and places (practice, pcn, place) kept with the
    /// batch, as the directory held them when it was ingested.
    #[serde(default)]
    pub practice_reference: Option<String>,
    /// The Concord version that wrote it.
    pub written_by: String,
}

/// Creates `path` (and its parents) if missing and makes it owner-only: 0700 on Unix. Files
/// holding pseudonymised or identifiable data live only in such directories.
pub fn owner_only_dir(path: &Path) -> std::io::Result<()> {
    fs::create_dir_all(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Where each part of a store lives under its directory: the one place the layout drawn above is
/// spelt out. Everything that finds a store's files (the engine, the SQL tables, the web service,
/// the demo) asks this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreLayout {
    root: PathBuf,
}

impl StoreLayout {
    /// The layout of a store at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        StoreLayout { root: root.into() }
    }

    /// The store's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `store.json`: the layout version and bucket count. A directory without one holds no store.
    pub fn description(&self) -> PathBuf {
        self.root.join("store.json")
    }

    /// True when a store has been created here.
    pub fn exists(&self) -> bool {
        self.description().exists()
    }

    /// `batches/`: the committed batches.
    pub fn batches(&self) -> PathBuf {
        self.root.join("batches")
    }

    /// `batches/<batch>/`: one committed batch.
    pub fn batch(&self, batch: &str) -> PathBuf {
        self.batches().join(batch)
    }

    /// `batches/<batch>/manifest.json`.
    pub fn manifest(&self, batch: &str) -> PathBuf {
        self.batch(batch).join(MANIFEST_FILE)
    }

    /// `batches/<batch>/reference/practices.csv`: practices' networks and places when the batch
    /// was ingested.
    pub fn batch_practices(&self, batch: &str) -> PathBuf {
        self.batch(batch).join("reference").join("practices.csv")
    }

    /// `batches/<batch>/reference/lsoas.csv`: the LSOA reference the batch was ingested with.
    pub fn batch_lsoas(&self, batch: &str) -> PathBuf {
        self.batch(batch).join("reference").join("lsoas.csv")
    }

    /// `batches/<batch>/<table>/`: a committed batch's table, a bucket per subdirectory.
    pub fn table_dir(&self, batch: &str, table: &str) -> PathBuf {
        self.batch(batch).join(table)
    }

    /// `staging/`: batches being written.
    pub fn staging(&self) -> PathBuf {
        self.root.join("staging")
    }

    /// `ingest.lock`.
    pub fn ingest_lock(&self) -> PathBuf {
        self.root.join("ingest.lock")
    }

    /// `reference/`: the reference tables published with the data.
    pub fn reference(&self) -> PathBuf {
        self.root.join("reference")
    }

    /// `reference/lsoas.csv`: each LSOA's place and IMD decile.
    pub fn lsoas(&self) -> PathBuf {
        self.reference().join("lsoas.csv")
    }
}

/// A batch's manifest, in its directory.
pub const MANIFEST_FILE: &str = "manifest.json";
/// A batch's refused lines, in its directory.
pub const REJECTIONS_FILE: &str = "rejections.csv";

/// An open analytical store.
#[derive(Debug, Clone)]
pub struct PopulationStore {
    layout: StoreLayout,
    buckets: u16,
}

impl PopulationStore {
    /// Opens the store at `root`, creating it (with [`DEFAULT_BUCKETS`]) if it does not exist.
    ///
    /// The store's directory is made owner-only (0700) every time it is opened, so nothing in it
    /// is readable by other users whatever modes its files were written with.
    pub fn open(root: &Path) -> Result<PopulationStore, StoreError> {
        owner_only_dir(root).map_err(io_at(root))?;
        let layout = StoreLayout::new(root);
        let description_path = layout.description();
        if !description_path.exists() {
            for dir in [layout.batches(), layout.staging()] {
                fs::create_dir_all(&dir).map_err(io_at(&dir))?;
            }
            let description = StoreDescription {
                layout_version: LAYOUT_VERSION,
                buckets: DEFAULT_BUCKETS,
            };
            let text = serde_json::to_vec_pretty(&description).expect("serialisable");
            write_durably(&description_path, &text)?;
        }
        let text = fs::read(&description_path).map_err(io_at(&description_path))?;
        let description: StoreDescription =
            serde_json::from_slice(&text).map_err(|e| StoreError::Layout {
                path: description_path.clone(),
                message: e.to_string(),
            })?;
        if description.layout_version != LAYOUT_VERSION || !(1..=256).contains(&description.buckets)
        {
            return Err(StoreError::Layout {
                path: description_path,
                message: format!(
                    "layout {} with {} buckets; this Concord reads layout {LAYOUT_VERSION} with 1 to 256",
                    description.layout_version, description.buckets
                ),
            });
        }
        Ok(PopulationStore {
            layout,
            buckets: description.buckets,
        })
    }

    /// The store's directory.
    pub fn root(&self) -> &Path {
        self.layout.root()
    }

    /// Where each of the store's parts lives.
    pub fn layout(&self) -> &StoreLayout {
        &self.layout
    }

    /// How many buckets people are partitioned into.
    pub fn buckets(&self) -> u16 {
        self.buckets
    }

    /// The bucket a pseudonym's rows go to (from its first two hex digits).
    pub fn bucket_of(&self, pseudonym: &str) -> u16 {
        let lead = pseudonym
            .get(..2)
            .and_then(|h| u16::from_str_radix(h, 16).ok())
            .unwrap_or(0);
        lead % self.buckets
    }

    /// The directory of committed batches.
    pub fn batches_dir(&self) -> PathBuf {
        self.layout.batches()
    }

    /// The directory of batches being written.
    pub fn staging_dir(&self) -> PathBuf {
        self.layout.staging()
    }

    /// Takes the ingest lock, then clears whatever a crashed ingest left in staging. The lock is
    /// released when the returned file is dropped (or the process dies).
    pub fn lock_for_ingest(&self) -> Result<File, StoreError> {
        let path = self.layout.ingest_lock();
        let file = File::create(&path).map_err(io_at(&path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Busy(self.root().to_path_buf()))
            }
            Err(fs::TryLockError::Error(e)) => return Err(io_at(&path)(e)),
        }
        let staging = self.staging_dir();
        fs::create_dir_all(&staging).map_err(io_at(&staging))?;
        for entry in fs::read_dir(&staging).map_err(io_at(&staging))? {
            let entry = entry.map_err(io_at(&staging))?;
            fs::remove_dir_all(entry.path()).map_err(io_at(&entry.path()))?;
        }
        Ok(file)
    }

    /// The manifests of every committed batch, oldest first.
    pub fn manifests(&self) -> Result<Vec<Manifest>, StoreError> {
        let dir = self.batches_dir();
        let mut names = Vec::new();
        for entry in fs::read_dir(&dir).map_err(io_at(&dir))? {
            let entry = entry.map_err(io_at(&dir))?;
            if entry.file_type().map_err(io_at(&dir))?.is_dir() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        names.sort();
        names
            .iter()
            .map(|name| {
                let path = self.layout.manifest(name);
                let text = fs::read(&path).map_err(io_at(&path))?;
                serde_json::from_slice(&text).map_err(|e| StoreError::Layout {
                    path,
                    message: e.to_string(),
                })
            })
            .collect()
    }

    /// A table's file for one bucket of a committed batch (it may not exist: a bucket with no rows
    /// has no file).
    pub fn table_file(&self, batch: &str, table: &str, bucket: u16) -> PathBuf {
        self.layout
            .table_dir(batch, table)
            .join(format!("bucket={bucket:02}"))
            .join("part-0.parquet")
    }
}

/// Writes a file and flushes it to disk.
pub(crate) fn write_durably(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let file = File::create(path).map_err(io_at(path))?;
    io::Write::write_all(&mut &file, bytes).map_err(io_at(path))?;
    file.sync_all().map_err(io_at(path))
}

/// Flushes a directory's entries to disk, so a rename or a new file in it survives a crash.
pub(crate) fn sync_dir(path: &Path) -> Result<(), StoreError> {
    File::open(path)
        .and_then(|d| d.sync_all())
        .map_err(io_at(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_store_describes_itself_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let store = PopulationStore::open(dir.path()).unwrap();
        assert_eq!(store.buckets(), DEFAULT_BUCKETS);
        assert!(store.manifests().unwrap().is_empty());
        let again = PopulationStore::open(dir.path()).unwrap();
        assert_eq!(again.buckets(), DEFAULT_BUCKETS);
        assert_eq!(store.bucket_of("ff00"), 255 % DEFAULT_BUCKETS);
    }

    #[test]
    fn only_one_ingest_holds_the_lock_and_staging_is_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let store = PopulationStore::open(dir.path()).unwrap();
        fs::create_dir_all(store.staging_dir().join("crashed/events")).unwrap();
        let held = store.lock_for_ingest().unwrap();
        assert!(fs::read_dir(store.staging_dir()).unwrap().next().is_none());
        assert!(matches!(store.lock_for_ingest(), Err(StoreError::Busy(_))));
        drop(held);
        store.lock_for_ingest().unwrap();
    }

    #[test]
    fn a_store_of_another_layout_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("store.json"),
            r#"{"layout_version":9,"buckets":4}"#,
        )
        .unwrap();
        let err = PopulationStore::open(dir.path()).unwrap_err();
        assert!(err.to_string().contains("layout 9"), "{err}");
    }
}
