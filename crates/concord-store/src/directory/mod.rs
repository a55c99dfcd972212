//! The service directory (Open Referral UK, HSDS 3.0): services kept as HSDS gives them,
//! imported whole or not at all, found by their words, terms, places, capacity and when they
//! changed, and served as they were imported.
//!
//! A service belongs to the partner whose feed brought it (or to no partner: a council's or a
//! national directory, kept by administrators). An import never takes a service from its owner:
//! a feed that names another's service is refused, naming the service.

mod capacity;

pub use capacity::set_capacity;

use crate::audit::{Actor, AuditEntry};
use crate::rows::{all, one_by_id, optional_decimal, page_of, values_clause, RowExt};
use crate::{Page, PageRequest, Store, StoreError};
use concord_directory::hsds::Service;
use concord_directory::{index, Directory};
use std::collections::HashMap;

/// Rows inserted by one statement.
const CHUNK: usize = 200;

/// The most records passed over that an import lists (the rest are counted).
const MAX_PASSED_OVER_LISTED: usize = 100;

/// What an import is, as recorded.
#[derive(Debug, Clone, Copy)]
pub struct ImportRequest<'a> {
    /// The file's name as uploaded.
    pub file_name: &'a str,
    /// What it held (a feed's kind, or `csv_package`).
    pub kind: &'a str,
    /// The partner whose services these are (None: no partner's).
    pub partner_organisation_id: Option<&'a str>,
    /// The file's SHA-256, in hex.
    pub file_sha256: &'a str,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// The import's id.
    pub id: String,
    /// Services new to the directory.
    pub added: usize,
    /// Services already there and changed.
    pub changed: usize,
    /// Services already there exactly as given.
    pub unchanged: usize,
    /// Taxonomies added or replaced.
    pub taxonomies: usize,
    /// Taxonomy terms added or replaced.
    pub taxonomy_terms: usize,
    /// Records passed over (belonging to nothing in the file), a line each.
    pub passed_over: Vec<String>,
}

