//! The population picture as Concord serves it: read from the analytical store on first use and
//! again whenever a new batch is committed, with everyone's measures on the data's index date.
//! Cohorts are counted against it off the async runtime ([`cohorts`]); everything it returns for a
//! planning view has passed the system's disclosure rule.

pub mod cohorts;
pub mod worklists;

use concord_population::cohort::measures::{Measures, PracticeInfo, Reference};
use concord_population::disclosure::DisclosureRule;
use concord_population::efi::EfiCodelist;
use concord_population::picture::Picture;
use concord_population::pseudonym::PseudonymKey;
use concord_population::store::{PopulationStore, StoreLayout};
use concord_store::{Store, StoreError};
use std::path::PathBuf;
use std::sync::Arc;

/// The directory's practices' networks and places now, as a batch keeps them at ingest.
pub async fn directory_practices(store: &Store) -> Result<Reference, PopulationError> {
    let mut reference = Reference::default();
    for n in concord_store::population::practice_networks(store).await? {
        reference.practices.insert(
            n.code,
            PracticeInfo {
                pcn: n.pcn,
                place: n.place,
            },
        );
    }
    Ok(reference)
}

/// Why population data could not be served.
#[derive(Debug, thiserror::Error)]
pub enum PopulationError {
    /// The analytical store, its reference data or the pseudonym key could not be read.
    #[error("{0}")]
    Unavailable(String),
    /// The operational store failed (practices' networks, saved cohorts).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A view of identifiable data could not be written to the audit log, so nothing was shown.
    #[error("the view could not be recorded: {0}")]
    NotRecorded(StoreError),
    /// The cohort uses a variable whose reference table is missing: it fails rather than
    /// printing every person as "(not known)".
    #[error("{0}")]
    MissingReference(String),
    /// A breakdown has more cells than may be published.
    #[error("{0}")]
    TooDetailed(String),
}

fn unavailable(detail: impl Into<String>) -> PopulationError {
    PopulationError::Unavailable(detail.into())
}

/// Where the population data are and how counts are published.
#[derive(Debug, Clone)]
pub struct PopulationConfig {
    /// The analytical store's directory.
    pub store: PathBuf,
    /// The pseudonym key file (apart from the store and the database), for re-identifying a
    /// practice's own patients on a worklist.
    pub key_file: PathBuf,
    /// The LSOA reference (lsoa, place, imd_decile); `<store>/reference/lsoas.csv` if absent.
    pub lsoas: Option<PathBuf>,
    /// The system's disclosure rule.
    pub disclosure: DisclosureRule,
    /// A postcode to LSOA lookup (postcode, lsoa), for finding the deprivation of a place a person
    /// gives only their postcode for (a consultation's respondents); none: not looked up.
    pub postcodes: Option<PathBuf>,
}

impl Default for PopulationConfig {
    fn default() -> Self {
        PopulationConfig {
            store: PathBuf::from("population"),
            key_file: PathBuf::from("population.key"),
            lsoas: None,
            disclosure: DisclosureRule::default(),
            postcodes: None,
        }
    }
}

/// The picture and everyone's measures, as of the newest batch.
pub struct Snapshot {
    /// The linked population.
    pub picture: Picture,
    /// Everyone's measures on the data's index date ([`cohorts::default_index_date`]).
    pub measures: Measures,
    /// The batches it was read from.
    pub batches: Vec<String>,
    /// Person by pseudonym, made on first need (for re-identification on a worklist).
    by_pseudonym: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
}

impl Snapshot {
    /// A snapshot of `picture`, with everyone's measures on its default index date.
    pub fn new(picture: Picture, efi: &EfiCodelist, batches: Vec<String>) -> Self {
        let index = cohorts::default_index_date(&picture);
        Snapshot::on(picture, efi, batches, index)
    }

    /// A snapshot of `picture`, with everyone's measures on `index` (days since 1970-01-01).
    pub fn on(picture: Picture, efi: &EfiCodelist, batches: Vec<String>, index: i32) -> Self {
        let measures = Measures::compute(&picture, efi, index);
        Snapshot {
            picture,
            measures,
            batches,
            by_pseudonym: std::sync::OnceLock::new(),
        }
    }

