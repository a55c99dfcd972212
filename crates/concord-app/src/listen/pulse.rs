//! The partnership trust pulse's one pipeline, for pages, the API and the demo: rounds opened and
//! closed by administrators, answers from anyone holding a role in the organisation they answer
//! for (once a round), events to read the trend against, and the results, which exist only as
//! [`concord_store::pulse::Trend`]'s aggregates under the disclosure rule.

use concord_domain::pulse::{PulseDraft, PULSE_FLOOR};
use concord_domain::{Principal, ValidationErrors};
use concord_store::pulse::{self as store, Round};
use concord_store::{Actor, AuditEntry, Store, StoreError};
use serde::{Deserialize, Serialize};

/// A round as asked for.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = PulseRoundDraft)]
pub struct RoundDraft {
    /// Its title, for example "Quarter 3, 2026/27".
    #[serde(default)]
    pub title: String,
    /// First day for answers (YYYY-MM-DD).
    #[serde(default)]
    pub opens_on: String,
    /// Last day for answers (YYYY-MM-DD).
    #[serde(default)]
    pub closes_on: String,
}

/// An event as asked for.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = PulseEventDraft)]
pub struct EventDraft {
    /// When it happened (YYYY-MM-DD).
    #[serde(default)]
    pub happened_on: String,
    /// What happened.
    #[serde(default)]
    pub title: String,
    /// The organisations it involved most (up to 10).
    #[serde(default)]
    pub organisation_ids: Vec<String>,
}

/// The disclosure rule every pulse figure passed, in words, printed with every output.
pub fn rule() -> String {
    format!(
        "Every figure rests on {PULSE_FLOOR} or more respondents. Smaller groups are withheld, and so is any other figure from which a withheld one could be worked out (rows, columns and the overall add up). Results are shown only once a round has closed. Scores are means from 1 (strongly disagree) to 5 (strongly agree), to one decimal place."
    )
}

async fn refused<T>(
    store: &Store,
    actor: &Actor,
    action: &str,
    errors: ValidationErrors,
) -> Result<T, StoreError> {
    let entry = AuditEntry::success(actor, action, "pulse_round", None, "refused");
    store
        .audit_rejection(Err(StoreError::Invalid(errors)), entry)
        .await
}

/// Opens a round (administrators: the route's rule).
pub async fn open_round(
    store: &Store,
    actor: &Actor,
    draft: &RoundDraft,
) -> Result<String, StoreError> {
    let mut errors = ValidationErrors::default();
    errors.require_text("title", "a title", &draft.title, 120);
    let opens = errors.require_date("opens_on", "the first day for answers", &draft.opens_on);
    let closes = errors.require_date("closes_on", "the last day for answers", &draft.closes_on);
    if let (Some(o), Some(c)) = (opens, closes) {
        if c < o {
            errors.add("closes_on", "The last day must be on or after the first");
        }
        if (c - o).num_days() > 120 {
            errors.add(
                "closes_on",
                "A round of the pulse is open for at most 120 days",
            );
        }
    }
    match (opens, closes) {
        (Some(o), Some(c)) if errors.is_empty() => {
            store::open_round(store, actor, draft.title.trim(), o, c).await
        }
        _ => refused(store, actor, "pulse.open_round", errors).await,
    }
}

/// Closes a round: from now on its results are shown.
pub async fn close_round(store: &Store, actor: &Actor, id: &str) -> Result<(), StoreError> {
    store::round(store, id).await?;
    store::close_round(store, actor, id).await
}

/// The organisations `principal` may answer for: every one where they hold a role.
pub fn answering_for(principal: &Principal) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for g in &principal.grants {
        if !out.iter().any(|(id, _)| *id == g.organisation_id) {
            out.push((g.organisation_id.clone(), g.organisation_name.clone()));
        }
    }
    out
}

/// The partners an answer for `own` may rate: every other partner organisation (GP practices act
/// through their primary care network), by name.
pub async fn partners(store: &Store, own: &str) -> Result<Vec<(String, String)>, StoreError> {
    let mut all = concord_store::lookups::partner_organisations(store).await?;
    all.retain(|(id, _)| id != own);
    Ok(all)
}

/// The round open now, if any.
pub async fn open_now(store: &Store) -> Result<Option<Round>, StoreError> {
    Ok(store::rounds(store)
        .await?
        .into_iter()
        .find(|r| r.status == concord_domain::pulse::RoundStatus::Open))
}

/// Keeps `principal`'s answer to round `round_id`, for an organisation of theirs.
pub async fn answer(
    store: &Store,
    principal: &Principal,
    actor: &Actor,
    round_id: &str,
    draft: &PulseDraft,
) -> Result<(), StoreError> {
    let organisation_id = draft.organisation_id.trim();
    if !crate::authz::may_answer_pulse_for(Some(principal), organisation_id) {
        return refused(
            store,
            actor,
            "pulse.answer",
            ValidationErrors::single(
                "organisation_id",
                "Answer for an organisation where you hold a role",
            ),
        )
        .await;
    }
    let partners = partners(store, organisation_id).await?;
    match draft.validate(&partners) {
        Ok(answers) => store::answer(store, actor, round_id, organisation_id, &answers).await,
        Err(errors) => refused(store, actor, "pulse.answer", errors).await,
    }
}

/// Records an event (administrators: the route's rule).
pub async fn record_event(
    store: &Store,
    actor: &Actor,
    draft: &EventDraft,
) -> Result<String, StoreError> {
    let mut errors = ValidationErrors::default();
    errors.require_text("title", "what happened", &draft.title, 200);
    let on = errors.require_date("happened_on", "when it happened", &draft.happened_on);
    let organisations: Vec<String> = draft
        .organisation_ids
        .iter()
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect();
    if organisations.len() > 10 {
        errors.add("organisation_ids", "Name at most 10 organisations");
    }
    match on {
        Some(on) if errors.is_empty() => {
            store::add_event(store, actor, on, draft.title.trim(), &organisations).await
        }
        _ => refused(store, actor, "pulse.add_event", errors).await,
    }
}
