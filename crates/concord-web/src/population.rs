//! The population picture as the web service holds it: read from the analytical store on first use
//! and again whenever a new batch is committed, with everyone's measures on the data's as-of date.
//! Cohorts are counted against it off the async runtime; everything it returns for a planning view
//! has passed the system's disclosure rule.

use crate::error::Problem;
use axum::http::StatusCode;
use concord_population::cohort::definition::Cohort;
use concord_population::cohort::eval::{CohortCounts, Evaluator};
use concord_population::cohort::measures::{Measures, PracticeInfo, Reference};
use concord_population::disclosure::DisclosureRule;
use concord_population::efi::EfiCodelist;
use concord_population::picture::Picture;
use concord_population::pseudonym::PseudonymKey;
use concord_population::store::PopulationStore;
use concord_store::Store;
use std::path::PathBuf;
use std::sync::Arc;

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
}

impl Default for PopulationConfig {
    fn default() -> Self {
        PopulationConfig {
            store: PathBuf::from("population"),
            key_file: PathBuf::from("population.key"),
            lsoas: None,
            disclosure: DisclosureRule::default(),
        }
    }
}

/// The picture and everyone's measures, as of the newest batch.
pub struct Snapshot {
    /// The linked population.
    pub picture: Picture,
    /// Everyone's measures on the data's as-of date.
    pub measures: Measures,
    /// The batches it was read from.
    pub batches: Vec<String>,
    /// Person by pseudonym, made on first need (for re-identification on a worklist).
    by_pseudonym: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
}

impl Snapshot {
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

/// The population service.
pub struct Population {
    config: PopulationConfig,
    cache: tokio::sync::Mutex<Option<Arc<Snapshot>>>,
    efi: Arc<EfiCodelist>,
}

impl std::fmt::Debug for Population {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Population")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn unavailable(detail: impl Into<String>) -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "population-unavailable",
        "The population data cannot be read",
        detail,
    )
}

impl Population {
    /// The service over `config`.
    pub fn new(config: PopulationConfig) -> Self {
        Population {
            config,
            cache: tokio::sync::Mutex::new(None),
            efi: Arc::new(EfiCodelist::built_in()),
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

    /// The pseudonym key, for re-identification on a worklist.
    pub fn key(&self) -> Result<PseudonymKey, Problem> {
        PseudonymKey::load(&self.config.key_file)
            .map_err(|e| unavailable(format!("The pseudonym key cannot be read: {e}")))
    }

    /// The current snapshot, or none if nothing has been ingested. Reads the store again if a
    /// batch has been committed since the last read.
    pub async fn snapshot(&self) -> Result<Option<Arc<Snapshot>>, Problem> {
        if !self.config.store.join("store.json").exists() {
            return Ok(None);
        }
        let root = self.config.store.clone();
        let store = PopulationStore::open(&root)
            .map_err(|e| unavailable(format!("The analytical store cannot be opened: {e}")))?;
        let batches: Vec<String> = store
            .manifests()
            .map_err(|e| unavailable(e.to_string()))?
            .into_iter()
            .map(|m| m.batch)
            .collect();
        if batches.is_empty() {
            return Ok(None);
        }
        let mut cache = self.cache.lock().await;
        if let Some(current) = cache.as_ref() {
            if current.batches == batches {
                return Ok(Some(current.clone()));
            }
        }
        let efi = self.efi.clone();
        let snapshot = tokio::task::spawn_blocking(move || -> Result<Snapshot, String> {
            let picture = Picture::load(&store).map_err(|e| e.to_string())?;
            let index = as_of_index(&picture);
            let measures = Measures::compute(&picture, &efi, index);
            Ok(Snapshot {
                picture,
                measures,
                batches,
                by_pseudonym: std::sync::OnceLock::new(),
            })
        })
        .await
        .map_err(|e| unavailable(e.to_string()))?
        .map_err(unavailable)?;
        let snapshot = Arc::new(snapshot);
        *cache = Some(snapshot.clone());
        Ok(Some(snapshot))
    }

    /// The reference data: practices' networks and places from the directory, LSOAs from the
    /// reference file.
    pub async fn reference(&self, store: &Store) -> Result<Reference, Problem> {
        let mut reference = Reference::default();
        let networks = concord_store::population::practice_networks(store)
            .await
            .map_err(|e| crate::error::problem_for(&e))?;
        for n in networks {
            reference.practices.insert(
                n.code,
                PracticeInfo {
                    pcn: n.pcn,
                    place: n.place,
                },
            );
        }
        let path = self
            .config
            .lsoas
            .clone()
            .unwrap_or_else(|| self.config.store.join("reference/lsoas.csv"));
        if path.exists() {
            let file = std::fs::File::open(&path).map_err(|e| unavailable(e.to_string()))?;
            reference
                .read_lsoas(file)
                .map_err(|e| unavailable(format!("{}: {e}", path.display())))?;
        }
        Ok(reference)
    }

    /// Counts a cohort (off the async runtime), on its own index date if it names one.
    pub async fn count(
        &self,
        snapshot: Arc<Snapshot>,
        reference: Arc<Reference>,
        cohort: Cohort,
    ) -> Result<CohortCounts, Problem> {
        let efi = self.efi.clone();
        tokio::task::spawn_blocking(move || {
            let own;
            let measures = match cohort.index_date {
                Some(index) if index != snapshot.measures.index => {
                    own = Measures::compute(&snapshot.picture, &efi, index);
                    &own
                }
                _ => &snapshot.measures,
            };
            Evaluator::new(&snapshot.picture, &reference, measures).run(&cohort)
        })
        .await
        .map_err(|e| unavailable(e.to_string()))
    }
}

/// The index date of a picture: the day its newest batch was committed.
pub fn as_of_index(picture: &Picture) -> i32 {
    picture
        .as_of()
        .and_then(|t| t.get(..10))
        .and_then(concord_population::table::epoch_days)
        .unwrap_or(0)
}
