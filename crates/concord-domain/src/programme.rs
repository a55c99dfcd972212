//! Integration programmes: what a programme serves, who runs it, how it is going, and what it is
//! meant to change. Projects, milestones and benefits live here; risks and the rest of RAID in
//! [`crate::raid`]; boards' meetings in [`crate::meeting`].

use crate::validation::{string_or_number, ValidationErrors};
use crate::vocabulary;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// Where a programme or project is in its life.
    DeliveryStatus {
        Proposed => ("proposed", "Proposed"),
        Active => ("active", "Active"),
        Paused => ("paused", "Paused"),
        Closed => ("closed", "Closed"),
    }
}

vocabulary! {
    /// The red/amber/green rating a programme's manager gives its delivery confidence.
    Rag {
        Red => ("red", "Red"),
        Amber => ("amber", "Amber"),
        Green => ("green", "Green"),
    }
}

impl Rag {
    /// How many steps worse than green (green 0, amber 1, red 2): for comparing ratings over time.
    pub fn severity(self) -> u8 {
        match self {
            Rag::Green => 0,
            Rag::Amber => 1,
            Rag::Red => 2,
        }
    }
}

vocabulary! {
    /// Which way a metric should move to count as better.
    Direction {
        Increase => ("increase", "Higher is better"),
        Decrease => ("decrease", "Lower is better"),
    }
}

vocabulary! {
    /// How a benefit touches one partner: integration often moves demand and cost between partners,
    /// and who gains and who pays must be visible.
    BenefitEffect {
        DemandFalls => ("demand_falls", "Demand falls"),
        CapacityGains => ("capacity_gains", "Gains capacity"),
        CostFalls => ("cost_falls", "Cost falls"),
        DemandRises => ("demand_rises", "Demand rises"),
        CostRises => ("cost_rises", "Cost rises"),
    }
}

impl BenefitEffect {
    /// True when this partner carries a cost or extra demand for the benefit.
    pub fn is_burden(self) -> bool {
        matches!(self, BenefitEffect::DemandRises | BenefitEffect::CostRises)
    }
}

/// What a user submits to create or change a programme.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProgrammeDraft {
    /// The programme's name, for example "MSK first-contact physiotherapy".
    #[schema(required)]
    pub name: String,
    /// What it changes for patients and residents, in a few sentences.
    #[schema(required)]
    pub summary: String,
    /// The id of the organisation that leads it.
    pub lead_organisation_id: String,
    /// The id of the senior responsible owner (a person).
    #[schema(required)]
    pub sro_person_id: String,
    /// The id of the programme manager (a person), who keeps it up to date.
    #[schema(required)]
    pub manager_person_id: String,
    /// The id of the board that governs it (blank if none yet).
    pub board_id: String,
    /// The id of the place it covers; blank for the whole system.
    pub place_id: String,
    /// Delivery status code.
    #[schema(required)]
    pub status: String,
    /// RAG code: how confident its manager is that it will deliver.
    #[schema(required)]
    pub rag: String,
    /// Why the rating is what it is.
    #[schema(required)]
    pub rag_reason: String,
    /// Start date, YYYY-MM-DD.
    #[schema(required)]
    pub starts_on: String,
    /// Planned end date, YYYY-MM-DD (blank if open-ended).
    pub ends_on: String,
    /// The adopted objectives it serves (at least one).
    #[schema(required)]
    pub objective_ids: Vec<String>,
    /// Partner organisations taking part, besides the lead.
    pub partner_ids: Vec<String>,
}

