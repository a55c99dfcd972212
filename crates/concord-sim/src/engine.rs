//! One replication: a discrete-event simulation on an event heap, ties broken first in, first out.
//!
//! Nothing is kept per person beyond the people in the system now (their slots are reused), and
//! statistics are gathered online over the collection window `[warm_up, warm_up + length]`: a
//! person's wait counts if they arrived at the node in the window; levels (queue length, busy
//! servers) are averaged over the window.
//!
//! Random numbers come from one stream per source of randomness (a source's arrivals, a node's
//! service times, a node's routing), each named by what it is for, so two scenarios that differ
//! only in one node see exactly the same arrivals (common random numbers).

use crate::model::Model;
use crate::stats::{Running, TimeWeighted};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

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
    Arrival { source: u32 },
    Departure { node: u32, person: u32 },
    Renege { node: u32, person: u32, ticket: u64 },
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
}

impl Person {
    /// Whether what happens to them at their current node is counted.
    fn counted_at_node(&self, warm_up: f64) -> bool {
        self.arrived_at_node >= warm_up || (self.preloaded && self.arrived_at_node < 0.0)
    }
}

/// What one node saw in one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeTally {
    /// Arrivals in the window (refused ones included).
    pub arrivals: u64,
    /// Arrivals refused because the node was full.
    pub refused: u64,
    /// Waits before service of those who arrived in the window.
    pub wait: Running,
    /// Time in the node of those who arrived in the window and left.
    pub time_in_node: Running,
    /// The average number waiting over the window.
    pub queue_length: f64,
    /// The average number of busy servers over the window, over the servers.
    pub utilisation: f64,
    /// Waits before service per class, of those who arrived in the window.
    pub class_wait: Vec<Running>,
    /// Of those, per class, how many started service within their class's target.
    pub class_within_target: Vec<u64>,
    /// Arrivals in the window who gave up waiting.
    pub reneged: u64,
}

/// What one replication saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// Events simulated (arrivals and departures), warm-up included.
    pub events: u64,
    /// Per node, in the model's order.
    pub nodes: Vec<NodeTally>,
    /// Time in the system of those who entered in the window and left.
    pub time_in_system: Running,
}

struct NodeState {
    busy: u32,
    /// One queue per priority level, most urgent first: (person, ticket).
    queues: Vec<VecDeque<(u32, u64)>>,
    patience: ChaCha8Rng,
    reneged: u64,
    queued: usize,
    class_wait: Vec<Running>,
    class_within_target: Vec<u64>,
    service: ChaCha8Rng,
    routing: ChaCha8Rng,
    arrivals: u64,
    refused: u64,
    wait: Running,
    time_in_node: Running,
    queue_level: TimeWeighted,
    busy_level: TimeWeighted,
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
    time_in_system: Running,
    events: u64,
    tickets: u64,
}

