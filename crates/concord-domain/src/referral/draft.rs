//! What a referral carries, as submitted, and how it is checked. A referral carries only what
//! the service needs to get in touch and help: who the person is (their name), how to reach
//! them, what they would like help with, and that they agreed to share it. Every problem is
//! named by its field.

use super::lifecycle::needs_reason;
use super::{CapacityReply, ContactPreference, ReferralPriority, ReferralReason, ReferralStatus};
use crate::ethnicity::EthnicGroup;
use crate::validation::{
    blank_to_none, looks_like_email, loose_bool, string_or_number, ValidationErrors,
};

/// The longest "what they would like help with".
pub const MAX_REASON_CHARS: usize = 1000;
/// The longest note with a change of status.
pub const MAX_NOTE_CHARS: usize = 500;

/// A referral by the person's care team, as submitted (from a practice's worklist or a
/// service's page).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReferralDraft {
    /// The person's NHS number (on the referring practice's registered list).
    pub nhs_number: String,
    /// The directory service referred to.
    pub service_id: String,
    /// The need, as a taxonomy term's id (optional).
    pub need: String,
    /// What the person would like help with, in their words where possible.
    pub reason: String,
    /// A phone number the service may use.
    pub phone: String,
    /// An e-mail address the service may use.
    pub email: String,
    /// `phone`, `text` or `email`.
    pub contact_preference: String,
    /// `routine` (the default) or `urgent`.
    pub priority: String,
    /// The person agreed to share these details with the service.
    #[serde(deserialize_with = "loose_bool")]
    pub consent: bool,
    /// Keep as a draft instead of sending.
    #[serde(deserialize_with = "loose_bool")]
    pub save_as_draft: bool,
    /// The cohort whose worklist the person was found on, if any.
    pub cohort_id: String,
}

/// How to reach a person, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactDetails {
    /// A phone number, as written.
    pub phone: Option<String>,
    /// An e-mail address.
    pub email: Option<String>,
    /// How they would like to be contacted.
    pub preference: ContactPreference,
}

/// A care team's referral, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareTeamReferral {
    /// The NHS number's ten digits.
    pub nhs_number: String,
    /// The service.
    pub service_id: String,
    /// The need's taxonomy term id.
    pub need: Option<String>,
    /// What they would like help with.
    pub reason: String,
    /// How to reach them.
    pub contact: ContactDetails,
    /// How urgent.
    pub priority: ReferralPriority,
    /// Kept as a draft (not sent).
    pub draft: bool,
    /// The cohort they were found in.
    pub cohort_id: Option<String>,
}

impl ReferralDraft {
    /// The referral, or every problem with it.
    pub fn validate(&self) -> Result<CareTeamReferral, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let digits: String = self
            .nhs_number
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let other = self
            .nhs_number
            .chars()
            .any(|c| !c.is_ascii_digit() && c != ' ' && c != '-');
        if digits.len() != 10 || other {
            errors.add("nhs_number", "Enter the person's NHS number: 10 digits");
        }
        errors.require_id("service_id", "a service", &self.service_id);
        errors.require_text(
            "reason",
            "what the person would like help with",
            &self.reason,
            MAX_REASON_CHARS,
        );
        let contact = check_contact(
            &mut errors,
            &self.phone,
            &self.email,
            &self.contact_preference,
        );
        let priority = if self.priority.trim().is_empty() {
            Some(ReferralPriority::Routine)
        } else {
            errors.require_code("priority", "how urgent it is", &self.priority)
        };
        if !self.consent && !self.save_as_draft {
            errors.add(
                "consent",
                "Record that the person agreed to share these details with the service",
            );
        }
        errors.into_result()?;
        Ok(CareTeamReferral {
            nhs_number: digits,
            service_id: self.service_id.trim().to_string(),
            need: blank_to_none(Some(&self.need)),
            reason: self.reason.trim().to_string(),
            contact: contact.expect("checked above"),
            priority: priority.expect("checked above"),
            draft: self.save_as_draft,
            cohort_id: blank_to_none(Some(&self.cohort_id)),
        })
    }
}

