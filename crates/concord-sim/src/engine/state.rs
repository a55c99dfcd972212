//! What the engine keeps per node while a replication runs, and what it hands back.

use crate::model::{Model, Node, Staffing};
use crate::stats::{IntervalMeans, Quantiles, Running, Series, TimeWeighted};
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;

/// The wait percentiles every node reports.
pub const PERCENTILES: [f64; 4] = [50.0, 90.0, 92.0, 95.0];

/// A node's results over time, one value per interval of the model's `report_every`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSeries {
    /// The average number waiting.
    pub waiting: Vec<f64>,
    /// Busy over on duty (NaN when nobody was on duty).
    pub utilisation: Vec<f64>,
    /// The mean wait of those who started service (NaN when nobody did).
    pub wait: Vec<f64>,
}

/// What one node saw in one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeTally {
    /// Arrivals in the window (refused ones included).
    pub arrivals: u64,
    /// Arrivals refused because the node was full.
    pub refused: u64,
    /// Arrivals in the window who started service.
    pub seen: u64,
    /// Waits before service of those who arrived in the window.
    pub wait: Running,
    /// Wait percentiles ([`PERCENTILES`]) of those who arrived in the window.
    pub wait_percentiles: [f64; 4],
    /// Time in the node of those who arrived in the window and left.
    pub time_in_node: Running,
    /// The average number waiting over the window.
    pub queue_length: f64,
    /// The number waiting at the end.
    pub waiting_at_end: u64,
    /// The average number being served over the average number on duty.
    pub utilisation: f64,
    /// The average number still being served by staff whose session had ended.
    pub overtime: f64,
    /// Waits before service per class, of those who arrived in the window.
    pub class_wait: Vec<Running>,
    /// Of those, per class, how many started service within their class's target.
    pub class_within_target: Vec<u64>,
    /// Arrivals in the window who gave up waiting.
    pub reneged: u64,
    /// Arrivals in the window who did not attend when their turn came.
    pub did_not_attend: u64,
    /// Contacts in the window: services started and appointments missed.
    pub contacts: u64,
    /// Staff-sessions of the roster in the window.
    pub staff_sessions: u64,
    /// Staff on duty times time, over the window.
    pub staff_time: f64,
    /// Results over time, when asked for.
    pub series: Option<NodeSeries>,
}

/// What happened, for an event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceKind {
    /// Arrived at the node.
    Arrive,
    /// Refused: the node was full.
    Refused,
    /// Started service.
    Start,
    /// Finished service.
    Finish,
    /// Did not attend; the slot is lost.
    DidNotAttend,
    /// The lost slot's time is over.
    SlotEnd,
    /// Gave up waiting.
    Reneged,
    /// Staff on duty changed (the person field is the number now on duty).
    OnDuty,
}

/// One line of an event log.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct TraceEvent {
    /// When.
    pub time: f64,
    /// Where (the node's index).
    pub node: u32,
    /// What.
    pub kind: TraceKind,
    /// Who (a slot number, reused once they leave), or the number on duty.
    pub person: u32,
}

/// The most lines an event log keeps.
pub const MAX_TRACE: usize = 10_000_000;

/// What one replication saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// Events simulated, warm-up included.
    pub events: u64,
    /// Per node, in the model's order.
    pub nodes: Vec<NodeTally>,
    /// Time in the system of those who entered in the window and left.
    pub time_in_system: Running,
    /// The event log, when asked for (at most [`MAX_TRACE`] lines).
    pub trace: Option<Vec<TraceEvent>>,
}

/// Results over time as they are gathered.
pub(super) struct SeriesState {
    pub waiting: Series,
    pub serving: Series,
    pub on_duty: Series,
    pub wait: IntervalMeans,
}

pub(super) struct NodeState {
    /// Staff on duty change (a roster): overtime can happen.
    pub rostered: bool,
    pub busy: u32,
    pub on_duty: u32,
    /// The next day of the roster to expand, and the changes in staff still to come.
    pub roster_day: i64,
    pub pending: VecDeque<(f64, u32)>,
    /// One queue per priority level, most urgent first: (person, ticket).
    pub queues: Vec<VecDeque<(u32, u64)>>,
    pub queued: usize,
    pub patience: ChaCha8Rng,
    pub service: ChaCha8Rng,
    pub routing: ChaCha8Rng,
    pub attendance: ChaCha8Rng,
    pub arrivals: u64,
    pub refused: u64,
    pub seen: u64,
    pub reneged: u64,
    pub did_not_attend: u64,
    pub contacts: u64,
    pub staff_sessions: u64,
    pub wait: Running,
    pub quantiles: Quantiles,
    pub class_wait: Vec<Running>,
    pub class_within_target: Vec<u64>,
    pub time_in_node: Running,
    pub queue_level: TimeWeighted,
    pub serving_level: TimeWeighted,
    pub overtime_level: TimeWeighted,
    pub on_duty_level: TimeWeighted,
    pub series: Option<SeriesState>,
}

