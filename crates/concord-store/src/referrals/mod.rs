//! Referrals across organisations ([`concord_domain::referral`]): made by a care team for a
//! person on its own practice's registered list, or by the person on the public form, to a
//! partner's service; moved through the lifecycle in one audited transaction each, refused when
//! someone else changed it meanwhile. Reads that return who a referral is about are the
//! application layer's to audit before it calls them ([`get`], [`for_referrer`],
//! [`for_service`]); [`header`] returns nothing identifiable.

mod facts;
mod history;
mod news;
mod write;

pub use facts::{facts, outcome_facts, ReferralFact};
pub use history::{load_history, PastMove, PastReferral};
pub use news::{replied_to, waiting_for_reply};

pub use write::{
    add_contact, change_status, create_for_care_team, create_self, record_outcome,
    MAX_SELF_REFERRALS_AN_HOUR,
};

use crate::rows::{all_by, one_by_id, RowExt};
use crate::{Store, StoreError};
use concord_domain::referral::caseload::ContactKind;
use concord_domain::referral::outcome::OutcomeStage;
use concord_domain::referral::{
    CapacityReply, ContactPreference, ReferralPriority, ReferralReason, ReferralSource,
    ReferralStatus,
};
use sqlx::any::AnyRow;

/// What a referral is, without who it is about: enough to decide who may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralHeader {
    /// Its id.
    pub id: String,
    /// Care team or self-referral.
    pub source: ReferralSource,
    /// The service referred to.
    pub service_id: String,
    /// The service's name when referred.
    pub service_name: String,
    /// The organisation running the service.
    pub receiving_organisation_id: String,
    /// Its name.
    pub receiving_organisation_name: String,
    /// Its ODS (or local) code.
    pub receiving_organisation_code: String,
    /// The organisation that made it (none for a self-referral).
    pub referring_organisation_id: Option<String>,
    /// Its name.
    pub referring_organisation_name: Option<String>,
    /// Its ODS (or local) code.
    pub referring_organisation_code: Option<String>,
    /// Who made it.
    pub referred_by_name: Option<String>,
    /// Where it is in its life.
    pub status: ReferralStatus,
    /// Why it was declined, cancelled, paused or ended.
    pub status_reason: Option<ReferralReason>,
    /// The words with that reason.
    pub status_note: Option<String>,
    /// The service's capacity answer.
    pub capacity_reply: Option<CapacityReply>,
    /// How urgent.
    pub priority: ReferralPriority,
    /// The need, in words.
    pub need_label: Option<String>,
    /// When it was written (RFC 3339, UTC).
    pub authored_on: String,
    /// When it was sent.
    pub sent_at: Option<String>,
    /// When the service first accepted or declined it.
    pub replied_at: Option<String>,
    /// When the service first started supporting the person.
    pub first_contact_at: Option<String>,
    /// When it ended.
    pub closed_at: Option<String>,
    /// When it last changed.
    pub last_modified: String,
}

/// Who a referral is about and how to reach them: identifiable.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferredPerson {
    /// The NHS number (care-team referrals), for the referring team only.
    pub nhs_number: Option<String>,
    /// First name.
    pub given_name: String,
    /// Last name.
    pub family_name: String,
    /// Age in years when referred.
    pub age: Option<i64>,
    /// Sex as registered.
    pub sex: Option<String>,
    /// Postcode district.
    pub postcode_district: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// How they would like to be contacted.
    pub contact_preference: ContactPreference,
    /// What they would like help with.
    pub reason: String,
    /// Who recorded their agreement to share.
    pub consent_recorded_by: Option<String>,
    /// When.
    pub consent_at: Option<String>,
}

/// A referral, whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    /// What it is.
    pub header: ReferralHeader,
    /// Who it is about.
    pub person: ReferredPerson,
}

/// One move in a referral's life.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralEvent {
    /// The status it left (none when it was made).
    pub from: Option<ReferralStatus>,
    /// The status it reached.
    pub to: ReferralStatus,
    /// Why.
    pub reason: Option<ReferralReason>,
    /// In words.
    pub note: String,
    /// The capacity answer given.
    pub capacity_reply: Option<CapacityReply>,
    /// `referrer`, `service` or `person` (a self-referral).
    pub side: String,
    /// Who.
    pub by_name: String,
    /// When (RFC 3339, UTC).
    pub at: String,
}

