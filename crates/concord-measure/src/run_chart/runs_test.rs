//! How many runs are too few or too many: the exact distribution of the number of runs.
//!
//! Arrange n1 points above and n2 below the median in random order. The number of runs R (maximal
//! groups of consecutive points on one side) then has the distribution of Swed and Eisenhart
//! (Swed FS, Eisenhart C. "Tables for testing randomness of grouping in a sequence of
//! alternatives", *Annals of Mathematical Statistics* 14 (1943) 66–87), over C(n1 + n2, n1)
//! equally likely arrangements:
//! - R = 2k (even): 2 · C(n1 − 1, k − 1) · C(n2 − 1, k − 1) arrangements;
//! - R = 2k + 1 (odd): C(n1 − 1, k) · C(n2 − 1, k − 1) + C(n1 − 1, k − 1) · C(n2 − 1, k).
//!
//! Table 1 of Perla, Provost and Murray (2011), based on Swed and Eisenhart's tables, gives for each
//! number of useful observations N (points not on the median) a lower and an upper limit for the
//! number of runs: fewer runs than the lower limit are too few, more than the upper limit too many.
//! The table is indexed by N alone, so it assumes as many points above the median as below;
//! [`runs_limits`] therefore uses n1 = ⌊N/2⌋ and n2 = ⌈N/2⌉. It applies the rule from N = 10, like the
//! table, and computes limits for any larger N rather than stopping where the table does.
//!
//! Caution: the values printed in the paper's Table 1 could not be consulted while writing this
//! module, so the tests do not compare against them; they compare against published Swed–Eisenhart
//! critical values and probabilities instead. Check a few rows against the paper before relying on
//! an exact match with it.
//!
//! The limits are the usual two-sided 5% critical values, 2.5% in each tail, with the convention of
//! the published critical-value tables that a tail counts only when its probability is *strictly*
//! below 2.5%: R is too few when P(R ≤ r) < 0.025 and too many when P(R ≥ r) < 0.025. (The
//! convention matters: for n1 = 3, n2 = 14, P(R ≤ 3) is exactly 1/40 and the published table does
//! not reject at 3.) The tests reproduce every attainable critical value in rows n1 = 2..10 of the
//! published table of critical values for the number of runs at α = 0.05, and published cumulative
//! probabilities of R.
//!
//! Counts are exact integers (u128) while they fit, which covers every chart of up to 126 useful
//! observations; beyond that the probabilities are computed in floating point from log-factorials
//! (relative error around 1e-12), where an exact tie with 2.5% is not resolved exactly.

use serde::Serialize;

/// The significance level of the runs test, both tails together: 2.5% in each tail.
pub const RUNS_TEST_ALPHA: f64 = 0.05;

/// The first table row: with fewer useful observations the runs rule is not applied.
pub const RUNS_MIN_USEFUL_OBSERVATIONS: usize = 10;

/// The tail probability as a fraction 1/TAIL_DENOMINATOR (α/2 = 0.025 = 1/40), for exact comparison.
const TAIL_DENOMINATOR: u128 = 40;

/// Limits for the number of runs: fewer than `lower` runs are too few, more than `upper` too many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RunsLimits {
    /// Fewer runs than this are too few (a shift: the data stay on one side too long).
    pub lower: usize,
    /// More runs than this are too many (the data alternate too regularly, or two processes mix).
    pub upper: usize,
}

/// The limits Table 1 of Perla et al. (2011) tabulates for `useful_observations` points not on the
/// median; `None` below [`RUNS_MIN_USEFUL_OBSERVATIONS`], where the rule is not applied.
pub fn runs_limits(useful_observations: usize) -> Option<RunsLimits> {
    if useful_observations < RUNS_MIN_USEFUL_OBSERVATIONS {
        return None;
    }
    let below = useful_observations / 2;
    Some(runs_limits_for(below, useful_observations - below))
}

