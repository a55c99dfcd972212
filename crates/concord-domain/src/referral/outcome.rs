//! The outcome measures recorded with a referral, at first contact and at follow-up:
//!
//! - **ONS4 personal wellbeing** (the Office for National Statistics' four questions, each 0–10).
//!   Each is reported on its own, never summed (ONS publishes no composite), with ONS's bands:
//!   life satisfaction, worthwhile and happiness 0–4 low, 5–6 medium, 7–8 high, 9–10 very high;
//!   anxiety 0–1 very low, 2–3 low, 4–5 medium, 6–10 high (higher is worse).
//! - **UCLA 3-item loneliness scale** (Hughes et al. 2004, as ONS recommends): three questions
//!   answered hardly ever or never (1), some of the time (2) or often (3), summed to 3–9; higher
//!   is lonelier. "6 to 9: higher loneliness" is a convention, not an ONS threshold.
//!
//! - **SWEMWBS** only where the system has switched it on with its licence ([`super::swemwbs`]):
//!   its wording and conversion table may not be shipped without the licence-holders' permission.

use crate::validation::{string_or_number, ValidationErrors};
use crate::vocabulary;

vocabulary! {
    /// One of the ONS4 questions.
    Ons4Item {
        LifeSatisfaction => ("life_satisfaction", "Overall, how satisfied are you with your life nowadays?"),
        Worthwhile => ("worthwhile", "Overall, to what extent do you feel that the things you do in your life are worthwhile?"),
        Happiness => ("happiness", "Overall, how happy did you feel yesterday?"),
        Anxiety => ("anxiety", "On a scale where 0 is 'not at all anxious' and 10 is 'completely anxious', overall, how anxious did you feel yesterday?"),
    }
}

impl Ons4Item {
    /// A short name for tables and charts.
    pub fn short_name(self) -> &'static str {
        match self {
            Ons4Item::LifeSatisfaction => "Life satisfaction",
            Ons4Item::Worthwhile => "Worthwhile",
            Ons4Item::Happiness => "Happiness",
            Ons4Item::Anxiety => "Anxiety",
        }
    }

    /// Whether a higher score is better (all but anxiety).
    pub fn higher_is_better(self) -> bool {
        self != Ons4Item::Anxiety
    }

    /// ONS's band for a score of this item.
    pub fn band(self, score: u8) -> Ons4Band {
        if self == Ons4Item::Anxiety {
            match score {
                0..=1 => Ons4Band::VeryLow,
                2..=3 => Ons4Band::Low,
                4..=5 => Ons4Band::Medium,
                _ => Ons4Band::High,
            }
        } else {
            match score {
                0..=4 => Ons4Band::Low,
                5..=6 => Ons4Band::Medium,
                7..=8 => Ons4Band::High,
                _ => Ons4Band::VeryHigh,
            }
        }
    }
}

vocabulary! {
    /// ONS's thresholds for personal wellbeing scores.
    Ons4Band {
        VeryLow => ("very_low", "Very low"),
        Low => ("low", "Low"),
        Medium => ("medium", "Medium"),
        High => ("high", "High"),
        VeryHigh => ("very_high", "Very high"),
    }
}

vocabulary! {
    /// One of the UCLA 3-item loneliness questions.
    UclaItem {
        Companionship => ("companionship", "How often do you feel that you lack companionship?"),
        LeftOut => ("left_out", "How often do you feel left out?"),
        Isolated => ("isolated", "How often do you feel isolated from others?"),
    }
}

/// The UCLA answers and their scores.
pub const UCLA_ANSWERS: [(u8, &str); 3] = [
    (1, "Hardly ever or never"),
    (2, "Some of the time"),
    (3, "Often"),
];

/// The lowest UCLA-3 total counted as "higher loneliness" (a convention, not an ONS threshold).
pub const UCLA_HIGHER_LONELINESS: u8 = 6;

vocabulary! {
    /// When outcomes were recorded.
    OutcomeStage {
        FirstContact => ("first_contact", "At first contact"),
        FollowUp => ("follow_up", "At follow-up"),
    }
}

