//! One replication: a discrete-event simulation on an event heap, ties broken first in, first out.
//!
//! Every event carries a sequence number and events are taken in (time, sequence) order, so the
//! run is the same however they are stored. Two things keep the heap small and busy only where it
//! must be: each source's next arrival is kept beside it (a source always has exactly one), and
//! the event being handled stays on top of the heap until the first event it schedules takes its
//! place (one sift instead of a pop and a push).
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

/// A scheduled event. Its time (never negative) and sequence number are packed into one key,
/// time above sequence: non-negative floats order as their bits do, so one integer comparison
/// orders events by time and, of equal times, first scheduled first.
#[derive(Debug, Clone, Copy)]
struct Event {
    key: u128,
    what: What,
}

impl Event {
    fn new(time: f64, seq: u64, what: What) -> Self {
        debug_assert!(time >= 0.0, "events are never scheduled before time 0");
        // Adding +0.0 turns -0.0 into +0.0, whose bits order correctly.
        let bits = (time + 0.0).to_bits();
        Event {
            key: (u128::from(bits) << 64) | u128::from(seq),
            what,
        }
    }

    fn time(&self) -> f64 {
        f64::from_bits((self.key >> 64) as u64)
    }

    fn seq(&self) -> u64 {
        self.key as u64
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
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
        other.key.cmp(&self.key)
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
    /// Whether the top of the heap is the event being handled (not yet replaced or popped).
    handling: bool,
    /// Each source's next arrival, kept off the heap (an arrival schedules the next one from
    /// its source, so each source has exactly one): its key, and which source is due first.
    due: Vec<u128>,
    first_due: usize,
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
        let event = Event::new(time, self.seq, what);
        // The event being handled is still on top of the heap (anything scheduled now comes
        // after it): the first event it schedules takes its place, which costs one sift where
        // a pop and a push cost two.
        if self.handling {
            if let Some(mut top) = self.heap.peek_mut() {
                *top = event;
                self.handling = false;
                return self.seq;
            }
        }
        self.heap.push(event);
        self.seq
    }

    /// Schedules `source`'s next arrival, numbered in sequence with every other event.
    fn schedule_arrival(&mut self, source: usize, time: f64) {
        self.seq += 1;
        self.due[source] = Event::new(time, self.seq, What::Arrival { source: 0 }).key;
        let mut first = 0;
        for (i, key) in self.due.iter().enumerate().skip(1) {
            if *key < self.due[first] {
                first = i;
            }
        }
        self.first_due = first;
    }

    /// The next event, and whether it is the top of the heap (else a source's arrival).
    fn next_event(&self) -> Option<(Event, bool)> {
        let arrival = self.due.get(self.first_due).map(|&key| Event {
            key,
            what: What::Arrival {
                source: self.first_due as u32,
            },
        });
        match (self.heap.peek(), arrival) {
            (Some(top), Some(arrival)) if arrival.key < top.key => Some((arrival, false)),
            (Some(top), _) => Some((*top, true)),
            (None, arrival) => arrival.map(|a| (a, false)),
        }
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
        handling: false,
        due: vec![u128::MAX; model.sources.len()],
        first_due: 0,
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
        sim.schedule_arrival(i, first);
    }
    while let Some((event, on_heap)) = sim.next_event() {
        let now = event.time();
        if now > end {
            break;
        }
        sim.events += 1;
        sim.handling = on_heap;
        match event.what {
            What::Arrival { source } => {
                let s = source as usize;
                let next =
                    model.sources[s]
                        .arrivals
                        .next(now, &mut sim.arrivals[s], &model.calendar, end);
                sim.schedule_arrival(s, next);
                let person = sim.admit(now, model.sources[s].class as u32);
                sim.enter(model.sources[s].to, person, now);
            }
            What::Departure { node, person } => sim.depart(node as usize, person, now),
            What::SlotEnd { node } => {
                sim.log(now, node as usize, TraceKind::SlotEnd, u32::MAX);
                sim.server_free(node as usize, now);
            }
            What::Renege { node, person } => sim.renege(node as usize, person, event.seq(), now),
            What::Shift { node } => sim.shift(node as usize, now),
        }
        if sim.handling {
            sim.heap.pop();
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
    fn an_arrival_kept_off_the_heap_still_takes_its_turn_by_sequence() {
        // Arrivals every hour and services of exactly an hour: at 2:00 the arrival scheduled at
        // 1:00 (first) and the departure scheduled after it (second) fall due together, and
        // must be handled in that order; at 3:00 likewise.
        let model = Model::from_toml(
            "[run]\ntime_unit = \"hour\"\nwarm_up = 0\nlength = 3.5\nreplications = 1\nseed = 1\n\n\
             [[source]]\nname = \"a\"\nto = \"clinic\"\narrivals = { dist = \"fixed\", value = 1.0 }\n\n\
             [[node]]\nname = \"clinic\"\nservers = 1\nservice = { dist = \"fixed\", value = 1.0 }\n",
        )
        .expect("the model");
        let collect = Collect {
            series: false,
            trace: true,
        };
        let trace = replicate_collecting(&model, 1, 0, collect)
            .trace
            .expect("a trace");
        let at_two: Vec<TraceKind> = trace
            .iter()
            .filter(|e| e.time == 2.0)
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            at_two,
            [TraceKind::Arrive, TraceKind::Finish, TraceKind::Start]
        );
    }

    #[test]
    fn equal_times_leave_the_heap_first_in_first_out() {
        let mut heap = BinaryHeap::new();
        for seq in [3, 1, 2] {
            heap.push(Event::new(1.0, seq, What::Arrival { source: 0 }));
        }
        heap.push(Event::new(0.5, 9, What::Arrival { source: 0 }));
        let order: Vec<u64> = std::iter::from_fn(|| heap.pop().map(|e| e.seq())).collect();
        assert_eq!(order, [9, 1, 2, 3]);
    }
}
