//! Partner organisations and the places they serve.

use crate::audit::{like_pattern, Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::page::{Page, PageRequest};
use crate::rows::{one_by_id, page_of, RowExt};
use concord_domain::organisation::ValidOrganisation;
use concord_domain::{OrgType, OrganisationDraft};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

/// An organisation as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Organisation {
    /// Concord's id for it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its code (ODS code, council code or charity number).
    pub code: String,
    /// Its type.
    pub org_type: OrgType,
    /// Its parent organisation's id.
    pub parent_id: Option<String>,
    /// Its parent organisation's name.
    pub parent_name: Option<String>,
    /// Its website.
    pub website: Option<String>,
    /// What it does.
    pub description: String,
    /// When it was added (UTC).
    pub created_at: String,
    /// When it last changed (UTC).
    pub updated_at: String,
}

const COLUMNS: &str = "o.id, o.name, o.code, o.org_type, o.parent_id, p.name AS parent_name, o.website, o.description, o.created_at, o.updated_at";
const FROM: &str = "FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id";

fn from_row(row: &AnyRow) -> Result<Organisation, StoreError> {
    let org_type: String = row.text("org_type")?;
    Ok(Organisation {
        id: row.text("id")?,
        name: row.text("name")?,
        code: row.text("code")?,
        org_type: org_type.parse().map_err(|_| {
            sqlx::Error::Decode(format!("unknown organisation type '{org_type}'").into())
        })?,
        parent_id: row.opt_text("parent_id")?,
        parent_name: row.opt_text("parent_name")?,
        website: row.opt_text("website")?,
        description: row.text("description")?,
        created_at: row.text("created_at")?,
        updated_at: row.text("updated_at")?,
    })
}

/// What to look for in the directory; blank fields match everything.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganisationSearch {
    /// Part of the name or code.
    pub q: Option<String>,
    /// A type code, for example `gp_practice`.
    pub org_type: Option<String>,
    /// Only organisations serving this place.
    pub place_id: Option<String>,
    /// Only the children of this organisation.
    pub parent_id: Option<String>,
}

/// One page of organisations matching `search`, by name.
pub async fn list(
    store: &Store,
    search: &OrganisationSearch,
    page: PageRequest,
) -> Result<Page<Organisation>, StoreError> {
    let q = search.q.as_deref().unwrap_or("").trim();
    let org_type = search.org_type.as_deref().unwrap_or("").trim();
    let place = search.place_id.as_deref().unwrap_or("").trim();
    let parent = search.parent_id.as_deref().unwrap_or("").trim();
    let filter = "WHERE ($1 = '' OR LOWER(o.name) LIKE $2 ESCAPE '\\' OR LOWER(o.code) LIKE $2 ESCAPE '\\')
          AND ($3 = '' OR o.org_type = $3)
          AND ($4 = '' OR o.id IN (SELECT organisation_id FROM organisation_places WHERE place_id = $4))
          AND ($5 = '' OR o.parent_id = $5)";
    let like = like_pattern(q);
    page_of(
        store,
        COLUMNS,
        &format!("{FROM} {filter}"),
        "o.name, o.code",
        &[q, &like, org_type, place, parent],
        page,
        from_row,
    )
    .await
}

/// How many organisations there are of each type, for the directory's filter.
pub async fn count_by_type(store: &Store) -> Result<Vec<(OrgType, i64)>, StoreError> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT org_type, COUNT(*) FROM organisations GROUP BY org_type")
            .fetch_all(store.pool())
            .await?;
    let mut counts: Vec<(OrgType, i64)> = rows
        .into_iter()
        .filter_map(|(t, n)| t.parse().ok().map(|t| (t, n)))
        .collect();
    counts.sort();
    Ok(counts)
}

/// The organisation with `id`.
pub async fn get(store: &Store, id: &str) -> Result<Organisation, StoreError> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE o.id = $1");
    one_by_id(store, &sql, "organisation", id, from_row).await
}