/// Outcome answers as submitted: each item's score as text (blank: not answered).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OutcomeDraft {
    /// `first_contact` or `follow_up`.
    pub stage: String,
    /// ONS4 life satisfaction, 0–10.
    #[serde(deserialize_with = "string_or_number")]
    pub life_satisfaction: String,
    /// ONS4 worthwhile, 0–10.
    #[serde(deserialize_with = "string_or_number")]
    pub worthwhile: String,
    /// ONS4 happiness, 0–10.
    #[serde(deserialize_with = "string_or_number")]
    pub happiness: String,
    /// ONS4 anxiety, 0–10.
    #[serde(deserialize_with = "string_or_number")]
    pub anxiety: String,
    /// UCLA lack of companionship, 1–3.
    #[serde(deserialize_with = "string_or_number")]
    pub companionship: String,
    /// UCLA feeling left out, 1–3.
    #[serde(deserialize_with = "string_or_number")]
    pub left_out: String,
    /// UCLA feeling isolated, 1–3.
    #[serde(deserialize_with = "string_or_number")]
    pub isolated: String,
    /// SWEMWBS statement 1, 1–5 (only where SWEMWBS is switched on).
    #[serde(deserialize_with = "string_or_number")]
    pub swemwbs_1: String,
    /// SWEMWBS statement 2, 1–5.
    #[serde(deserialize_with = "string_or_number")]
    pub swemwbs_2: String,
    /// SWEMWBS statement 3, 1–5.
    #[serde(deserialize_with = "string_or_number")]
    pub swemwbs_3: String,
    /// SWEMWBS statement 4, 1–5.
    #[serde(deserialize_with = "string_or_number")]
    pub swemwbs_4: String,
    /// SWEMWBS statement 5, 1–5.
    #[serde(deserialize_with = "string_or_number")]
    pub swemwbs_5: String,
    /// SWEMWBS statement 6, 1–5.
    #[serde(deserialize_with = "string_or_number")]
    pub swemwbs_6: String,
    /// SWEMWBS statement 7, 1–5.
    #[serde(deserialize_with = "string_or_number")]
    pub swemwbs_7: String,
}

/// Outcome answers, checked. An instrument is recorded whole or not at all; the person may
/// decline to answer one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// When.
    pub stage: OutcomeStage,
    /// ONS4 scores in [`Ons4Item::ALL`] order.
    pub ons4: Option<[u8; 4]>,
    /// UCLA item scores in [`UclaItem::ALL`] order.
    pub ucla: Option<[u8; 3]>,
    /// SWEMWBS answers, statements 1 to 7.
    pub swemwbs: Option<[u8; 7]>,
}

impl Outcome {
    /// The UCLA-3 total, 3–9.
    pub fn ucla_total(&self) -> Option<u8> {
        self.ucla.map(|items| items.iter().sum())
    }
}

impl OutcomeDraft {
    /// The outcome, or what is wrong with it; SWEMWBS answers only when `swemwbs_licensed`.
    pub fn validate(&self, swemwbs_licensed: bool) -> Result<Outcome, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let stage: Option<OutcomeStage> =
            errors.require_code("stage", "when this was asked", &self.stage);
        let ons4_fields = [
            ("life_satisfaction", &self.life_satisfaction),
            ("worthwhile", &self.worthwhile),
            ("happiness", &self.happiness),
            ("anxiety", &self.anxiety),
        ];
        let ucla_fields = [
            ("companionship", &self.companionship),
            ("left_out", &self.left_out),
            ("isolated", &self.isolated),
        ];
        let ons4 = instrument(&mut errors, &ons4_fields, 0..=10, "ONS4");
        let ucla = instrument(&mut errors, &ucla_fields, 1..=3, "UCLA loneliness");
        let swemwbs = super::swemwbs::check_answers(
            &mut errors,
            [
                &self.swemwbs_1,
                &self.swemwbs_2,
                &self.swemwbs_3,
                &self.swemwbs_4,
                &self.swemwbs_5,
                &self.swemwbs_6,
                &self.swemwbs_7,
            ],
            swemwbs_licensed,
        );
        if ons4.is_none() && ucla.is_none() && swemwbs.is_none() && errors.is_empty() {
            errors.add(
                "life_satisfaction",
                "Record the answers to at least one of the questionnaires",
            );
        }
        errors.into_result()?;
        Ok(Outcome {
            stage: stage.expect("checked above"),
            ons4: ons4.map(|v| [v[0], v[1], v[2], v[3]]),
            ucla: ucla.map(|v| [v[0], v[1], v[2]]),
            swemwbs,
        })
    }
}

