//! RAID: risks, assumptions, issues and dependencies, and how they escalate.
//!
//! Risks are scored on the 5 x 5 matrix the NHS uses, from the National Patient Safety Agency's
//! *A risk matrix for risk managers* (NPSA, 2008): likelihood (1 rare – 5 almost certain) times
//! consequence (1 negligible – 5 catastrophic), banded 1–3 low, 4–6 moderate, 8–12 high and 15–25
//! extreme. Products 7, 11, 13, 14 and 17–19 cannot occur on a 5 x 5 grid.

use crate::validation::{string_or_number, ValidationErrors};
use crate::vocabulary;
use serde::{Deserialize, Serialize};

/// The labels of the likelihood scale, 1 to 5 (NPSA 2008).
pub const LIKELIHOOD_LABELS: [&str; 5] =
    ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"];

/// The labels of the consequence (impact) scale, 1 to 5 (NPSA 2008).
pub const IMPACT_LABELS: [&str; 5] = ["Negligible", "Minor", "Moderate", "Major", "Catastrophic"];

/// The citation for the scoring matrix.
pub const RISK_MATRIX_SOURCE: &str =
    "National Patient Safety Agency (2008). A risk matrix for risk managers. London: NPSA.";

vocabulary! {
    /// The band a risk score falls in.
    RiskBand {
        Low => ("low", "Low"),
        Moderate => ("moderate", "Moderate"),
        High => ("high", "High"),
        Extreme => ("extreme", "Extreme"),
    }
}

/// A likelihood x impact score on the 5 x 5 matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RiskScore {
    /// Likelihood, 1–5.
    pub likelihood: u8,
    /// Impact (consequence), 1–5.
    pub impact: u8,
}

impl RiskScore {
    /// A score, or `None` when either factor lies outside 1–5.
    pub fn new(likelihood: u8, impact: u8) -> Option<RiskScore> {
        ((1..=5).contains(&likelihood) && (1..=5).contains(&impact))
            .then_some(RiskScore { likelihood, impact })
    }

    /// Likelihood times impact, 1–25.
    pub fn value(self) -> u8 {
        self.likelihood * self.impact
    }

    /// The NPSA band of the score.
    pub fn band(self) -> RiskBand {
        match self.value() {
            1..=3 => RiskBand::Low,
            4..=6 => RiskBand::Moderate,
            8..=12 => RiskBand::High,
            _ => RiskBand::Extreme,
        }
    }
}

vocabulary! {
    /// Which way a risk has moved since its previous review.
    RiskTrend {
        New => ("new", "New"),
        Rising => ("rising", "Rising"),
        Steady => ("steady", "Steady"),
        Falling => ("falling", "Falling"),
    }
}

/// The trend from the previous review's score (likelihood x impact) to the current one.
pub fn trend(previous: Option<u8>, current: u8) -> RiskTrend {
    match previous.map(|p| p.cmp(&current)) {
        None => RiskTrend::New,
        Some(std::cmp::Ordering::Less) => RiskTrend::Rising,
        Some(std::cmp::Ordering::Equal) => RiskTrend::Steady,
        Some(std::cmp::Ordering::Greater) => RiskTrend::Falling,
    }
}

vocabulary! {
    /// Who holds an item: a project team, the programme board, or the system board.
    EscalationLevel {
        Project => ("project", "Project"),
        Programme => ("programme", "Programme board"),
        System => ("system", "System board"),
    }
}

impl EscalationLevel {
    /// The level an item escalates to, or `None` at the top.
    pub fn next(self) -> Option<EscalationLevel> {
        match self {
            EscalationLevel::Project => Some(EscalationLevel::Programme),
            EscalationLevel::Programme => Some(EscalationLevel::System),
            EscalationLevel::System => None,
        }
    }
}

vocabulary! {
    /// The kinds of RAID entry that are not risks or dependencies.
    RaidKind {
        Assumption => ("assumption", "Assumption"),
        Issue => ("issue", "Issue"),
    }
}

vocabulary! {
    /// Whether a RAID entry is still live.
    RaidStatus {
        Open => ("open", "Open"),
        Closed => ("closed", "Closed"),
    }
}

