//! Design: what-if scenarios of care pathways and waiting lists. A scenario is a model (TOML that
//! the simulation engine reads) owned by an organisation, optionally the business case of a
//! programme and compared against a base scenario; its runs are queued and run in the background.

use crate::validation::ValidationErrors;
use crate::vocabulary;
use serde::{Deserialize, Serialize};

/// The longest model a scenario may hold (the engine's own limit).
pub const MAX_MODEL_CHARS: usize = 1024 * 1024;

/// A scenario as submitted.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ScenarioDraft {
    /// What it is, in a few words ("FCP sessions in every Riverside PCN").
    #[schema(required)]
    pub title: String,
    /// What it changes and why.
    pub description: String,
    /// The organisation that owns it.
    #[schema(required)]
    pub owner_organisation_id: String,
    /// The model, as TOML (see `concord sim run`).
    #[schema(required)]
    pub model: String,
    /// The scenario it is compared with, if any.
    pub base_scenario_id: String,
    /// The programme whose business case it supports, if any.
    pub programme_id: String,
}

impl ScenarioDraft {
    /// Checks the fields (the model itself is checked by the engine, which says where).
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("title", "a title", &self.title, 200);
        errors.optional_text("description", "the description", &self.description, 5_000);
        errors.require_id(
            "owner_organisation_id",
            "the organisation that owns it",
            &self.owner_organisation_id,
        );
        if self.model.trim().is_empty() {
            errors.add("model", "Enter the model");
        } else if self.model.chars().count() > MAX_MODEL_CHARS {
            errors.add(
                "model",
                format!("The model must be {MAX_MODEL_CHARS} characters or fewer"),
            );
        }
        errors.into_result()
    }
}

vocabulary! {
    /// Where a run is.
    RunStatus {
        Queued => ("queued", "Waiting to start"),
        Running => ("running", "Running"),
        Finished => ("finished", "Finished"),
        Failed => ("failed", "Failed"),
    }
}

/// The most runs one person may have waiting or running at once.
pub const MAX_RUNS_IN_QUEUE_PER_PERSON: i64 = 3;

/// The most simulated arrivals one run may ask for (replications x arrivals in each): about ten
/// minutes of the engine on one core.
pub const MAX_ARRIVALS_PER_RUN: f64 = 2.0e9;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_needs_a_title_an_owner_and_a_model() {
        let errors = ScenarioDraft::default().validate().unwrap_err();
        for field in ["title", "owner_organisation_id", "model"] {
            assert!(errors.for_field(field).is_some(), "{field}");
        }
        let good = ScenarioDraft {
            title: "FCP in every PCN".into(),
            owner_organisation_id: "org-1".into(),
            model: "[run]\nlength = 1\n".into(),
            ..Default::default()
        };
        assert!(good.validate().is_ok());
    }
}
