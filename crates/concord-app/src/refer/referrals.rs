//! Referrals' use cases: making one (a care team, for a person on its own practice's list; or a
//! person on the public form), seeing it, moving it through its lifecycle, and working a
//! caseload. Who a referral is about is seen only by the referring care team and, while the
//! referral is with it, by the service it was sent to; every such view is written to the audit
//! log **before** anything identifiable is served (a referral's page before it is even read; a
//! list with the id of every referral in it), and if that write fails nothing is served. The
//! service never sees the person's NHS number.

use crate::authz::{gp_practices_of, referral_side};
use crate::population::worklists::deprivation_decile;
use crate::population::Population;
use concord_domain::calendar::working_days_between;
use concord_domain::referral::caseload::ContactDraft;
use concord_domain::referral::lifecycle::{self, Side, MOVES};
use concord_domain::referral::outcome::OutcomeDraft;
use concord_domain::referral::{
    ReferralDraft, ReferralStatus, SelfReferralDraft, StatusChangeDraft, DEFAULT_REPLY_WORKING_DAYS,
};
use concord_domain::{Grant, Principal};
use concord_store::referrals::{
    self as store, RecordedOutcome, Referral, ReferralContact, ReferralEvent, ReferralHeader,
};
use concord_store::{Actor, AuditEntry, Store, StoreError};

/// A referral as one side sees it.
#[derive(Debug, Clone)]
pub struct ReferralView {
    /// The referral (for the service, without the NHS number).
    pub referral: Referral,
    /// The side the viewer acts for.
    pub side: Side,
    /// Its moves.
    pub events: Vec<ReferralEvent>,
    /// Its caseload contacts.
    pub contacts: Vec<ReferralContact>,
    /// Its outcome measures.
    pub outcomes: Vec<RecordedOutcome>,
    /// The moves the viewer may make now.
    pub moves: Vec<ReferralStatus>,
    /// Working days waiting for a reply, when past the limit.
    pub overdue: Option<u32>,
}

/// A referral in a list, with its flag.
#[derive(Debug, Clone)]
pub struct ReferralRow {
    /// The referral (for the service, without the NHS number).
    pub referral: Referral,
    /// Working days waiting for a reply, when past the limit.
    pub overdue: Option<u32>,
}

/// A person's referrals: those their care teams made and those with their services.
#[derive(Debug, Clone, Default)]
pub struct Caseload {
    /// Made by the person's organisations (open ones, unless all were asked for).
    pub made: Vec<ReferralRow>,
    /// With the person's services to act on.
    pub received: Vec<ReferralRow>,
    /// Whether the person may make referrals (a direct-care clinician of a GP practice).
    pub may_refer: bool,
    /// Whether the person acts for a referring care team at all.
    pub refers: bool,
    /// Whether the person acts for a service at all.
    pub serves: bool,
    /// The most each list shows ([`concord_store::referrals::MAX_LISTED`]), when one has more.
    pub truncated_at: Option<usize>,
}

/// The day it is in the UK now.
fn today() -> chrono::NaiveDate {
    concord_domain::format::uk_date(chrono::Utc::now())
}

/// Working days a referral has waited for a reply, when more than the limit allows.
pub fn overdue(header: &ReferralHeader, today: chrono::NaiveDate) -> Option<u32> {
    if !header.status.awaits_reply() {
        return None;
    }
    let sent = header
        .sent_at
        .as_deref()
        .and_then(concord_store::parse_timestamp)?;
    let waited = working_days_between(concord_domain::format::uk_date(sent), today);
    (waited > DEFAULT_REPLY_WORKING_DAYS).then_some(waited)
}

/// What the service may see: everything but the NHS number.
fn for_side(mut referral: Referral, side: Side) -> Referral {
    if side == Side::Service {
        referral.person.nhs_number = None;
    }
    referral
}

fn refused() -> StoreError {
    StoreError::Forbidden(
        "Only the care team that made this referral, and the service while it is with them, may see it"
            .into(),
    )
}

/// Referral `id`, for one who may see it: the view is audited first.
pub async fn view(
    store: &Store,
    principal: &Principal,
    id: &str,
) -> Result<ReferralView, StoreError> {
    let header = store::header(store, id).await?;
    let (side, grant) = referral_side(Some(principal), &header, None).ok_or_else(refused)?;
    audit_view(
        store,
        principal,
        &grant,
        "referral.view",
        Some(id),
        side_label(side),
    )
    .await?;
    let referral = for_side(store::get(store, id).await?, side);
    let moves = lifecycle::moves_from(referral.header.status, side);
    Ok(ReferralView {
        overdue: overdue(&referral.header, today()),
        events: store::events(store, id).await?,
        contacts: store::contacts(store, id).await?,
        outcomes: store::outcomes(store, id).await?,
        moves,
        side,
        referral,
    })
}

