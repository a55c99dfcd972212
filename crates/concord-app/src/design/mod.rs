//! Design: what-if scenarios. One pipeline for pages, the API and the worker: a draft is checked
//! (its fields by the domain, its model by the engine, which says the line and column of what is
//! wrong) and saved; a run is asked for (its size checked against a budget, and against the
//! person's queue) and queued; the worker ([`worker`]) runs it in the background, reporting its
//! progress, and keeps the results with the model as it ran.

pub mod headline;
pub mod pathway;
pub mod shown;
pub mod worker;

use crate::authz::may_save_scenario_for;
use concord_domain::design::{ScenarioDraft, MAX_ARRIVALS_PER_RUN};
use concord_domain::{FieldError, Principal, ValidationErrors};
use concord_sim::Model;
use concord_store::design::{self, RunRequest, Scenario};
use concord_store::{Actor, Store, StoreError};

/// Reads a model, or says what is wrong with it and where, as an error on the `field`.
pub fn check_model(field: &str, text: &str) -> Result<Model, ValidationErrors> {
    Model::from_toml(text).map_err(|err| {
        ValidationErrors(vec![FieldError {
            field: field.into(),
            message: format!("The model could not be read: {err}"),
        }])
    })
}

/// Checks `draft` (fields, model, and that `principal` may save for its owner) and saves it as a
/// new scenario; gives its id.
pub async fn create(
    store: &Store,
    principal: &Principal,
    actor: &Actor,
    draft: &ScenarioDraft,
) -> Result<String, StoreError> {
    check(principal, draft)?;
    check_programme(store, principal, draft, None).await?;
    design::create(store, actor, draft).await
}

/// Checks `draft` and saves it over scenario `id` (whose owner the route's rule has checked).
pub async fn update(
    store: &Store,
    principal: &Principal,
    actor: &Actor,
    id: &str,
    draft: &ScenarioDraft,
) -> Result<(), StoreError> {
    check(principal, draft)?;
    let current = design::get(store, id).await?;
    check_programme(store, principal, draft, current.programme_id.as_deref()).await?;
    design::update(store, actor, id, draft).await
}

/// A scenario joins a programme's business case only by someone who may change the programme
/// (its SRO or manager, the lead partner's lead, an administrator); one already there may stay.
async fn check_programme(
    store: &Store,
    principal: &Principal,
    draft: &ScenarioDraft,
    current: Option<&str>,
) -> Result<(), StoreError> {
    let programme = draft.programme_id.trim();
    if programme.is_empty() || Some(programme) == current {
        return Ok(());
    }
    let allowed = match crate::authz::authorise(
        store,
        Some(principal),
        crate::authz::Rule::EditProgramme,
        crate::authz::Target::id(programme),
    )
    .await
    {
        Ok(decision) => decision.is_allowed(),
        Err(StoreError::NotFound { .. }) => {
            return Err(StoreError::invalid(
                "programme_id",
                "Select a programme from the list",
            ))
        }
        Err(err) => return Err(err),
    };
    if allowed {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "programme_id",
            "Only the programme's senior responsible owner, its manager or its lead partner's lead can add a scenario to its business case",
        ))
    }
}

fn check(principal: &Principal, draft: &ScenarioDraft) -> Result<(), StoreError> {
    let owner = draft.owner_organisation_id.trim();
    if !owner.is_empty() && !may_save_scenario_for(Some(principal), owner) {
        return Err(StoreError::invalid(
            "owner_organisation_id",
            "You may save scenarios only for organisations where you are an analyst, partner lead or programme manager",
        ));
    }
    let mut errors = match draft.validate() {
        Ok(()) => ValidationErrors::default(),
        Err(errors) => errors,
    };
    if errors.for_field("model").is_none() {
        if let Err(model_errors) = check_model("model", &draft.model) {
            errors.0.extend(model_errors.0);
        }
    }
    errors.into_result().map_err(StoreError::Invalid)
}

/// The most nodes times replications one run may keep results for.
pub const MAX_NODE_REPLICATIONS: u64 = 1_000_000;

