//! Notifications: working out who needs telling about what ([`sweep`]), and sending the e-mails
//! ([`mail`]). The occasions come from the same place as each person's home page
//! ([`crate::work::of`]), so a notification never says something the person's work does not show:
//! a consent response asked of their organisation (and again when it closes soon), an action
//! assigned to them (and again when it is overdue), a programme's status report or a risk's review
//! due, a risk escalated to a board they sit on, a proposal of their board decided, a what-if
//! run they asked for finished (or failed), a referral waiting for their service's reply (and
//! overdue), a service's reply to a referral they made, and the trust pulse's round open and not
//! yet answered.
//!
//! Working the occasions out again is harmless: each is recorded once per person
//! ([`concord_store::notifications::record`]), so a sweep can run every few minutes.

pub mod mail;

use crate::work::{self, Work};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use concord_domain::consent::ProposalStatus;
use concord_domain::design::RunStatus;
use concord_domain::format;
use concord_domain::notification::{
    shortened, NotificationKind as Kind, Occasion, CLOSING_SOON_DAYS, MAX_TITLE_CHARS,
    RISK_REVIEW_EVERY_DAYS,
};
use concord_domain::raid::{EscalationLevel, RaidStatus};
use concord_domain::BoardKind;
use concord_store::consent::Proposal;
use concord_store::notifications::{self, Recipient};
use concord_store::raid::{self, Risk};
use concord_store::{
    boards, consent, design, meetings, people, programmes, referrals, strategy, Store, StoreError,
};

/// A decided proposal is told to its board's members for this many days after the decision.
pub const DECIDED_NEWS_DAYS: i64 = 14;

/// A what-if run that has ended is told to whoever asked for it for this many days after.
pub const RUN_NEWS_DAYS: i64 = 14;

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// People considered.
    pub people: usize,
    /// Notifications written.
    pub notifications: usize,
    /// E-mails queued.
    pub emails: usize,
}

/// Works out every person's occasions at `now` and records the new ones (queueing e-mails when
/// `email_enabled`).
pub async fn sweep(
    store: &Store,
    now: DateTime<Utc>,
    email_enabled: bool,
) -> Result<SweepReport, StoreError> {
    let decided = recently_decided(store, now).await?;
    let mut report = SweepReport::default();
    for recipient in notifications::recipients(store).await? {
        let occasions = occasions_of(store, &recipient, &decided, now).await?;
        let done = notifications::record(store, &recipient, &occasions, email_enabled).await?;
        report.people += 1;
        report.notifications += done.notifications;
        report.emails += done.emails;
    }
    Ok(report)
}

/// Proposals decided in the last [`DECIDED_NEWS_DAYS`] days.
async fn recently_decided(store: &Store, now: DateTime<Utc>) -> Result<Vec<Proposal>, StoreError> {
    let since = concord_store::format_timestamp(now - Duration::days(DECIDED_NEWS_DAYS));
    let mut decided = Vec::new();
    for round in strategy::list(store).await? {
        decided.extend(
            consent::for_round(store, &round.id)
                .await?
                .into_iter()
                .filter(|p| p.status != ProposalStatus::Open)
                .filter(|p| {
                    p.decided_at
                        .as_deref()
                        .is_some_and(|at| at >= since.as_str())
                }),
        );
    }
    Ok(decided)
}

/// Everything `recipient` should be told of at `now`.
pub async fn occasions_of(
    store: &Store,
    recipient: &Recipient,
    decided: &[Proposal],
    now: DateTime<Utc>,
) -> Result<Vec<Occasion>, StoreError> {
    let Some(principal) = people::principal(store, &recipient.person_id).await? else {
        return Ok(Vec::new());
    };
    let work = work::of(store, &principal, now).await?;
    let mut told = Told {
        person_id: &recipient.person_id,
        list: Vec::new(),
    };
    responses(&mut told, &work);
    actions(&mut told, &work);
    reports(&mut told, &work);
    pulse(&mut told, &work);
    reviews(store, &mut told, &work).await?;
    escalations(store, &mut told).await?;
    runs_ended(store, &mut told, now).await?;
    referrals(store, &mut told, &principal, now).await?;
    let seats = boards::seats_of_person(store, &recipient.person_id).await?;
    for proposal in decided {
        if seats.iter().any(|s| s.board_id == proposal.board_id) {
            told.add(
                Kind::ProposalClosed,
                format!("proposal:{}:decided", proposal.id),
                format!("{}: {}", proposal.status.label(), proposal.title),
                format!(
                    "{} has decided the proposal \u{201c}{}\u{201d}: {}.",
                    proposal.board_name,
                    proposal.title,
                    proposal.status.label().to_lowercase()
                ),
                format!("/proposals/{}", proposal.id),
            );
        }
    }
    Ok(told.list)
}

/// The occasions being gathered for one person.
struct Told<'a> {
    person_id: &'a str,
    list: Vec<Occasion>,
}

impl Told<'_> {
    fn add(&mut self, kind: Kind, key: String, title: String, body: String, link: String) {
        self.list.push(Occasion {
            person_id: self.person_id.to_string(),
            kind,
            key,
            title: shortened(&title, MAX_TITLE_CHARS),
            body,
            link,
        });
    }
}