/// All of an instrument's items, none of them, or an error on each missing one.
fn instrument(
    errors: &mut ValidationErrors,
    fields: &[(&str, &String)],
    range: std::ops::RangeInclusive<u8>,
    name: &str,
) -> Option<Vec<u8>> {
    let answered = fields.iter().filter(|(_, v)| !v.trim().is_empty()).count();
    if answered == 0 {
        return None;
    }
    let mut scores = Vec::new();
    for (field, value) in fields {
        if value.trim().is_empty() {
            errors.add(
                field,
                format!("Answer every {name} question, or none of them"),
            );
        } else if let Some(score) = errors.require_in_range(field, "a score", value, range.clone())
        {
            scores.push(score);
        }
    }
    (scores.len() == fields.len()).then_some(scores)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ons_bands_match_the_published_thresholds() {
        // ONS: life satisfaction, worthwhile, happiness 0-4 low, 5-6 medium, 7-8 high, 9-10
        // very high; anxiety 0-1 very low, 2-3 low, 4-5 medium, 6-10 high.
        let positive: Vec<_> = (0..=10)
            .map(|s| Ons4Item::Happiness.band(s).as_str())
            .collect();
        assert_eq!(
            positive,
            [
                "low",
                "low",
                "low",
                "low",
                "low",
                "medium",
                "medium",
                "high",
                "high",
                "very_high",
                "very_high"
            ]
        );
        let anxiety: Vec<_> = (0..=10)
            .map(|s| Ons4Item::Anxiety.band(s).as_str())
            .collect();
        assert_eq!(
            anxiety,
            [
                "very_low", "very_low", "low", "low", "medium", "medium", "high", "high", "high",
                "high", "high"
            ]
        );
    }

    #[test]
    fn ucla_scores_sum_three_items_from_three_to_nine() {
        // Hand-worked: often (3) lacking companionship, some of the time (2) left out, hardly
        // ever (1) isolated: 3 + 2 + 1 = 6, "higher loneliness" by the convention.
        let outcome = OutcomeDraft {
            stage: "first_contact".into(),
            companionship: "3".into(),
            left_out: "2".into(),
            isolated: "1".into(),
            ..OutcomeDraft::default()
        }
        .validate(false)
        .unwrap();
        assert_eq!(outcome.ucla_total(), Some(6));
        assert!(outcome.ucla_total().unwrap() >= UCLA_HIGHER_LONELINESS);
        assert_eq!(outcome.ons4, None);
        let lowest = OutcomeDraft {
            stage: "follow_up".into(),
            companionship: "1".into(),
            left_out: "1".into(),
            isolated: "1".into(),
            ..OutcomeDraft::default()
        };
        assert_eq!(lowest.validate(false).unwrap().ucla_total(), Some(3));
    }

    #[test]
    fn an_instrument_is_answered_whole_and_in_range() {
        let errors = OutcomeDraft {
            stage: "first_contact".into(),
            life_satisfaction: "7".into(),
            worthwhile: "11".into(),
            happiness: "6".into(),
            companionship: "0".into(),
            left_out: "2".into(),
            isolated: "2".into(),
            ..OutcomeDraft::default()
        }
        .validate(false)
        .unwrap_err();
        assert!(errors.for_field("worthwhile").is_some());
        assert!(errors.for_field("anxiety").is_some());
        assert!(errors.for_field("companionship").is_some());
        let nothing = OutcomeDraft {
            stage: "follow_up".into(),
            ..OutcomeDraft::default()
        };
        assert!(nothing.validate(false).is_err());
        let ons4 = OutcomeDraft {
            stage: "follow_up".into(),
            life_satisfaction: "7".into(),
            worthwhile: "8".into(),
            happiness: "6".into(),
            anxiety: "3".into(),
            ..OutcomeDraft::default()
        };
        assert_eq!(ons4.validate(false).unwrap().ons4, Some([7, 8, 6, 3]));
    }
}