impl ProgrammeDraft {
    /// Validates the draft: a programme must serve at least one objective and have an SRO and a
    /// manager, so a board has something to hold to account.
    pub fn validate(&self) -> Result<ProgrammeDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("name", "a name", &self.name, 200);
        errors.require_text("summary", "a summary", &self.summary, 2000);
        errors.require_id(
            "lead_organisation_id",
            "the lead organisation",
            &self.lead_organisation_id,
        );
        errors.require_id(
            "sro_person_id",
            "the senior responsible owner",
            &self.sro_person_id,
        );
        errors.require_id(
            "manager_person_id",
            "the programme manager",
            &self.manager_person_id,
        );
        errors.require_code::<DeliveryStatus>("status", "a status", &self.status);
        errors.require_code::<Rag>("rag", "a RAG rating", &self.rag);
        errors.require_text(
            "rag_reason",
            "the reason for the rating",
            &self.rag_reason,
            1000,
        );
        let starts = errors.require_date("starts_on", "the start date", &self.starts_on);
        let ends = errors.optional_date("ends_on", "the planned end date", &self.ends_on);
        if let (Some(s), Some(e)) = (starts, ends) {
            if e < s {
                errors.add("ends_on", "The planned end must be on or after the start");
            }
        }
        let objective_ids = dedupe(&self.objective_ids);
        if objective_ids.is_empty() {
            errors.add(
                "objective_ids",
                "Select at least one adopted objective the programme serves",
            );
        }
        errors.into_result()?;
        Ok(ProgrammeDraft {
            name: self.name.trim().into(),
            summary: self.summary.trim().into(),
            lead_organisation_id: self.lead_organisation_id.trim().into(),
            sro_person_id: self.sro_person_id.trim().into(),
            manager_person_id: self.manager_person_id.trim().into(),
            board_id: self.board_id.trim().into(),
            place_id: self.place_id.trim().into(),
            status: self.status.trim().into(),
            rag: self.rag.trim().into(),
            rag_reason: self.rag_reason.trim().into(),
            starts_on: self.starts_on.trim().into(),
            ends_on: self.ends_on.trim().into(),
            partner_ids: dedupe(&self.partner_ids)
                .into_iter()
                .filter(|p| *p != self.lead_organisation_id.trim())
                .collect(),
            objective_ids,
        })
    }
}

/// Trims, drops blanks and removes repeats, keeping first-seen order.
pub fn dedupe(ids: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == id) {
            out.push(id.to_string());
        }
    }
    out
}

/// A periodic status report on a programme (or project): the RAG rating must come with a reason.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StatusUpdateDraft {
    /// The date the report speaks for, YYYY-MM-DD (normally the end of a reporting month).
    #[schema(required)]
    pub as_of: String,
    /// Delivery status code.
    #[schema(required)]
    pub status: String,
    /// RAG code.
    #[schema(required)]
    pub rag: String,
    /// Why the rating is what it is.
    #[schema(required)]
    pub rag_reason: String,
    /// Progress since the last report, in brief.
    pub progress: String,
}

impl StatusUpdateDraft {
    /// Validates the update.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_date("as_of", "the date this report is for", &self.as_of);
        errors.require_code::<DeliveryStatus>("status", "a status", &self.status);
        errors.require_code::<Rag>("rag", "a RAG rating", &self.rag);
        errors.require_text(
            "rag_reason",
            "the reason for the rating",
            &self.rag_reason,
            1000,
        );
        errors.optional_text("progress", "progress", &self.progress, 2000);
        errors.into_result()
    }
}

/// A project within a programme.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProjectDraft {
    /// The project's name.
    #[schema(required)]
    pub name: String,
    /// What it delivers.
    pub summary: String,
    /// The id of the person who leads it.
    #[schema(required)]
    pub lead_person_id: String,
    /// Delivery status code.
    #[schema(required)]
    pub status: String,
    /// RAG code.
    #[schema(required)]
    pub rag: String,
    /// Why the rating is what it is.
    #[schema(required)]
    pub rag_reason: String,
}

impl ProjectDraft {
    /// Validates the project.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("name", "a name", &self.name, 200);
        errors.optional_text("summary", "a summary", &self.summary, 2000);
        errors.require_id("lead_person_id", "the project lead", &self.lead_person_id);
        errors.require_code::<DeliveryStatus>("status", "a status", &self.status);
        errors.require_code::<Rag>("rag", "a RAG rating", &self.rag);
        errors.require_text(
            "rag_reason",
            "the reason for the rating",
            &self.rag_reason,
            1000,
        );
        errors.into_result()
    }
}

