//! Agree: strategy rounds, partners' views and consent proposals.

use super::{Ask, Rule};
use concord_domain::{Action, Decision};
use concord_store::{consent, strategy, StoreError};

pub(super) async fn resolve(ask: &Ask<'_>, rule: Rule) -> Result<Option<Decision>, StoreError> {
    let id = ask.target.id_or_empty();
    let decision = match rule {
        Rule::ManageRound => {
            let round = strategy::get(ask.store, id).await?;
            ask.decide(Action::ManageBoard {
                host_organisation_id: &round.host_organisation_id,
            })
        }
        Rule::ManageProposal => {
            let proposal = consent::get(ask.store, id).await?;
            let round = strategy::get(ask.store, &proposal.round_id).await?;
            ask.decide(Action::ManageBoard {
                host_organisation_id: &round.host_organisation_id,
            })
        }
        Rule::RespondToProposal => {
            let sits_on_deciding_board =
                consent::sits_on_deciding_board(ask.store, id, ask.person_id()).await?;
            let organisation_id = ask.target.organisation_or_empty();
            ask.organisation_exists(organisation_id).await?;
            ask.decide(Action::RespondToProposal {
                organisation_id,
                sits_on_deciding_board,
            })
        }
        Rule::EditPartnerView => {
            strategy::get(ask.store, id).await?;
            let organisation_id = ask.target.organisation_or_empty();
            ask.organisation_exists(organisation_id).await?;
            ask.decide(Action::EditOrganisation { organisation_id })
        }
        _ => return Ok(None),
    };
    Ok(Some(decision))
}
