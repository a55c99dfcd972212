//! The run chart rules against published examples, behaviour by behaviour, and as properties.

use super::*;
use proptest::prelude::*;

fn chart(values: &[f64]) -> RunChart {
    analyse(values, &RunChartOptions::default()).expect("valid series")
}

fn signals_of(chart: &RunChart, rule: Rule) -> Vec<&Signal> {
    chart.signals.iter().filter(|s| s.rule == rule).collect()
}

// ---- Published worked examples -------------------------------------------------------------

#[test]
fn counts_runs_ignoring_the_point_on_the_centre_line() {
    // ExcelForum, "Count number of runs above or below average" (2005),
    // https://www.excelforum.com/excel-formulas-and-functions/444088-count-number-of-runs-above-or-below-average.html:
    // 1 2 5 6 1 1 2 3 4 4 4 about a centre of 3.0 have four runs; the 3 is "equal to mean/not part
    // of a run". (The median of these values is also 3.)
    let c = chart(&[1.0, 2.0, 5.0, 6.0, 1.0, 1.0, 2.0, 3.0, 4.0, 4.0, 4.0]);
    assert_eq!(c.median, 3.0);
    assert_eq!(c.points[7].side, Side::OnMedian);
    assert_eq!(c.runs.runs, 4);
    assert_eq!(c.runs.crossings, 3);
    assert_eq!(c.useful_observations, 10);
    assert_eq!(c.runs.limits, Some(RunsLimits { lower: 3, upper: 9 }));
    assert!(c.signals.is_empty(), "{:?}", c.signals);
}

#[test]
fn trend_length_counts_points_not_steps() {
    // Duncan, *Quality Control and Industrial Statistics*, 5th ed., p. 429, quoted at
    // http://blog.pqsystems.com/2009/05/28/stats-tip-a-run-of-6-or-7/: "in the series 5, 4, 6, 8,
    // 10, 12, 11, there is a run up of 4, since there are four increases in a row. Likewise, 7, 10,
    // 8, 6, 5, 4, 3, 2, 4 illustrates a run down of 6." Four increases join five points (4 to 12),
    // which is a trend by Perla et al.'s five-point rule; six decreases join seven (10 to 2).
    let up = chart(&[5.0, 4.0, 6.0, 8.0, 10.0, 12.0, 11.0]);
    let trend = signals_of(&up, Rule::Trend);
    assert_eq!(trend.len(), 1);
    assert_eq!((trend[0].start, trend[0].end, trend[0].count), (1, 5, 5));
    assert_eq!(trend[0].direction, Some(Direction::Up));

    let down = chart(&[7.0, 10.0, 8.0, 6.0, 5.0, 4.0, 3.0, 2.0, 4.0]);
    let trend = signals_of(&down, Rule::Trend);
    assert_eq!(trend.len(), 1);
    assert_eq!((trend[0].start, trend[0].end, trend[0].count), (1, 7, 7));
    assert_eq!(trend[0].direction, Some(Direction::Down));
}

