//! Board meetings: agendas built from programme items, minutes, decisions and actions.
//!
//! Dates that people act on (an action's due date, a meeting's day) are calendar dates in the
//! partnership's own time zone, Europe/London. An action due on 30 June is overdue from midnight
//! at the start of 1 July *in London*, which in summer is 23:00 UTC on 30 June: [`is_overdue`]
//! decides in London time, never in UTC.

use crate::validation::{loose_bool, ValidationErrors};
use crate::vocabulary;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::London;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// Why an item is on an agenda.
    AgendaPurpose {
        Decision => ("decision", "For decision"),
        Assurance => ("assurance", "For assurance"),
        Discussion => ("discussion", "For discussion"),
        Information => ("information", "For information"),
    }
}

vocabulary! {
    /// Whether an action is still to do.
    ActionStatus {
        Open => ("open", "Open"),
        Done => ("done", "Done"),
    }
}

/// The calendar date in London at the instant `now`.
pub fn london_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&London).date_naive()
}

/// True when an open action due on `due_on` is overdue at the instant `now`: the London date has
/// passed the due date. An action is never overdue on its due day.
pub fn is_overdue(due_on: NaiveDate, status: ActionStatus, now: DateTime<Utc>) -> bool {
    status == ActionStatus::Open && london_date(now) > due_on
}

/// Days until `due_on` in London at `now` (negative once overdue).
pub fn days_until(due_on: NaiveDate, now: DateTime<Utc>) -> i64 {
    (due_on - london_date(now)).num_days()
}

/// What a user submits to schedule a meeting.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MeetingDraft {
    /// The meeting's title, for example "Place board, November".
    #[schema(required)]
    pub title: String,
    /// The date, YYYY-MM-DD.
    #[schema(required)]
    pub held_on: String,
    /// The start time, HH:MM (London time).
    #[schema(required)]
    pub starts_at: String,
    /// Where, or how to join.
    pub location: String,
}

impl MeetingDraft {
    /// Validates the meeting.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("title", "a title", &self.title, 200);
        errors.require_date("held_on", "the date of the meeting", &self.held_on);
        let time = self.starts_at.trim();
        if chrono::NaiveTime::parse_from_str(time, "%H:%M").is_err() || time.len() != 5 {
            errors.add(
                "starts_at",
                "Enter the start time as HH:MM, for example 09:30",
            );
        }
        errors.optional_text("location", "the location", &self.location, 300);
        errors.into_result()
    }
}

/// An item on a meeting's agenda.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AgendaItemDraft {
    /// The item's title.
    #[schema(required)]
    pub title: String,
    /// Purpose code, for example `decision`.
    #[schema(required)]
    pub purpose: String,
    /// The programme it concerns (blank if none): its highlight report goes in the board pack.
    pub programme_id: String,
    /// Who presents it (blank if none).
    pub presenter_person_id: String,
    /// The paper: background and what the board is asked to do.
    pub paper: String,
    /// True when only the board's members may read it.
    #[serde(deserialize_with = "loose_bool")]
    pub confidential: bool,
}

impl AgendaItemDraft {
    /// Validates the item.
    pub fn validate(&self) -> Result<AgendaPurpose, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("title", "the item's title", &self.title, 300);
        let purpose = errors.require_code::<AgendaPurpose>("purpose", "the purpose", &self.purpose);
        errors.optional_text("paper", "the paper", &self.paper, 20_000);
        errors.into_result()?;
        Ok(purpose.expect("validated"))
    }
}

/// A decision a board made.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DecisionDraft {
    /// The agenda item it settles (blank if none).
    pub agenda_item_id: String,
    /// The programme it concerns (blank if none; taken from the agenda item when given).
    pub programme_id: String,
    /// The decision in one line.
    #[schema(required)]
    pub title: String,
    /// What was decided, in full.
    #[schema(required)]
    pub decision: String,
    /// The options the board considered, and why it chose as it did.
    #[schema(required)]
    pub options_considered: String,
    /// Who decided, for example "The board, unanimously" or "Chair's action".
    #[schema(required)]
    pub decided_by: String,
    /// The consent proposal whose record this decision rests on (blank if none).
    pub proposal_id: String,
    /// True when only the board's members may read it.
    #[serde(deserialize_with = "loose_bool")]
    pub confidential: bool,
}

impl DecisionDraft {
    /// Validates the decision: what was decided, the options considered, and who decided.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("title", "the decision in one line", &self.title, 300);
        errors.require_text("decision", "what was decided", &self.decision, 4000);
        errors.require_text(
            "options_considered",
            "the options considered",
            &self.options_considered,
            4000,
        );
        errors.require_text("decided_by", "who decided", &self.decided_by, 300);
        errors.into_result()
    }
}

/// An action arising from a meeting (or set on a programme).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ActionDraft {
    /// What is to be done.
    #[schema(required)]
    pub title: String,
    /// Who will do it.
    #[schema(required)]
    pub owner_person_id: String,
    /// When by, YYYY-MM-DD (London date).
    #[schema(required)]
    pub due_on: String,
    /// The programme it concerns (blank if none).
    pub programme_id: String,
}

impl ActionDraft {
    /// Validates the action.
    pub fn validate(&self) -> Result<NaiveDate, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("title", "what is to be done", &self.title, 500);
        errors.require_id(
            "owner_person_id",
            "the action's owner",
            &self.owner_person_id,
        );
        let due = errors.require_date("due_on", "the due date", &self.due_on);
        errors.into_result()?;
        Ok(due.expect("validated"))
    }
}

