//! What the population engine needs from the operational database: each GP practice's network and
//! place; saved cohort definitions; the registered lists practices supply for direct care (the only
//! identifiable population data Concord holds); and break-glass views awaiting review.

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use concord_domain::{OrgType, ValidationErrors};
use concord_population::cohort::definition;
use concord_population::nhs_number::NhsNumber;
use std::collections::HashSet;
use std::io::Read;

/// A GP practice, its network and its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeNetwork {
    /// The practice's ODS code.
    pub code: String,
    /// Its primary care network's name.
    pub pcn: String,
    /// The place it serves (the first by name, if it serves several).
    pub place: String,
}

/// Every GP practice with a parent network, with its place ("(no place)" if it serves none).
pub async fn practice_networks(store: &Store) -> Result<Vec<PracticeNetwork>, StoreError> {
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT o.code, pcn.name, MIN(p.name) FROM organisations o \
         JOIN organisations pcn ON pcn.id = o.parent_id \
         LEFT JOIN organisation_places op ON op.organisation_id = o.id \
         LEFT JOIN places p ON p.id = op.place_id AND p.parent_id IS NULL \
         WHERE o.org_type = 'gp_practice' GROUP BY o.code, pcn.name ORDER BY o.code",
    )
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(code, pcn, place)| PracticeNetwork {
            code,
            pcn,
            place: place.unwrap_or_else(|| "(no place)".into()),
        })
        .collect())
}

/// A saved cohort definition.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct SavedCohort {
    /// Its id.
    pub id: String,
    /// Its name (from the definition).
    pub name: String,
    /// The definition, in the cohort language (TOML).
    pub definition: String,
    /// The organisation that owns it.
    pub owner_organisation_id: String,
    /// That organisation's name.
    pub owner_name: String,
    /// Who saved it first.
    pub created_by: String,
    /// When it was last changed.
    pub updated_at: String,
}

/// Every saved cohort, by name.
pub async fn cohorts(store: &Store) -> Result<Vec<SavedCohort>, StoreError> {
    let rows: Vec<(String, String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT c.id, c.name, c.definition, c.owner_organisation_id, o.name, c.created_by, c.updated_at \
         FROM cohorts c JOIN organisations o ON o.id = c.owner_organisation_id ORDER BY c.name, c.id",
    )
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(saved).collect())
}

fn saved(
    (id, name, definition, owner_organisation_id, owner_name, created_by, updated_at): (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    ),
) -> SavedCohort {
    SavedCohort {
        id,
        name,
        definition,
        owner_organisation_id,
        owner_name,
        created_by,
        updated_at,
    }
}

