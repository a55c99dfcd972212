//! Reading and writing an HSDS 3.0 JSON feed: one record, a list of them, or a page of the Open
//! Referral API (`{"total_items": ..., "contents": [...]}`), of services, organizations (with
//! their services), services at locations (with their service), taxonomies or taxonomy terms.

use crate::hsds::{Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm};
use crate::{Directory, Problem, Problems, MAX_FILE_BYTES, MAX_SERVICES};
use serde_json::Value;

/// What a feed's records are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// Services, each with what belongs to it (the API's `/services/{id}`).
    Services,
    /// Organizations, each with its services (HSDS's full organization).
    Organizations,
    /// Services at locations, each with its location and its service.
    ServicesAtLocations,
    /// Taxonomies.
    Taxonomies,
    /// Taxonomy terms.
    TaxonomyTerms,
}

impl FeedKind {
    /// Every kind, in the order a form offers them.
    pub const ALL: [FeedKind; 5] = [
        FeedKind::Services,
        FeedKind::Organizations,
        FeedKind::ServicesAtLocations,
        FeedKind::Taxonomies,
        FeedKind::TaxonomyTerms,
    ];

    /// Its code, as a form or the API names it.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::Services => "services",
            FeedKind::Organizations => "organizations",
            FeedKind::ServicesAtLocations => "service_at_locations",
            FeedKind::Taxonomies => "taxonomies",
            FeedKind::TaxonomyTerms => "taxonomy_terms",
        }
    }

    /// Its name for people.
    pub fn label(self) -> &'static str {
        match self {
            FeedKind::Services => "Services",
            FeedKind::Organizations => "Organizations with their services",
            FeedKind::ServicesAtLocations => "Services at locations",
            FeedKind::Taxonomies => "Taxonomies",
            FeedKind::TaxonomyTerms => "Taxonomy terms",
        }
    }

    /// The kind with code `code`.
    pub fn from_code(code: &str) -> Option<FeedKind> {
        FeedKind::ALL.into_iter().find(|k| k.as_str() == code)
    }
}

/// Reads the feed `bytes`, named `file` in what is reported, whose records are `kind`: every
/// record that cannot be read is named by its number, id and field.
pub fn read_json(file: &str, bytes: &[u8], kind: FeedKind) -> Result<Directory, Problems> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Problem::file(
            file,
            format!(
                "the file is {} MB; the most that can be read at once is {} MB",
                bytes.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
        .into());
    }
    // serde_json refuses nesting deeper than 128 levels, so a hostile file cannot exhaust the
    // stack; HSDS itself nests about eight deep.
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| Problem::file(file, json_error(&e)))?;
    let records = match value {
        Value::Array(records) => records,
        Value::Object(mut page) if page.contains_key("contents") => match page.remove("contents") {
            Some(Value::Array(records)) => records,
            _ => {
                return Err(
                    Problem::file(file, "a page's contents must be a list of records").into(),
                )
            }
        },
        Value::Object(_) => vec![value],
        _ => {
            return Err(Problem::file(
                file,
                "expected a record, a list of records or a page of them",
            )
            .into())
        }
    };
    let mut directory = Directory::default();
    let mut problems = Problems::default();
    for (i, record) in records.into_iter().enumerate() {
        let number = i + 1;
        match kind {
            FeedKind::Services => {
                if let Some(service) =
                    crate::problem::read_record(file, number, record, &mut problems)
                {
                    directory.services.push(service);
                }
            }
            FeedKind::Organizations => {
                if let Some(organization) =
                    crate::problem::read_record::<Organization>(file, number, record, &mut problems)
                {
                    match services_of_organization(organization) {
                        Ok(services) => directory.services.extend(services),
                        Err(message) => {
                            problems.push(Problem::field(file, number, None, "services", message))
                        }
                    }
                }
            }
            FeedKind::ServicesAtLocations => {
                if let Some(at) = crate::problem::read_record::<ServiceAtLocation>(
                    file,
                    number,
                    record,
                    &mut problems,
                ) {
                    match service_of_service_at_location(at) {
                        Some(service) => directory.services.push(service),
                        None => problems.push(Problem::field(
                            file,
                            number,
                            None,
                            "service",
                            "a service at a location must carry its service",
                        )),
                    }
                }
            }
            FeedKind::Taxonomies => {
                if let Some(taxonomy) =
                    crate::problem::read_record::<Taxonomy>(file, number, record, &mut problems)
                {
                    directory.taxonomies.push(taxonomy);
                }
            }
            FeedKind::TaxonomyTerms => {
                if let Some(term) =
                    crate::problem::read_record::<TaxonomyTerm>(file, number, record, &mut problems)
                {
                    directory.taxonomy_terms.push(term);
                }
            }
        }
        if directory.services.len() > MAX_SERVICES {
            return Err(Problem::file(
                file,
                format!("more than {MAX_SERVICES} services: import them in parts"),
            )
            .into());
        }
    }
    problems.into_result()?;
    Ok(match kind {
        FeedKind::ServicesAtLocations => merge_services_at_locations(directory),
        _ => directory,
    })
}

