//! The demo programmes' boards: a year of meetings with agendas, decisions and actions, some of
//! them overdue.

use super::{as_person, month_end, ymd, Spec};
use chrono::{Duration, NaiveDate};
use concord_domain::meeting::{ActionDraft, AgendaItemDraft, DecisionDraft, MeetingDraft};
use concord_store::{boards, meetings, Store, StoreError};

pub(super) async fn seed_meetings(
    store: &Store,
    board: &str,
    programme: &str,
    spec: &Spec,
    members: &[boards::BoardMember],
    today: NaiveDate,
) -> Result<(), StoreError> {
    let existing = meetings::meetings_of(store, board).await?;
    let chair = members
        .first()
        .map(|m| (m.person_id.clone(), m.person_name.clone()))
        .unwrap_or_default();
    let chair_actor = as_person(&chair.0, &chair.1);
    let owner = |n: usize| {
        members
            .get(n % members.len().max(1))
            .map(|m| m.person_id.clone())
            .unwrap_or_default()
    };
    // Boards that govern two programmes already have their meetings: add this programme's items.
    let meeting_ids: Vec<(String, NaiveDate)> = if existing.is_empty() {
        let mut made = Vec::new();
        for back in (-1..=5).rev() {
            let held = month_end(today, back + 1) + Duration::days(14);
            let id = meetings::schedule(
                store,
                &chair_actor,
                board,
                &MeetingDraft {
                    title: format!(
                        "{} – {}",
                        members
                            .first()
                            .map(|m| m.board_name.as_str())
                            .unwrap_or("Board"),
                        held.format("%B %Y")
                    ),
                    held_on: ymd(held),
                    starts_at: "10:00".into(),
                    location: "Riverside House, Room 2, and online".into(),
                },
            )
            .await?;
            made.push((id, held));
        }
        made
    } else {
        let mut made: Vec<(String, NaiveDate)> = existing
            .iter()
            .map(|m| {
                (
                    m.id.clone(),
                    NaiveDate::parse_from_str(&m.held_on, "%Y-%m-%d").unwrap_or(today),
                )
            })
            .collect();
        made.sort_by_key(|(_, d)| *d);
        made
    };
    for (n, (meeting, held)) in meeting_ids.iter().enumerate() {
        meetings::add_agenda_item(
            store,
            &chair_actor,
            meeting,
            &AgendaItemDraft {
                title: format!("Highlight report: {}", spec.name),
                purpose: "assurance".into(),
                programme_id: programme.into(),
                presenter_person_id: owner(2),
                paper:
                    "Status, milestones, top risks and benefits from the programme's live record."
                        .into(),
                confidential: false,
            },
        )
        .await?;
        let upcoming = *held > today;
        let decision_item = meetings::add_agenda_item(
            store,
            &chair_actor,
            meeting,
            &AgendaItemDraft {
                title: format!(
                    "{}: {}",
                    spec.name,
                    if n % 2 == 0 {
                        "recovery plan and next phase"
                    } else {
                        "use of contingency"
                    }
                ),
                purpose: "decision".into(),
                programme_id: programme.into(),
                presenter_person_id: owner(1),
                paper: "The board is asked to choose between the options set out.".into(),
                confidential: n % 3 == 2,
            },
        )
        .await?;
        if upcoming {
            continue;
        }
        if n % 2 == 0 || n + 2 >= meeting_ids.len() {
            meetings::record_decision(store, &chair_actor, meeting, &DecisionDraft {
                agenda_item_id: decision_item,
                title: format!("{}: agreed the next phase", spec.name),
                decision: format!("The board agreed the next phase of {} and asked for a report in two months.", spec.name),
                options_considered: "Proceed as planned; pause for evaluation; proceed with a smaller scope. The board chose to proceed: the evidence so far supports it.".into(),
                decided_by: "The board, by consensus".into(),
                confidential: n % 3 == 2,
                ..Default::default()
            })
            .await?;
        }
        let due = *held + Duration::days(21);
        let action = meetings::set_action(
            store,
            &chair_actor,
            Some(meeting),
            &ActionDraft {
                title: format!(
                    "Bring a costed plan for {} to the next meeting",
                    spec.projects[n % spec.projects.len()].0.to_lowercase()
                ),
                owner_person_id: owner(n + 2),
                due_on: ymd(due),
                programme_id: programme.into(),
            },
        )
        .await?;
        // Older actions are done; the most recent one or two are still open (and may be overdue).
        if n + 3 < meeting_ids.len() {
            meetings::complete_action(store, &chair_actor, &action).await?;
        }
    }
    Ok(())
}
