//! `concord directory`: the service directory from the command line, for the server's operator:
//! import an HSDS feed or data package (as a partner's services, or the system's own), export the
//! whole directory as an HSDS feed, and search it (timing each search).

use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use concord_app::refer::directory::{export_json, export_package, import_as_operator, Upload};
use concord_directory::feed::FeedKind;
use concord_store::directory::{self, ServiceFilter};
use concord_store::{organisations, Actor, PageRequest, Store};
use std::path::PathBuf;
use std::time::Instant;

/// What a file holds.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    /// An HSDS JSON feed of services.
    Services,
    /// An HSDS JSON feed of organizations with their services.
    Organizations,
    /// An HSDS JSON feed of services at locations.
    ServiceAtLocations,
    /// An HSDS JSON feed of taxonomies.
    Taxonomies,
    /// An HSDS JSON feed of taxonomy terms.
    TaxonomyTerms,
    /// An HSDS CSV data package (give all its .csv files).
    Csv,
}

/// `concord directory ...`.
#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// Import an Open Referral UK (HSDS 3.0) feed or CSV data package, all or nothing: every
    /// problem is named by file, record and field, and then nothing is changed.
    Import {
        /// The JSON feed, or every CSV file of a data package.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// What the files hold.
        #[arg(long, value_enum, default_value = "services")]
        kind: Kind,
        /// The partner whose services these are (its ODS code or id); none for the system's own
        /// directory (a council's or a national feed).
        #[arg(long)]
        partner: Option<String>,
    },
    /// Write the whole directory as an HSDS JSON feed (every service in full), or with
    /// --package as a zipped HSDS CSV data package.
    Export {
        /// Where to write it (standard output if not given; a package needs a file).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write a CSV data package (a zip of one table per kind of record) instead of JSON.
        #[arg(long)]
        package: bool,
    },
    /// Find services by words (and a postcode district), timing the search.
    Search {
        /// The words.
        words: Vec<String>,
        /// Only services offered in this postcode district (such as RV2).
        #[arg(long)]
        district: Option<String>,
        /// Instead of in the district, within this many metres of its middle (the median position
        /// of the places listed in it), nearest first.
        #[arg(long, requires = "district")]
        within: Option<u32>,
        /// Run the search this many times and report the 50th and 95th percentile times.
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
}

/// Runs a directory command against `store`.
pub async fn run(store: &Store, operator: &Actor, command: &DirectoryCommand) -> Result<()> {
    match command {
        DirectoryCommand::Import {
            files,
            kind,
            partner,
        } => {
            let partner_id = match partner {
                Some(code) => Some(match organisations::find_by_code(store, code).await? {
                    Some(org) => org.id,
                    None => code.clone(),
                }),
                None => None,
            };
            let mut read = Vec::new();
            for path in files {
                let bytes = std::fs::read(path)
                    .with_context(|| format!("could not read {}", path.display()))?;
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_else(|| path.display().to_string());
                read.push((name, bytes));
            }
            let upload = match kind {
                Kind::Csv => Upload::Package { files: read },
                _ if read.len() > 1 => {
                    bail!("give one JSON feed (several files make a CSV data package: --kind csv)")
                }
                feed => {
                    let (file_name, bytes) = read.remove(0);
                    let kind = match feed {
                        Kind::Services => FeedKind::Services,
                        Kind::Organizations => FeedKind::Organizations,
                        Kind::ServiceAtLocations => FeedKind::ServicesAtLocations,
                        Kind::Taxonomies => FeedKind::Taxonomies,
                        _ => FeedKind::TaxonomyTerms,
                    };
                    Upload::Feed {
                        file_name,
                        bytes,
                        kind,
                    }
                }
            };
            let started = Instant::now();
            let report = import_as_operator(store, operator, partner_id.as_deref(), &upload)
                .await
                .map_err(|e| crate::cli::refused("the directory", e))?;
            println!(
                "Imported in {:.2} s: {} new, {} changed and {} unchanged services; {} taxonomies, {} taxonomy terms.",
                started.elapsed().as_secs_f64(),
                report.added,
                report.changed,
                report.unchanged,
                report.taxonomies,
                report.taxonomy_terms
            );
            for line in &report.passed_over {
                println!("Passed over: {line}");
            }
        }
        DirectoryCommand::Export { out, package: true } => {
            let Some(path) = out else {
                anyhow::bail!("give --out FILE.zip: a data package is a zip file");
            };
            let zip = export_package(store).await?;
            std::fs::write(path, zip)
                .with_context(|| format!("could not write {}", path.display()))?;
        }
        DirectoryCommand::Export {
            out,
            package: false,
        } => {
            let json = export_json(store).await?;
            match out {
                Some(path) => std::fs::write(path, json)
                    .with_context(|| format!("could not write {}", path.display()))?,
                None => println!("{json}"),
            }
        }
        DirectoryCommand::Search {
            words,
            district,
            within,
            repeat,
        } => {
            let near = match (district, within) {
                (Some(district), Some(metres)) => {
                    let (centre, _) = directory::district_centre(store, district)
                        .await?
                        .with_context(|| format!("no place listed in {district} has a position"))?;
                    let near =
                        directory::Near::new(centre, f64::from(*metres)).with_context(|| {
                            format!(
                                "--within must be from 1 to {} metres",
                                directory::MAX_METRES
                            )
                        })?;
                    Some(near)
                }
                _ => None,
            };
            let filter = ServiceFilter {
                search: Some(words.join(" ")).filter(|w| !w.trim().is_empty()),
                postcode_district: if near.is_some() {
                    None
                } else {
                    district.clone()
                },
                near,
                ..ServiceFilter::default()
            };
            let mut times = Vec::new();
            let mut found = None;
            for _ in 0..(*repeat).max(1) {
                let started = Instant::now();
                let page = directory::services(store, &filter, PageRequest::new(Some(1), Some(25)))
                    .await?;
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                found = Some(page);
            }
            times.sort_by(f64::total_cmp);
            let at = |q: f64| {
                times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1]
            };
            let page = found.expect("searched at least once");
            println!(
                "{} services found; {} searches: 50th percentile {:.2} ms, 95th {:.2} ms.",
                page.total,
                times.len(),
                at(0.5),
                at(0.95)
            );
            for service in page.items.iter().take(10) {
                println!("  {}", service.name);
            }
        }
    }
    Ok(())
}
