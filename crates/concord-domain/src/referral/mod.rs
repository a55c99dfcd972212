//! Referrals across organisations: a person referred by their care team (or by themselves) to a
//! service in the directory, and what the service does about it. The lifecycle is FHIR R4's Task
//! for referral management ([`lifecycle`]); what a referral carries and how it is checked is in
//! [`draft`]; the outcome measures recorded with it (ONS4 personal wellbeing, UCLA 3-item
//! loneliness) are in [`outcome`].

pub mod caseload;
pub mod draft;
pub mod lifecycle;
pub mod outcome;
pub mod swemwbs;

use crate::vocabulary;

pub use draft::{ReferralDraft, SelfReferralDraft, StatusChange, StatusChangeDraft};
pub use lifecycle::{Move, MoveRefused, Side};

vocabulary! {
    /// Where a referral is in its life: FHIR R4 Task's status for referral management
    /// (`in_progress` here is FHIR's `in-progress`; [`ReferralStatus::fhir_code`]).
    ReferralStatus {
        Draft => ("draft", "Draft, not sent"),
        Requested => ("requested", "Sent, waiting for a reply"),
        Received => ("received", "Received by the service"),
        Accepted => ("accepted", "Accepted"),
        Rejected => ("rejected", "Declined by the service"),
        Cancelled => ("cancelled", "Cancelled by the referrer"),
        InProgress => ("in_progress", "Being supported"),
        OnHold => ("on_hold", "On hold"),
        Completed => ("completed", "Completed"),
        Failed => ("failed", "Ended without being completed"),
        EnteredInError => ("entered_in_error", "Entered in error"),
    }
}

impl ReferralStatus {
    /// The FHIR R4 task-status code.
    pub fn fhir_code(self) -> &'static str {
        match self {
            ReferralStatus::InProgress => "in-progress",
            ReferralStatus::OnHold => "on-hold",
            ReferralStatus::EnteredInError => "entered-in-error",
            other => other.as_str(),
        }
    }

    /// The status a FHIR task-status code names.
    pub fn from_fhir(code: &str) -> Option<Self> {
        code.replace('-', "_").parse().ok()
    }

    /// The status in a few words, to finish "a referral that is ...".
    pub fn phrase(self) -> &'static str {
        match self {
            ReferralStatus::Draft => "a draft",
            ReferralStatus::Requested => "sent",
            ReferralStatus::Received => "received",
            ReferralStatus::Accepted => "accepted",
            ReferralStatus::Rejected => "declined",
            ReferralStatus::Cancelled => "cancelled",
            ReferralStatus::InProgress => "in progress",
            ReferralStatus::OnHold => "on hold",
            ReferralStatus::Completed => "completed",
            ReferralStatus::Failed => "ended",
            ReferralStatus::EnteredInError => "entered in error",
        }
    }

    /// Whether the referral has ended: nothing more can happen to it.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            ReferralStatus::Rejected
                | ReferralStatus::Cancelled
                | ReferralStatus::Completed
                | ReferralStatus::Failed
                | ReferralStatus::EnteredInError
        )
    }

    /// Whether the receiving service has it to act on: sent and not yet ended. Only then may the
    /// service see who the person is.
    pub fn with_service(self) -> bool {
        !self.is_closed() && self != ReferralStatus::Draft
    }

    /// Whether the service has yet to reply (accept or decline): the state a referral is flagged
    /// in when nobody acts on it.
    pub fn awaits_reply(self) -> bool {
        matches!(self, ReferralStatus::Requested | ReferralStatus::Received)
    }

    /// The FHIR R4 ServiceRequest status matching this task status.
    pub fn service_request_status(self) -> &'static str {
        match self {
            ReferralStatus::Draft => "draft",
            ReferralStatus::OnHold => "on-hold",
            ReferralStatus::Completed => "completed",
            ReferralStatus::Rejected | ReferralStatus::Cancelled | ReferralStatus::Failed => {
                "revoked"
            }
            ReferralStatus::EnteredInError => "entered-in-error",
            ReferralStatus::Requested
            | ReferralStatus::Received
            | ReferralStatus::Accepted
            | ReferralStatus::InProgress => "active",
        }
    }
}

vocabulary! {
    /// Why a referral was declined, cancelled, paused or ended: a code kept for the figures
    /// (declines and non-contact by group), with the words of whoever recorded it.
    ReferralReason {
        NoCapacity => ("no_capacity", "No places available"),
        NotEligible => ("not_eligible", "Not eligible for this service"),
        BetterElsewhere => ("better_elsewhere", "Another service would suit better"),
        PersonDeclined => ("person_declined", "The person declined"),
        CouldNotContact => ("could_not_contact", "Could not contact the person"),
        CircumstancesChanged => ("circumstances_changed", "The person's circumstances changed"),
        Mistake => ("mistake", "Made by mistake"),
        Other => ("other", "Another reason"),
    }
}

vocabulary! {
    /// The receiving service's answer about its capacity, as FHIR's SDOH referral guidance
    /// carries it (Task.businessStatus).
    CapacityReply {
        Capacity => ("capacity", "Has a place"),
        Waitlist => ("waitlist", "No place now: on the waiting list"),
        AdditionalAssessmentRequired => ("additional_assessment_required", "An assessment is needed first"),
        NoCapacity => ("no_capacity", "No capacity"),
    }
}

vocabulary! {
    /// How urgently the referrer asks (FHIR request-priority, the two a referral uses).
    ReferralPriority {
        Routine => ("routine", "Routine"),
        Urgent => ("urgent", "Urgent"),
    }
}

vocabulary! {
    /// How the person would like the service to get in touch.
    ContactPreference {
        Phone => ("phone", "Phone call"),
        Text => ("text", "Text message"),
        Email => ("email", "E-mail"),
    }
}

vocabulary! {
    /// Where a referral came from.
    ReferralSource {
        CareTeam => ("care_team", "Their care team"),
        SelfReferral => ("self", "Self-referral"),
    }
}

/// The SNOMED CT concept a GP system records for a social prescribing referral.
pub const SNOMED_REFERRAL: (&str, &str) =
    ("871731000000106", "Referral to social prescribing service");

/// Working days a service has to reply before a referral is flagged, unless configured otherwise.
pub const DEFAULT_REPLY_WORKING_DAYS: u32 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fhir_codes_round_trip_for_every_status() {
        for status in ReferralStatus::ALL {
            assert_eq!(ReferralStatus::from_fhir(status.fhir_code()), Some(*status));
        }
        assert_eq!(ReferralStatus::InProgress.fhir_code(), "in-progress");
        assert_eq!(ReferralStatus::from_fhir("ready"), None);
    }

    #[test]
    fn a_service_holds_a_referral_only_between_sending_and_closing() {
        let with_service: Vec<_> = ReferralStatus::ALL
            .iter()
            .filter(|s| s.with_service())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(
            with_service,
            [
                "requested",
                "received",
                "accepted",
                "in_progress",
                "on_hold"
            ]
        );
    }
}
