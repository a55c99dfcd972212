//! What a GP practice does about a person on a worklist, recorded as a mark: who marked it, when,
//! and the SNOMED CT code (where NHS England publishes one) for recording the same outcome in
//! the practice's clinical system.

use crate::validation::ValidationErrors;
use crate::vocabulary;

vocabulary! {
    /// The outcome of reaching out to a person on a worklist.
    WorklistOutcome {
        Contacted => ("contacted", "Contacted"),
        Referred => ("referred", "Referred to social prescribing"),
        Declined => ("declined", "Declined social prescribing"),
        NotAppropriate => ("not_appropriate", "Not appropriate"),
    }
}

impl WorklistOutcome {
    /// The SNOMED CT concept (code, term) that records this outcome in a GP system, where NHS
    /// England publishes one: social prescribing referral and decline. Contact and "not
    /// appropriate" have no national code, so none is invented for them.
    pub fn snomed(self) -> Option<(&'static str, &'static str)> {
        match self {
            WorklistOutcome::Referred => {
                Some(("871731000000106", "Referral to social prescribing service"))
            }
            WorklistOutcome::Declined => Some(("871711000000103", "Social prescribing declined")),
            WorklistOutcome::Contacted | WorklistOutcome::NotAppropriate => None,
        }
    }
}

/// The longest note kept with a mark.
pub const MAX_NOTE_CHARS: usize = 500;

/// A mark as submitted.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MarkDraft {
    /// The person's NHS number, as the worklist shows it.
    pub nhs_number: String,
    /// `contacted`, `referred`, `declined` or `not_appropriate`.
    pub outcome: String,
    /// An optional note (no more than 500 characters).
    pub note: String,
}

impl MarkDraft {
    /// The outcome and note, or what is wrong with them.
    pub fn validate(&self) -> Result<(WorklistOutcome, String), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let outcome = self.outcome.parse::<WorklistOutcome>().ok();
        if outcome.is_none() {
            errors.add("outcome", "Choose what happened");
        }
        let note = self.note.trim().to_string();
        if note.chars().count() > MAX_NOTE_CHARS {
            errors.add(
                "note",
                format!("Keep the note to {MAX_NOTE_CHARS} characters or fewer"),
            );
        }
        errors.into_result()?;
        Ok((outcome.expect("checked above"), note))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_outcomes_with_a_national_code_carry_one() {
        assert_eq!(
            WorklistOutcome::Referred.snomed().unwrap().0,
            "871731000000106"
        );
        assert_eq!(
            WorklistOutcome::Declined.snomed().unwrap().0,
            "871711000000103"
        );
        assert!(WorklistOutcome::Contacted.snomed().is_none());
        assert!(WorklistOutcome::NotAppropriate.snomed().is_none());
    }

    #[test]
    fn a_mark_needs_an_outcome_and_a_short_note() {
        let draft = MarkDraft {
            nhs_number: "943 476 5919".into(),
            outcome: "sent a letter".into(),
            note: "x".repeat(501),
        };
        let errors = draft.validate().unwrap_err();
        assert!(errors.for_field("outcome").is_some());
        assert!(errors.for_field("note").is_some());
        let good = MarkDraft {
            outcome: "declined".into(),
            note: "  Prefers family support  ".into(),
            ..draft
        };
        assert_eq!(
            good.validate().unwrap(),
            (WorklistOutcome::Declined, "Prefers family support".into())
        );
    }
}
