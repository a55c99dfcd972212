//! Design: what-if scenarios, changed and run by their owner's analysts, partner leads and
//! programme managers.

use super::{Ask, Rule};
use concord_domain::{decide, Action, Decision, Principal};
use concord_store::{design, StoreError};

pub(super) async fn resolve(ask: &Ask<'_>, rule: Rule) -> Result<Option<Decision>, StoreError> {
    let decision = match rule {
        Rule::EditScenario => {
            let scenario = design::get(ask.store, ask.target.id_or_empty()).await?;
            ask.decide(Action::SaveScenario {
                owner_organisation_id: Some(&scenario.owner_organisation_id),
            })
        }
        _ => return Ok(None),
    };
    Ok(Some(decision))
}

/// Whether `principal` may save (and run) scenarios owned by `organisation_id`.
pub fn may_save_scenario_for(principal: Option<&Principal>, organisation_id: &str) -> bool {
    decide(
        principal,
        Action::SaveScenario {
            owner_organisation_id: Some(organisation_id),
        },
    )
    .is_allowed()
}
