//! A person's own work, across every capability: what needs them today (responses their
//! organisation owes, status reports due, late milestones, actions, risks, improvement cycles,
//! worklists for clinicians) and what they follow (the programmes they lead, their boards' next
//! meetings). The home page, "My work" and the API's `/me/work` all read it from here.
//!
//! Rules stated to the reader: a status report is due when a programme's latest is more than
//! [`REPORT_EVERY_DAYS`] days old (or there is none); a milestone is late once its forecast date
//! has passed in UK time and it is not done; meetings are those of the next [`MEETINGS_AHEAD_DAYS`]
//! days.

use chrono::{DateTime, NaiveDate, Utc};
use concord_domain::consent::ProposalStatus;
use concord_domain::meeting::london_date;
use concord_domain::programme::DeliveryStatus;
use concord_domain::Principal;
use concord_store::boards::{self, BoardMember};
use concord_store::consent::{self, Proposal};
use concord_store::delivery::{self, Milestone};
use concord_store::meetings::{self, Meeting};
use concord_store::programmes::{self, Programme};
use concord_store::reports::{self, MyWork};
use concord_store::{population, strategy, Store, StoreError};

/// How often a programme's status is reported: monthly, so due after this many days.
pub const REPORT_EVERY_DAYS: i64 = 31;

/// How far ahead a board's meetings are shown.
pub const MEETINGS_AHEAD_DAYS: i64 = 42;

/// A proposal an organisation has not yet answered, which this person may answer for it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ResponseDue {
    /// The proposal.
    pub proposal: Proposal,
    /// The organisation whose response is awaited.
    pub organisation_id: String,
    /// Its name.
    pub organisation_name: String,
    /// Days until the proposal closes (negative once past).
    pub days_left: i64,
}

/// A programme this person leads whose status report is due.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReportDue {
    /// The programme.
    pub programme: Programme,
    /// The date of its latest status report, if it has one.
    pub last_reported: Option<String>,
}

/// The trust pulse's open round, which this person has not answered yet.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PulseDue {
    /// The round.
    pub round: concord_store::pulse::Round,
    /// Days until it closes (0 on its last day).
    pub days_left: i64,
}

/// A saved cohort whose worklist this person's practice can act on.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct WorklistLink {
    /// The cohort's id.
    pub cohort_id: String,
    /// Its name.
    pub cohort_name: String,
}

/// Everything that needs one person, and what they follow.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Work {
    /// Today in UK time, the day everything here is judged on.
    pub today: NaiveDate,
    /// Proposals awaiting a response this person may give.
    pub responses_due: Vec<ResponseDue>,
    /// Status reports due on programmes they lead.
    pub reports_due: Vec<ReportDue>,
    /// Milestones past their forecast date, not done, that they own or whose programme they lead.
    pub late_milestones: Vec<Milestone>,
    /// Their actions, risks, milestones and improvement cycles.
    pub mine: MyWork,
    /// Worklists of saved cohorts for their own practice (direct-care clinicians only).
    pub worklists: Vec<WorklistLink>,
    /// Programmes they lead, as senior responsible owner or manager.
    pub programmes: Vec<Programme>,
    /// Meetings of boards they sit on in the coming weeks.
    pub meetings: Vec<Meeting>,
    /// The trust pulse's open round, if they hold a role somewhere and have not answered it.
    pub pulse_due: Option<PulseDue>,
}

impl Work {
    /// How many things need the person now (the count on the home page).
    pub fn needs_you(&self) -> usize {
        self.responses_due.len()
            + self.reports_due.len()
            + self.late_milestones.len()
            + self.mine.overdue_actions()
            + usize::from(self.pulse_due.is_some())
    }

    /// True when nothing at all is on the person's list.
    pub fn is_empty(&self) -> bool {
        self.needs_you() == 0
            && self.mine.actions.is_empty()
            && self.mine.risks.is_empty()
            && self.mine.milestones.is_empty()
            && self.mine.cycles.is_empty()
            && self.worklists.is_empty()
            && self.programmes.is_empty()
            && self.meetings.is_empty()
    }
}