#[test]
fn sixteen_points_in_four_runs_are_too_few() {
    // Balestracci D, "An underrated test for run charts", Quality Digest, October 2008,
    // https://m.qualitydigest.com/magazine/2008/oct/department/underrated-test-run-charts.html:
    // 16 monthly points fall seven above the median, seven below, one above, one below: "only four
    // runs total", where 5 or more runs are expected from random variation; the article also notes
    // "the trend downward of length five from observations 5 to 9". The values are ours, made to
    // follow that described pattern exactly. Perla et al.'s rules (unlike the article's run-of-8
    // rule) also call each run of seven a shift, and five points going down a trend.
    let values = [
        20.0, 18.0, 21.0, 19.0, 22.0, 19.0, 18.0, 12.0, 11.0, 13.0, 12.0, 14.0, 13.0, 12.0, 17.0,
        12.0,
    ];
    let c = chart(&values);
    assert_eq!(c.median, 15.5);
    assert_eq!(c.useful_observations, 16);
    assert_eq!((c.runs.runs, c.runs.above, c.runs.below), (4, 8, 8));
    assert_eq!(
        c.runs.limits.map(|l| l.lower),
        Some(5),
        "the article's lower bound of 5 for 16 points"
    );
    assert!(c.runs.too_few());

    let few = signals_of(&c, Rule::TooFewRuns);
    assert_eq!((few.len(), few[0].count, few[0].limit), (1, 4, 5));
    let shifts: Vec<_> = signals_of(&c, Rule::Shift)
        .iter()
        .map(|s| (s.start, s.end, s.count, s.direction))
        .collect();
    assert_eq!(
        shifts,
        [
            (0, 6, 7, Some(Direction::Above)),
            (7, 13, 7, Some(Direction::Below))
        ]
    );
    let trends: Vec<_> = signals_of(&c, Rule::Trend)
        .iter()
        .map(|s| (s.start, s.end, s.count, s.direction))
        .collect();
    assert_eq!(
        trends,
        [(4, 8, 5, Some(Direction::Down))],
        "observations 5 to 9"
    );
    assert!(signals_of(&c, Rule::Astronomical).is_empty());
}

// ---- Each rule's behaviour -----------------------------------------------------------------

#[test]
fn points_on_the_median_neither_add_to_nor_break_a_shift() {
    // A baseline of the single value 5 fixes the median at 5.
    let options = RunChartOptions::with_baseline(1);
    let c = analyse(&[5.0, 6.0, 7.0, 5.0, 6.0, 8.0, 9.0, 6.0, 4.0], &options).unwrap();
    let shift = signals_of(&c, Rule::Shift);
    assert_eq!(shift.len(), 1);
    assert_eq!(
        (shift[0].start, shift[0].end, shift[0].count),
        (1, 7, 6),
        "six above, one on the median between"
    );
    assert!(c.points[3].flags.contains(&Rule::Shift), "inside the span");

    let c = analyse(&[5.0, 6.0, 7.0, 5.0, 6.0, 8.0, 9.0, 4.0], &options).unwrap();
    assert!(
        signals_of(&c, Rule::Shift).is_empty(),
        "five above and one on the median are not six"
    );
}

#[test]
fn like_values_neither_make_nor_break_a_trend() {
    let c = chart(&[1.0, 2.0, 2.0, 3.0, 4.0, 5.0]);
    let trend = signals_of(&c, Rule::Trend);
    assert_eq!(
        (trend[0].start, trend[0].end, trend[0].count),
        (0, 5, 5),
        "the repeated 2 counts once"
    );

    assert!(
        signals_of(&chart(&[1.0, 2.0, 2.0, 3.0, 4.0]), Rule::Trend).is_empty(),
        "4 distinct steps"
    );
    assert!(
        signals_of(&chart(&[1.0, 2.0, 3.0, 2.0, 4.0, 5.0]), Rule::Trend).is_empty(),
        "a reversal breaks it"
    );

    // A trend's span runs from the last of the like values it leaves to the first it reaches.
    let c = chart(&[3.0, 1.0, 1.0, 2.0, 3.0, 4.0, 5.0, 5.0]);
    let trend = signals_of(&c, Rule::Trend);
    assert_eq!((trend[0].start, trend[0].end), (2, 6));
}

#[test]
fn alternating_values_give_too_many_runs() {
    let values: Vec<f64> = (0..20)
        .map(|i| if i % 2 == 0 { 1.0 } else { 3.0 })
        .collect();
    let c = chart(&values);
    assert_eq!(c.runs.runs, 20);
    assert_eq!(
        c.runs.limits,
        Some(RunsLimits {
            lower: 7,
            upper: 15
        })
    );
    let many = signals_of(&c, Rule::TooManyRuns);
    assert_eq!(
        (
            many.len(),
            many[0].count,
            many[0].limit,
            many[0].start,
            many[0].end
        ),
        (1, 20, 15, 0, 19)
    );
    assert!(
        c.points.iter().all(|p| p.flags.is_empty()),
        "runs signals are not attached to points"
    );
}

