//! (id, name) lists for form choices: people, organisations, boards, places, objectives, programmes.

use crate::db::Store;
use crate::error::StoreError;

/// An (id, display name) pair.
pub type Lookup = (String, String);

async fn pairs(store: &Store, sql: &str) -> Result<Vec<Lookup>, StoreError> {
    Ok(sqlx::query_as(sql).fetch_all(store.pool()).await?)
}

/// Every person, "Name (job title)", by family name.
pub async fn people(store: &Store) -> Result<Vec<Lookup>, StoreError> {
    pairs(
        store,
        "SELECT id, given_name || ' ' || family_name || CASE WHEN job_title = '' THEN '' ELSE ' (' || job_title || ')' END FROM people ORDER BY family_name, given_name",
    )
    .await
}

/// Every organisation except GP practices (which act through their PCN), by name.
pub async fn partner_organisations(store: &Store) -> Result<Vec<Lookup>, StoreError> {
    pairs(
        store,
        "SELECT id, name FROM organisations WHERE org_type <> 'gp_practice' ORDER BY name",
    )
    .await
}

/// Every board, by name.
pub async fn boards(store: &Store) -> Result<Vec<Lookup>, StoreError> {
    pairs(store, "SELECT id, name FROM boards ORDER BY name").await
}

/// Every place (not neighbourhoods), by name.
pub async fn places(store: &Store) -> Result<Vec<Lookup>, StoreError> {
    pairs(
        store,
        "SELECT id, name FROM places WHERE parent_id IS NULL ORDER BY name",
    )
    .await
}

/// Every objective of a round past drafting, "outcome (round)".
pub async fn adopted_objectives(store: &Store) -> Result<Vec<Lookup>, StoreError> {
    pairs(
        store,
        "SELECT ob.id, ob.outcome || ' (' || r.title || ')' FROM objectives ob JOIN strategy_rounds r ON r.id = ob.round_id
         WHERE r.stage <> 'drafting' ORDER BY r.title, ob.outcome",
    )
    .await
}

/// The measurement catalogue's metrics, by name.
pub async fn metrics(store: &Store) -> Result<Vec<Lookup>, StoreError> {
    pairs(store, "SELECT id, name FROM metrics ORDER BY name").await
}

/// Every programme, by name.
pub async fn programmes(store: &Store) -> Result<Vec<Lookup>, StoreError> {
    pairs(store, "SELECT id, name FROM programmes ORDER BY name").await
}

/// A programme's projects, by name.
pub async fn projects(store: &Store, programme_id: &str) -> Result<Vec<Lookup>, StoreError> {
    Ok(
        sqlx::query_as("SELECT id, name FROM projects WHERE programme_id = $1 ORDER BY name")
            .bind(programme_id)
            .fetch_all(store.pool())
            .await?,
    )
}

/// The consent proposals of every round, by title.
pub async fn proposals(store: &Store) -> Result<Vec<Lookup>, StoreError> {
    pairs(store, "SELECT id, title FROM proposals ORDER BY title").await
}

/// Services that take referrals through Concord (a partner's, and active), "Service (partner)",
/// by name.
pub async fn referrable_services(store: &Store) -> Result<Vec<Lookup>, StoreError> {
    pairs(
        store,
        "SELECT s.id, s.name || ' (' || o.name || ')' || \
         CASE WHEN s.capacity_available = 0 THEN ', full now' ELSE '' END FROM directory_services s \
         JOIN organisations o ON o.id = s.partner_organisation_id \
         WHERE s.status = 'active' ORDER BY s.name, o.name",
    )
    .await
}

/// The needs services in the directory are described by (taxonomy terms some service uses), by
/// name.
pub async fn needs(store: &Store) -> Result<Vec<Lookup>, StoreError> {
    pairs(
        store,
        "SELECT t.id, t.name FROM directory_taxonomy_terms t \
         WHERE EXISTS (SELECT 1 FROM directory_service_terms st WHERE st.taxonomy_term_id = t.id) \
         ORDER BY t.name",
    )
    .await
}