/// The arrivals a run of `model` draws (replications times each replication's, candidates for
/// thinning included), roughly.
fn arrivals_asked(model: &Model) -> f64 {
    let horizon = model.run.warm_up + model.run.length;
    let each: f64 = model
        .sources
        .iter()
        .map(|s| s.arrivals.candidate_rate() * horizon)
        .sum::<f64>()
        + model
            .nodes
            .iter()
            .map(|n| n.initial.len() as f64)
            .sum::<f64>();
    each * f64::from(model.run.replications)
}

/// Queues a run of `scenario` (compared with its base, if it has one) for the person `person_id`.
/// Refused, saying why, when a model no longer reads or the run would be too big.
pub async fn request_run(
    store: &Store,
    actor: &Actor,
    person_id: &str,
    scenario: &Scenario,
) -> Result<String, StoreError> {
    let model = check_model("run", &scenario.model).map_err(StoreError::Invalid)?;
    let base = match &scenario.base_scenario_id {
        Some(id) => {
            let base = design::get(store, id).await?;
            let base_model = check_model("run", &base.model).map_err(|_| {
                StoreError::invalid(
                    "run",
                    format!("The base scenario, \"{}\", has a model that cannot be read: correct it first", base.title),
                )
            })?;
            Some((base, base_model))
        }
        None => None,
    };
    // A comparison runs every model with the base's replications.
    let replications = base
        .as_ref()
        .map_or(model.run.replications, |(_, m)| m.run.replications);
    let mut asked =
        arrivals_asked(&model) / f64::from(model.run.replications) * f64::from(replications);
    if let Some((_, base_model)) = &base {
        asked += arrivals_asked(base_model);
    }
    let node_replications = model.nodes.len() as u64 * u64::from(replications);
    if node_replications > MAX_NODE_REPLICATIONS {
        return Err(StoreError::invalid(
            "run",
            format!(
                "This run would keep {} results ({} services × {} replications); the most is {}. Use fewer replications",
                concord_domain::format::count(node_replications as i64),
                model.nodes.len(),
                replications,
                concord_domain::format::count(MAX_NODE_REPLICATIONS as i64)
            ),
        ));
    }
    if asked > MAX_ARRIVALS_PER_RUN {
        return Err(StoreError::invalid(
            "run",
            format!(
                "This run would simulate about {} arrivals; the most one run may is {}. Use fewer replications or a shorter run",
                concord_domain::format::count(asked as i64),
                concord_domain::format::count(MAX_ARRIVALS_PER_RUN as i64)
            ),
        ));
    }
    let total = i64::from(replications) * if base.is_some() { 2 } else { 1 };
    design::queue_run(
        store,
        actor,
        &RunRequest {
            scenario_id: &scenario.id,
            model: &scenario.model,
            base: base
                .as_ref()
                .map(|(b, _)| (b.id.as_str(), b.model.as_str())),
            total,
            person_id,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_runs_size_counts_the_candidates_thinning_draws() {
        let steady = "[run]\nlength = 1000\nreplications = 10\n\n[[source]]\nname = \"a\"\nto = \"n\"\narrivals = { dist = \"poisson\", rate = 1.0 }\n\n[[node]]\nname = \"n\"\nservers = 1000\nservice = { dist = \"fixed\", value = 0.0 }\n";
        let model = Model::from_toml(steady).unwrap();
        assert_eq!(arrivals_asked(&model), 10_000.0);
        // One busy hour a day: the same mean, but candidates are drawn at the peak rate.
        let mut hours = vec!["0.0"; 24];
        hours[9] = "24.0";
        let spiky = steady.replace(
            "rate = 1.0 }",
            &format!("rate = 1.0, by_hour = [{}] }}", hours.join(", ")),
        );
        let model = Model::from_toml(&spiky).unwrap();
        assert_eq!(model.sources[0].arrivals.mean_rate(), 1.0);
        assert_eq!(arrivals_asked(&model), 240_000.0);
    }
}
