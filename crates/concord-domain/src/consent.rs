//! Consent decisions: a proposal that each partner organisation consents to, raises a concern about,
//! objects to, or abstains on. An objection blocks adoption until it is withdrawn or the proposal is
//! amended (which reopens every response); a quorum of responding organisations is needed.

use crate::strategy::is_iso_date;
use crate::validation::ValidationErrors;
use crate::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// A partner organisation's response to a proposal.
    ResponseKind {
        Consent => ("consent", "Consent"),
        Concern => ("concern", "Consent with a concern"),
        Object => ("object", "Object"),
        Abstain => ("abstain", "Abstain"),
    }
}

vocabulary! {
    /// Where a proposal stands.
    ProposalStatus {
        Open => ("open", "Open for responses"),
        Adopted => ("adopted", "Adopted"),
        NotAdopted => ("not_adopted", "Not adopted"),
    }
}

/// What a user submits to put (or amend) a proposal.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProposalDraft {
    /// What is proposed, in a line: for example "Adopt the Joint Forward Plan priorities".
    #[schema(required)]
    pub title: String,
    /// The proposal in full.
    #[schema(required)]
    pub text: String,
    /// The last day for responses (YYYY-MM-DD).
    #[schema(required)]
    pub closes_on: String,
    /// How many partner organisations must respond for a decision (text in forms).
    #[schema(required)]
    pub quorum: String,
}

/// A validated proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProposal {
    /// Trimmed title.
    pub title: String,
    /// Trimmed text.
    pub text: String,
    /// Closing date.
    pub closes_on: String,
    /// Organisations that must respond.
    pub quorum: i64,
}

impl ProposalDraft {
    /// Validates the draft.
    pub fn validate(&self) -> Result<ValidProposal, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("title", "what is proposed", &self.title, 200);
        errors.require_text("text", "the proposal in full", &self.text, 10_000);
        if !is_iso_date(self.closes_on.trim()) {
            errors.add(
                "closes_on",
                "Enter the closing date as a real date, YYYY-MM-DD",
            );
        }
        let quorum = match self.quorum.trim().parse::<i64>() {
            Ok(n) if (1..=500).contains(&n) => Some(n),
            _ => {
                errors.add(
                    "quorum",
                    "Enter how many partner organisations must respond, a whole number from 1",
                );
                None
            }
        };
        errors.into_result()?;
        Ok(ValidProposal {
            title: self.title.trim().into(),
            text: self.text.trim().into(),
            closes_on: self.closes_on.trim().into(),
            quorum: quorum.expect("validated"),
        })
    }
}

/// What a partner's designated person submits.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ResponseDraft {
    /// `consent`, `concern`, `object` or `abstain`.
    #[schema(required)]
    pub kind: String,
    /// The concern, or the reason for objecting (required for those two).
    pub text: String,
}

impl ResponseDraft {
    /// Validates the draft: a concern needs its text, an objection its reason.
    pub fn validate(&self) -> Result<ResponseKind, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let kind = errors.require_code::<ResponseKind>(
            "kind",
            "consent, concern, object or abstain",
            &self.kind,
        );
        match kind {
            Some(ResponseKind::Concern) => {
                errors.require_text("text", "your concern", &self.text, 4000)
            }
            Some(ResponseKind::Object) => {
                errors.require_text("text", "the reason for your objection", &self.text, 4000)
            }
            _ => errors.optional_text("text", "a comment", &self.text, 4000),
        }
        errors.into_result()?;
        Ok(kind.expect("validated"))
    }
}

/// How the current responses stand against the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "standing", rename_all = "snake_case")]
pub enum Standing {
    /// At least one organisation objects: the proposal cannot be adopted.
    Blocked {
        /// The organisations objecting.
        objectors: Vec<String>,
    },
    /// Too few organisations have responded.
    AwaitingQuorum {
        /// Organisations that have responded.
        responded: usize,
        /// Organisations needed.
        quorum: usize,
    },
    /// Quorum met and no objection: the proposal may be adopted.
    CanBeAdopted {
        /// Consents (including those with a concern).
        consents: usize,
        /// Of which, with a concern.
        concerns: usize,
        /// Abstentions.
        abstentions: usize,
    },
}

/// Applies the consent rules to the current responses, one per organisation: (organisation, kind).
pub fn standing(responses: &[(String, ResponseKind)], quorum: usize) -> Standing {
    let objectors: Vec<String> = responses
        .iter()
        .filter(|(_, k)| *k == ResponseKind::Object)
        .map(|(o, _)| o.clone())
        .collect();
    if !objectors.is_empty() {
        return Standing::Blocked { objectors };
    }
    if responses.len() < quorum {
        return Standing::AwaitingQuorum {
            responded: responses.len(),
            quorum,
        };
    }
    let count = |k: ResponseKind| responses.iter().filter(|(_, kind)| *kind == k).count();
    Standing::CanBeAdopted {
        consents: count(ResponseKind::Consent) + count(ResponseKind::Concern),
        concerns: count(ResponseKind::Concern),
        abstentions: count(ResponseKind::Abstain),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ResponseKind::*;

    fn r(list: &[(&str, ResponseKind)]) -> Vec<(String, ResponseKind)> {
        list.iter().map(|(o, k)| (o.to_string(), *k)).collect()
    }

    #[test]
    fn an_objection_blocks_whatever_else_is_said() {
        let s = standing(
            &r(&[("ICB", Consent), ("Council", Object), ("Trust", Consent)]),
            2,
        );
        assert_eq!(
            s,
            Standing::Blocked {
                objectors: vec!["Council".into()]
            }
        );
    }

    #[test]
    fn quorum_counts_every_response_including_abstentions() {
        assert_eq!(
            standing(&r(&[("ICB", Consent)]), 3),
            Standing::AwaitingQuorum {
                responded: 1,
                quorum: 3
            }
        );
        let s = standing(
            &r(&[("ICB", Consent), ("Council", Concern), ("VCSE", Abstain)]),
            3,
        );
        assert_eq!(
            s,
            Standing::CanBeAdopted {
                consents: 2,
                concerns: 1,
                abstentions: 1
            }
        );
    }

    #[test]
    fn concerns_and_objections_need_words() {
        assert!(ResponseDraft {
            kind: "object".into(),
            text: " ".into()
        }
        .validate()
        .unwrap_err()
        .for_field("text")
        .unwrap()
        .contains("reason"));
        assert!(ResponseDraft {
            kind: "concern".into(),
            text: "".into()
        }
        .validate()
        .is_err());
        assert_eq!(
            ResponseDraft {
                kind: "consent".into(),
                text: "".into()
            }
            .validate()
            .unwrap(),
            Consent
        );
        assert!(ResponseDraft {
            kind: "maybe".into(),
            text: "".into()
        }
        .validate()
        .is_err());
    }

    #[test]
    fn a_proposal_needs_a_quorum_and_a_date() {
        let d = ProposalDraft {
            title: "Adopt".into(),
            text: "These priorities".into(),
            closes_on: "2027-02-30".into(),
            quorum: "0".into(),
        };
        let e = d.validate().unwrap_err();
        assert!(e.for_field("closes_on").is_some() && e.for_field("quorum").is_some());
    }
}
