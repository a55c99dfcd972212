//! The attacker's view of a protected table: how far each hidden count can be narrowed from every
//! number published with it.
//!
//! The table extended with its margins (rows `0..r` and the totals row `r`, columns `0..c` and the
//! totals column `c`) is a circulation: every line's members sum to its last entry. Give each row
//! line a node `R_i` and each column line a node `C_j`; an inner count is an edge `R_i -> C_j`, a
//! row total `C_c -> R_i`, a column total `C_j -> R_r`, the grand total `R_r -> C_c`, and at every
//! node what flows in flows out. What a reader knows bounds each edge: a published count lies in
//! its rounding interval (exactly, without rounding), a hidden one is only at least 0. So the
//! values a hidden count can take, given everything published, run from its true value less the
//! most flow that can be rerouted around it, to its true value plus the most that can be sent
//! round a cycle through it: two maximum flows in the residual network. This is the linear
//! program an attacker would solve (the table's equations are a network, so its bounds are
//! exact), at the cost of a few breadth-first searches; the attack test in
//! `tests/disclosure_attack.rs` checks it against a linear-programming solver.

use std::collections::VecDeque;

/// No upper bound.
const UNBOUNDED: u64 = u64::MAX / 4;

/// What is published of one entry of the extended table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    /// Nothing but that it is at least 0: it is hidden.
    Hidden,
    /// It lies between these (inclusive): its rounding interval.
    Between(u64, u64),
}

/// How far hidden entry `target` can move from its true value given `known`, capped at `cap`:
/// the width of the range a reader can narrow it to (at most `cap`). `value` holds the true
/// counts of the extended table, `known` what is published of each (same shape).
pub(crate) fn width(
    value: &[Vec<u64>],
    known: &[Vec<Known>],
    target: (usize, usize),
    cap: u64,
) -> u64 {
    let rows = value.len() - 1;
    let cols = value[0].len() - 1;
    let node_count = rows + cols + 2;
    let row_node = |i: usize| i;
    let col_node = |j: usize| rows + 1 + j;
    // The edge of entry (i, j), from -> to.
    let edge = |i: usize, j: usize| match (i == rows, j == cols) {
        (false, false) => (row_node(i), col_node(j)),
        (false, true) => (col_node(cols), row_node(i)),
        (true, false) => (col_node(j), row_node(rows)),
        (true, true) => (row_node(rows), col_node(cols)),
    };
    // Residual arcs: raising an entry sends more along its edge, lowering it sends some back.
    let mut network = Network::new(node_count);
    for (i, row) in value.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            if (i, j) == target {
                continue;
            }
            let (low, high) = match known[i][j] {
                Known::Hidden => (0, UNBOUNDED),
                Known::Between(low, high) => (low, high),
            };
            let (from, to) = edge(i, j);
            network.add(from, to, high.saturating_sub(v), v.saturating_sub(low));
        }
    }
    let (from, to) = edge(target.0, target.1);
    let own_value = value[target.0][target.1];
    // Raising the target: send flow back from its head to its tail round the rest of the network.
    let up = network.clone().max_flow(to, from, cap);
    // Lowering it (to no less than 0): carry its flow from tail to head some other way.
    let down = network.max_flow(from, to, cap.saturating_sub(up).min(own_value));
    up + down
}

/// A residual network as arc lists: arc `a` and arc `a ^ 1` are each other's reverse.
#[derive(Clone)]
struct Network {
    head: Vec<usize>,
    capacity: Vec<u64>,
    arcs_from: Vec<Vec<usize>>,
}

impl Network {
    fn new(nodes: usize) -> Network {
        Network {
            head: Vec::new(),
            capacity: Vec::new(),
            arcs_from: vec![Vec::new(); nodes],
        }
    }

    /// An edge `from -> to` that can carry `forward` more and `back` less.
    fn add(&mut self, from: usize, to: usize, forward: u64, back: u64) {
        for (tail, head, capacity) in [(from, to, forward), (to, from, back)] {
            self.arcs_from[tail].push(self.head.len());
            self.head.push(head);
            self.capacity.push(capacity);
        }
    }