fn side_label(side: Side) -> &'static str {
    match side {
        Side::Referrer => "as the referring care team",
        Side::Service => "as the receiving service",
    }
}

/// Writes the audit entry for a view of identifiable referral data; fails closed.
async fn audit_view(
    store: &Store,
    principal: &Principal,
    grant: &Grant,
    action: &str,
    id: Option<&str>,
    detail: &str,
) -> Result<(), StoreError> {
    let actor = Actor::person(principal, Some(grant));
    store
        .audit_only(AuditEntry::success(
            &actor,
            action,
            "referral",
            id,
            detail.to_string(),
        ))
        .await
        .map_err(|err| StoreError::NotRecorded(Box::new(err)))
}

/// The organisations where `principal` holds a direct-care or VCSE role: those whose
/// referrals (made, or received) they work on.
fn organisations_with(principal: &Principal, roles: &[concord_domain::Role]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for grant in &principal.grants {
        if roles.contains(&grant.role) && !out.contains(&grant.organisation_id) {
            out.push(grant.organisation_id.clone());
        }
    }
    out
}

/// The person's caseload: referrals their care teams made and those with their services.
/// Audited first; someone with neither role is refused.
pub async fn caseload(
    store: &Store,
    principal: &Principal,
    include_closed: bool,
) -> Result<Caseload, StoreError> {
    use concord_domain::Role;
    let referring = organisations_with(principal, &[Role::DirectCareClinician]);
    let serving = organisations_with(principal, &[Role::DirectCareClinician, Role::VcseWorker]);
    if referring.is_empty() && serving.is_empty() {
        return Err(StoreError::Forbidden(
            "Referrals are seen by direct-care clinicians and VCSE workers, for their own organisations"
                .into(),
        ));
    }
    let grant = principal
        .grants
        .iter()
        .find(|g| matches!(g.role, Role::DirectCareClinician | Role::VcseWorker))
        .expect("one of the roles is held")
        .clone();
    // The lists are read, then their view is recorded, naming every referral in them, before
    // anything is served; if that cannot be recorded nothing is.
    let mut made = store::for_referrer(store, &referring, !include_closed).await?;
    let mut received = store::for_service(store, &serving).await?;
    let max = concord_store::referrals::MAX_LISTED;
    let truncated_at = (made.len() > max || received.len() > max).then_some(max);
    made.truncate(max);
    received.truncate(max);
    let ids = |list: &[Referral]| -> String {
        list.iter()
            .map(|r| r.header.id.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    audit_view(
        store,
        principal,
        &grant,
        "referral.list",
        None,
        &format!(
            "caseload{}: made [{}]; received [{}]",
            if include_closed {
                " with closed referrals"
            } else {
                ""
            },
            ids(&made),
            ids(&received)
        ),
    )
    .await?;
    let today = today();
    let rows = |referrals: Vec<Referral>, side: Side| -> Vec<ReferralRow> {
        referrals
            .into_iter()
            .map(|r| ReferralRow {
                overdue: overdue(&r.header, today),
                referral: for_side(r, side),
            })
            .collect()
    };
    let practices = gp_practices_of(store, Some(principal)).await?;
    Ok(Caseload {
        made: rows(made, Side::Referrer),
        received: rows(received, Side::Service),
        may_refer: crate::authz::may_make_referral(Some(principal), &practices),
        refers: !referring.is_empty(),
        serves: !serving.is_empty(),
        truncated_at,
    })
}

/// Makes a referral for a person on one of the referrer's own practices' lists, carrying their
/// neighbourhood's deprivation decile from `population` when it is known. Returns its id.
pub async fn make(
    store: &Store,
    population: &Population,
    principal: &Principal,
    draft: &ReferralDraft,
) -> Result<String, StoreError> {
    let referral = draft.validate()?;
    // Only the practices where the person is a direct-care clinician: a partner lead of one
    // practice who is a clinician at another refers only the other's patients.
    let practices: Vec<String> = gp_practices_of(store, Some(principal))
        .await?
        .into_iter()
        .filter(|p| {
            principal
                .grant_in(concord_domain::Role::DirectCareClinician, p)
                .is_some()
        })
        .collect();
    if !crate::authz::may_make_referral(Some(principal), &practices) {
        return Err(StoreError::Forbidden(
            "Referrals are made by a GP practice's direct-care clinicians, for their own registered patients"
                .into(),
        ));
    }
    let Some(practice) = store::registered_at(store, &practices, &referral.nhs_number).await?
    else {
        return Err(StoreError::invalid(
            "nhs_number",
            "This person is not on your practice's registered list",
        ));
    };
    if !referral.draft {
        if let Some(sent) =
            store::open_referral_of(store, &practice, &referral.nhs_number, &referral.service_id)
                .await?
        {
            return Err(StoreError::invalid(
                "service_id",
                format!(
                    "This person already has an open referral to this service (made {}): look at it in Referrals rather than sending another",
                    concord_domain::format::stored(&sent)
                ),
            ));
        }
    }
    if let Some(cohort) = &referral.cohort_id {
        let known = cohort.len() <= 64
            && concord_store::population::cohort(store, cohort)
                .await
                .is_ok();
        if !known {
            return Err(StoreError::invalid(
                "cohort_id",
                "The worklist this person was found on is not known",
            ));
        }
    }
    let grant = principal
        .grant_in(concord_domain::Role::DirectCareClinician, &practice)
        .cloned();
    let actor = Actor::person(principal, grant.as_ref());
    let code = concord_store::organisations::get(store, &practice)
        .await?
        .code;
    // The figures do without the decile rather than the person without their referral.
    let decile = deprivation_decile(population, &code, &referral.nhs_number)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!("a referral's deprivation decile could not be read: {e}");
            None
        });
    store::create_for_care_team(store, &actor, &practice, &referral, decile).await
}

