//! Partnership: organisations, people, memberships and boards.

use super::{Ask, Rule};
use concord_domain::{Action, BoardRole, Decision};
use concord_store::{boards, meetings, people, StoreError};

pub(super) async fn resolve(ask: &Ask<'_>, rule: Rule) -> Result<Option<Decision>, StoreError> {
    let id = ask.target.id_or_empty();
    let decision = match rule {
        Rule::EditOrganisation => {
            ask.organisation_exists(id).await?;
            ask.decide(Action::EditOrganisation {
                organisation_id: id,
            })
        }
        Rule::CreateBoard => {
            ask.organisation_exists(id).await?;
            ask.decide(Action::ManageBoard {
                host_organisation_id: id,
            })
        }
        Rule::RemoveMembership => {
            let membership = people::membership(ask.store, id).await?;
            ask.decide(Action::EditOrganisation {
                organisation_id: &membership.organisation_id,
            })
        }
        Rule::EditPerson => {
            people::get(ask.store, id).await?;
            let organisations = people::organisation_ids_of(ask.store, id).await?;
            ask.decide(Action::EditPerson {
                person_id: id,
                person_organisations: &organisations,
            })
        }
        Rule::ManageBoard => {
            let board = boards::get(ask.store, id).await?;
            ask.decide(Action::ManageBoard {
                host_organisation_id: &board.organisation_id,
            })
        }
        Rule::ManageBoardMembers => {
            let board = boards::get(ask.store, id).await?;
            let seat = meetings::seat(ask.store, id, ask.person_id()).await?;
            ask.decide(Action::ManageBoardMembers {
                host_organisation_id: &board.organisation_id,
                chairs_board: chairs(seat),
            })
        }
        _ => return Ok(None),
    };
    Ok(Some(decision))
}

/// True for the board's chair and vice chair.
pub(super) fn chairs(seat: Option<BoardRole>) -> bool {
    matches!(seat, Some(BoardRole::Chair | BoardRole::ViceChair))
}
