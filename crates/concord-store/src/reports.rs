//! Highlight reports, board packs and "my work": read models assembled from live data.
//!
//! Everything here is read as the viewer may see it: confidential items the viewer may not read are
//! left out and counted, so a pack says how much was withheld.

use crate::boards::{self, Board, BoardMember};
use crate::db::Store;
use crate::delivery::{self, Benefit, Milestone};
use crate::error::StoreError;
use crate::improvement::{self, PdsaCycle};
use crate::meetings::{self, ActionItem, AgendaItem, BoardDecision, Meeting, Visible};
use crate::programmes::{self, HistoryEntry, Programme};
use crate::raid::{self, Risk};
use chrono::{DateTime, Utc};
use concord_domain::meeting::{london_date, AgendaPurpose, ConfidentialityScope};
use concord_domain::BoardKind;
use serde::Serialize;

/// How many risks a highlight report lists.
pub const TOP_RISKS: usize = 5;
/// How many status reports the RAG trend shows.
pub const RAG_TREND_LENGTH: usize = 6;

/// A programme's highlight report.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct HighlightReport {
    /// The programme.
    pub programme: Programme,
    /// The latest status reports, oldest first (at most [`RAG_TREND_LENGTH`]).
    pub rag_trend: Vec<HistoryEntry>,
    /// Progress in the latest report.
    pub latest_progress: String,
    /// Milestones not yet done, and those done in the last 90 days, by forecast date.
    pub milestones: Vec<Milestone>,
    /// The highest-scoring open risks the viewer may read.
    pub top_risks: Vec<Risk>,
    /// How many open risks there are in all (readable ones).
    pub open_risks: usize,
    /// Agenda items for decision about this programme not yet decided.
    pub decisions_needed: Vec<AgendaItem>,
    /// Benefits with their readings so far.
    pub benefits: Vec<Benefit>,
    /// Decisions boards have made about the programme, latest first.
    pub recent_decisions: Vec<BoardDecision>,
    /// How many confidential risks and decisions were left out for this viewer.
    pub withheld: usize,
}

/// Assembles a programme's highlight report as the viewer may read it. `pending` is the agenda
/// items for decision awaiting a board (from the meeting the report is for, if any).
pub async fn highlight(
    store: &Store,
    viewer: &ConfidentialityScope,
    programme: Programme,
    pending: &[AgendaItem],
    now: DateTime<Utc>,
) -> Result<HighlightReport, StoreError> {
    let history = programmes::history(store, &programme.id).await?;
    let latest_progress = history
        .iter()
        .rev()
        .find(|h| h.kind == "report")
        .map(|h| h.progress.clone())
        .unwrap_or_default();
    let trend_from = history.len().saturating_sub(RAG_TREND_LENGTH);
    let rag_trend = history[trend_from..].to_vec();
    let today = london_date(now);
    let recent = (today - chrono::Duration::days(90))
        .format("%Y-%m-%d")
        .to_string();
    let milestones = delivery::milestones_of(store, &programme.id)
        .await?
        .into_iter()
        .filter(|m| {
            m.completed_on
                .as_deref()
                .is_none_or(|c| c >= recent.as_str())
        })
        .collect();
    let (open, withheld_risks) = raid::open_risks_counted(store, viewer, &programme.id).await?;
    let open_risks = open.len();
    let top_risks = open.into_iter().take(TOP_RISKS).collect();
    let decisions_needed = pending
        .iter()
        .filter(|i| i.programme_id.as_deref() == Some(programme.id.as_str()))
        .filter(|i| i.purpose == AgendaPurpose::Decision && !i.decided)
        .cloned()
        .collect();
    let benefits = delivery::benefits_of(store, &programme.id).await?;
    let decisions = meetings::decisions_of_programme(store, viewer, &programme.id).await?;
    let mut recent_decisions = decisions.items;
    recent_decisions.truncate(3);
    Ok(HighlightReport {
        programme,
        rag_trend,
        latest_progress,
        milestones,
        top_risks,
        open_risks,
        decisions_needed,
        benefits,
        recent_decisions,
        withheld: withheld_risks + decisions.withheld,
    })
}

/// A board pack for one meeting.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BoardPack {
    /// The meeting.
    pub meeting: Meeting,
    /// The board.
    pub board: Board,
    /// Its members.
    pub members: Vec<BoardMember>,
    /// Apologies received from members.
    pub apologies: Vec<crate::board_packs::Apology>,
    /// Interests declared for the meeting or its items.
    pub declarations: Vec<crate::board_packs::Declaration>,
    /// The agenda, as the viewer may read it.
    pub agenda: Vec<AgendaItem>,
    /// Agenda items for decision: what the meeting is asked to decide (marked if since decided).
    pub decisions_needed: Vec<AgendaItem>,
    /// Decisions recorded at this meeting.
    pub decisions: Vec<BoardDecision>,
    /// Decisions recorded at the board's previous meeting.
    pub previous_decisions: Vec<BoardDecision>,
    /// The previous meeting, if any.
    pub previous_meeting: Option<Meeting>,
    /// The board's open actions, overdue first.
    pub open_actions: Vec<ActionItem>,
    /// A highlight report for each programme the board governs or has on its agenda.
    pub programmes: Vec<HighlightReport>,
    /// Risks escalated to the system board (for the ICB board and the partnership).
    pub escalated_risks: Vec<Risk>,
    /// How many confidential items were left out for this viewer.
    pub withheld: usize,
    /// What-if scenarios shown with the agenda's items, with their latest results' headlines.
    pub scenarios: Vec<crate::design::PackScenario>,
    /// The partnership trust pulse's latest closed round (for the ICB board and the
    /// partnership), if one has closed.
    pub trust_pulse: Option<crate::pulse::PackPulse>,
    /// When the pack was generated (UTC).
    pub generated_at: String,
}