/// A person referring themselves on the public form.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SelfReferralDraft {
    /// Their first name.
    pub given_name: String,
    /// Their last name.
    pub family_name: String,
    /// Their age in years (optional; some services are for some ages only).
    #[serde(deserialize_with = "string_or_number")]
    pub age: String,
    /// Their postcode (optional; only its district is kept for the figures).
    pub postcode: String,
    /// Their ethnic group (optional, for the figures on who is reached; blank or `not_said` when
    /// they would rather not say): `white`, `mixed`, `asian`, `black` or `other`.
    pub ethnic_group: String,
    /// What they would like help with.
    pub reason: String,
    /// A phone number.
    pub phone: String,
    /// An e-mail address.
    pub email: String,
    /// `phone`, `text` or `email`.
    pub contact_preference: String,
    /// They agree to the service holding these details.
    #[serde(deserialize_with = "loose_bool")]
    pub consent: bool,
}

/// A self-referral, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfReferral {
    /// First name.
    pub given_name: String,
    /// Last name.
    pub family_name: String,
    /// Age in years.
    pub age: Option<u8>,
    /// The postcode as given, upper case.
    pub postcode: Option<String>,
    /// Their ethnic group, when they gave it.
    pub ethnic_group: Option<EthnicGroup>,
    /// What they would like help with.
    pub reason: String,
    /// How to reach them.
    pub contact: ContactDetails,
}

impl SelfReferralDraft {
    /// The self-referral, or every problem with it.
    pub fn validate(&self) -> Result<SelfReferral, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("given_name", "your first name", &self.given_name, 100);
        errors.require_text("family_name", "your last name", &self.family_name, 100);
        let age = if self.age.trim().is_empty() {
            None
        } else {
            match self.age.trim().parse::<u8>() {
                Ok(age) if (16..=120).contains(&age) => Some(age),
                _ => {
                    errors.add(
                        "age",
                        "Enter your age in years, from 16 to 120, or leave it blank",
                    );
                    None
                }
            }
        };
        let postcode = self.postcode.trim().to_uppercase();
        let postcode_ok = postcode.len() <= 8
            && postcode
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ');
        if !postcode_ok {
            errors.add(
                "postcode",
                "Enter a postcode, for example RV1 2AB, or leave it blank",
            );
        }
        let ethnic_group = match self.ethnic_group.trim() {
            "" | "not_said" => None,
            code => {
                let group = EthnicGroup::from_code(code);
                if group.is_none() {
                    errors.add(
                        "ethnic_group",
                        "Choose an ethnic group from the list, or 'I would rather not say'",
                    );
                }
                group
            }
        };
        errors.require_text(
            "reason",
            "what you would like help with",
            &self.reason,
            MAX_REASON_CHARS,
        );
        let contact = check_contact(
            &mut errors,
            &self.phone,
            &self.email,
            &self.contact_preference,
        );
        if !self.consent {
            errors.add(
                "consent",
                "Tick the box to agree to the service holding these details",
            );
        }
        errors.into_result()?;
        Ok(SelfReferral {
            given_name: self.given_name.trim().to_string(),
            family_name: self.family_name.trim().to_string(),
            age,
            postcode: (!postcode.is_empty()).then_some(postcode),
            ethnic_group,
            reason: self.reason.trim().to_string(),
            contact: contact.expect("checked above"),
        })
    }
}

/// A change of a referral's status, as submitted.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StatusChangeDraft {
    /// The status to move to (`received`, `accepted`, `rejected`, ...).
    pub status: String,
    /// Why (needed to decline, cancel, pause, end or withdraw): a reason code.
    pub reason: String,
    /// A note in words.
    pub note: String,
    /// On accepting: `capacity`, `waitlist` or `additional_assessment_required`.
    pub capacity: String,
    /// On sending a draft: the person agreed to share their details with the service.
    #[serde(deserialize_with = "loose_bool")]
    pub consent: bool,
}