    /// The person with a pseudonym, if in the picture.
    pub fn person(&self, pseudonym: &str) -> Option<usize> {
        self.by_pseudonym
            .get_or_init(|| {
                self.picture
                    .pseudonyms
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p.clone(), i))
                    .collect()
            })
            .get(pseudonym)
            .copied()
    }
}

/// The population service: the configuration and the current snapshot.
pub struct Population {
    config: PopulationConfig,
    cache: tokio::sync::Mutex<Option<Arc<Snapshot>>>,
    efi: Arc<EfiCodelist>,
    /// The LSOA reference last read, by its file and when that was modified.
    lsoas: std::sync::Mutex<Option<(LsoaFile, Arc<Reference>)>>,
    /// The postcode lookup, once read.
    postcodes: std::sync::Mutex<Option<Arc<concord_population::pseudonymise::LsoaLookup>>>,
}

/// An LSOA reference file and when it was last modified.
type LsoaFile = (PathBuf, Option<std::time::SystemTime>);

impl std::fmt::Debug for Population {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Population")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Population {
    /// The service over `config`.
    pub fn new(config: PopulationConfig) -> Self {
        Population {
            config,
            cache: tokio::sync::Mutex::new(None),
            efi: Arc::new(EfiCodelist::built_in()),
            lsoas: std::sync::Mutex::new(None),
            postcodes: std::sync::Mutex::new(None),
        }
    }

    /// The disclosure rule every planning output passes.
    pub fn rule(&self) -> DisclosureRule {
        self.config.disclosure
    }

    /// The configuration.
    pub fn config(&self) -> &PopulationConfig {
        &self.config
    }

    /// The eFI codelist measures are computed with.
    pub fn efi(&self) -> Arc<EfiCodelist> {
        self.efi.clone()
    }

    /// The pseudonym key, for re-identification on a worklist.
    pub fn key(&self) -> Result<PseudonymKey, PopulationError> {
        PseudonymKey::load(&self.config.key_file)
            .map_err(|e| unavailable(format!("The pseudonym key cannot be read: {e}")))
    }

    /// The analytical store and its committed batches, or none if nothing has been ingested.
    pub(crate) fn open_store(
        &self,
    ) -> Result<Option<(PopulationStore, Vec<String>)>, PopulationError> {
        if !StoreLayout::new(&self.config.store).exists() {
            return Ok(None);
        }
        let store = PopulationStore::open(&self.config.store)
            .map_err(|e| unavailable(format!("The analytical store cannot be opened: {e}")))?;
        let batches: Vec<String> = store
            .manifests()
            .map_err(|e| unavailable(e.to_string()))?
            .into_iter()
            .map(|m| m.batch)
            .collect();
        Ok((!batches.is_empty()).then_some((store, batches)))
    }

    /// The current snapshot, or none if nothing has been ingested. Reads the store again if a
    /// batch has been committed since the last read.
    pub async fn snapshot(&self) -> Result<Option<Arc<Snapshot>>, PopulationError> {
        let Some((store, batches)) = self.open_store()? else {
            return Ok(None);
        };
        let mut cache = self.cache.lock().await;
        if let Some(current) = cache.as_ref() {
            if current.batches == batches {
                return Ok(Some(current.clone()));
            }
        }
        let efi = self.efi.clone();
        let snapshot = tokio::task::spawn_blocking(move || -> Result<Snapshot, String> {
            let picture = Picture::load(&store).map_err(|e| e.to_string())?;
            Ok(Snapshot::new(picture, &efi, batches))
        })
        .await
        .map_err(|e| unavailable(e.to_string()))?
        .map_err(unavailable)?;
        let snapshot = Arc::new(snapshot);
        *cache = Some(snapshot.clone());
        Ok(Some(snapshot))
    }