/// The work of `principal` at the instant `now`.
pub async fn of(
    store: &Store,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<Work, StoreError> {
    let person_id = principal.person_id.as_str();
    let today = london_date(now);
    let mine = reports::my_work(store, person_id, now).await?;
    let programmes: Vec<Programme> = programmes::list(store)
        .await?
        .into_iter()
        .filter(|p| p.sro_person_id == person_id || p.manager_person_id == person_id)
        .collect();
    let mut reports_due = Vec::new();
    let mut late_milestones: Vec<Milestone> = Vec::new();
    for programme in &programmes {
        let last_reported = programmes::history(store, &programme.id)
            .await?
            .into_iter()
            .filter(|h| h.kind == "report")
            .map(|h| h.as_of)
            .max();
        let due = last_reported
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .is_none_or(|d| (today - d).num_days() > REPORT_EVERY_DAYS);
        if due && programme.status == DeliveryStatus::Active {
            reports_due.push(ReportDue {
                programme: programme.clone(),
                last_reported,
            });
        }
        late_milestones.extend(delivery::milestones_of(store, &programme.id).await?);
    }
    late_milestones.extend(mine.milestones.iter().cloned());
    late_milestones.retain(|m| !m.is_done() && is_past(&m.forecast_on, today));
    late_milestones.sort_by(|a, b| a.forecast_on.cmp(&b.forecast_on).then(a.id.cmp(&b.id)));
    late_milestones.dedup_by(|a, b| a.id == b.id);
    let seats = boards::seats_of_person(store, person_id).await?;
    let pulse_due = match crate::listen::pulse::open_now(store).await? {
        Some(round)
            if !principal.grants.is_empty()
                && !concord_store::pulse::has_answered(store, &round.id, person_id).await? =>
        {
            let days_left = NaiveDate::parse_from_str(&round.closes_on, "%Y-%m-%d")
                .map_or(0, |d| (d - today).num_days());
            (days_left >= 0).then_some(PulseDue { round, days_left })
        }
        _ => None,
    };
    Ok(Work {
        pulse_due,
        today,
        responses_due: responses_due(store, principal, &seats, today).await?,
        reports_due,
        late_milestones,
        worklists: worklists(store, principal).await?,
        meetings: upcoming_meetings(store, &seats, today).await?,
        programmes,
        mine,
    })
}

fn is_past(date: &str, today: NaiveDate) -> bool {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok_and(|d| d < today)
}

/// Open proposals of boards the person sits on, for each organisation they act for that has not
/// answered the current version: exactly those the consent rule lets them answer.
async fn responses_due(
    store: &Store,
    principal: &Principal,
    seats: &[BoardMember],
    today: NaiveDate,
) -> Result<Vec<ResponseDue>, StoreError> {
    let mut due = Vec::new();
    for round in strategy::list(store).await? {
        for proposal in consent::for_round(store, &round.id).await? {
            if proposal.status != ProposalStatus::Open
                || !seats.iter().any(|s| s.board_id == proposal.board_id)
            {
                continue;
            }
            let responses = consent::responses(store, &proposal.id).await?;
            for grant in &principal.grants {
                let answered = responses.iter().any(|r| {
                    r.organisation_id == grant.organisation_id && r.version == proposal.version
                });
                let listed = due.iter().any(|d: &ResponseDue| {
                    d.proposal.id == proposal.id && d.organisation_id == grant.organisation_id
                });
                if answered || listed {
                    continue;
                }
                let days_left = NaiveDate::parse_from_str(&proposal.closes_on, "%Y-%m-%d")
                    .map_or(0, |d| (d - today).num_days());
                due.push(ResponseDue {
                    proposal: proposal.clone(),
                    organisation_id: grant.organisation_id.clone(),
                    organisation_name: grant.organisation_name.clone(),
                    days_left,
                });
            }
        }
    }
    due.sort_by_key(|d| d.days_left);
    Ok(due)
}

async fn worklists(store: &Store, principal: &Principal) -> Result<Vec<WorklistLink>, StoreError> {
    let clinician = principal
        .grants
        .iter()
        .any(|g| g.role == concord_domain::Role::DirectCareClinician);
    if !clinician {
        return Ok(Vec::new());
    }
    Ok(population::cohorts(store)
        .await?
        .into_iter()
        .map(|c| WorklistLink {
            cohort_id: c.id,
            cohort_name: c.name,
        })
        .collect())
}

async fn upcoming_meetings(
    store: &Store,
    seats: &[BoardMember],
    today: NaiveDate,
) -> Result<Vec<Meeting>, StoreError> {
    let mut meetings = Vec::new();
    for seat in seats {
        for meeting in meetings::meetings_of(store, &seat.board_id).await? {
            let soon = NaiveDate::parse_from_str(&meeting.held_on, "%Y-%m-%d")
                .is_ok_and(|d| d >= today && (d - today).num_days() <= MEETINGS_AHEAD_DAYS);
            if soon && !meetings.iter().any(|m: &Meeting| m.id == meeting.id) {
                meetings.push(meeting);
            }
        }
    }
    meetings.sort_by(|a, b| (&a.held_on, &a.starts_at).cmp(&(&b.held_on, &b.starts_at)));
    Ok(meetings)
}
