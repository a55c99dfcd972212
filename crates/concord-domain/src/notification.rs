//! Notifications: what Concord tells a person when something needs them, in Concord (a count in
//! the header and a list) and by e-mail. Each person chooses, per kind, where they are told, and
//! can stop the e-mails of one kind from a link in any of them.
//!
//! The rules stated to people: a proposal is "closing soon" in its last [`CLOSING_SOON_DAYS`]
//! days; a risk's review is due once its latest review (or its raising) is more than
//! [`RISK_REVIEW_EVERY_DAYS`] days old. An e-mail that a mail server refuses or cannot take is
//! tried again after [`retry_after`] (1, 2, 4 ... minutes, at most 6 hours apart) until it is
//! delivered: it is never dropped.

use crate::validation::ValidationErrors;
use crate::vocabulary;
use chrono::Duration;

vocabulary! {
    /// What a notification is about.
    NotificationKind {
        ConsentRequested => ("consent_requested", "A proposal asks for your organisation's consent"),
        ProposalClosingSoon => ("proposal_closing_soon", "A proposal closes soon"),
        ProposalClosed => ("proposal_closed", "A proposal has closed"),
        ActionAssigned => ("action_assigned", "An action is assigned to you"),
        ActionOverdue => ("action_overdue", "Your action is overdue"),
        RiskEscalated => ("risk_escalated", "A risk is escalated to your board"),
        ReportDue => ("report_due", "A programme's status report is due"),
        ReviewDue => ("review_due", "A risk's review is due"),
        RunEnded => ("run_ended", "A what-if run you asked for has finished"),
        ReferralWaiting => ("referral_waiting", "A referral is waiting for your service's reply"),
        ReferralOverdue => ("referral_overdue", "A referral has waited too long for a reply"),
        ReferralReplied => ("referral_replied", "A service has replied to your referral"),
        PulseOpen => ("pulse_open", "The partnership trust pulse asks for your answer"),
    }
}

/// A proposal is "closing soon" within this many days of its closing date.
pub const CLOSING_SOON_DAYS: i64 = 3;

/// A risk's score is reviewed monthly: its review is due after this many days.
pub const RISK_REVIEW_EVERY_DAYS: i64 = 31;

/// The longest wait between two tries of one e-mail.
pub const LONGEST_RETRY_MINUTES: i64 = 360;

/// How long to wait before trying an e-mail again after `attempts` failed tries: 1 minute after
/// the first, doubling each time, never more than [`LONGEST_RETRY_MINUTES`].
pub fn retry_after(attempts: u32) -> Duration {
    let doubled = 1_i64
        .checked_shl(attempts.saturating_sub(1).min(20))
        .unwrap_or(i64::MAX);
    Duration::minutes(doubled.min(LONGEST_RETRY_MINUTES))
}

/// Where a person is told about one kind of notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Channels {
    /// In Concord: the header's count and the notifications page.
    pub in_app: bool,
    /// By e-mail to their work address.
    pub email: bool,
}

impl Default for Channels {
    /// Everyone is told everything in both places until they choose otherwise.
    fn default() -> Self {
        Channels {
            in_app: true,
            email: true,
        }
    }
}

impl Channels {
    /// True when the person is told at all.
    pub fn any(self) -> bool {
        self.in_app || self.email
    }
}

/// A person's choices as submitted from the settings form: the kinds they want in Concord and
/// the kinds they want by e-mail (codes of [`NotificationKind`]).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ChoicesDraft {
    /// Kinds shown in Concord.
    pub in_app: Vec<String>,
    /// Kinds sent by e-mail.
    pub email: Vec<String>,
}

impl ChoicesDraft {
    /// Each kind with its channels, or which field named an unknown kind.
    pub fn validate(&self) -> Result<Vec<(NotificationKind, Channels)>, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        for (field, codes) in [("in_app", &self.in_app), ("email", &self.email)] {
            if let Some(bad) = codes
                .iter()
                .find(|c| c.parse::<NotificationKind>().is_err())
            {
                errors.add(
                    field,
                    format!(
                        "\u{201c}{}\u{201d} is not a kind of notification",
                        bad.trim()
                    ),
                );
            }
        }
        errors.into_result()?;
        let ticked =
            |codes: &[String], kind: NotificationKind| codes.iter().any(|c| c == kind.as_str());
        Ok(NotificationKind::ALL
            .iter()
            .map(|&kind| {
                (
                    kind,
                    Channels {
                        in_app: ticked(&self.in_app, kind),
                        email: ticked(&self.email, kind),
                    },
                )
            })
            .collect())
    }
}

/// One thing a person should be told, worked out from the state of the partnership. `key` names
/// the occasion (the proposal, the action and its due date, the risk and the level it reached), so
/// the same occasion is never told twice however often it is worked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occasion {
    /// Who is told.
    pub person_id: String,
    /// What about.
    pub kind: NotificationKind,
    /// The occasion, unique per person and kind.
    pub key: String,
    /// One line, shown in the list and as the e-mail's subject.
    pub title: String,
    /// A sentence or two more.
    pub body: String,
    /// The page (a path within Concord) where the person acts on it.
    pub link: String,
}

/// The longest title kept (longer ones are shortened with an ellipsis).
pub const MAX_TITLE_CHARS: usize = 150;

/// `text` on one line (control characters such as line breaks become spaces, so a title can
/// never break an e-mail's headers), cut to `max` characters, ending in an ellipsis when cut.
pub fn shortened(text: &str, max: usize) -> String {
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let text = line.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('\u{2026}');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_from_a_minute_to_at_most_six_hours() {
        let minutes: Vec<i64> = (1..=12).map(|a| retry_after(a).num_minutes()).collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360]);
        assert_eq!(retry_after(0).num_minutes(), 1);
        assert_eq!(retry_after(u32::MAX).num_minutes(), LONGEST_RETRY_MINUTES);
    }

    #[test]
    fn choices_name_each_kind_once_with_what_was_ticked() {
        let draft = ChoicesDraft {
            in_app: vec!["action_overdue".into(), "report_due".into()],
            email: vec!["report_due".into()],
        };
        let choices = draft.validate().unwrap();
        assert_eq!(choices.len(), NotificationKind::ALL.len());
        let of = |kind| choices.iter().find(|(k, _)| *k == kind).unwrap().1;
        assert_eq!(
            of(NotificationKind::ReportDue),
            Channels {
                in_app: true,
                email: true
            }
        );
        assert_eq!(
            of(NotificationKind::ActionOverdue),
            Channels {
                in_app: true,
                email: false
            }
        );
        assert!(!of(NotificationKind::RiskEscalated).any());
    }

    #[test]
    fn an_unknown_kind_is_refused_on_its_field() {
        let draft = ChoicesDraft {
            in_app: vec![],
            email: vec!["everything".into()],
        };
        let errors = draft.validate().unwrap_err();
        assert!(errors.for_field("email").unwrap().contains("everything"));
        assert!(errors.for_field("in_app").is_none());
    }

    #[test]
    fn long_titles_are_shortened_with_an_ellipsis() {
        assert_eq!(shortened("  short ", 10), "short");
        assert_eq!(shortened("Bcc: x\r\nSubject: y", 40), "Bcc: x  Subject: y");
        let cut = shortened(&"x".repeat(200), MAX_TITLE_CHARS);
        assert_eq!(cut.chars().count(), MAX_TITLE_CHARS);
        assert!(cut.ends_with('\u{2026}'));
    }
}
