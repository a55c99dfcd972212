//! Agreeing a strategy: rounds (for example a five-year joint forward plan), the service areas they
//! weigh, and each partner's ranking of those areas.

use crate::validation::ValidationErrors;
use crate::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// Where a strategy round has got to.
    RoundStage {
        Drafting => ("drafting", "Drafting"),
        Consulting => ("consulting", "Consulting"),
        Deciding => ("deciding", "Deciding"),
        Adopted => ("adopted", "Adopted"),
        Archived => ("archived", "Archived"),
    }
}

impl RoundStage {
    /// Whether partners may still change their rankings and aims.
    pub fn open_for_views(self) -> bool {
        matches!(
            self,
            RoundStage::Drafting | RoundStage::Consulting | RoundStage::Deciding
        )
    }
}

/// What a user submits to create or change a strategy round.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RoundDraft {
    /// The round's title, for example "Joint Forward Plan 2027–2032".
    #[schema(required)]
    pub title: String,
    /// The stage code, for example `consulting`.
    #[schema(required)]
    pub stage: String,
    /// The first day of the round (YYYY-MM-DD).
    #[schema(required)]
    pub opens_on: String,
    /// The last day of the round (YYYY-MM-DD).
    #[schema(required)]
    pub closes_on: String,
    /// What the round is for.
    pub summary: Option<String>,
}

/// A validated round draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRound {
    /// Trimmed title.
    pub title: String,
    /// The stage.
    pub stage: RoundStage,
    /// Opening date, YYYY-MM-DD.
    pub opens_on: String,
    /// Closing date, YYYY-MM-DD.
    pub closes_on: String,
    /// Summary (may be empty).
    pub summary: String,
}

/// True if `s` is a real calendar date written YYYY-MM-DD.
pub fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return false;
    };
    if s.len() != 10 || !(1900..=2200).contains(&y) || !(1..=12).contains(&m) || d == 0 {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][(m - 1) as usize];
    d <= days
}

impl RoundDraft {
    /// Validates the draft: a title, a known stage, real dates, closing on or after opening.
    pub fn validate(&self) -> Result<ValidRound, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("title", "a title", &self.title, 200);
        let stage = errors.require_code::<RoundStage>("stage", "a stage", &self.stage);
        let (opens, closes) = (self.opens_on.trim(), self.closes_on.trim());
        for (field, value, what) in [
            ("opens_on", opens, "the date the round opens"),
            ("closes_on", closes, "the date the round closes"),
        ] {
            if value.is_empty() {
                errors.add(field, format!("Enter {what}"));
            } else if !is_iso_date(value) {
                errors.add(field, format!("Enter {what} as a real date, YYYY-MM-DD"));
            }
        }
        if is_iso_date(opens) && is_iso_date(closes) && closes < opens {
            errors.add(
                "closes_on",
                "The round must close on or after the day it opens",
            );
        }
        errors.optional_text(
            "summary",
            "a summary",
            self.summary.as_deref().unwrap_or(""),
            4000,
        );
        errors.into_result()?;
        Ok(ValidRound {
            title: self.title.trim().into(),
            stage: stage.expect("validated"),
            opens_on: opens.into(),
            closes_on: closes.into(),
            summary: self.summary.as_deref().unwrap_or("").trim().into(),
        })
    }
}

/// What a user submits to add a service area to a round.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AreaDraft {
    /// The area's name, for example "Musculoskeletal (MSK) services".
    #[schema(required)]
    pub name: String,
    /// What the area covers.
    pub description: Option<String>,
}

impl AreaDraft {
    /// Validates the draft, returning (name, description).
    pub fn validate(&self) -> Result<(String, String), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("name", "a name", &self.name, 120);
        errors.optional_text(
            "description",
            "a description",
            self.description.as_deref().unwrap_or(""),
            2000,
        );
        errors.into_result()?;
        Ok((
            self.name.trim().into(),
            self.description.as_deref().unwrap_or("").trim().into(),
        ))
    }
}

/// One partner's view: a rank for some or all areas (1 = most important, equal ranks are ties) and
/// their own aims in a sentence or two.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PartnerViewDraft {
    /// (area id, rank) pairs; areas left out are unranked.
    pub ranks: Vec<AreaRank>,
    /// The partner's aims for the system, in their own words.
    #[schema(required)]
    pub aims: String,
}

/// An area's rank in a partner's view.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct AreaRank {
    /// The area's id.
    pub area_id: String,
    /// 1 = most important.
    pub rank: u32,
}