/// Makes a referral from a FHIR R4 ServiceRequest
/// ([`super::fhir::draft_from_service_request`]), by the rules of [`make`]; a refusal names the
/// request's elements. Returns its id.
pub async fn make_from_fhir(
    store: &Store,
    population: &Population,
    principal: &Principal,
    request: &serde_json::Value,
) -> Result<String, StoreError> {
    let draft = super::fhir::draft_from_service_request(request).map_err(StoreError::Invalid)?;
    make(store, population, principal, &draft)
        .await
        .map_err(|err| match err {
            StoreError::Invalid(errors) => StoreError::Invalid(super::fhir::at_fhir_paths(errors)),
            other => other,
        })
}

/// Records a person's referral of themselves to `service_id`, from `client` (an address, for
/// slowing down a flood; not kept with the referral). Returns its id.
pub async fn self_refer(
    store: &Store,
    service_id: &str,
    draft: &SelfReferralDraft,
    client: &str,
) -> Result<String, StoreError> {
    let referral = draft.validate()?;
    store::create_self(store, service_id, &referral, client).await
}

/// The side that makes the move from `from` to `to`, if any side may.
fn side_for(from: ReferralStatus, to: ReferralStatus) -> Option<Side> {
    MOVES
        .iter()
        .find(|m| m.from == from && m.to == to)
        .map(|m| m.by)
}

/// Moves referral `id` as `draft` asks, for one who acts for the side that makes that move.
/// Returns the status it left.
pub async fn change(
    store: &Store,
    principal: &Principal,
    id: &str,
    draft: &StatusChangeDraft,
) -> Result<ReferralStatus, StoreError> {
    let change = draft.validate()?;
    let header = store::header(store, id).await?;
    if header.status == ReferralStatus::Draft
        && change.to == ReferralStatus::Requested
        && !draft.consent
    {
        return Err(StoreError::invalid(
            "consent",
            "Record that the person agreed to share these details with the service before sending it",
        ));
    }
    let (seen_as, _) = referral_side(Some(principal), &header, None).ok_or_else(refused)?;
    let side = side_for(header.status, change.to).unwrap_or(seen_as);
    let (side, grant) = referral_side(Some(principal), &header, Some(side)).ok_or_else(|| {
        StoreError::invalid(
            "status",
            lifecycle::check(header.status, change.to, seen_as)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default(),
        )
    })?;
    let actor = Actor::person(principal, Some(&grant));
    store::change_status(store, &actor, id, side, &change).await
}

/// Records a contact on referral `id`, for either side while it is open.
pub async fn add_contact(
    store: &Store,
    principal: &Principal,
    id: &str,
    draft: &ContactDraft,
) -> Result<(), StoreError> {
    let contact = draft.validate(today())?;
    let header = store::header(store, id).await?;
    let (side, grant) = referral_side(Some(principal), &header, None).ok_or_else(refused)?;
    let actor = Actor::person(principal, Some(&grant));
    store::add_contact(store, &actor, id, side, &contact).await
}