/// Imports `directory` as `request` describes, in one transaction: every service is added or
/// replaced, unless any belongs to someone else, when nothing is.
pub async fn import(
    store: &Store,
    actor: &Actor,
    request: ImportRequest<'_>,
    directory: &Directory,
) -> Result<ImportReport, StoreError> {
    let id = crate::new_id();
    let now = crate::now_utc();
    let mut passed_over: Vec<String> = directory
        .passed_over
        .iter()
        .take(MAX_PASSED_OVER_LISTED)
        .map(|p| without_nul(&p.to_string()))
        .collect();
    if directory.passed_over.len() > MAX_PASSED_OVER_LISTED {
        passed_over.push(format!(
            "... and {} more",
            directory.passed_over.len() - MAX_PASSED_OVER_LISTED
        ));
    }
    let documents: Vec<String> = directory
        .services
        .iter()
        .map(|s| serde_json::to_string(s).expect("HSDS objects always serialise"))
        .collect();
    let entry = AuditEntry::success(
        actor,
        "directory.import",
        "directory_import",
        Some(&id),
        format!(
            "{} ({}): {} services, {} taxonomy terms",
            request.file_name,
            request.kind,
            directory.services.len(),
            directory.taxonomy_terms.len()
        ),
    );
    let report = store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let mut existing: HashMap<String, (Option<String>, Option<String>, String)> =
                HashMap::new();
            let ids: Vec<&str> = directory.services.iter().map(|s| s.id.as_str()).collect();
            for chunk in ids.chunks(CHUNK) {
                let sql = format!(
                    "SELECT s.id, s.partner_organisation_id, o.name AS partner_name, s.document \
                     FROM directory_services s LEFT JOIN organisations o ON o.id = s.partner_organisation_id \
                     WHERE s.id IN {}",
                    values_clause(1, &vec!["{}"; chunk.len()])
                );
                let mut query = sqlx::query(&sql);
                for id in chunk {
                    query = query.bind(*id);
                }
                for row in query.fetch_all(tx.conn()).await? {
                    existing.insert(
                        row.text("id")?,
                        (
                            row.opt_text("partner_organisation_id")?,
                            row.opt_text("partner_name")?,
                            row.text("document")?,
                        ),
                    );
                }
            }
            let mut report = ImportReport {
                id: id.clone(),
                added: 0,
                changed: 0,
                unchanged: 0,
                taxonomies: directory.taxonomies.len(),
                taxonomy_terms: directory.taxonomy_terms.len(),
                passed_over: passed_over.clone(),
            };
            // A place a service is offered has its own id: one that another service already has
            // is refused, naming both (it would otherwise move the place between services).
            let places: Vec<(&str, &str)> = directory
                .services
                .iter()
                .flat_map(|s| {
                    s.service_at_locations
                        .iter()
                        .flatten()
                        .map(move |at| (at.id.as_str(), s.id.as_str()))
                })
                .collect();
            for chunk in places.chunks(CHUNK) {
                let sql = format!(
                    "SELECT p.id, p.service_id, s.name FROM directory_service_places p \
                     JOIN directory_services s ON s.id = p.service_id WHERE p.id IN {}",
                    values_clause(1, &vec!["{}"; chunk.len()])
                );
                let mut query = sqlx::query(&sql);
                for (place, _) in chunk {
                    query = query.bind(*place);
                }
                for row in query.fetch_all(tx.conn()).await? {
                    let place = row.text("id")?;
                    let holder = row.text("service_id")?;
                    let claimant = chunk
                        .iter()
                        .find(|(p, _)| *p == place)
                        .map(|(_, s)| *s)
                        .unwrap_or_default();
                    if holder != claimant {
                        return Err(StoreError::invalid(
                            "file",
                            format!(
                                "{}: the service {claimant} names the service at location {place}, which is already the service \u{201c}{}\u{201d}'s ({holder}); give each place its own id",
                                request.file_name,
                                row.text("name")?
                            ),
                        ));
                    }
                }
            }
            let mut to_write = Vec::new();
            for (service, document) in directory.services.iter().zip(&documents) {
                match existing.get(&service.id) {
                    Some((owner, owner_name, _)) if owner.as_deref() != request.partner_organisation_id => {
                        return Err(StoreError::invalid(
                            "file",
                            format!(
                                "{}: the service {} (\u{201c}{}\u{201d}) is already in the directory as {}'s; a feed may add and change only its own services",
                                request.file_name,
                                service.id,
                                service.name,
                                owner_name.as_deref().unwrap_or("the system's own directory (no partner)")
                            ),
                        ));
                    }
                    Some((_, _, stored)) if stored == document => report.unchanged += 1,
                    Some(_) => {
                        report.changed += 1;
                        to_write.push((service, document));
                    }
                    None => {
                        report.added += 1;
                        to_write.push((service, document));
                    }
                }
            }
            // The import first: what it writes refers to it.
            sqlx::query(
                "INSERT INTO directory_imports (id, file_name, kind, partner_organisation_id, file_sha256, \
                 services, taxonomies, taxonomy_terms, passed_over, imported_by, imported_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&id)
            .bind(request.file_name)
            .bind(request.kind)
            .bind(request.partner_organisation_id)
            .bind(request.file_sha256)
            .bind(directory.services.len() as i64)
            .bind(directory.taxonomies.len() as i64)
            .bind(directory.taxonomy_terms.len() as i64)
            .bind(passed_over.join("\n"))
            .bind(&actor.name)
            .bind(&now)
            .execute(tx.conn())
            .await?;
            for chunk in to_write.chunks(CHUNK) {
                write_services(&mut tx, chunk, request.partner_organisation_id, &id, &now).await?;
            }
            for taxonomy in &directory.taxonomies {
                sqlx::query(
                    "INSERT INTO directory_taxonomies (id, name, document) VALUES ($1, $2, $3) \
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name, document = excluded.document",
                )
                .bind(&taxonomy.id)
                .bind(&taxonomy.name)
                .bind(serde_json::to_string(taxonomy).expect("HSDS objects always serialise"))
                .execute(tx.conn())
                .await?;
            }
            for term in &directory.taxonomy_terms {
                sqlx::query(
                    "INSERT INTO directory_taxonomy_terms (id, name, code, taxonomy_id, parent_id, document) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
                     code = excluded.code, taxonomy_id = excluded.taxonomy_id, parent_id = excluded.parent_id, \
                     document = excluded.document",
                )
                .bind(&term.id)
                .bind(&term.name)
                .bind(&term.code)
                .bind(
                    term.taxonomy_id
                        .clone()
                        .or_else(|| term.taxonomy_detail.as_ref().map(|t| t.id.clone())),
                )
                .bind(&term.parent_id)
                .bind(serde_json::to_string(term).expect("HSDS objects always serialise"))
                .execute(tx.conn())
                .await?;
            }
            tx.commit(entry).await?;
            Ok(report)
        })
        .await?;
    Ok(report)
}

