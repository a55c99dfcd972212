//! Disclosure control for every aggregate that leaves the engine for a planning view.
//!
//! A count below the threshold (1 to 9 by default) is **suppressed** and shown as "<10". Because a
//! table's totals are published, one suppressed cell in a row or column could be worked out by
//! subtraction, so **secondary suppression** hides a second entry in any row or column (with its
//! total) that would otherwise have exactly one hidden: the smallest other cell, or the total when
//! no other cell remains. This repeats until no row or column has exactly one hidden entry. Counts
//! that are shown are **rounded** to the nearest multiple of the rounding base (5 by default); totals
//! are rounded from the true totals. Zero is shown: a true zero discloses nothing about a person.
//! The rule is configurable per system and [`DisclosureRule::describe`] is printed with every output.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A system's rule for publishing counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureRule {
    /// Counts from 1 up to (not including) this are suppressed.
    pub suppress_below: u64,
    /// Shown counts are rounded to the nearest multiple of this (1: no rounding).
    pub round_to: u64,
}

impl Default for DisclosureRule {
    /// Suppress 1 to 9, round to the nearest 5.
    fn default() -> DisclosureRule {
        DisclosureRule {
            suppress_below: 10,
            round_to: 5,
        }
    }
}

impl DisclosureRule {
    /// The rule in words, printed with every output.
    pub fn describe(&self) -> String {
        let rounding = match self.round_to {
            0 | 1 => "other counts are exact".to_string(),
            n => format!("other counts are rounded to the nearest {n}"),
        };
        format!(
            "Counts from 1 to {} are shown as <{}, with secondary suppression so that totals cannot reveal them; {rounding}.",
            self.suppress_below.saturating_sub(1),
            self.suppress_below
        )
    }

    fn round(&self, n: u64) -> u64 {
        match self.round_to {
            0 | 1 => n,
            r => (n + r / 2) / r * r,
        }
    }

    fn is_small(&self, n: u64) -> bool {
        n > 0 && n < self.suppress_below
    }
}

/// One published count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shown {
    /// The count, rounded by the rule.
    Count(u64),
    /// Hidden, whether small itself or hidden so that a total cannot reveal another: both read
    /// "<threshold", so the two cannot be told apart.
    Suppressed {
        /// The rule's threshold, for display.
        below: u64,
    },
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shown::Count(n) => write!(f, "{n}"),
            Shown::Suppressed { below } => write!(f, "<{below}"),
        }
    }
}

/// A table of counts made safe to publish, with its row, column and grand totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProtectedTable {
    /// The cells, row by row.
    pub cells: Vec<Vec<Shown>>,
    /// Each row's total.
    pub row_totals: Vec<Shown>,
    /// Each column's total.
    pub column_totals: Vec<Shown>,
    /// The grand total.
    pub total: Shown,
    /// The rule applied, in words.
    pub rule: String,
}

/// Positions in the table extended with its margins: rows `0..r` and the totals row `r`, columns
/// `0..c` and the totals column `c`.
type At = (usize, usize);