/// Records outcome measures on referral `id`, for either side while it is open (SWEMWBS only
/// where `settings` hold its licence).
pub async fn record_outcome(
    store: &Store,
    settings: &super::settings::ReferSettings,
    principal: &Principal,
    id: &str,
    draft: &OutcomeDraft,
) -> Result<(), StoreError> {
    let outcome = draft.validate(settings.swemwbs_licensed())?;
    let header = store::header(store, id).await?;
    let (_, grant) = referral_side(Some(principal), &header, None).ok_or_else(refused)?;
    let actor = Actor::person(principal, Some(&grant));
    store::record_outcome(store, &actor, id, &outcome).await
}

/// A service's record of replying, over the last year: "usually replies in N working days;
/// M% of referrals accepted". None when fewer than [`MIN_REPLIES`] referrals have had a reply
/// (too few to say).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplyRecord {
    /// Referrals sent in the year.
    pub sent: usize,
    /// Of them, replied to.
    pub replied: usize,
    /// The median working days from sending to a reply.
    pub median_working_days: u32,
    /// The share of replies that accepted, 0 to 1.
    pub accepted_share: f64,
}

/// Replies needed before a service's record is stated (the disclosure rule's default
/// threshold, so a record never rests on a handful of people).
pub const MIN_REPLIES: usize = 10;

/// The record from (sent, replied, accepted) triples (RFC 3339 times).
pub fn reply_record(replies: &[(String, Option<String>, bool)]) -> Option<ReplyRecord> {
    let mut days: Vec<u32> = Vec::new();
    let mut accepted = 0;
    for (sent, replied, was_accepted) in replies {
        let (Some(sent), Some(replied)) = (
            concord_store::parse_timestamp(sent),
            replied.as_deref().and_then(concord_store::parse_timestamp),
        ) else {
            continue;
        };
        days.push(working_days_between(
            concord_domain::format::uk_date(sent),
            concord_domain::format::uk_date(replied),
        ));
        accepted += usize::from(*was_accepted);
    }
    if days.len() < MIN_REPLIES {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    // Of the middle two, the slower: "usually replies in" never flatters.
    let median = if n % 2 == 1 {
        days[n / 2]
    } else {
        days[n / 2].max(days[n / 2 - 1])
    };
    Some(ReplyRecord {
        sent: replies.len(),
        replied: n,
        median_working_days: median,
        accepted_share: accepted as f64 / n as f64,
    })
}

/// Service `service_id`'s reply record over the last 365 days.
pub async fn service_record(
    store: &Store,
    service_id: &str,
) -> Result<Option<ReplyRecord>, StoreError> {
    let since = concord_store::format_timestamp(chrono::Utc::now() - chrono::Duration::days(365));
    Ok(reply_record(
        &store::replies(store, service_id, &since).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32) -> String {
        format!("2026-11-{day:02}T10:00:00Z")
    }

    #[test]
    fn a_record_needs_ten_replies_and_counts_working_days() {
        // Sent Monday 2 November 2026; replies on the 3rd (1 working day), 4th (2), 5th (3),
        // 6th (4) and 9th (5, over a weekend), each twice: ten replies, six accepted. The middle
        // two are 3 and 3.
        let mut replies: Vec<(String, Option<String>, bool)> = Vec::new();
        for (i, day) in [3, 4, 5, 6, 9, 3, 4, 5, 6, 9].into_iter().enumerate() {
            replies.push((at(2), Some(at(day)), i < 6));
        }
        replies.push((at(2), None, false));
        let record = reply_record(&replies).unwrap();
        assert_eq!(record.sent, 11);
        assert_eq!(record.replied, 10);
        assert_eq!(record.median_working_days, 3);
        assert!((record.accepted_share - 0.6).abs() < 1e-12);
        assert_eq!(reply_record(&replies[..9]), None);
        // An even count takes the slower of the middle two: 1, 1, 1, 1, 2, 5, 5, 5, 5, 5.
        let uneven: Vec<_> = [3, 3, 3, 3, 4, 9, 9, 9, 9, 9]
            .into_iter()
            .map(|day| (at(2), Some(at(day)), true))
            .collect();
        assert_eq!(reply_record(&uneven).unwrap().median_working_days, 5);
    }
}
