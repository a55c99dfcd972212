//! Strategy rounds, their service areas, and each partner organisation's view (ranking and aims).

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::rows::{all, one_by_id, RowExt};
use concord_domain::strategy::{AreaDraft, PartnerViewDraft, RoundDraft, RoundStage};
use concord_domain::OrgType;
use serde::Serialize;
use sqlx::any::AnyRow;

/// A strategy round as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Round {
    /// Concord's id for it.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Where it has got to.
    pub stage: RoundStage,
    /// The board that owns it.
    pub board_id: String,
    /// That board's name.
    pub board_name: String,
    /// The organisation hosting that board (whose partner lead manages the round).
    pub host_organisation_id: String,
    /// First day (YYYY-MM-DD).
    pub opens_on: String,
    /// Last day (YYYY-MM-DD).
    pub closes_on: String,
    /// What it is for.
    pub summary: String,
}

const ROUND_SELECT: &str = "SELECT r.id, r.title, r.stage, r.board_id, b.name AS board_name, b.organisation_id AS host_organisation_id,
        r.opens_on, r.closes_on, r.summary
    FROM strategy_rounds r JOIN boards b ON b.id = r.board_id";

fn round_from_row(row: &AnyRow) -> Result<Round, StoreError> {
    let stage: String = row.text("stage")?;
    Ok(Round {
        id: row.text("id")?,
        title: row.text("title")?,
        stage: stage
            .parse()
            .map_err(|_| sqlx::Error::Decode(format!("unknown stage '{stage}'").into()))?,
        board_id: row.text("board_id")?,
        board_name: row.text("board_name")?,
        host_organisation_id: row.text("host_organisation_id")?,
        opens_on: row.text("opens_on")?,
        closes_on: row.text("closes_on")?,
        summary: row.text("summary")?,
    })
}

/// Every round, newest opening first.
pub async fn list(store: &Store) -> Result<Vec<Round>, StoreError> {
    let sql = format!("{ROUND_SELECT} ORDER BY r.opens_on DESC, r.title");
    all(store, &sql, round_from_row).await
}

/// The round with `id`.
pub async fn get(store: &Store, id: &str) -> Result<Round, StoreError> {
    let sql = format!("{ROUND_SELECT} WHERE r.id = $1");
    one_by_id(store, &sql, "strategy round", id, round_from_row).await
}

/// Opens a round owned by `board_id`; returns its id.
pub async fn create(
    store: &Store,
    actor: &Actor,
    board_id: &str,
    draft: &RoundDraft,
) -> Result<String, StoreError> {
    let entry = AuditEntry::success(actor, "round.create", "strategy_round", None, "");
    store
        .audited(entry, async |entry| {
            let valid = draft.validate()?;
            crate::boards::get(store, board_id).await?;
            let mut tx = store.begin_write().await?;
            let id = crate::new_id();
            let now = crate::now_utc();
            sqlx::query(
                "INSERT INTO strategy_rounds (id, title, stage, board_id, opens_on, closes_on, summary, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(&id)
            .bind(&valid.title)
            .bind(valid.stage.as_str())
            .bind(board_id)
            .bind(&valid.opens_on)
            .bind(&valid.closes_on)
            .bind(&valid.summary)
            .bind(&now)
            .execute(tx.conn())
            .await?;
            let detail = format!("opened '{}' ({})", valid.title, valid.stage.label());
            tx.commit(entry.about(&id).detailed(detail)).await?;
            Ok(id)
        })
        .await
}

/// Changes a round's details or stage.
pub async fn update(
    store: &Store,
    actor: &Actor,
    id: &str,
    draft: &RoundDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "round.update", "strategy_round", Some(id), "");
    store
        .audited(entry, async |entry| {
            let valid = draft.validate()?;
            let before = get(store, id).await?;
            let mut tx = store.begin_write().await?;
            sqlx::query("UPDATE strategy_rounds SET title = $2, stage = $3, opens_on = $4, closes_on = $5, summary = $6, updated_at = $7 WHERE id = $1")
                .bind(id)
                .bind(&valid.title)
                .bind(valid.stage.as_str())
                .bind(&valid.opens_on)
                .bind(&valid.closes_on)
                .bind(&valid.summary)
                .bind(crate::now_utc())
                .execute(tx.conn())
                .await?;
            let detail = if before.stage == valid.stage { format!("updated '{}'", valid.title) } else { format!("moved '{}' from {} to {}", valid.title, before.stage.label(), valid.stage.label()) };
            tx.commit(entry.detailed(detail)).await
        })
        .await
}

/// A service area weighed in a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ServiceArea {
    /// Concord's id for it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it covers.
    pub description: String,
}

/// A round's service areas, by name.
pub async fn areas(store: &Store, round_id: &str) -> Result<Vec<ServiceArea>, StoreError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, name, description FROM service_areas WHERE round_id = $1 ORDER BY name",
    )
    .bind(round_id)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, description)| ServiceArea {
            id,
            name,
            description,
        })
        .collect())
}

