//! Writing referrals: each in one transaction with its audit entry, which names the referral,
//! the service and the statuses, never the person.

use crate::audit::{Actor, AuditEntry};
use crate::{Store, StoreError};
use concord_directory::index::postcode_district;
use concord_domain::ethnicity::EthnicGroup;
use concord_domain::referral::caseload::Contact;
use concord_domain::referral::draft::{CareTeamReferral, ContactDetails, SelfReferral};
use concord_domain::referral::lifecycle::{self, Side};
use concord_domain::referral::outcome::Outcome;
use concord_domain::referral::{ReferralPriority, ReferralSource, ReferralStatus, StatusChange};
use sqlx::AnyConnection;

/// The service a referral goes to: its name and the partner that runs it, if it takes
/// referrals through Concord.
pub(super) async fn receiving_service(
    conn: &mut AnyConnection,
    service_id: &str,
) -> Result<(String, String), StoreError> {
    if service_id.contains('\0') {
        return Err(StoreError::invalid(
            "service_id",
            "Choose a service from the directory",
        ));
    }
    let row: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT name, status, partner_organisation_id FROM directory_services WHERE id = $1",
    )
    .bind(service_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((name, status, partner)) = row else {
        return Err(StoreError::invalid(
            "service_id",
            "Choose a service from the directory",
        ));
    };
    let Some(partner) = partner else {
        return Err(StoreError::invalid(
            "service_id",
            format!("{name} does not take referrals through Concord: contact it directly"),
        ));
    };
    if status != "active" {
        return Err(StoreError::invalid(
            "service_id",
            format!("{name} is not taking referrals (its listing says it is {status})"),
        ));
    }
    Ok((name, partner))
}

/// The need's name, when the need is a term in the directory's taxonomies.
pub(super) async fn need_label(
    conn: &mut AnyConnection,
    need: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let Some(need) = need else {
        return Ok(None);
    };
    let name: Option<String> = if need.contains('\0') {
        None
    } else {
        sqlx::query_scalar("SELECT name FROM directory_taxonomy_terms WHERE id = $1")
            .bind(need)
            .fetch_optional(&mut *conn)
            .await?
    };
    name.map(Some)
        .ok_or_else(|| StoreError::invalid("need", "Choose a need from the list"))
}

/// Whole years from `birth_date` (YYYY-MM-DD) to `today`.
pub(super) fn age_on(birth_date: &str, today: chrono::NaiveDate) -> Option<i64> {
    let born = chrono::NaiveDate::parse_from_str(birth_date, "%Y-%m-%d").ok()?;
    today.years_since(born).map(i64::from)
}

/// A person as their practice's registered list has them.
pub(super) struct RegisteredPerson {
    pub given_name: String,
    pub family_name: String,
    pub birth_date: String,
    pub sex: String,
    pub postcode: String,
    /// Their broad ethnic group, when the list states their category.
    pub ethnic_group: Option<EthnicGroup>,
}

/// The person with `nhs_number` on `practice_id`'s registered list, if they are on it.
pub(super) async fn registered_patient(
    conn: &mut AnyConnection,
    practice_id: &str,
    nhs_number: &str,
) -> Result<Option<RegisteredPerson>, StoreError> {
    if [practice_id, nhs_number].iter().any(|v| v.contains('\0')) {
        return Ok(None);
    }
    type Row = (String, String, String, String, String, Option<String>);
    let row: Option<Row> = sqlx::query_as(
        "SELECT given_name, family_name, birth_date, sex, postcode, ethnic_category \
         FROM registered_patients WHERE practice_id = $1 AND nhs_number = $2",
    )
    .bind(practice_id)
    .bind(nhs_number)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(
        |(given_name, family_name, birth_date, sex, postcode, category)| RegisteredPerson {
            given_name,
            family_name,
            birth_date,
            sex,
            postcode,
            ethnic_group: category.and_then(|c| {
                concord_domain::ethnicity::group_of_category(&c)
                    .ok()
                    .flatten()
            }),
        },
    ))
}

