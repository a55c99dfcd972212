//! Design: what-if scenarios and their runs.
//!
//! A scenario's model is checked by the engine before it is stored (the application layer does
//! that); here it is kept with its owner, its base and its programme. A run keeps the model as it
//! ran (and its base's), so editing a scenario never changes a result. Runs are queued
//! ([`queue_run`]), claimed by one worker at a time by conditional update ([`claim_next`]), report
//! their progress ([`progress`]) and end finished with their results or failed with the reason.

use crate::audit::{Actor, AuditEntry};
use crate::rows::{all, all_by, blank, one_by_id, require_exists, RowExt, Table};
use crate::{Store, StoreError};
use concord_domain::design::{RunStatus, ScenarioDraft, MAX_RUNS_IN_QUEUE_PER_PERSON};

/// A scenario.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Scenario {
    /// Its id.
    pub id: String,
    /// What it is.
    pub title: String,
    /// What it changes and why.
    pub description: String,
    /// The organisation that owns it.
    pub owner_organisation_id: String,
    /// That organisation's name.
    pub owner_name: String,
    /// The model (TOML).
    pub model: String,
    /// The scenario it is compared with.
    pub base_scenario_id: Option<String>,
    /// That scenario's title.
    pub base_title: Option<String>,
    /// The programme whose business case it supports.
    pub programme_id: Option<String>,
    /// That programme's name.
    pub programme_name: Option<String>,
    /// Who made it.
    pub created_by: String,
    /// When (RFC 3339, UTC).
    pub created_at: String,
    /// When it last changed (RFC 3339, UTC).
    pub updated_at: String,
}

const SCENARIO: &str = "SELECT s.id, s.title, s.description, s.owner_organisation_id, \
     o.name AS owner_name, s.model, s.base_scenario_id, b.title AS base_title, s.programme_id, \
     p.name AS programme_name, s.created_by, s.created_at, s.updated_at \
     FROM design_scenarios s JOIN organisations o ON o.id = s.owner_organisation_id \
     LEFT JOIN design_scenarios b ON b.id = s.base_scenario_id \
     LEFT JOIN programmes p ON p.id = s.programme_id";

fn scenario(row: &sqlx::any::AnyRow) -> Result<Scenario, StoreError> {
    Ok(Scenario {
        id: row.text("id")?,
        title: row.text("title")?,
        description: row.text("description")?,
        owner_organisation_id: row.text("owner_organisation_id")?,
        owner_name: row.text("owner_name")?,
        model: row.text("model")?,
        base_scenario_id: row.opt_text("base_scenario_id")?,
        base_title: row.opt_text("base_title")?,
        programme_id: row.opt_text("programme_id")?,
        programme_name: row.opt_text("programme_name")?,
        created_by: row.text("created_by")?,
        created_at: row.text("created_at")?,
        updated_at: row.text("updated_at")?,
    })
}

/// One scenario.
pub async fn get(store: &Store, id: &str) -> Result<Scenario, StoreError> {
    one_by_id(
        store,
        &format!("{SCENARIO} WHERE s.id = $1"),
        "scenario",
        id,
        scenario,
    )
    .await
}

/// Every scenario, most recently changed first.
pub async fn list(store: &Store) -> Result<Vec<Scenario>, StoreError> {
    all(
        store,
        &format!("{SCENARIO} ORDER BY s.updated_at DESC, s.id"),
        scenario,
    )
    .await
}

/// The scenarios supporting programme `programme_id`'s business case.
pub async fn of_programme(store: &Store, programme_id: &str) -> Result<Vec<Scenario>, StoreError> {
    all_by(
        store,
        &format!("{SCENARIO} WHERE s.programme_id = $1 ORDER BY s.title, s.id"),
        programme_id,
        scenario,
    )
    .await
}