/// serde_json's message with its position first, as `line L, column C: ...`.
fn json_error(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m)
        .to_string();
    format!("line {}, column {}: {message}", e.line(), e.column())
}

/// The most bytes an organization may take once copied into each of its services.
pub const MAX_ORGANIZATION_COPIES_BYTES: usize = 64 * 1024 * 1024;

/// An organization's services, each carrying the organization (without its list of services),
/// as HSDS's full service does; refused when those copies would be too large.
fn services_of_organization(mut organization: Organization) -> Result<Vec<Service>, String> {
    let services = organization.services.take().unwrap_or_default();
    let size = serde_json::to_vec(&organization).map_or(0, |b| b.len());
    if size.saturating_mul(services.len()) > MAX_ORGANIZATION_COPIES_BYTES {
        return Err(format!(
            "the organization ({size} bytes) would be copied into each of its {} services, more than {} MB in all: give its services as a services feed instead",
            services.len(),
            MAX_ORGANIZATION_COPIES_BYTES / (1024 * 1024)
        ));
    }
    Ok(services
        .into_iter()
        .map(|mut service| {
            if service.organization.is_none() {
                service.organization = Some(Box::new(organization.clone()));
            }
            service
        })
        .collect())
}

/// A service at a location turned round: its service, listing it (without the service).
fn service_of_service_at_location(mut at: ServiceAtLocation) -> Option<Service> {
    let mut service = *at.service.take()?;
    service.service_at_locations = Some(vec![at]);
    Some(service)
}

/// Services given more than once by a services-at-locations feed (one record for each place
/// they are offered) become one service, offered at each place.
fn merge_services_at_locations(mut directory: Directory) -> Directory {
    let mut merged: Vec<Service> = Vec::with_capacity(directory.services.len());
    let mut index = std::collections::HashMap::new();
    for service in directory.services.drain(..) {
        match index.get(&service.id) {
            Some(&at) => {
                let kept: &mut Service = &mut merged[at];
                let same_otherwise = Service {
                    service_at_locations: kept.service_at_locations.clone(),
                    ..service.clone()
                } == *kept;
                if same_otherwise {
                    if let (Some(places), Some(more)) = (
                        kept.service_at_locations.as_mut(),
                        service.service_at_locations.as_ref(),
                    ) {
                        places.extend(more.iter().cloned());
                        continue;
                    }
                }
                // Not the same service apart from where it is offered: kept as given, so the
                // check reports the repeated id.
                merged.push(service);
            }
            None => {
                index.insert(service.id.clone(), merged.len());
                merged.push(service);
            }
        }
    }
    directory.services = merged;
    directory
}

/// The services as a JSON list of full services, as read.
pub fn write_services(services: &[Service]) -> String {
    serde_json::to_string(services).expect("HSDS objects always serialise")
}

/// The taxonomies as a JSON list.
pub fn write_taxonomies(taxonomies: &[Taxonomy]) -> String {
    serde_json::to_string(taxonomies).expect("HSDS objects always serialise")
}

/// The taxonomy terms as a JSON list.
pub fn write_taxonomy_terms(terms: &[TaxonomyTerm]) -> String {
    serde_json::to_string(terms).expect("HSDS objects always serialise")
}
