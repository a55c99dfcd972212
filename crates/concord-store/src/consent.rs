//! Consent decisions: proposals, their versions, and partners' responses, with the full history kept.

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::rows::{all_by, one_by_id, RowExt};
use crate::strategy;
use concord_domain::consent::{
    standing, ProposalDraft, ProposalStatus, ResponseDraft, ResponseKind, Standing,
};
use serde::Serialize;
use sqlx::any::AnyRow;

/// A proposal as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Proposal {
    /// Concord's id for it.
    pub id: String,
    /// The strategy round it belongs to.
    pub round_id: String,
    /// That round's title.
    pub round_title: String,
    /// The board that decides it (the round's owner).
    pub board_id: String,
    /// That board's name.
    pub board_name: String,
    /// What is proposed.
    pub title: String,
    /// The proposal in full (current version).
    pub text: String,
    /// Last day for responses.
    pub closes_on: String,
    /// Organisations that must respond.
    pub quorum: i64,
    /// The current version, from 1; each amendment adds one and reopens responses.
    pub version: i64,
    /// Open, adopted or not adopted.
    pub status: ProposalStatus,
    /// The outcome statement, once decided.
    pub outcome: String,
    /// When it was decided (UTC).
    pub decided_at: Option<String>,
}

const SELECT: &str = "SELECT p.id, p.round_id, r.title AS round_title, r.board_id, b.name AS board_name, p.title, p.body, p.closes_on, p.quorum,
        p.version, p.status, p.outcome, p.decided_at
    FROM proposals p JOIN strategy_rounds r ON r.id = p.round_id JOIN boards b ON b.id = r.board_id";

fn from_row(row: &AnyRow) -> Result<Proposal, StoreError> {
    let status: String = row.text("status")?;
    Ok(Proposal {
        id: row.text("id")?,
        round_id: row.text("round_id")?,
        round_title: row.text("round_title")?,
        board_id: row.text("board_id")?,
        board_name: row.text("board_name")?,
        title: row.text("title")?,
        text: row.text("body")?,
        closes_on: row.text("closes_on")?,
        quorum: row.int("quorum")?,
        version: row.int("version")?,
        status: status
            .parse()
            .map_err(|_| sqlx::Error::Decode(format!("unknown status '{status}'").into()))?,
        outcome: row.text("outcome")?,
        decided_at: row.opt_text("decided_at")?,
    })
}

/// The proposal with `id`.
pub async fn get(store: &Store, id: &str) -> Result<Proposal, StoreError> {
    let sql = format!("{SELECT} WHERE p.id = $1");
    one_by_id(store, &sql, "proposal", id, from_row).await
}

/// A round's proposals, newest first.
pub async fn for_round(store: &Store, round_id: &str) -> Result<Vec<Proposal>, StoreError> {
    let sql = format!("{SELECT} WHERE p.round_id = $1 ORDER BY p.created_at DESC");
    all_by(store, &sql, round_id, from_row).await
}

/// Puts a proposal to the round's board; returns its id.
pub async fn create(
    store: &Store,
    actor: &Actor,
    round_id: &str,
    draft: &ProposalDraft,
) -> Result<String, StoreError> {
    let entry = AuditEntry::success(actor, "proposal.create", "proposal", None, "");
    store
        .audited(entry, async |entry| {
            let valid = draft.validate()?;
            strategy::get(store, round_id).await?;
            let mut tx = store.begin_write().await?;
            let id = crate::new_id();
            let now = crate::now_utc();
            sqlx::query(
                "INSERT INTO proposals (id, round_id, title, body, closes_on, quorum, version, status, outcome, created_at) VALUES ($1, $2, $3, $4, $5, $6, 1, 'open', '', $7)",
            )
            .bind(&id)
            .bind(round_id)
            .bind(&valid.title)
            .bind(&valid.text)
            .bind(&valid.closes_on)
            .bind(valid.quorum)
            .bind(&now)
            .execute(tx.conn())
            .await?;
            sqlx::query("INSERT INTO proposal_versions (proposal_id, version, title, body, closes_on, created_at) VALUES ($1, 1, $2, $3, $4, $5)")
                .bind(&id)
                .bind(&valid.title)
                .bind(&valid.text)
                .bind(&valid.closes_on)
                .bind(&now)
                .execute(tx.conn())
                .await?;
            let detail = format!("proposed '{}', closing {}, quorum {}", valid.title, valid.closes_on, valid.quorum);
            tx.commit(entry.about(&id).detailed(detail)).await?;
            Ok(id)
        })
        .await
}

