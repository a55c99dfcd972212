//! The demo system's synthetic population: its places, practices and hospitals as the generator
//! needs them.

use crate::data::{practice_codes, FAMILY_NAMES, GIVEN_NAMES, PLACES};
use crate::ICB_CODE;
use concord_synth::{SynthPlace, SynthSystem};

/// Each place's fictional postcode area, acute trust, and share of its LSOAs in each national IMD
/// decile (1 = most deprived): the city is the most deprived, the Vale the least, the coast between
/// with pockets of deprivation.
const PLACE_PROFILES: [(&str, &str, [f64; 10]); 3] = [
    (
        "RV",
        "RRV",
        [0.18, 0.16, 0.13, 0.11, 0.10, 0.09, 0.07, 0.06, 0.05, 0.05],
    ),
    (
        "VL",
        "RRV",
        [0.03, 0.04, 0.06, 0.08, 0.10, 0.12, 0.13, 0.14, 0.15, 0.15],
    ),
    (
        "NM",
        "RNM",
        [0.15, 0.13, 0.12, 0.11, 0.10, 0.10, 0.09, 0.08, 0.07, 0.05],
    ),
];

/// The Riverside and Vale ICS as the population generator sees it: GP records sent under the ICB's
/// code, hospital records from its two acute trusts.
pub fn synth_system() -> SynthSystem {
    let practices = practice_codes();
    let names: Vec<String> = GIVEN_NAMES.iter().map(|n| n.to_string()).collect();
    SynthSystem {
        gp_source: ICB_CODE.to_string(),
        places: PLACES
            .iter()
            .zip(PLACE_PROFILES)
            .enumerate()
            .map(|(i, (spec, (area, trust, deprivation)))| SynthPlace {
                name: spec.name.to_string(),
                weight: spec.population as f64,
                postcode_area: area.to_string(),
                deprivation,
                practices: practices
                    .iter()
                    .filter(|p| p.0 == i)
                    .map(|p| p.2.clone())
                    .collect(),
                trust: trust.to_string(),
            })
            .collect(),
        given_female: names.clone(),
        given_male: names,
        family: FAMILY_NAMES.iter().map(|n| n.to_string()).collect(),
    }
}

/// The cohorts every demo system starts with (the definitions in `data/cohorts/`).
pub const BUILT_IN_COHORTS: [&str; 3] = [
    include_str!("../../../data/cohorts/social-isolation.toml"),
    include_str!("../../../data/cohorts/frailty-by-pcn.toml"),
    include_str!("../../../data/cohorts/emergency-admissions.toml"),
];

/// Where the demo population goes and how big it is.
#[derive(Debug, Clone)]
pub struct PopulationSetup {
    /// The analytical store's directory.
    pub store: std::path::PathBuf,
    /// The pseudonym key file (created if absent).
    pub key_file: std::path::PathBuf,
    /// How many people to generate.
    pub people: usize,
}

/// What the demo population holds.
#[derive(Debug, Clone)]
pub struct PopulationSummary {
    /// Resources kept, over all batches.
    pub resources: u64,
    /// Batches.
    pub batches: usize,
    /// True if it was already there and nothing was added.
    pub already_present: bool,
}

fn failed(e: impl std::fmt::Display) -> crate::DemoError {
    crate::DemoError::Population(e.to_string())
}

/// Generates the demo's synthetic population and ingests it through the real ingest path (one
/// batch per source), loads every practice's registered list and saves the built-in cohorts;
/// unless the store already holds batches.
pub async fn seed_population(
    store: &concord_store::Store,
    setup: &PopulationSetup,
) -> Result<PopulationSummary, crate::DemoError> {
    use concord_population::ingest::Ingest;
    use concord_population::pseudonym::PseudonymKey;
    use concord_population::pseudonymise::LsoaLookup;
    use concord_population::store::PopulationStore;
    let population = PopulationStore::open(&setup.store).map_err(failed)?;
    let existing = population.manifests().map_err(failed)?;
    if !existing.is_empty() {
        return Ok(PopulationSummary {
            resources: existing.iter().map(|m| m.counts.total()).sum(),
            batches: existing.len(),
            already_present: true,
        });
    }
    tracing::info!(
        people = setup.people,
        "generating and ingesting the demo population"
    );
    let mut extracts = setup.store.clone().into_os_string();
    extracts.push("-extracts");
    let synth = std::path::PathBuf::from(extracts);
    let setup_owned = setup.clone();
    // Each batch keeps the directory's practices' networks and places as they are at ingest.
    let mut practices = concord_population::cohort::measures::Reference::default();
    for n in concord_store::population::practice_networks(store)
        .await
        .map_err(failed)?
    {
        practices.practices.insert(
            n.code,
            concord_population::cohort::measures::PracticeInfo {
                pcn: n.pcn,
                place: n.place,
            },
        );
    }
    let (manifests, synth) = tokio::task::spawn_blocking(move || {
        let options = concord_synth::SynthOptions {
            people: setup_owned.people,
            seed: 2026,
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("a date"),
        };
        let summary = concord_synth::generate(&synth_system(), &options, &synth).map_err(failed)?;
        let key = PseudonymKey::load_or_create(&setup_owned.key_file).map_err(failed)?;
        let postcodes =
            std::fs::File::open(synth.join("reference/postcodes.csv")).map_err(failed)?;
        let lookup = LsoaLookup::from_csv(std::io::BufReader::new(postcodes)).map_err(failed)?;
        let mut manifests = Vec::new();
        for (dir, source) in &summary.sources {
            let mut files: Vec<_> = std::fs::read_dir(synth.join(dir))
                .map_err(failed)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            files.sort();
            // Each batch keeps the LSOA reference it came with.
            let report = Ingest::new(&population, &key, &lookup, source)
                .map_err(failed)?
                .lsoa_reference(&synth.join("reference/lsoas.csv"))
                .map_err(failed)?
                .practice_reference(&practices)
                .run(&files, &mut |_| {})
                .map_err(failed)?;
            manifests.extend(report.manifest);
        }
        Ok::<_, crate::DemoError>((manifests, synth))
    })
    .await
    .map_err(failed)??;
    let actor = concord_store::Actor::system("demo");
    for (_, _, code) in crate::data::practice_codes() {
        let Some(practice) = concord_store::organisations::find_by_code(store, &code).await? else {
            continue;
        };
        let path = synth.join("registered-lists").join(format!("{code}.csv"));
        let bytes = std::fs::read(&path).map_err(failed)?;
        let patients = concord_store::population::parse_registered_list(bytes.as_slice())?;
        let sha = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&bytes))
        };
        concord_store::population::replace_registered_list(
            store,
            &actor,
            &practice.id,
            &patients,
            &sha,
        )
        .await?;
    }
    if concord_store::population::cohorts(store).await?.is_empty() {
        if let Some(icb) = concord_store::organisations::find_by_code(store, ICB_CODE).await? {
            for definition in BUILT_IN_COHORTS {
                concord_store::population::save_cohort(store, &actor, None, &icb.id, definition)
                    .await?;
            }
        }
    }
    // The extracts have been ingested: the store holds what is needed.
    std::fs::remove_dir_all(&synth).map_err(failed)?;
    Ok(PopulationSummary {
        resources: manifests.iter().map(|m| m.counts.total()).sum(),
        batches: manifests.len(),
        already_present: false,
    })
}
