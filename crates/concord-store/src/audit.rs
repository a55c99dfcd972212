//! The append-only, hash-chained audit log: who did what, to what, when, and with what outcome.
//!
//! Each entry's hash is SHA-256 over the previous entry's hash and the entry's own fields, so changing,
//! removing or reordering any entry breaks every hash after it; [`verify`] walks the chain and names the
//! first entry that does not match. Triggers refuse UPDATE and DELETE on the table as a first line of
//! defence; the chain catches anyone who gets past them.

use crate::db::{Backend, Store, WriteTx};
use crate::error::StoreError;
use crate::page::{Page, PageRequest};
use crate::rows::RowExt;
use concord_domain::meeting::ConfidentialityScope;
use concord_domain::{Grant, Principal};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Who acted: a person with the role and organisation under which they acted, or Concord itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Actor {
    /// The person's id; none for the system itself or an unidentified visitor.
    pub person_id: Option<String>,
    /// The person's name as it was when they acted.
    pub name: String,
    /// The role code under which they acted.
    pub role: Option<String>,
    /// The organisation in which they held that role.
    pub organisation_id: Option<String>,
    /// That organisation's name.
    pub organisation_name: Option<String>,
}

impl Actor {
    /// Concord itself, or an operator at the command line, named by `what`.
    pub fn system(what: &str) -> Actor {
        Actor {
            person_id: None,
            name: what.to_string(),
            role: None,
            organisation_id: None,
            organisation_name: None,
        }
    }

    /// A person acting under `via` (or their primary role when no particular grant applied).
    pub fn person(principal: &Principal, via: Option<&Grant>) -> Actor {
        let grant = via.or_else(|| principal.primary_grant());
        Actor {
            person_id: Some(principal.person_id.clone()),
            name: principal.display_name.clone(),
            role: grant.map(|g| g.role.as_str().to_string()),
            organisation_id: grant.map(|g| g.organisation_id.clone()),
            organisation_name: grant.map(|g| g.organisation_name.clone()),
        }
    }
}

/// How an attempt ended.
pub mod outcome {
    /// The action was carried out.
    pub const SUCCESS: &str = "success";
    /// The authoriser refused it.
    pub const DENIED: &str = "denied";
    /// The input was invalid; nothing changed.
    pub const REJECTED: &str = "rejected";
}

/// One entry to append.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// Who.
    pub actor: Actor,
    /// What was done, for example `organisation.update`.
    pub action: String,
    /// The kind of object touched, for example `organisation`.
    pub object_type: String,
    /// The object's id.
    pub object_id: Option<String>,
    /// One of [`outcome`].
    pub outcome: String,
    /// A short description, for example which fields changed.
    pub detail: String,
}

impl AuditEntry {
    /// A successful action.
    pub fn success(
        actor: &Actor,
        action: &str,
        object_type: &str,
        object_id: Option<&str>,
        detail: impl Into<String>,
    ) -> Self {
        AuditEntry {
            actor: actor.clone(),
            action: action.into(),
            object_type: object_type.into(),
            object_id: object_id.map(Into::into),
            outcome: outcome::SUCCESS.into(),
            detail: detail.into(),
        }
    }

    /// The same entry about `object_id` (an object the write has just created).
    pub fn about(mut self, object_id: &str) -> Self {
        self.object_id = Some(object_id.into());
        self
    }