#[test]
fn the_runs_rule_waits_for_ten_useful_observations() {
    let values = [1.0, 1.0, 1.0, 1.0, 9.0, 9.0, 9.0, 9.0, 5.0];
    let c = analyse(&values, &without_astronomical()).unwrap();
    assert_eq!(c.useful_observations, 8);
    assert_eq!((c.runs.runs, c.runs.limits), (2, None));
    assert!(!c.runs.too_few());
    assert!(c.signals.is_empty());
}

#[test]
fn an_astronomical_point_lies_beyond_the_moving_range_limits() {
    let values = [10.0, 11.0, 10.0, 11.0, 10.0, 11.0, 10.0, 50.0, 10.0, 11.0];
    let c = chart(&values);
    let limits = c.astronomical_limits.unwrap();
    assert!((limits.mean - 14.4).abs() < 1e-12);
    assert!((limits.average_moving_range - 87.0 / 9.0).abs() < 1e-12);
    let astro = signals_of(&c, Rule::Astronomical);
    assert_eq!(astro.len(), 1);
    assert_eq!(
        (astro[0].start, astro[0].direction),
        (7, Some(Direction::Above))
    );
    assert_eq!(c.points[7].flags, [Rule::Astronomical]);

    let off = analyse(
        &values,
        &RunChartOptions {
            astronomical: false,
            ..RunChartOptions::default()
        },
    )
    .unwrap();
    assert_eq!(off.astronomical_limits, None);
    assert!(signals_of(&off, Rule::Astronomical).is_empty());
    assert_eq!(
        chart(&[4.0, 4.0, 4.0]).astronomical_limits,
        None,
        "no variation, no limits"
    );
}

#[test]
fn a_baseline_median_is_extended_over_later_points() {
    // Twelve baseline points around 10, then twelve after a change, all lower.
    let mut values = vec![
        9.0, 11.0, 10.0, 12.0, 8.0, 10.5, 9.5, 11.5, 10.0, 9.0, 11.0, 10.0,
    ];
    values.extend([6.0, 7.0, 5.5, 6.5, 7.5, 6.0, 5.0, 7.0, 6.5, 6.0, 5.5, 7.0]);
    let c = analyse(&values, &RunChartOptions::with_baseline(12)).unwrap();
    assert_eq!(c.median, 10.0);
    assert_eq!(c.baseline, Some(12));
    let shift = signals_of(&c, Rule::Shift);
    assert_eq!(
        shift.last().map(|s| (s.start, s.end, s.direction)),
        Some((12, 23, Some(Direction::Below)))
    );
    assert!(c.points[12..]
        .iter()
        .all(|p| p.side == Side::Below && p.flags.contains(&Rule::Shift)));
}

#[test]
fn rejects_what_cannot_be_charted_and_says_where() {
    let options = RunChartOptions::default();
    assert_eq!(analyse(&[], &options), Err(RunChartError::Empty));
    let err = analyse(&[1.0, 2.0, f64::NAN], &options).unwrap_err();
    assert!(matches!(err, RunChartError::NotFinite { index: 2, .. }));
    assert_eq!(
        err.to_string(),
        "the value at index 2 is NaN; every value must be a finite number"
    );
    assert!(matches!(
        analyse(&[1.0, f64::INFINITY], &options),
        Err(RunChartError::NotFinite { index: 1, .. })
    ));
    assert_eq!(
        analyse(&[1.0], &RunChartOptions::with_baseline(0)),
        Err(RunChartError::EmptyBaseline)
    );
    assert_eq!(
        analyse(&[1.0, 2.0], &RunChartOptions::with_baseline(3)),
        Err(RunChartError::BaselineTooLong {
            baseline: 3,
            points: 2
        })
    );
}