    /// The most flow from `source` to `sink`, stopping at `cap` (Edmonds-Karp: shortest
    /// augmenting paths; counts are whole, so at most `cap` augmentations).
    fn max_flow(mut self, source: usize, sink: usize, cap: u64) -> u64 {
        let nodes = self.arcs_from.len();
        let mut flow = 0;
        while flow < cap {
            let mut via = vec![usize::MAX; nodes];
            let mut seen = vec![false; nodes];
            seen[source] = true;
            let mut queue = VecDeque::from([source]);
            'search: while let Some(u) = queue.pop_front() {
                for &arc in &self.arcs_from[u] {
                    let v = self.head[arc];
                    if !seen[v] && self.capacity[arc] > 0 {
                        seen[v] = true;
                        via[v] = arc;
                        if v == sink {
                            break 'search;
                        }
                        queue.push_back(v);
                    }
                }
            }
            if !seen[sink] {
                break;
            }
            let mut push = cap - flow;
            let mut v = sink;
            while v != source {
                let arc = via[v];
                push = push.min(self.capacity[arc]);
                v = self.head[arc ^ 1];
            }
            let mut v = sink;
            while v != source {
                let arc = via[v];
                self.capacity[arc] -= push;
                self.capacity[arc ^ 1] = self.capacity[arc ^ 1].saturating_add(push);
                v = self.head[arc ^ 1];
            }
            flow += push;
        }
        flow
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extended(cells: &[Vec<u64>]) -> Vec<Vec<u64>> {
        let (r, c) = (cells.len(), cells[0].len());
        let mut v = vec![vec![0; c + 1]; r + 1];
        for i in 0..r {
            for j in 0..c {
                v[i][j] = cells[i][j];
                v[i][c] += cells[i][j];
                v[r][j] += cells[i][j];
                v[r][c] += cells[i][j];
            }
        }
        v
    }

    #[test]
    fn one_hidden_cell_with_exact_totals_is_recovered_exactly() {
        // [[5, ?], [7, 8]] with every total published exactly: ? = 11 - 5 = 6, nothing else.
        let value = extended(&[vec![5, 6], vec![7, 8]]);
        let mut known: Vec<Vec<Known>> = value
            .iter()
            .map(|r| r.iter().map(|&v| Known::Between(v, v)).collect())
            .collect();
        known[0][1] = Known::Hidden;
        assert_eq!(width(&value, &known, (0, 1), 10), 0);
    }

    #[test]
    fn a_two_by_two_block_of_hidden_cells_moves_round_its_cycle() {
        // Worked by hand: hide 3, 20, 40 and 4 in [[3, 20, 30], [40, 4, 50], [30, 40, 20]]. Adding d
        // to 3 and 4 and taking it from 20 and 40 keeps every total: 3 can fall to 0 and rise by
        // 20 (when 20 reaches 0), a range 23 wide.
        let value = extended(&[vec![3, 20, 30], vec![40, 4, 50], vec![30, 40, 20]]);
        let mut known: Vec<Vec<Known>> = value
            .iter()
            .map(|r| r.iter().map(|&v| Known::Between(v, v)).collect())
            .collect();
        for (i, j) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            known[i][j] = Known::Hidden;
        }
        assert_eq!(width(&value, &known, (0, 0), 100), 23);
        assert_eq!(width(&value, &known, (0, 0), 10), 10, "capped");
    }

    #[test]
    fn rounded_totals_leave_room() {
        // One row [4, 120]: the total 124 published as 120..=124 (rounded to 5s from 122..=126 is
        // another matter; here the interval is given), 120 shown as 118..=122: 4 lies in 0..=6.
        let value = extended(&[vec![4, 120]]);
        let known = vec![
            vec![
                Known::Hidden,
                Known::Between(118, 122),
                Known::Between(120, 124),
            ],
            vec![
                Known::Hidden,
                Known::Between(118, 122),
                Known::Between(120, 124),
            ],
        ];
        assert_eq!(width(&value, &known, (0, 0), 100), 6);
    }
}