/// The minutes of a meeting.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MinutesDraft {
    /// The minutes, as agreed.
    #[schema(required)]
    pub minutes: String,
}

impl MinutesDraft {
    /// Validates the minutes.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("minutes", "the minutes", &self.minutes, 50_000);
        errors.into_result()
    }
}

/// An interest declared by a board member, for a whole meeting or one agenda item.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DeclarationDraft {
    /// The member declaring it.
    #[schema(required)]
    pub person_id: String,
    /// The agenda item it concerns (blank: the whole meeting).
    pub agenda_item_id: String,
    /// The interest, for example "Director of Riverside Physio Ltd, a bidder for this contract".
    #[schema(required)]
    pub interest: String,
}

impl DeclarationDraft {
    /// The member, the agenda item (if any) and the interest, or what is wrong.
    pub fn validate(&self) -> Result<(String, Option<String>, String), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if self.person_id.trim().is_empty() {
            errors.add("person_id", "Select the member declaring the interest");
        }
        errors.require_text("interest", "the interest", &self.interest, 1_000);
        errors.into_result()?;
        let item = Some(self.agenda_item_id.trim())
            .filter(|i| !i.is_empty())
            .map(str::to_string);
        Ok((
            self.person_id.trim().to_string(),
            item,
            self.interest.trim().to_string(),
        ))
    }
}

/// Who may read an item marked confidential: the members of the board it is confidential for,
/// and (for a programme's own items) its senior responsible owner and manager.
#[derive(Debug, Clone, Default)]
pub struct ConfidentialityScope {
    /// The boards the viewer sits on.
    pub board_ids: Vec<String>,
    /// The programmes the viewer is SRO or manager of.
    pub programme_ids: Vec<String>,
}

impl ConfidentialityScope {
    /// True when the viewer may read an item that is `confidential` for `board_id` (if any) and
    /// belongs to `programme_id` (if any). Items not marked confidential are open to everyone in
    /// the system; a confidential item with no board is open only to its programme's leaders.
    pub fn may_read(
        &self,
        confidential: bool,
        board_id: Option<&str>,
        programme_id: Option<&str>,
    ) -> bool {
        !confidential
            || board_id.is_some_and(|b| self.board_ids.iter().any(|id| id == b))
            || programme_id.is_some_and(|p| self.programme_ids.iter().any(|id| id == p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn in_summer_an_action_is_overdue_from_23_00_utc_on_its_due_day() {
        // British Summer Time: London is UTC+1, so London's 1 July begins at 23:00 UTC on 30 June.
        let due = date("2026-06-30");
        assert!(!is_overdue(
            due,
            ActionStatus::Open,
            utc(2026, 6, 30, 22, 59)
        ));
        assert!(is_overdue(due, ActionStatus::Open, utc(2026, 6, 30, 23, 0)));
        assert!(!is_overdue(
            due,
            ActionStatus::Done,
            utc(2026, 6, 30, 23, 0)
        ));
    }

    #[test]
    fn in_winter_london_and_utc_days_turn_together() {
        let due = date("2026-12-15");
        assert!(!is_overdue(
            due,
            ActionStatus::Open,
            utc(2026, 12, 15, 23, 59)
        ));
        assert!(is_overdue(due, ActionStatus::Open, utc(2026, 12, 16, 0, 0)));
    }

    #[test]
    fn the_clock_changes_move_the_boundary() {
        // Clocks went forward at 01:00 UTC on Sunday 29 March 2026 and back at 01:00 UTC on
        // Sunday 25 October 2026.
        assert_eq!(london_date(utc(2026, 3, 28, 23, 30)), date("2026-03-28"));
        assert_eq!(london_date(utc(2026, 3, 29, 23, 30)), date("2026-03-30"));
        assert_eq!(london_date(utc(2026, 10, 24, 23, 30)), date("2026-10-25"));
        assert_eq!(london_date(utc(2026, 10, 25, 23, 30)), date("2026-10-25"));
        assert_eq!(days_until(date("2026-10-26"), utc(2026, 10, 25, 23, 30)), 1);
        assert_eq!(days_until(date("2026-06-29"), utc(2026, 6, 30, 23, 30)), -2);
    }

    #[test]
    fn confidential_items_are_for_their_board_and_programme_leaders_only() {
        let member = ConfidentialityScope {
            board_ids: vec!["b1".into()],
            programme_ids: vec![],
        };
        let sro = ConfidentialityScope {
            board_ids: vec![],
            programme_ids: vec!["p1".into()],
        };
        let outsider = ConfidentialityScope::default();
        assert!(outsider.may_read(false, Some("b1"), Some("p1")));
        assert!(!outsider.may_read(true, Some("b1"), Some("p1")));
        assert!(member.may_read(true, Some("b1"), None));
        assert!(!member.may_read(true, Some("b2"), None));
        assert!(sro.may_read(true, None, Some("p1")));
        assert!(!sro.may_read(true, Some("b1"), None));
    }

    #[test]
    fn a_meeting_needs_a_real_date_and_time() {
        let draft = MeetingDraft {
            title: "Place board".into(),
            held_on: "2026-02-30".into(),
            starts_at: "9.30".into(),
            location: String::new(),
        };
        let errors = draft.validate().unwrap_err();
        assert!(errors.for_field("held_on").is_some());
        assert!(errors.for_field("starts_at").is_some());
    }
}