    /// The same entry saying in full what was done.
    pub fn detailed(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    /// The same entry with another outcome.
    pub fn with_outcome(mut self, outcome: &str) -> Self {
        self.outcome = outcome.into();
        self
    }
}

/// An entry as stored, with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditRecord {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When, in UTC.
    pub at: String,
    /// Who.
    pub actor: Actor,
    /// What was done.
    pub action: String,
    /// The kind of object touched.
    pub object_type: String,
    /// The object's id.
    pub object_id: Option<String>,
    /// How it ended.
    pub outcome: String,
    /// Details.
    pub detail: String,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl AuditRecord {
    /// The entry as it was appended.
    fn entry(&self) -> AuditEntry {
        AuditEntry {
            actor: self.actor.clone(),
            action: self.action.clone(),
            object_type: self.object_type.clone(),
            object_id: self.object_id.clone(),
            outcome: self.outcome.clone(),
            detail: self.detail.clone(),
        }
    }
}

/// The fields, in a fixed order, that an entry's hash covers.
fn entry_hash(prev_hash: &str, seq: i64, at: &str, entry: &AuditEntry) -> String {
    let actor = &entry.actor;
    let canonical = serde_json::json!([
        seq,
        at,
        actor.person_id,
        actor.name,
        actor.role,
        actor.organisation_id,
        actor.organisation_name,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.outcome,
        entry.detail
    ]);
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(canonical.to_string().as_bytes());
    hex::encode(hasher.finalize())
}

/// Appends `entry` within the write transaction `tx`, which already holds the chain's tip.
pub(crate) async fn append(tx: &mut WriteTx, entry: &AuditEntry) -> Result<(), StoreError> {
    let seq = tx.head_seq + 1;
    let at = crate::now_utc();
    let a = &entry.actor;
    let hash = entry_hash(&tx.head_hash, seq, &at, entry);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_person_id, actor_name, actor_role, actor_organisation_id, actor_organisation_name,
            action, object_type, object_id, outcome, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(seq)
    .bind(&at)
    .bind(&a.person_id)
    .bind(&a.name)
    .bind(&a.role)
    .bind(&a.organisation_id)
    .bind(&a.organisation_name)
    .bind(&entry.action)
    .bind(&entry.object_type)
    .bind(&entry.object_id)
    .bind(&entry.outcome)
    .bind(&entry.detail)
    .bind(tx.head_hash.clone())
    .bind(&hash)
    .execute(tx.conn())
    .await?;
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(&hash)
        .execute(tx.conn())
        .await?;
    tx.head_seq = seq;
    tx.head_hash = hash;
    Ok(())
}

/// How many entries the chain's tip records.
pub async fn length(store: &Store) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_one(store.pool())
            .await?,
    )
}

/// Installs triggers that refuse UPDATE and DELETE on the audit log (idempotent).
pub(crate) async fn install_append_only_guard(store: &Store) -> Result<(), StoreError> {
    let statements: &[&str] = match store.backend() {
        Backend::Sqlite => &[
            "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
            "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        ],
        Backend::Postgres => &[
            "CREATE OR REPLACE FUNCTION concord_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
             $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
            "CREATE OR REPLACE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
             FOR EACH ROW EXECUTE FUNCTION concord_audit_append_only()",
        ],
    };
    for statement in statements {
        sqlx::query(statement).execute(store.pool()).await?;
    }
    Ok(())
}

/// What `concord audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Entries checked.
    pub entries: i64,
    /// The first entry whose hash, link or position is wrong, if any.
    pub first_broken_seq: Option<i64>,
    /// What was wrong, in words.
    pub problem: Option<String>,
    /// Signed checkpoints in the audit anchor checked against the chain (0 when unanchored).
    pub anchored: i64,
}

impl ChainReport {
    /// True when the whole chain checks out.
    pub fn is_intact(&self) -> bool {
        self.first_broken_seq.is_none() && self.problem.is_none()
    }
}

const RECORD_COLUMNS: &str = "seq, at, actor_person_id, actor_name, actor_role, actor_organisation_id, actor_organisation_name,
    action, object_type, object_id, outcome, detail, prev_hash, hash";

fn record_from_row(row: &sqlx::any::AnyRow) -> Result<AuditRecord, StoreError> {
    Ok(AuditRecord {
        seq: row.int("seq")?,
        at: row.text("at")?,
        actor: Actor {
            person_id: row.opt_text("actor_person_id")?,
            name: row.text("actor_name")?,
            role: row.opt_text("actor_role")?,
            organisation_id: row.opt_text("actor_organisation_id")?,
            organisation_name: row.opt_text("actor_organisation_name")?,
        },
        action: row.text("action")?,
        object_type: row.text("object_type")?,
        object_id: row.opt_text("object_id")?,
        outcome: row.text("outcome")?,
        detail: row.text("detail")?,
        prev_hash: row.text("prev_hash")?,
        hash: row.text("hash")?,
    })
}

