//! Priority decisions on a round's service areas, and the round's specific objectives.

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::strategy;
use concord_domain::strategy::{ObjectiveDraft, PriorityDraft, PriorityStance};
use serde::Serialize;

/// A service area with the partnership's decision about it, if made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AreaPriority {
    /// The area's id.
    pub area_id: String,
    /// The area's name.
    pub area_name: String,
    /// The decision, if one has been made.
    pub stance: Option<PriorityStance>,
    /// Why.
    pub rationale: String,
    /// The decision that made it.
    pub decision: String,
}

/// Every area of a round with its priority decision, by name.
pub async fn priorities(store: &Store, round_id: &str) -> Result<Vec<AreaPriority>, StoreError> {
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.id, a.name, p.stance, p.rationale, p.decision FROM service_areas a LEFT JOIN area_priorities p ON p.area_id = a.id
         WHERE a.round_id = $1 ORDER BY a.name",
    )
    .bind(round_id)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(area_id, area_name, stance, rationale, decision)| AreaPriority {
                area_id,
                area_name,
                stance: stance.and_then(|s| s.parse().ok()),
                rationale: rationale.unwrap_or_default(),
                decision: decision.unwrap_or_default(),
            },
        )
        .collect())
}

/// Records (or replaces) the priority decision on one of a round's areas.
pub async fn set_priority(
    store: &Store,
    actor: &Actor,
    round_id: &str,
    area_id: &str,
    draft: &PriorityDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "round.priority.set",
        "service_area",
        Some(area_id),
        "",
    );
    store
        .audited(entry, async |entry| {
            let stance = draft.validate()?;
            let areas = strategy::areas(store, round_id).await?;
            let Some(area) = areas.iter().find(|a| a.id == area_id) else {
                return Err(StoreError::not_found("service area", area_id));
            };
            let mut tx = store.begin_write().await?;
            sqlx::query("DELETE FROM area_priorities WHERE area_id = $1").bind(area_id).execute(tx.conn()).await?;
            sqlx::query("INSERT INTO area_priorities (area_id, stance, rationale, decision, decided_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(area_id)
                .bind(stance.as_str())
                .bind(draft.rationale.trim())
                .bind(draft.decision.trim())
                .bind(crate::now_utc())
                .execute(tx.conn())
                .await?;
            let detail = format!("{}: {} ({})", area.name, stance.label(), draft.decision.trim());
            tx.commit(entry.detailed(detail)).await
        })
        .await
}

/// A specific objective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Objective {
    /// Concord's id for it.
    pub id: String,
    /// The outcome sought.
    pub outcome: String,
    /// How it is measured.
    pub metric: String,
    /// The metric's unit.
    pub unit: String,
    /// The value now.
    pub baseline: String,
    /// The value to reach.
    pub target: String,
    /// When (YYYY-MM-DD).
    pub target_date: String,
    /// The owner organisation.
    pub owner_organisation_id: String,
    /// Its name.
    pub owner_organisation_name: String,
    /// The names of the service areas it touches.
    pub areas: Vec<String>,
}

/// A round's objectives, by target date.
pub async fn objectives(store: &Store, round_id: &str) -> Result<Vec<Objective>, StoreError> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT ob.id, ob.outcome, ob.metric, ob.unit, ob.baseline, ob.target, ob.target_date, ob.owner_organisation_id, o.name
         FROM objectives ob JOIN organisations o ON o.id = ob.owner_organisation_id WHERE ob.round_id = $1 ORDER BY ob.target_date, ob.outcome",
    )
    .bind(round_id)
    .fetch_all(store.pool())
    .await?;
    let links: Vec<(String, String)> = sqlx::query_as(
        "SELECT oa.objective_id, a.name FROM objective_areas oa JOIN service_areas a ON a.id = oa.area_id WHERE a.round_id = $1 ORDER BY a.name",
    )
    .bind(round_id)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                outcome,
                metric,
                unit,
                baseline,
                target,
                target_date,
                owner_organisation_id,
                owner_organisation_name,
            )| Objective {
                areas: links
                    .iter()
                    .filter(|(o, _)| *o == id)
                    .map(|(_, name)| name.clone())
                    .collect(),
                id,
                outcome,
                metric,
                unit,
                baseline,
                target,
                target_date,
                owner_organisation_id,
                owner_organisation_name,
            },
        )
        .collect())
}

/// Adds an objective to a round; returns its id.
pub async fn add_objective(
    store: &Store,
    actor: &Actor,
    round_id: &str,
    draft: &ObjectiveDraft,
) -> Result<String, StoreError> {
    let entry = AuditEntry::success(
        actor,
        "round.objective.create",
        "strategy_round",
        Some(round_id),
        "",
    );
    store
        .audited(entry, async |entry| {
            let valid = draft.validate()?;
            let areas = strategy::areas(store, round_id).await?;
            if let Some(unknown) = valid.area_ids.iter().find(|id| !areas.iter().any(|a| &a.id == *id)) {
                return Err(StoreError::invalid("area_ids", format!("'{unknown}' is not a service area of this round")));
            }
            let mut tx = store.begin_write().await?;
            if crate::organisations::exists(tx.conn(), &valid.owner_organisation_id).await?.is_none() {
                return Err(StoreError::invalid("owner_organisation_id", "Select an owner organisation that exists"));
            }
            let id = crate::new_id();
            let now = crate::now_utc();
            sqlx::query(
                "INSERT INTO objectives (id, round_id, outcome, metric, unit, baseline, target, target_date, owner_organisation_id, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
            )
            .bind(&id)
            .bind(round_id)
            .bind(&valid.outcome)
            .bind(&valid.metric)
            .bind(&valid.unit)
            .bind(&valid.baseline)
            .bind(&valid.target)
            .bind(&valid.target_date)
            .bind(&valid.owner_organisation_id)
            .bind(&now)
            .execute(tx.conn())
            .await?;
            for area_id in &valid.area_ids {
                sqlx::query("INSERT INTO objective_areas (objective_id, area_id) VALUES ($1, $2)").bind(&id).bind(area_id).execute(tx.conn()).await?;
            }
            let detail = format!("objective '{}': {} from {} to {} by {}", valid.outcome, valid.metric, valid.baseline, valid.target, valid.target_date);
            tx.commit(entry.detailed(detail)).await?;
            Ok(id)
        })
        .await
}