/// Amends an open proposal: a new version, and every response reopens.
pub async fn amend(
    store: &Store,
    actor: &Actor,
    id: &str,
    draft: &ProposalDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "proposal.amend", "proposal", Some(id), "");
    store
        .audited(entry, async |entry| {
            let valid = draft.validate()?;
            let proposal = get(store, id).await?;
            if proposal.status != ProposalStatus::Open {
                return Err(StoreError::invalid("status", "This proposal has been decided and can no longer be amended"));
            }
            let version = proposal.version + 1;
            let mut tx = store.begin_write().await?;
            let now = crate::now_utc();
            sqlx::query("UPDATE proposals SET title = $2, body = $3, closes_on = $4, quorum = $5, version = $6 WHERE id = $1")
                .bind(id)
                .bind(&valid.title)
                .bind(&valid.text)
                .bind(&valid.closes_on)
                .bind(valid.quorum)
                .bind(version)
                .execute(tx.conn())
                .await?;
            sqlx::query("INSERT INTO proposal_versions (proposal_id, version, title, body, closes_on, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id)
                .bind(version)
                .bind(&valid.title)
                .bind(&valid.text)
                .bind(&valid.closes_on)
                .bind(&now)
                .execute(tx.conn())
                .await?;
            let reopened = sqlx::query("UPDATE proposal_responses SET superseded = 1 WHERE proposal_id = $1 AND superseded = 0").bind(id).execute(tx.conn()).await?;
            let detail = format!("amended to version {version}; {} responses reopened", reopened.rows_affected());
            tx.commit(entry.detailed(detail)).await
        })
        .await
}

/// A response, current or past.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProposalResponse {
    /// The organisation it speaks for.
    pub organisation_id: String,
    /// That organisation's name.
    pub organisation_name: String,
    /// Who gave it.
    pub person_name: String,
    /// Consent, concern, object or abstain.
    pub kind: ResponseKind,
    /// The concern, reason or comment.
    pub text: String,
    /// The proposal version it answered.
    pub version: i64,
    /// When (UTC).
    pub responded_at: String,
    /// Whether it still counts (for the current version and not replaced).
    pub current: bool,
}

/// Every response ever given to a proposal, newest first.
pub async fn responses(store: &Store, id: &str) -> Result<Vec<ProposalResponse>, StoreError> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        i64,
        String,
        i64,
    );
    let current_version = get(store, id).await?.version;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.organisation_id, o.name, pe.given_name, pe.family_name, r.kind, r.body, r.version, r.responded_at, r.superseded
         FROM proposal_responses r JOIN organisations o ON o.id = r.organisation_id JOIN people pe ON pe.id = r.person_id
         WHERE r.proposal_id = $1 ORDER BY r.responded_at DESC, r.id",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    rows.into_iter()
        .map(
            |(
                organisation_id,
                organisation_name,
                given,
                family,
                kind,
                text,
                version,
                responded_at,
                superseded,
            )| {
                Ok(ProposalResponse {
                    organisation_id,
                    organisation_name,
                    person_name: format!("{given} {family}"),
                    kind: kind.parse().map_err(|_| {
                        sqlx::Error::Decode(format!("unknown response '{kind}'").into())
                    })?,
                    text,
                    current: superseded == 0 && version == current_version,
                    version,
                    responded_at,
                })
            },
        )
        .collect()
}

/// How the responses stand against the consent rules: only current responses count.
pub fn standing_of(proposal: &Proposal, responses: &[ProposalResponse]) -> Standing {
    let current: Vec<(String, ResponseKind)> = responses
        .iter()
        .filter(|r| r.current)
        .map(|r| (r.organisation_name.clone(), r.kind))
        .collect();
    standing(
        &current,
        usize::try_from(proposal.quorum).unwrap_or(usize::MAX),
    )
}

/// How the current responses to proposal `id` stand against the consent rules.
pub async fn current_standing(store: &Store, id: &str) -> Result<Standing, StoreError> {
    let proposal = get(store, id).await?;
    Ok(standing_of(&proposal, &responses(store, id).await?))
}