/// Walks the whole chain, in pages, recomputing every hash.
pub async fn verify(store: &Store) -> Result<ChainReport, StoreError> {
    const BATCH: i64 = 5000;
    // The anchor is read before the chain: every checkpoint in it names an entry already committed.
    let mut checkpoints = std::collections::BTreeMap::new();
    if store.anchor().is_some_and(|a| a.was_missing()) {
        return Ok(ChainReport {
            entries: 0,
            anchored: 0,
            first_broken_seq: Some(1),
            problem: Some("the audit anchor file is missing although its key is there: it was deleted, so nothing outside the database vouches for the log".into()),
        });
    }
    if let Some(anchor) = store.anchor() {
        let read = anchor.checkpoints()?;
        for c in read {
            if !c.signed {
                return Ok(ChainReport {
                    entries: 0,
                    anchored: 0,
                    first_broken_seq: Some(c.seq.max(1)),
                    problem: Some(format!(
                        "line {} of the audit anchor is not signed with this system's audit key: the anchor was altered",
                        c.line
                    )),
                });
            }
            checkpoints.insert(c.seq, c.hash);
        }
    }
    let anchored = checkpoints.len() as i64;
    // Every commit writes a checkpoint, so from the first one on, an entry without one was put in
    // the database by something other than Concord.
    let first_anchored = checkpoints.keys().next().copied();
    let mut unanchored: Vec<i64> = Vec::new();
    let mut expected_prev = "0".repeat(64);
    let mut expected_seq = 1;
    let mut checked = 0;
    let broken = |seq: i64, checked: i64, problem: String| ChainReport {
        entries: checked,
        first_broken_seq: Some(seq),
        problem: Some(problem),
        anchored,
    };
    loop {
        let rows = sqlx::query(&format!(
            "SELECT {RECORD_COLUMNS} FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2"
        ))
        .bind(expected_seq)
        .bind(BATCH)
        .fetch_all(store.pool())
        .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let r = record_from_row(row)?;
            if r.seq != expected_seq {
                return Ok(broken(
                    expected_seq,
                    checked,
                    format!(
                        "entry {expected_seq} is missing (next present is {})",
                        r.seq
                    ),
                ));
            }
            if r.prev_hash != expected_prev {
                return Ok(broken(
                    r.seq,
                    checked,
                    format!("entry {} does not link to the entry before it", r.seq),
                ));
            }
            if checkpoints
                .get(&r.seq)
                .is_some_and(|anchored| *anchored != r.hash)
            {
                return Ok(broken(
                    r.seq,
                    checked,
                    format!(
                        "entry {} differs from the audit anchor's signed checkpoint of it: the chain was rewritten",
                        r.seq
                    ),
                ));
            }
            if first_anchored.is_some_and(|first| r.seq > first)
                && !checkpoints.contains_key(&r.seq)
            {
                unanchored.push(r.seq);
            }
            let recomputed = entry_hash(&r.prev_hash, r.seq, &r.at, &r.entry());
            if recomputed != r.hash {
                return Ok(broken(
                    r.seq,
                    checked,
                    format!(
                        "entry {} has been altered: its contents do not match its hash",
                        r.seq
                    ),
                ));
            }
            expected_prev = r.hash;
            expected_seq += 1;
            checked += 1;
        }
    }
    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(store.pool())
            .await?;
    if head_seq != checked || head_hash != expected_prev {
        return Ok(ChainReport {
            entries: checked,
            first_broken_seq: Some(checked + 1),
            problem: Some(format!("the chain's tip records {head_seq} entries but {checked} remain: entries were removed from the end")),
            anchored,
        });
    }
    if !unanchored.is_empty() {
        // Writes committed while the chain was walked have their checkpoints by now: read again.
        if let Some(anchor) = store.anchor() {
            let now: std::collections::HashSet<i64> = anchor
                .checkpoints()?
                .into_iter()
                .filter(|c| c.signed)
                .map(|c| c.seq)
                .collect();
            unanchored.retain(|seq| !now.contains(seq));
        }
        if let Some(&seq) = unanchored.first() {
            return Ok(ChainReport {
                entries: checked,
                first_broken_seq: Some(seq),
                problem: Some(format!("entry {seq} (and {} more) has no signed checkpoint in the audit anchor: it was added to the database directly, not by Concord (or Concord stopped between a write and its checkpoint)", unanchored.len() - 1)),
                anchored,
            });
        }
    }
    if let Some((&last, _)) = checkpoints.last_key_value() {
        if last > checked {
            return Ok(ChainReport {
                entries: checked,
                first_broken_seq: Some(checked + 1),
                problem: Some(format!("the audit anchor holds a signed checkpoint of entry {last} but the log ends at entry {checked}: entries were removed from the end")),
                anchored,
            });
        }
    }
    Ok(ChainReport {
        entries: checked,
        first_broken_seq: None,
        problem: None,
        anchored,
    })
}