/// Adds or replaces `services` with what finding them needs.
async fn write_services(
    tx: &mut crate::db::WriteTx,
    services: &[(&Service, &String)],
    partner: Option<&str>,
    import_id: &str,
    now: &str,
) -> Result<(), StoreError> {
    let indexes: Vec<index::ServiceIndex> = services.iter().map(|(s, _)| index::of(s)).collect();
    let ids = values_clause(1, &vec!["{}"; services.len()]);
    for table in ["directory_service_terms", "directory_service_places"] {
        let sql = format!("DELETE FROM {table} WHERE service_id IN {ids}");
        let mut query = sqlx::query(&sql);
        for (service, _) in services {
            query = query.bind(&service.id);
        }
        query.execute(tx.conn()).await?;
    }
    const DECIMAL: &str = "CAST({} AS DOUBLE PRECISION)";
    let sql = format!(
        "INSERT INTO directory_services (id, name, status, organization_id, organization_name, \
         partner_organisation_id, search_text, capacity_available, capacity_maximum, capacity_unit, \
         capacity_updated, minimum_age, maximum_age, modified_at, document, import_id) VALUES {} \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, status = excluded.status, \
         organization_id = excluded.organization_id, organization_name = excluded.organization_name, \
         partner_organisation_id = excluded.partner_organisation_id, search_text = excluded.search_text, \
         capacity_available = excluded.capacity_available, capacity_maximum = excluded.capacity_maximum, \
         capacity_unit = excluded.capacity_unit, capacity_updated = excluded.capacity_updated, \
         minimum_age = excluded.minimum_age, maximum_age = excluded.maximum_age, \
         modified_at = excluded.modified_at, document = excluded.document, import_id = excluded.import_id",
        values_clause(
            services.len(),
            &["{}", "{}", "{}", "{}", "{}", "{}", "{}", DECIMAL, DECIMAL, "{}", "{}", "{}", "{}", "{}", "{}", "{}"]
        )
    );
    let mut query = sqlx::query(&sql);
    for ((service, document), index) in services.iter().zip(&indexes) {
        let capacity = index.capacity.as_ref();
        query = query
            .bind(&service.id)
            .bind(&service.name)
            .bind(&service.status)
            .bind(index.organization_id.clone())
            .bind(index.organization_name.clone())
            .bind(partner)
            .bind(index.search_text.clone())
            .bind(optional_decimal(
                capacity.and_then(|c| c.available.as_f64()),
            ))
            .bind(optional_decimal(
                capacity.and_then(|c| c.maximum.as_ref()?.as_f64()),
            ))
            .bind(capacity.map(|c| c.unit.name.clone()))
            .bind(capacity.map(|c| c.updated.clone()))
            .bind(index.ages.0)
            .bind(index.ages.1)
            // When it changed in this directory (a feed's own `last_modified` could be set to
            // anything, and those who follow `modified_after` must not miss a change).
            .bind(now)
            .bind(document.as_str())
            .bind(import_id);
    }
    query.execute(tx.conn()).await?;
    let terms: Vec<(&str, &str)> = services
        .iter()
        .zip(&indexes)
        .flat_map(|((s, _), i)| {
            i.taxonomy_term_ids
                .iter()
                .map(|t| (s.id.as_str(), t.as_str()))
        })
        .collect();
    for chunk in terms.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO directory_service_terms (service_id, taxonomy_term_id) VALUES {}",
            values_clause(chunk.len(), &["{}", "{}"])
        );
        let mut query = sqlx::query(&sql);
        for (service, term) in chunk {
            query = query.bind(*service).bind(*term);
        }
        query.execute(tx.conn()).await?;
    }
    let places: Vec<(&str, &index::Place)> = services
        .iter()
        .zip(&indexes)
        .flat_map(|((s, _), i)| i.places.iter().map(|p| (s.id.as_str(), p)))
        .collect();
    for chunk in places.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO directory_service_places (id, service_id, location_id, name, postcode_district, \
             latitude, longitude) VALUES {}",
            values_clause(chunk.len(), &["{}", "{}", "{}", "{}", "{}", DECIMAL, DECIMAL])
        );
        let mut query = sqlx::query(&sql);
        for (service, place) in chunk {
            query = query
                .bind(&place.service_at_location_id)
                .bind(*service)
                .bind(place.location_id.clone())
                .bind(place.name.clone())
                .bind(place.postcode_district.clone())
                .bind(optional_decimal(place.latitude))
                .bind(optional_decimal(place.longitude));
        }
        query.execute(tx.conn()).await?;
    }
    Ok(())
}

