//! Understand: saved cohorts, worklists, break glass and registered lists.

use super::{Ask, Rule};
use concord_domain::{Action, Decision, OrgType, Principal};
use concord_store::{organisations, population, Store, StoreError};

pub(super) async fn resolve(ask: &Ask<'_>, rule: Rule) -> Result<Option<Decision>, StoreError> {
    let id = ask.target.id_or_empty();
    let decision = match rule {
        Rule::EditCohort => {
            let cohort = population::cohort(ask.store, id).await?;
            ask.decide(Action::SaveCohort {
                owner_organisation_id: Some(&cohort.owner_organisation_id),
            })
        }
        Rule::ViewWorklist => {
            population::cohort(ask.store, id).await?;
            let practice_ids = gp_practices_of(ask.store, ask.principal).await?;
            ask.decide(Action::ViewWorklist {
                practice_ids: &practice_ids,
            })
        }
        Rule::MarkWorklist => {
            population::cohort(ask.store, id).await?;
            let practice_id = ask.target.organisation_or_empty();
            let practice_ids: Vec<String> = gp_practices_of(ask.store, ask.principal)
                .await?
                .into_iter()
                .filter(|p| p == practice_id)
                .collect();
            ask.decide(Action::ViewWorklist {
                practice_ids: &practice_ids,
            })
        }
        Rule::BreakGlass => {
            population::cohort(ask.store, id).await?;
            let care_organisation_ids = care_organisations_of(ask.store, ask.principal).await?;
            ask.decide(Action::BreakGlass {
                care_organisation_ids: &care_organisation_ids,
            })
        }
        Rule::LoadRegisteredList => {
            let practice_ids = gp_practices_of(ask.store, ask.principal).await?;
            ask.decide(Action::LoadRegisteredList {
                practice_ids: &practice_ids,
            })
        }
        _ => return Ok(None),
    };
    Ok(Some(decision))
}

/// The GP practices among the organisations a person holds a role in.
pub async fn gp_practices_of(
    store: &Store,
    principal: Option<&Principal>,
) -> Result<Vec<String>, StoreError> {
    organisations_of_type(store, principal, |t| t == OrgType::GpPractice).await
}

/// The organisations among a person's that give direct care (practices, PCNs, trusts, hospices).
pub async fn care_organisations_of(
    store: &Store,
    principal: Option<&Principal>,
) -> Result<Vec<String>, StoreError> {
    organisations_of_type(store, principal, OrgType::gives_direct_care).await
}

async fn organisations_of_type(
    store: &Store,
    principal: Option<&Principal>,
    wanted: impl Fn(OrgType) -> bool,
) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    for grant in principal.map(|p| p.grants.as_slice()).unwrap_or_default() {
        let organisation = organisations::get(store, &grant.organisation_id).await?;
        if wanted(organisation.org_type) && !out.contains(&grant.organisation_id) {
            out.push(grant.organisation_id.clone());
        }
    }
    Ok(out)
}
