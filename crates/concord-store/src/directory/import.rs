//! Importing a directory: every service added or replaced in one transaction, none taken from
//! the partner it belongs to, each place given to one service only; the import recorded and
//! audited; and the imports listed.

use super::without_nul;
use crate::audit::{Actor, AuditEntry};
use crate::rows::{all, optional_decimal, values_clause, RowExt};
use crate::{Store, StoreError};
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
pub(super) async fn write_services(
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
