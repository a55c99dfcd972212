//! One replication: a discrete-event simulation on an event heap, ties broken first in, first out.
//!
//! Nothing is kept per person beyond the people in the system now (their slots are reused), and
//! statistics are gathered online over the collection window `[warm_up, warm_up + length]`: a
//! person's wait counts if they arrived at the node in the window; levels (queue length, busy
//! servers) are averaged over the window.
//!
//! Random numbers come from one stream per source of randomness (a source's arrivals, a node's
//! service times, routing, patience and attendance), each named by what it is for, so two
//! scenarios that differ only in one node see exactly the same arrivals (common random numbers).
//!
//! Staff come on and off duty by their node's roster: nobody starts service when no one is on
//! duty, and whoever is being seen when a session ends is seen to the end (overtime). Someone who
//! does not attend loses their slot: the server is held for a service time with nobody.

mod state;

pub use state::{NodeSeries, NodeTally, Tally, TraceEvent, TraceKind, MAX_TRACE, PERCENTILES};

use crate::model::{Model, Staffing};
use crate::stats::Running;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use state::NodeState;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// SplitMix64: spreads a seed's bits.
fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// FNV-1a of a purpose and a name: the number of a random stream.
fn stream_id(purpose: &str, name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in purpose.bytes().chain([0u8]).chain(name.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The random stream for `purpose` of `name` in replication `replication` of a run seeded `seed`.
pub fn stream(seed: u64, replication: u32, purpose: &str, name: &str) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(splitmix(seed ^ splitmix(u64::from(replication) + 1)));
    rng.set_stream(stream_id(purpose, name));
    rng
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum What {
    Arrival {
        source: u32,
    },
    Departure {
        node: u32,
        person: u32,
    },
    /// A slot lost to someone who did not attend is over.
    SlotEnd {
        node: u32,
    },
    /// The person gives up waiting, if the event's sequence number is still their
    /// `renege_seq` (they have not been seen, or left, since it was scheduled).
    Renege {
        node: u32,
        person: u32,
    },
    /// The node's staff on duty change (by its roster).
    Shift {
        node: u32,
    },
}

#[derive(Debug, Clone, Copy)]
struct Event {
    time: f64,
    seq: u64,
    what: What,
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    /// Reversed, so the heap gives the earliest first, and of equal times the first scheduled.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .total_cmp(&self.time)
            .then(other.seq.cmp(&self.seq))
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Person {
    entered_system: f64,
    arrived_at_node: f64,
    class: u32,
    /// On a waiting list when the run started: their waits count from their referral.
    preloaded: bool,
    /// The ticket of their place in a queue (0: not queueing). A queue's entries carry tickets,
    /// so an entry left behind by someone who gave up is known and skipped.
    ticket: u64,
    /// The sequence number of the event in which they would give up waiting (0: none).
    renege_seq: u64,
}

impl Person {
    /// Whether what happens to them at their current node is counted.
    fn counted_at_node(&self, warm_up: f64) -> bool {
        self.arrived_at_node >= warm_up || (self.preloaded && self.arrived_at_node < 0.0)
    }
}

/// What a replication gathers beyond the statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Collect {
    /// Results over time (for fan charts).
    pub series: bool,
    /// The event log.
    pub trace: bool,
}

/// The simulation of one replication.
struct Sim<'m> {
    model: &'m Model,
    heap: BinaryHeap<Event>,
    seq: u64,
    people: Vec<Person>,
    free: Vec<u32>,
    nodes: Vec<NodeState>,
    arrivals: Vec<ChaCha8Rng>,
    warm_up: f64,
    end: f64,
    time_in_system: Running,
    events: u64,
    tickets: u64,
    trace: Option<Vec<TraceEvent>>,
}

impl Sim<'_> {
    fn schedule(&mut self, time: f64, what: What) -> u64 {
        self.seq += 1;
        self.heap.push(Event {
            time,
            seq: self.seq,
            what,
        });
        self.seq
    }

    fn log(&mut self, time: f64, node: usize, kind: TraceKind, person: u32) {
        if let Some(trace) = &mut self.trace {
            if trace.len() < MAX_TRACE {
                trace.push(TraceEvent {
                    time,
                    node: node as u32,
                    kind,
                    person,
                });
            }
        }
    }

    fn admit(&mut self, now: f64, class: u32) -> u32 {
        let person = Person {
            entered_system: now,
            arrived_at_node: now,
            class,
            preloaded: false,
            ticket: 0,
            renege_seq: 0,
        };
        match self.free.pop() {
            Some(slot) => {
                self.people[slot as usize] = person;
                slot
            }
            None => {
                self.people.push(person);
                u32::try_from(self.people.len() - 1).expect("fewer than 4 billion people at once")
            }
        }
    }

    fn leave(&mut self, person: u32, now: f64) {
        let Person {
            entered_system: entered,
            preloaded,
            ..
        } = self.people[person as usize];
        if entered >= self.warm_up || preloaded {
            self.time_in_system.add(now - entered);
        }
        self.free.push(person);
    }

    /// `person`'s turn at `node` has come: they are seen, or they do not attend and their slot
    /// is lost.
    fn start_service(&mut self, node: usize, person: u32, now: f64) {
        let model = self.model;
        let spec = &model.nodes[node];
        let who = self.people[person as usize];
        let counted = who.counted_at_node(self.warm_up);
        let state = &mut self.nodes[node];
        if now >= self.warm_up {
            state.contacts += 1;
        }
        state.busy += 1;
        state.busy_changed(now);
        let duration = spec.service.sample(&mut state.service);
        let missed = spec.did_not_attend > 0.0 && {
            let u: f64 = state.attendance.gen();
            u < spec.did_not_attend
        };
        if missed {
            if counted {
                state.did_not_attend += 1;
            }
            self.schedule(now + duration, What::SlotEnd { node: node as u32 });
            self.log(now, node, TraceKind::DidNotAttend, person);
            match spec.did_not_attend_to {
                Some(to) => self.enter(to, person, now),
                None => self.leave(person, now),
            }
            return;
        }
        if counted {
            let wait = now - who.arrived_at_node;
            let class = who.class as usize;
            state.seen += 1;
            state.wait.add(wait);
            state.quantiles.add(wait);
            if model.has_classes {
                state.class_wait[class].add(wait);
                if model.classes[class].target.is_some_and(|t| wait <= t) {
                    state.class_within_target[class] += 1;
                }
            }
        }
        if let Some(series) = &mut state.series {
            series.wait.add(now, now - who.arrived_at_node);
        }
        self.schedule(
            now + duration,
            What::Departure {
                node: node as u32,
                person,
            },
        );
        self.log(now, node, TraceKind::Start, person);
    }

    /// Starts whoever is next at `node` while staff are free.
    fn serve_queue(&mut self, node: usize, now: f64) {
        while self.nodes[node].busy < self.nodes[node].on_duty {
            let Some(next) = self.next_in_queue(node) else {
                return;
            };
            let state = &mut self.nodes[node];
            state.queued -= 1;
            state.queue_changed(now);
            self.start_service(node, next, now);
        }
    }

    /// Puts the people already waiting at each node in place at time 0, longest-waiting first:
    /// the first are seen at once if staff are on duty, the rest queue.
    fn preload(&mut self) {
        let model = self.model;
        for (node, spec) in model.nodes.iter().enumerate() {
            for waiting in &spec.initial {
                let person = self.admit(-waiting.waited, waiting.class as u32);
                self.people[person as usize].preloaded = true;
                if self.nodes[node].busy < self.nodes[node].on_duty {
                    self.start_service(node, person, 0.0);
                } else {
                    self.join_queue(node, person, 0.0);
                }
            }
        }
    }

    /// Puts `person` at the back of their priority's queue at `node`, and (where people give up)
    /// schedules when they will.
    fn join_queue(&mut self, node: usize, person: u32, now: f64) {
        self.tickets += 1;
        let ticket = self.tickets;
        let model = self.model;
        let class = self.people[person as usize].class as usize;
        self.people[person as usize].ticket = ticket;
        let state = &mut self.nodes[node];
        state.queues[model.classes[class].level].push_back((person, ticket));
        state.queued += 1;
        state.queue_changed(now);
        self.people[person as usize].renege_seq = match &model.nodes[node].patience {
            Some(patience) => {
                let after = patience.sample(&mut state.patience);
                self.schedule(
                    now + after,
                    What::Renege {
                        node: node as u32,
                        person,
                    },
                )
            }
            None => 0,
        };
    }

    /// The next person to be seen at `node`, skipping places left by people who gave up.
    fn next_in_queue(&mut self, node: usize) -> Option<u32> {
        let people = &mut self.people;
        for queue in &mut self.nodes[node].queues {
            while let Some((person, ticket)) = queue.pop_front() {
                if people[person as usize].ticket == ticket {
                    people[person as usize].ticket = 0;
                    return Some(person);
                }
            }
        }
        None
    }

    /// `person` gives up waiting at `node`, if they are still waiting where the event `seq`
    /// was scheduled for.
    fn renege(&mut self, node: usize, person: u32, seq: u64, now: f64) {
        let who = &self.people[person as usize];
        if who.ticket == 0 || who.renege_seq != seq {
            return;
        }
        self.people[person as usize].ticket = 0;
        let counted = self.people[person as usize].counted_at_node(self.warm_up);
        let state = &mut self.nodes[node];
        state.queued -= 1;
        state.queue_changed(now);
        if counted {
            state.reneged += 1;
        }
        self.log(now, node, TraceKind::Reneged, person);
        match self.model.nodes[node].reneged_to {
            Some(to) => self.enter(to, person, now),
            None => self.leave(person, now),
        }
    }

    fn enter(&mut self, node: usize, person: u32, now: f64) {
        self.people[person as usize].arrived_at_node = now;
        let spec = &self.model.nodes[node];
        let state = &mut self.nodes[node];
        let counted = now >= self.warm_up;
        if counted {
            state.arrivals += 1;
        }
        let in_node = state.busy as usize + state.queued;
        if spec.capacity.is_some_and(|c| in_node >= c as usize) {
            if counted {
                state.refused += 1;
            }
            self.log(now, node, TraceKind::Refused, person);
            self.leave(person, now);
            return;
        }
        let free = state.busy < state.on_duty;
        self.log(now, node, TraceKind::Arrive, person);
        if free {
            self.start_service(node, person, now);
        } else {
            self.join_queue(node, person, now);
        }
    }

    /// A server at `node` comes free: the next person is seen if staff are still on duty.
    fn server_free(&mut self, node: usize, now: f64) {
        let state = &mut self.nodes[node];
        state.busy -= 1;
        state.busy_changed(now);
        self.serve_queue(node, now);
    }

    fn depart(&mut self, node: usize, person: u32, now: f64) {
        let who = self.people[person as usize];
        if who.counted_at_node(self.warm_up) {
            self.nodes[node].time_in_node.add(now - who.arrived_at_node);
        }
        self.log(now, node, TraceKind::Finish, person);
        self.server_free(node, now);
        let routes = &self.model.nodes[node].routes;
        let mut onward = None;
        if !routes.is_empty() {
            let u: f64 = self.nodes[node].routing.gen();
            let mut cumulative = 0.0;
            for route in routes {
                cumulative += route.p;
                if u < cumulative {
                    onward = Some(route.to);
                    break;
                }
            }
        }
        match onward {
            Some(to) => self.enter(to, person, now),
            None => self.leave(person, now),
        }
    }

    /// Schedules the next change of staff on duty at a rostered `node`, reading its roster a day
    /// at a time (and counting the staff-sessions of each day in the window).
    fn next_shift(&mut self, node: usize) {
        let Staffing::Roster(roster) = &self.model.nodes[node].staffing else {
            return;
        };
        let calendar = &self.model.calendar;
        let state = &mut self.nodes[node];
        while state.pending.is_empty() {
            let day_start = state.roster_day as f64 * calendar.per_day;
            if day_start > self.end {
                return;
            }
            let (changes, sessions) = roster.changes_on(calendar, state.roster_day);
            if day_start >= self.warm_up && day_start < self.end {
                state.staff_sessions += u64::from(sessions);
            }
            state.pending.extend(changes);
            state.roster_day += 1;
        }
        let time = state.pending[0].0;
        self.schedule(time, What::Shift { node: node as u32 });
    }

    /// Staff on duty at `node` change to the roster's next level.
    fn shift(&mut self, node: usize, now: f64) {
        let Some((_, on_duty)) = self.nodes[node].pending.pop_front() else {
            return;
        };
        let state = &mut self.nodes[node];
        state.on_duty = on_duty;
        state.on_duty_changed(now);
        self.log(now, node, TraceKind::OnDuty, on_duty);
        self.serve_queue(node, now);
        self.next_shift(node);
    }
}

