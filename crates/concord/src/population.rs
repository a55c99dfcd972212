//! The population commands: `concord ingest` (partners' files into the pseudonymised analytical
//! store, with a progress bar and a summary) and `concord synth` (a synthetic population as FHIR
//! bulk data).

use anyhow::{Context, Result};
use clap::Args;
use concord_population::ingest::{Ingest, IngestReport, Progress};
use concord_population::pseudonym::PseudonymKey;
use concord_population::pseudonymise::LsoaLookup;
use concord_population::store::PopulationStore;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};

/// Where the analytical store and its pseudonym key are.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The analytical store's directory (Parquet batches).
    #[arg(
        long = "store",
        env = "CONCORD_POPULATION_STORE",
        default_value = "population"
    )]
    pub store: PathBuf,
    /// The pseudonym key file, kept apart from the store and the database (created, readable by
    /// its owner only, on first use).
    #[arg(
        long = "key-file",
        env = "CONCORD_PSEUDONYM_KEY_FILE",
        default_value = "population.key"
    )]
    pub key_file: PathBuf,
}

/// `concord ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The ODS code of the organisation that supplied the files.
    #[arg(long)]
    pub source: String,
    /// A postcode-to-LSOA lookup (CSV with postcode and lsoa columns, or the ONS pcds and lsoa21cd).
    /// Without one, no LSOA is kept.
    #[arg(long, env = "CONCORD_POSTCODE_LOOKUP")]
    pub postcodes: Option<PathBuf>,
    /// Refuse lines longer than this many MiB.
    #[arg(long, default_value_t = 16)]
    pub max_line_mib: usize,
    #[command(flatten)]
    pub store: StoreArgs,
    /// FHIR R4 NDJSON files (one resource per line) or CSV extracts (`.csv`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Loads the postcode lookup, or an empty one.
pub fn lookup(path: Option<&Path>) -> Result<LsoaLookup> {
    match path {
        None => Ok(LsoaLookup::default()),
        Some(path) => {
            let file = std::fs::File::open(path)
                .with_context(|| format!("could not open {}", path.display()))?;
            LsoaLookup::from_csv(std::io::BufReader::new(file))
                .with_context(|| format!("{} is not a postcode lookup", path.display()))
        }
    }
}

/// Runs `concord ingest`.
pub fn ingest(args: &IngestArgs) -> Result<()> {
    let store = PopulationStore::open(&args.store.store)?;
    let key = PseudonymKey::load_or_create(&args.store.key_file)?;
    let lookup = lookup(args.postcodes.as_deref())?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:8} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    let mut stage = "";
    let report = Ingest::new(&store, &key, &lookup, &args.source)?
        .max_line_bytes(args.max_line_mib << 20)
        .run(&args.files, &mut |progress| {
            let (name, done, total) = match progress {
                Progress::Hashing { done, total } => ("hashing", done, total),
                Progress::Reading { done, total } => ("reading", done, total),
                Progress::Writing { done, total } => ("writing", done, total),
            };
            if name != stage {
                stage = name;
                bar.set_message(name);
                bar.set_length(total);
                bar.reset_eta();
            }
            bar.set_position(done);
        })?;
    bar.finish_and_clear();
    print!("{}", summary(&report));
    Ok(())
}

/// The summary printed after an ingest.
pub fn summary(report: &IngestReport) -> String {
    let mut out = String::new();
    for (file, batch) in &report.already_ingested {
        out.push_str(&format!(
            "{file}: already ingested (batch {batch}); not read again.\n"
        ));
    }
    let Some(manifest) = &report.manifest else {
        out.push_str("Nothing new: no batch was written.\n");
        return out;
    };
    out.push_str(&format!(
        "Committed batch {} from {} at {}.\n",
        manifest.batch, manifest.source, manifest.committed_at
    ));
    for file in &manifest.files {
        out.push_str(&format!(
            "  {}: {} lines, {} kept, {} refused, {} already held\n",
            file.path, file.lines, file.accepted, file.rejected, file.already_held
        ));
    }
    let c = &manifest.counts;
    out.push_str(&format!(
        "Kept {} resources: {} patients, {} encounters, {} conditions, {} observations, {} procedures, {} medication requests.\n",
        c.total(), c.patients, c.encounters, c.conditions, c.observations, c.procedures, c.medications
    ));
    if manifest.rejected > 0 {
        out.push_str(&format!(
            "Refused {} lines; every one is in batches/{}/rejections.csv. The first:\n",
            manifest.rejected, manifest.batch
        ));
        for r in &report.first_rejections {
            out.push_str(&format!(
                "  {}:{}: {}: {}\n",
                r.file, r.line, r.field, r.reason
            ));
        }
    }
    out
}
