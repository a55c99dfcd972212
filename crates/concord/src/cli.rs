//! Command-line interface: parsing (clap) and one function per command.

use crate::serve::{print_demo, serve_until_stopped, ServeArgs};
use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use concord_domain::{OrganisationDraft, PersonDraft};
use concord_store::{accounts, audit, organisations, people, Actor, AuditFilter, Store};
use std::io::{BufRead, IsTerminal};

/// Concord: the shared operating platform of an integrated care system.
#[derive(Debug, Parser)]
#[command(name = "concord", version, about)]
pub struct Cli {
    /// The database: sqlite://FILE (embedded, the default) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "CONCORD_DATABASE")]
    database: Option<String>,
    /// The audit anchor: signed checkpoints of the audit chain, kept outside the database
    /// (default: beside a SQLite file, `NAME-audit.anchor`; for PostgreSQL `concord-audit.anchor`).
    #[arg(long, global = true, env = "CONCORD_AUDIT_ANCHOR")]
    audit_anchor: Option<std::path::PathBuf>,
    /// The key that signs the audit anchor's checkpoints, in its own owner-only file held apart
    /// from the database (default: `NAME-audit.key`, or `concord-audit.key`).
    #[arg(long, global = true, env = "CONCORD_AUDIT_KEY_FILE")]
    audit_key_file: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create (once) the fictional Riverside and Vale ICS, print a sign-in for each role, and serve it.
    Demo {
        #[command(flatten)]
        serve: ServeArgs,
        /// Load the demo data and exit without serving.
        #[arg(long)]
        no_serve: bool,
        /// People in the synthetic population, generated and ingested through the real ingest
        /// path the first time (1,000,000 and more work; they take longer).
        #[arg(long, default_value_t = 100_000, env = "CONCORD_DEMO_PEOPLE")]
        people: usize,
    },
    /// Serve the web pages and JSON API.
    Serve {
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Create or update the database schema, then exit.
    Migrate,
    /// Work out notifications and send the e-mails due, once, and say what was done (a running
    /// server does this itself every few minutes).
    Notify {
        #[command(flatten)]
        notify: crate::notify::NotifyArgs,
        /// The system's name, signed at the foot of each e-mail.
        #[arg(
            long,
            default_value = "Riverside and Vale ICS",
            env = "CONCORD_SYSTEM_NAME"
        )]
        system_name: String,
    },
    /// Add an organisation (to bootstrap a new system).
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage sign-in accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Check or export the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Where partners' priorities align: consensus ranking, pairwise agreement, contested areas.
    ///
    /// The CSV has a header and one row per (partner, area, rank): rank 1 is most important, equal
    /// ranks are ties, and a partner may leave areas unranked. An optional partner_type column groups
    /// partners (for example NHS, council, VCSE).
    Align {
        /// The rankings file.
        #[arg(long)]
        input: std::path::PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: crate::align::Format,
    },
    /// A Making Data Count SPC (XmR) chart of one series in a CSV file: limits, special causes,
    /// and the variation and assurance icons, as JSON, CSV or SVG.
    ///
    /// The default methodology profile reproduces the R package NHSRplotthedots 0.2.2; every
    /// output names the profile it was drawn under.
    Spc(crate::spc::SpcArgs),
    /// Simulate care pathways and waiting lists (discrete-event, with confidence intervals).
    #[command(subcommand)]
    Sim(crate::sim::SimCommand),
    /// Plan a waiting list: its load, target size and the capacity that reaches and keeps it.
    #[command(subcommand)]
    Waitlist(crate::waitlist::WaitlistCommand),
    /// The service directory (Open Referral UK, HSDS 3.0): import, export and search.
    #[command(subcommand)]
    Directory(crate::directory::DirectoryCommand),
    /// Exchange with other Concord systems: the system's signing key, and signed documents.
    #[command(subcommand)]
    Exchange(crate::exchange::ExchangeCommand),
    /// The metric catalogue's data.
    #[command(subcommand)]
    Metrics(MetricsCommand),
    /// System finance returns.
    #[command(subcommand)]
    Finance(FinanceCommand),
    /// Ingest a partner's FHIR R4 bulk-data NDJSON files or CSV extracts into the pseudonymised
    /// population store, as one atomic batch.
    ///
    /// NHS numbers are checked (Modulus 11) and replaced by keyed pseudonyms; postcodes become
    /// LSOAs; names, addresses and full dates of birth are never kept. Bad lines are refused,
    /// counted and listed (file, line, field) and the rest kept. A file already ingested from the
    /// same source is not read again.
    Ingest(crate::population::IngestArgs),
    /// Write a synthetic population for the demo system as FHIR R4 bulk-data NDJSON (GP records
    /// and each acute trust's), with practices' registered lists and the postcode and LSOA
    /// tables. Seeded: the same seed and size give the same files.
    Synth(crate::population::SynthArgs),
    /// Cohorts over the population store.
    #[command(subcommand)]
    Cohort(CohortCommand),
    /// SQL over the population store (Apache DataFusion): the tables `patients` and `events` (each
    /// row with its `batch`) and the view `people` (one row per pseudonym). Pseudonymised data
    /// only; aggregate results you publish must follow the system's disclosure rule.
    Sql(crate::population::SqlArgs),
}