    /// The LSOA reference the newest batch holding one was ingested with; else the store-wide
    /// `reference/lsoas.csv` (stores written before batches kept their own).
    fn kept_lsoa_reference(&self) -> Result<PathBuf, PopulationError> {
        let layout = StoreLayout::new(&self.config.store);
        if let Some((store, _)) = self.open_store()? {
            let manifests = store.manifests().map_err(|e| unavailable(e.to_string()))?;
            if let Some(newest) = manifests.iter().rev().find(|m| m.lsoa_reference.is_some()) {
                return Ok(layout.batch_lsoas(&newest.batch));
            }
        }
        Ok(layout.lsoas())
    }

    /// The deprivation decile (1 most deprived) of the neighbourhood `postcode` is in, when the
    /// system has a postcode lookup and the LSOA reference knows it. The lookup is read once.
    pub fn postcode_decile(&self, postcode: &str) -> Result<Option<u8>, PopulationError> {
        let Some(path) = &self.config.postcodes else {
            return Ok(None);
        };
        let lookup = {
            let mut cached = self.postcodes.lock().unwrap_or_else(|e| e.into_inner());
            if cached.is_none() {
                let file = std::fs::File::open(path)
                    .map_err(|e| unavailable(format!("{}: {e}", path.display())))?;
                let lookup = concord_population::pseudonymise::LsoaLookup::from_csv(
                    std::io::BufReader::new(file),
                )
                .map_err(|e| unavailable(format!("{}: {e}", path.display())))?;
                *cached = Some(Arc::new(lookup));
            }
            cached.clone().expect("just read")
        };
        let Some(lsoa) = lookup.lsoa(postcode) else {
            return Ok(None);
        };
        Ok(self.lsoa_reference()?.lsoas.get(lsoa).map(|l| l.imd_decile))
    }

    /// The LSOA reference alone (neighbourhoods' places and deprivation deciles), read again only
    /// when its file changes.
    pub fn lsoa_reference(&self) -> Result<Arc<Reference>, PopulationError> {
        let path = match &self.config.lsoas {
            Some(path) => path.clone(),
            None => self.kept_lsoa_reference()?,
        };
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        let file = (path, modified);
        let mut cached = self.lsoas.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((read, reference)) = cached.as_ref() {
            if *read == file {
                return Ok(reference.clone());
            }
        }
        let mut reference = Reference::default();
        if file.0.exists() {
            let input = std::fs::File::open(&file.0).map_err(|e| unavailable(e.to_string()))?;
            reference
                .read_lsoas(std::io::BufReader::new(input))
                .map_err(|e| unavailable(format!("{}: {e}", file.0.display())))?;
        }
        let reference = Arc::new(reference);
        *cached = Some((file, reference.clone()));
        Ok(reference)
    }

    /// The practices' networks and places the newest batch holding them was ingested with.
    fn kept_practice_reference(&self) -> Result<Option<PathBuf>, PopulationError> {
        let Some((store, _)) = self.open_store()? else {
            return Ok(None);
        };
        let manifests = store.manifests().map_err(|e| unavailable(e.to_string()))?;
        Ok(manifests
            .iter()
            .rev()
            .find(|m| m.practice_reference.is_some())
            .map(|m| StoreLayout::new(&self.config.store).batch_practices(&m.batch)))
    }

    /// The reference data: practices' networks and places from the directory (else those the
    /// newest batch kept), LSOAs from the
    /// given reference file, else the one kept with the newest batch.
    pub async fn reference(&self, store: &Store) -> Result<Reference, PopulationError> {
        let mut reference = directory_practices(store).await?;
        if reference.practices.is_empty() {
            // No practices in the directory (a command run without the operational database):
            // the networks and places the newest batch kept when it was ingested.
            if let Some(path) = self.kept_practice_reference()? {
                let file = std::fs::File::open(&path).map_err(|e| unavailable(e.to_string()))?;
                reference
                    .read_practices(file)
                    .map_err(|e| unavailable(format!("{}: {e}", path.display())))?;
            }
        }
        reference.lsoas = self.lsoa_reference()?.lsoas.clone();
        Ok(reference)
    }
}