#[test]
fn a_single_point_is_a_chart_with_nothing_to_say() {
    let c = chart(&[7.0]);
    assert_eq!((c.median, c.useful_observations, c.runs.runs), (7.0, 0, 0));
    assert!(c.signals.is_empty());
}

#[test]
fn descriptions_are_plain_english() {
    let values = [
        20.0, 18.0, 21.0, 19.0, 22.0, 19.0, 18.0, 12.0, 11.0, 13.0, 12.0, 14.0, 13.0, 12.0, 17.0,
        12.0,
    ];
    let text: Vec<String> = chart(&values)
        .signals
        .iter()
        .map(Signal::description)
        .collect();
    assert!(text.contains(&"Shift: 7 points in a row above the median (points 1 to 7); 6 or more on one side are \
                            unlikely by chance alone."
        .to_string()), "{text:#?}");
    assert!(text
        .iter()
        .any(|t| t.starts_with("Trend: 5 points in a row going down (points 5 to 9)")));
    assert!(text
        .iter()
        .any(|t| t
            .starts_with("Too few runs: the data form 4 runs about the median, fewer than the 5")));
    let astro = chart(&[10.0, 11.0, 10.0, 11.0, 10.0, 11.0, 10.0, 50.0, 10.0, 11.0]);
    let astro = signals_of(&astro, Rule::Astronomical);
    assert!(astro[0]
        .description()
        .starts_with("Astronomical point: point 8 lies above the rest"));
}

// ---- Properties ----------------------------------------------------------------------------

/// Series of small whole numbers: many ties and points on the median, and exact arithmetic, so
/// that moving or mirroring the series cannot change a comparison by rounding.
fn series() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(0i32..12, 1..70).prop_map(|v| v.into_iter().map(f64::from).collect())
}

fn without_astronomical() -> RunChartOptions {
    RunChartOptions {
        astronomical: false,
        ..RunChartOptions::default()
    }
}

/// The signals with spans mirrored and trend directions turned round, as a reversed series gives.
fn mirrored(signals: &[Signal], len: usize) -> Vec<Signal> {
    let mut out: Vec<Signal> = signals
        .iter()
        .map(|s| Signal {
            start: len - 1 - s.end,
            end: len - 1 - s.start,
            direction: s.direction.map(|d| match d {
                Direction::Up => Direction::Down,
                Direction::Down => Direction::Up,
                other => other,
            }),
            ..s.clone()
        })
        .collect();
    out.sort_by_key(|s| (s.start, s.rule, s.end));
    out
}

