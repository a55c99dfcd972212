//! What the population engine needs from the directory: each GP practice's primary care network
//! and place, for breaking counts down by PCN and place.

use crate::{Store, StoreError};

/// A GP practice, its network and its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeNetwork {
    /// The practice's ODS code.
    pub code: String,
    /// Its primary care network's name.
    pub pcn: String,
    /// The place it serves (the first by name, if it serves several).
    pub place: String,
}

/// Every GP practice with a parent network, with its place ("(no place)" if it serves none).
pub async fn practice_networks(store: &Store) -> Result<Vec<PracticeNetwork>, StoreError> {
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT o.code, pcn.name, MIN(p.name) FROM organisations o \
         JOIN organisations pcn ON pcn.id = o.parent_id \
         LEFT JOIN organisation_places op ON op.organisation_id = o.id \
         LEFT JOIN places p ON p.id = op.place_id AND p.parent_id IS NULL \
         WHERE o.org_type = 'gp_practice' GROUP BY o.code, pcn.name ORDER BY o.code",
    )
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(code, pcn, place)| PracticeNetwork {
            code,
            pcn,
            place: place.unwrap_or_else(|| "(no place)".into()),
        })
        .collect())
}
