//! The one cohort pipeline: a checked definition counted against the picture on its index date,
//! then published through the system's disclosure rule. Pages, the API and `concord cohort run`
//! all count here, so they give the same answer with the same defaults.
//!
//! The index date is the definition's own `index_date` if it names one, else the date the data
//! runs to (the latest date the batches record: the date their loader stated, else their latest
//! event), else the day the newest batch was committed, else today. Counting on the day the data
//! was loaded instead would put months without data into every 12-month window.

use super::{unavailable, Population, PopulationConfig, PopulationError, Snapshot};
use concord_domain::{Principal, Role};
use concord_population::cohort::definition::{parse, Cohort};
use concord_population::cohort::eval::{CohortReport, Evaluator};
use concord_population::cohort::measures::{Measures, Reference};
use concord_population::efi::EfiCodelist;
use concord_population::picture::Picture;
use concord_store::Store;
use std::sync::Arc;

/// The index date a cohort is counted on when its definition names none: the date the data runs
/// to, else the day the newest batch was committed, else today (days since 1970-01-01).
pub fn default_index_date(picture: &Picture) -> i32 {
    picture
        .data_to()
        .or_else(|| {
            picture
                .as_of()
                .and_then(|t| t.get(..10))
                .and_then(concord_population::table::epoch_days)
        })
        .unwrap_or_else(today)
}

fn today() -> i32 {
    let today = chrono::Utc::now().date_naive().to_string();
    concord_population::table::epoch_days(&today).expect("today is a date")
}

/// The date `cohort` is counted on in `picture`.
pub fn index_date(picture: &Picture, cohort: &Cohort) -> i32 {
    cohort
        .index_date
        .unwrap_or_else(|| default_index_date(picture))
}

/// Counts `cohort` in `snapshot` on its index date and publishes the counts through `population`'s
/// disclosure rule. Runs on the calling thread (callers on the async runtime use [`count`]).
fn publish(
    snapshot: &Snapshot,
    efi: &EfiCodelist,
    reference: &Reference,
    cohort: &Cohort,
    rule: &concord_population::disclosure::DisclosureRule,
) -> Result<CohortReport, PopulationError> {
    with_measures(snapshot, efi, cohort, |measures| {
        let counts = Evaluator::new(&snapshot.picture, reference, measures).run(cohort);
        // A table too fine to publish is refused: most of its counts would be hidden anyway, and
        // checking every hidden one against every combination of the rest costs too much.
        for b in &counts.breakdowns {
            let cells = b.rows.len() * b.columns.len();
            if cells > MAX_PUBLISHED_CELLS {
                return Err(PopulationError::TooDetailed(format!(
                    "A breakdown by {} would have {cells} cells ({} by {}); at most {MAX_PUBLISHED_CELLS} can be published, since each further split makes more counts too small to show. Break down by fewer or coarser categories.",
                    b.by.join(" and "),
                    b.rows.len(),
                    b.columns.len()
                )));
            }
        }
        Ok(counts.protect(rule))
    })
}

/// The most cells one published breakdown may have.
pub const MAX_PUBLISHED_CELLS: usize = 2_000;

/// Runs `f` with everyone's measures on `cohort`'s index date: the snapshot's own if that is the
/// date they were computed for, else computed for it. Counts and worklists both go through here.
pub(crate) fn with_measures<R>(
    snapshot: &Snapshot,
    efi: &EfiCodelist,
    cohort: &Cohort,
    f: impl FnOnce(&Measures) -> R,
) -> R {
    let index = index_date(&snapshot.picture, cohort);
    if index == snapshot.measures.index {
        f(&snapshot.measures)
    } else {
        f(&Measures::compute(&snapshot.picture, efi, index))
    }
}

/// Counts a checked cohort over the current picture and publishes it; none before any data have
/// been ingested.
pub async fn count(
    population: &Population,
    store: &Store,
    cohort: Cohort,
) -> Result<Option<CohortReport>, PopulationError> {
    let Some(snapshot) = population.snapshot().await? else {
        return Ok(None);
    };
    let reference = Arc::new(population.reference(store).await?);
    count_in(population, snapshot, reference, cohort)
        .await
        .map(Some)
}

/// Counts one cohort over a snapshot and reference data already read (the overview counts two
/// over one reading), off the async runtime.
async fn count_in(
    population: &Population,
    snapshot: Arc<Snapshot>,
    reference: Arc<Reference>,
    cohort: Cohort,
) -> Result<CohortReport, PopulationError> {
    if let Some(why) = reference.missing_for(&cohort) {
        return Err(PopulationError::MissingReference(why));
    }
    let efi = population.efi();
    let rule = population.rule();
    tokio::task::spawn_blocking(move || publish(&snapshot, &efi, &reference, &cohort, &rule))
        .await
        .map_err(|e| unavailable(e.to_string()))?
}