/// One contact in a caseload.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralContact {
    /// The day.
    pub contact_on: String,
    /// How.
    pub kind: ContactKind,
    /// What happened.
    pub note: String,
    /// The next step.
    pub next_step: String,
    /// When it is due.
    pub next_step_due: Option<String>,
    /// Who recorded it.
    pub by_name: String,
}

/// Outcome measures recorded once.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedOutcome {
    /// When in the referral.
    pub stage: OutcomeStage,
    /// ONS4 scores (life satisfaction, worthwhile, happiness, anxiety).
    pub ons4: Option<[u8; 4]>,
    /// UCLA item scores (companionship, left out, isolated).
    pub ucla: Option<[u8; 3]>,
    /// SWEMWBS answers, statements 1 to 7.
    pub swemwbs: Option<[u8; 7]>,
    /// Who recorded them.
    pub recorded_by: String,
    /// When.
    pub recorded_at: String,
}

const HEADER_COLUMNS: &str = "r.id, r.source, r.service_id, r.service_name, \
    r.receiving_organisation_id, ro.name AS receiving_name, ro.code AS receiving_code, \
    r.referring_organisation_id, fo.name AS referring_name, fo.code AS referring_code, r.referred_by_name, r.status, r.status_reason, r.status_note, \
    r.capacity_reply, r.priority, r.need_label, r.authored_on, r.sent_at, r.replied_at, \
    r.first_contact_at, r.closed_at, r.last_modified";

const PERSON_COLUMNS: &str = "r.nhs_number, r.given_name, r.family_name, r.age, r.sex, \
    r.postcode_district, r.phone, r.email, r.contact_preference, r.reason, \
    r.consent_recorded_by, r.consent_at";

const FROM: &str = "FROM referrals r JOIN organisations ro ON ro.id = r.receiving_organisation_id \
    LEFT JOIN organisations fo ON fo.id = r.referring_organisation_id";

fn read_header(row: &AnyRow) -> Result<ReferralHeader, StoreError> {
    Ok(ReferralHeader {
        id: row.text("id")?,
        source: row.code("source")?,
        service_id: row.text("service_id")?,
        service_name: row.text("service_name")?,
        receiving_organisation_id: row.text("receiving_organisation_id")?,
        receiving_organisation_name: row.text("receiving_name")?,
        receiving_organisation_code: row.text("receiving_code")?,
        referring_organisation_id: row.opt_text("referring_organisation_id")?,
        referring_organisation_name: row.opt_text("referring_name")?,
        referring_organisation_code: row.opt_text("referring_code")?,
        referred_by_name: row.opt_text("referred_by_name")?,
        status: row.code("status")?,
        status_reason: row.opt_code("status_reason")?,
        status_note: row.opt_text("status_note")?,
        capacity_reply: row.opt_code("capacity_reply")?,
        priority: row.code("priority")?,
        need_label: row.opt_text("need_label")?,
        authored_on: row.text("authored_on")?,
        sent_at: row.opt_text("sent_at")?,
        replied_at: row.opt_text("replied_at")?,
        first_contact_at: row.opt_text("first_contact_at")?,
        closed_at: row.opt_text("closed_at")?,
        last_modified: row.text("last_modified")?,
    })
}

fn read_referral(row: &AnyRow) -> Result<Referral, StoreError> {
    Ok(Referral {
        header: read_header(row)?,
        person: ReferredPerson {
            nhs_number: row.opt_text("nhs_number")?,
            given_name: row.text("given_name")?,
            family_name: row.text("family_name")?,
            age: row.opt_int("age")?,
            sex: row.opt_text("sex")?,
            postcode_district: row.opt_text("postcode_district")?,
            phone: row.opt_text("phone")?,
            email: row.opt_text("email")?,
            contact_preference: row.code("contact_preference")?,
            reason: row.text("reason")?,
            consent_recorded_by: row.opt_text("consent_recorded_by")?,
            consent_at: row.opt_text("consent_at")?,
        },
    })
}

/// What referral `id` is, without who it is about.
pub async fn header(store: &Store, id: &str) -> Result<ReferralHeader, StoreError> {
    one_by_id(
        store,
        &format!("SELECT {HEADER_COLUMNS} {FROM} WHERE r.id = $1"),
        "referral",
        id,
        read_header,
    )
    .await
}