/// A change of status, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// The status it moves to.
    pub to: ReferralStatus,
    /// Why, when a reason is needed.
    pub reason: Option<ReferralReason>,
    /// The note.
    pub note: String,
    /// The service's capacity answer, when it gives one.
    pub capacity: Option<CapacityReply>,
}

impl StatusChange {
    /// The reason in words, as FHIR's Task.statusReason.text carries it.
    pub fn reason_text(&self) -> Option<String> {
        self.reason.map(|r| match self.note.is_empty() {
            true => r.label().to_string(),
            false => format!("{}: {}", r.label(), self.note),
        })
    }
}

impl StatusChangeDraft {
    /// The change, or every problem with it (whether the move is allowed is the lifecycle's
    /// question, asked with the referral's status).
    pub fn validate(&self) -> Result<StatusChange, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let to: Option<ReferralStatus> =
            errors.require_code("status", "what happens next", &self.status);
        let reason: Option<ReferralReason> = match to {
            Some(to) if needs_reason(to) => errors.require_code("reason", "a reason", &self.reason),
            _ => None,
        };
        errors.optional_text("note", "the note", &self.note, MAX_NOTE_CHARS);
        let capacity = match to {
            Some(ReferralStatus::Accepted) => {
                let capacity: Option<CapacityReply> = errors.require_code(
                    "capacity",
                    "whether the service has a place",
                    &self.capacity,
                );
                if capacity == Some(CapacityReply::NoCapacity) {
                    errors.add(
                        "capacity",
                        "A service with no capacity declines the referral (or puts the person on its waiting list)",
                    );
                }
                capacity
            }
            Some(ReferralStatus::Rejected) if reason == Some(ReferralReason::NoCapacity) => {
                Some(CapacityReply::NoCapacity)
            }
            _ => None,
        };
        errors.into_result()?;
        Ok(StatusChange {
            to: to.expect("checked above"),
            reason,
            note: self.note.trim().to_string(),
            capacity,
        })
    }
}

/// Whether `phone` looks like a UK or international number: 10 to 15 digits, with spaces,
/// brackets, hyphens and a leading plus allowed.
pub fn looks_like_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (10..=15).contains(&digits)
        && phone.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || matches!(c, ' ' | '(' | ')' | '-') || (c == '+' && i == 0)
        })
}