/// Whether a person sits on the board that decides a proposal.
pub async fn sits_on_deciding_board(
    store: &Store,
    proposal_id: &str,
    person_id: &str,
) -> Result<bool, StoreError> {
    let proposal = get(store, proposal_id).await?;
    let seat: Option<String> = sqlx::query_scalar(
        "SELECT board_role FROM board_members WHERE board_id = $1 AND person_id = $2",
    )
    .bind(&proposal.board_id)
    .bind(person_id)
    .fetch_optional(store.pool())
    .await?;
    Ok(seat.is_some())
}

/// Records an organisation's response, replacing its earlier one for this version (so an objection
/// is withdrawn by responding again). Only members of the deciding board, for an organisation they
/// belong to, while the proposal is open and before it closes.
pub async fn respond(
    store: &Store,
    actor: &Actor,
    id: &str,
    organisation_id: &str,
    person_id: &str,
    draft: &ResponseDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "proposal.respond", "proposal", Some(id), "");
    store
        .audited(entry, async |entry| {
            let kind = draft.validate()?;
            let proposal = get(store, id).await?;
            if proposal.status != ProposalStatus::Open {
                return Err(StoreError::invalid("kind", "This proposal has been decided: responses are closed"));
            }
            let today = &crate::now_utc()[..10];
            if today > proposal.closes_on.as_str() {
                return Err(StoreError::invalid("kind", format!("Responses closed on {}", proposal.closes_on)));
            }
            if !sits_on_deciding_board(store, id, person_id).await? {
                return Err(StoreError::invalid("organisation_id", format!("Only members of {} may respond", proposal.board_name)));
            }
            let member: Option<String> = sqlx::query_scalar("SELECT id FROM memberships WHERE person_id = $1 AND organisation_id = $2")
                .bind(person_id)
                .bind(organisation_id)
                .fetch_optional(store.pool())
                .await?;
            if member.is_none() {
                return Err(StoreError::invalid("organisation_id", "You can respond only for an organisation you belong to"));
            }
            let mut tx = store.begin_write().await?;
            sqlx::query("UPDATE proposal_responses SET superseded = 1 WHERE proposal_id = $1 AND organisation_id = $2 AND superseded = 0")
                .bind(id)
                .bind(organisation_id)
                .execute(tx.conn())
                .await?;
            sqlx::query(
                "INSERT INTO proposal_responses (id, proposal_id, version, organisation_id, person_id, kind, body, responded_at, superseded)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0)",
            )
            .bind(crate::new_id())
            .bind(id)
            .bind(proposal.version)
            .bind(organisation_id)
            .bind(person_id)
            .bind(kind.as_str())
            .bind(draft.text.trim())
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            let detail = format!("organisation {organisation_id}: {} to version {}", kind.label(), proposal.version);
            tx.commit(entry.detailed(detail)).await
        })
        .await
}

/// Records the decision: adopted (only with a quorum and no objection) or not adopted, with a statement.
pub async fn decide(
    store: &Store,
    actor: &Actor,
    id: &str,
    adopt: bool,
    statement: &str,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "proposal.decide", "proposal", Some(id), "");
    store
        .audited(entry, async |entry| {
            let mut errors = concord_domain::ValidationErrors::default();
            errors.require_text("outcome", "the outcome statement", statement, 4000);
            errors.into_result()?;
            let proposal = get(store, id).await?;
            if proposal.status != ProposalStatus::Open {
                return Err(StoreError::invalid("outcome", "This proposal has already been decided"));
            }
            if adopt {
                match current_standing(store, id).await? {
                    Standing::Blocked { objectors } => {
                        return Err(StoreError::invalid("decision", format!("Cannot adopt: {} object. The objection must be withdrawn or the proposal amended", objectors.join(", "))));
                    }
                    Standing::AwaitingQuorum { responded, quorum } => {
                        return Err(StoreError::invalid("decision", format!("Cannot adopt: {responded} of the {quorum} organisations needed have responded")));
                    }
                    Standing::CanBeAdopted { .. } => {}
                }
            }
            let status = if adopt { ProposalStatus::Adopted } else { ProposalStatus::NotAdopted };
            let mut tx = store.begin_write().await?;
            sqlx::query("UPDATE proposals SET status = $2, outcome = $3, decided_at = $4 WHERE id = $1")
                .bind(id)
                .bind(status.as_str())
                .bind(statement.trim())
                .bind(crate::now_utc())
                .execute(tx.conn())
                .await?;
            tx.commit(entry.detailed(format!("{}: {}", status.label(), statement.trim()))).await
        })
        .await
}