/// Makes a referral for a person on `practice_id`'s registered list, sent (or kept as a
/// draft), by `actor` (who recorded the person's consent, when sending), carrying their
/// neighbourhood's deprivation decile when the population picture knows it. Returns its id.
pub async fn create_for_care_team(
    store: &Store,
    actor: &Actor,
    practice_id: &str,
    referral: &CareTeamReferral,
    deprivation_decile: Option<u8>,
) -> Result<String, StoreError> {
    let id = crate::new_id();
    let status = if referral.draft {
        ReferralStatus::Draft
    } else {
        ReferralStatus::Requested
    };
    let entry = AuditEntry::success(
        actor,
        "referral.create",
        "referral",
        Some(&id),
        format!("to service {}; {}", referral.service_id, status.phrase()),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let patient = registered_patient(tx.conn(), practice_id, &referral.nhs_number).await?;
            let Some(patient) = patient else {
                return Err(StoreError::invalid(
                    "nhs_number",
                    "This person is not on your practice's registered list",
                ));
            };
            let (service_name, receiving) =
                receiving_service(tx.conn(), &referral.service_id).await?;
            let need = need_label(tx.conn(), referral.need.as_deref()).await?;
            let now = crate::now_utc();
            let today = chrono::Utc::now().date_naive();
            let sent = (!referral.draft).then(|| now.clone());
            let consent_by = (!referral.draft).then(|| actor.name.clone());
            NewRow {
                id: &id,
                source: ReferralSource::CareTeam,
                service_id: &referral.service_id,
                service_name: &service_name,
                receiving: &receiving,
                referring: Some(practice_id),
                referred_by: (actor.person_id.as_deref(), Some(&actor.name)),
                cohort_id: referral.cohort_id.as_deref(),
                nhs_number: Some(&referral.nhs_number),
                name: (&patient.given_name, &patient.family_name),
                age: age_on(&patient.birth_date, today),
                sex: Some(&patient.sex),
                postcode_district: postcode_district(&patient.postcode),
                deprivation_decile: deprivation_decile.map(i64::from),
                ethnicity: patient.ethnic_group,
                contact: &referral.contact,
                need: (referral.need.as_deref(), need.as_deref()),
                reason: &referral.reason,
                priority: referral.priority,
                consent: (consent_by.as_deref(), sent.as_deref()),
                status,
                authored_on: &now,
            }
            .insert(tx.conn())
            .await?;
            insert_event(
                tx.conn(),
                &id,
                None,
                status,
                None,
                "",
                None,
                "referrer",
                actor,
                &now,
            )
            .await?;
            tx.commit(entry).await?;
            Ok(id.clone())
        })
        .await
}

/// Self-referrals one service takes in an hour before the form asks people to try later (a
/// flood of them is more likely a robot than a crowd).
pub const MAX_SELF_REFERRALS_AN_HOUR: i64 = 30;

/// Self-referrals one client (an address) may send in a quarter of an hour before each further
/// one must wait (1, 2, 4 ... minutes): enough for someone helping a few neighbours at a library
/// computer, too few for a robot.
pub const SELF_REFERRALS_FROM_ONE_CLIENT: i64 = 5;

