//! Referrals' past, loaded whole: referrals made, moved, worked and measured before they came
//! to Concord (from a previous social prescribing system, or the demo's year). Each is checked
//! as if it had happened here: the person on the referring practice's list, the service taking
//! referrals, every move one the lifecycle allows to the side that made it, in time order. All
//! are written in one transaction, or none.

use super::write::{
    age_on, insert_event, need_label, receiving_service, registered_patient, side_name, NewRow,
};
use crate::audit::{Actor, AuditEntry};
use crate::{format_timestamp, Store, StoreError};
use chrono::{DateTime, Utc};
use concord_directory::index::postcode_district;
use concord_domain::referral::caseload::Contact;
use concord_domain::referral::draft::CareTeamReferral;
use concord_domain::referral::lifecycle::{self, Side};
use concord_domain::referral::outcome::Outcome;
use concord_domain::referral::{ReferralSource, ReferralStatus, StatusChange};

/// A move made in the past.
#[derive(Debug, Clone)]
pub struct PastMove {
    /// When.
    pub at: DateTime<Utc>,
    /// Which side made it.
    pub side: Side,
    /// What it was.
    pub change: StatusChange,
    /// Who made it.
    pub by_name: String,
}

/// A referral made in the past, with what happened to it.
#[derive(Debug, Clone)]
pub struct PastReferral {
    /// The referring GP practice.
    pub practice_id: String,
    /// The referral as made (sent when made unless a draft).
    pub referral: CareTeamReferral,
    /// Who made it: their person id, if they are in Concord, and name.
    pub referred_by: (Option<String>, String),
    /// When it was made.
    pub made_at: DateTime<Utc>,
    /// The person's deprivation decile (1 most deprived), if known.
    pub deprivation_decile: Option<u8>,
    /// Its moves, in order.
    pub moves: Vec<PastMove>,
    /// Contacts: when recorded, by whom, what.
    pub contacts: Vec<(DateTime<Utc>, String, Contact)>,
    /// Outcome measures: when recorded, by whom, what.
    pub outcomes: Vec<(DateTime<Utc>, String, Outcome)>,
}

fn refused(index: usize, message: impl std::fmt::Display) -> StoreError {
    StoreError::invalid("referrals", format!("Referral {}: {message}", index + 1))
}

