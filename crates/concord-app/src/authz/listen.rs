//! Listen: consultations, run by their organisation's partner leads, programme managers and
//! analysts, and analysed by analysts anywhere in the partnership.

use super::{Ask, Rule};
use concord_domain::{decide, Action, Decision, Principal};
use concord_store::{consultations, StoreError};

pub(super) async fn resolve(ask: &Ask<'_>, rule: Rule) -> Result<Option<Decision>, StoreError> {
    let decision = match rule {
        Rule::RunConsultation => {
            let consultation = consultations::get(ask.store, ask.target.id_or_empty()).await?;
            ask.decide(Action::RunConsultation {
                owner_organisation_id: Some(&consultation.owner_organisation_id),
            })
        }
        Rule::AnalyseConsultation => {
            let consultation = consultations::get(ask.store, ask.target.id_or_empty()).await?;
            ask.decide(Action::AnalyseConsultation {
                owner_organisation_id: &consultation.owner_organisation_id,
            })
        }
        _ => return Ok(None),
    };
    Ok(Some(decision))
}

/// Whether `principal` may run consultations for `organisation_id`.
pub fn may_run_consultation_for(principal: Option<&Principal>, organisation_id: &str) -> bool {
    decide(
        principal,
        Action::RunConsultation {
            owner_organisation_id: Some(organisation_id),
        },
    )
    .is_allowed()
}

/// Whether `principal` may answer the trust pulse for `organisation_id`: only where they hold a
/// role, with no administrator override.
pub fn may_answer_pulse_for(principal: Option<&Principal>, organisation_id: &str) -> bool {
    decide(principal, Action::AnswerTrustPulse { organisation_id }).is_allowed()
}
