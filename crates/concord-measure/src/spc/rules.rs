//! The four special-cause rules, applied to one group (rebase segment) at a time so that no run
//! crosses a rebase.
//!
//! Each function takes the group's points and returns, per point, whether it is part of a pattern.
//! The definitions follow NHSRplotthedots 0.2.2 (`ptd_calculate_point_type`):
//! - a **trend** is `trend_length` consecutive points each strictly above (or below) the one
//!   before; equal neighbours break it; the mean plays no part, so a trend may cross it; every
//!   point of the run is flagged, and a longer run flags every point;
//! - **two in three**: a point beyond two sigma (and, unless the profile says otherwise, not beyond
//!   the limits) in a window of three consecutive points, all strictly on the same side of the
//!   mean, of which at least two are beyond two sigma; only the points beyond two sigma are
//!   flagged, not the third;
//! - a **shift** is `shift_length` consecutive points strictly on one side of the mean; a point
//!   exactly on the mean breaks it; every point of the run is flagged.

use super::SpcRule;

/// Where one point stands against its group's centre line and limits.
#[derive(Debug, Clone, Copy)]
pub(super) struct Position {
    /// The value.
    pub value: f64,
    /// Beyond a process limit (strictly).
    pub outside: bool,
    /// Beyond two sigma (strictly), whether or not outside the limits.
    pub beyond_two_sigma: bool,
    /// +1 above the mean, -1 below, 0 exactly on it.
    pub side: i8,
}

/// Marks every point of each window of `length` points for which `window_matches` holds, where
/// `window_matches(end)` tests the window ending at index `end`.
fn flag_runs(n: usize, length: usize, window_matches: impl Fn(usize) -> bool) -> Vec<bool> {
    let mut flagged = vec![false; n];
    if n < length {
        return flagged;
    }
    for end in (length - 1)..n {
        if window_matches(end) {
            flagged[end + 1 - length..=end].fill(true);
        }
    }
    flagged
}

/// +1, -1 or 0: the sign of the step from `a` to `b` (so `step(mean, value)` is the side of the
/// mean a value lies on).
pub(super) fn step(a: f64, b: f64) -> i8 {
    if b > a {
        1
    } else if b < a {
        -1
    } else {
        0
    }
}

/// Points in a trend, each with its direction (+1 rising, -1 falling).
///
/// A point's direction is that of the step to its right when the next point is also in a trend,
/// otherwise that of the step from its left: so the peak shared by a rise and the fall after it
/// belongs to the fall, as in NHSRplotthedots. (A flat step between two trends gives 0, which is
/// drawn as falling, again as there.)
pub(super) fn trend(points: &[Position], length: usize) -> Vec<Option<i8>> {
    let n = points.len();
    let steps: Vec<i8> = (0..n)
        .map(|i| {
            if i == 0 {
                0
            } else {
                step(points[i - 1].value, points[i].value)
            }
        })
        .collect();
    let flagged = flag_runs(n, length, |end| {
        let window = &steps[end + 2 - length..=end];
        let first = window[0];
        first != 0 && window.iter().all(|s| *s == first)
    });
    (0..n)
        .map(|i| {
            flagged[i].then(|| {
                if i + 1 < n && flagged[i + 1] {
                    steps[i + 1]
                } else {
                    steps[i]
                }
            })
        })
        .collect()
}

/// Points in a shift: `length` or more in a row strictly on one side of the mean.
pub(super) fn shift(points: &[Position], length: usize) -> Vec<bool> {
    flag_runs(points.len(), length, |end| {
        let side = points[end].side;
        side != 0 && points[end + 1 - length..end].iter().all(|p| p.side == side)
    })
}

/// Points flagged by two-in-three beyond two sigma. With `count_beyond_limits` false (as in
/// NHSRplotthedots 0.2.2), a point beyond the process limits does not count as beyond two sigma.
pub(super) fn two_in_three(points: &[Position], count_beyond_limits: bool) -> Vec<bool> {
    let n = points.len();
    let counts = |p: &Position| p.beyond_two_sigma && (count_beyond_limits || !p.outside);
    let window_qualifies = |start: usize| {
        let window = &points[start..start + 3];
        let side = window[0].side;
        side != 0
            && window.iter().all(|p| p.side == side)
            && window.iter().filter(|p| counts(p)).count() >= 2
    };
    let qualifying: Vec<bool> = (0..n.saturating_sub(2)).map(window_qualifies).collect();
    (0..n)
        .map(|i| {
            counts(&points[i])
                && (i.saturating_sub(2)..=i).any(|start| qualifying.get(start) == Some(&true))
        })
        .collect()
}