/// Loads `referrals` whole, or none of them, naming the first that cannot be (by its place in
/// the list). Returns how many were loaded.
pub async fn load_history(
    store: &Store,
    actor: &Actor,
    referrals: &[PastReferral],
) -> Result<usize, StoreError> {
    let entry = AuditEntry::success(
        actor,
        "referral.history",
        "referral",
        None,
        format!("{} past referrals loaded", referrals.len()),
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            for (index, past) in referrals.iter().enumerate() {
                let referral = &past.referral;
                if referral.draft {
                    return Err(refused(index, "a past referral is one that was sent, not a draft"));
                }
                if [past.practice_id.as_str(), referral.nhs_number.as_str()].iter().any(|v| v.contains('\0')) {
                    return Err(refused(index, "the practice or NHS number is not valid"));
                }
                let patient =
                    registered_patient(tx.conn(), &past.practice_id, &referral.nhs_number).await?;
                let Some(patient) = patient else {
                    return Err(refused(index, "the person is not on the practice's registered list"));
                };
                let (service_name, receiving) = receiving_service(tx.conn(), &referral.service_id)
                    .await
                    .map_err(|e| refused(index, e))?;
                let need = need_label(tx.conn(), referral.need.as_deref())
                    .await
                    .map_err(|e| refused(index, e))?;
                // Replay the moves: each allowed, in time order.
                let mut status = if referral.draft {
                    ReferralStatus::Draft
                } else {
                    ReferralStatus::Requested
                };
                let mut last = past.made_at;
                for m in &past.moves {
                    lifecycle::check(status, m.change.to, m.side).map_err(|e| refused(index, e))?;
                    if m.at < last {
                        return Err(refused(index, "its moves are not in time order"));
                    }
                    status = m.change.to;
                    last = m.at;
                }
                let id = crate::new_id();
                let made = format_timestamp(past.made_at);
                let consent_at = (!referral.draft).then(|| made.clone());
                NewRow {
                    id: &id,
                    source: ReferralSource::CareTeam,
                    service_id: &referral.service_id,
                    service_name: &service_name,
                    receiving: &receiving,
                    referring: Some(&past.practice_id),
                    referred_by: (past.referred_by.0.as_deref(), Some(&past.referred_by.1)),
                    cohort_id: referral.cohort_id.as_deref(),
                    nhs_number: Some(&referral.nhs_number),
                    name: (&patient.given_name, &patient.family_name),
                    age: age_on(&patient.birth_date, past.made_at.date_naive()),
                    sex: Some(&patient.sex),
                    postcode_district: postcode_district(&patient.postcode),
                    deprivation_decile: past.deprivation_decile.map(i64::from),
                    ethnicity: patient.ethnic_group,
                    contact: &referral.contact,
                    need: (referral.need.as_deref(), need.as_deref()),
                    reason: &referral.reason,
                    priority: referral.priority,
                    consent: (consent_at.as_ref().map(|_| past.referred_by.1.as_str()), consent_at.as_deref()),
                    status: if referral.draft { ReferralStatus::Draft } else { ReferralStatus::Requested },
                    authored_on: &made,
                }
                .insert(tx.conn())
                .await?;
                let maker = Actor::system(&past.referred_by.1);
                let first = if referral.draft { ReferralStatus::Draft } else { ReferralStatus::Requested };
                insert_event(tx.conn(), &id, None, first, None, "", None, "referrer", &maker, &made).await?;
                let mut from = first;
                let at = |t: &DateTime<Utc>| format_timestamp(*t);
                let first_at = |wanted: &[ReferralStatus]| {
                    past.moves.iter().find(|m| wanted.contains(&m.change.to)).map(|m| at(&m.at))
                };
                for m in &past.moves {
                    let by = Actor::system(&m.by_name);
                    insert_event(
                        tx.conn(),
                        &id,
                        Some(from),
                        m.change.to,
                        m.change.reason.map(|r| r.as_str()),
                        &m.change.note,
                        m.change.capacity.map(|c| c.as_str()),
                        side_name(m.side),
                        &by,
                        &at(&m.at),
                    )
                    .await?;
                    from = m.change.to;
                }
                let last_move = past.moves.last();
                sqlx::query(
                    "UPDATE referrals SET status = $1, status_reason = $2, status_note = $3, capacity_reply = $4, \
                     replied_at = $5, first_contact_at = $6, closed_at = $7, last_modified = $8 WHERE id = $9",
                )
                .bind(status.as_str())
                .bind(last_move.and_then(|m| m.change.reason).map(|r| r.as_str()))
                .bind(last_move.filter(|m| m.change.reason.is_some()).map(|m| m.change.note.clone()))
                .bind(past.moves.iter().rev().find_map(|m| m.change.capacity).map(|c| c.as_str()))
                .bind(first_at(&[ReferralStatus::Accepted, ReferralStatus::Rejected]))
                .bind(first_at(&[ReferralStatus::InProgress]))
                .bind(status.is_closed().then(|| at(&last)))
                .bind(at(&last))
                .bind(&id)
                .execute(tx.conn())
                .await?;
                for (when, by, contact) in &past.contacts {
                    let by = Actor::system(by);
                    super::write::insert_contact(tx.conn(), &id, contact, Side::Service, &by, &at(when))
                        .await?;
                }
                for (when, by, outcome) in &past.outcomes {
                    super::write::insert_outcome(tx.conn(), &id, outcome, by, &at(when)).await?;
                }
            }
            tx.commit(entry).await?;
            Ok(referrals.len())
        })
        .await
}