/// Counts one cohort for a one-off command: reads only the events the cohort needs (the same
/// answer as [`count`], in less memory and time for a single question).
pub async fn count_once(
    config: PopulationConfig,
    store: &Store,
    cohort: Cohort,
) -> Result<Option<CohortReport>, PopulationError> {
    let population = Population::new(config);
    let Some((analytical, batches)) = population.open_store()? else {
        return Ok(None);
    };
    let reference = population.reference(store).await?;
    if let Some(why) = reference.missing_for(&cohort) {
        return Err(PopulationError::MissingReference(why));
    }
    let efi = population.efi();
    let rule = population.rule();
    tokio::task::spawn_blocking(move || {
        let picture = Picture::load_scoped(&analytical, &cohort.event_scope())
            .map_err(|e| unavailable(e.to_string()))?;
        // Measures once, on the cohort's own index date.
        let index = index_date(&picture, &cohort);
        let snapshot = Snapshot::on(picture, &efi, batches, index);
        publish(&snapshot, &efi, &reference, &cohort, &rule).map(Some)
    })
    .await
    .map_err(|e| unavailable(e.to_string()))?
}

/// The organisation a person saves cohorts for: where they are an analyst, else a partner lead,
/// else (an administrator) their first organisation. The store checks again that they may.
pub fn owner_for(principal: &Principal) -> Option<String> {
    principal
        .grant_with(Role::Analyst)
        .or_else(|| principal.grant_with(Role::PartnerLead))
        .or_else(|| principal.primary_grant())
        .map(|g| g.organisation_id.clone())
}

/// The overview's cohorts: everyone registered, and the over-65s (for frailty).
const REGISTERED: &str = r#"name = "Registered population"
breakdowns = [["age_band", "sex"], ["segment"], ["imd_decile"]]
"#;
const OLDER: &str = r#"name = "Registered population aged 65 and over"
where = "age >= 65"
breakdowns = [["place", "frailty"], ["pcn", "frailty"]]
"#;

/// Who the system serves, published.
pub struct Overview {
    /// Everyone registered, by age band and sex, segment and IMD decile.
    pub registered: CohortReport,
    /// The over-65s by frailty, by place and by PCN.
    pub older: CohortReport,
}

/// The population overview; none before any data have been ingested.
pub async fn overview(
    population: &Population,
    store: &Store,
) -> Result<Option<Overview>, PopulationError> {
    let Some(snapshot) = population.snapshot().await? else {
        return Ok(None);
    };
    let reference = Arc::new(population.reference(store).await?);
    let mut reports = Vec::new();
    for text in [REGISTERED, OLDER] {
        let cohort = parse(text, &|_| Err("no codelists".into()))
            .map_err(|e| unavailable(format!("the overview's definition: {e}")))?;
        reports.push(count_in(population, snapshot.clone(), reference.clone(), cohort).await?);
    }
    let older = reports.pop().expect("two reports");
    let registered = reports.pop().expect("two reports");
    Ok(Some(Overview { registered, older }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_no_as_of_time_the_index_date_is_today_not_1970() {
        let picture = Picture::default();
        assert_eq!(picture.as_of(), None);
        let today =
            concord_population::table::epoch_days(&chrono::Utc::now().date_naive().to_string())
                .unwrap();
        // The web once fell back to day 0 (1 January 1970), ageing everyone by decades.
        assert_eq!(default_index_date(&picture), today);
        assert!(default_index_date(&picture) > 20_000);
    }

    fn batch(committed_at: &str, data_to: Option<&str>) -> concord_population::store::Manifest {
        concord_population::store::Manifest {
            batch: "b".into(),
            source: "Y00001".into(),
            files: Vec::new(),
            counts: Default::default(),
            rejected: 0,
            started_at: committed_at.into(),
            committed_at: committed_at.into(),
            data_to: data_to.map(str::to_string),
            lsoa_reference: None,
            practice_reference: None,
            written_by: "test".into(),
        }
    }

    #[test]
    fn the_default_index_date_is_the_date_the_data_runs_to_not_the_day_it_was_loaded() {
        let day = |d: &str| concord_population::table::epoch_days(d).unwrap();
        let mut picture = Picture {
            batches: vec![
                batch("2026-11-14T08:00:00Z", Some("2026-10-31")),
                batch("2026-12-02T08:00:00Z", Some("2026-11-30")),
            ],
            ..Picture::default()
        };
        assert_eq!(default_index_date(&picture), day("2026-11-30"));
        // A batch written before the date was recorded: its latest event on or before the day it
        // was committed stands in (an event dated later, such as a booking, does not).
        picture.batches = vec![batch("2026-12-02T08:00:00Z", None)];
        picture.date = vec![day("2026-10-31"), day("2026-09-01"), day("2027-01-15")];
        assert_eq!(default_index_date(&picture), day("2026-10-31"));
        picture.date.clear();
        assert_eq!(
            default_index_date(&picture),
            day("2026-12-02"),
            "no dated event: the commit day"
        );
    }
}