impl PartnerViewDraft {
    /// Validates the view against the round's area ids: known areas, each once, ranks 1..=areas.
    pub fn validate(&self, area_ids: &[String]) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let mut seen = std::collections::HashSet::new();
        for (i, r) in self.ranks.iter().enumerate() {
            let field = format!("ranks[{i}]");
            if !area_ids.contains(&r.area_id) {
                errors.add(
                    &field,
                    format!("'{}' is not a service area of this round", r.area_id),
                );
            } else if !seen.insert(&r.area_id) {
                errors.add(&field, "This area is ranked twice");
            }
            if r.rank == 0 || r.rank as usize > area_ids.len() {
                errors.add(
                    &field,
                    format!("A rank must be between 1 and {}", area_ids.len()),
                );
            }
        }
        errors.require_text("aims", "your organisation's aims", &self.aims, 1000);
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_real_and_in_order() {
        assert!(is_iso_date("2028-02-29"));
        assert!(!is_iso_date("2027-02-29"));
        assert!(!is_iso_date("2027-13-01"));
        assert!(!is_iso_date("27-01-01"));
        let draft = RoundDraft {
            title: "JFP".into(),
            stage: "consulting".into(),
            opens_on: "2027-04-01".into(),
            closes_on: "2027-03-31".into(),
            summary: None,
        };
        assert_eq!(
            draft.validate().unwrap_err().for_field("closes_on"),
            Some("The round must close on or after the day it opens")
        );
    }

    #[test]
    fn a_view_ranks_known_areas_once() {
        let areas = vec!["a".to_string(), "b".to_string()];
        let view = |ranks: Vec<(&str, u32)>| PartnerViewDraft {
            ranks: ranks
                .into_iter()
                .map(|(a, r)| AreaRank {
                    area_id: a.into(),
                    rank: r,
                })
                .collect(),
            aims: "Fewer people lonely".into(),
        };
        assert!(
            view(vec![("a", 1), ("b", 1)]).validate(&areas).is_ok(),
            "ties allowed"
        );
        assert!(
            view(vec![("a", 1)]).validate(&areas).is_ok(),
            "partial allowed"
        );
        assert!(view(vec![("a", 1), ("a", 2)])
            .validate(&areas)
            .unwrap_err()
            .for_field("ranks[1]")
            .is_some());
        assert!(view(vec![("zz", 1)])
            .validate(&areas)
            .unwrap_err()
            .for_field("ranks[0]")
            .is_some());
        assert!(view(vec![("a", 3)])
            .validate(&areas)
            .unwrap_err()
            .for_field("ranks[0]")
            .is_some());
        let mut no_aims = view(vec![]);
        no_aims.aims = " ".into();
        assert!(no_aims
            .validate(&areas)
            .unwrap_err()
            .for_field("aims")
            .is_some());
    }
}

vocabulary! {
    /// What the partnership decided to do about a service area.
    PriorityStance {
        Prioritise => ("prioritise", "Prioritise"),
        Maintain => ("maintain", "Maintain"),
        Deprioritise => ("deprioritise", "De-prioritise"),
    }
}

/// What a user submits to record a priority decision on a service area.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PriorityDraft {
    /// `prioritise`, `maintain` or `deprioritise`.
    #[schema(required)]
    pub stance: String,
    /// Why, in plain words that residents can read.
    #[schema(required)]
    pub rationale: String,
    /// The decision that made it, for example "ICP meeting 14 January 2027, item 5".
    #[schema(required)]
    pub decision: String,
}

impl PriorityDraft {
    /// Validates the draft: a stance, a rationale and the decision behind it.
    pub fn validate(&self) -> Result<PriorityStance, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let stance = errors.require_code::<PriorityStance>(
            "stance",
            "prioritise, maintain or de-prioritise",
            &self.stance,
        );
        errors.require_text(
            "rationale",
            "the reason for this decision",
            &self.rationale,
            2000,
        );
        errors.require_text("decision", "the decision that made it", &self.decision, 300);
        errors.into_result()?;
        Ok(stance.expect("validated"))
    }
}

/// What a user submits to set a specific objective.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ObjectiveDraft {
    /// The outcome sought, for example "Fewer people over 65 admitted after a fall".
    #[schema(required)]
    pub outcome: String,
    /// How it is measured, for example "Emergency admissions for falls, 65+, per 100,000".
    #[schema(required)]
    pub metric: String,
    /// The metric's unit, for example "per 100,000" or "%".
    pub unit: String,
    /// The metric's value now (a number).
    #[schema(required)]
    pub baseline: String,
    /// The value to reach (a number, different from the baseline).
    #[schema(required)]
    pub target: String,
    /// When the target should be met (YYYY-MM-DD).
    #[schema(required)]
    pub target_date: String,
    /// The id of the organisation that owns the objective.
    #[schema(required)]
    pub owner_organisation_id: String,
    /// The ids of the service areas it touches.
    #[schema(required)]
    pub area_ids: Vec<String>,
}