fn responses(told: &mut Told, work: &Work) {
    for due in &work.responses_due {
        let p = &due.proposal;
        let key = format!("proposal:{}:v{}:{}", p.id, p.version, due.organisation_id);
        let closes = format::stored_day(&p.closes_on);
        told.add(
            Kind::ConsentRequested,
            key.clone(),
            format!("Response asked: {}", p.title),
            format!(
                "{} asks {} to consent to or object to \u{201c}{}\u{201d} by {closes}.",
                p.board_name, due.organisation_name, p.title
            ),
            format!("/proposals/{}", p.id),
        );
        if (0..=CLOSING_SOON_DAYS).contains(&due.days_left) {
            told.add(
                Kind::ProposalClosingSoon,
                format!("{key}:closing"),
                format!(
                    "Closes {}: {}",
                    format::days_from_today(due.days_left),
                    p.title
                ),
                format!(
                    "{} has not yet responded to \u{201c}{}\u{201d}, which closes on {closes}.",
                    due.organisation_name, p.title
                ),
                format!("/proposals/{}", p.id),
            );
        }
    }
}

fn actions(told: &mut Told, work: &Work) {
    for action in &work.mine.actions {
        let link = match (&action.meeting_id, &action.programme_id) {
            (Some(meeting), _) => format!("/meetings/{meeting}"),
            (None, Some(programme)) => format!("/programmes/{programme}"),
            (None, None) => "/my-work".to_string(),
        };
        let set_by = action
            .board_name
            .as_deref()
            .map(|b| format!("Set by {b}. "))
            .unwrap_or_default();
        let due = format::stored_day(&action.due_on);
        told.add(
            Kind::ActionAssigned,
            format!("action:{}", action.id),
            format!("Action for you: {}", action.title),
            format!("{set_by}Due {due}."),
            link.clone(),
        );
        if action.overdue {
            told.add(
                Kind::ActionOverdue,
                format!("action:{}:overdue:{}", action.id, action.due_on),
                format!("Overdue: {}", action.title),
                format!("{set_by}It was due {due}."),
                link,
            );
        }
    }
}

async fn runs_ended(
    store: &Store,
    told: &mut Told<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let since = concord_store::format_timestamp(now - Duration::days(RUN_NEWS_DAYS));
    for run in design::ended_for_person(store, told.person_id, &since).await? {
        let (title, body) = match run.status {
            RunStatus::Failed => (
                format!("Run failed: {}", run.scenario_title),
                format!(
                    "The run of \u{201c}{}\u{201d} you asked for failed: {}",
                    run.scenario_title,
                    run.error.as_deref().unwrap_or("no reason was recorded")
                ),
            ),
            _ => (
                format!("Results ready: {}", run.scenario_title),
                format!(
                    "The run of \u{201c}{}\u{201d} you asked for has finished.{}",
                    run.scenario_title,
                    run.headline
                        .iter()
                        .map(|line| match line.ends_with('.') {
                            true => format!(" {line}"),
                            false => format!(" {line}."),
                        })
                        .collect::<String>()
                ),
            ),
        };
        told.add(
            Kind::RunEnded,
            format!("design_run:{}:ended", run.id),
            title,
            body,
            format!("/design/runs/{}", run.id),
        );
    }
    Ok(())
}

/// Referrals waiting for the person's services' reply (and again once overdue), and replies to
/// referrals the person made in the last [`RUN_NEWS_DAYS`] days. Nothing says who a referral is
/// about: that is seen, and audited, only on the referral's page.
async fn referrals(
    store: &Store,
    told: &mut Told<'_>,
    principal: &concord_domain::Principal,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use crate::authz::referral_side;
    use concord_domain::referral::Side;
    let today = concord_domain::format::uk_date(now);
    let mut organisations: Vec<String> = principal
        .grants
        .iter()
        .map(|g| g.organisation_id.clone())
        .collect();
    organisations.sort();
    organisations.dedup();
    for header in referrals::waiting_for_reply(store, &organisations).await? {
        if referral_side(Some(principal), &header, Some(Side::Service)).is_none() {
            continue;
        }
        let from = header
            .referring_organisation_name
            .clone()
            .unwrap_or_else(|| "the person themselves".into());
        let sent = header
            .sent_at
            .as_deref()
            .map(format::stored_day)
            .unwrap_or_default();
        let link = format!("/referrals/{}", header.id);
        told.add(
            Kind::ReferralWaiting,
            format!("referral:{}:waiting", header.id),
            format!("New referral to {}", header.service_name),
            format!(
                "Sent on {sent} by {from}, waiting for your reply. Open it in Concord to see who it is about and to accept or decline it."
            ),
            link.clone(),
        );
        if let Some(days) = crate::refer::referrals::overdue(&header, today) {
            told.add(
                Kind::ReferralOverdue,
                format!("referral:{}:overdue", header.id),
                format!(
                    "Waiting {days} working days: a referral to {}",
                    header.service_name
                ),
                format!(
                    "A referral sent on {sent} by {from} has had no reply for {days} working days."
                ),
                link,
            );
        }
    }
    let since = concord_store::format_timestamp(now - Duration::days(RUN_NEWS_DAYS));
    for header in referrals::replied_to(store, told.person_id, &since).await? {
        if referral_side(Some(principal), &header, Some(Side::Referrer)).is_none() {
            continue;
        }
        let reply = match header.status {
            concord_domain::referral::ReferralStatus::Rejected => "declined",
            _ => "accepted",
        };
        told.add(
            Kind::ReferralReplied,
            format!("referral:{}:replied", header.id),
            format!("{} {reply} your referral", header.service_name),
            format!(
                "{} has {reply} a referral you made. Open it in Concord to see their reply.",
                header.receiving_organisation_name
            ),
            format!("/referrals/{}", header.id),
        );
    }
    Ok(())
}