/// Checks what a draft refers to, inside the write.
async fn check_references(
    conn: &mut sqlx::AnyConnection,
    draft: &ScenarioDraft,
    id: Option<&str>,
) -> Result<(), StoreError> {
    require_exists(
        conn,
        Table::Organisations,
        draft.owner_organisation_id.trim(),
        "owner_organisation_id",
        "Select an organisation from the list",
    )
    .await?;
    if let Some(programme) = blank(&draft.programme_id) {
        require_exists(
            conn,
            Table::Programmes,
            programme,
            "programme_id",
            "Select a programme from the list",
        )
        .await?;
    }
    if let Some(base) = blank(&draft.base_scenario_id) {
        if Some(base) == id {
            return Err(StoreError::invalid(
                "base_scenario_id",
                "A scenario cannot be its own base",
            ));
        }
        let found: Option<String> =
            sqlx::query_scalar("SELECT id FROM design_scenarios WHERE id = $1")
                .bind(base)
                .fetch_optional(conn)
                .await?;
        if found.is_none() {
            return Err(StoreError::invalid(
                "base_scenario_id",
                "Select a base scenario from the list",
            ));
        }
    }
    Ok(())
}

/// Saves a new scenario from a checked draft; gives its id.
pub async fn create(
    store: &Store,
    actor: &Actor,
    draft: &ScenarioDraft,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let now = crate::now_utc();
    let entry = AuditEntry::success(
        actor,
        "design.scenario.create",
        "scenario",
        Some(&id),
        format!(
            "\"{}\" for {}",
            draft.title.trim(),
            draft.owner_organisation_id
        ),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            check_references(tx.conn(), draft, None).await?;
            sqlx::query(
                "INSERT INTO design_scenarios (id, title, description, owner_organisation_id, model, \
                 base_scenario_id, programme_id, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            )
            .bind(&id)
            .bind(draft.title.trim())
            .bind(draft.description.trim())
            .bind(draft.owner_organisation_id.trim())
            .bind(&draft.model)
            .bind(blank(&draft.base_scenario_id))
            .bind(blank(&draft.programme_id))
            .bind(&actor.name)
            .bind(&now)
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// Changes scenario `id` to a checked draft. Its owner does not change here (the caller checks
/// the person may save for the draft's owner as well as the scenario's).
pub async fn update(
    store: &Store,
    actor: &Actor,
    id: &str,
    draft: &ScenarioDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "design.scenario.update",
        "scenario",
        Some(id),
        format!("\"{}\"", draft.title.trim()),
    );
    store
        .audited(entry, async |entry| {
            get(store, id).await?;
            let mut tx = store.begin_write().await?;
            check_references(tx.conn(), draft, Some(id)).await?;
            sqlx::query(
                "UPDATE design_scenarios SET title = $2, description = $3, owner_organisation_id = $4, \
                 model = $5, base_scenario_id = $6, programme_id = $7, updated_at = $8 WHERE id = $1",
            )
            .bind(id)
            .bind(draft.title.trim())
            .bind(draft.description.trim())
            .bind(draft.owner_organisation_id.trim())
            .bind(&draft.model)
            .bind(blank(&draft.base_scenario_id))
            .bind(blank(&draft.programme_id))
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await
}

/// A run of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Run {
    /// Its id.
    pub id: String,
    /// The scenario.
    pub scenario_id: String,
    /// The model as it ran.
    pub model: String,
    /// The base's model, when the run compares.
    pub base_model: Option<String>,
    /// The base scenario, when the run compares.
    pub base_scenario_id: Option<String>,
    /// Where it is.
    pub status: RunStatus,
    /// Replications done.
    pub done: i64,
    /// Replications in all.
    pub total: i64,
    /// Who asked for it.
    pub requested_by: String,
    /// When (RFC 3339, UTC).
    pub requested_at: String,
    /// When it started.
    pub started_at: Option<String>,
    /// When it finished or failed.
    pub finished_at: Option<String>,
    /// The results (JSON), once finished.
    pub result: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
}

const RUN: &str =
    "SELECT id, scenario_id, model, base_model, base_scenario_id, status, done, total, \
     requested_by, requested_at, started_at, finished_at, result, error FROM design_runs";

fn run(row: &sqlx::any::AnyRow) -> Result<Run, StoreError> {
    Ok(Run {
        id: row.text("id")?,
        scenario_id: row.text("scenario_id")?,
        model: row.text("model")?,
        base_model: row.opt_text("base_model")?,
        base_scenario_id: row.opt_text("base_scenario_id")?,
        status: row.code("status")?,
        done: row.int("done")?,
        total: row.int("total")?,
        requested_by: row.text("requested_by")?,
        requested_at: row.text("requested_at")?,
        started_at: row.opt_text("started_at")?,
        finished_at: row.opt_text("finished_at")?,
        result: row.opt_text("result")?,
        error: row.opt_text("error")?,
    })
}

/// One run.
pub async fn get_run(store: &Store, id: &str) -> Result<Run, StoreError> {
    one_by_id(store, &format!("{RUN} WHERE id = $1"), "run", id, run).await
}

/// A scenario's runs, newest first, as listed: without their models or results (which may be
/// megabytes each); [`latest_finished`] and [`get_run`] read those.
pub async fn runs_of(store: &Store, scenario_id: &str) -> Result<Vec<Run>, StoreError> {
    all_by(
        store,
        "SELECT id, scenario_id, '' AS model, CAST(NULL AS TEXT) AS base_model, base_scenario_id, \
         status, done, total, requested_by, requested_at, started_at, finished_at, \
         CAST(NULL AS TEXT) AS result, error FROM design_runs \
         WHERE scenario_id = $1 ORDER BY requested_at DESC, id DESC",
        scenario_id,
        run,
    )
    .await
}

/// A scenario's most recent finished run, with its results.
pub async fn latest_finished(store: &Store, scenario_id: &str) -> Result<Option<Run>, StoreError> {
    Ok(all_by(
        store,
        &format!(
            "{RUN} WHERE scenario_id = $1 AND status = 'finished' \
             ORDER BY finished_at DESC, id DESC LIMIT 1"
        ),
        scenario_id,
        run,
    )
    .await?
    .pop())
}

/// What a run is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRequest<'a> {
    /// The scenario.
    pub scenario_id: &'a str,
    /// Its model now.
    pub model: &'a str,
    /// The base scenario and its model, to compare with.
    pub base: Option<(&'a str, &'a str)>,
    /// Replications in all (the base's included).
    pub total: i64,
    /// The person asking.
    pub person_id: &'a str,
}

/// Queues a run; refused while the person already has [`MAX_RUNS_IN_QUEUE_PER_PERSON`] waiting or
/// running. Gives the run's id.
pub async fn queue_run(
    store: &Store,
    actor: &Actor,
    request: &RunRequest<'_>,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "design.run.queue",
        "scenario",
        Some(request.scenario_id),
        format!(
            "run {id}: {} replications{}",
            request.total,
            request
                .base
                .map(|(b, _)| format!(", compared with scenario {b}"))
                .unwrap_or_default()
        ),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let waiting: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM design_runs WHERE requested_by_person_id = $1 \
                 AND status IN ('queued', 'running')",
            )
            .bind(request.person_id)
            .fetch_one(tx.conn())
            .await?;
            if waiting >= MAX_RUNS_IN_QUEUE_PER_PERSON {
                return Err(StoreError::invalid(
                    "run",
                    format!("You already have {waiting} runs waiting or running: wait for one to finish, then run this again"),
                ));
            }
            sqlx::query(
                "INSERT INTO design_runs (id, scenario_id, model, base_model, base_scenario_id, status, \
                 done, total, requested_by, requested_by_person_id, requested_at) \
                 VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $7, $8, $9)",
            )
            .bind(&id)
            .bind(request.scenario_id)
            .bind(request.model)
            .bind(request.base.map(|(_, m)| m))
            .bind(request.base.map(|(b, _)| b))
            .bind(request.total)
            .bind(&actor.name)
            .bind(request.person_id)
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await?;
    Ok(id)
}

/// Claims the oldest run waiting (or one whose worker stopped answering: its claim has lapsed),
/// for `lease` from `now`; None when there is none. Two workers never claim the same run.
pub async fn claim_next(
    store: &Store,
    now: chrono::DateTime<chrono::Utc>,
    lease: chrono::Duration,
) -> Result<Option<Run>, StoreError> {
    let at = crate::format_timestamp(now);
    let until = crate::format_timestamp(now + lease);
    let due: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM design_runs WHERE status = 'queued' \
         OR (status = 'running' AND claimed_until < $1) ORDER BY requested_at, id LIMIT 5",
    )
    .bind(&at)
    .fetch_all(store.pool())
    .await?;
    for id in due {
        let taken = sqlx::query(
            "UPDATE design_runs SET status = 'running', claimed_until = $2, done = 0, \
             started_at = COALESCE(started_at, $3) \
             WHERE id = $1 AND (status = 'queued' OR (status = 'running' AND claimed_until < $3))",
        )
        .bind(&id)
        .bind(&until)
        .bind(&at)
        .execute(store.pool())
        .await?
        .rows_affected();
        if taken == 1 {
            return get_run(store, &id).await.map(Some);
        }
    }
    Ok(None)
}