/// The runs limits for `n1` points on one side and `n2` on the other (the general Swed–Eisenhart
/// critical values, two-sided 5%). Where no count of runs is rare enough, the limit is the smallest
/// or largest number of runs possible, so it can never be passed.
pub fn runs_limits_for(n1: usize, n2: usize) -> RunsLimits {
    let (fewest, most) = runs_range(n1, n2);
    let (lowest_rare, highest_rare) = match exact_counts(n1, n2) {
        Some((counts, total)) => rare_tails_exact(&counts, total),
        None => rare_tails_approx(&approx_probabilities(n1, n2)),
    };
    RunsLimits {
        lower: lowest_rare.map_or(fewest, |r| r + 1),
        upper: highest_rare.map_or(most, |r| r - 1),
    }
}

/// P(R ≤ r): the probability of at most `r` runs among `n1` and `n2` points in random order.
pub fn runs_cdf(n1: usize, n2: usize, r: usize) -> f64 {
    match exact_counts(n1, n2) {
        Some((counts, total)) => {
            let at_most: u128 = counts.iter().take(r + 1).sum();
            at_most as f64 / total as f64
        }
        None => approx_probabilities(n1, n2).iter().take(r + 1).sum(),
    }
}

/// The fewest and most runs possible.
fn runs_range(n1: usize, n2: usize) -> (usize, usize) {
    match (n1, n2) {
        (0, 0) => (0, 0),
        (0, _) | (_, 0) => (1, 1),
        _ if n1 == n2 => (2, 2 * n1),
        _ => (2, 2 * n1.min(n2) + 1),
    }
}

/// The highest r with P(R ≤ r) < 1/40 and the lowest r with P(R ≥ r) < 1/40, in exact arithmetic.
fn rare_tails_exact(counts: &[u128], total: u128) -> (Option<usize>, Option<usize>) {
    let rare = |tail: u128| tail * TAIL_DENOMINATOR < total;
    let mut lower = None;
    let mut tail = 0u128;
    for (r, count) in counts.iter().enumerate() {
        tail += count;
        if !rare(tail) {
            break;
        }
        if *count > 0 {
            lower = Some(r);
        }
    }
    let mut upper = None;
    tail = 0;
    for (r, count) in counts.iter().enumerate().rev() {
        tail += count;
        if !rare(tail) {
            break;
        }
        if *count > 0 {
            upper = Some(r);
        }
    }
    (lower, upper)
}

/// As [`rare_tails_exact`], from floating-point probabilities.
fn rare_tails_approx(probabilities: &[f64]) -> (Option<usize>, Option<usize>) {
    let alpha_tail = RUNS_TEST_ALPHA / 2.0;
    let mut lower = None;
    let mut tail = 0.0;
    for (r, p) in probabilities.iter().enumerate() {
        tail += p;
        if tail >= alpha_tail {
            break;
        }
        if *p > 0.0 {
            lower = Some(r);
        }
    }
    let mut upper = None;
    tail = 0.0;
    for (r, p) in probabilities.iter().enumerate().rev() {
        tail += p;
        if tail >= alpha_tail {
            break;
        }
        if *p > 0.0 {
            upper = Some(r);
        }
    }
    (lower, upper)
}

/// The number of arrangements with exactly r runs, indexed by r, and the number of arrangements,
/// or `None` if they do not fit in u128 (with room to compare against 1/40).
fn exact_counts(n1: usize, n2: usize) -> Option<(Vec<u128>, u128)> {
    let n = n1 + n2;
    let total = binomial(n as u128, n1 as u128)?;
    total.checked_mul(TAIL_DENOMINATOR)?;
    let mut counts = vec![0u128; n + 1];
    if n1 == 0 || n2 == 0 {
        counts[usize::from(n > 0)] = 1;
        return Some((counts, total));
    }
    let (a, b) = ((n1 - 1) as u128, (n2 - 1) as u128);
    for (r, slot) in counts.iter_mut().enumerate().skip(2) {
        let k = (r / 2) as u128;
        *slot = if r % 2 == 0 {
            binomial(a, k - 1)?
                .checked_mul(binomial(b, k - 1)?)?
                .checked_mul(2)?
        } else {
            let one = binomial(a, k)?.checked_mul(binomial(b, k - 1)?)?;
            let other = binomial(a, k - 1)?.checked_mul(binomial(b, k)?)?;
            one.checked_add(other)?
        };
    }
    Some((counts, total))
}