/// A validated objective.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidObjective {
    /// Trimmed outcome.
    pub outcome: String,
    /// Trimmed metric.
    pub metric: String,
    /// Trimmed unit.
    pub unit: String,
    /// Baseline, as entered (a number).
    pub baseline: String,
    /// Target, as entered (a number).
    pub target: String,
    /// Target date.
    pub target_date: String,
    /// Owner organisation id.
    pub owner_organisation_id: String,
    /// Service area ids, de-duplicated.
    pub area_ids: Vec<String>,
}

fn parse_number(text: &str) -> Option<f64> {
    let cleaned = text.trim().replace(',', "");
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

impl ObjectiveDraft {
    /// Validates the draft. An objective must be specific: a metric, a numeric baseline, a numeric
    /// target that differs from it, a date, an owner and at least one service area.
    pub fn validate(&self) -> Result<ValidObjective, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("outcome", "the outcome sought", &self.outcome, 300);
        errors.require_text("metric", "how the outcome is measured", &self.metric, 300);
        errors.optional_text("unit", "a unit", &self.unit, 40);
        let baseline = parse_number(&self.baseline);
        if baseline.is_none() {
            errors.add(
                "baseline",
                "Enter the baseline as a number, for example 2150 or 63.5",
            );
        }
        match parse_number(&self.target) {
            None if self.target.trim().is_empty() => {
                errors.add("target", "Enter a measurable target: the number to reach")
            }
            None => errors.add(
                "target",
                "Enter the target as a number, for example 1900 or 75",
            ),
            Some(t) if Some(t) == baseline => errors.add(
                "target",
                "The target must differ from the baseline, or there is nothing to achieve",
            ),
            Some(_) => {}
        }
        let date = self.target_date.trim();
        if !is_iso_date(date) {
            errors.add(
                "target_date",
                "Enter the date the target should be met, YYYY-MM-DD",
            );
        }
        if self.owner_organisation_id.trim().is_empty() {
            errors.add(
                "owner_organisation_id",
                "Select the organisation that owns this objective",
            );
        }
        let mut area_ids: Vec<String> = self
            .area_ids
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        area_ids.sort();
        area_ids.dedup();
        if area_ids.is_empty() {
            errors.add(
                "area_ids",
                "Select at least one service area this objective touches",
            );
        }
        errors.into_result()?;
        Ok(ValidObjective {
            outcome: self.outcome.trim().into(),
            metric: self.metric.trim().into(),
            unit: self.unit.trim().into(),
            baseline: self.baseline.trim().replace(',', ""),
            target: self.target.trim().replace(',', ""),
            target_date: date.into(),
            owner_organisation_id: self.owner_organisation_id.trim().into(),
            area_ids,
        })
    }
}

#[cfg(test)]
mod objective_tests {
    use super::*;

    fn draft() -> ObjectiveDraft {
        ObjectiveDraft {
            outcome: "Fewer falls admissions".into(),
            metric: "Emergency admissions for falls, 65+".into(),
            unit: "per 100,000".into(),
            baseline: "2,150".into(),
            target: "1900".into(),
            target_date: "2029-03-31".into(),
            owner_organisation_id: "org".into(),
            area_ids: vec!["frailty".into()],
        }
    }

    #[test]
    fn an_objective_without_a_measurable_target_is_refused() {
        assert_eq!(draft().validate().unwrap().baseline, "2150");
        let mut d = draft();
        d.target = String::new();
        assert_eq!(
            d.validate().unwrap_err().for_field("target"),
            Some("Enter a measurable target: the number to reach")
        );
        d.target = "much lower".into();
        assert!(d
            .validate()
            .unwrap_err()
            .for_field("target")
            .unwrap()
            .contains("as a number"));
        d.target = "2150".into();
        assert!(d
            .validate()
            .unwrap_err()
            .for_field("target")
            .unwrap()
            .contains("differ from the baseline"));
        let mut d = draft();
        d.area_ids.clear();
        d.target_date = "soon".into();
        let errors = d.validate().unwrap_err();
        assert!(
            errors.for_field("area_ids").is_some() && errors.for_field("target_date").is_some()
        );
    }

    #[test]
    fn a_priority_needs_a_reason_and_a_decision() {
        let d = PriorityDraft {
            stance: "deprioritise".into(),
            rationale: "".into(),
            decision: "".into(),
        };
        let errors = d.validate().unwrap_err();
        assert!(errors.for_field("rationale").is_some() && errors.for_field("decision").is_some());
        let d = PriorityDraft {
            stance: "deprioritise".into(),
            rationale: "Funded elsewhere".into(),
            decision: "ICP 2027-01-14".into(),
        };
        assert_eq!(d.validate().unwrap(), PriorityStance::Deprioritise);
    }
}

/// Checks a vision draft's text: present and at most 20,000 characters.
pub fn check_vision_text(text: &str) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    errors.require_text("text", "the vision", text, 20_000);
    errors.into_result()
}

/// Checks a comment's text: present and at most 4,000 characters.
pub fn check_comment(text: &str) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    errors.require_text("text", "your comment", text, 4_000);
    errors.into_result()
}