/// A service as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredService {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its HSDS status.
    pub status: String,
    /// The providing organization's name, when given.
    pub organization_name: Option<String>,
    /// The partner it belongs to (None: no partner's).
    pub partner_organisation_id: Option<String>,
    /// That partner's name.
    pub partner_name: Option<String>,
    /// Its capacity now: available, maximum, unit, when updated.
    pub capacity: Option<(f64, Option<f64>, String, String)>,
    /// When it last changed in this directory, by an import (RFC 3339, UTC).
    pub modified_at: String,
    /// The service as HSDS gives it, as imported.
    pub service: Service,
}

const SERVICE_COLUMNS: &str =
    "s.id, s.name, s.status, s.organization_name, s.partner_organisation_id, \
     o.name AS partner_name, s.capacity_available, s.capacity_maximum, s.capacity_unit, \
     s.capacity_updated, s.modified_at, s.document";

const SERVICE_FROM: &str =
    "FROM directory_services s LEFT JOIN organisations o ON o.id = s.partner_organisation_id";

fn stored_service(row: &sqlx::any::AnyRow) -> Result<StoredService, StoreError> {
    let capacity = match row.opt_num("capacity_available")? {
        Some(available) => Some((
            available,
            row.opt_num("capacity_maximum")?,
            row.opt_text("capacity_unit")?.unwrap_or_default(),
            row.opt_text("capacity_updated")?.unwrap_or_default(),
        )),
        None => None,
    };
    Ok(StoredService {
        id: row.text("id")?,
        name: row.text("name")?,
        status: row.text("status")?,
        organization_name: row.opt_text("organization_name")?,
        partner_organisation_id: row.opt_text("partner_organisation_id")?,
        partner_name: row.opt_text("partner_name")?,
        capacity,
        modified_at: row.text("modified_at")?,
        service: serde_json::from_str(&row.text("document")?).map_err(|e| {
            StoreError::Database(sqlx::Error::Decode(
                format!("a directory service's stored HSDS cannot be read: {e}").into(),
            ))
        })?,
    })
}

/// One service.
pub async fn service(store: &Store, id: &str) -> Result<StoredService, StoreError> {
    one_by_id(
        store,
        &format!("SELECT {SERVICE_COLUMNS} {SERVICE_FROM} WHERE s.id = $1"),
        "service",
        id,
        stored_service,
    )
    .await
}

/// What services are wanted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceFilter {
    /// Words that must all appear (in the name, description, organization or terms).
    pub search: Option<String>,
    /// A taxonomy term the service is described by.
    pub taxonomy_term_id: Option<String>,
    /// A postcode district it is offered in.
    pub postcode_district: Option<String>,
    /// Changed after this moment (RFC 3339).
    pub modified_after: Option<String>,
    /// The partner it belongs to.
    pub partner_organisation_id: Option<String>,
    /// Only services with places available now.
    pub with_capacity: bool,
    /// Only services of this HSDS status.
    pub status: Option<String>,
}