#[derive(Debug, Subcommand)]
enum CohortCommand {
    /// Count a cohort defined in a TOML file, with the breakdowns it asks for. Every count passes
    /// through the disclosure rule, which is printed with the output.
    Run(crate::population::CohortRunArgs),
}

#[derive(Debug, Subcommand)]
enum FinanceCommand {
    /// Load a finance return from a CSV file: `revenue` (organisation, month, plan_income,
    /// plan_expenditure, actual_income, actual_expenditure, forecast_outturn, variance_reason),
    /// `pooled` (budget, organisation, month, contribution, spend) or `efficiency` (organisation,
    /// scheme, month, planned, delivered). Amounts are pounds to the penny; months YYYY-MM. All or
    /// nothing: any bad row is named by line and field and nothing is loaded.
    Load {
        /// What the file holds: revenue, pooled or efficiency.
        #[arg(long)]
        kind: String,
        /// The return file.
        #[arg(long)]
        input: std::path::PathBuf,
    },
}

/// The message for a refused batch: every problem, one per line.
pub(crate) fn refused(name: &str, err: concord_store::StoreError) -> anyhow::Error {
    match err {
        concord_store::StoreError::Invalid(errors) => anyhow::anyhow!(
            "{name} was not loaded (nothing was changed):\n{}",
            errors
                .0
                .iter()
                .map(|e| format!("  {}", e.message))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        other => other.into(),
    }
}

#[derive(Debug, Subcommand)]
enum MetricsCommand {
    /// Load metric values from a CSV file with the columns metric, organisation, place, period,
    /// value (organisation: an ODS code for an organisation's series; place: a place's name; both
    /// blank for the whole system). All or nothing: any bad row is named by line and field and
    /// nothing is loaded. Loading the same file again changes nothing.
    Load {
        /// The values file.
        #[arg(long)]
        input: std::path::PathBuf,
    },
    /// Put the referral measures (referrals sent, the share accepted, the wait to first contact)
    /// in the catalogue if they are not there, and compute their values now from the referrals
    /// (the server also does this every hour). Counts pass the disclosure rule.
    Referrals {
        /// The organisation that answers for the measures (its ODS code), needed only to add
        /// them to the catalogue; usually the integrated care board.
        #[arg(long)]
        owner: Option<String>,
        #[command(flatten)]
        disclosure: crate::population::DisclosureArgs,
    },
}

#[derive(Debug, Subcommand)]
enum OrgCommand {
    /// Add an organisation.
    Add {
        /// Its name.
        #[arg(long)]
        name: String,
        /// Its ODS code (or council code, charity number).
        #[arg(long)]
        code: String,
        /// Its type: icb, acute_trust, community_trust, mental_health_trust, gp_practice, pcn, council, vcse, healthwatch, hospice, other.
        #[arg(long = "type")]
        org_type: String,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Give a person a sign-in account, adding the person first if they are new.
    ///
    /// The password is read from the CONCORD_PASSWORD environment variable, or from standard input.
    Add {
        /// The sign-in name.
        #[arg(long)]
        username: String,
        /// The person's work e-mail address (an existing person is found by it).
        #[arg(long)]
        email: String,
        /// For a new person: given name.
        #[arg(long)]
        given_name: Option<String>,
        /// For a new person: family name.
        #[arg(long)]
        family_name: Option<String>,
        /// For a new person: the code of their organisation.
        #[arg(long)]
        organisation: Option<String>,
        /// For a new person: their role there, for example system_administrator.
        #[arg(long)]
        role: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Walk the hash chain and report the first entry that does not check out. Exits 1 if broken.
    Verify,
    /// Write the whole log as CSV to standard output.
    Export,
}

/// Keeps an anchor of a demo database that was deleted, renamed with the time.
fn set_aside_anchor_of_a_former_database(anchor: &std::path::Path) -> Result<()> {
    if !std::fs::metadata(anchor).is_ok_and(|m| m.len() > 0) {
        return Ok(());
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let kept = std::path::PathBuf::from(format!("{}.before-{stamp}", anchor.display()));
    std::fs::rename(anchor, &kept)
        .with_context(|| format!("could not set aside {}", anchor.display()))?;
    eprintln!(
        "A new demo database: the audit anchor of the one it replaces was kept as {} and a new one begun.",
        kept.display()
    );
    Ok(())
}

/// The file of a SQLite URL, if it is one.
fn sqlite_path(url: &str) -> Option<String> {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|path| path.split('?').next().unwrap_or_default().to_string())
        .filter(|path| !path.is_empty() && !path.contains(":memory:"))
}

/// Where the operational database and its audit anchor are, as the command line gave them.
struct Database {
    url: Option<String>,
    anchor: Option<std::path::PathBuf>,
    key_file: Option<std::path::PathBuf>,
}

impl Database {
    /// The database's URL, or `fallback` when none was given.
    fn url(&self, fallback: &str) -> String {
        self.url.clone().unwrap_or_else(|| fallback.to_string())
    }

    /// The anchor and key files: as given, else beside a SQLite file, else in the working directory.
    fn anchor_files(&self, url: &str) -> (std::path::PathBuf, std::path::PathBuf) {
        let stem = sqlite_path(url)
            .map(|path| path.strip_suffix(".db").map(str::to_string).unwrap_or(path))
            .unwrap_or_else(|| "concord".to_string());
        (
            self.anchor
                .clone()
                .unwrap_or_else(|| format!("{stem}-audit.anchor").into()),
            self.key_file
                .clone()
                .unwrap_or_else(|| format!("{stem}-audit.key").into()),
        )
    }

    /// Opens the database (`fallback` when none was given), brings its schema up to date, and
    /// anchors its audit chain.
    async fn open(&self, fallback: &str) -> Result<Store> {
        let url = self.url(fallback);
        let store = Store::open(&url)
            .await
            .with_context(|| format!("could not open the database at {url}"))?;
        let (anchor, key) = self.anchor_files(&url);
        let anchor = concord_store::AuditAnchor::open(&anchor, &key)?;
        Ok(store.with_anchor(anchor))
    }

    /// Opens the demo's database; when this run is creating it (no database file yet), an anchor
    /// left by a demo database that was deleted is set aside first, so the new demo starts a new
    /// anchor. Only the demo does this: for every other command an anchor that does not match its
    /// database is reported by `concord audit verify`, never set aside.
    async fn open_demo(&self, fallback: &str) -> Result<Store> {
        let url = self.url(fallback);
        let creating = sqlite_path(&url).is_some_and(|path| !std::path::Path::new(&path).exists());
        if creating {
            set_aside_anchor_of_a_former_database(&self.anchor_files(&url).0)?;
        }
        self.open(fallback).await
    }
}

/// Runs the parsed command.
pub async fn run(cli: Cli) -> Result<()> {
    let operator = Actor::system("command line");
    let database = Database {
        url: cli.database.clone(),
        anchor: cli.audit_anchor.clone(),
        key_file: cli.audit_key_file.clone(),
    };
    match cli.command {
        Command::Spc(args) => crate::spc::run(&args)?,
        Command::Sim(command) => crate::sim::run_command(&command)?,
        Command::Waitlist(command) => crate::waitlist::run_command(&command)?,
        Command::Exchange(command) => crate::exchange::run(&command)?,
        Command::Directory(command) => {
            let store = database.open("sqlite://concord.db").await?;
            crate::directory::run(&store, &operator, &command).await?
        }
        Command::Ingest(args) => {
            let url = database.url("sqlite://concord.db");
            let practices = crate::population::directory_practices(&url).await?;
            crate::population::ingest(&args, practices.as_ref())?
        }
        Command::Synth(args) => crate::population::synth(&args)?,
        Command::Sql(args) => crate::population::sql(&args).await?,
        Command::Cohort(CohortCommand::Run(args)) => {
            let url = database.url("sqlite://concord.db");
            crate::population::cohort_run(&args, &url).await?
        }
        Command::Metrics(MetricsCommand::Load { input }) => {
            let store = database.open("sqlite://concord.db").await?;
            let file = std::fs::File::open(&input)
                .with_context(|| format!("could not open {}", input.display()))?;
            let name = input.display().to_string();
            let loaded = async {
                let rows = concord_store::metric_load::parse_csv(file, "file")?;
                concord_store::metric_load::load(&store, &operator, &rows, &name, "file", &|_| true)
                    .await
            }
            .await
            .map_err(|e| refused(&name, e))?;
            println!(
                "Loaded {}: {} rows, {} added, {} changed, {} unchanged, {} new series.",
                name,
                loaded.rows,
                loaded.added,
                loaded.changed,
                loaded.unchanged,
                loaded.series_created
            );
        }
        Command::Metrics(MetricsCommand::Referrals { owner, disclosure }) => {
            use concord_app::refer::measures;
            let store = database.open("sqlite://concord.db").await?;
            if let Some(code) = owner {
                let owner = concord_store::organisations::find_by_code(&store, &code)
                    .await?
                    .with_context(|| format!("no organisation has the code '{code}'"))?;
                let added = measures::add_to_catalogue(&store, &operator, &owner.id).await?;
                println!("{added} referral measures added to the catalogue.");
            }
            let rule = concord_population::disclosure::DisclosureRule {
                suppress_below: disclosure.suppress_below,
                round_to: disclosure.round_to.max(1),
            };
            match measures::publish(&store, &operator, &rule).await? {
                Some(published) => {
                    if let Some(loaded) = published.loaded {
                        println!(
                            "Referral measures: {} values, {} added, {} changed, {} unchanged, {} new series.",
                            loaded.rows, loaded.added, loaded.changed, loaded.unchanged, loaded.series_created
                        );
                    }
                    println!(
                        "Referral measures: {} values no longer published were withdrawn.",
                        published.withdrawn
                    );
                }
                None => println!("Referral measures: nothing to change (or none in the catalogue: add them with --owner)."),
            }
        }
        Command::Finance(FinanceCommand::Load { kind, input }) => {
            use concord_store::finance_load::{self, Dataset};
            let dataset: Dataset = kind.parse().map_err(|_| {
                anyhow::anyhow!("--kind must be revenue, pooled or efficiency, not '{kind}'")
            })?;
            let store = database.open("sqlite://concord.db").await?;
            let file = std::fs::File::open(&input)
                .with_context(|| format!("could not open {}", input.display()))?;
            let name = input.display().to_string();
            let loaded = async {
                let rows = finance_load::parse_csv(file, dataset, "file")?;
                finance_load::load(&store, &operator, dataset, &rows, &name, "file", &|_| true)
                    .await
            }
            .await
            .map_err(|e| refused(&name, e))?;
            println!(
                "Loaded {}: {} rows, {} added, {} changed, {} unchanged.",
                name, loaded.rows, loaded.added, loaded.changed, loaded.unchanged
            );
        }
        Command::Demo {
            serve,
            no_serve,
            people,
        } => {
            // Take the port before loading anything, so a port already in use fails at once
            // rather than after the load, and no sign-in link points at somebody else's server.
            let listener = if no_serve {
                None
            } else {
                Some(serve.listen().await?)
            };
            let store = database.open_demo("sqlite://concord-demo.db").await?;
            let summary = concord_demo::seed(&store)
                .await
                .context("could not load the demo data")?;
            let mut population =
                serve.population("concord-demo-population", "concord-demo-population.key");
            // The demo's synthetic population comes with its own postcode lookup.
            population.postcodes.get_or_insert_with(|| {
                format!(
                    "{}-extracts/reference/postcodes.csv",
                    population.store.display()
                )
                .into()
            });
            let setup = concord_demo::PopulationSetup {
                store: population.store.clone(),
                key_file: population.key_file.clone(),
                people,
            };
            let ingested = concord_demo::seed_population(&store, &setup)
                .await
                .context("could not load the demo population")?;
            let scenarios = concord_demo::seed_design(&store, population.clone())
                .await
                .context("could not build the demo's Design scenarios")?;
            if scenarios > 0 {
                println!("Design: {scenarios} scenarios built from the registered lists and run.");
            }
            let services = concord_demo::seed_directory(&store)
                .await
                .context("could not load the demo's service directory")?;
            if services > 0 {
                println!("Refer: {services} services imported into the directory (Open Referral API at /openreferral).");
            }
            let referred = concord_demo::seed_referrals(&store, population.clone())
                .await
                .context("could not load the demo's year of referrals")?;
            if referred > 0 {
                println!("Refer: a link worker in each primary care network, and {referred} referrals over the last two years.");
            }
            let responses = concord_demo::seed_consultation(&store)
                .await
                .context("could not load the demo's consultation")?;
            if responses > 0 {
                println!("Listen: the Joint Forward Plan consultation with {responses} responses, themed, six themes answered.");
            }
            let answers = concord_demo::seed_pulse(&store)
                .await
                .context("could not load the demo's trust pulse")?;
            if answers > 0 {
                println!("Listen: eight quarters of the partnership trust pulse ({answers} answers) and this quarter's round open.");
            }
            let exchange = serve.exchange(Some(
                &population
                    .key_file
                    .with_file_name("concord-demo-exchange.jwk"),
            ))?;
            let kept = concord_demo::seed_exchange(
                &store,
                &exchange,
                &population.disclosure,
                &population.key_file.with_file_name("concord-demo-northmoor"),
            )
            .await
            .context("could not load the demo's exchange with another system")?;
            if kept > 0 {
                println!(
                    "Exchange: {kept} signed documents from {} verified and kept.",
                    concord_demo::NORTHMOOR
                );
            }
            print_demo(&summary, &serve);
            println!(
                "Population: {} resources in {} batches{} in {}.",
                ingested.resources,
                ingested.batches,
                if ingested.already_present {
                    " (already ingested)"
                } else {
                    ""
                },
                setup.store.display()
            );
            println!();
            if let Some(listener) = listener {
                serve_until_stopped(store, &serve, population, exchange, listener).await?;
            }
        }
        Command::Serve { serve } => {
            let listener = serve.listen().await?;
            let store = database.open("sqlite://concord.db").await?;
            let population = serve.population("population", "population.key");
            let exchange = serve.exchange(None)?;
            serve_until_stopped(store, &serve, population, exchange, listener).await?;
        }
        Command::Notify {
            notify,
            system_name,
        } => {
            let store = database.open("sqlite://concord.db").await?;
            crate::notify::once(&store, &notify, &system_name).await?;
        }
        Command::Migrate => {
            database.open("sqlite://concord.db").await?;
            println!("The database is up to date.");
        }
        Command::Org(OrgCommand::Add {
            name,
            code,
            org_type,
        }) => {
            let store = database.open("sqlite://concord.db").await?;
            let draft = OrganisationDraft {
                name,
                code,
                org_type,
                ..Default::default()
            };
            let id = organisations::create(&store, &operator, &draft)
                .await
                .map_err(explain)?;
            println!("Added organisation {id}.");
        }
        Command::User(UserCommand::Add {
            username,
            email,
            given_name,
            family_name,
            organisation,
            role,
        }) => {
            let store = database.open("sqlite://concord.db").await?;
            let person_id = match people::find_by_email(&store, &email).await? {
                Some(person) => person.id,
                None => {
                    let (Some(given_name), Some(family_name), Some(code), Some(role)) =
                        (given_name, family_name, organisation, role)
                    else {
                        bail!("no one has the email address {email}: to add them, give --given-name, --family-name, --organisation and --role");
                    };
                    let Some(org) = organisations::find_by_code(&store, &code).await? else {
                        bail!("no organisation has the code {code}: add it first with `concord org add`");
                    };
                    let draft = PersonDraft {
                        given_name,
                        family_name,
                        email,
                        ..Default::default()
                    };
                    people::create_in_organisation(&store, &operator, &org.id, &draft, &role)
                        .await
                        .map_err(explain)?
                }
            };
            let password = read_password()?;
            accounts::create_account(&store, &operator, &person_id, &username, &password)
                .await
                .map_err(explain)?;
            println!("Account '{username}' created.");
        }
        Command::Audit(AuditCommand::Verify) => {
            let store = database.open("sqlite://concord.db").await?;
            let report = audit::verify(&store).await?;
            if report.is_intact() {
                println!(
                    "The audit log is intact: {} entries, every hash and link checks out; {} signed checkpoints in the audit anchor match it.",
                    report.entries, report.anchored
                );
            } else {
                eprintln!(
                    "The audit log has been tampered with: {} (first bad entry: {}; {} entries before it check out).",
                    report.problem.unwrap_or_default(),
                    report.first_broken_seq.unwrap_or_default(),
                    report.entries
                );
                std::process::exit(1);
            }
        }
        Command::Align { input, format } => crate::align::run(&input, format)?,
        Command::Audit(AuditCommand::Export) => {
            let store = database.open("sqlite://concord.db").await?;
            print!(
                "{}",
                audit::export_csv(
                    &store,
                    &concord_store::meetings::operator_scope(&store).await?,
                    &AuditFilter::default(),
                )
                .await?
            );
        }
    }
    Ok(())
}

/// Turns a store error into a message naming the fields that failed.
fn explain(err: concord_store::StoreError) -> anyhow::Error {
    match err {
        concord_store::StoreError::Invalid(errors) => {
            anyhow::anyhow!(
                "{}",
                errors
                    .0
                    .iter()
                    .map(|e| format!("--{}: {}", e.field.replace('_', "-"), e.message))
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        }
        other => other.into(),
    }
}

fn read_password() -> Result<String> {
    if let Ok(password) = std::env::var("CONCORD_PASSWORD") {
        return Ok(password);
    }
    if std::io::stdin().is_terminal() {
        eprint!(
            "Password (at least {} characters; shown as you type): ",
            accounts::MIN_PASSWORD_LEN
        );
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}
