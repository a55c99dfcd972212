//! Listen: consultations tied to the decisions they inform. A consultation belongs to a strategy
//! round, a programme or a board decision; it has a purpose, an audience, open and close dates and
//! questions; people answer on public pages (or staff enter what was said on paper or in person),
//! giving as little about themselves as they choose; analysts tag free-text answers with the
//! consultation's themes; and every theme gets a "you said, we did" answer before the consultation
//! is closed. `response` checks an answer against its questions; `agreement` measures how far
//! analysts tagging the same answers agree.

pub mod agreement;
pub mod progress;
pub mod response;

use crate::validation::ValidationErrors;
use crate::vocabulary;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What a consultation informs.
    SubjectKind {
        Round => ("round", "A strategy round"),
        Programme => ("programme", "A programme"),
        Decision => ("decision", "A board decision"),
    }
}

vocabulary! {
    /// Where a consultation is.
    ConsultationStatus {
        Draft => ("draft", "Being prepared"),
        Open => ("open", "Published"),
        Closed => ("closed", "Closed: every theme answered"),
    }
}

vocabulary! {
    /// What kind of answer a question asks for.
    QuestionKind {
        FreeText => ("free_text", "In their own words"),
        SingleChoice => ("single_choice", "One of a list"),
        MultipleChoice => ("multiple_choice", "Any of a list"),
        Rating => ("rating", "A rating from 1 to 5"),
        Ranking => ("ranking", "Ranking a list, most important first"),
    }
}

vocabulary! {
    /// How a response reached the consultation.
    Channel {
        Online => ("online", "Online"),
        Paper => ("paper", "On paper"),
        Event => ("event", "At an event or meeting"),
        Phone => ("phone", "By telephone"),
        Email => ("email", "By e-mail or letter"),
    }
}

vocabulary! {
    /// What came of a theme: the "we did" of "you said, we did".
    ThemeOutcome {
        Acted => ("acted", "We acted on it"),
        NotActed => ("not_acted", "We did not act on it, and why"),
    }
}

vocabulary! {
    /// What a theme's answer links to.
    LinkKind {
        Priority => ("priority", "A priority of the strategy round"),
        Objective => ("objective", "An objective"),
        Decision => ("decision", "A board decision"),
        Programme => ("programme", "A programme"),
    }
}

/// The most questions a consultation has.
pub const MAX_QUESTIONS: usize = 40;
/// The most options a choice or ranking question offers.
pub const MAX_OPTIONS: usize = 20;
/// The longest free-text answer, in characters.
pub const MAX_ANSWER_CHARS: usize = 5_000;

/// A consultation as its organisers write it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ConsultationDraft {
    /// Its title ("Our Joint Forward Plan: what matters to you").
    #[schema(required)]
    pub title: String,
    /// What it is for, and what will be decided with it.
    #[schema(required)]
    pub purpose: String,
    /// Who it is for ("Everyone who lives or works in Riverside and Vale").
    #[schema(required)]
    pub audience: String,
    /// The organisation that runs it.
    #[schema(required)]
    pub owner_organisation_id: String,
    /// What it informs: `round`, `programme` or `decision`.
    #[schema(required)]
    pub subject_kind: String,
    /// The round's, programme's or decision's id.
    #[schema(required)]
    pub subject_id: String,
    /// The first day responses are taken (YYYY-MM-DD).
    #[schema(required)]
    pub opens_on: String,
    /// The last day responses are taken (YYYY-MM-DD).
    #[schema(required)]
    pub closes_on: String,
}

/// A consultation once checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidConsultation {
    /// What it informs.
    pub subject_kind: SubjectKind,
    /// First day.
    pub opens_on: NaiveDate,
    /// Last day.
    pub closes_on: NaiveDate,
}

impl ConsultationDraft {
    /// Checks every field.
    pub fn validate(&self) -> Result<ValidConsultation, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("title", "a title", &self.title, 200);
        errors.require_text("purpose", "its purpose", &self.purpose, 5_000);
        errors.require_text("audience", "who it is for", &self.audience, 500);
        errors.require_id(
            "owner_organisation_id",
            "the organisation that runs it",
            &self.owner_organisation_id,
        );
        let subject_kind = errors.require_code::<SubjectKind>(
            "subject_kind",
            "what it informs",
            &self.subject_kind,
        );
        errors.require_id(
            "subject_id",
            "the round, programme or decision",
            &self.subject_id,
        );
        let opens_on = errors.require_date("opens_on", "the day it opens", &self.opens_on);
        let closes_on = errors.require_date("closes_on", "the day it closes", &self.closes_on);
        if let (Some(opens), Some(closes)) = (opens_on, closes_on) {
            if closes < opens {
                errors.add(
                    "closes_on",
                    "The closing day must be on or after the opening day",
                );
            } else if (closes - opens).num_days() > 366 {
                errors.add("closes_on", "A consultation is open for at most a year");
            }
        }
        errors.into_result()?;
        Ok(ValidConsultation {
            subject_kind: subject_kind.expect("checked"),
            opens_on: opens_on.expect("checked"),
            closes_on: closes_on.expect("checked"),
        })
    }
}

