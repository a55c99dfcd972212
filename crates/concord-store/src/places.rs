//! Places (usually a council area) and the neighbourhoods within them.

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::rows::{all, all_by, one_by_id, RowExt};
use concord_domain::place::ValidPlace;
use concord_domain::{PlaceDraft, PlaceKind};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

/// A place or neighbourhood as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Place {
    /// Concord's id for it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Place or neighbourhood.
    pub kind: PlaceKind,
    /// For a neighbourhood, its place.
    pub parent_id: Option<String>,
    /// For a neighbourhood, its place's name.
    pub parent_name: Option<String>,
    /// Resident population, if known.
    pub population: Option<i64>,
    /// About the area.
    pub description: String,
}

const SELECT: &str = "SELECT pl.id, pl.name, pl.kind, pl.parent_id, pp.name AS parent_name, pl.population, pl.description
    FROM places pl LEFT JOIN places pp ON pp.id = pl.parent_id";

fn from_row(row: &AnyRow) -> Result<Place, StoreError> {
    let kind: String = row.text("kind")?;
    Ok(Place {
        id: row.text("id")?,
        name: row.text("name")?,
        kind: kind
            .parse()
            .map_err(|_| sqlx::Error::Decode(format!("unknown place kind '{kind}'").into()))?,
        parent_id: row.opt_text("parent_id")?,
        parent_name: row.opt_text("parent_name")?,
        population: row.opt_int("population")?,
        description: row.text("description")?,
    })
}

/// Every place and neighbourhood: places first, each followed by its neighbourhoods, by name.
pub async fn list(store: &Store) -> Result<Vec<Place>, StoreError> {
    let sql =
        format!("{SELECT} ORDER BY COALESCE(pp.name, pl.name), pl.parent_id IS NOT NULL, pl.name");
    all(store, &sql, from_row).await
}

/// The place with `id`.
pub async fn get(store: &Store, id: &str) -> Result<Place, StoreError> {
    let sql = format!("{SELECT} WHERE pl.id = $1");
    one_by_id(store, &sql, "place", id, from_row).await
}

/// The neighbourhoods within a place.
pub async fn neighbourhoods(store: &Store, place_id: &str) -> Result<Vec<Place>, StoreError> {
    let sql = format!("{SELECT} WHERE pl.parent_id = $1 ORDER BY pl.name");
    all_by(store, &sql, place_id, from_row).await
}

async fn check_parent(
    conn: &mut AnyConnection,
    valid: &ValidPlace,
    own_id: Option<&str>,
) -> Result<(), StoreError> {
    let Some(parent_id) = &valid.parent_id else {
        return Ok(());
    };
    if Some(parent_id.as_str()) == own_id {
        return Err(StoreError::invalid(
            "parent_id",
            "A neighbourhood cannot lie within itself",
        ));
    }
    let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM places WHERE id = $1")
        .bind(parent_id)
        .fetch_optional(conn)
        .await?;
    match kind.as_deref() {
        None => Err(StoreError::invalid(
            "parent_id",
            "Select a place that exists",
        )),
        Some("place") => Ok(()),
        Some(_) => Err(StoreError::invalid(
            "parent_id",
            "A neighbourhood must lie within a place, not another neighbourhood",
        )),
    }
}

/// Adds a place or neighbourhood; returns its id.
pub async fn create(
    store: &Store,
    actor: &Actor,
    draft: &PlaceDraft,
) -> Result<String, StoreError> {
    let entry = AuditEntry::success(actor, "place.create", "place", None, "");
    store
        .audited(entry, async |entry| {
            let valid = draft.validate()?;
            let mut tx = store.begin_write().await?;
            check_parent(tx.conn(), &valid, None).await?;
            let id = crate::new_id();
            let now = crate::now_utc();
            sqlx::query(
                "INSERT INTO places (id, name, kind, parent_id, population, description, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(&id)
            .bind(&valid.name)
            .bind(valid.kind.as_str())
            .bind(&valid.parent_id)
            .bind(valid.population)
            .bind(&valid.description)
            .bind(&now)
            .execute(tx.conn())
            .await?;
            let detail = format!("created {} {}", valid.kind.label().to_lowercase(), valid.name);
            tx.commit(entry.about(&id).detailed(detail)).await?;
            Ok(id)
        })
        .await
}

/// Changes a place's details.
pub async fn update(
    store: &Store,
    actor: &Actor,
    id: &str,
    draft: &PlaceDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "place.update", "place", Some(id), "");
    store
        .audited(entry, async |entry| {
            let valid = draft.validate()?;
            let before = get(store, id).await?;
            if before.kind == PlaceKind::Place && valid.kind == PlaceKind::Neighbourhood && !neighbourhoods(store, id).await?.is_empty() {
                return Err(StoreError::invalid("kind", "This place has neighbourhoods, so it cannot become a neighbourhood"));
            }
            let mut tx = store.begin_write().await?;
            check_parent(tx.conn(), &valid, Some(id)).await?;
            sqlx::query("UPDATE places SET name = $2, kind = $3, parent_id = $4, population = $5, description = $6, updated_at = $7 WHERE id = $1")
                .bind(id)
                .bind(&valid.name)
                .bind(valid.kind.as_str())
                .bind(&valid.parent_id)
                .bind(valid.population)
                .bind(&valid.description)
                .bind(crate::now_utc())
                .execute(tx.conn())
                .await?;
            tx.commit(entry.detailed(format!("updated {}", valid.name))).await
        })
        .await
}