/// Assembles the board pack for a meeting from live data, as the viewer may read it.
pub async fn board_pack(
    store: &Store,
    viewer: &ConfidentialityScope,
    meeting_id: &str,
    now: DateTime<Utc>,
) -> Result<BoardPack, StoreError> {
    let meeting = meetings::get(store, meeting_id).await?;
    let board = boards::get(store, &meeting.board_id).await?;
    let members = boards::members(store, &board.id).await?;
    let Visible {
        items: agenda,
        withheld: agenda_withheld,
    } = meetings::agenda(store, viewer, &meeting).await?;
    // Everything on the agenda for decision: what the meeting is asked to decide, whether or not
    // it has been decided since (the pack marks those).
    let decisions_needed = agenda
        .iter()
        .filter(|i| i.purpose == AgendaPurpose::Decision)
        .cloned()
        .collect();
    let decisions = meetings::decisions_of_meeting(store, viewer, &meeting.id).await?;
    let previous_meeting = meetings::previous(store, &meeting).await?;
    let previous = match &previous_meeting {
        Some(p) => meetings::decisions_of_meeting(store, viewer, &p.id).await?,
        None => Visible {
            items: Vec::new(),
            withheld: 0,
        },
    };
    let mut open_actions = meetings::open_actions_of_board(store, &board.id, now).await?;
    open_actions.sort_by_key(|a| (!a.overdue, a.due_on.clone()));
    let mut governed = programmes::governed_by(store, &board.id).await?;
    for item in &agenda {
        if let Some(id) = &item.programme_id {
            if !governed.iter().any(|p| &p.id == id) {
                governed.push(programmes::get(store, id).await?);
            }
        }
    }
    let mut reports = Vec::with_capacity(governed.len());
    for programme in governed {
        reports.push(highlight(store, viewer, programme, &agenda, now).await?);
    }
    let system_board = matches!(
        board.kind,
        BoardKind::IcbBoard | BoardKind::IntegratedCarePartnership
    );
    let escalated_risks = if system_board {
        raid::escalated_to_system(store, viewer).await?
    } else {
        Vec::new()
    };
    let trust_pulse = if system_board {
        crate::pulse::for_pack(store).await?
    } else {
        None
    };
    // Only the scenarios of items this viewer may read.
    let scenarios = crate::design::for_meeting(store, &meeting.id)
        .await?
        .into_iter()
        .filter(|s| agenda.iter().any(|i| i.id == s.agenda_item_id))
        .collect();
    Ok(BoardPack {
        scenarios,
        trust_pulse,
        withheld: agenda_withheld
            + decisions.withheld
            + previous.withheld
            + reports.iter().map(|r| r.withheld).sum::<usize>(),
        meeting,
        board,
        members,
        agenda,
        decisions_needed,
        decisions: decisions.items,
        previous_decisions: previous.items,
        apologies: crate::board_packs::apologies(store, meeting_id).await?,
        declarations: crate::board_packs::declarations(store, meeting_id).await?,
        previous_meeting,
        open_actions,
        escalated_risks,
        programmes: reports,
        generated_at: crate::format_timestamp(now),
    })
}

/// What a person has to do, across every organisation they work in.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MyWork {
    /// Open actions, soonest due first.
    pub actions: Vec<ActionItem>,
    /// Open risks they own.
    pub risks: Vec<Risk>,
    /// Milestones they own not yet done.
    pub milestones: Vec<Milestone>,
    /// PDSA cycles they run, not yet decided.
    pub cycles: Vec<PdsaCycle>,
}

impl MyWork {
    /// How many actions are overdue.
    pub fn overdue_actions(&self) -> usize {
        self.actions.iter().filter(|a| a.overdue).count()
    }
}

/// Assembles a person's work.
pub async fn my_work(
    store: &Store,
    person_id: &str,
    now: DateTime<Utc>,
) -> Result<MyWork, StoreError> {
    let viewer = meetings::scope_of(store, person_id).await?;
    Ok(MyWork {
        actions: meetings::actions_owned_by(store, person_id, now).await?,
        risks: raid::risks_owned_by(store, &viewer, person_id).await?,
        milestones: delivery::milestones_owned_by(store, person_id).await?,
        cycles: improvement::cycles_owned_by(store, person_id, london_date(now)).await?,
    })
}
