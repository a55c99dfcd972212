//! Disclosure control on tables the size of Concord's breakdowns (the numbers-to-trust issue's
//! benchmark). For each size, a seeded random table (about 3 in 10 counts small) is protected by
//! the engine, whose check of every small count is two maximum flows; then every "<10" count of the
//! published table is attacked with a general linear-programming solver (microlp), the way an
//! attacker, or tau-ARGUS-style auditing, would check it. Prints JSON: sizes, counts withheld, and
//! the two times side by side.
//!
//! `cargo bench -p concord-population --bench disclosure`

use concord_population::disclosure::{protect_table, DisclosureRule, ProtectedTable, Shown};
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use std::time::Instant;

fn table(rows: usize, cols: usize, seed: &mut u64) -> Vec<Vec<u64>> {
    let mut next = || {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    };
    (0..rows)
        .map(|_| {
            (0..cols)
                .map(|_| {
                    if next() % 10 < 3 {
                        next() % 10
                    } else {
                        10 + next() % 200
                    }
                })
                .collect()
        })
        .collect()
}

fn interval(s: &Shown, base: u64) -> Option<(f64, f64)> {
    match s {
        Shown::Count(n) if base > 1 => Some((
            n.saturating_sub(base / 2) as f64,
            (n + base - 1 - base / 2) as f64,
        )),
        Shown::Count(n) => Some((*n as f64, *n as f64)),
        _ => None,
    }
}

/// The least and greatest value of cell `target` given what `t` publishes, by LP.
fn lp_range(t: &ProtectedTable, base: u64, target: (usize, usize)) -> (f64, f64) {
    let (rows, cols) = (t.cells.len(), t.cells[0].len());
    let solve = |direction| {
        let mut p = Problem::new(direction);
        let x: Vec<Vec<_>> = (0..rows)
            .map(|i| {
                (0..cols)
                    .map(|j| {
                        let objective = if (i, j) == target { 1.0 } else { 0.0 };
                        p.add_var(
                            objective,
                            interval(&t.cells[i][j], base).unwrap_or((0.0, f64::INFINITY)),
                        )
                    })
                    .collect()
            })
            .collect();
        let mut bound = |terms: Vec<(microlp::Variable, f64)>, known: Option<(f64, f64)>| {
            if let Some((low, high)) = known {
                p.add_constraint(terms.clone(), ComparisonOp::Ge, low);
                p.add_constraint(terms, ComparisonOp::Le, high);
            }
        };
        for (i, row) in x.iter().enumerate() {
            bound(
                row.iter().map(|v| (*v, 1.0)).collect(),
                interval(&t.row_totals[i], base),
            );
        }
        for j in 0..cols {
            bound(
                x.iter().map(|row| (row[j], 1.0)).collect(),
                interval(&t.column_totals[j], base),
            );
        }
        bound(
            x.iter().flatten().map(|v| (*v, 1.0)).collect(),
            interval(&t.total, base),
        );
        match p.solve() {
            Ok(s) => s.objective(),
            Err(_) => f64::INFINITY,
        }
    };
    (
        solve(OptimizationDirection::Minimize),
        solve(OptimizationDirection::Maximize),
    )
}

fn main() {
    let mut seed = 2026;
    let mut results = Vec::new();
    for (rows, cols) in [(4, 4), (20, 10), (60, 10), (100, 12)] {
        let counts = table(rows, cols, &mut seed);
        for rule in [
            DisclosureRule::default(),
            DisclosureRule {
                suppress_below: 10,
                round_to: 1,
            },
        ] {
            let started = Instant::now();
            let t = protect_table(&counts, &rule);
            let engine = started.elapsed();
            let small: Vec<(usize, usize)> = (0..rows)
                .flat_map(|i| (0..cols).map(move |j| (i, j)))
                .filter(|&(i, j)| matches!(t.cells[i][j], Shown::Suppressed { .. }))
                .collect();
            let withheld = t
                .cells
                .iter()
                .flatten()
                .filter(|s| matches!(s, Shown::Withheld))
                .count();
            let started = Instant::now();
            let narrowest = small
                .iter()
                .map(|&at| {
                    let (low, high) = lp_range(&t, rule.round_to, at);
                    high - low
                })
                .fold(f64::INFINITY, f64::min);
            let lp = started.elapsed();
            results.push(format!(
                "{{\"rows\": {rows}, \"cols\": {cols}, \"round_to\": {}, \"small\": {}, \"withheld\": {withheld}, \"engine_ms\": {:.3}, \"lp_check_ms\": {:.3}, \"ratio\": {:.0}, \"narrowest_range\": {narrowest}}}",
                rule.round_to,
                small.len(),
                engine.as_secs_f64() * 1e3,
                lp.as_secs_f64() * 1e3,
                lp.as_secs_f64() / engine.as_secs_f64().max(1e-9)
            ));
        }
    }
    println!("[\n  {}\n]", results.join(",\n  "));
}
