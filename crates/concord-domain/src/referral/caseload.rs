//! A caseload's working record: each contact with the person (a call, a visit, a group they
//! went to) and the next step agreed, with when it is due.

use crate::validation::ValidationErrors;
use crate::vocabulary;
use chrono::NaiveDate;

vocabulary! {
    /// How a contact with the person was made.
    ContactKind {
        Phone => ("phone", "Phone call"),
        Visit => ("visit", "Home visit"),
        Meeting => ("meeting", "Meeting in person"),
        Group => ("group", "Group or activity"),
        Message => ("message", "Text or e-mail"),
        Attempt => ("attempt", "Tried to make contact"),
    }
}

/// A contact, as submitted.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ContactDraft {
    /// The day of the contact, YYYY-MM-DD.
    pub contact_on: String,
    /// `phone`, `visit`, `meeting`, `group`, `message` or `attempt`.
    pub kind: String,
    /// What happened.
    pub what_happened: String,
    /// The next step agreed (optional).
    pub next_step: String,
    /// When the next step is due, YYYY-MM-DD (optional).
    pub next_step_due: String,
}

/// A contact, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The day.
    pub contact_on: NaiveDate,
    /// How.
    pub kind: ContactKind,
    /// What happened.
    pub note: String,
    /// The next step.
    pub next_step: String,
    /// When it is due.
    pub next_step_due: Option<NaiveDate>,
}

impl ContactDraft {
    /// The contact, or what is wrong with it; a contact cannot be after `today`.
    pub fn validate(&self, today: NaiveDate) -> Result<Contact, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let contact_on =
            errors.require_date("contact_on", "the day of the contact", &self.contact_on);
        if contact_on.is_some_and(|d| d > today) {
            errors.add("contact_on", "A contact cannot be in the future");
        }
        let kind: Option<ContactKind> =
            errors.require_code("kind", "how contact was made", &self.kind);
        errors.require_text("what_happened", "what happened", &self.what_happened, 1000);
        errors.optional_text("next_step", "the next step", &self.next_step, 500);
        let next_step_due = errors.optional_date(
            "next_step_due",
            "when the next step is due",
            &self.next_step_due,
        );
        if next_step_due.is_some() && self.next_step.trim().is_empty() {
            errors.add(
                "next_step",
                "Say what the next step is, or leave its date blank",
            );
        }
        errors.into_result()?;
        Ok(Contact {
            contact_on: contact_on.expect("checked above"),
            kind: kind.expect("checked above"),
            note: self.what_happened.trim().to_string(),
            next_step: self.next_step.trim().to_string(),
            next_step_due,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_is_dated_no_later_than_today_and_a_due_step_is_named() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let good = ContactDraft {
            contact_on: "2026-12-02".into(),
            kind: "phone".into(),
            what_happened: "Talked about the lunch club".into(),
            next_step: "Go with her to the first session".into(),
            next_step_due: "2026-12-09".into(),
        };
        assert_eq!(good.validate(today).unwrap().kind, ContactKind::Phone);
        let errors = ContactDraft {
            contact_on: "2026-12-04".into(),
            next_step: String::new(),
            ..good
        }
        .validate(today)
        .unwrap_err();
        assert!(errors.for_field("contact_on").is_some());
        assert!(errors.for_field("next_step").is_some());
    }
}