/// The type of the organisation with `id`, or None if there is none (for checking references inside a write).
pub async fn exists(conn: &mut AnyConnection, id: &str) -> Result<Option<OrgType>, StoreError> {
    let t: Option<String> = sqlx::query_scalar("SELECT org_type FROM organisations WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(t.and_then(|t| t.parse().ok()))
}

async fn check_references(
    conn: &mut AnyConnection,
    valid: &ValidOrganisation,
    own_id: Option<&str>,
) -> Result<(), StoreError> {
    let holder: Option<String> = sqlx::query_scalar("SELECT id FROM organisations WHERE code = $1")
        .bind(&valid.code)
        .fetch_optional(&mut *conn)
        .await?;
    if holder.is_some() && holder.as_deref() != own_id {
        return Err(StoreError::invalid(
            "code",
            format!("Another organisation already has the code {}", valid.code),
        ));
    }
    let Some(parent_id) = &valid.parent_id else {
        return Ok(());
    };
    let Some(parent_type) = exists(conn, parent_id).await? else {
        return Err(StoreError::invalid(
            "parent_id",
            "Select a parent organisation that exists",
        ));
    };
    if !valid.org_type.allows_parent(parent_type) {
        return Err(StoreError::invalid(
            "parent_id",
            format!(
                "A {} cannot sit beneath a {}",
                valid.org_type.label(),
                parent_type.label()
            ),
        ));
    }
    // Walk up from the parent: reaching this organisation would make a loop.
    let mut cursor = Some(parent_id.clone());
    let mut steps = 0;
    while let Some(current) = cursor {
        if Some(current.as_str()) == own_id || steps > 64 {
            return Err(StoreError::invalid(
                "parent_id",
                "An organisation cannot sit beneath itself or one of its own children",
            ));
        }
        cursor = sqlx::query_scalar("SELECT parent_id FROM organisations WHERE id = $1")
            .bind(&current)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
        steps += 1;
    }
    Ok(())
}

/// Adds an organisation; returns its id.
pub async fn create(
    store: &Store,
    actor: &Actor,
    draft: &OrganisationDraft,
) -> Result<String, StoreError> {
    let entry = AuditEntry::success(
        actor,
        "organisation.create",
        "organisation",
        None,
        format!("code {}", draft.code.trim()),
    );
    store
        .audited(entry, async |entry| {
            let valid = draft.validate()?;
            let mut tx = store.begin_write().await?;
            check_references(tx.conn(), &valid, None).await?;
            let id = crate::new_id();
            let now = crate::now_utc();
            sqlx::query(
                "INSERT INTO organisations (id, name, code, org_type, parent_id, website, description, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(&id)
            .bind(&valid.name)
            .bind(&valid.code)
            .bind(valid.org_type.as_str())
            .bind(&valid.parent_id)
            .bind(&valid.website)
            .bind(&valid.description)
            .bind(&now)
            .execute(tx.conn())
            .await?;
            let detail = format!("created {} {} ({})", valid.org_type.label(), valid.name, valid.code);
            tx.commit(entry.about(&id).detailed(detail)).await?;
            Ok(id)
        })
        .await
}

/// Changes an organisation's details.
pub async fn update(
    store: &Store,
    actor: &Actor,
    id: &str,
    draft: &OrganisationDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "organisation.update", "organisation", Some(id), "");
    store
        .audited(entry, async |entry| {
            let valid = draft.validate()?;
            let before = get(store, id).await?;
            let mut tx = store.begin_write().await?;
            if exists(tx.conn(), id).await? != Some(valid.org_type) {
                crate::grants::check_type_change(tx.conn(), actor).await?;
            }
            check_references(tx.conn(), &valid, Some(id)).await?;
            let updated = sqlx::query(
                "UPDATE organisations SET name = $2, code = $3, org_type = $4, parent_id = $5, website = $6, description = $7, updated_at = $8
                 WHERE id = $1",
            )
            .bind(id)
            .bind(&valid.name)
            .bind(&valid.code)
            .bind(valid.org_type.as_str())
            .bind(&valid.parent_id)
            .bind(&valid.website)
            .bind(&valid.description)
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::not_found("organisation", id));
            }
            let changed: Vec<&str> = [
                ("name", before.name != valid.name),
                ("code", before.code != valid.code),
                ("type", before.org_type != valid.org_type),
                ("parent", before.parent_id != valid.parent_id),
                ("website", before.website != valid.website),
                ("description", before.description != valid.description),
            ]
            .into_iter()
            .filter_map(|(field, differs)| differs.then_some(field))
            .collect();
            let detail = if changed.is_empty() { "no changes".into() } else { format!("changed {}", changed.join(", ")) };
            tx.commit(entry.detailed(detail)).await
        })
        .await
}

/// A place an organisation serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PlaceRef {
    /// The place's id.
    pub id: String,
    /// The place's name.
    pub name: String,
}

/// The places an organisation serves.
pub async fn places_served(
    store: &Store,
    organisation_id: &str,
) -> Result<Vec<PlaceRef>, StoreError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.id, p.name FROM organisation_places op JOIN places p ON p.id = op.place_id WHERE op.organisation_id = $1 ORDER BY p.name",
    )
    .bind(organisation_id)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| PlaceRef { id, name })
        .collect())
}

/// Replaces the set of places an organisation serves.
pub async fn set_places_served(
    store: &Store,
    actor: &Actor,
    organisation_id: &str,
    place_ids: &[String],
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "organisation.places",
        "organisation",
        Some(organisation_id),
        "",
    );
    store
        .audited(entry, async |entry| {
            get(store, organisation_id).await?;
            let mut tx = store.begin_write().await?;
            let mut names = Vec::new();
            for place_id in place_ids {
                let name: Option<String> =
                    sqlx::query_scalar("SELECT name FROM places WHERE id = $1")
                        .bind(place_id)
                        .fetch_optional(tx.conn())
                        .await?;
                match name {
                    Some(name) => names.push(name),
                    None => {
                        return Err(StoreError::invalid(
                            "place_ids",
                            format!("There is no place with id '{place_id}'"),
                        ))
                    }
                }
            }
            sqlx::query("DELETE FROM organisation_places WHERE organisation_id = $1")
                .bind(organisation_id)
                .execute(tx.conn())
                .await?;
            let mut unique = place_ids.to_vec();
            unique.sort();
            unique.dedup();
            for place_id in &unique {
                sqlx::query(
                    "INSERT INTO organisation_places (organisation_id, place_id) VALUES ($1, $2)",
                )
                .bind(organisation_id)
                .bind(place_id)
                .execute(tx.conn())
                .await?;
            }
            tx.commit(entry.detailed(if names.is_empty() {
                "serves no places".into()
            } else {
                format!("serves {}", names.join(", "))
            }))
            .await
        })
        .await
}

/// The total number of organisations.
pub async fn count(store: &Store) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
        .fetch_one(store.pool())
        .await?)
}

/// The organisation with this code (compared upper-cased), if any.
pub async fn find_by_code(store: &Store, code: &str) -> Result<Option<Organisation>, StoreError> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE o.code = $1");
    let row = sqlx::query(&sql)
        .bind(concord_domain::organisation::normalise_code(code))
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}
