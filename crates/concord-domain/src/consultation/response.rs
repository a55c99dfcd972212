//! A response to a consultation: its answers checked against the questions (each refusal names
//! the question's field, `q_{id}`), and what the person chose to say about themselves, every
//! part of it optional. A postcode, if given, is used once to find the area's deprivation decile
//! and never kept.

use super::{Channel, Question, QuestionKind, MAX_ANSWER_CHARS};
use crate::ethnicity::EthnicGroup;
use crate::validation::ValidationErrors;
use crate::vocabulary;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

vocabulary! {
    /// An age band, as the ONS groups adults.
    AgeBand {
        From16To24 => ("16_24", "16 to 24"),
        From25To34 => ("25_34", "25 to 34"),
        From35To44 => ("35_44", "35 to 44"),
        From45To54 => ("45_54", "45 to 54"),
        From55To64 => ("55_64", "55 to 64"),
        From65To74 => ("65_74", "65 to 74"),
        From75 => ("75_plus", "75 or over"),
    }
}

vocabulary! {
    /// Sex, as the 2021 census asks it.
    Sex {
        Female => ("female", "Female"),
        Male => ("male", "Male"),
    }
}

impl AgeBand {
    /// The band an age in whole years falls in (none under 16).
    pub fn of_age(age: u32) -> Option<AgeBand> {
        Some(match age {
            0..=15 => return None,
            16..=24 => AgeBand::From16To24,
            25..=34 => AgeBand::From25To34,
            35..=44 => AgeBand::From35To44,
            45..=54 => AgeBand::From45To54,
            55..=64 => AgeBand::From55To64,
            65..=74 => AgeBand::From65To74,
            _ => AgeBand::From75,
        })
    }
}

/// A response as posted: answers by question id, and optional facts about the person.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ConsultationResponseDraft)]
pub struct ResponseDraft {
    /// Answers by question id: text for a free-text, single-choice or rating question, a list for
    /// a multiple-choice question, and for a ranking either the options in order or each
    /// option's rank.
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, Value>,
    /// The place they live in (a place's id), if they say.
    pub place_id: String,
    /// Their age band, if they say.
    pub age_band: String,
    /// Their sex, if they say.
    pub sex: String,
    /// Their ethnic group (the NHS's broad groups), if they say.
    pub ethnic_group: String,
    /// Their postcode, if they give it: used to find their area's deprivation and then forgotten.
    pub postcode: String,
    /// How the response came: `online` (the public form) or, for staff entering one, `paper`,
    /// `event`, `phone` or `email`.
    pub channel: String,
}

/// One answer, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// Words, or one option.
    Text(String),
    /// Several options, or a ranking's options in order.
    List(Vec<String>),
    /// A rating from 1 to 5.
    Rating(u8),
}

impl Answer {
    /// As stored (JSON).
    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).expect("an answer is JSON")
    }

    /// Read back from storage.
    pub fn from_stored(text: &str) -> Option<Answer> {
        serde_json::from_str(text).ok()
    }
}

