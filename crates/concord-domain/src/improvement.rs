//! Frontline improvement: a team's aim, driver diagram, change ideas and PDSA cycles
//! (plan–do–study–act, from the Model for Improvement: Langley et al., *The Improvement Guide*,
//! 2nd ed., 2009), and the team's own measure. The run chart of that measure is computed by
//! `concord-measure`.

use crate::programme::Direction;
use crate::validation::{string_or_number, ValidationErrors};
use crate::vocabulary;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What the team decided at the end of a cycle.
    PdsaAct {
        Adopt => ("adopt", "Adopt"),
        Adapt => ("adapt", "Adapt"),
        Abandon => ("abandon", "Abandon"),
    }
}

vocabulary! {
    /// Where a PDSA cycle is, derived from what has been recorded.
    PdsaStage {
        Plan => ("plan", "Planning"),
        Do => ("do", "Doing"),
        Study => ("study", "Studying"),
        Act => ("act", "Decided"),
    }
}

vocabulary! {
    /// A level of the driver diagram.
    DriverKind {
        Primary => ("primary", "Primary driver"),
        Secondary => ("secondary", "Secondary driver"),
    }
}

/// What a team submits to start an improvement project.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ImprovementProjectDraft {
    /// The project's title.
    #[schema(required)]
    pub title: String,
    /// The team running it, for example "Riverside North PCN care coordinators".
    #[schema(required)]
    pub team: String,
    /// The aim: what, for whom, by how much, by when.
    #[schema(required)]
    pub aim: String,
    /// The id of the person who leads it.
    #[schema(required)]
    pub lead_person_id: String,
    /// The programme it serves (blank if none).
    pub programme_id: String,
    /// The team's measure, for example "Days from referral to first contact".
    #[schema(required)]
    pub measure_name: String,
    /// The measure's unit.
    pub measure_unit: String,
    /// Which way is better.
    #[schema(required)]
    pub measure_direction: String,
}

impl ImprovementProjectDraft {
    /// Validates the project: an aim and a measure are what make it improvement, not activity.
    pub fn validate(&self) -> Result<Direction, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("title", "a title", &self.title, 200);
        errors.require_text("team", "the team", &self.team, 200);
        errors.require_text("aim", "the aim statement", &self.aim, 1000);
        errors.require_id("lead_person_id", "the project lead", &self.lead_person_id);
        errors.require_text(
            "measure_name",
            "the team's measure",
            &self.measure_name,
            300,
        );
        errors.optional_text("measure_unit", "the unit", &self.measure_unit, 40);
        let d = errors.require_code::<Direction>(
            "measure_direction",
            "which way is better",
            &self.measure_direction,
        );
        errors.into_result()?;
        Ok(d.expect("validated"))
    }
}

/// A driver in the diagram: primary drivers hang off the aim, secondary drivers off a primary.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DriverDraft {
    /// `primary` or `secondary`.
    #[schema(required)]
    pub kind: String,
    /// For a secondary driver, the primary it serves.
    pub parent_id: String,
    /// The driver in words.
    #[schema(required)]
    pub text: String,
}

impl DriverDraft {
    /// Validates the driver.
    pub fn validate(&self) -> Result<DriverKind, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let kind = errors.require_code::<DriverKind>("kind", "the kind of driver", &self.kind);
        errors.require_text("text", "the driver", &self.text, 300);
        if kind == Some(DriverKind::Secondary) && self.parent_id.trim().is_empty() {
            errors.add("parent_id", "Select the primary driver it serves");
        }
        errors.into_result()?;
        Ok(kind.expect("validated"))
    }
}

/// A change idea, tied to the driver it acts on.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ChangeIdeaDraft {
    /// The driver it acts on.
    #[schema(required)]
    pub driver_id: String,
    /// The idea.
    #[schema(required)]
    pub text: String,
}

impl ChangeIdeaDraft {
    /// Validates the idea.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_id("driver_id", "the driver it acts on", &self.driver_id);
        errors.require_text("text", "the change idea", &self.text, 500);
        errors.into_result()
    }
}

/// A PDSA cycle: recorded in stages as it runs.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PdsaDraft {
    /// The change idea being tested.
    #[schema(required)]
    pub change_idea_id: String,
    /// The cycle's title.
    #[schema(required)]
    pub title: String,
    /// Plan: what, who, where, when.
    #[schema(required)]
    pub plan: String,
    /// What the team predicts will happen.
    #[schema(required)]
    pub prediction: String,
    /// When the test starts, YYYY-MM-DD.
    #[schema(required)]
    pub starts_on: String,
    /// When the team will study the results, YYYY-MM-DD.
    #[schema(required)]
    pub study_on: String,
    /// Do: what happened, observations.
    pub do_notes: String,
    /// Study: results against the prediction.
    pub study: String,
    /// Act: `adopt`, `adapt` or `abandon` (blank until decided).
    pub act: String,
    /// What next, following the decision.
    pub act_notes: String,
}