/// Referral `id`, whole: identifiable, so audited by the caller first.
pub async fn get(store: &Store, id: &str) -> Result<Referral, StoreError> {
    one_by_id(
        store,
        &format!("SELECT {HEADER_COLUMNS}, {PERSON_COLUMNS} {FROM} WHERE r.id = $1"),
        "referral",
        id,
        read_referral,
    )
    .await
}

/// The most referrals a list gives (the most recently changed); one more is read to tell that
/// there are more.
pub const MAX_LISTED: usize = 200;

/// `$1, $2, ...` for `n` parameters from `$first`.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn referrals_where(
    store: &Store,
    clause: &str,
    organisation_ids: &[String],
) -> Result<Vec<Referral>, StoreError> {
    if organisation_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {HEADER_COLUMNS}, {PERSON_COLUMNS} {FROM} WHERE {} \
         ORDER BY r.last_modified DESC, r.id LIMIT {}",
        clause.replace("{ids}", &placeholders(1, organisation_ids.len())),
        MAX_LISTED + 1
    );
    let mut query = sqlx::query(&sql);
    for id in organisation_ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(store.pool()).await?;
    rows.iter().map(read_referral).collect()
}

/// The referrals made by `organisation_ids` (open ones only, or all): identifiable, so audited
/// by the caller first.
pub async fn for_referrer(
    store: &Store,
    organisation_ids: &[String],
    open_only: bool,
) -> Result<Vec<Referral>, StoreError> {
    let open = if open_only {
        " AND r.closed_at IS NULL"
    } else {
        ""
    };
    referrals_where(
        store,
        &format!("r.referring_organisation_id IN ({{ids}}){open}"),
        organisation_ids,
    )
    .await
}

/// The referrals with `organisation_ids`' services to act on (sent and not ended):
/// identifiable, so audited by the caller first.
pub async fn for_service(
    store: &Store,
    organisation_ids: &[String],
) -> Result<Vec<Referral>, StoreError> {
    let with_service: Vec<String> = ReferralStatus::ALL
        .iter()
        .filter(|s| s.with_service())
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    referrals_where(
        store,
        &format!(
            "r.receiving_organisation_id IN ({{ids}}) AND r.status IN ({})",
            with_service.join(", ")
        ),
        organisation_ids,
    )
    .await
}

/// Referral `id`'s moves, oldest first.
pub async fn events(store: &Store, id: &str) -> Result<Vec<ReferralEvent>, StoreError> {
    all_by(
        store,
        "SELECT from_status, to_status, reason, note, capacity_reply, side, by_name, at \
         FROM referral_events WHERE referral_id = $1 ORDER BY at, id",
        id,
        |row| {
            Ok(ReferralEvent {
                from: row.opt_code("from_status")?,
                to: row.code("to_status")?,
                reason: row.opt_code("reason")?,
                note: row.text("note")?,
                capacity_reply: row.opt_code("capacity_reply")?,
                side: row.text("side")?,
                by_name: row.text("by_name")?,
                at: row.text("at")?,
            })
        },
    )
    .await
}

/// Referral `id`'s contacts, newest first.
pub async fn contacts(store: &Store, id: &str) -> Result<Vec<ReferralContact>, StoreError> {
    all_by(
        store,
        "SELECT contact_on, kind, note, next_step, next_step_due, by_name FROM referral_contacts \
         WHERE referral_id = $1 ORDER BY contact_on DESC, at DESC, id",
        id,
        |row| {
            Ok(ReferralContact {
                contact_on: row.text("contact_on")?,
                kind: row.code("kind")?,
                note: row.text("note")?,
                next_step: row.text("next_step")?,
                next_step_due: row.opt_text("next_step_due")?,
                by_name: row.text("by_name")?,
            })
        },
    )
    .await
}

fn score(row: &AnyRow, column: &str) -> Result<Option<u8>, StoreError> {
    Ok(row.opt_int(column)?.and_then(|v| u8::try_from(v).ok()))
}

/// SWEMWBS answers as stored: seven digits, each 1 to 5.
pub(super) fn swemwbs_digits(answers: &[u8; 7]) -> String {
    answers.iter().map(|a| char::from(b'0' + a)).collect()
}

fn swemwbs_from_digits(digits: &str) -> Option<[u8; 7]> {
    let answers: Vec<u8> = digits
        .bytes()
        .map(|b| b.wrapping_sub(b'0'))
        .filter(|a| (1..=5).contains(a))
        .collect();
    answers.try_into().ok().filter(|_| digits.len() == 7)
}