/// Whether a consultation takes responses on `today`: published, and between its dates.
pub fn takes_responses(
    status: ConsultationStatus,
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    today: NaiveDate,
) -> bool {
    status == ConsultationStatus::Open && opens_on <= today && today <= closes_on
}

/// A question as its organisers write it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct QuestionDraft {
    /// `free_text`, `single_choice`, `multiple_choice`, `rating` or `ranking`.
    #[schema(required)]
    pub kind: String,
    /// The question.
    #[schema(required)]
    pub prompt: String,
    /// Help beneath it.
    pub hint: String,
    /// The options of a choice or ranking question, one per line.
    pub options: String,
    /// Whether it must be answered ("true" or "on"); most questions should not be.
    #[serde(deserialize_with = "crate::validation::loose_bool")]
    pub required: bool,
}

/// A question once checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Question {
    /// Its id.
    pub id: String,
    /// Its kind.
    pub kind: QuestionKind,
    /// The question.
    pub prompt: String,
    /// Help beneath it.
    pub hint: String,
    /// The options, for choice and ranking questions.
    pub options: Vec<String>,
    /// Whether it must be answered.
    pub required: bool,
}

impl QuestionDraft {
    /// Checks the question; `id` is its id once kept.
    pub fn validate(&self, id: &str) -> Result<Question, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let kind = errors.require_code::<QuestionKind>("kind", "the kind of answer", &self.kind);
        errors.require_text("prompt", "the question", &self.prompt, 500);
        errors.optional_text("hint", "the hint", &self.hint, 1_000);
        let options: Vec<String> = self
            .options
            .lines()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_string)
            .collect();
        let needs_options = matches!(
            kind,
            Some(QuestionKind::SingleChoice | QuestionKind::MultipleChoice | QuestionKind::Ranking)
        );
        if needs_options && options.len() < 2 {
            errors.add("options", "Give at least two options, one per line");
        } else if options.len() > MAX_OPTIONS {
            errors.add("options", format!("Give at most {MAX_OPTIONS} options"));
        } else if options.iter().any(|o| o.chars().count() > 200) {
            errors.add("options", "Each option must be 200 characters or fewer");
        } else if !needs_options && !options.is_empty() {
            errors.add("options", "Only choice and ranking questions have options");
        } else {
            let mut seen = std::collections::HashSet::new();
            if options.iter().any(|o| !seen.insert(o.to_lowercase())) {
                errors.add("options", "Give each option once");
            }
        }
        errors.into_result()?;
        Ok(Question {
            id: id.to_string(),
            kind: kind.expect("checked"),
            prompt: self.prompt.trim().to_string(),
            hint: self.hint.trim().to_string(),
            options,
            required: self.required,
        })
    }
}

/// A theme of a consultation's codebook, as analysts write it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ThemeDraft {
    /// Its name ("Getting a GP appointment").
    #[schema(required)]
    pub label: String,
    /// What counts as this theme, for the analysts tagging answers.
    pub description: String,
}

impl ThemeDraft {
    /// Checks the theme.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("label", "the theme's name", &self.label, 120);
        errors.optional_text(
            "description",
            "what counts as this theme",
            &self.description,
            2_000,
        );
        errors.into_result()
    }
}

/// The "we did" answer to a theme.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct WeDidDraft {
    /// `acted` or `not_acted`.
    #[schema(required)]
    pub outcome: String,
    /// What was done, or why nothing was, in words for the public.
    #[schema(required)]
    pub we_did: String,
    /// What it led to: `priority`, `objective`, `decision` or `programme` (blank for none, which
    /// only a theme not acted on may have).
    pub link_kind: String,
    /// That priority's, objective's, decision's or programme's id.
    pub link_id: String,
}

/// A "we did" answer once checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidWeDid {
    /// What came of it.
    pub outcome: ThemeOutcome,
    /// What it links to, if anything.
    pub link: Option<(LinkKind, String)>,
}