/// Records a running run's progress and extends its claim to `until`.
pub async fn progress(
    store: &Store,
    id: &str,
    done: i64,
    until: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE design_runs SET done = $2, claimed_until = $3 WHERE id = $1 AND status = 'running'",
    )
    .bind(id)
    .bind(done)
    .bind(crate::format_timestamp(until))
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Ends a run: finished with its results (JSON) and their headline figures (a line each), or
/// failed with the reason. Audited as the system's.
pub async fn finish(
    store: &Store,
    id: &str,
    outcome: Result<(String, String), String>,
) -> Result<(), StoreError> {
    let current = get_run(store, id).await?;
    let (status, result, headline, error) = match outcome {
        Ok((result, headline)) => (RunStatus::Finished, Some(result), Some(headline), None),
        Err(error) => (RunStatus::Failed, None, None, Some(error)),
    };
    let entry = AuditEntry::success(
        &Actor::system("simulation worker"),
        "design.run.finish",
        "scenario",
        Some(&current.scenario_id),
        format!(
            "run {id}: {}{}",
            status.label(),
            error
                .as_deref()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        ),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            sqlx::query(
                "UPDATE design_runs SET status = $2, done = CASE WHEN $2 = 'finished' THEN total ELSE done END, \
                 finished_at = $3, result = $4, headline = $5, error = $6, claimed_until = NULL WHERE id = $1",
            )
            .bind(id)
            .bind(status.as_str())
            .bind(crate::now_utc())
            .bind(result)
            .bind(headline)
            .bind(error)
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await
}

/// Shows scenario `scenario_id` with agenda item `agenda_item_id` of meeting `meeting_id` (and so
/// in its board pack).
pub async fn link_agenda_item(
    store: &Store,
    actor: &Actor,
    meeting_id: &str,
    agenda_item_id: &str,
    scenario_id: &str,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "design.scenario.link_agenda_item",
        "scenario",
        Some(scenario_id),
        format!("agenda item {agenda_item_id}"),
    );
    store
        .audited(entry, async |entry| {
            if get(store, scenario_id).await.is_err() {
                return Err(StoreError::invalid(
                    "scenario_id",
                    "Select a scenario from the list",
                ));
            }
            let mut tx = store.begin_write().await?;
            let found: Option<String> =
                sqlx::query_scalar("SELECT id FROM agenda_items WHERE id = $1 AND meeting_id = $2")
                    .bind(agenda_item_id)
                    .bind(meeting_id)
                    .fetch_optional(tx.conn())
                    .await?;
            if found.is_none() {
                return Err(StoreError::invalid(
                    "agenda_item_id",
                    "Select an item on this meeting's agenda",
                ));
            }
            sqlx::query(
                "INSERT INTO design_agenda_links (agenda_item_id, scenario_id, linked_at) \
                 VALUES ($1, $2, $3) ON CONFLICT (agenda_item_id, scenario_id) DO NOTHING",
            )
            .bind(agenda_item_id)
            .bind(scenario_id)
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await
        })
        .await
}