fn pulse(told: &mut Told, work: &Work) {
    if let Some(due) = &work.pulse_due {
        told.add(
            Kind::PulseOpen,
            format!("pulse:{}", due.round.id),
            format!("The partnership trust pulse is open: {}", due.round.title),
            format!(
                "Tell us how your organisation's partnerships are going, in about five minutes, by {}. Nobody, an administrator included, can see which answer is yours.",
                format::stored_day(&due.round.closes_on)
            ),
            format!("/pulse/rounds/{}/answer", due.round.id),
        );
    }
}

fn reports(told: &mut Told, work: &Work) {
    for due in &work.reports_due {
        let last = due.last_reported.as_deref().unwrap_or("none");
        let since = match &due.last_reported {
            Some(date) => format!("The last was on {}.", format::stored_day(date)),
            None => "It has none yet.".to_string(),
        };
        told.add(
            Kind::ReportDue,
            format!("report:{}:{last}", due.programme.id),
            format!("Status report due: {}", due.programme.name),
            format!("{} reports its status monthly. {since}", due.programme.name),
            format!("/programmes/{}/report/new", due.programme.id),
        );
    }
}

async fn reviews(store: &Store, told: &mut Told<'_>, work: &Work) -> Result<(), StoreError> {
    for risk in &work.mine.risks {
        let last = raid::reviews(store, &risk.id)
            .await?
            .into_iter()
            .map(|r| r.reviewed_on)
            .max()
            .unwrap_or_else(|| risk.updated_at.chars().take(10).collect());
        let Ok(last_day) = NaiveDate::parse_from_str(&last, "%Y-%m-%d") else {
            continue;
        };
        if (work.today - last_day).num_days() <= RISK_REVIEW_EVERY_DAYS {
            continue;
        }
        told.add(
            Kind::ReviewDue,
            format!("risk:{}:review:{last}", risk.id),
            format!("Risk review due: {}", risk_title(risk)),
            format!(
                "Risks are reviewed monthly; this one was last reviewed or changed on {}.",
                format::stored_day(&last)
            ),
            format!(
                "/programmes/{}/risks/{}/review/new",
                risk.programme_id, risk.id
            ),
        );
    }
    Ok(())
}

/// Open risks escalated to a board the person sits on: to a programme board, the risks of the
/// programmes it governs; to the system board (the ICB board or the partnership), risks escalated
/// to the system. Only risks the person may read are told.
async fn escalations(store: &Store, told: &mut Told<'_>) -> Result<(), StoreError> {
    let viewer = meetings::scope_of(store, told.person_id).await?;
    let mut risks: Vec<Risk> = Vec::new();
    for seat in boards::seats_of_person(store, told.person_id).await? {
        for programme in programmes::governed_by(store, &seat.board_id).await? {
            risks.extend(
                raid::risks_of(store, &viewer, &programme.id)
                    .await?
                    .into_iter()
                    .filter(|r| {
                        r.level == EscalationLevel::Programme && r.status == RaidStatus::Open
                    }),
            );
        }
        let board = boards::get(store, &seat.board_id).await?;
        if matches!(
            board.kind,
            BoardKind::IcbBoard | BoardKind::IntegratedCarePartnership
        ) {
            risks.extend(raid::escalated_to_system(store, &viewer).await?);
        }
    }
    for risk in risks {
        let key = format!("risk:{}:escalated:{}", risk.id, risk.level.as_str());
        if told.list.iter().any(|o| o.key == key) {
            continue;
        }
        let reason = if risk.confidential {
            ""
        } else {
            risk.escalation_reason.trim()
        };
        told.add(
            Kind::RiskEscalated,
            key,
            format!(
                "Escalated to {}: {}",
                risk.level.label().to_lowercase(),
                risk_title(&risk)
            ),
            format!(
                "A {} risk (score {}) on {} was escalated. {reason}",
                risk.band.label().to_lowercase(),
                risk.score,
                risk.programme_name,
            )
            .trim_end()
            .to_string(),
            format!("/programmes/{}/risks", risk.programme_id),
        );
    }
    Ok(())
}

/// A risk's title, withheld when the risk is confidential (e-mails leave Concord).
fn risk_title(risk: &Risk) -> String {
    if risk.confidential {
        format!("a confidential risk on {}", risk.programme_name)
    } else {
        risk.title.clone()
    }
}