impl WeDidDraft {
    /// Checks the answer: acting on a theme names what it led to; not acting says why.
    pub fn validate(&self) -> Result<ValidWeDid, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let outcome =
            errors.require_code::<ThemeOutcome>("outcome", "what came of it", &self.outcome);
        errors.require_text("we_did", "what was done, or why not", &self.we_did, 2_000);
        let link = if self.link_kind.trim().is_empty() {
            if outcome == Some(ThemeOutcome::Acted) {
                errors.add(
                    "link_kind",
                    "Say what acting on it led to: a priority, an objective, a decision or a programme",
                );
            }
            None
        } else {
            let kind =
                errors.require_code::<LinkKind>("link_kind", "what it led to", &self.link_kind);
            errors.require_id("link_id", "the item it led to", &self.link_id);
            kind.map(|k| (k, self.link_id.trim().to_string()))
        };
        errors.into_result()?;
        Ok(ValidWeDid {
            outcome: outcome.expect("checked"),
            link,
        })
    }
}

/// Why a consultation cannot be closed yet: the themes with no "we did" answer, by name.
pub fn unanswered_themes(themes: &[(String, bool)]) -> Vec<&str> {
    themes
        .iter()
        .filter(|(_, answered)| !answered)
        .map(|(label, _)| label.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ConsultationDraft {
        ConsultationDraft {
            title: "Our Joint Forward Plan".into(),
            purpose: "To hear what matters".into(),
            audience: "Everyone".into(),
            owner_organisation_id: "icb".into(),
            subject_kind: "round".into(),
            subject_id: "r1".into(),
            opens_on: "2026-01-05".into(),
            closes_on: "2026-03-29".into(),
        }
    }

    #[test]
    fn a_consultation_needs_its_dates_in_order_and_within_a_year() {
        assert!(draft().validate().is_ok());
        let mut late = draft();
        late.closes_on = "2026-01-04".into();
        assert!(late
            .validate()
            .unwrap_err()
            .for_field("closes_on")
            .is_some());
        let mut long = draft();
        long.closes_on = "2027-03-01".into();
        assert!(long
            .validate()
            .unwrap_err()
            .for_field("closes_on")
            .is_some());
        let mut unknown = draft();
        unknown.subject_kind = "whim".into();
        assert!(unknown
            .validate()
            .unwrap_err()
            .for_field("subject_kind")
            .is_some());
    }

    #[test]
    fn it_takes_responses_only_while_open_and_between_its_dates() {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let (opens, closes) = (day("2026-01-05"), day("2026-03-29"));
        use ConsultationStatus::*;
        assert!(takes_responses(Open, opens, closes, day("2026-01-05")));
        assert!(takes_responses(Open, opens, closes, day("2026-03-29")));
        assert!(!takes_responses(Open, opens, closes, day("2026-03-30")));
        assert!(!takes_responses(Draft, opens, closes, day("2026-02-01")));
        assert!(!takes_responses(Closed, opens, closes, day("2026-02-01")));
    }

    #[test]
    fn choice_questions_need_two_distinct_options_and_others_none() {
        let q = |kind: &str, options: &str| QuestionDraft {
            kind: kind.into(),
            prompt: "What matters most?".into(),
            options: options.into(),
            ..Default::default()
        };
        assert_eq!(
            q("ranking", "GP access\n\nMental health\n")
                .validate("q1")
                .unwrap()
                .options,
            vec!["GP access", "Mental health"]
        );
        assert!(q("single_choice", "Only one").validate("q").is_err());
        assert!(q("single_choice", "Yes\nyes").validate("q").is_err());
        assert!(q("free_text", "Yes\nNo").validate("q").is_err());
        assert!(q("rating", "").validate("q").is_ok());
    }

    #[test]
    fn acting_on_a_theme_names_what_it_led_to_and_not_acting_says_why() {
        let acted = WeDidDraft {
            outcome: "acted".into(),
            we_did: "GP access is now a priority".into(),
            ..Default::default()
        };
        assert!(acted
            .validate()
            .unwrap_err()
            .for_field("link_kind")
            .is_some());
        let linked = WeDidDraft {
            link_kind: "priority".into(),
            link_id: "p1".into(),
            ..acted
        };
        assert_eq!(
            linked.validate().unwrap().link,
            Some((LinkKind::Priority, "p1".into()))
        );
        let declined = WeDidDraft {
            outcome: "not_acted".into(),
            we_did: "Parking is the council's; we passed it on".into(),
            ..Default::default()
        };
        assert_eq!(declined.validate().unwrap().link, None);
        assert_eq!(
            unanswered_themes(&[("Parking".into(), true), ("GP access".into(), false)]),
            vec!["GP access"]
        );
    }
}