/// A milestone: the date promised when it was baselined, and the date now forecast.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MilestoneDraft {
    /// What will be done.
    #[schema(required)]
    pub title: String,
    /// The project it belongs to (blank: the programme as a whole).
    pub project_id: String,
    /// Who is accountable for it.
    #[schema(required)]
    pub owner_person_id: String,
    /// The date agreed when it was baselined, YYYY-MM-DD.
    #[schema(required)]
    pub baseline_on: String,
    /// The date now forecast, YYYY-MM-DD.
    #[schema(required)]
    pub forecast_on: String,
    /// The date it was done (blank while open).
    pub completed_on: String,
}

impl MilestoneDraft {
    /// Validates the milestone.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("title", "what the milestone is", &self.title, 300);
        errors.require_id("owner_person_id", "the owner", &self.owner_person_id);
        errors.require_date("baseline_on", "the baseline date", &self.baseline_on);
        errors.require_date("forecast_on", "the forecast date", &self.forecast_on);
        errors.optional_date("completed_on", "the date it was done", &self.completed_on);
        errors.into_result()
    }
}

/// How late a milestone is against its baseline, in days (negative: early), using the completion
/// date once done and the forecast until then.
pub fn slippage_days(
    baseline: NaiveDate,
    forecast: NaiveDate,
    completed: Option<NaiveDate>,
) -> i64 {
    (completed.unwrap_or(forecast) - baseline).num_days()
}

/// A benefit: a measurable change, with who gains and who pays.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct BenefitDraft {
    /// The benefit in words, for example "Fewer GP appointments for MSK problems".
    #[schema(required)]
    pub title: String,
    /// A metric in the measurement catalogue that shows it (its id or code; optional): its
    /// whole-system values are then the benefit's readings, and its name, unit and (unless
    /// neutral) direction the benefit's.
    pub catalogue_metric: String,
    /// The metric that shows it, in words (taken from the catalogue when `catalogue_metric` is
    /// given).
    pub metric: String,
    /// The metric's unit.
    pub unit: String,
    /// Which way is better: `increase` or `decrease`.
    #[schema(required)]
    pub direction: String,
    /// The value before the programme.
    #[serde(deserialize_with = "string_or_number")]
    #[schema(required)]
    pub baseline: String,
    /// The value to reach.
    #[serde(deserialize_with = "string_or_number")]
    #[schema(required)]
    pub target: String,
    /// When the target should be reached, YYYY-MM-DD.
    #[schema(required)]
    pub target_on: String,
    /// How it touches each partner.
    #[schema(required)]
    pub impacts: Vec<BenefitImpactDraft>,
}

/// How one benefit touches one partner organisation.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct BenefitImpactDraft {
    /// The organisation.
    pub organisation_id: String,
    /// The effect code, for example `demand_falls`.
    pub effect: String,
    /// Detail, for example "about 40 fewer GP appointments a week".
    pub note: String,
}

impl BenefitDraft {
    /// Validates the benefit: the target must lie in the direction of improvement from the baseline,
    /// and at least one partner's gain or cost must be named.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("title", "the benefit", &self.title, 300);
        errors.optional_text(
            "catalogue_metric",
            "the catalogue metric",
            &self.catalogue_metric,
            100,
        );
        errors.require_text("metric", "the metric that shows it", &self.metric, 300);
        errors.optional_text("unit", "a unit", &self.unit, 40);
        let direction =
            errors.require_code::<Direction>("direction", "which way is better", &self.direction);
        let baseline = errors.require_number("baseline", "the baseline", &self.baseline);
        let target = errors.require_number("target", "the target", &self.target);
        if let (Some(d), Some(b), Some(t)) = (direction, baseline, target) {
            let improves = match d {
                Direction::Increase => t > b,
                Direction::Decrease => t < b,
            };
            if !improves {
                errors.add(
                    "target",
                    format!(
                        "The target must be {} than the baseline ({})",
                        if d == Direction::Increase {
                            "higher"
                        } else {
                            "lower"
                        },
                        self.baseline.trim()
                    ),
                );
            }
        }
        errors.require_date(
            "target_on",
            "the date the target should be reached",
            &self.target_on,
        );
        if self
            .impacts
            .iter()
            .all(|i| i.organisation_id.trim().is_empty())
        {
            errors.add(
                "impacts",
                "Name at least one partner whose demand, capacity or cost changes",
            );
        }
        for (n, impact) in self.impacts.iter().enumerate() {
            if impact.organisation_id.trim().is_empty() {
                continue;
            }
            errors.require_code::<BenefitEffect>(
                &format!("impacts[{n}].effect"),
                "how the partner is affected",
                &impact.effect,
            );
            errors.optional_text(
                &format!("impacts[{n}].note"),
                "the detail",
                &impact.note,
                300,
            );
        }
        errors.into_result()
    }
}