/// `LIKE` pattern text with its wildcards taken literally.
fn like_literal(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Text without NUL characters, which no database takes as text (a search for one finds nothing
/// either way).
fn without_nul(text: &str) -> String {
    text.replace('\0', "")
}

impl ServiceFilter {
    /// The `WHERE` clause and its parameters.
    fn clause(&self) -> Result<(String, Vec<String>), StoreError> {
        let mut conditions = Vec::new();
        let mut params: Vec<String> = Vec::new();
        let param = |value: String, params: &mut Vec<String>| {
            params.push(without_nul(&value));
            format!("${}", params.len())
        };
        if let Some(search) = &self.search {
            for word in search.split_whitespace().take(10) {
                let word: String = word.chars().take(100).collect();
                let p = param(
                    format!("%{}%", like_literal(&word.to_lowercase())),
                    &mut params,
                );
                conditions.push(format!("s.search_text LIKE {p} ESCAPE '\\'"));
            }
        }
        if let Some(term) = &self.taxonomy_term_id {
            let p = param(term.clone(), &mut params);
            conditions.push(format!(
                "s.id IN (SELECT service_id FROM directory_service_terms WHERE taxonomy_term_id = {p})"
            ));
        }
        if let Some(district) = &self.postcode_district {
            let p = param(district.trim().to_ascii_uppercase(), &mut params);
            conditions.push(format!(
                "s.id IN (SELECT service_id FROM directory_service_places WHERE postcode_district = {p})"
            ));
        }
        if let Some(after) = &self.modified_after {
            let moment = chrono::DateTime::parse_from_rfc3339(after.trim()).map_err(|_| {
                StoreError::invalid(
                    "modified_after",
                    format!("\u{201c}{after}\u{201d} is not a date and time (such as 2026-11-30T09:00:00Z)"),
                )
            })?;
            let p = param(
                crate::format_timestamp(moment.with_timezone(&chrono::Utc)),
                &mut params,
            );
            conditions.push(format!("s.modified_at > {p}"));
        }
        if let Some(partner) = &self.partner_organisation_id {
            let p = param(partner.clone(), &mut params);
            conditions.push(format!("s.partner_organisation_id = {p}"));
        }
        if self.with_capacity {
            conditions.push("s.capacity_available > 0".to_string());
        }
        if let Some(status) = &self.status {
            let p = param(status.clone(), &mut params);
            conditions.push(format!("s.status = {p}"));
        }
        let clause = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        Ok((clause, params))
    }
}

/// A page of the services `filter` finds, by name.
pub async fn services(
    store: &Store,
    filter: &ServiceFilter,
    page: PageRequest,
) -> Result<Page<StoredService>, StoreError> {
    let (clause, params) = filter.clause()?;
    let params: Vec<&str> = params.iter().map(String::as_str).collect();
    page_of(
        store,
        SERVICE_COLUMNS,
        &format!("{SERVICE_FROM}{clause}"),
        "s.name, s.id",
        &params,
        page,
        stored_service,
    )
    .await
}

/// A place a service is offered, with its service.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPlace {
    /// The service at location's id.
    pub id: String,
    /// The service.
    pub service: StoredService,
}

/// A page of the places where the services `filter` finds are offered, by service and place.
pub async fn service_at_locations(
    store: &Store,
    filter: &ServiceFilter,
    page: PageRequest,
) -> Result<Page<StoredPlace>, StoreError> {
    let (clause, params) = filter.clause()?;
    let params: Vec<&str> = params.iter().map(String::as_str).collect();
    page_of(
        store,
        &format!("p.id AS place_id, {SERVICE_COLUMNS}"),
        &format!("{SERVICE_FROM} JOIN directory_service_places p ON p.service_id = s.id{clause}"),
        "s.name, s.id, p.id",
        &params,
        page,
        |row| {
            Ok(StoredPlace {
                id: row.text("place_id")?,
                service: stored_service(row)?,
            })
        },
    )
    .await
}

/// The service offered at the place `id`.
pub async fn service_at_location(store: &Store, id: &str) -> Result<StoredPlace, StoreError> {
    one_by_id(
        store,
        &format!(
            "SELECT p.id AS place_id, {SERVICE_COLUMNS} {SERVICE_FROM} \
             JOIN directory_service_places p ON p.service_id = s.id WHERE p.id = $1"
        ),
        "service at location",
        id,
        |row| {
            Ok(StoredPlace {
                id: row.text("place_id")?,
                service: stored_service(row)?,
            })
        },
    )
    .await
}

/// A page of the taxonomies, by name: their HSDS JSON.
pub async fn taxonomies(store: &Store, page: PageRequest) -> Result<Page<String>, StoreError> {
    page_of(
        store,
        "document",
        "FROM directory_taxonomies",
        "name, id",
        &[],
        page,
        |row| row.text("document"),
    )
    .await
}

/// One taxonomy's HSDS JSON.
pub async fn taxonomy(store: &Store, id: &str) -> Result<String, StoreError> {
    one_by_id(
        store,
        "SELECT document FROM directory_taxonomies WHERE id = $1",
        "taxonomy",
        id,
        |row| row.text("document"),
    )
    .await
}

/// What taxonomy terms are wanted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TermFilter {
    /// Words that must all appear in the term's name.
    pub search: Option<String>,
    /// Only terms of this taxonomy.
    pub taxonomy_id: Option<String>,
    /// Only terms under this one.
    pub parent_id: Option<String>,
    /// Only terms with no parent.
    pub top_only: bool,
}