/// A response, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidResponse {
    /// Each answer given, by question id, in the questions' order.
    pub answers: Vec<(String, Answer)>,
    /// The place's id, if given (checked against the registry by the store).
    pub place_id: Option<String>,
    /// Age band.
    pub age_band: Option<AgeBand>,
    /// Sex.
    pub sex: Option<Sex>,
    /// Ethnic group.
    pub ethnic_group: Option<EthnicGroup>,
    /// The postcode, for the deprivation lookup only.
    pub postcode: Option<String>,
    /// How it came.
    pub channel: Channel,
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl ResponseDraft {
    /// Checks the response against `questions`. `assisted` is true when staff enter it.
    pub fn check(
        &self,
        questions: &[Question],
        assisted: bool,
    ) -> Result<ValidResponse, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        for id in self.answers.keys() {
            if !questions.iter().any(|q| &q.id == id) {
                errors.add(
                    "answers",
                    format!("There is no question {id} in this consultation"),
                );
            }
        }
        let mut answers = Vec::new();
        for q in questions {
            let field = format!("q_{}", q.id);
            let given = self.answers.get(&q.id).filter(|v| match v {
                Value::Null => false,
                Value::String(s) => !s.trim().is_empty(),
                Value::Array(a) => !a.is_empty(),
                Value::Object(o) => o
                    .values()
                    .any(|r| text_of(r).is_some_and(|t| !t.is_empty())),
                _ => true,
            });
            let Some(value) = given else {
                if q.required {
                    errors.add(&field, format!("Answer \"{}\"", q.prompt));
                }
                continue;
            };
            match check_answer(q, value) {
                Ok(answer) => answers.push((q.id.clone(), answer)),
                Err(problem) => errors.add(&field, problem),
            }
        }
        if answers.is_empty() && errors.is_empty() {
            errors.add("answers", "Answer at least one question");
        }
        fn optional(v: &str) -> Option<&str> {
            Some(v.trim()).filter(|v| !v.is_empty() && *v != "not_said")
        }
        let age_band = optional(&self.age_band).and_then(|v| {
            v.parse::<AgeBand>()
                .map_err(|_| errors.add("age_band", "Choose an age band from the list"))
                .ok()
        });
        let sex = optional(&self.sex).and_then(|v| {
            v.parse::<Sex>()
                .map_err(|_| errors.add("sex", "Choose from the list"))
                .ok()
        });
        let ethnic_group = optional(&self.ethnic_group).and_then(|v| {
            let group = EthnicGroup::from_code(v);
            if group.is_none() {
                errors.add("ethnic_group", "Choose an ethnic group from the list");
            }
            group
        });
        let postcode = optional(&self.postcode).map(|p| p.to_uppercase());
        if postcode.as_ref().is_some_and(|p| {
            p.chars().count() > 10 || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
        }) {
            errors.add(
                "postcode",
                "Enter a postcode, like RV1 2AB, or leave it blank",
            );
        }
        let channel = match optional(&self.channel) {
            None => Channel::Online,
            Some(code) => match code.parse::<Channel>() {
                Ok(Channel::Online) if assisted => {
                    errors.add("channel", "Say how the response reached you");
                    Channel::Online
                }
                Ok(c) if c != Channel::Online && !assisted => {
                    errors.add("channel", "Only staff enter responses gathered another way");
                    c
                }
                Ok(c) => c,
                Err(_) => {
                    errors.add("channel", "Choose how the response reached you");
                    Channel::Online
                }
            },
        };
        if assisted && optional(&self.channel).is_none() {
            errors.add("channel", "Say how the response reached you");
        }
        let place_id = optional(&self.place_id).map(str::to_string);
        errors.into_result()?;
        Ok(ValidResponse {
            answers,
            place_id,
            age_band,
            sex,
            ethnic_group,
            postcode,
            channel,
        })
    }
}

