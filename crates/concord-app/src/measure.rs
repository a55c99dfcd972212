//! Measure's use cases: the metric catalogue and loaded values.

use crate::authz::{may_act_for, ActFor};
use concord_domain::Principal;
use concord_store::StoreError;

/// Whether `principal` may own metrics for `organisation_id`: an error on the owner field if not
/// (an empty owner is left for the draft's own validation to name).
pub fn check_metric_owner(
    principal: Option<&Principal>,
    organisation_id: &str,
) -> Result<(), StoreError> {
    if organisation_id.trim().is_empty()
        || may_act_for(principal, ActFor::OwnMetric, organisation_id)
    {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "owner_organisation_id",
            "You may add metrics only for an organisation where you are an analyst or the partner lead",
        ))
    }
}
