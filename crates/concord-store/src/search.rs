//! One search over what every signed-in person may read: organisations, people, places, boards,
//! programmes, objectives, metrics, saved cohorts, and the documents of board meetings (agenda
//! papers and decisions). Nothing confidential (meeting items and decisions marked confidential,
//! RAID entries held for a board) and nothing identifiable about patients is searched.

use crate::audit::like_pattern;
use crate::{Store, StoreError};

/// How many matches of each kind a search returns.
pub const PER_KIND: i64 = 10;

/// One match.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Hit {
    /// What it is: "Organisation", "Person", ...
    pub kind: &'static str,
    /// Its name.
    pub title: String,
    /// A line saying which one it is (a code, an organisation, a job title).
    pub detail: String,
    /// Its page.
    pub href: String,
}

/// The queries, one per kind: (kind, page prefix, SQL selecting id, title and detail).
const KINDS: &[(&str, &str, &str)] = &[
    ("Organisation", "/organisations/", "SELECT id, name, code FROM organisations WHERE LOWER(name) LIKE $1 ESCAPE '\\' OR LOWER(code) LIKE $1 ESCAPE '\\' ORDER BY name, id"),
    ("Person", "/people/", "SELECT id, given_name || ' ' || family_name, job_title FROM people WHERE LOWER(given_name || ' ' || family_name) LIKE $1 ESCAPE '\\' OR LOWER(job_title) LIKE $1 ESCAPE '\\' ORDER BY family_name, given_name, id"),
    ("Place", "/places/", "SELECT id, name, kind FROM places WHERE LOWER(name) LIKE $1 ESCAPE '\\' ORDER BY name, id"),
    ("Board", "/boards/", "SELECT b.id, b.name, o.name FROM boards b JOIN organisations o ON o.id = b.organisation_id WHERE LOWER(b.name) LIKE $1 ESCAPE '\\' ORDER BY b.name, b.id"),
    ("Programme", "/programmes/", "SELECT id, name, summary FROM programmes WHERE LOWER(name) LIKE $1 ESCAPE '\\' OR LOWER(summary) LIKE $1 ESCAPE '\\' ORDER BY name, id"),
    ("Objective", "/rounds/", "SELECT o.round_id, o.outcome, r.title FROM objectives o JOIN strategy_rounds r ON r.id = o.round_id WHERE LOWER(o.outcome) LIKE $1 ESCAPE '\\' ORDER BY o.outcome, o.id"),
    ("Metric", "/metrics/", "SELECT id, name, code FROM metrics WHERE LOWER(name) LIKE $1 ESCAPE '\\' OR LOWER(code) LIKE $1 ESCAPE '\\' ORDER BY name, id"),
    ("Cohort", "/population/cohorts/", "SELECT id, name, '' FROM cohorts WHERE LOWER(name) LIKE $1 ESCAPE '\\' ORDER BY name, id"),
    ("Meeting paper", "/meetings/", "SELECT i.meeting_id, i.title, m.title || ' – ' || b.name FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id JOIN boards b ON b.id = m.board_id WHERE i.confidential = 0 AND (LOWER(i.title) LIKE $1 ESCAPE '\\' OR LOWER(i.paper) LIKE $1 ESCAPE '\\') ORDER BY m.held_on DESC, i.position, i.id"),
    ("Decision", "/meetings/", "SELECT d.meeting_id, d.title, m.title || ' – ' || b.name FROM decisions d JOIN meetings m ON m.id = d.meeting_id JOIN boards b ON b.id = m.board_id WHERE d.confidential = 0 AND (LOWER(d.title) LIKE $1 ESCAPE '\\' OR LOWER(d.decision) LIKE $1 ESCAPE '\\') ORDER BY m.held_on DESC, d.id"),
];

/// Everything whose name (or code, summary, job title) contains `query`, ignoring case: up to
/// [`PER_KIND`] of each kind, kinds in a fixed order. A query of fewer than two characters finds
/// nothing.
pub async fn everything(store: &Store, query: &str) -> Result<Vec<Hit>, StoreError> {
    let query = query.trim().to_lowercase();
    if query.chars().count() < 2 {
        return Ok(Vec::new());
    }
    let pattern = like_pattern(&query);
    let mut hits = Vec::new();
    for (kind, prefix, sql) in KINDS {
        let rows: Vec<(String, String, String)> =
            sqlx::query_as(&format!("{sql} LIMIT {PER_KIND}"))
                .bind(&pattern)
                .fetch_all(store.pool())
                .await?;
        for (id, title, detail) in rows {
            let detail: String = detail.chars().take(140).collect();
            hits.push(Hit {
                kind,
                title,
                detail,
                href: if *kind == "Objective" {
                    format!("{prefix}{id}#objectives")
                } else {
                    format!("{prefix}{id}")
                },
            });
        }
    }
    Ok(hits)
}
