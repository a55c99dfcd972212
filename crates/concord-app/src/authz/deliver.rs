//! Govern and deliver: programmes, board meetings, actions and improvement projects.

use super::foundation::chairs;
use super::{Ask, Rule};
use concord_domain::{Action, Decision};
use concord_store::{boards, improvement, meetings, programmes, StoreError};

pub(super) async fn resolve(ask: &Ask<'_>, rule: Rule) -> Result<Option<Decision>, StoreError> {
    let id = ask.target.id_or_empty();
    let person = ask.person_id();
    let decision = match rule {
        Rule::CreateProgramme => {
            ask.organisation_exists(id).await?;
            ask.decide(Action::CreateProgramme {
                organisation_id: id,
            })
        }
        Rule::EditProgramme => {
            let (lead, leads) = programmes::access(ask.store, id, person).await?;
            ask.decide(Action::EditProgramme {
                lead_organisation_id: &lead,
                leads_programme: leads,
            })
        }
        Rule::ScheduleMeeting | Rule::ManageMeeting => {
            let board_id = match rule {
                Rule::ManageMeeting => meetings::get(ask.store, id).await?.board_id,
                _ => id.to_string(),
            };
            let board = boards::get(ask.store, &board_id).await?;
            let seat = meetings::seat(ask.store, &board_id, person).await?;
            ask.decide(Action::ManageMeetings {
                host_organisation_id: &board.organisation_id,
                chairs_board: chairs(seat),
            })
        }
        Rule::RecordDecision => {
            let meeting = meetings::get(ask.store, id).await?;
            let seat = meetings::seat(ask.store, &meeting.board_id, person).await?;
            ask.decide(Action::RecordDecision {
                sits_on_board: meetings::is_voting(seat),
            })
        }
        Rule::UpdateAction => {
            let (action, board) = meetings::action(ask.store, id).await?;
            let seat = match &board {
                Some(b) => meetings::seat(ask.store, b, person).await?,
                None => None,
            };
            ask.decide(Action::UpdateAction {
                owns_action: action.owner_person_id == person,
                sits_on_board: meetings::is_voting(seat),
            })
        }
        Rule::StartImprovement => {
            ask.organisation_exists(id).await?;
            ask.decide(Action::RunImprovement {
                organisation_id: id,
                leads_project: false,
            })
        }
        Rule::RunImprovement => {
            let (organisation_id, leads) = improvement::access(ask.store, id, person).await?;
            ask.decide(Action::RunImprovement {
                organisation_id: &organisation_id,
                leads_project: leads,
            })
        }
        _ => return Ok(None),
    };
    Ok(Some(decision))
}