/// Filters for browsing the log; empty fields match everything.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Part of the actor's name, or their person id.
    pub actor: Option<String>,
    /// The action, for example `organisation.update`, or its prefix (`organisation.`).
    pub action: Option<String>,
    /// The object's id.
    pub object_id: Option<String>,
    /// The outcome: success, denied or rejected.
    pub outcome: Option<String>,
    /// From this date (YYYY-MM-DD, UTC), inclusive.
    pub from: Option<String>,
    /// Up to this date (YYYY-MM-DD, UTC), inclusive.
    pub to: Option<String>,
}

impl AuditFilter {
    fn where_clause(&self) -> (String, Vec<String>) {
        let mut clauses = Vec::new();
        let mut binds = Vec::new();
        if let Some(v) = non_blank(&self.actor) {
            binds.push(v.to_string());
            binds.push(like_pattern(v));
            let n = binds.len();
            clauses.push(format!(
                "(actor_person_id = ${} OR LOWER(actor_name) LIKE ${n} ESCAPE '\\')",
                n - 1
            ));
        }
        let mut push = |clause: &str, value: String| {
            binds.push(value);
            clauses.push(clause.replace('?', &format!("${}", binds.len())));
        };
        if let Some(v) = non_blank(&self.action) {
            push("action LIKE ? ESCAPE '\\'", format!("{}%", escape_like(v)));
        }
        if let Some(v) = non_blank(&self.object_id) {
            push("object_id = ?", v.to_string());
        }
        if let Some(v) = non_blank(&self.outcome) {
            push("outcome = ?", v.to_string());
        }
        if let Some(v) = non_blank(&self.from) {
            push("at >= ?", v.to_string());
        }
        if let Some(v) = non_blank(&self.to) {
            push("at < ?", format!("{v}T99"));
        }
        let sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        (sql, binds)
    }

    /// Checks the dates; returns the problem against its field.
    pub fn validate(&self) -> Result<(), concord_domain::ValidationErrors> {
        let mut errors = concord_domain::ValidationErrors::default();
        for (field, value) in [("from", &self.from), ("to", &self.to)] {
            if let Some(v) = non_blank(value) {
                if chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_err() {
                    errors.add(field, "Enter a date as YYYY-MM-DD, for example 2026-11-23");
                }
            }
        }
        errors.into_result()
    }
}

fn non_blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Escapes LIKE wildcards in user text so that it matches literally.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A case-insensitive "contains" pattern for user text.
pub fn like_pattern(s: &str) -> String {
    format!("%{}%", escape_like(&s.to_lowercase()))
}

/// What an entry about a confidential item says to someone who may not read the item.
pub const WITHHELD_DETAIL: &str =
    "Confidential item: details withheld (only the board concerned may read them)";

/// Replaces the detail of every entry about a confidential risk, agenda item or decision that
/// `viewer` may not read (the same rule as the lists: the board concerned, and for a programme's
/// items its leaders). Entries keep their hashes, so the chain still verifies from the database.
async fn withhold_confidential(
    store: &Store,
    viewer: &ConfidentialityScope,
    records: &mut [AuditRecord],
) -> Result<(), StoreError> {
    const CONFIDENTIAL: [(&str, &str); 3] = [
        ("risk", "SELECT r.id, pr.board_id, r.programme_id FROM risks r JOIN programmes pr ON pr.id = r.programme_id WHERE r.confidential = 1"),
        ("agenda item", "SELECT a.id, m.board_id, a.programme_id FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id WHERE a.confidential = 1"),
        ("decision", "SELECT d.id, m.board_id, d.programme_id FROM decisions d JOIN meetings m ON m.id = d.meeting_id WHERE d.confidential = 1"),
    ];
    for (object_type, sql) in CONFIDENTIAL {
        if !records.iter().any(|r| r.object_type == object_type) {
            continue;
        }
        let items: Vec<(String, Option<String>, Option<String>)> =
            sqlx::query_as(sql).fetch_all(store.pool()).await?;
        let unreadable: std::collections::HashSet<&str> = items
            .iter()
            .filter(|(_, board, programme)| {
                !viewer.may_read(true, board.as_deref(), programme.as_deref())
            })
            .map(|(id, ..)| id.as_str())
            .collect();
        for record in records.iter_mut().filter(|r| r.object_type == object_type) {
            if record
                .object_id
                .as_deref()
                .is_some_and(|id| unreadable.contains(id))
            {
                record.detail = WITHHELD_DETAIL.to_string();
                // The hashes would let a guessed title be confirmed offline; the chain is
                // verified from the database, not from what is shown.
                record.hash = String::new();
                record.prev_hash = String::new();
            }
        }
    }
    Ok(())
}