/// Records a person's referral of themselves to `service_id`, sent from `client` (counted, not
/// kept). Returns its id.
pub async fn create_self(
    store: &Store,
    service_id: &str,
    referral: &SelfReferral,
    client: &str,
) -> Result<String, StoreError> {
    let key = format!(
        "self-referral:{}",
        client.chars().take(64).collect::<String>()
    );
    if !crate::throttle::reserve(store, &key, SELF_REFERRALS_FROM_ONE_CLIENT).await? {
        return Err(StoreError::invalid(
            "reason",
            "Several requests have just been sent from this computer or phone: please try again in a quarter of an hour, or phone the service",
        ));
    }
    let id = crate::new_id();
    let actor = Actor::system("self-referral form");
    let entry = AuditEntry::success(
        &actor,
        "referral.self",
        "referral",
        Some(&id),
        format!("to service {service_id}"),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let (service_name, receiving) = receiving_service(tx.conn(), service_id).await?;
            let now = crate::now_utc();
            let hour_ago = crate::format_timestamp(chrono::Utc::now() - chrono::Duration::hours(1));
            let recent: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM referrals WHERE service_id = $1 AND source = $2 AND authored_on >= $3",
            )
            .bind(service_id)
            .bind(ReferralSource::SelfReferral.as_str())
            .bind(&hour_ago)
            .fetch_one(tx.conn())
            .await?;
            if recent >= MAX_SELF_REFERRALS_AN_HOUR {
                return Err(StoreError::invalid(
                    "reason",
                    format!("{service_name} has had a lot of requests in the last hour: please try again later, or phone the service"),
                ));
            }
            let name = format!("{} {}", referral.given_name, referral.family_name);
            NewRow {
                id: &id,
                source: ReferralSource::SelfReferral,
                service_id,
                service_name: &service_name,
                receiving: &receiving,
                referring: None,
                referred_by: (None, None),
                cohort_id: None,
                nhs_number: None,
                name: (&referral.given_name, &referral.family_name),
                age: referral.age.map(i64::from),
                sex: None,
                postcode_district: referral.postcode.as_deref().and_then(postcode_district),
                deprivation_decile: None,
                ethnicity: referral.ethnic_group,
                contact: &referral.contact,
                need: (None, None),
                reason: &referral.reason,
                priority: ReferralPriority::Routine,
                consent: (Some(&name), Some(&now)),
                status: ReferralStatus::Requested,
                authored_on: &now,
            }
            .insert(tx.conn())
            .await?;
            let person = Actor::system(&name);
            insert_event(tx.conn(), &id, None, ReferralStatus::Requested, None, "", None, "person", &person, &now)
                .await?;
            tx.commit(entry).await?;
            Ok(id.clone())
        })
        .await
}

/// A second open referral of one person to one service, refused in words (the database's
/// unique index catches two sent at the same moment).
fn already_open(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::invalid(
            "service_id",
            "This person already has an open referral to this service: look at it in Referrals rather than sending another",
        ),
        _ => StoreError::Database(err),
    }
}

/// A referral row as first written.
pub(super) struct NewRow<'a> {
    pub id: &'a str,
    pub source: ReferralSource,
    pub service_id: &'a str,
    pub service_name: &'a str,
    pub receiving: &'a str,
    pub referring: Option<&'a str>,
    /// The referrer's person id and name.
    pub referred_by: (Option<&'a str>, Option<&'a str>),
    pub cohort_id: Option<&'a str>,
    pub nhs_number: Option<&'a str>,
    /// Given and family name.
    pub name: (&'a str, &'a str),
    pub age: Option<i64>,
    pub sex: Option<&'a str>,
    pub postcode_district: Option<String>,
    pub deprivation_decile: Option<i64>,
    /// The person's broad ethnic group, for the figures only (never shown to the service).
    pub ethnicity: Option<EthnicGroup>,
    pub contact: &'a ContactDetails,
    /// The need's term id and name.
    pub need: (Option<&'a str>, Option<&'a str>),
    pub reason: &'a str,
    pub priority: ReferralPriority,
    /// Who recorded consent, and when (both none on a draft not yet agreed).
    pub consent: (Option<&'a str>, Option<&'a str>),
    pub status: ReferralStatus,
    pub authored_on: &'a str,
}

