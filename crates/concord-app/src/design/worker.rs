//! The simulation worker: claims the oldest waiting run, simulates it on a blocking thread while
//! recording its progress (so a page reloaded mid-run shows how far it has got), and keeps the
//! results with the run. A worker that stops mid-run lets its claim lapse, and the run is taken
//! up again from the start by the next (a run's numbers do not depend on where it restarted).

use concord_sim::{compare_reporting, run_reporting, Comparison, Model, RunOptions, RunResult};
use concord_store::design::{self, Run};
use concord_store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A run's results as kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DesignResult {
    /// A scenario on its own.
    Run {
        /// The engine's results.
        result: RunResult,
        /// Seconds the simulation took.
        seconds: f64,
    },
    /// A scenario against its base: paired differences and the partner ledger.
    Comparison {
        /// The engine's comparison.
        comparison: Comparison,
        /// Seconds the simulation took.
        seconds: f64,
    },
}

impl DesignResult {
    /// The results as kept with a run, if it finished; an error if they cannot be read (kept by
    /// an older version of Concord, say).
    pub fn of(run: &Run) -> Result<Option<DesignResult>, String> {
        run.result
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| format!("The results kept with this run could not be read ({e}); run the scenario again"))
    }
}

/// How long a claim lasts without progress before another worker may take the run over.
const LEASE: chrono::Duration = chrono::Duration::minutes(5);

/// How often progress is recorded.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

fn read(text: &str, what: &str) -> Result<Model, String> {
    let model = Model::from_toml(text).map_err(|e| format!("{what}: {e}"))?;
    if let Some(node) = model.nodes.iter().find(|n| n.waiting_list_file.is_some()) {
        return Err(format!(
            "{what}: node \"{}\" names a waiting-list file, which runs in Concord cannot read yet: run it with `concord sim run`, or remove waiting_list",
            node.name
        ));
    }
    Ok(model)
}

/// Simulates `run`, telling `done` how many replications have finished; the results as JSON and
/// their headline in words.
fn simulate(run: &Run, done: &AtomicU32) -> Result<(String, String), String> {
    let started = std::time::Instant::now();
    let model = read(&run.model, "the scenario's model")?;
    let report = |n: u32| done.store(n, Ordering::Relaxed);
    let result = match &run.base_model {
        None => {
            let result =
                run_reporting(&model, RunOptions::default(), &report).map_err(|e| e.to_string())?;
            DesignResult::Run {
                result,
                seconds: started.elapsed().as_secs_f64(),
            }
        }
        Some(base) => {
            let base = read(base, "the base scenario's model")?;
            let comparison = compare_reporting(
                &base,
                &[("scenario".into(), model)],
                RunOptions::default(),
                &report,
            )
            .map_err(|e| e.to_string())?;
            DesignResult::Comparison {
                comparison,
                seconds: started.elapsed().as_secs_f64(),
            }
        }
    };
    let mut result = result;
    keep_busiest_series(&mut result);
    let json = serde_json::to_string(&result).map_err(|e| e.to_string())?;
    if json.len() > MAX_RESULT_BYTES {
        return Err(format!(
            "the results would take {} MB to keep; the most is {} MB. Use a longer report_every, fewer services or fewer replications",
            json.len() / (1024 * 1024),
            MAX_RESULT_BYTES / (1024 * 1024)
        ));
    }
    Ok((json, super::headline::of(&result)))
}

/// The most a run's kept results may take.
pub const MAX_RESULT_BYTES: usize = 32 * 1024 * 1024;

/// Keeps results over time only for the services the pages chart ([`super::shown::busiest`]),
/// so a model of many services keeps its results small.
fn keep_busiest_series(result: &mut DesignResult) {
    let trim = |nodes: &mut [concord_sim::run::NodeSummary]| {
        let kept = super::shown::busiest(nodes);
        for (i, node) in nodes.iter_mut().enumerate() {
            if !kept.contains(&i) {
                node.over_time = None;
            }
        }
    };
    match result {
        DesignResult::Run { result, .. } => trim(&mut result.nodes),
        DesignResult::Comparison { comparison, .. } => {
            trim(&mut comparison.base.nodes);
            for s in &mut comparison.scenarios {
                trim(&mut s.results.nodes);
            }
        }
    }
}

/// Runs the oldest waiting run, if there is one; true when one was run.
pub async fn work_once(store: &Store) -> Result<bool, StoreError> {
    let Some(run) = design::claim_next(store, chrono::Utc::now(), LEASE).await? else {
        return Ok(false);
    };
    let done = Arc::new(AtomicU32::new(0));
    let (job, counter) = (run.clone(), done.clone());
    let mut handle = tokio::task::spawn_blocking(move || simulate(&job, &counter));
    let outcome = loop {
        tokio::select! {
            finished = &mut handle => break finished,
            () = tokio::time::sleep(PROGRESS_EVERY) => {
                let n = i64::from(done.load(Ordering::Relaxed));
                design::progress(store, &run.id, n, chrono::Utc::now() + LEASE).await?;
            }
        }
    };
    let outcome = outcome.unwrap_or_else(|e| Err(format!("the simulation stopped: {e}")));
    design::finish(store, &run.id, outcome).await?;
    Ok(true)
}

/// Runs waiting runs as they come, looking every `every` when there are none. Never returns.
pub async fn run(store: Store, every: Duration) {
    loop {
        match work_once(&store).await {
            Ok(true) => {}
            Ok(false) => tokio::time::sleep(every).await,
            Err(err) => {
                tracing::error!(error = %err, "the simulation worker could not run a scenario");
                tokio::time::sleep(every).await;
            }
        }
    }
}