/// One saved cohort.
pub async fn cohort(store: &Store, id: &str) -> Result<SavedCohort, StoreError> {
    let row: Option<(String, String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT c.id, c.name, c.definition, c.owner_organisation_id, o.name, c.created_by, c.updated_at \
         FROM cohorts c JOIN organisations o ON o.id = c.owner_organisation_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    row.map(saved)
        .ok_or_else(|| StoreError::not_found("cohort", id))
}

/// Checks a definition as a saved cohort must be: valid, with its codelists inline (a saved
/// cohort cannot read files). Errors name the line and column, under the field `definition`.
pub fn check_definition(text: &str) -> Result<definition::Cohort, StoreError> {
    definition::parse(text, &|_| {
        Err("a saved cohort lists its codes inline (codes = [...]), not in a file".into())
    })
    .map_err(|e| StoreError::invalid("definition", e.to_string()))
}

/// Saves a cohort (new when `id` is none), owned by `owner_organisation_id`.
pub async fn save_cohort(
    store: &Store,
    actor: &Actor,
    id: Option<&str>,
    owner_organisation_id: &str,
    text: &str,
) -> Result<String, StoreError> {
    let action = if id.is_some() {
        "cohort.update"
    } else {
        "cohort.create"
    };
    let entry = AuditEntry::success(actor, action, "cohort", id, "");
    store
        .audited(entry, async |entry| {
            let checked = check_definition(text)?;
            let now = crate::now_utc();
            let mut tx = store.begin_write().await?;
            let id = match id {
                Some(id) => {
                    let changed = sqlx::query(
                        "UPDATE cohorts SET name = $2, definition = $3, updated_at = $4 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(&checked.name)
                    .bind(text)
                    .bind(&now)
                    .execute(tx.conn())
                    .await?;
                    if changed.rows_affected() == 0 {
                        return Err(StoreError::not_found("cohort", id));
                    }
                    id.to_string()
                }
                None => {
                    let id = crate::new_id();
                    sqlx::query(
                        "INSERT INTO cohorts (id, name, definition, owner_organisation_id, created_by, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $6)",
                    )
                    .bind(&id)
                    .bind(&checked.name)
                    .bind(text)
                    .bind(owner_organisation_id)
                    .bind(&actor.name)
                    .bind(&now)
                    .execute(tx.conn())
                    .await?;
                    id
                }
            };
            tx.commit(entry.about(&id).detailed(format!("saved cohort {}", checked.name))).await?;
            Ok(id)
        })
        .await
}

/// One patient on a practice's registered list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredPatient {
    /// NHS number, 10 digits.
    pub nhs_number: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: String,
    /// Sex as recorded.
    pub sex: String,
    /// Postcode.
    pub postcode: String,
    /// NHS ethnic category code (upper case), when the list says it and it is stated.
    pub ethnic_category: Option<String>,
}

/// The columns of a registered list.
pub const REGISTERED_LIST_COLUMNS: [&str; 6] = [
    "nhs_number",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "postcode",
];

/// The registered list's optional column: each person's NHS ethnic category code.
pub const REGISTERED_LIST_ETHNICITY: &str = "ethnic_category";

/// Reads a registered list (CSV with [`REGISTERED_LIST_COLUMNS`], and optionally
/// [`REGISTERED_LIST_ETHNICITY`]), all or nothing: every bad row
/// is named by line and field (never echoing the value).
pub fn parse_registered_list(input: impl Read) -> Result<Vec<RegisteredPatient>, StoreError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let mut errors = ValidationErrors::default();
    let headers = reader
        .headers()
        .map_err(|_| StoreError::invalid("file", "line 1: the header cannot be read"))?
        .clone();
    let at = |name: &str| {
        headers.iter().position(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case(name)
        })
    };
    let columns: Vec<Option<usize>> = REGISTERED_LIST_COLUMNS.iter().map(|c| at(c)).collect();
    let ethnic_column = at(REGISTERED_LIST_ETHNICITY);
    if let Some(missing) = REGISTERED_LIST_COLUMNS
        .iter()
        .zip(&columns)
        .find(|(_, c)| c.is_none())
    {
        return Err(StoreError::invalid(
            "file",
            format!(
                "line 1: the header needs {} (missing {})",
                REGISTERED_LIST_COLUMNS.join(", "),
                missing.0
            ),
        ));
    }
    let mut patients = Vec::new();
    let mut seen = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.add("file", format!("line {line}: not a CSV row"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |i: usize| {
            columns[i]
                .and_then(|c| record.get(c))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let number = match NhsNumber::parse(&cell(0)) {
            Ok(n) => n.digits().to_string(),
            Err(e) => {
                errors.add(
                    "nhs_number",
                    format!(
                        "line {line}: {}",
                        concord_population::fhir::nhs_number_fault(&e)
                    ),
                );
                continue;
            }
        };
        if !seen.insert(number.clone()) {
            errors.add(
                "nhs_number",
                format!("line {line}: this NHS number is already on the list"),
            );
        }
        let birth = cell(3);
        if concord_population::table::epoch_days(&birth).is_none() || birth.len() != 10 {
            errors.add(
                "birth_date",
                format!("line {line}: not a date (YYYY-MM-DD)"),
            );
        }
        for (i, field) in [(1, "given_name"), (2, "family_name")] {
            if cell(i).is_empty() {
                errors.add(field, format!("line {line}: required"));
            }
        }
        let ethnic_category = ethnic_column
            .and_then(|c| record.get(c))
            .map(str::trim)
            .unwrap_or("");
        let ethnic_category = match concord_domain::ethnicity::group_of_category(ethnic_category) {
            Ok(Some(_)) => Some(ethnic_category.to_ascii_uppercase()),
            Ok(None) => None,
            Err(rule) => {
                errors.add(
                    REGISTERED_LIST_ETHNICITY,
                    format!("line {line}: not {rule}"),
                );
                None
            }
        };
        patients.push(RegisteredPatient {
            nhs_number: number,
            given_name: cell(1),
            family_name: cell(2),
            birth_date: birth,
            sex: cell(4),
            postcode: cell(5),
            ethnic_category,
        });
        if errors.0.len() >= 50 {
            break;
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    Ok(patients)
}

/// Replaces a practice's registered list, in one transaction.
pub async fn replace_registered_list(
    store: &Store,
    actor: &Actor,
    practice_id: &str,
    patients: &[RegisteredPatient],
    file_sha256: &str,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "registered_list.replace",
        "organisation",
        Some(practice_id),
        format!("{} patients", patients.len()),
    );
    store
        .audited(entry, async |entry| {
    let mut tx = store.begin_write().await?;
    sqlx::query("DELETE FROM registered_patients WHERE practice_id = $1")
        .bind(practice_id)
        .execute(tx.conn())
        .await?;
    for chunk in patients.chunks(100) {
        let sql = format!(
            "INSERT INTO registered_patients (practice_id, nhs_number, given_name, family_name, birth_date, sex, postcode, ethnic_category) VALUES {}",
            crate::rows::values_clause(chunk.len(), &["{}"; 8])
        );
        let mut query = sqlx::query(&sql);
        for p in chunk {
            query = query
                .bind(practice_id)
                .bind(&p.nhs_number)
                .bind(&p.given_name)
                .bind(&p.family_name)
                .bind(&p.birth_date)
                .bind(&p.sex)
                .bind(&p.postcode)
                .bind(&p.ethnic_category);
        }
        query.execute(tx.conn()).await?;
    }
    sqlx::query("DELETE FROM registered_lists WHERE practice_id = $1")
        .bind(practice_id)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO registered_lists (practice_id, patients, file_sha256, loaded_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(practice_id)
    .bind(patients.len() as i64)
    .bind(file_sha256)
    .bind(crate::now_utc())
    .execute(tx.conn())
    .await?;
    tx.commit(entry).await
        })
        .await
}

/// When a practice's registered list was loaded, and how many it holds.
pub async fn registered_list_status(
    store: &Store,
    practice_id: &str,
) -> Result<Option<(i64, String)>, StoreError> {
    Ok(
        sqlx::query_as("SELECT patients, loaded_at FROM registered_lists WHERE practice_id = $1")
            .bind(practice_id)
            .fetch_optional(store.pool())
            .await?,
    )
}

/// A practice's registered list. Only for re-identifying that practice's own patients on a
/// worklist whose view has already been audited.
pub async fn registered_list(
    store: &Store,
    practice_id: &str,
) -> Result<Vec<RegisteredPatient>, StoreError> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT nhs_number, given_name, family_name, birth_date, sex, postcode, ethnic_category \
         FROM registered_patients WHERE practice_id = $1 ORDER BY family_name, given_name, nhs_number",
    )
    .bind(practice_id)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(nhs_number, given_name, family_name, birth_date, sex, postcode, ethnic_category)| {
                RegisteredPatient {
                    nhs_number,
                    given_name,
                    family_name,
                    birth_date,
                    sex,
                    postcode,
                    ethnic_category,
                }
            },
        )
        .collect())
}