impl NodeState {
    pub fn new(
        model: &Model,
        node: &Node,
        streams: impl Fn(&str) -> ChaCha8Rng,
        series: bool,
    ) -> Self {
        let warm_up = model.run.warm_up;
        let end = warm_up + model.run.length;
        let levels = model.classes.iter().map(|c| c.level + 1).max().unwrap_or(1);
        let on_duty = match node.staffing {
            Staffing::Roster(_) => 0,
            _ => node.servers,
        };
        let mut on_duty_level = TimeWeighted::new(warm_up);
        on_duty_level.set(0.0, f64::from(on_duty));
        let every = model.run.report_every;
        NodeState {
            rostered: matches!(node.staffing, Staffing::Roster(_)),
            busy: 0,
            on_duty,
            roster_day: 0,
            pending: VecDeque::new(),
            queues: vec![VecDeque::new(); levels],
            queued: 0,
            patience: streams("patience"),
            service: streams("service"),
            routing: streams("routing"),
            attendance: streams("attendance"),
            arrivals: 0,
            refused: 0,
            seen: 0,
            reneged: 0,
            did_not_attend: 0,
            contacts: 0,
            staff_sessions: 0,
            wait: Running::default(),
            quantiles: Quantiles::default(),
            class_wait: vec![Running::default(); model.classes.len()],
            class_within_target: vec![0; model.classes.len()],
            time_in_node: Running::default(),
            queue_level: TimeWeighted::new(warm_up),
            serving_level: TimeWeighted::new(warm_up),
            overtime_level: TimeWeighted::new(warm_up),
            on_duty_level,
            series: series.then(|| {
                let mut on_duty_series = Series::new(every, end);
                on_duty_series.set(0.0, f64::from(on_duty));
                SeriesState {
                    waiting: Series::new(every, end),
                    serving: Series::new(every, end),
                    on_duty: on_duty_series,
                    wait: IntervalMeans::new(every, end),
                }
            }),
        }
    }

    /// The number waiting changed.
    #[inline]
    pub fn queue_changed(&mut self, now: f64) {
        self.queue_level.set(now, self.queued as f64);
        if let Some(s) = &mut self.series {
            s.waiting.set(now, self.queued as f64);
        }
    }

    /// The number busy or on duty changed.
    #[inline]
    pub fn busy_changed(&mut self, now: f64) {
        let serving = self.busy.min(self.on_duty);
        self.serving_level.set(now, f64::from(serving));
        if self.rostered {
            self.overtime_level
                .set(now, f64::from(self.busy.saturating_sub(self.on_duty)));
        }
        if let Some(s) = &mut self.series {
            s.serving.set(now, f64::from(serving));
        }
    }

    /// Staff on duty changed.
    pub fn on_duty_changed(&mut self, now: f64) {
        self.on_duty_level.set(now, f64::from(self.on_duty));
        if let Some(s) = &mut self.series {
            s.on_duty.set(now, f64::from(self.on_duty));
        }
        self.busy_changed(now);
    }

    /// The node's tally at the end of the run.
    pub fn tally(&mut self, node: &Node, end: f64, length: f64) -> NodeTally {
        let serving = self.serving_level.average(end);
        let on_duty = self.on_duty_level.average(end);
        let staff_time = match node.staffing {
            Staffing::Caseload { staff, .. } => f64::from(staff) * length,
            _ => on_duty * length,
        };
        let series = self.series.as_mut().map(|s| {
            let serving = s.serving.averages(end);
            let on_duty = s.on_duty.averages(end);
            NodeSeries {
                waiting: s.waiting.averages(end),
                utilisation: serving
                    .iter()
                    .zip(&on_duty)
                    .map(|(b, d)| if *d > 0.0 { b / d } else { f64::NAN })
                    .collect(),
                wait: s.wait.means(),
            }
        });
        NodeTally {
            arrivals: self.arrivals,
            refused: self.refused,
            seen: self.seen,
            wait: self.wait,
            wait_percentiles: PERCENTILES.map(|p| self.quantiles.quantile(p / 100.0)),
            time_in_node: self.time_in_node,
            queue_length: self.queue_level.average(end),
            waiting_at_end: self.queued as u64,
            utilisation: if on_duty > 0.0 {
                serving / on_duty
            } else {
                f64::NAN
            },
            overtime: self.overtime_level.average(end),
            class_wait: self.class_wait.clone(),
            class_within_target: self.class_within_target.clone(),
            reneged: self.reneged,
            did_not_attend: self.did_not_attend,
            contacts: self.contacts,
            staff_sessions: self.staff_sessions,
            staff_time,
            series,
        }
    }
}