/// A scenario as a board pack shows it, under an agenda item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PackScenario {
    /// The agenda item.
    pub agenda_item_id: String,
    /// The scenario.
    pub scenario_id: String,
    /// Its title.
    pub title: String,
    /// Who owns it.
    pub owner_name: String,
    /// Its base's title, if it is compared with one.
    pub base_title: Option<String>,
    /// When its latest finished run ended.
    pub run_finished_at: Option<String>,
    /// That run's headline figures, one a line.
    pub headline: Vec<String>,
}

/// The scenarios shown with the items of meeting `meeting_id`, each with its latest finished
/// run's headline figures.
pub async fn for_meeting(store: &Store, meeting_id: &str) -> Result<Vec<PackScenario>, StoreError> {
    let rows = sqlx::query(
        "SELECT l.agenda_item_id, s.id AS scenario_id, s.title, o.name AS owner_name,          b.title AS base_title,          (SELECT r.finished_at FROM design_runs r WHERE r.scenario_id = s.id AND r.status = 'finished'           ORDER BY r.finished_at DESC, r.id DESC LIMIT 1) AS run_finished_at,          (SELECT r.headline FROM design_runs r WHERE r.scenario_id = s.id AND r.status = 'finished'           ORDER BY r.finished_at DESC, r.id DESC LIMIT 1) AS headline          FROM design_agenda_links l JOIN agenda_items i ON i.id = l.agenda_item_id          JOIN design_scenarios s ON s.id = l.scenario_id          JOIN organisations o ON o.id = s.owner_organisation_id          LEFT JOIN design_scenarios b ON b.id = s.base_scenario_id          WHERE i.meeting_id = $1 ORDER BY i.position, s.title, s.id",
    )
    .bind(meeting_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(PackScenario {
                agenda_item_id: row.text("agenda_item_id")?,
                scenario_id: row.text("scenario_id")?,
                title: row.text("title")?,
                owner_name: row.text("owner_name")?,
                base_title: row.opt_text("base_title")?,
                run_finished_at: row.opt_text("run_finished_at")?,
                headline: row
                    .opt_text("headline")?
                    .map(|h| h.lines().map(str::to_string).collect())
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// A run that has ended, as told to whoever asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndedRun {
    /// The run.
    pub id: String,
    /// Its scenario's title.
    pub scenario_title: String,
    /// Finished or failed.
    pub status: RunStatus,
    /// When it ended (RFC 3339, UTC).
    pub finished_at: String,
    /// Its headline figures, one a line (none when it failed).
    pub headline: Vec<String>,
    /// Why it failed.
    pub error: Option<String>,
}

/// The runs `person_id` asked for that ended at or after `since` (RFC 3339), oldest first.
pub async fn ended_for_person(
    store: &Store,
    person_id: &str,
    since: &str,
) -> Result<Vec<EndedRun>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.id, s.title, r.status, r.finished_at, r.headline, r.error \
         FROM design_runs r JOIN design_scenarios s ON s.id = r.scenario_id \
         WHERE r.requested_by_person_id = $1 AND r.status IN ('finished', 'failed') \
         AND r.finished_at >= $2 ORDER BY r.finished_at, r.id",
    )
    .bind(person_id)
    .bind(since)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(EndedRun {
                id: row.text("id")?,
                scenario_title: row.text("title")?,
                status: row.code("status")?,
                finished_at: row.text("finished_at")?,
                headline: row
                    .opt_text("headline")?
                    .map(|h| h.lines().map(str::to_string).collect())
                    .unwrap_or_default(),
                error: row.opt_text("error")?,
            })
        })
        .collect()
}