/// C(n, k) in u128, or `None` on overflow; 0 when k > n.
fn binomial(n: u128, k: u128) -> Option<u128> {
    if k > n {
        return Some(0);
    }
    let k = k.min(n - k);
    let mut c: u128 = 1;
    for i in 0..k {
        // C(n, i + 1) = c · (n − i) / (i + 1). Cancel the common factor first so that nothing larger
        // than the result is ever formed: with g = gcd(c, i + 1), (i + 1) / g divides n − i.
        let g = gcd(c, i + 1);
        c = (c / g).checked_mul((n - i) / ((i + 1) / g))?;
    }
    Some(c)
}

/// The greatest common divisor.
fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// P(R = r) indexed by r, in floating point from log-factorials (for charts too long for u128).
fn approx_probabilities(n1: usize, n2: usize) -> Vec<f64> {
    let n = n1 + n2;
    let mut probabilities = vec![0.0; n + 1];
    if n1 == 0 || n2 == 0 {
        probabilities[usize::from(n > 0)] = 1.0;
        return probabilities;
    }
    let mut ln_factorial = vec![0.0f64; n + 1];
    for i in 1..=n {
        ln_factorial[i] = ln_factorial[i - 1] + (i as f64).ln();
    }
    let ln_choose = |n: usize, k: usize| ln_factorial[n] - ln_factorial[k] - ln_factorial[n - k];
    let ln_total = ln_choose(n, n1);
    let term = |k1: usize, k2: usize| {
        if k1 > n1 - 1 || k2 > n2 - 1 {
            0.0
        } else {
            (ln_choose(n1 - 1, k1) + ln_choose(n2 - 1, k2) - ln_total).exp()
        }
    };
    for (r, slot) in probabilities.iter_mut().enumerate().skip(2) {
        let k = r / 2;
        *slot = if r % 2 == 0 {
            2.0 * term(k - 1, k - 1)
        } else {
            term(k, k - 1) + term(k - 1, k)
        };
    }
    probabilities
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Critical values for the number of runs G at α = 0.05 (two-tailed): reject randomness if
    /// G ≤ the first value or G ≥ the second. Rows n1 = 2..10, columns n2 = 2..20, as published in
    /// Triola, *Elementary Statistics*, Table A-10 "Critical Values for Number of Runs G" (Pearson
    /// Addison-Wesley, 2004), itself adapted from Swed and Eisenhart (1943); transcribed from the copy
    /// at https://www.scribd.com/document/814856639/Number-of-Runs-Critical-Values-Table and
    /// https://de.scribd.com/document/208562376/Nonparametric-Table. Entries such as "1" or an upper
    /// value above the most runs possible are placeholders meaning "never rejected".
    #[rustfmt::skip]
    const PUBLISHED_CRITICAL_VALUES: [[(usize, usize); 19]; 9] = [
        [(1, 6), (1, 6), (1, 6), (1, 6), (1, 6), (1, 6), (1, 6), (1, 6), (1, 6), (1, 6), (2, 6), (2, 6), (2, 6), (2, 6), (2, 6), (2, 6), (2, 6), (2, 6), (2, 6)],
        [(1, 6), (1, 8), (1, 8), (1, 8), (2, 8), (2, 8), (2, 8), (2, 8), (2, 8), (2, 8), (2, 8), (2, 8), (2, 8), (3, 8), (3, 8), (3, 8), (3, 8), (3, 8), (3, 8)],
        [(1, 6), (1, 8), (1, 9), (2, 9), (2, 9), (2, 10), (3, 10), (3, 10), (3, 10), (3, 10), (3, 10), (3, 10), (3, 10), (3, 10), (4, 10), (4, 10), (4, 10), (4, 10), (4, 10)],
        [(1, 6), (1, 8), (2, 9), (2, 10), (3, 10), (3, 11), (3, 11), (3, 12), (3, 12), (4, 12), (4, 12), (4, 12), (4, 12), (4, 12), (4, 12), (4, 12), (5, 12), (5, 12), (5, 12)],
        [(1, 6), (2, 8), (2, 9), (3, 10), (3, 11), (3, 12), (3, 12), (4, 13), (4, 13), (4, 13), (4, 13), (5, 14), (5, 14), (5, 14), (5, 14), (5, 14), (5, 14), (6, 14), (6, 14)],
        [(1, 6), (2, 8), (2, 10), (3, 11), (3, 12), (3, 13), (4, 13), (4, 14), (5, 14), (5, 14), (5, 14), (5, 15), (5, 15), (6, 15), (6, 16), (6, 16), (6, 16), (6, 16), (6, 16)],
        [(1, 6), (2, 8), (3, 10), (3, 11), (3, 12), (4, 13), (4, 14), (5, 14), (5, 15), (5, 15), (6, 16), (6, 16), (6, 16), (6, 16), (6, 17), (7, 17), (7, 17), (7, 17), (7, 17)],
        [(1, 6), (2, 8), (3, 10), (3, 12), (4, 13), (4, 14), (5, 14), (5, 15), (5, 16), (6, 16), (6, 16), (6, 17), (7, 17), (7, 18), (7, 18), (7, 18), (8, 18), (8, 18), (8, 18)],
        [(1, 6), (2, 8), (3, 10), (3, 12), (4, 13), (5, 14), (5, 15), (5, 16), (6, 16), (6, 17), (7, 17), (7, 18), (7, 18), (7, 18), (8, 19), (8, 19), (8, 19), (8, 20), (9, 20)],
    ];

    #[test]
    fn reproduces_every_attainable_published_critical_value() {
        let mut checked = 0;
        for (row, n1) in PUBLISHED_CRITICAL_VALUES.iter().zip(2usize..) {
            for (&(low, high), n2) in row.iter().zip(2usize..) {
                let (fewest, most) = runs_range(n1, n2);
                let limits = runs_limits_for(n1, n2);
                if low >= fewest {
                    assert_eq!(
                        limits.lower,
                        low + 1,
                        "lower critical value, n1 = {n1}, n2 = {n2}"
                    );
                    checked += 1;
                } else {
                    assert_eq!(limits.lower, fewest, "never too few, n1 = {n1}, n2 = {n2}");
                }
                if high <= most {
                    assert_eq!(
                        limits.upper,
                        high - 1,
                        "upper critical value, n1 = {n1}, n2 = {n2}"
                    );
                    checked += 1;
                } else {
                    assert_eq!(limits.upper, most, "never too many, n1 = {n1}, n2 = {n2}");
                }
            }
        }
        assert_eq!(checked, 220, "every attainable value in the published rows");
    }

    #[test]
    fn an_exact_tie_at_two_and_a_half_percent_is_not_rare() {
        // P(R ≤ 3 | 3, 14) = 17/680 = 1/40 exactly; the published table's lower value is 2, not 3.
        assert!((runs_cdf(3, 14, 3) - 0.025).abs() < 1e-15);
        assert_eq!(runs_limits_for(3, 14).lower, 3);
    }

    #[test]
    fn reproduces_published_cumulative_probabilities() {
        // P(R ≤ r) for r = 2, 3, ... to three decimals: Walpole, Myers, Myers, Ye, *Probability &
        // Statistics for Engineers & Scientists*, Table A.18 "P(V ≤ v* when H0 is true) in the Runs
        // Test" (copy at https://pdfcoffee.com/download/tabel-a18-runs-testpdf-pdf-free.html).
        let published: [((usize, usize), &[f64]); 7] = [
            ((2, 3), &[0.200, 0.500, 0.900, 1.000]),
            ((3, 5), &[0.036, 0.143, 0.429, 0.714, 0.929, 1.000]),
            (
                (4, 6),
                &[0.010, 0.048, 0.190, 0.405, 0.690, 0.881, 0.976, 1.000],
            ),
            (
                (5, 5),
                &[
                    0.008, 0.040, 0.167, 0.357, 0.643, 0.833, 0.960, 0.992, 1.000,
                ],
            ),
            (
                (5, 8),
                &[
                    0.002, 0.010, 0.054, 0.152, 0.347, 0.576, 0.793, 0.929, 0.984,
                ],
            ),
            (
                (6, 6),
                &[
                    0.002, 0.013, 0.067, 0.175, 0.392, 0.608, 0.825, 0.933, 0.987,
                ],
            ),
            (
                (7, 7),
                &[
                    0.001, 0.004, 0.025, 0.078, 0.209, 0.383, 0.617, 0.791, 0.922,
                ],
            ),
        ];
        for ((n1, n2), row) in published {
            for (p, r) in row.iter().zip(2usize..) {
                let got = runs_cdf(n1, n2, r);
                assert!(
                    (got - p).abs() <= 0.0005,
                    "P(R <= {r} | {n1}, {n2}) = {got}, published {p}"
                );
            }
        }
        // n1 = n2 = 10, quoted at http://www.real-statistics.com/statistics-tables/runs-test-table/
        // (reader's comment): P(R ≤ 6) = 0.019, P(R ≤ 7) = 0.051, P(R ≤ 8) = 0.128, P(R ≤ 14) = 0.949,
        // P(R ≤ 15) = 0.981.
        for (r, p) in [(6, 0.019), (7, 0.051), (8, 0.128), (14, 0.949), (15, 0.981)] {
            assert!((runs_cdf(10, 10, r) - p).abs() <= 0.0005, "r = {r}");
        }
    }

    #[test]
    fn the_table_starts_at_ten_useful_observations() {
        assert_eq!(runs_limits(9), None);
        assert_eq!(runs_limits(10), Some(RunsLimits { lower: 3, upper: 9 }));
        // 20 points split 10/10: the critical values 6 and 16 above, as limits 7 and 15.
        assert_eq!(
            runs_limits(20),
            Some(RunsLimits {
                lower: 7,
                upper: 15
            })
        );
    }

    #[test]
    fn the_floating_point_path_agrees_with_the_exact_one() {
        for n in RUNS_MIN_USEFUL_OBSERVATIONS..=126 {
            let (n1, n2) = (n / 2, n - n / 2);
            let (counts, total) = exact_counts(n1, n2).expect("fits in u128");
            let approx = approx_probabilities(n1, n2);
            for (count, p) in counts.iter().zip(&approx) {
                let exact = *count as f64 / total as f64;
                assert!((exact - p).abs() <= 1e-10 * exact, "n = {n}");
            }
            assert_eq!(
                rare_tails_exact(&counts, total),
                rare_tails_approx(&approx),
                "n = {n}"
            );
        }
        assert!(
            exact_counts(64, 63).is_none(),
            "127 points overflow u128, so the float path runs"
        );
        let long = runs_limits(400).expect("long charts still get limits");
        assert!(long.lower < 201 && 201 < long.upper);
    }

    #[test]
    fn degenerate_splits() {
        assert_eq!(runs_limits_for(0, 7), RunsLimits { lower: 1, upper: 1 });
        assert_eq!(runs_cdf(0, 7, 1), 1.0);
        assert_eq!(runs_limits_for(1, 1), RunsLimits { lower: 2, upper: 2 });
    }
}