/// Protects a table of counts (every row the same length) for publication under `rule`.
pub fn protect_table(counts: &[Vec<u64>], rule: &DisclosureRule) -> ProtectedTable {
    let rows = counts.len();
    let cols = counts.first().map_or(0, Vec::len);
    assert!(
        counts.iter().all(|r| r.len() == cols),
        "every row of a table has the same number of columns"
    );
    // The extended table: cells, row totals in column `cols`, column totals in row `rows`.
    let mut value = vec![vec![0_u64; cols + 1]; rows + 1];
    for (i, row) in counts.iter().enumerate() {
        for (j, n) in row.iter().enumerate() {
            value[i][j] = *n;
            value[i][cols] += n;
            value[rows][j] += n;
            value[rows][cols] += n;
        }
    }
    let mut hidden = vec![vec![false; cols + 1]; rows + 1];
    for (i, row) in value.iter().enumerate() {
        for (j, n) in row.iter().enumerate() {
            hidden[i][j] = rule.is_small(*n);
        }
    }
    // Every line of the extended table is an equation: its cells sum to its total. A line with
    // exactly one hidden entry gives that entry away.
    let lines: Vec<Vec<At>> = (0..=rows)
        .map(|i| (0..=cols).map(|j| (i, j)).collect())
        .chain((0..=cols).map(|j| (0..=rows).map(|i| (i, j)).collect()))
        .collect();
    loop {
        let mut changed = false;
        for line in &lines {
            let hidden_here = line.iter().filter(|(i, j)| hidden[*i][*j]).count();
            if hidden_here != 1 {
                continue;
            }
            // Hide the smallest shown entry that is not the line's own total; failing that, the total.
            let (total_at, members) = line.split_last().expect("a line has a total");
            let pick = members
                .iter()
                .filter(|(i, j)| !hidden[*i][*j])
                .min_by_key(|(i, j)| (value[*i][*j], *i, *j))
                .or((!hidden[total_at.0][total_at.1]).then_some(total_at));
            if let Some((i, j)) = pick {
                hidden[*i][*j] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let show = |i: usize, j: usize| {
        if hidden[i][j] {
            Shown::Suppressed {
                below: rule.suppress_below,
            }
        } else {
            Shown::Count(rule.round(value[i][j]))
        }
    };
    ProtectedTable {
        cells: (0..rows)
            .map(|i| (0..cols).map(|j| show(i, j)).collect())
            .collect(),
        row_totals: (0..rows).map(|i| show(i, cols)).collect(),
        column_totals: (0..cols).map(|j| show(rows, j)).collect(),
        total: show(rows, cols),
        rule: rule.describe(),
    }
}

/// Protects a list of counts with its total (a one-row table): returns the counts and the total.
pub fn protect_list(counts: &[u64], rule: &DisclosureRule) -> (Vec<Shown>, Shown) {
    let table = protect_table(&[counts.to_vec()], rule);
    let total = table.row_totals[0];
    (table.cells.into_iter().next().unwrap_or_default(), total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const S: Shown = Shown::Suppressed { below: 10 };

    #[test]
    fn a_small_cell_and_the_cells_that_would_reveal_it_are_hidden() {
        // Worked by hand: 3 is small. Row 0 then has one hidden cell, so its smallest other cell (12)
        // is hidden; column 1 has one (3), so 30 is hidden; column 0 has one (12), so 25 is hidden.
        // Every row and column now has two hidden cells or none; totals are all shown.
        let t = protect_table(
            &[vec![12, 3, 40], vec![25, 30, 18]],
            &DisclosureRule::default(),
        );
        assert_eq!(
            t.cells,
            vec![vec![S, S, Shown::Count(40)], vec![S, S, Shown::Count(20)]]
        );
        assert_eq!(
            t.row_totals,
            vec![Shown::Count(55), Shown::Count(75)],
            "55 and 73 rounded to 5s"
        );
        assert_eq!(
            t.column_totals,
            vec![Shown::Count(35), Shown::Count(35), Shown::Count(60)]
        );
        assert_eq!(t.total, Shown::Count(130));
        assert!(t.rule.contains("Counts from 1 to 9 are shown as <10"));
    }

    #[test]
    fn a_list_hides_a_second_count_so_the_total_cannot_give_the_first_away() {
        let (shown, total) = protect_list(&[120, 4, 33, 61], &DisclosureRule::default());
        assert_eq!(shown, vec![Shown::Count(120), S, S, Shown::Count(60)]);
        assert_eq!(total, Shown::Count(220), "218 rounded");
        assert_eq!(S.to_string(), "<10");
    }

    #[test]
    fn with_no_other_cell_left_the_total_is_hidden() {
        let (shown, total) = protect_list(&[4], &DisclosureRule::default());
        assert_eq!((shown, total), (vec![S], S));
        let (shown, total) = protect_list(&[0, 0, 12], &DisclosureRule::default());
        assert_eq!(
            shown,
            vec![Shown::Count(0), Shown::Count(0), Shown::Count(10)],
            "zeros are shown"
        );
        assert_eq!(total, Shown::Count(10));
    }

    #[test]
    fn the_rule_is_configurable() {
        let strict = DisclosureRule {
            suppress_below: 8,
            round_to: 1,
        };
        let (shown, _) = protect_list(&[8, 9, 100], &strict);
        assert_eq!(
            shown,
            vec![Shown::Count(8), Shown::Count(9), Shown::Count(100)]
        );
        assert!(strict.describe().contains("other counts are exact"));
    }

    proptest! {
        #[test]
        fn no_line_of_a_protected_table_has_exactly_one_hidden_entry(
            counts in proptest::collection::vec(proptest::collection::vec(0_u64..40, 4), 1..6)
        ) {
            let rule = DisclosureRule::default();
            let t = protect_table(&counts, &rule);
            let hidden = |s: &Shown| matches!(s, Shown::Suppressed { .. });
            let rows = counts.len();
            for i in 0..rows {
                let n = t.cells[i].iter().filter(|s| hidden(s)).count() + usize::from(hidden(&t.row_totals[i]));
                prop_assert_ne!(n, 1, "row {}", i);
            }
            for j in 0..4 {
                let n = (0..rows).filter(|i| hidden(&t.cells[*i][j])).count() + usize::from(hidden(&t.column_totals[j]));
                prop_assert_ne!(n, 1, "column {}", j);
            }
            for (i, row) in counts.iter().enumerate() {
                for (j, n) in row.iter().enumerate() {
                    match t.cells[i][j] {
                        Shown::Count(shown) => {
                            prop_assert!(!rule.is_small(*n), "a small count is never shown");
                            prop_assert_eq!(shown % 5, 0);
                            prop_assert!(shown.abs_diff(*n) <= 2);
                        }
                        Shown::Suppressed { .. } => {}
                    }
                }
            }
        }
    }
}
