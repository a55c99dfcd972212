//! People who work for partner organisations, and their memberships (person x organisation x role).

use crate::authz::Role;
use crate::validation::{blank_to_none, looks_like_email, ValidationErrors};
use serde::{Deserialize, Serialize};

/// What a user submits to create or change a person.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PersonDraft {
    /// Given name.
    #[schema(required)]
    pub given_name: String,
    /// Family name.
    #[schema(required)]
    pub family_name: String,
    /// Work e-mail address; unique.
    #[schema(required)]
    pub email: String,
    /// Job title, for example "Director of Public Health".
    #[serde(default)]
    pub job_title: Option<String>,
    /// Work telephone number.
    #[serde(default)]
    pub phone: Option<String>,
}

/// A validated person draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPerson {
    /// Trimmed given name.
    pub given_name: String,
    /// Trimmed family name.
    pub family_name: String,
    /// Lower-cased e-mail address.
    pub email: String,
    /// Job title (may be empty).
    pub job_title: String,
    /// Phone, if any.
    pub phone: Option<String>,
}

impl PersonDraft {
    /// Validates and normalises the draft.
    pub fn validate(&self) -> Result<ValidPerson, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("given_name", "a given name", &self.given_name, 100);
        errors.require_text("family_name", "a family name", &self.family_name, 100);
        let email = self.email.trim().to_ascii_lowercase();
        if email.is_empty() {
            errors.add("email", "Enter an email address");
        } else if email.len() > 254 || !looks_like_email(&email) {
            errors.add(
                "email",
                "Enter an email address in the correct format, like name@example.nhs.uk",
            );
        }
        errors.optional_text(
            "job_title",
            "a job title",
            self.job_title.as_deref().unwrap_or(""),
            150,
        );
        let phone = blank_to_none(self.phone.as_deref());
        if let Some(p) = &phone {
            if p.len() > 30 || !p.chars().all(|c| c.is_ascii_digit() || " +()-".contains(c)) {
                errors.add(
                    "phone",
                    "Enter a telephone number using digits, spaces and + ( ) - only",
                );
            }
        }
        errors.into_result()?;
        Ok(ValidPerson {
            given_name: self.given_name.trim().to_string(),
            family_name: self.family_name.trim().to_string(),
            email,
            job_title: self.job_title.as_deref().unwrap_or("").trim().to_string(),
            phone,
        })
    }
}

/// What a user submits to give a person a role in an organisation.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MembershipDraft {
    /// The person's id.
    #[schema(required)]
    pub person_id: String,
    /// The role's code, for example `partner_lead`.
    #[schema(required)]
    pub role: String,
}

impl MembershipDraft {
    /// Validates the draft, returning the role.
    pub fn validate(&self) -> Result<Role, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if self.person_id.trim().is_empty() {
            errors.add("person_id", "Select a person");
        }
        let role = errors.require_code::<Role>("role", "a role", &self.role);
        errors.into_result()?;
        Ok(role.expect("validated"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_lower_cased_and_checked() {
        let mut d = PersonDraft {
            given_name: "Asha".into(),
            family_name: "Patel".into(),
            email: " Asha.Patel@NHS.net ".into(),
            ..Default::default()
        };
        assert_eq!(d.validate().unwrap().email, "asha.patel@nhs.net");
        d.email = "asha".into();
        assert!(d
            .validate()
            .unwrap_err()
            .for_field("email")
            .unwrap()
            .contains("correct format"));
    }

    #[test]
    fn membership_needs_a_known_role() {
        let d = MembershipDraft {
            person_id: "p".into(),
            role: "emperor".into(),
        };
        assert!(d.validate().unwrap_err().for_field("role").is_some());
        let d = MembershipDraft {
            person_id: "p".into(),
            role: "analyst".into(),
        };
        assert_eq!(d.validate().unwrap(), Role::Analyst);
    }
}
