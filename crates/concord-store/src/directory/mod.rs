//! The service directory (Open Referral UK, HSDS 3.0): services kept as HSDS gives them,
//! imported whole or not at all, found by their words, terms, places, capacity and when they
//! changed, and served as they were imported.
//!
//! A service belongs to the partner whose feed brought it (or to no partner: a council's or a
//! national directory, kept by administrators). An import never takes a service from its owner:
//! a feed that names another's service is refused, naming the service.

mod capacity;
mod import;
mod nearby;

pub use capacity::set_capacity;
pub use import::{import, imports, ImportRecord, ImportReport, ImportRequest};
pub use nearby::{district_centre, Near, MAX_METRES};

use crate::rows::{all, one_by_id, page_of, values_clause, RowExt};
use crate::{Page, PageRequest, Store, StoreError};
use concord_directory::hsds::Service;
use std::collections::HashMap;

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
    /// Only services offered within a distance of a point (nearest first).
    pub near: Option<Near>,
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
    /// The `WHERE` clause and its parameters. With `place` (the alias of a joined
    /// `directory_service_places`), a distance is that place's; otherwise any of the service's.
    fn clause(&self, place: Option<&str>) -> Result<(String, Vec<String>), StoreError> {
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
        if let Some(near) = &self.near {
            conditions.push(match place {
                Some(p) => near.within_sql(&format!("{p}.latitude"), &format!("{p}.longitude")),
                None => format!(
                    "s.id IN (SELECT service_id FROM directory_service_places WHERE {})",
                    near.within_sql("latitude", "longitude")
                ),
            });
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
    // Near a point: each service's nearest place within the distance, worked out once per place
    // in a derived table that is joined (so only services near enough are read), nearest first.
    let mut rest = filter.clone();
    let near = rest.near.take();
    let (clause, params) = rest.clause(None)?;
    let params: Vec<&str> = params.iter().map(String::as_str).collect();
    let (from, order) = match &near {
        Some(near) => (
            format!(
                "{SERVICE_FROM} JOIN (SELECT service_id, MIN({}) AS squared_metres \
                 FROM directory_service_places WHERE {} GROUP BY service_id) nearest \
                 ON nearest.service_id = s.id{clause}",
                near.squared_metres_sql("latitude", "longitude"),
                near.within_sql("latitude", "longitude")
            ),
            "nearest.squared_metres, s.name, s.id".to_string(),
        ),
        None => (
            format!("{SERVICE_FROM}{clause}"),
            "s.name, s.id".to_string(),
        ),
    };
    // The page's ids first (sorting and counting ids, not whole records), then their records.
    let ids = page_of(store, "s.id", &from, &order, &params, page, |row| {
        row.text("id")
    })
    .await?;
    let mut records: HashMap<String, StoredService> = HashMap::new();
    if !ids.items.is_empty() {
        let sql = format!(
            "SELECT {SERVICE_COLUMNS} {SERVICE_FROM} WHERE s.id IN {}",
            values_clause(1, &vec!["{}"; ids.items.len()])
        );
        let mut query = sqlx::query(&sql);
        for id in &ids.items {
            query = query.bind(id);
        }
        for row in query.fetch_all(store.pool()).await? {
            let service = stored_service(&row)?;
            records.insert(service.id.clone(), service);
        }
    }
    Ok(Page {
        // In the page's order; a service removed between the two reads is left out.
        items: ids
            .items
            .iter()
            .filter_map(|id| records.remove(id))
            .collect(),
        page: ids.page,
        per_page: ids.per_page,
        total: ids.total,
    })
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
    let (clause, params) = filter.clause(Some("p"))?;
    let params: Vec<&str> = params.iter().map(String::as_str).collect();
    let order = match &filter.near {
        Some(near) => format!(
            "{}, s.name, s.id, p.id",
            near.squared_metres_sql("p.latitude", "p.longitude")
        ),
        None => "s.name, s.id, p.id".to_string(),
    };
    page_of(
        store,
        &format!("p.id AS place_id, {SERVICE_COLUMNS}"),
        &format!("{SERVICE_FROM} JOIN directory_service_places p ON p.service_id = s.id{clause}"),
        &order,
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

/// Every service, by name, as HSDS JSON (for an export of the whole directory).
pub async fn all_documents(store: &Store) -> Result<Vec<String>, StoreError> {
    all(
        store,
        "SELECT document FROM directory_services ORDER BY name, id",
        |row| row.text("document"),
    )
    .await
}

/// Every taxonomy, by name, as HSDS JSON (for an export of the whole directory).
pub async fn all_taxonomy_documents(store: &Store) -> Result<Vec<String>, StoreError> {
    all(
        store,
        "SELECT document FROM directory_taxonomies ORDER BY name, id",
        |row| row.text("document"),
    )
    .await
}

/// Every taxonomy term, by name, as HSDS JSON (for an export of the whole directory).
pub async fn all_term_documents(store: &Store) -> Result<Vec<String>, StoreError> {
    all(
        store,
        "SELECT document FROM directory_taxonomy_terms ORDER BY name, id",
        |row| row.text("document"),
    )
    .await
}

/// Every service that belongs to a partner of the system, by partner and name.
pub async fn partner_services(store: &Store) -> Result<Vec<StoredService>, StoreError> {
    all(
        store,
        &format!(
            "SELECT {SERVICE_COLUMNS} {SERVICE_FROM} WHERE s.partner_organisation_id IS NOT NULL \
             ORDER BY o.name, s.name, s.id"
        ),
        stored_service,
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