impl PdsaDraft {
    /// Validates the cycle: a prediction is required (a test without one teaches nothing), study
    /// comes no sooner than the start, and a decision needs a study to rest on.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_id(
            "change_idea_id",
            "the change idea tested",
            &self.change_idea_id,
        );
        errors.require_text("title", "a title", &self.title, 200);
        errors.require_text("plan", "the plan", &self.plan, 4000);
        errors.require_text("prediction", "the prediction", &self.prediction, 2000);
        let starts = errors.require_date("starts_on", "the start date", &self.starts_on);
        let study = errors.require_date("study_on", "the date to study results", &self.study_on);
        if let (Some(s), Some(t)) = (starts, study) {
            if t < s {
                errors.add("study_on", "Study the results on or after the start date");
            }
        }
        for (field, value) in [
            ("do_notes", &self.do_notes),
            ("study", &self.study),
            ("act_notes", &self.act_notes),
        ] {
            errors.optional_text(field, "the notes", value, 4000);
        }
        let act = if self.act.trim().is_empty() {
            None
        } else {
            errors.require_code::<PdsaAct>("act", "adopt, adapt or abandon", &self.act)
        };
        if act.is_some() && self.study.trim().is_empty() {
            errors.add("study", "Record what the study found before deciding");
        }
        errors.into_result()
    }
}

/// The stage a cycle has reached on `today`, from what has been recorded: decided once an act is
/// chosen, studying once results are noted, doing once it has started, else planning.
pub fn pdsa_stage(
    starts_on: NaiveDate,
    do_notes: &str,
    study: &str,
    act: Option<PdsaAct>,
    today: NaiveDate,
) -> PdsaStage {
    if act.is_some() {
        PdsaStage::Act
    } else if !study.trim().is_empty() || !do_notes.trim().is_empty() {
        PdsaStage::Study
    } else if starts_on <= today {
        PdsaStage::Do
    } else {
        PdsaStage::Plan
    }
}

/// The date by which the team owes the next step of a cycle: its study date until decided.
pub fn pdsa_due(stage: PdsaStage, study_on: NaiveDate) -> Option<NaiveDate> {
    (stage != PdsaStage::Act).then_some(study_on)
}

/// One reading of the team's measure.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ImprovementMeasurementDraft {
    /// The date (or period end) the value is for, YYYY-MM-DD.
    pub measured_on: String,
    /// The value.
    #[serde(deserialize_with = "string_or_number")]
    pub value: String,
    /// A note, for example "first week of the new triage script".
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle() -> PdsaDraft {
        PdsaDraft {
            change_idea_id: "c".into(),
            title: "Same-day call-back".into(),
            plan: "Care coordinator calls back referrals the same day, one practice, one week"
                .into(),
            prediction: "Time to first contact falls from 9 days to 3".into(),
            starts_on: "2026-05-04".into(),
            study_on: "2026-05-11".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_cycle_moves_through_its_stages_as_it_is_recorded() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let start = d("2026-05-04");
        assert_eq!(
            pdsa_stage(start, "", "", None, d("2026-05-01")),
            PdsaStage::Plan
        );
        assert_eq!(
            pdsa_stage(start, "", "", None, d("2026-05-04")),
            PdsaStage::Do
        );
        assert_eq!(
            pdsa_stage(start, "14 of 17", "", None, d("2026-05-05")),
            PdsaStage::Study
        );
        let act = Some(PdsaAct::Adopt);
        assert_eq!(
            pdsa_stage(start, "x", "y", act, d("2026-05-12")),
            PdsaStage::Act
        );
        assert_eq!(pdsa_due(PdsaStage::Act, start), None);
        assert_eq!(pdsa_due(PdsaStage::Do, start), Some(start));
        let mut c = cycle();
        c.do_notes = "Called back 14 of 17".into();
        c.study = "Median 2 days; prediction met".into();
        c.act = "adopt".into();
        assert!(c.validate().is_ok());
    }

    #[test]
    fn a_decision_needs_a_study_and_a_prediction_is_required() {
        let mut c = cycle();
        c.act = "adapt".into();
        assert!(c.validate().unwrap_err().for_field("study").is_some());
        c.prediction.clear();
        assert!(c.validate().unwrap_err().for_field("prediction").is_some());
        let mut c = cycle();
        c.study_on = "2026-05-01".into();
        assert!(c.validate().unwrap_err().for_field("study_on").is_some());
    }
}
