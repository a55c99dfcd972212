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
    /// The LSOA reference (CSV: lsoa, place, imd_decile) to keep with the batch: counts by place
    /// and deprivation use the newest batch's. Without one, breakdowns by them fail and say why.
    #[arg(long, env = "CONCORD_LSOA_REFERENCE")]
    pub lsoas: Option<PathBuf>,
    /// The date the extract runs to (YYYY-MM-DD), if not its latest event date: cohorts are
    /// counted on it by default. It may not be later than today.
    #[arg(long, value_parser = past_date)]
    pub data_to: Option<chrono::NaiveDate>,
    #[command(flatten)]
    pub store: StoreArgs,
    /// FHIR R4 NDJSON files (one resource per line) or CSV extracts (`.csv`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// A date on or before today, for `--data-to`.
fn past_date(text: &str) -> Result<chrono::NaiveDate, String> {
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("'{text}' is not a date written YYYY-MM-DD"))?;
    if date > chrono::Utc::now().date_naive() {
        return Err(format!(
            "{date} is in the future: data cannot run to a day not yet reached"
        ));
    }
    Ok(date)
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

/// The directory's practices' networks and places, to keep with a batch: none when there is no
/// operational database at `url` (an ingest never creates one) or it records no practices.
pub async fn directory_practices(
    url: &str,
) -> Result<Option<concord_population::cohort::measures::Reference>> {
    if sqlite_file(url).is_some_and(|path| !path.exists()) {
        return Ok(None);
    }
    let store = concord_store::Store::open(url)
        .await
        .with_context(|| format!("could not open the database at {url}"))?;
    let reference = concord_app::population::directory_practices(&store).await?;
    Ok((!reference.practices.is_empty()).then_some(reference))
}

/// Runs `concord ingest`.
pub fn ingest(
    args: &IngestArgs,
    practices: Option<&concord_population::cohort::measures::Reference>,
) -> Result<()> {
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
    let mut ingest =
        Ingest::new(&store, &key, &lookup, &args.source)?.max_line_bytes(args.max_line_mib << 20);
    if let Some(date) = args.data_to {
        ingest = ingest.data_to(date);
    }
    if let Some(path) = &args.lsoas {
        ingest = ingest.lsoa_reference(path)?;
    }
    if let Some(practices) = practices {
        ingest = ingest.practice_reference(practices);
    }
    let report = ingest.run(&args.files, &mut |progress| {
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
    match &manifest.practice_reference {
        Some(_) => out.push_str("Kept the directory's practices' networks and places with the batch.\n"),
        None => out.push_str("No practices' networks kept (no operational database, or no practices in it): counts by network use the directory when they are made.\n"),
    }
    match &manifest.lsoa_reference {
        Some(_) => out.push_str("Kept the LSOA reference with the batch: counts by place and deprivation use it.\n"),
        None => out.push_str("No LSOA reference kept (--lsoas): counts by deprivation, and by place for people without a practice, need one.\n"),
    }
    match &manifest.data_to {
        Some(date) => out.push_str(&format!(
            "The data run to {date}: cohorts are counted on that date unless they name another.\n"
        )),
        None => out.push_str(
            "No dated event: the batch's commit day stands in for the date the data run to.\n",
        ),
    }
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

/// `concord synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// How many people.
    #[arg(long, default_value_t = 100_000)]
    pub people: usize,
    /// Where to write (created if absent).
    #[arg(long)]
    pub out: PathBuf,
    /// The seed: the same seed and size give the same files.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// The date the records run up to.
    #[arg(long, default_value = "2026-10-31")]
    pub as_of: chrono::NaiveDate,
}

/// Runs `concord synth`.
pub fn synth(args: &SynthArgs) -> Result<()> {
    let options = concord_synth::SynthOptions {
        people: args.people,
        seed: args.seed,
        as_of: args.as_of,
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("could not create {}", args.out.display()))?;
    let summary = concord_synth::generate(&concord_demo::synth_system(), &options, &args.out)?;
    println!(
        "Wrote {} people ({} FHIR resources) to {}.",
        summary.people,
        summary.resources,
        args.out.display()
    );
    for (dir, source) in &summary.sources {
        println!(
            "  concord ingest --source {source} --postcodes {} {}/*.ndjson",
            args.out.join("reference/postcodes.csv").display(),
            args.out.join(dir).display()
        );
    }
    Ok(())
}

/// Output formats of `concord cohort run`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CohortFormat {
    /// JSON.
    Json,
    /// CSV: one row per count.
    Csv,
}

/// The disclosure rule, from the command line or the environment.
#[derive(Debug, Args)]
pub struct DisclosureArgs {
    /// Counts from 1 up to this are suppressed (shown as "<N").
    #[arg(long, env = "CONCORD_SUPPRESS_BELOW", default_value_t = 10)]
    pub suppress_below: u64,
    /// Other counts are rounded to the nearest multiple of this.
    #[arg(long, env = "CONCORD_ROUND_TO", default_value_t = 5)]
    pub round_to: u64,
}

/// `concord cohort run`.
#[derive(Debug, Args)]
pub struct CohortRunArgs {
    /// The cohort definition (TOML).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: CohortFormat,
    /// LSOA reference (lsoa, place, imd_decile); `<store>/reference/lsoas.csv` if absent.
    #[arg(long, env = "CONCORD_LSOA_REFERENCE")]
    pub lsoas: Option<PathBuf>,
    #[command(flatten)]
    pub disclosure: DisclosureArgs,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Reads the codelist CSV a definition names (a `code` column, or the first column), relative to
/// the definition's directory.
pub fn codelist_file(
    base: &Path,
    name: &str,
) -> std::result::Result<std::collections::HashSet<String>, String> {
    let path = base.join(name);
    let file = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut reader = csv::Reader::from_reader(file);
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let column = headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case("code"))
        .unwrap_or(0);
    let mut codes = std::collections::HashSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(code) = record.get(column).map(str::trim).filter(|c| !c.is_empty()) {
            codes.insert(code.to_string());
        }
    }
    Ok(codes)
}

