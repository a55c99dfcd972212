//! Disclosure control for every aggregate that leaves the engine for a planning view.
//!
//! A count below the threshold (1 to 9 by default) is **suppressed** and shown as "<10". Because a
//! table's totals are published, suppressed counts could be worked out from the others: not only
//! by subtracting one row's cells from its total, but by combining several rows and columns. So
//! **secondary suppression** withholds further counts, shown as "x", until no combination of the
//! published counts and totals can narrow any "<10" count to a range narrower than the threshold
//! (at least 10 wide by default). That is checked for each one exactly, as the linear program an
//! attacker would solve (the least and greatest value it can take, given every published number
//! within its rounding and every count at least 0), which for a table with margins is two maximum
//! flows: see `audit`. Withheld counts are chosen near
//! the count that needs them, smallest first; the grand total is never withheld, because the
//! headline count publishes it anyway, and the check assumes the attacker knows it. Counts that are
//! shown are **rounded** to the nearest multiple of the rounding base (5 by default); totals are
//! rounded from the true totals. Zero is shown: a true zero discloses nothing about a person. The
//! rule is configurable per system and [`DisclosureRule::describe`] is printed with every output.

mod audit;

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
            "Counts from 1 to {} are shown as <{}; counts shown as x are withheld so that no combination of the published counts and totals can narrow a <{} count to a range narrower than {} (checked as an attacker would, by linear programming); {rounding}.",
            self.suppress_below.saturating_sub(1),
            self.suppress_below,
            self.suppress_below,
            self.suppress_below
        )
    }

    /// The rule in words for counts published one by one, with no totals ([`Self::protect_count`]).
    pub fn describe_alone(&self) -> String {
        let rounding = match self.round_to {
            0 | 1 => "other counts are exact".to_string(),
            n => format!("other counts are rounded to the nearest {n}"),
        };
        format!(
            "Counts from 1 to {} are withheld and shown as <{}; {rounding}. Each period is published on its own, with no total beside it.",
            self.suppress_below.saturating_sub(1),
            self.suppress_below,
        )
    }

    /// One count published on its own, with no total beside it that could narrow it (a month
    /// of a series): suppressed if small, else rounded. Counts published with totals go through
    /// [`protect_table`] or [`protect_list`], which also withhold what the totals would reveal.
    pub fn protect_count(&self, n: u64) -> Shown {
        if self.is_small(n) {
            Shown::Suppressed {
                below: self.suppress_below,
            }
        } else {
            Shown::Count(self.round(n))
        }
    }

    fn round(&self, n: u64) -> u64 {
        match self.round_to {
            0 | 1 => n,
            r => (n + r / 2) / r * r,
        }
    }

    /// Every true count that [`DisclosureRule::round`] publishes as `shown`: what a reader can
    /// tell from it.
    fn rounding_interval(&self, shown: u64) -> (u64, u64) {
        match self.round_to {
            0 | 1 => (shown, shown),
            r => (shown.saturating_sub(r / 2), shown + (r - 1 - r / 2)),
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
    /// Hidden because it is small (1 to the threshold less one): reads "<threshold".
    Suppressed {
        /// The rule's threshold, for display.
        below: u64,
    },
    /// Withheld so that the published counts and totals cannot narrow a small one (secondary
    /// suppression): reads "x". It is not itself small.
    Withheld,
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shown::Count(n) => write!(f, "{n}"),
            Shown::Suppressed { below } => write!(f, "<{below}"),
            Shown::Withheld => write!(f, "x"),
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
    let small = |at: At| rule.is_small(value[at.0][at.1]);
    let mut hidden = vec![vec![false; cols + 1]; rows + 1];
    for (i, row) in value.iter().enumerate() {
        for (j, _) in row.iter().enumerate() {
            hidden[i][j] = small((i, j));
        }
    }
    let grand_total = (rows, cols);
    // In a table of one row the column totals are the cells themselves (and the row total is the
    // grand total); likewise with one column. Such twins are one published number: hidden together.
    let twins = |(i, j): At| -> Vec<At> {
        let mut same = vec![(i, j)];
        if rows == 1 {
            same.push((1 - i, j));
        }
        if cols == 1 {
            for k in same.clone() {
                same.push((k.0, 1 - k.1));
            }
        }
        same
    };
    let is_grand_total = |at: At| twins(at).contains(&grand_total);
    // What a reader knows of each entry: a shown one lies in its rounding interval; the grand total
    // is known even if hidden here (the headline count publishes it) unless it is small itself.
    let known = |hidden: &[Vec<bool>]| -> Vec<Vec<audit::Known>> {
        (0..=rows)
            .map(|i| {
                (0..=cols)
                    .map(|j| {
                        // The grand total is published by the headline unless it is small.
                        let published_anyway = is_grand_total((i, j)) && !small((i, j));
                        if hidden[i][j] && !published_anyway {
                            audit::Known::Hidden
                        } else {
                            let (low, high) = rule.rounding_interval(rule.round(value[i][j]));
                            audit::Known::Between(low, high)
                        }
                    })
                    .collect()
            })
            .collect()
    };
    // Withholding more only ever widens a range, so a small count once protected stays protected.
    let mut unprotected: Vec<At> = (0..=rows)
        .flat_map(|i| (0..=cols).map(move |j| (i, j)))
        .filter(|&at| small(at) && !is_grand_total(at))
        .collect();
    while let Some(&at) = unprotected.first() {
        let width = audit::width(&value, &known(&hidden), at, rule.suppress_below);
        if width >= rule.suppress_below {
            unprotected.remove(0);
            continue;
        }
        // Withhold the smallest shown entry in its row or column (not the grand total); failing
        // that, the smallest anywhere; with nothing left to withhold, give up on this count.
        let shown = |&(i, j): &At| !hidden[i][j] && !is_grand_total((i, j));
        let near = (0..=cols)
            .map(|j| (at.0, j))
            .chain((0..=rows).map(|i| (i, at.1)))
            .filter(shown)
            .min_by_key(|&(i, j)| (value[i][j], i, j));
        let anywhere = || {
            (0..=rows)
                .flat_map(|i| (0..=cols).map(move |j| (i, j)))
                .filter(shown)
                .min_by_key(|&(i, j)| (value[i][j], i, j))
        };
        match near.or_else(anywhere) {
            Some(pick) => {
                for (i, j) in twins(pick) {
                    hidden[i][j] = true;
                }
            }
            None => {
                unprotected.remove(0);
            }
        }
    }
    let show = |i: usize, j: usize| {
        if hidden[i][j] && small((i, j)) {
            Shown::Suppressed {
                below: rule.suppress_below,
            }
        } else if hidden[i][j] {
            Shown::Withheld
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

    const X: Shown = Shown::Withheld;

    #[test]
    fn a_count_published_alone_is_suppressed_when_small_and_rounded_otherwise() {
        let rule = DisclosureRule::default();
        let shown: Vec<Shown> = [0, 1, 9, 10, 12, 13, 207]
            .iter()
            .map(|n| rule.protect_count(*n))
            .collect();
        use Shown::Count as C;
        assert_eq!(shown, vec![C(0), S, S, C(10), C(10), C(15), C(205)]);
        assert!(rule
            .describe_alone()
            .starts_with("Counts from 1 to 9 are withheld"));
    }

    #[test]
    fn a_small_cell_is_protected_against_every_combination_of_rows_and_columns() {
        // Worked by hand, rounding to 5s: 3 is small. Hiding it alone, row 0 (shown 55, so 53 to
        // 57, less 40 shown, so 38 to 42) and column 1 (35, less 30 shown) would pin it to 0..=13
        // less 12 shown... too narrow; so 12 and then 30 are withheld. Then a + b lies in 11..=19
        // (row 0), a in 6..=14 (column 0), d in 24..=36 (row 1), b + d in 33..=37 (column 1):
        // b can be anything from 0 to 13, a range 13 wide, and every other count is shown.
        let t = protect_table(
            &[vec![12, 3, 40], vec![25, 30, 18]],
            &DisclosureRule::default(),
        );
        assert_eq!(
            t.cells,
            vec![
                vec![X, S, Shown::Count(40)],
                vec![Shown::Count(25), X, Shown::Count(20)]
            ]
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
        assert!(t.rule.contains("shown as x are withheld"));
        assert_eq!(X.to_string(), "x");
    }

    #[test]
    fn rounding_can_protect_a_small_count_and_without_it_a_second_is_withheld() {
        // Rounded to 5s: 4 = total (218 to 222) less 120, 35 and 60 as shown (each +-2): 0 to 13.
        let (shown, total) = protect_list(&[120, 4, 33, 61], &DisclosureRule::default());
        assert_eq!(
            shown,
            vec![Shown::Count(120), S, Shown::Count(35), Shown::Count(60)]
        );
        assert_eq!(total, Shown::Count(220), "218 rounded");
        assert_eq!(S.to_string(), "<10");
        // Exact: 218 - 120 - 33 - 61 = 4 would give it away, so the smallest other (33) is
        // withheld: the two then share 37, and 4 could be anything from 0 to 37.
        let exact = DisclosureRule {
            suppress_below: 10,
            round_to: 1,
        };
        let (shown, total) = protect_list(&[120, 4, 33, 61], &exact);
        assert_eq!(shown, vec![Shown::Count(120), S, X, Shown::Count(61)]);
        assert_eq!(total, Shown::Count(218));
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
        fn small_counts_are_never_shown_and_shown_counts_are_rounded(
            counts in proptest::collection::vec(proptest::collection::vec(0_u64..40, 4), 1..6)
        ) {
            let rule = DisclosureRule::default();
            let t = protect_table(&counts, &rule);
            for (i, row) in counts.iter().enumerate() {
                for (j, n) in row.iter().enumerate() {
                    match t.cells[i][j] {
                        Shown::Count(shown) => {
                            prop_assert!(!rule.is_small(*n), "a small count is never shown");
                            prop_assert_eq!(shown % 5, 0);
                            prop_assert!(shown.abs_diff(*n) <= 2);
                        }
                        Shown::Suppressed { .. } => prop_assert!(rule.is_small(*n)),
                        Shown::Withheld => prop_assert!(!rule.is_small(*n), "x is never a small count"),
                    }
                }
            }
        }
    }
}