impl NewRow<'_> {
    /// Writes the row; a referral not a draft is sent when it is written.
    pub(super) async fn insert(&self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        let sent = (self.status != ReferralStatus::Draft).then_some(self.authored_on);
        sqlx::query(
            "INSERT INTO referrals (id, source, service_id, service_name, receiving_organisation_id, \
             referring_organisation_id, referred_by, referred_by_name, cohort_id, nhs_number, \
             given_name, family_name, age, sex, postcode_district, deprivation_decile, ethnicity, \
             phone, email, contact_preference, need_term_id, need_label, reason, priority, \
             consent_recorded_by, consent_at, status, authored_on, sent_at, last_modified, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
             $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, 1)",
        )
        .bind(self.id)
        .bind(self.source.as_str())
        .bind(self.service_id)
        .bind(self.service_name)
        .bind(self.receiving)
        .bind(self.referring)
        .bind(self.referred_by.0)
        .bind(self.referred_by.1)
        .bind(self.cohort_id)
        .bind(self.nhs_number)
        .bind(self.name.0)
        .bind(self.name.1)
        .bind(self.age)
        .bind(self.sex)
        .bind(self.postcode_district.as_deref())
        .bind(self.deprivation_decile)
        .bind(self.ethnicity.map(EthnicGroup::as_str))
        .bind(self.contact.phone.as_deref())
        .bind(self.contact.email.as_deref())
        .bind(self.contact.preference.as_str())
        .bind(self.need.0)
        .bind(self.need.1)
        .bind(self.reason)
        .bind(self.priority.as_str())
        .bind(self.consent.0)
        .bind(self.consent.1)
        .bind(self.status.as_str())
        .bind(self.authored_on)
        .bind(sent)
        .bind(self.authored_on)
        .execute(conn)
        .await
        .map_err(already_open)?;
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_event(
    conn: &mut AnyConnection,
    referral_id: &str,
    from: Option<ReferralStatus>,
    to: ReferralStatus,
    reason: Option<&str>,
    note: &str,
    capacity: Option<&str>,
    side: &str,
    actor: &Actor,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO referral_events (id, referral_id, from_status, to_status, reason, note, \
         capacity_reply, side, by_person, by_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(crate::new_id())
    .bind(referral_id)
    .bind(from.map(|s| s.as_str()))
    .bind(to.as_str())
    .bind(reason)
    .bind(note)
    .bind(capacity)
    .bind(side)
    .bind(&actor.person_id)
    .bind(&actor.name)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) fn side_name(side: Side) -> &'static str {
    match side {
        Side::Referrer => "referrer",
        Side::Service => "service",
    }
}

/// Moves referral `id` as `side` (whom the caller has authorised), if the lifecycle allows the
/// move from its status now and nobody changed it meanwhile. Sending a draft records `actor` as
/// having taken the person's consent. Returns the status it left.
pub async fn change_status(
    store: &Store,
    actor: &Actor,
    id: &str,
    side: Side,
    change: &StatusChange,
) -> Result<ReferralStatus, StoreError> {
    let entry = AuditEntry::success(
        actor,
        "referral.status",
        "referral",
        Some(id),
        format!(
            "{} as {}{}",
            change.to.as_str(),
            side_name(side),
            change
                .reason
                .map(|r| format!("; reason {}", r.as_str()))
                .unwrap_or_default()
        ),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let row: Option<(String, i64)> =
                sqlx::query_as("SELECT status, version FROM referrals WHERE id = $1")
                    .bind(id)
                    .fetch_optional(tx.conn())
                    .await?;
            let Some((status, version)) = row else {
                return Err(StoreError::not_found("referral", id));
            };
            let from: ReferralStatus = status
                .parse()
                .map_err(|_| StoreError::invalid("status", "This referral's status is not known"))?;
            lifecycle::check(from, change.to, side)
                .map_err(|refused| StoreError::invalid("status", refused.to_string()))?;
            let now = crate::now_utc();
            let replied = matches!(change.to, ReferralStatus::Accepted | ReferralStatus::Rejected);
            let sending = from == ReferralStatus::Draft && change.to == ReferralStatus::Requested;
            let updated = sqlx::query(
                "UPDATE referrals SET status = $1, status_reason = $2, status_note = $3, \
                 capacity_reply = COALESCE($4, capacity_reply), last_modified = $5, version = version + 1, \
                 replied_at = CASE WHEN $6 = 1 AND replied_at IS NULL THEN $5 ELSE replied_at END, \
                 first_contact_at = CASE WHEN $7 = 1 AND first_contact_at IS NULL THEN $5 ELSE first_contact_at END, \
                 closed_at = CASE WHEN $8 = 1 THEN $5 ELSE closed_at END, \
                 sent_at = CASE WHEN $9 = 1 THEN $5 ELSE sent_at END, \
                 consent_recorded_by = CASE WHEN $9 = 1 THEN $10 ELSE consent_recorded_by END, \
                 consent_at = CASE WHEN $9 = 1 THEN $5 ELSE consent_at END \
                 WHERE id = $11 AND version = $12",
            )
            .bind(change.to.as_str())
            .bind(change.reason.map(|r| r.as_str()))
            .bind(change.reason.map(|_| change.note.clone()))
            .bind(change.capacity.map(|c| c.as_str()))
            .bind(&now)
            .bind(i64::from(replied))
            .bind(i64::from(change.to == ReferralStatus::InProgress))
            .bind(i64::from(change.to.is_closed()))
            .bind(i64::from(sending))
            .bind(&actor.name)
            .bind(id)
            .bind(version)
            .execute(tx.conn())
            .await
            .map_err(already_open)?;
            if updated.rows_affected() != 1 {
                return Err(StoreError::invalid(
                    "status",
                    "Someone else changed this referral meanwhile: look at it again",
                ));
            }
            insert_event(
                tx.conn(),
                id,
                Some(from),
                change.to,
                change.reason.map(|r| r.as_str()),
                &change.note,
                change.capacity.map(|c| c.as_str()),
                side_name(side),
                actor,
                &now,
            )
            .await?;
            tx.commit(entry).await?;
            Ok(from)
        })
        .await
}