impl Sim<'_> {
    fn schedule(&mut self, time: f64, what: What) {
        self.seq += 1;
        self.heap.push(Event {
            time,
            seq: self.seq,
            what,
        });
    }

    fn admit(&mut self, now: f64, class: u32) -> u32 {
        let person = Person {
            entered_system: now,
            arrived_at_node: now,
            class,
            preloaded: false,
            ticket: 0,
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

    fn start_service(&mut self, node: usize, person: u32, now: f64) {
        let who = self.people[person as usize];
        let (arrived, class) = (who.arrived_at_node, who.class);
        let state = &mut self.nodes[node];
        if who.counted_at_node(self.warm_up) {
            let wait = now - arrived;
            state.wait.add(wait);
            state.class_wait[class as usize].add(wait);
            if self.model.classes[class as usize]
                .target
                .is_some_and(|t| wait <= t)
            {
                state.class_within_target[class as usize] += 1;
            }
        }
        state.busy += 1;
        state.busy_level.set(now, f64::from(state.busy));
        let duration = self.model.nodes[node].service.sample(&mut state.service);
        self.schedule(
            now + duration,
            What::Departure {
                node: node as u32,
                person,
            },
        );
    }

    /// Puts the people already waiting at each node in place at time 0, longest-waiting first:
    /// the first are seen at once, the rest queue.
    fn preload(&mut self) {
        let model = self.model;
        for (node, spec) in model.nodes.iter().enumerate() {
            for waiting in &spec.initial {
                let person = self.admit(-waiting.waited, waiting.class as u32);
                self.people[person as usize].preloaded = true;
                if self.nodes[node].busy < spec.servers {
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
        state.queue_level.set(now, state.queued as f64);
        if let Some(patience) = &model.nodes[node].patience {
            let after = patience.sample(&mut state.patience);
            self.schedule(
                now + after,
                What::Renege {
                    node: node as u32,
                    person,
                    ticket,
                },
            );
        }
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

    /// `person` gives up waiting at `node`, if they are still waiting in the place `ticket`.
    fn renege(&mut self, node: usize, person: u32, ticket: u64, now: f64) {
        if self.people[person as usize].ticket != ticket {
            return;
        }
        self.people[person as usize].ticket = 0;
        let counted = self.people[person as usize].counted_at_node(self.warm_up);
        let state = &mut self.nodes[node];
        state.queued -= 1;
        state.queue_level.set(now, state.queued as f64);
        if counted {
            state.reneged += 1;
        }
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
            self.leave(person, now);
            return;
        }
        if state.busy < spec.servers {
            self.start_service(node, person, now);
        } else {
            self.join_queue(node, person, now);
        }
    }

    fn depart(&mut self, node: usize, person: u32, now: f64) {
        let who = self.people[person as usize];
        let state = &mut self.nodes[node];
        if who.counted_at_node(self.warm_up) {
            state.time_in_node.add(now - who.arrived_at_node);
        }
        state.busy -= 1;
        state.busy_level.set(now, f64::from(state.busy));
        if let Some(next) = self.next_in_queue(node) {
            let state = &mut self.nodes[node];
            state.queued -= 1;
            state.queue_level.set(now, state.queued as f64);
            self.start_service(node, next, now);
        }
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
}

/// Runs replication `replication` of `model` (seeded `seed`) and tallies it.
pub fn replicate(model: &Model, seed: u64, replication: u32) -> Tally {
    let warm_up = model.run.warm_up;
    let end = warm_up + model.run.length;
    let levels = model.classes.iter().map(|c| c.level + 1).max().unwrap_or(1);
    let nodes = model
        .nodes
        .iter()
        .map(|n| NodeState {
            busy: 0,
            queues: vec![VecDeque::new(); levels],
            patience: stream(seed, replication, "patience", &n.name),
            reneged: 0,
            queued: 0,
            class_wait: vec![Running::default(); model.classes.len()],
            class_within_target: vec![0; model.classes.len()],
            service: stream(seed, replication, "service", &n.name),
            routing: stream(seed, replication, "routing", &n.name),
            arrivals: 0,
            refused: 0,
            wait: Running::default(),
            time_in_node: Running::default(),
            queue_level: TimeWeighted::new(warm_up),
            busy_level: TimeWeighted::new(warm_up),
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
        time_in_system: Running::default(),
        events: 0,
        tickets: 0,
    };
    sim.preload();
    for (i, source) in model.sources.iter().enumerate() {
        let first = source.interarrival.sample(&mut sim.arrivals[i]);
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
                let gap = model.sources[s].interarrival.sample(&mut sim.arrivals[s]);
                sim.schedule(event.time + gap, What::Arrival { source });
                let person = sim.admit(event.time, model.sources[s].class as u32);
                sim.enter(model.sources[s].to, person, event.time);
            }
            What::Departure { node, person } => sim.depart(node as usize, person, event.time),
            What::Renege {
                node,
                person,
                ticket,
            } => sim.renege(node as usize, person, ticket, event.time),
        }
    }
    let nodes = sim
        .nodes
        .iter_mut()
        .zip(&model.nodes)
        .map(|(state, spec)| NodeTally {
            arrivals: state.arrivals,
            refused: state.refused,
            wait: state.wait,
            time_in_node: state.time_in_node,
            queue_length: state.queue_level.average(end),
            utilisation: state.busy_level.average(end) / f64::from(spec.servers),
            class_wait: state.class_wait.clone(),
            class_within_target: state.class_within_target.clone(),
            reneged: state.reneged,
        })
        .collect();
    Tally {
        events: sim.events,
        nodes,
        time_in_system: sim.time_in_system,
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