/// A break-glass view, for review.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BreakGlass {
    /// Its id.
    pub id: String,
    /// Who looked.
    pub person_id: String,
    /// Their name.
    pub person_name: String,
    /// The cohort whose worklist they opened.
    pub cohort_id: String,
    /// The practice whose patients they saw.
    pub practice_id: String,
    /// That practice's name.
    pub practice_name: String,
    /// Why, in their words.
    pub reason: String,
    /// When.
    pub created_at: String,
    /// Who reviewed it, if anyone has.
    pub reviewed_by: Option<String>,
    /// The reviewer's note.
    pub review_note: Option<String>,
}

/// Records a break-glass view (with its audit entry, before anything is shown) and returns its id.
pub async fn record_break_glass(
    store: &Store,
    actor: &Actor,
    person_id: &str,
    cohort_id: &str,
    practice_id: &str,
    reason: &str,
) -> Result<String, StoreError> {
    let reason = reason.trim();
    let id = crate::new_id();
    let entry = AuditEntry::success(
        actor,
        "worklist.break_glass",
        "cohort",
        Some(cohort_id),
        format!("practice {practice_id}; reason: {reason}"),
    );
    // A refused attempt to break glass is itself worth knowing about: it is audited too.
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let mut errors = ValidationErrors::default();
            let practice = crate::organisations::exists(tx.conn(), practice_id).await?;
            if practice != Some(OrgType::GpPractice) {
                errors.add(
                    "practice",
                    "Choose the practice whose patients you need to see",
                );
            }
            if reason.chars().count() < 10 {
                errors.add(
                    "reason",
                    "Say why you need to see these patients (at least 10 characters)",
                );
            }
            errors.into_result()?;
            sqlx::query(
                "INSERT INTO break_glass (id, person_id, cohort_id, practice_id, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(person_id)
            .bind(cohort_id)
            .bind(practice_id)
            .bind(reason)
            .bind(crate::now_utc())
            .execute(tx.conn())
            .await?;
            tx.commit(entry).await?;
            Ok(id)
        })
        .await
}

