//! A person's referrals and one referral's page: who it is about (for the referring care team,
//! and for the service while it is with them; every view audited first), its history, what may
//! happen next, the caseload's contacts and next steps, and outcome measures (ONS4 and UCLA-3).

use crate::auth::Visitor;
use crate::authz::Permit;
use crate::error::PageError;
use crate::extract::{Context, PageForm, Params};
use crate::ui::form::{parse, settle, Field, Posted};
use crate::ui::notice::{Next, Notice};
use crate::ui::{filters, render, Choice, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concord_app::refer::referrals::{self as use_case, Caseload, ReferralView};
use concord_app::refer::settings::ReferSettings;
use concord_domain::referral::caseload::{ContactDraft, ContactKind};
use concord_domain::referral::lifecycle::needs_reason;
use concord_domain::referral::outcome::{
    Ons4Item, OutcomeDraft, OutcomeStage, UclaItem, UCLA_ANSWERS, UCLA_HIGHER_LONELINESS,
};
use concord_domain::referral::swemwbs::ANSWERS as SWEMWBS_ANSWERS;
use concord_domain::referral::{
    CapacityReply, ReferralReason, ReferralStatus, Side, StatusChangeDraft,
};
use concord_domain::ValidationErrors;
use concord_store::referrals::RecordedOutcome;
use serde::Deserialize;

/// An NHS number as people read it, 3 3 4 (as the population engine writes one); anything else
/// as it is.
pub fn spaced_nhs(digits: &str) -> String {
    concord_population::nhs_number::NhsNumber::parse(digits)
        .map_or_else(|_| digits.to_string(), |n| n.to_string())
}

/// The caseload's filter.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CaseloadQuery {
    /// "yes": the team's closed referrals too.
    pub closed: String,
}

#[derive(Template)]
#[template(path = "refer/referrals.html")]
struct CaseloadPage {
    layout: Layout,
    caseload: Caseload,
    include_closed: bool,
    reply_days: u32,
}

impl CaseloadPage {
    fn nhs(&self, digits: &str) -> String {
        spaced_nhs(digits)
    }
}

/// `GET /referrals`: referrals with the person's services, and those their teams made. The view
/// is audited first.
pub async fn caseload(
    Context(state, visitor, permit): Context,
    Params(query): Params<CaseloadQuery>,
) -> Result<Response, PageError> {
    let include_closed = query.closed == "yes";
    let caseload = use_case::caseload(&state.store, permit.person(), include_closed).await?;
    Ok(render(&CaseloadPage {
        layout: Layout::new(&state, &visitor, &permit, "Referrals", "referrals"),
        caseload,
        include_closed,
        reply_days: concord_domain::referral::DEFAULT_REPLY_WORKING_DAYS,
    }))
}

/// An outcome as shown: each ONS4 item with its band, and the UCLA-3 total.
pub struct OutcomeLine {
    /// When in the referral.
    pub stage: &'static str,
    /// "Life satisfaction 7 (high)" and so on.
    pub ons4: Vec<String>,
    /// "6 of 9 (higher loneliness, 6 to 9)".
    pub ucla: Option<String>,
    /// SWEMWBS's metric and raw scores, where the system is licensed.
    pub swemwbs: Option<String>,
    /// Who recorded it, and when.
    pub recorded_by: String,
    /// When (RFC 3339).
    pub recorded_at: String,
}