/// A page of the taxonomy terms `filter` finds, by name: their HSDS JSON.
pub async fn taxonomy_terms(
    store: &Store,
    filter: &TermFilter,
    page: PageRequest,
) -> Result<Page<String>, StoreError> {
    let mut conditions = Vec::new();
    let mut params = Vec::new();
    if let Some(search) = &filter.search {
        for word in without_nul(search).split_whitespace().take(10) {
            let word: String = word.chars().take(100).collect();
            params.push(format!("%{}%", like_literal(&word.to_lowercase())));
            conditions.push(format!("LOWER(name) LIKE ${} ESCAPE '\\'", params.len()));
        }
    }
    if let Some(taxonomy) = &filter.taxonomy_id {
        params.push(without_nul(taxonomy));
        conditions.push(format!("taxonomy_id = ${}", params.len()));
    }
    if let Some(parent) = &filter.parent_id {
        params.push(without_nul(parent));
        conditions.push(format!("parent_id = ${}", params.len()));
    }
    if filter.top_only {
        conditions.push("parent_id IS NULL".to_string());
    }
    let clause = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    let params: Vec<&str> = params.iter().map(String::as_str).collect();
    page_of(
        store,
        "document",
        &format!("FROM directory_taxonomy_terms{clause}"),
        "name, id",
        &params,
        page,
        |row| row.text("document"),
    )
    .await
}

/// One taxonomy term's HSDS JSON.
pub async fn taxonomy_term(store: &Store, id: &str) -> Result<String, StoreError> {
    one_by_id(
        store,
        "SELECT document FROM directory_taxonomy_terms WHERE id = $1",
        "taxonomy term",
        id,
        |row| row.text("document"),
    )
    .await
}

/// An import as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ImportRecord {
    /// Its id.
    pub id: String,
    /// The file's name.
    pub file_name: String,
    /// What it held.
    pub kind: String,
    /// The partner whose services these are.
    pub partner_name: Option<String>,
    /// Services in the file.
    pub services: i64,
    /// Taxonomy terms in the file.
    pub taxonomy_terms: i64,
    /// Records passed over, a line each.
    pub passed_over: Vec<String>,
    /// Who imported it.
    pub imported_by: String,
    /// When (RFC 3339, UTC).
    pub imported_at: String,
}

/// The imports, newest first.
pub async fn imports(store: &Store) -> Result<Vec<ImportRecord>, StoreError> {
    all(
        store,
        "SELECT i.id, i.file_name, i.kind, o.name AS partner_name, i.services, i.taxonomy_terms, \
         i.passed_over, i.imported_by, i.imported_at FROM directory_imports i \
         LEFT JOIN organisations o ON o.id = i.partner_organisation_id \
         ORDER BY i.imported_at DESC, i.id DESC LIMIT 100",
        |row| {
            Ok(ImportRecord {
                id: row.text("id")?,
                file_name: row.text("file_name")?,
                kind: row.text("kind")?,
                partner_name: row.opt_text("partner_name")?,
                services: row.int("services")?,
                taxonomy_terms: row.int("taxonomy_terms")?,
                passed_over: row
                    .text("passed_over")?
                    .lines()
                    .map(str::to_string)
                    .collect(),
                imported_by: row.text("imported_by")?,
                imported_at: row.text("imported_at")?,
            })
        },
    )
    .await
}

/// Every service, by name, as HSDS JSON (for an export of the whole directory).
pub async fn all_documents(store: &Store) -> Result<Vec<String>, StoreError> {
    all(
        store,
        "SELECT document FROM directory_services ORDER BY name, id",
        |row| row.text("document"),
    )
    .await
}

/// The postcode districts services are offered in, with how many services each has.
pub async fn districts(store: &Store) -> Result<Vec<(String, i64)>, StoreError> {
    all(
        store,
        "SELECT postcode_district, COUNT(DISTINCT service_id) AS services FROM directory_service_places \
         WHERE postcode_district IS NOT NULL GROUP BY postcode_district ORDER BY postcode_district",
        |row| Ok((row.text("postcode_district")?, row.int("services")?)),
    )
    .await
}

/// The taxonomy terms services are described by: id, name (the id when the term is not in the
/// directory's taxonomies) and how many services each describes, by name.
pub async fn terms_in_use(store: &Store) -> Result<Vec<(String, String, i64)>, StoreError> {
    all(
        store,
        "SELECT st.taxonomy_term_id, COALESCE(t.name, st.taxonomy_term_id) AS name, COUNT(*) AS services \
         FROM directory_service_terms st LEFT JOIN directory_taxonomy_terms t ON t.id = st.taxonomy_term_id \
         GROUP BY st.taxonomy_term_id, t.name ORDER BY name",
        |row| Ok((row.text("taxonomy_term_id")?, row.text("name")?, row.int("services")?)),
    )
    .await
}