/// Break-glass views, those awaiting review first, newest first.
pub async fn break_glass_views(store: &Store) -> Result<Vec<BreakGlass>, StoreError> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT b.id, b.person_id, p.given_name || ' ' || p.family_name, b.cohort_id, b.practice_id, o.name, b.reason, b.created_at, b.reviewed_by, b.review_note \
         FROM break_glass b JOIN people p ON p.id = b.person_id JOIN organisations o ON o.id = b.practice_id \
         ORDER BY CASE WHEN b.reviewed_at IS NULL THEN 0 ELSE 1 END, b.created_at DESC",
    )
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| BreakGlass {
            id: r.0,
            person_id: r.1,
            person_name: r.2,
            cohort_id: r.3,
            practice_id: r.4,
            practice_name: r.5,
            reason: r.6,
            created_at: r.7,
            reviewed_by: r.8,
            review_note: r.9,
        })
        .collect())
}

/// Records a review of a break-glass view.
pub async fn review_break_glass(
    store: &Store,
    actor: &Actor,
    id: &str,
    note: &str,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "worklist.break_glass_review",
        "break_glass",
        Some(id),
        note.trim(),
    );
    store
        .audited(entry, async |entry| {
            if note.trim().is_empty() {
                return Err(StoreError::invalid("note", "Say what the review found"));
            }
            let mut tx = store.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE break_glass SET reviewed_by = $2, reviewed_at = $3, review_note = $4 WHERE id = $1 AND reviewed_at IS NULL",
            )
            .bind(id)
            .bind(&actor.name)
            .bind(crate::now_utc())
            .bind(note.trim())
            .execute(tx.conn())
            .await?;
            if changed.rows_affected() == 0 {
                return Err(StoreError::not_found("break-glass view awaiting review", id));
            }
            tx.commit(entry).await
        })
        .await
}