fn outcome_line(outcome: &RecordedOutcome, settings: &ReferSettings) -> OutcomeLine {
    OutcomeLine {
        stage: outcome.stage.label(),
        ons4: outcome
            .ons4
            .map(|scores| {
                Ons4Item::ALL
                    .iter()
                    .zip(scores)
                    .map(|(item, score)| {
                        format!(
                            "{} {score} ({})",
                            item.short_name(),
                            item.band(score).label().to_lowercase()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        ucla: outcome.ucla.map(|items| {
            let total: u8 = items.iter().sum();
            let band = if total >= UCLA_HIGHER_LONELINESS {
                "higher loneliness: 6 to 9, a common convention"
            } else {
                "3 to 5"
            };
            format!("{total} on a scale of 3 to 9 ({band})")
        }),
        swemwbs: outcome
            .swemwbs
            .as_ref()
            .and_then(|answers| settings.swemwbs_scores(answers)),
        recorded_by: outcome.recorded_by.clone(),
        recorded_at: outcome.recorded_at.clone(),
    }
}

#[derive(Template)]
#[template(path = "refer/referral.html")]
struct ReferralPage {
    layout: Layout,
    view: ReferralView,
    errors: ValidationErrors,
    status_fields: Vec<Field>,
    contact_fields: Vec<Field>,
    outcome_fields: Vec<Field>,
    outcomes: Vec<OutcomeLine>,
    ucla_answers: String,
}

impl ReferralPage {
    fn error_for(&self, field: &Field) -> Option<&str> {
        self.errors.for_field(&field.name)
    }

    fn is_referrer(&self) -> bool {
        self.view.side == Side::Referrer
    }

    fn has_errors_in(&self, fields: &[Field]) -> bool {
        fields
            .iter()
            .any(|f| self.errors.for_field(&f.name).is_some())
    }

    fn contact_errors(&self) -> bool {
        self.has_errors_in(&self.contact_fields)
    }

    fn outcome_errors(&self) -> bool {
        self.has_errors_in(&self.outcome_fields)
    }

    /// An NHS number as people read it: 3 3 4.
    fn nhs(&self, digits: &str) -> String {
        spaced_nhs(digits)
    }

    fn may_record(&self) -> bool {
        self.view.referral.header.status.with_service()
    }
}

fn value<'a>(posted: &'a Posted, name: &str) -> &'a str {
    posted
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The move's wording as a choice: "Accept", "Decline", and so on.
fn move_words(to: ReferralStatus, side: Side) -> &'static str {
    match (to, side) {
        (ReferralStatus::Requested, _) => "Send it to the service",
        (ReferralStatus::Received, _) => "Acknowledge: we have it and will reply",
        (ReferralStatus::Accepted, _) => "Accept",
        (ReferralStatus::Rejected, _) => "Decline",
        (ReferralStatus::InProgress, _) => "Start supporting the person (first contact made)",
        (ReferralStatus::OnHold, _) => "Put on hold",
        (ReferralStatus::Completed, _) => "Complete",
        (ReferralStatus::Failed, _) => "End without completing",
        (ReferralStatus::Cancelled, _) => "Cancel the referral",
        (ReferralStatus::EnteredInError, _) => "Withdraw: made in error",
        (ReferralStatus::Draft, _) => "Keep as a draft",
    }
}

fn forms(
    view: &ReferralView,
    posted: &Posted,
    swemwbs: bool,
) -> (Vec<Field>, Vec<Field>, Vec<Field>) {
    let moves: Vec<Choice> = view
        .moves
        .iter()
        .map(|to| {
            (
                to.as_str().to_string(),
                move_words(*to, view.side).to_string(),
            )
        })
        .collect();
    let any_reason = view.moves.iter().any(|m| needs_reason(*m));
    let accepting = view.moves.contains(&ReferralStatus::Accepted);
    let mut status = vec![Field::select(
        "status",
        "Choose what happens",
        moves,
        value(posted, "status"),
        "Choose one",
    )];
    if accepting {
        let capacities: Vec<Choice> = CapacityReply::choices()
            .into_iter()
            .filter(|(code, _)| code != CapacityReply::NoCapacity.as_str())
            .collect();
        status.push(Field::select(
            "capacity",
            "When accepting: has the service a place?",
            capacities,
            value(posted, "capacity"),
            "Choose one",
        ));
    }
    if any_reason {
        status.push(Field::select(
            "reason",
            "Reason (only to decline, cancel, put on hold, end or withdraw)",
            ReferralReason::choices(),
            value(posted, "reason"),
            "Choose a reason",
        ));
    }
    if view.moves.contains(&ReferralStatus::Requested) {
        status.push(Field::of_checkbox(
            "consent",
            "When sending: the person agreed to share these details with the service",
            value(posted, "consent") == "true",
        ));
    }
    status.push(Field::input(
        "note",
        "Note (optional)",
        "The referrer and the service both see this",
        "text",
        value(posted, "note"),
    ));
    let today = concord_domain::format::uk_date(chrono::Utc::now()).to_string();
    let contact_on = match value(posted, "contact_on") {
        "" => today.as_str(),
        given => given,
    };
    let contact = vec![
        Field::input("contact_on", "Day of the contact", "", "date", contact_on),
        Field::select(
            "kind",
            "How",
            ContactKind::choices(),
            value(posted, "kind"),
            "Choose one",
        ),
        Field::textarea(
            "what_happened",
            "What happened",
            value(posted, "what_happened"),
        ),
        Field::input(
            "next_step",
            "Next step (optional)",
            "",
            "text",
            value(posted, "next_step"),
        ),
        Field::input(
            "next_step_due",
            "Next step due (optional)",
            "",
            "date",
            value(posted, "next_step_due"),
        ),
    ];
    let scores = |range: std::ops::RangeInclusive<u8>| -> Vec<Choice> {
        range.map(|s| (s.to_string(), s.to_string())).collect()
    };
    let mut outcome = vec![Field::select(
        "stage",
        "When were these asked",
        OutcomeStage::choices(),
        value(posted, "stage"),
        "Choose one",
    )];
    for item in Ons4Item::ALL {
        outcome.push(Field::select(
            item.as_str(),
            item.label(),
            scores(0..=10),
            value(posted, item.as_str()),
            "Not answered",
        ));
    }
    let ucla: Vec<Choice> = UCLA_ANSWERS
        .iter()
        .map(|(s, l)| (s.to_string(), l.to_string()))
        .collect();
    for item in UclaItem::ALL {
        outcome.push(Field::select(
            item.as_str(),
            item.label(),
            ucla.clone(),
            value(posted, item.as_str()),
            "Not answered",
        ));
    }
    if swemwbs {
        // The statements' wording is the licence-holders': it is read from the licensed copy.
        let answers: Vec<Choice> = SWEMWBS_ANSWERS
            .iter()
            .map(|(s, l)| (s.to_string(), format!("{l} ({s})")))
            .collect();
        for n in 1..=7 {
            let name = format!("swemwbs_{n}");
            outcome.push(Field::select(
                &name,
                &format!("SWEMWBS statement {n} (as worded in your licensed copy)"),
                answers.clone(),
                value(posted, &name),
                "Not answered",
            ));
        }
    }
    (status, contact, outcome)
}

async fn referral_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    posted: &Posted,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let view = use_case::view(&state.store, permit.person(), id).await?;
    let (status_fields, contact_fields, outcome_fields) =
        forms(&view, posted, state.refer.swemwbs_licensed());
    let name = format!(
        "{} {}",
        view.referral.person.given_name, view.referral.person.family_name
    );
    let failed = !errors.is_empty();
    let page = ReferralPage {
        layout: Layout::new(
            state,
            visitor,
            permit,
            format!("Referral of {name}"),
            "referrals",
        )
        .with_errors(&errors),
        outcomes: view
            .outcomes
            .iter()
            .map(|o| outcome_line(o, &state.refer))
            .collect(),
        ucla_answers: UCLA_ANSWERS
            .iter()
            .map(|(s, l)| format!("{l} = {s}"))
            .collect::<Vec<_>>()
            .join(", "),
        view,
        errors,
        status_fields,
        contact_fields,
        outcome_fields,
    };
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /referrals/{id}`: the referral, for the care team that made it or the service while it
/// is theirs (the view is audited first).
pub async fn show(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    referral_page(
        &state,
        &visitor,
        &permit,
        &id,
        &Vec::new(),
        ValidationErrors::default(),
    )
    .await
}

/// `POST /referrals/{id}/status`: moves the referral, if the lifecycle allows it and the person
/// acts for the side that makes that move.
pub async fn change_status(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let draft: StatusChangeDraft = parse(&form, &[])?;
    settle(
        use_case::change(&state.store, permit.person(), &id, &draft).await,
        |_| Next::to(format!("/referrals/{id}"), Notice::ReferralUpdated),
        |errors| referral_page(&state, &visitor, &permit, &id, &form, errors),
    )
    .await
}

/// `POST /referrals/{id}/contacts`: records a contact and the next step.
pub async fn add_contact(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let draft: ContactDraft = parse(&form, &[])?;
    settle(
        use_case::add_contact(&state.store, permit.person(), &id, &draft).await,
        |()| Next::to(format!("/referrals/{id}#contacts"), Notice::ContactRecorded),
        |errors| referral_page(&state, &visitor, &permit, &id, &form, errors),
    )
    .await
}

/// `POST /referrals/{id}/outcomes`: records ONS4 and UCLA-3 answers.
pub async fn record_outcome(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let draft: OutcomeDraft = parse(&form, &[])?;
    settle(
        use_case::record_outcome(&state.store, &state.refer, permit.person(), &id, &draft).await,
        |()| {
            Next::to(
                format!("/referrals/{id}#outcomes"),
                Notice::OutcomesRecorded,
            )
        },
        |errors| referral_page(&state, &visitor, &permit, &id, &form, errors),
    )
    .await
}