pub(super) fn read_outcome(row: &AnyRow) -> Result<RecordedOutcome, StoreError> {
    let ons4 = [
        score(row, "life_satisfaction")?,
        score(row, "worthwhile")?,
        score(row, "happiness")?,
        score(row, "anxiety")?,
    ];
    let ucla = [
        score(row, "companionship")?,
        score(row, "left_out")?,
        score(row, "isolated")?,
    ];
    Ok(RecordedOutcome {
        stage: row.code("stage")?,
        ons4: match ons4 {
            [Some(a), Some(b), Some(c), Some(d)] => Some([a, b, c, d]),
            _ => None,
        },
        ucla: match ucla {
            [Some(a), Some(b), Some(c)] => Some([a, b, c]),
            _ => None,
        },
        swemwbs: row
            .opt_text("swemwbs_answers")?
            .as_deref()
            .and_then(swemwbs_from_digits),
        recorded_by: row.text("recorded_by")?,
        recorded_at: row.text("recorded_at")?,
    })
}

/// Referral `id`'s outcome measures, in the order recorded.
pub async fn outcomes(store: &Store, id: &str) -> Result<Vec<RecordedOutcome>, StoreError> {
    all_by(
        store,
        "SELECT stage, life_satisfaction, worthwhile, happiness, anxiety, companionship, \
         left_out, isolated, swemwbs_answers, recorded_by, recorded_at FROM referral_outcomes \
         WHERE referral_id = $1 ORDER BY recorded_at, id",
        id,
        read_outcome,
    )
    .await
}

/// A service's replies since `since` (RFC 3339): when each referral was sent, when the service
/// replied (if it has) and whether it accepted. Nothing identifiable.
pub async fn replies(
    store: &Store,
    service_id: &str,
    since: &str,
) -> Result<Vec<(String, Option<String>, bool)>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.sent_at, r.replied_at, \
         CASE WHEN EXISTS (SELECT 1 FROM referral_events e WHERE e.referral_id = r.id \
         AND e.to_status = 'accepted') THEN 1 ELSE 0 END AS accepted \
         FROM referrals r WHERE r.service_id = $1 AND r.sent_at IS NOT NULL AND r.sent_at >= $2 \
         AND r.status <> 'entered_in_error'",
    )
    .bind(service_id)
    .bind(since)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.text("sent_at")?,
                row.opt_text("replied_at")?,
                row.flag("accepted")?,
            ))
        })
        .collect()
}

/// Which of `practice_ids` has `nhs_number` (ten digits) on its registered list, if any.
pub async fn registered_at(
    store: &Store,
    practice_ids: &[String],
    nhs_number: &str,
) -> Result<Option<String>, StoreError> {
    if practice_ids.is_empty() || nhs_number.contains('\0') {
        return Ok(None);
    }
    let sql = format!(
        "SELECT practice_id FROM registered_patients WHERE nhs_number = $1 AND practice_id IN ({}) \
         ORDER BY practice_id LIMIT 1",
        placeholders(2, practice_ids.len())
    );
    let mut query = sqlx::query_scalar(&sql).bind(nhs_number);
    for id in practice_ids {
        query = query.bind(id);
    }
    Ok(query.fetch_optional(store.pool()).await?)
}

/// How many referrals there are.
pub async fn count(store: &Store) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM referrals")
        .fetch_one(store.pool())
        .await?)
}

/// When the open referral of `nhs_number` by `practice_id` to `service_id` was made, if there is
/// one (not ended, and not a draft).
pub async fn open_referral_of(
    store: &Store,
    practice_id: &str,
    nhs_number: &str,
    service_id: &str,
) -> Result<Option<String>, StoreError> {
    if [practice_id, nhs_number, service_id]
        .iter()
        .any(|v| v.contains('\0'))
    {
        return Ok(None);
    }
    Ok(sqlx::query_scalar(
        "SELECT authored_on FROM referrals WHERE referring_organisation_id = $1 AND nhs_number = $2 \
         AND service_id = $3 AND closed_at IS NULL AND status <> 'draft' ORDER BY authored_on DESC LIMIT 1",
    )
    .bind(practice_id)
    .bind(nhs_number)
    .bind(service_id)
    .fetch_optional(store.pool())
    .await?)
}