/// The rule that flags each point, by precedence: beyond the limits, then trend, then two in
/// three, then shift.
pub(super) fn classify(
    points: &[Position],
    trend_length: usize,
    shift_length: usize,
    two_in_three_counts_beyond_limits: bool,
) -> Vec<Option<SpcRule>> {
    let trends = trend(points, trend_length);
    let two_in_threes = two_in_three(points, two_in_three_counts_beyond_limits);
    let shifts = shift(points, shift_length);
    points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let high = p.side > 0;
            if p.outside {
                Some(if p.side == 1 {
                    SpcRule::AboveUpl
                } else {
                    SpcRule::BelowLpl
                })
            } else if let Some(direction) = trends[i] {
                Some(if direction == 1 {
                    SpcRule::TrendIncreasing
                } else {
                    SpcRule::TrendDecreasing
                })
            } else if two_in_threes[i] {
                Some(if high {
                    SpcRule::TwoInThreeHigh
                } else {
                    SpcRule::TwoInThreeLow
                })
            } else if shifts[i] {
                Some(if high {
                    SpcRule::ShiftHigh
                } else {
                    SpcRule::ShiftLow
                })
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    //! The unit tests of NHSRplotthedots 0.2 for its rule helpers
    //! (`tests/testthat/test-ptd_calculate_point_type.R`), restated for these functions.
    use super::*;

    fn at(values: &[f64], sides: &[i8]) -> Vec<Position> {
        values
            .iter()
            .zip(sides)
            .map(|(v, s)| Position {
                value: *v,
                outside: false,
                beyond_two_sigma: false,
                side: *s,
            })
            .collect()
    }

    fn values(values: &[f64]) -> Vec<Position> {
        at(values, &vec![1; values.len()])
    }

    fn sides(sides: &[i8]) -> Vec<Position> {
        at(&vec![0.0; sides.len()], sides)
    }

    fn close(close: &[u8], sides: &[i8]) -> Vec<Position> {
        close
            .iter()
            .zip(sides)
            .map(|(c, s)| Position {
                value: 0.0,
                outside: false,
                beyond_two_sigma: *c == 1,
                side: *s,
            })
            .collect()
    }

    fn flags(v: &[bool]) -> Vec<u8> {
        v.iter().map(|b| u8::from(*b)).collect()
    }

    fn trend_flags(points: &[Position]) -> Vec<i8> {
        trend(points, 7).iter().map(|d| d.unwrap_or(0)).collect()
    }

    #[test]
    fn six_rising_points_are_not_a_trend_and_seven_are() {
        let six: Vec<f64> = (1..=6).map(f64::from).collect();
        assert_eq!(trend_flags(&values(&six)), vec![0; 6]);
        let seven: Vec<f64> = (1..=7).map(f64::from).collect();
        assert_eq!(trend_flags(&values(&seven)), vec![1; 7]);
        let falling: Vec<f64> = (1..=7).rev().map(f64::from).collect();
        assert_eq!(trend_flags(&values(&falling)), vec![-1; 7]);
    }

    #[test]
    fn a_tie_breaks_a_trend() {
        // c(1:3, 3:6): seven points, rising but for one equal pair.
        let tied = [1.0, 2.0, 3.0, 3.0, 4.0, 5.0, 6.0];
        assert_eq!(trend_flags(&values(&tied)), vec![0; 7]);
    }

    #[test]
    fn only_the_points_of_the_trend_are_flagged() {
        // c(2, 1:7, 3)
        let mut v = vec![2.0];
        v.extend((1..=7).map(f64::from));
        v.push(3.0);
        assert_eq!(trend_flags(&values(&v)), [0, 1, 1, 1, 1, 1, 1, 1, 0]);
    }

    #[test]
    fn a_shift_needs_seven_on_one_side_and_flags_all_of_them() {
        assert_eq!(flags(&shift(&sides(&[1; 6]), 7)), vec![0; 6]);
        assert_eq!(
            flags(&shift(&sides(&[1, 1, 1, 1, 1, 1, -1]), 7)),
            vec![0; 7]
        );
        assert_eq!(
            flags(&shift(&sides(&[-1, -1, -1, -1, -1, -1, -1, -1, 1]), 7)),
            [1, 1, 1, 1, 1, 1, 1, 1, 0]
        );
    }

    #[test]
    fn a_point_on_the_mean_breaks_a_shift() {
        assert_eq!(
            flags(&shift(&sides(&[1, 1, 1, 0, 1, 1, 1, 1]), 7)),
            vec![0; 8]
        );
    }

    #[test]
    fn two_in_three_flags_only_the_points_beyond_two_sigma() {
        let same = [1; 3];
        for pattern in [[1, 0, 1], [0, 1, 1], [1, 1, 0]] {
            assert_eq!(
                flags(&two_in_three(&close(&pattern, &same), false)),
                pattern
            );
        }
        assert_eq!(
            flags(&two_in_three(
                &close(&[0, 0, 1, 0, 1, 0, 0], &[1; 7]),
                false
            )),
            [0, 0, 1, 0, 1, 0, 0]
        );
        assert_eq!(
            flags(&two_in_three(&close(&[1, 0, 0, 1], &[1; 4]), false)),
            [0, 0, 0, 0]
        );
        assert_eq!(
            flags(&two_in_three(&close(&[1, 0, 0, 1, 1], &[1; 5]), false)),
            [0, 0, 0, 1, 1]
        );
    }

    #[test]
    fn two_in_three_needs_all_three_points_on_one_side() {
        assert_eq!(
            flags(&two_in_three(&close(&[1, 0, 1], &[1, -1, 1]), false)),
            [0, 0, 0]
        );
    }

    #[test]
    fn beyond_the_limits_counts_towards_two_in_three_only_if_the_profile_says_so() {
        let mut points = close(&[1, 0, 1], &[1; 3]);
        points[2].outside = true;
        assert_eq!(flags(&two_in_three(&points, false)), [0, 0, 0]);
        assert_eq!(flags(&two_in_three(&points, true)), [1, 0, 1]);
    }

    #[test]
    fn precedence_is_limits_then_trend_then_two_in_three_then_shift() {
        // The upstream precedence test: y = 1:8 with these sides and limit breaches, where every
        // helper is forced. Here the patterns arise from the data instead.
        let mut points = at(
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
            &[1, 1, 1, 1, 1, 1, 1, 1],
        );
        points[7].outside = true;
        let rules = classify(&points, 7, 7, false);
        assert_eq!(rules[7], Some(SpcRule::AboveUpl));
        assert!(rules[..7]
            .iter()
            .all(|r| *r == Some(SpcRule::TrendIncreasing)));
    }
}