/// What a user submits to raise or change a risk.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RiskDraft {
    /// The risk in one line ("If ..., then ...").
    #[schema(required)]
    pub title: String,
    /// Cause, event and effect in more detail.
    pub description: String,
    /// The project it belongs to (blank: the programme).
    pub project_id: String,
    /// Who owns it.
    #[schema(required)]
    pub owner_person_id: String,
    /// Likelihood now, 1–5.
    #[serde(deserialize_with = "string_or_number")]
    #[schema(required)]
    pub likelihood: String,
    /// Impact now, 1–5.
    #[serde(deserialize_with = "string_or_number")]
    #[schema(required)]
    pub impact: String,
    /// Likelihood once mitigated, 1–5.
    #[serde(deserialize_with = "string_or_number")]
    #[schema(required)]
    pub target_likelihood: String,
    /// Impact once mitigated, 1–5.
    #[serde(deserialize_with = "string_or_number")]
    #[schema(required)]
    pub target_impact: String,
    /// What is being done about it.
    #[schema(required)]
    pub mitigations: String,
    /// True when only the governing board's members may read it.
    #[serde(deserialize_with = "crate::validation::loose_bool")]
    pub confidential: bool,
}

/// A validated risk's scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskScores {
    /// The score now.
    pub current: RiskScore,
    /// The score once mitigated.
    pub target: RiskScore,
}

fn score(
    errors: &mut ValidationErrors,
    prefix: &str,
    likelihood: &str,
    impact: &str,
) -> Option<RiskScore> {
    let l = errors.require_in_range(
        &format!("{prefix}likelihood"),
        "the likelihood",
        likelihood,
        1..=5,
    );
    let i = errors.require_in_range(&format!("{prefix}impact"), "the impact", impact, 1..=5);
    RiskScore::new(l?, i?)
}

impl RiskDraft {
    /// Validates the risk: both scores on the 5 x 5 grid, and a target no worse than now.
    pub fn validate(&self) -> Result<RiskScores, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("title", "the risk", &self.title, 300);
        errors.optional_text("description", "the description", &self.description, 4000);
        errors.require_id("owner_person_id", "the risk owner", &self.owner_person_id);
        errors.require_text("mitigations", "the mitigations", &self.mitigations, 4000);
        let current = score(&mut errors, "", &self.likelihood, &self.impact);
        let target = score(
            &mut errors,
            "target_",
            &self.target_likelihood,
            &self.target_impact,
        );
        if let (Some(c), Some(t)) = (current, target) {
            if t.value() > c.value() {
                errors.add(
                    "target_likelihood",
                    "The target score must be no higher than the score now",
                );
            }
        }
        errors.into_result()?;
        Ok(RiskScores {
            current: current.expect("validated"),
            target: target.expect("validated"),
        })
    }
}

/// A periodic review of a risk's score.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RiskReviewDraft {
    /// Likelihood now, 1–5.
    #[serde(deserialize_with = "string_or_number")]
    #[schema(required)]
    pub likelihood: String,
    /// Impact now, 1–5.
    #[serde(deserialize_with = "string_or_number")]
    #[schema(required)]
    pub impact: String,
    /// What changed.
    #[schema(required)]
    pub note: String,
    /// The date of the review (blank: today).
    pub reviewed_on: String,
}

impl RiskReviewDraft {
    /// Validates the review, returning the new score.
    pub fn validate(&self) -> Result<RiskScore, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let s = score(&mut errors, "", &self.likelihood, &self.impact);
        errors.require_text("note", "what changed", &self.note, 2000);
        errors.optional_date("reviewed_on", "the review date", &self.reviewed_on);
        errors.into_result()?;
        Ok(s.expect("validated"))
    }
}

/// An assumption or issue.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RaidItemDraft {
    /// `assumption` or `issue`.
    #[schema(required)]
    pub kind: String,
    /// The entry in one line.
    #[schema(required)]
    pub title: String,
    /// Detail.
    pub description: String,
    /// The project it belongs to (blank: the programme).
    pub project_id: String,
    /// Who owns it.
    #[schema(required)]
    pub owner_person_id: String,
    /// When it must be resolved or checked (optional).
    pub due_on: String,
}

impl RaidItemDraft {
    /// Validates the entry.
    pub fn validate(&self) -> Result<RaidKind, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let kind = errors.require_code::<RaidKind>("kind", "assumption or issue", &self.kind);
        errors.require_text("title", "the entry", &self.title, 300);
        errors.optional_text("description", "the description", &self.description, 4000);
        errors.require_id("owner_person_id", "the owner", &self.owner_person_id);
        errors.optional_date("due_on", "the due date", &self.due_on);
        errors.into_result()?;
        Ok(kind.expect("validated"))
    }
}