/// Fails unless referral `id` is open (not ended and not a draft).
async fn require_open(conn: &mut AnyConnection, id: &str) -> Result<(), StoreError> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM referrals WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    match status.and_then(|s| s.parse::<ReferralStatus>().ok()) {
        None => Err(StoreError::not_found("referral", id)),
        Some(s) if s.with_service() => Ok(()),
        Some(s) => Err(StoreError::invalid(
            "contact_on",
            format!(
                "This referral is {}: nothing more can be recorded on it",
                s.phrase()
            ),
        )),
    }
}

/// Records a contact with the person on open referral `id`.
pub async fn add_contact(
    store: &Store,
    actor: &Actor,
    id: &str,
    side: Side,
    contact: &Contact,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "referral.contact",
        "referral",
        Some(id),
        format!("{} as {}", contact.kind.as_str(), side_name(side)),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            require_open(tx.conn(), id).await?;
            insert_contact(tx.conn(), id, contact, side, actor, &crate::now_utc()).await?;
            tx.commit(entry).await
        })
        .await
}

/// Records outcome measures on open referral `id`.
pub async fn record_outcome(
    store: &Store,
    actor: &Actor,
    id: &str,
    outcome: &Outcome,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "referral.outcome",
        "referral",
        Some(id),
        format!("{} recorded", outcome.stage.as_str()),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            require_open(tx.conn(), id).await?;
            insert_outcome(tx.conn(), id, outcome, &actor.name, &crate::now_utc()).await?;
            tx.commit(entry).await
        })
        .await
}

/// Writes one contact, recorded by `actor` as `side` at `at`.
pub(super) async fn insert_contact(
    conn: &mut AnyConnection,
    referral_id: &str,
    contact: &Contact,
    side: Side,
    actor: &Actor,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO referral_contacts (id, referral_id, contact_on, kind, note, next_step, \
         next_step_due, side, by_person, by_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(crate::new_id())
    .bind(referral_id)
    .bind(contact.contact_on.to_string())
    .bind(contact.kind.as_str())
    .bind(&contact.note)
    .bind(&contact.next_step)
    .bind(contact.next_step_due.map(|d| d.to_string()))
    .bind(side_name(side))
    .bind(&actor.person_id)
    .bind(&actor.name)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes one set of outcome measures.
pub(super) async fn insert_outcome(
    conn: &mut AnyConnection,
    referral_id: &str,
    outcome: &Outcome,
    by: &str,
    at: &str,
) -> Result<(), StoreError> {
    let ons4 = |i: usize| outcome.ons4.map(|v| i64::from(v[i]));
    let ucla = |i: usize| outcome.ucla.map(|v| i64::from(v[i]));
    sqlx::query(
        "INSERT INTO referral_outcomes (id, referral_id, stage, life_satisfaction, worthwhile, \
         happiness, anxiety, companionship, left_out, isolated, swemwbs_answers, recorded_by, \
         recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(crate::new_id())
    .bind(referral_id)
    .bind(outcome.stage.as_str())
    .bind(ons4(0))
    .bind(ons4(1))
    .bind(ons4(2))
    .bind(ons4(3))
    .bind(ucla(0))
    .bind(ucla(1))
    .bind(ucla(2))
    .bind(outcome.swemwbs.as_ref().map(super::swemwbs_digits))
    .bind(by)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}