/// One reading of a benefit's metric.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MeasurementDraft {
    /// The date the value is for, YYYY-MM-DD.
    #[schema(required)]
    pub measured_on: String,
    /// The value.
    #[serde(deserialize_with = "string_or_number")]
    #[schema(required)]
    pub value: String,
}

impl MeasurementDraft {
    /// Validates the reading, returning the value.
    pub fn validate(&self) -> Result<f64, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_date(
            "measured_on",
            "the date the value is for",
            &self.measured_on,
        );
        let value = errors.require_number("value", "the value", &self.value);
        errors.into_result()?;
        Ok(value.unwrap_or_default())
    }
}

/// How far a benefit has come from its baseline towards its target, as a fraction (0 = baseline,
/// 1 = target met; negative when it has moved the wrong way). `None` when baseline equals target.
pub fn progress_towards(baseline: f64, target: f64, latest: f64) -> Option<f64> {
    let span = target - baseline;
    (span != 0.0).then(|| (latest - baseline) / span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn slippage_uses_completion_once_done_and_forecast_until_then() {
        let baseline = date("2026-03-31");
        assert_eq!(slippage_days(baseline, date("2026-05-15"), None), 45);
        assert_eq!(
            slippage_days(baseline, date("2026-05-15"), Some(date("2026-03-30"))),
            -1
        );
        assert_eq!(slippage_days(baseline, baseline, None), 0);
    }

    #[test]
    fn a_benefit_target_must_lie_in_the_direction_of_improvement() {
        let mut draft = BenefitDraft {
            catalogue_metric: String::new(),
            title: "Fewer GP MSK appointments".into(),
            metric: "GP appointments coded MSK per week".into(),
            direction: "decrease".into(),
            baseline: "420".into(),
            target: "500".into(),
            target_on: "2027-03-31".into(),
            impacts: vec![BenefitImpactDraft {
                organisation_id: "org".into(),
                effect: "demand_falls".into(),
                note: String::new(),
            }],
            ..Default::default()
        };
        let errors = draft.validate().unwrap_err();
        assert!(errors.for_field("target").unwrap().contains("lower"));
        draft.target = "350".into();
        assert!(draft.validate().is_ok());
        draft.impacts.clear();
        assert!(draft.validate().unwrap_err().for_field("impacts").is_some());
    }

    #[test]
    fn progress_is_a_fraction_of_the_way_from_baseline_to_target() {
        assert_eq!(progress_towards(420.0, 350.0, 385.0), Some(0.5));
        assert_eq!(
            progress_towards(420.0, 350.0, 440.0).map(|p| p < 0.0),
            Some(true)
        );
        assert_eq!(progress_towards(1.0, 1.0, 2.0), None);
    }

    #[test]
    fn a_programme_must_serve_an_objective_and_end_after_it_starts() {
        let draft = ProgrammeDraft {
            name: "Frailty virtual ward".into(),
            summary: "Hospital care at home".into(),
            lead_organisation_id: "a".into(),
            sro_person_id: "p".into(),
            manager_person_id: "m".into(),
            status: "active".into(),
            rag: "green".into(),
            rag_reason: "On plan".into(),
            starts_on: "2026-04-01".into(),
            ends_on: "2026-03-01".into(),
            partner_ids: vec!["a".into(), "b".into(), "b".into(), " ".into()],
            ..Default::default()
        };
        let errors = draft.validate().unwrap_err();
        assert!(errors.for_field("objective_ids").is_some());
        assert!(errors.for_field("ends_on").is_some());
        let ok = ProgrammeDraft {
            ends_on: String::new(),
            objective_ids: vec!["o".into()],
            ..draft
        }
        .validate()
        .unwrap();
        assert_eq!(ok.partner_ids, vec!["b".to_string()]);
    }
}