proptest! {
    #[test]
    fn runs_are_crossings_plus_one(values in series()) {
        let c = chart(&values);
        let useful: Vec<Side> = c.points.iter().map(|p| p.side).filter(|s| *s != Side::OnMedian).collect();
        let crossings = useful.windows(2).filter(|w| w[0] != w[1]).count();
        prop_assert_eq!(c.useful_observations, useful.len());
        prop_assert_eq!(c.runs.crossings, crossings);
        prop_assert_eq!(c.runs.runs, if useful.is_empty() { 0 } else { crossings + 1 });
        prop_assert_eq!(c.runs.above + c.runs.below, c.useful_observations);
    }

    #[test]
    fn reversing_the_series_mirrors_every_signal(values in series()) {
        let forward = analyse(&values, &without_astronomical()).unwrap();
        let reversed_values: Vec<f64> = values.iter().rev().copied().collect();
        let backward = analyse(&reversed_values, &without_astronomical()).unwrap();
        prop_assert_eq!(forward.median, backward.median);
        prop_assert_eq!(forward.runs, backward.runs);
        prop_assert_eq!(mirrored(&forward.signals, values.len()), backward.signals);
    }

    #[test]
    fn adding_a_constant_changes_only_the_median(values in series(), shift in -1000i32..1000) {
        let moved: Vec<f64> = values.iter().map(|v| v + f64::from(shift)).collect();
        let before = analyse(&values, &without_astronomical()).unwrap();
        let after = analyse(&moved, &without_astronomical()).unwrap();
        prop_assert_eq!(after.median, before.median + f64::from(shift));
        prop_assert_eq!(&after.signals, &before.signals);
        prop_assert_eq!(after.runs, before.runs);
        let sides = |c: &RunChart| c.points.iter().map(|p| p.side).collect::<Vec<_>>();
        prop_assert_eq!(sides(&after), sides(&before));
    }

    #[test]
    fn turning_the_series_upside_down_swaps_above_and_below(values in series()) {
        let upright = analyse(&values, &without_astronomical()).unwrap();
        let flipped: Vec<f64> = values.iter().map(|v| -v).collect();
        let flipped = analyse(&flipped, &without_astronomical()).unwrap();
        let opposite = |d: Option<Direction>| d.map(|d| match d {
            Direction::Up => Direction::Down,
            Direction::Down => Direction::Up,
            Direction::Above => Direction::Below,
            Direction::Below => Direction::Above,
        });
        let expected: Vec<Signal> = upright.signals.iter().map(|s| Signal { direction: opposite(s.direction), ..s.clone() }).collect();
        prop_assert_eq!(flipped.median, -upright.median);
        prop_assert_eq!(flipped.signals, expected);
        prop_assert_eq!((flipped.runs.above, flipped.runs.below), (upright.runs.below, upright.runs.above));
    }

    #[test]
    fn a_shift_covers_at_least_six_points_on_its_side_and_none_opposite(values in series()) {
        let c = chart(&values);
        for s in c.signals.iter().filter(|s| s.rule == Rule::Shift) {
            let side = if s.direction == Some(Direction::Above) { Side::Above } else { Side::Below };
            let span = &c.points[s.start..=s.end];
            let on_side = span.iter().filter(|p| p.side == side).count();
            prop_assert!(on_side >= SHIFT_MIN_POINTS);
            prop_assert_eq!(on_side, s.count);
            prop_assert!(span.iter().all(|p| p.side == side || p.side == Side::OnMedian));
        }
    }

    #[test]
    fn the_runs_limits_are_the_tightest_with_tails_under_two_and_a_half_percent(n in 10usize..300) {
        let limits = runs_limits(n).unwrap();
        let (n1, n2) = (n / 2, n - n / 2);
        let tail = RUNS_TEST_ALPHA / 2.0;
        // Fewer than `lower` runs is rare; `lower` itself or fewer is not.
        prop_assert!(runs_cdf(n1, n2, limits.lower - 1) < tail + 1e-12);
        prop_assert!(runs_cdf(n1, n2, limits.lower) >= tail - 1e-12);
        // More than `upper` runs is rare; `upper` itself or more is not.
        prop_assert!(1.0 - runs_cdf(n1, n2, limits.upper) < tail + 1e-12);
        prop_assert!(1.0 - runs_cdf(n1, n2, limits.upper - 1) >= tail - 1e-12);
    }
}

#[test]
fn a_sustained_step_is_a_shift_not_a_run_of_astronomical_points() {
    // Ten points near 9, then ten near 4: far from the overall mean, but each close to its
    // neighbours. The shift rule catches the step; no single point is "obviously different".
    let values = [
        9.2, 8.8, 9.5, 9.0, 8.6, 9.3, 9.1, 8.9, 9.4, 9.0, 4.1, 3.8, 4.4, 4.0, 3.6, 4.2, 3.9, 4.3,
        4.0, 3.7,
    ];
    let c = chart(&values);
    assert!(!signals_of(&c, Rule::Shift).is_empty());
    assert!(signals_of(&c, Rule::Astronomical).is_empty());
}