/// One page of entries matching `filter`, newest first, as `viewer` may read them.
pub async fn list(
    store: &Store,
    viewer: &ConfidentialityScope,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<Page<AuditRecord>, StoreError> {
    filter.validate()?;
    let (where_sql, binds) = filter.where_clause();
    let count_sql = format!("SELECT COUNT(*) FROM audit_log {where_sql}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    for b in &binds {
        count = count.bind(b);
    }
    let total = count.fetch_one(store.pool()).await?;
    let n = binds.len();
    let sql = format!(
        "SELECT {RECORD_COLUMNS} FROM audit_log {where_sql} ORDER BY seq DESC LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b);
    }
    let rows = query
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(store.pool())
        .await?;
    let mut items: Vec<AuditRecord> = rows.iter().map(record_from_row).collect::<Result<_, _>>()?;
    withhold_confidential(store, viewer, &mut items).await?;
    Ok(Page {
        items,
        page: page.page,
        per_page: page.per_page,
        total,
    })
}

/// Every entry matching `filter`, oldest first, as `viewer` may read them, as CSV safe to open in
/// a spreadsheet.
pub async fn export_csv(
    store: &Store,
    viewer: &ConfidentialityScope,
    filter: &AuditFilter,
) -> Result<String, StoreError> {
    filter.validate()?;
    let (where_sql, binds) = filter.where_clause();
    let sql = format!("SELECT {RECORD_COLUMNS} FROM audit_log {where_sql} ORDER BY seq");
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b);
    }
    let rows = query.fetch_all(store.pool()).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "seq",
        "at_utc",
        "person_id",
        "person",
        "role",
        "organisation_id",
        "organisation",
        "action",
        "object_type",
        "object_id",
        "outcome",
        "detail",
        "hash",
    ];
    let io = |e: csv::Error| StoreError::Hashing(e.to_string());
    writer.write_record(header).map_err(io)?;
    let mut records: Vec<AuditRecord> =
        rows.iter().map(record_from_row).collect::<Result<_, _>>()?;
    withhold_confidential(store, viewer, &mut records).await?;
    for r in records {
        let cells = [
            r.seq.to_string(),
            r.at,
            r.actor.person_id.unwrap_or_default(),
            r.actor.name,
            r.actor.role.unwrap_or_default(),
            r.actor.organisation_id.unwrap_or_default(),
            r.actor.organisation_name.unwrap_or_default(),
            r.action,
            r.object_type,
            r.object_id.unwrap_or_default(),
            r.outcome,
            r.detail,
            r.hash,
        ];
        writer
            .write_record(cells.iter().map(|c| concord_domain::export::csv_cell(c)))
            .map_err(io)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| StoreError::Hashing(e.to_string()))?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_covers_every_field() {
        let entry = AuditEntry::success(&Actor::system("test"), "a", "o", Some("x"), "d");
        let base = entry_hash("0", 1, "t", &entry);
        assert_eq!(base.len(), 64);
        assert_ne!(base, entry_hash("1", 1, "t", &entry), "previous hash");
        assert_ne!(base, entry_hash("0", 2, "t", &entry), "position");
        assert_ne!(base, entry_hash("0", 1, "u", &entry), "time");
        assert_ne!(
            base,
            entry_hash(
                "0",
                1,
                "t",
                &AuditEntry {
                    object_id: None,
                    ..entry.clone()
                }
            ),
            "object"
        );
        assert_ne!(
            base,
            entry_hash(
                "0",
                1,
                "t",
                &AuditEntry {
                    actor: Actor::system("other"),
                    ..entry.clone()
                }
            ),
            "actor"
        );
        assert_ne!(
            base,
            entry_hash("0", 1, "t", &entry.clone().with_outcome("denied")),
            "outcome"
        );
    }

    #[test]
    fn like_patterns_match_wildcards_literally() {
        assert_eq!(like_pattern("50%_A"), "%50\\%\\_a%");
    }
}