fn check_answer(q: &Question, value: &Value) -> Result<Answer, String> {
    let option = |text: &str| -> Result<String, String> {
        q.options
            .iter()
            .find(|o| o.as_str() == text)
            .cloned()
            .ok_or_else(|| "Choose from the options given".to_string())
    };
    match q.kind {
        QuestionKind::FreeText => {
            let text = text_of(value).ok_or("Write your answer as text")?;
            if text.chars().count() > MAX_ANSWER_CHARS {
                return Err(format!(
                    "Keep your answer to {MAX_ANSWER_CHARS} characters or fewer"
                ));
            }
            if let Some(c) = crate::validation::unprintable(&text) {
                return Err(format!(
                    "Your answer has a character that cannot be kept ({:?})",
                    c
                ));
            }
            Ok(Answer::Text(text))
        }
        QuestionKind::SingleChoice => Ok(Answer::Text(option(
            &text_of(value).ok_or("Choose one option")?,
        )?)),
        QuestionKind::MultipleChoice => {
            let chosen: Vec<String> = match value {
                Value::Array(items) => items.iter().filter_map(text_of).collect(),
                other => text_of(other).into_iter().collect(),
            };
            let mut picked = Vec::new();
            for c in chosen.iter().filter(|c| !c.is_empty()) {
                let o = option(c)?;
                if !picked.contains(&o) {
                    picked.push(o);
                }
            }
            // Kept in the question's order, whatever order they came in.
            picked.sort_by_key(|o| q.options.iter().position(|x| x == o));
            Ok(Answer::List(picked))
        }
        QuestionKind::Rating => {
            let rating: u8 = text_of(value)
                .and_then(|t| t.parse().ok())
                .filter(|r| (1..=5).contains(r))
                .ok_or("Choose a rating from 1 to 5")?;
            Ok(Answer::Rating(rating))
        }
        QuestionKind::Ranking => {
            let order: Vec<String> = match value {
                Value::Array(items) => items.iter().filter_map(text_of).collect(),
                Value::Object(ranks) => {
                    let mut ranked = Vec::new();
                    for (o, rank) in ranks {
                        let rank: usize = text_of(rank)
                            .and_then(|t| t.parse().ok())
                            .ok_or("Give each a number")?;
                        ranked.push((rank, option(o)?));
                    }
                    ranked.sort();
                    let ranks: Vec<usize> = ranked.iter().map(|(r, _)| *r).collect();
                    if ranks != (1..=ranked.len()).collect::<Vec<_>>() {
                        return Err(format!(
                            "Number them 1 to {}, using each number once",
                            q.options.len()
                        ));
                    }
                    ranked.into_iter().map(|(_, o)| o).collect()
                }
                _ => return Err("Put the options in order".into()),
            };
            let mut seen = Vec::new();
            for o in &order {
                let o = option(o)?;
                if seen.contains(&o) {
                    return Err("Rank each option once".into());
                }
                seen.push(o);
            }
            if seen.len() != q.options.len() {
                return Err(format!(
                    "Number them 1 to {}, using each number once",
                    q.options.len()
                ));
            }
            Ok(Answer::List(seen))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn questions() -> Vec<Question> {
        vec![
            Question {
                id: "a".into(),
                kind: QuestionKind::FreeText,
                prompt: "What matters?".into(),
                hint: String::new(),
                options: vec![],
                required: true,
            },
            Question {
                id: "b".into(),
                kind: QuestionKind::MultipleChoice,
                prompt: "Which?".into(),
                hint: String::new(),
                options: vec!["GP".into(), "Dentist".into(), "Pharmacy".into()],
                required: false,
            },
            Question {
                id: "c".into(),
                kind: QuestionKind::Rating,
                prompt: "How well?".into(),
                hint: String::new(),
                options: vec![],
                required: false,
            },
            Question {
                id: "d".into(),
                kind: QuestionKind::Ranking,
                prompt: "Order".into(),
                hint: String::new(),
                options: vec!["X".into(), "Y".into(), "Z".into()],
                required: false,
            },
        ]
    }

    fn draft(answers: Value) -> ResponseDraft {
        ResponseDraft {
            answers: serde_json::from_value(answers).unwrap(),
            ..Default::default()
        }
    }

    #[test]
    fn answers_are_checked_against_their_questions_and_named_by_field() {
        let ok = draft(json!({"a": " Seeing a GP ", "b": ["Pharmacy", "GP", "GP"], "c": "4", "d": {"Z": "1", "X": "2", "Y": "3"}}))
            .check(&questions(), false)
            .unwrap();
        assert_eq!(
            ok.answers,
            vec![
                ("a".into(), Answer::Text("Seeing a GP".into())),
                (
                    "b".into(),
                    Answer::List(vec!["GP".into(), "Pharmacy".into()])
                ),
                ("c".into(), Answer::Rating(4)),
                (
                    "d".into(),
                    Answer::List(vec!["Z".into(), "X".into(), "Y".into()])
                ),
            ]
        );
        assert_eq!(ok.channel, Channel::Online);
        let bad = draft(json!({"b": ["Optician"], "c": "6", "d": {"X": "1", "Y": "1", "Z": "2"}}))
            .check(&questions(), false)
            .unwrap_err();
        assert_eq!(bad.for_field("q_a"), Some("Answer \"What matters?\""));
        assert!(bad.for_field("q_b").is_some());
        assert!(bad.for_field("q_c").is_some());
        assert_eq!(
            bad.for_field("q_d"),
            Some("Number them 1 to 3, using each number once")
        );
    }

    #[test]
    fn what_people_say_about_themselves_is_optional_and_staff_say_how_it_came() {
        let mut d = draft(json!({"a": "Buses"}));
        d.age_band = "not_said".into();
        d.sex = "female".into();
        d.ethnic_group = "asian".into();
        let v = d.check(&questions(), false).unwrap();
        assert_eq!(
            (v.age_band, v.sex, v.ethnic_group),
            (None, Some(Sex::Female), Some(EthnicGroup::Asian))
        );
        // The public cannot claim a response came on paper; staff must say how it came.
        d.channel = "paper".into();
        assert!(d
            .check(&questions(), false)
            .unwrap_err()
            .for_field("channel")
            .is_some());
        assert_eq!(d.check(&questions(), true).unwrap().channel, Channel::Paper);
        d.channel = String::new();
        assert!(d
            .check(&questions(), true)
            .unwrap_err()
            .for_field("channel")
            .is_some());
        assert_eq!(AgeBand::of_age(15), None);
        assert_eq!(AgeBand::of_age(75), Some(AgeBand::From75));
    }

    #[test]
    fn answers_round_trip_through_storage() {
        for answer in [
            Answer::Text("x".into()),
            Answer::List(vec!["a".into()]),
            Answer::Rating(3),
        ] {
            assert_eq!(Answer::from_stored(&answer.to_stored()), Some(answer));
        }
    }
}