/// A dependency of one programme on another.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DependencyDraft {
    /// The programme depended on.
    #[schema(required)]
    pub on_programme_id: String,
    /// What is needed from it.
    #[schema(required)]
    pub description: String,
    /// When it is needed by (optional).
    pub needed_by: String,
}

impl DependencyDraft {
    /// Validates the dependency; `from` is the dependent programme's id.
    pub fn validate(&self, from: &str) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_id(
            "on_programme_id",
            "the programme depended on",
            &self.on_programme_id,
        );
        if self.on_programme_id.trim() == from {
            errors.add("on_programme_id", "A programme cannot depend on itself");
        }
        errors.require_text("description", "what is needed", &self.description, 1000);
        errors.optional_date("needed_by", "the date it is needed by", &self.needed_by);
        errors.into_result()
    }
}

/// Raising a risk or issue to the next level.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EscalationDraft {
    /// Why it needs the next level's attention.
    #[schema(required)]
    pub reason: String,
}

impl EscalationDraft {
    /// Validates the escalation.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("reason", "why it needs escalating", &self.reason, 1000);
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The NPSA (2008) matrix, row by row (likelihood 1..5), as published: L low, M moderate,
    /// H high, E extreme.
    const NPSA_MATRIX: [&str; 5] = ["LLLMM", "LMMHH", "LMHHE", "MHHEE", "MHEEE"];

    #[test]
    fn scores_band_exactly_as_the_published_npsa_matrix() {
        for (l, row) in NPSA_MATRIX.iter().enumerate() {
            for (i, cell) in row.chars().enumerate() {
                let s = RiskScore::new(l as u8 + 1, i as u8 + 1).unwrap();
                let expected = match cell {
                    'L' => RiskBand::Low,
                    'M' => RiskBand::Moderate,
                    'H' => RiskBand::High,
                    _ => RiskBand::Extreme,
                };
                assert_eq!(s.band(), expected, "likelihood {} impact {}", l + 1, i + 1);
            }
        }
    }

    #[test]
    fn scores_outside_the_grid_are_refused() {
        assert!(RiskScore::new(0, 3).is_none());
        assert!(RiskScore::new(3, 6).is_none());
        assert_eq!(RiskScore::new(5, 5).unwrap().value(), 25);
    }

    #[test]
    fn trend_compares_with_the_previous_review() {
        let s = |l, i| RiskScore::new(l, i).unwrap().value();
        assert_eq!(trend(None, s(3, 3)), RiskTrend::New);
        assert_eq!(trend(Some(s(3, 3)), s(4, 3)), RiskTrend::Rising);
        assert_eq!(trend(Some(s(2, 4)), s(4, 2)), RiskTrend::Steady);
        assert_eq!(trend(Some(s(5, 4)), s(3, 4)), RiskTrend::Falling);
    }

    #[test]
    fn escalation_climbs_project_programme_system_and_stops() {
        let mut level = EscalationLevel::Project;
        let mut path = vec![level];
        while let Some(next) = level.next() {
            level = next;
            path.push(level);
        }
        assert_eq!(
            path,
            [
                EscalationLevel::Project,
                EscalationLevel::Programme,
                EscalationLevel::System
            ]
        );
    }

    #[test]
    fn a_risk_needs_scores_on_the_grid_and_a_target_no_worse_than_now() {
        let mut draft = RiskDraft {
            title: "Physiotherapist vacancies".into(),
            owner_person_id: "p".into(),
            likelihood: "4".into(),
            impact: "6".into(),
            target_likelihood: "2".into(),
            target_impact: "4".into(),
            mitigations: "Rotational posts".into(),
            ..Default::default()
        };
        assert!(draft.validate().unwrap_err().for_field("impact").is_some());
        draft.impact = "3".into();
        draft.target_impact = "5".into();
        draft.target_likelihood = "4".into();
        assert!(draft
            .validate()
            .unwrap_err()
            .for_field("target_likelihood")
            .is_some());
        draft.target_likelihood = "2".into();
        let scores = draft.validate().unwrap();
        assert_eq!((scores.current.value(), scores.target.value()), (12, 10));
    }
}
