//! Govern and deliver's use cases.

use concord_domain::meeting::ConfidentialityScope;
use concord_domain::Principal;
use concord_store::{meetings, Store, StoreError};

/// Which confidential items `principal` may read: the boards they sit on and the programmes they
/// lead (nothing for the public).
pub async fn confidentiality_scope(
    store: &Store,
    principal: Option<&Principal>,
) -> Result<ConfidentialityScope, StoreError> {
    Ok(match principal {
        Some(p) => meetings::scope_of(store, &p.person_id).await?,
        None => ConfidentialityScope::default(),
    })
}