/// Runs replication `replication` of `model` (seeded `seed`) and tallies it.
pub fn replicate(model: &Model, seed: u64, replication: u32) -> Tally {
    replicate_collecting(model, seed, replication, Collect::default())
}

/// Runs replication `replication` of `model` (seeded `seed`), gathering what `collect` asks
/// for, and tallies it.
pub fn replicate_collecting(model: &Model, seed: u64, replication: u32, collect: Collect) -> Tally {
    let warm_up = model.run.warm_up;
    let end = warm_up + model.run.length;
    let nodes = model
        .nodes
        .iter()
        .map(|n| {
            NodeState::new(
                model,
                n,
                |purpose| stream(seed, replication, purpose, &n.name),
                collect.series,
            )
        })
        .collect();
    let arrivals = model
        .sources
        .iter()
        .map(|s| stream(seed, replication, "arrivals", &s.name))
        .collect();
    let mut sim = Sim {
        model,
        heap: BinaryHeap::new(),
        seq: 0,
        people: Vec::new(),
        free: Vec::new(),
        nodes,
        arrivals,
        warm_up,
        end,
        time_in_system: Running::default(),
        events: 0,
        tickets: 0,
        trace: collect.trace.then(Vec::new),
    };
    for node in 0..model.nodes.len() {
        sim.next_shift(node);
    }
    sim.preload();
    for (i, source) in model.sources.iter().enumerate() {
        let first = source
            .arrivals
            .next(0.0, &mut sim.arrivals[i], &model.calendar, end);
        sim.schedule(first, What::Arrival { source: i as u32 });
    }
    while let Some(event) = sim.heap.pop() {
        if event.time > end {
            break;
        }
        sim.events += 1;
        match event.what {
            What::Arrival { source } => {
                let s = source as usize;
                let next = model.sources[s].arrivals.next(
                    event.time,
                    &mut sim.arrivals[s],
                    &model.calendar,
                    end,
                );
                sim.schedule(next, What::Arrival { source });
                let person = sim.admit(event.time, model.sources[s].class as u32);
                sim.enter(model.sources[s].to, person, event.time);
            }
            What::Departure { node, person } => sim.depart(node as usize, person, event.time),
            What::SlotEnd { node } => {
                sim.log(event.time, node as usize, TraceKind::SlotEnd, u32::MAX);
                sim.server_free(node as usize, event.time);
            }
            What::Renege { node, person } => {
                sim.renege(node as usize, person, event.seq, event.time)
            }
            What::Shift { node } => sim.shift(node as usize, event.time),
        }
    }
    let nodes = sim
        .nodes
        .iter_mut()
        .zip(&model.nodes)
        .map(|(state, spec)| state.tally(spec, end, model.run.length))
        .collect();
    Tally {
        events: sim.events,
        nodes,
        time_in_system: sim.time_in_system,
        trace: sim.trace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore;

    #[test]
    fn streams_differ_by_purpose_name_and_replication_and_repeat_exactly() {
        let draw = |r, p, n| stream(5, r, p, n).next_u64();
        assert_eq!(draw(0, "service", "gp"), draw(0, "service", "gp"));
        assert_ne!(draw(0, "service", "gp"), draw(0, "routing", "gp"));
        assert_ne!(draw(0, "service", "gp"), draw(0, "service", "fcp"));
        assert_ne!(draw(0, "service", "gp"), draw(1, "service", "gp"));
    }

    #[test]
    fn equal_times_leave_the_heap_first_in_first_out() {
        let mut heap = BinaryHeap::new();
        for seq in [3, 1, 2] {
            heap.push(Event {
                time: 1.0,
                seq,
                what: What::Arrival { source: 0 },
            });
        }
        heap.push(Event {
            time: 0.5,
            seq: 9,
            what: What::Arrival { source: 0 },
        });
        let order: Vec<u64> = std::iter::from_fn(|| heap.pop().map(|e| e.seq)).collect();
        assert_eq!(order, [9, 1, 2, 3]);
    }
}