/// Adds a service area to a round; returns its id.
pub async fn add_area(
    store: &Store,
    actor: &Actor,
    round_id: &str,
    draft: &AreaDraft,
) -> Result<String, StoreError> {
    let entry = AuditEntry::success(
        actor,
        "round.area.create",
        "strategy_round",
        Some(round_id),
        "",
    );
    store
        .audited(entry, async |entry| {
            let (name, description) = draft.validate()?;
            get(store, round_id).await?;
            let mut tx = store.begin_write().await?;
            let clash: Option<String> =
                sqlx::query_scalar("SELECT id FROM service_areas WHERE round_id = $1 AND LOWER(name) = LOWER($2)").bind(round_id).bind(&name).fetch_optional(tx.conn()).await?;
            if clash.is_some() {
                return Err(StoreError::invalid("name", format!("This round already has an area called {name}")));
            }
            let id = crate::new_id();
            sqlx::query("INSERT INTO service_areas (id, round_id, name, description, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&id)
                .bind(round_id)
                .bind(&name)
                .bind(&description)
                .bind(crate::now_utc())
                .execute(tx.conn())
                .await?;
            tx.commit(entry.detailed(format!("added area {name}"))).await?;
            Ok(id)
        })
        .await
}

/// One partner organisation's view in a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PartnerView {
    /// The partner.
    pub organisation_id: String,
    /// Its name.
    pub organisation_name: String,
    /// Its type.
    pub org_type: OrgType,
    /// Its aims, in its own words.
    pub aims: String,
    /// (area id, rank) for the areas it ranked.
    pub ranks: Vec<(String, u32)>,
    /// When it last changed (UTC).
    pub updated_at: String,
}

/// Every partner's view in a round, by organisation name.
pub async fn views(store: &Store, round_id: &str) -> Result<Vec<PartnerView>, StoreError> {
    let heads: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT v.organisation_id, o.name, o.org_type, v.aims, v.updated_at FROM partner_views v JOIN organisations o ON o.id = v.organisation_id
         WHERE v.round_id = $1 ORDER BY o.name",
    )
    .bind(round_id)
    .fetch_all(store.pool())
    .await?;
    let ranks: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT organisation_id, area_id, rank_value FROM partner_ranks WHERE round_id = $1",
    )
    .bind(round_id)
    .fetch_all(store.pool())
    .await?;
    let mut views = Vec::with_capacity(heads.len());
    for (organisation_id, organisation_name, org_type, aims, updated_at) in heads {
        let mut mine: Vec<(String, u32)> = ranks
            .iter()
            .filter(|(o, _, _)| *o == organisation_id)
            .map(|(_, a, r)| (a.clone(), u32::try_from(*r).unwrap_or(u32::MAX)))
            .collect();
        mine.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        views.push(PartnerView {
            org_type: org_type.parse().map_err(|_| {
                sqlx::Error::Decode(format!("unknown organisation type '{org_type}'").into())
            })?,
            organisation_id,
            organisation_name,
            aims,
            ranks: mine,
            updated_at,
        });
    }
    Ok(views)
}

/// Records (replacing any earlier one) a partner organisation's ranking and aims for a round.
pub async fn set_view(
    store: &Store,
    actor: &Actor,
    round_id: &str,
    organisation_id: &str,
    draft: &PartnerViewDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "round.view.set",
        "strategy_round",
        Some(round_id),
        "",
    );
    store
        .audited(entry, async |entry| {
            let round = get(store, round_id).await?;
            let org = crate::organisations::get(store, organisation_id).await?;
            if !round.stage.open_for_views() {
                return Err(StoreError::invalid("stage", format!("This round is {}: partners' views can no longer change", round.stage.label().to_lowercase())));
            }
            let area_ids: Vec<String> = areas(store, round_id).await?.into_iter().map(|a| a.id).collect();
            draft.validate(&area_ids)?;
            let mut tx = store.begin_write().await?;
            sqlx::query("DELETE FROM partner_ranks WHERE round_id = $1 AND organisation_id = $2").bind(round_id).bind(organisation_id).execute(tx.conn()).await?;
            for r in &draft.ranks {
                sqlx::query("INSERT INTO partner_ranks (round_id, organisation_id, area_id, rank_value) VALUES ($1, $2, $3, $4)")
                    .bind(round_id)
                    .bind(organisation_id)
                    .bind(&r.area_id)
                    .bind(i64::from(r.rank))
                    .execute(tx.conn())
                    .await?;
            }
            let now = crate::now_utc();
            sqlx::query("DELETE FROM partner_views WHERE round_id = $1 AND organisation_id = $2").bind(round_id).bind(organisation_id).execute(tx.conn()).await?;
            sqlx::query("INSERT INTO partner_views (round_id, organisation_id, aims, updated_at) VALUES ($1, $2, $3, $4)")
                .bind(round_id)
                .bind(organisation_id)
                .bind(draft.aims.trim())
                .bind(&now)
                .execute(tx.conn())
                .await?;
            let detail = format!("{} ranked {} of {} areas", org.name, draft.ranks.len(), area_ids.len());
            tx.commit(entry.detailed(detail)).await
        })
        .await
}