fn check_contact(
    errors: &mut ValidationErrors,
    phone: &str,
    email: &str,
    preference: &str,
) -> Option<ContactDetails> {
    let phone = blank_to_none(Some(phone));
    let email = blank_to_none(Some(email));
    if let Some(p) = &phone {
        if !looks_like_phone(p) {
            errors.add(
                "phone",
                "Enter a phone number with 10 to 15 digits, for example 01632 960 001",
            );
        }
    }
    if let Some(e) = &email {
        if !looks_like_email(e) || e.chars().count() > 254 {
            errors.add(
                "email",
                "Enter an e-mail address, for example name@example.org",
            );
        }
    }
    if phone.is_none() && email.is_none() {
        errors.add(
            "phone",
            "Give a phone number or an e-mail address so the service can get in touch",
        );
    }
    let preference: Option<ContactPreference> =
        errors.require_code("contact_preference", "how to get in touch", preference);
    match preference {
        Some(ContactPreference::Email) if email.is_none() => {
            errors.add(
                "email",
                "Give an e-mail address, or choose another way to get in touch",
            );
        }
        Some(ContactPreference::Phone | ContactPreference::Text) if phone.is_none() => {
            errors.add(
                "phone",
                "Give a phone number, or choose another way to get in touch",
            );
        }
        _ => {}
    }
    Some(ContactDetails {
        phone,
        email,
        preference: preference?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ReferralDraft {
        ReferralDraft {
            nhs_number: "943 476 5919".into(),
            service_id: "svc".into(),
            reason: "Would like company on weekday afternoons".into(),
            phone: "01632 960 001".into(),
            contact_preference: "phone".into(),
            consent: true,
            ..ReferralDraft::default()
        }
    }

    #[test]
    fn a_referral_needs_consent_a_reason_and_a_way_to_get_in_touch() {
        let referral = draft().validate().unwrap();
        assert_eq!(referral.nhs_number, "9434765919");
        assert_eq!(referral.priority, ReferralPriority::Routine);
        assert!(!referral.draft);
        let errors = ReferralDraft {
            nhs_number: "12345".into(),
            reason: " ".into(),
            phone: String::new(),
            consent: false,
            ..draft()
        }
        .validate()
        .unwrap_err();
        for field in ["nhs_number", "reason", "phone", "consent"] {
            assert!(errors.for_field(field).is_some(), "{field}");
        }
        // A draft may wait for consent; sending may not.
        let kept = ReferralDraft {
            consent: false,
            save_as_draft: true,
            ..draft()
        };
        assert!(kept.validate().unwrap().draft);
    }

    #[test]
    fn the_way_to_get_in_touch_must_be_one_given() {
        let errors = ReferralDraft {
            contact_preference: "email".into(),
            ..draft()
        }
        .validate()
        .unwrap_err();
        assert!(errors.for_field("email").is_some());
        assert!(looks_like_phone("+44 (0)1632 960001"));
        assert!(!looks_like_phone("01632 96"));
        assert!(!looks_like_phone("0163+2960001"));
    }

    #[test]
    fn a_self_referral_is_checked_field_by_field() {
        let good = SelfReferralDraft {
            given_name: "Ada".into(),
            family_name: "Lovelace".into(),
            age: "78".into(),
            postcode: "rv1 2ab".into(),
            reason: "I'm on my own most days".into(),
            email: "ada@example.org".into(),
            contact_preference: "email".into(),
            consent: true,
            ..SelfReferralDraft::default()
        };
        let referral = good.validate().unwrap();
        assert_eq!(referral.age, Some(78));
        assert_eq!(referral.postcode.as_deref(), Some("RV1 2AB"));
        assert_eq!(referral.ethnic_group, None);
        let said = SelfReferralDraft {
            ethnic_group: "black".into(),
            ..good.clone()
        };
        assert_eq!(
            said.validate().unwrap().ethnic_group,
            Some(EthnicGroup::Black)
        );
        let not_said = SelfReferralDraft {
            ethnic_group: "not_said".into(),
            ..good.clone()
        };
        assert_eq!(not_said.validate().unwrap().ethnic_group, None);
        let errors = SelfReferralDraft {
            age: "7".into(),
            postcode: "<script>".into(),
            ethnic_group: "Black".into(),
            consent: false,
            ..good
        }
        .validate()
        .unwrap_err();
        for field in ["age", "postcode", "ethnic_group", "consent"] {
            assert!(errors.for_field(field).is_some(), "{field}");
        }
    }

    #[test]
    fn declining_needs_a_reason_and_accepting_a_capacity_answer() {
        let decline = StatusChangeDraft {
            status: "rejected".into(),
            ..StatusChangeDraft::default()
        };
        assert!(decline
            .validate()
            .unwrap_err()
            .for_field("reason")
            .is_some());
        let full = StatusChangeDraft {
            status: "rejected".into(),
            reason: "no_capacity".into(),
            note: "Full until March".into(),
            ..StatusChangeDraft::default()
        }
        .validate()
        .unwrap();
        assert_eq!(full.capacity, Some(CapacityReply::NoCapacity));
        assert_eq!(
            full.reason_text().unwrap(),
            "No places available: Full until March"
        );
        let accept = StatusChangeDraft {
            status: "accepted".into(),
            ..StatusChangeDraft::default()
        };
        assert!(accept
            .validate()
            .unwrap_err()
            .for_field("capacity")
            .is_some());
        let accept = StatusChangeDraft {
            status: "accepted".into(),
            capacity: "waitlist".into(),
            ..StatusChangeDraft::default()
        };
        assert_eq!(
            accept.validate().unwrap().capacity,
            Some(CapacityReply::Waitlist)
        );
        let bogus = StatusChangeDraft {
            status: "ready".into(),
            ..StatusChangeDraft::default()
        };
        assert!(bogus.validate().unwrap_err().for_field("status").is_some());
    }
}
