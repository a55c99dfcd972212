//! Measure: metrics, their series and loaded values, and system finance.

use super::{Ask, Rule};
use concord_domain::{decide, Action, Decision, Principal};
use concord_store::{metrics, StoreError};

pub(super) async fn resolve(ask: &Ask<'_>, rule: Rule) -> Result<Option<Decision>, StoreError> {
    let id = ask.target.id_or_empty();
    let decision = match rule {
        Rule::EditMetric => {
            let metric = metrics::get(ask.store, id).await?;
            ask.decide(Action::ManageMetric {
                owner_organisation_id: &metric.owner_organisation_id,
            })
        }
        Rule::RebaseSeries => {
            let series = metrics::get_series(ask.store, id).await?;
            let owner = match &series.organisation_id {
                Some(organisation) => organisation.clone(),
                None => {
                    metrics::get(ask.store, &series.metric_id)
                        .await?
                        .owner_organisation_id
                }
            };
            ask.decide(Action::LoadMetricData {
                organisation_id: &owner,
            })
        }
        _ => return Ok(None),
    };
    Ok(Some(decision))
}

/// Acting for an organisation that a request's body names (a loaded row's organisation, a new
/// metric's owner): answered from the asking person's roles alone, so that a loader can ask it of
/// every row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActFor {
    /// Owning a metric for the organisation (a new metric, or one moved to it): an analyst or
    /// partner lead there, or an administrator.
    OwnMetric,
    /// Loading values of the organisation's series: an analyst or partner lead there, or an
    /// administrator.
    LoadMetricData,
    /// Loading the organisation's finance returns: its finance lead or partner lead, or an
    /// administrator.
    LoadFinance,
}

/// Whether `principal` may do `what` for organisation `organisation_id`.
pub fn may_act_for(principal: Option<&Principal>, what: ActFor, organisation_id: &str) -> bool {
    let action = match what {
        ActFor::OwnMetric => Action::ManageMetric {
            owner_organisation_id: organisation_id,
        },
        ActFor::LoadMetricData => Action::LoadMetricData { organisation_id },
        ActFor::LoadFinance => Action::LoadFinance { organisation_id },
    };
    decide(principal, action).is_allowed()
}