/// The file of a `sqlite://` database URL (none for PostgreSQL or an in-memory database).
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:")).then(|| PathBuf::from(path))
}

/// Runs `concord cohort run`.
pub async fn cohort_run(args: &CohortRunArgs, database: &str) -> Result<()> {
    use concord_population::cohort::definition;
    let source = std::fs::read_to_string(&args.file)
        .with_context(|| format!("could not read {}", args.file.display()))?;
    let base = args.file.parent().unwrap_or(Path::new(".")).to_path_buf();
    let cohort = definition::parse(&source, &|name| codelist_file(&base, name))
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    // Practices' networks and places come from the operational database: never create an empty
    // one by accident, which would print every network as "(not known)".
    if let Some(path) = sqlite_file(database) {
        if !path.exists() {
            anyhow::bail!(
                "there is no operational database at {}: cohorts take practices' networks and places from it. Give it with --database (or CONCORD_DATABASE).",
                path.display()
            );
        }
    }
    let db = concord_store::Store::open(database)
        .await
        .with_context(|| format!("could not open the database at {database}"))?;
    let config = concord_app::population::PopulationConfig {
        store: args.store.store.clone(),
        lsoas: args.lsoas.clone(),
        disclosure: concord_population::disclosure::DisclosureRule {
            suppress_below: args.disclosure.suppress_below,
            round_to: args.disclosure.round_to.max(1),
        },
        ..Default::default()
    };
    let report = concord_app::population::cohorts::count_once(config, &db, cohort)
        .await?
        .with_context(|| {
            format!(
                "no population data have been ingested into {}",
                args.store.store.display()
            )
        })?;
    match args.format {
        CohortFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        CohortFormat::Csv => print!("{}", report.to_csv()),
    }
    Ok(())
}

/// Output formats of `concord sql`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SqlFormat {
    /// A text table.
    Table,
    /// CSV with a header.
    Csv,
}

/// `concord sql`.
#[derive(Debug, Args)]
pub struct SqlArgs {
    /// The statement; read from standard input if absent.
    pub statement: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: SqlFormat,
    /// The analytical store's directory.
    #[arg(
        long = "store",
        env = "CONCORD_POPULATION_STORE",
        default_value = "population"
    )]
    pub store: PathBuf,
}

/// Runs `concord sql`: one statement over the store's tables (patients, events, people).
pub async fn sql(args: &SqlArgs) -> Result<()> {
    let statement = match &args.statement {
        Some(s) => s.clone(),
        None => {
            std::io::read_to_string(std::io::stdin()).context("could not read the statement")?
        }
    };
    let session = concord_sql::SqlSession::open(&args.store).await?;
    let out = match args.format {
        SqlFormat::Table => session.table(&statement).await?,
        SqlFormat::Csv => session.csv(&statement).await?,
    };
    println!("{out}");
    Ok(())
}
