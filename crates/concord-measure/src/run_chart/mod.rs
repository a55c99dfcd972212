//! Run charts: a measure over time, its median, and the four rules that tell a signal from noise.
//!
//! The rules are those of Perla RJ, Provost LP, Murray SK, "The run chart: a simple analytical tool
//! for learning from variation in healthcare processes", *BMJ Quality & Safety* 20 (2011) 46–51
//! ([`RULES_SOURCE`]), also taught in Provost & Murray, *The Health Care Data Guide* (2011) and by
//! the IHI. Each is a pattern that random variation alone rarely produces (about 5% of the time or
//! less), so it is a signal worth asking about, not proof of a cause.
//!
//! 1. **Centre line.** The median of all points, or, with a baseline, the median of the first n
//!    points, extended over the rest (a "frozen" baseline median, so that new data are judged
//!    against the period before a change). The runs limits assume about as many points above the
//!    median as below, which a frozen median need not give; [`RunsCheck`] reports both counts.
//! 2. **Shift**: six or more consecutive points all above or all below the median
//!    ([`SHIFT_MIN_POINTS`]). Points on the median neither add to nor break a shift: they are skipped.
//! 3. **Trend**: five or more consecutive points all going up or all going down
//!    ([`TREND_MIN_POINTS`]). When two or more successive points have the same value, only one is
//!    counted: like values neither make nor break a trend.
//! 4. **Too few or too many runs.** A run is a series of consecutive points on one side of the
//!    median; points on the median are ignored, so the number of runs is the number of times the
//!    line crosses the median, plus one. A *useful observation* is a point not on the median. With
//!    at least ten useful observations, fewer runs than the lower limit or more than the upper
//!    limit of Perla et al.'s Table 1 signal non-random variation; the limits are computed from the
//!    exact runs distribution ([`runs_limits`]) rather than copied from the table.
//! 5. **Astronomical data point**: Perla et al. leave this to judgement (a value obviously
//!    different from the rest, which everyone studying the chart would agree is unusual, and not
//!    merely the highest or lowest). A program cannot judge, so this crate *operationalises* it as a
//!    point outside the natural process limits of an individuals (XmR) chart: mean ± 2.66 × the
//!    average moving range, computed over the same points as the median ([`ASTRONOMICAL_SOURCE`]),
//!    that also stands apart from its neighbours: each moving range to an adjacent point exceeds
//!    the upper range limit, 3.267 × the average moving range. The second condition keeps a
//!    sustained step (which the shift and runs rules catch) from flagging every point far from the
//!    overall mean: an astronomical point is a one-off, "obviously different from the rest". That
//!    is a proxy for the judgement, not the paper's definition, and it can be switched off. A large
//!    outlier in the baseline widens the limits.
//!
//! Indices in the output are 0-based positions in the input; descriptions for people number points
//! from 1. Every rule is evaluated over all points against the one centre line.

mod runs_test;
#[cfg(test)]
mod tests;

pub use runs_test::{
    runs_cdf, runs_limits, runs_limits_for, RunsLimits, RUNS_MIN_USEFUL_OBSERVATIONS,
    RUNS_TEST_ALPHA,
};

use serde::Serialize;

/// Where the rules come from: the paper this module implements.
pub const RULES_SOURCE: &str =
    "Perla RJ, Provost LP, Murray SK. The run chart: a simple analytical \
tool for learning from variation in healthcare processes. BMJ Quality & Safety 2011;20(1):46-51. \
doi:10.1136/bmjqs.2009.037895. Runs limits: Swed FS, Eisenhart C. Tables for testing randomness of \
grouping in a sequence of alternatives. Annals of Mathematical Statistics 1943;14:66-87.";

/// Where the operational definition of an astronomical data point comes from.
pub const ASTRONOMICAL_SOURCE: &str = "Operationalisation, not the paper's definition: Perla et al. \
(2011) define an astronomical data point by judgement. Here it is a point outside mean +/- 2.66 x \
average moving range, the natural process limits of an individuals (XmR) chart, whose moving ranges to \
its neighbours both exceed the upper range limit 3.267 x average moving range: Provost LP, Murray SK. \
The Health Care Data Guide. Jossey-Bass, 2011 (I chart); Wheeler DJ. Understanding Variation, 2nd \
ed. SPC Press, 2000.";

/// A shift is at least this many consecutive points on one side of the median.
pub const SHIFT_MIN_POINTS: usize = 6;

/// A trend is at least this many consecutive points all going up or all going down.
pub const TREND_MIN_POINTS: usize = 5;

/// The scaling of the average moving range to 3-sigma limits for individual values (3 / d2, with
/// d2 = 1.128 for ranges of two), as published: 2.66.
pub const ASTRONOMICAL_MR_FACTOR: f64 = 2.66;

/// The upper range limit of a moving-range chart as a multiple of the average moving range
/// (D4 = 3.267 for ranges of two): a larger step between neighbours stands out.
pub const MOVING_RANGE_LIMIT_FACTOR: f64 = 3.267;

/// How to draw the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunChartOptions {
    /// Take the median (and the astronomical limits) from the first this many points only, then
    /// extend it over the rest; `None` uses every point.
    pub baseline: Option<usize>,
    /// Look for astronomical points by the operational definition in [`ASTRONOMICAL_SOURCE`].
    pub astronomical: bool,
}

impl Default for RunChartOptions {
    fn default() -> Self {
        RunChartOptions {
            baseline: None,
            astronomical: true,
        }
    }
}

impl RunChartOptions {
    /// Options with a baseline median from the first `points` points.
    pub fn with_baseline(points: usize) -> Self {
        RunChartOptions {
            baseline: Some(points),
            ..RunChartOptions::default()
        }
    }
}

/// Where a point lies relative to the median.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Above the median.
    Above,
    /// Below the median.
    Below,
    /// Exactly on the median: not a useful observation, ignored by the shift and runs rules.
    OnMedian,
}

/// Which way a signal points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// A trend going up.
    Up,
    /// A trend going down.
    Down,
    /// A shift above the median, or a point above the upper astronomical limit.
    Above,
    /// A shift below the median, or a point below the lower astronomical limit.
    Below,
}

/// The run chart rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Six or more consecutive points on one side of the median.
    Shift,
    /// Five or more consecutive points all going up or all going down.
    Trend,
    /// Fewer runs than the lower limit.
    TooFewRuns,
    /// More runs than the upper limit.
    TooManyRuns,
    /// A point outside the operational astronomical limits.
    Astronomical,
}

/// One point of the chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunPoint {
    /// The value.
    pub value: f64,
    /// Its side of the median.
    pub side: Side,
    /// The point-level rules (shift, trend, astronomical) whose signals span this point; the runs
    /// rules describe the whole chart and are not attached to points.
    pub flags: Vec<Rule>,
}

/// A pattern that one of the rules found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signal {
    /// The rule.
    pub rule: Rule,
    /// Which way it points, where that means something (not for the runs rules).
    pub direction: Option<Direction>,
    /// First point covered (0-based index).
    pub start: usize,
    /// Last point covered (0-based, inclusive). A shift's span may hold points on the median and a
    /// trend's span repeated values; they lie inside the span but are not counted.
    pub end: usize,
    /// What the rule counted: points (shift, trend, astronomical) or runs (too few/many runs).
    pub count: usize,
    /// The rule's limit: at least this many points signal (shift 6, trend 5, astronomical 1); for
    /// runs, the lower limit (fewer is too few) or the upper limit (more is too many).
    pub limit: usize,
}

impl Signal {
    /// The signal in plain English, numbering points from 1.
    pub fn description(&self) -> String {
        let (first, last) = (self.start + 1, self.end + 1);
        let side = match self.direction {
            Some(Direction::Above) => "above",
            Some(Direction::Below) => "below",
            Some(Direction::Up) => "going up",
            Some(Direction::Down) => "going down",
            None => "",
        };
        match self.rule {
            Rule::Shift => format!(
                "Shift: {} points in a row {side} the median (points {first} to {last}); {} or more \
                 on one side are unlikely by chance alone.",
                self.count, self.limit
            ),
            Rule::Trend => format!(
                "Trend: {} points in a row {side} (points {first} to {last}); {} or more all going \
                 one way are unlikely by chance alone.",
                self.count, self.limit
            ),
            Rule::TooFewRuns => format!(
                "Too few runs: the data form {} runs about the median, fewer than the {} expected at \
                 least; the process has probably shifted.",
                self.count, self.limit
            ),
            Rule::TooManyRuns => format!(
                "Too many runs: the data form {} runs about the median, more than the {} expected at \
                 most; the values alternate too regularly, or two processes are mixed.",
                self.count, self.limit
            ),
            Rule::Astronomical => format!(
                "Astronomical point: point {first} lies {side} the rest, outside the limits of \
                 mean ± 2.66 × average moving range; check what happened then."
            ),
        }
    }
}

/// The runs about the median, and the limits they are judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RunsCheck {
    /// Runs: series of consecutive useful observations on one side of the median.
    pub runs: usize,
    /// Times the line crosses the median (runs − 1, or 0 with no useful observation).
    pub crossings: usize,
    /// Useful observations above the median.
    pub above: usize,
    /// Useful observations below the median.
    pub below: usize,
    /// The limits for this many useful observations; `None` with fewer than ten, where the rule is
    /// not applied.
    pub limits: Option<RunsLimits>,
}

impl RunsCheck {
    /// Whether there are fewer runs than the lower limit.
    pub fn too_few(&self) -> bool {
        self.limits.is_some_and(|l| self.runs < l.lower)
    }

    /// Whether there are more runs than the upper limit.
    pub fn too_many(&self) -> bool {
        self.limits.is_some_and(|l| self.runs > l.upper)
    }
}

/// The limits beyond which a point counts as astronomical (the operational definition).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AstronomicalLimits {
    /// Mean of the points the limits are taken from.
    pub mean: f64,
    /// Average absolute difference between consecutive points.
    pub average_moving_range: f64,
    /// mean − 2.66 × average moving range.
    pub lower: f64,
    /// mean + 2.66 × average moving range.
    pub upper: f64,
}

/// An analysed run chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunChart {
    /// The centre line.
    pub median: f64,
    /// How many leading points the median was taken from, if not all.
    pub baseline: Option<usize>,
    /// Every point, in order.
    pub points: Vec<RunPoint>,
    /// Every signal, ordered by where it starts.
    pub signals: Vec<Signal>,
    /// The runs analysis.
    pub runs: RunsCheck,
    /// Points not on the median.
    pub useful_observations: usize,
    /// The astronomical limits; `None` when switched off, with fewer than two baseline points, or
    /// when the baseline never varies.
    pub astronomical_limits: Option<AstronomicalLimits>,
}

/// Why a series could not be charted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunChartError {
    /// No values at all.
    #[error("a run chart needs at least one value")]
    Empty,
    /// A value is NaN or infinite.
    #[error("the value at index {index} is {value}; every value must be a finite number")]
    NotFinite {
        /// Its 0-based position.
        index: usize,
        /// The value.
        value: f64,
    },
    /// A baseline of zero points.
    #[error("a baseline must have at least one point")]
    EmptyBaseline,
    /// A baseline longer than the series.
    #[error("the baseline of {baseline} points is longer than the {points} values given")]
    BaselineTooLong {
        /// The baseline asked for.
        baseline: usize,
        /// The values given.
        points: usize,
    },
}

/// Draws the run chart of `values` (in time order) and applies the rules.
pub fn analyse(values: &[f64], options: &RunChartOptions) -> Result<RunChart, RunChartError> {
    if values.is_empty() {
        return Err(RunChartError::Empty);
    }
    if let Some((index, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(RunChartError::NotFinite { index, value });
    }
    let reference = match options.baseline {
        None => values,
        Some(0) => return Err(RunChartError::EmptyBaseline),
        Some(n) if n > values.len() => {
            return Err(RunChartError::BaselineTooLong {
                baseline: n,
                points: values.len(),
            })
        }
        Some(n) => &values[..n],
    };
    let median = median(reference);
    let sides: Vec<Side> = values.iter().map(|&v| side_of(v, median)).collect();
    let astronomical_limits = if options.astronomical {
        astronomical_limits(reference)
    } else {
        None
    };

    let groups = runs(&sides);
    let useful_observations = groups.iter().map(|g| g.points).sum();
    let runs = runs_check(&groups, useful_observations);

    let mut signals = shifts(&groups);
    signals.extend(trends(values));
    signals.extend(runs_signals(&runs, values.len()));
    if let Some(limits) = &astronomical_limits {
        signals.extend(astronomical_points(values, limits));
    }
    signals.sort_by_key(|s| (s.start, s.rule, s.end));

    let mut points: Vec<RunPoint> = values
        .iter()
        .zip(&sides)
        .map(|(&value, &side)| RunPoint {
            value,
            side,
            flags: Vec::new(),
        })
        .collect();
    for signal in signals
        .iter()
        .filter(|s| !matches!(s.rule, Rule::TooFewRuns | Rule::TooManyRuns))
    {
        for point in &mut points[signal.start..=signal.end] {
            if !point.flags.contains(&signal.rule) {
                point.flags.push(signal.rule);
            }
        }
    }
    for point in &mut points {
        point.flags.sort();
    }

    Ok(RunChart {
        median,
        baseline: options.baseline,
        points,
        signals,
        runs,
        useful_observations,
        astronomical_limits,
    })
}

/// The median of finite, non-empty `values`: the middle value, or the mean of the two middle ones.
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        sorted[mid - 1] + (sorted[mid] - sorted[mid - 1]) / 2.0
    }
}

/// The side of `median` that `value` lies on.
fn side_of(value: f64, median: f64) -> Side {
    if value > median {
        Side::Above
    } else if value < median {
        Side::Below
    } else {
        Side::OnMedian
    }
}

/// A run: consecutive useful observations on one side of the median (points on it skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    side: Side,
    start: usize,
    end: usize,
    points: usize,
}

/// The runs of a chart, in order.
fn runs(sides: &[Side]) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for (i, &side) in sides.iter().enumerate() {
        if side == Side::OnMedian {
            continue;
        }
        match runs.last_mut() {
            Some(run) if run.side == side => {
                run.end = i;
                run.points += 1;
            }
            _ => runs.push(Run {
                side,
                start: i,
                end: i,
                points: 1,
            }),
        }
    }
    runs
}

/// The runs analysis of a chart with these runs.
fn runs_check(runs: &[Run], useful_observations: usize) -> RunsCheck {
    let count_on = |side| {
        runs.iter()
            .filter(|r| r.side == side)
            .map(|r| r.points)
            .sum()
    };
    RunsCheck {
        runs: runs.len(),
        crossings: runs.len().saturating_sub(1),
        above: count_on(Side::Above),
        below: count_on(Side::Below),
        limits: runs_limits(useful_observations),
    }
}

/// Rule 2: every run of [`SHIFT_MIN_POINTS`] or more is a shift.
fn shifts(runs: &[Run]) -> Vec<Signal> {
    runs.iter()
        .filter(|r| r.points >= SHIFT_MIN_POINTS)
        .map(|r| Signal {
            rule: Rule::Shift,
            direction: Some(if r.side == Side::Above {
                Direction::Above
            } else {
                Direction::Below
            }),
            start: r.start,
            end: r.end,
            count: r.points,
            limit: SHIFT_MIN_POINTS,
        })
        .collect()
}

/// Rule 3: runs of [`TREND_MIN_POINTS`] or more points all going up or all going down, counting
/// one of each group of successive equal values.
fn trends(values: &[f64]) -> Vec<Signal> {
    // Collapse successive equal values into one step, remembering the first and last index of each.
    let mut levels: Vec<(f64, usize, usize)> = Vec::new();
    for (i, &v) in values.iter().enumerate() {
        match levels.last_mut() {
            Some(level) if level.0 == v => level.2 = i,
            _ => levels.push((v, i, i)),
        }
    }
    let mut signals = Vec::new();
    let mut from = 0; // the level where the current monotone stretch begins
    for k in 1..levels.len() {
        let up = levels[k].0 > levels[k - 1].0;
        let continues = k + 1 < levels.len() && (levels[k + 1].0 > levels[k].0) == up;
        if continues {
            continue;
        }
        let points = k - from + 1;
        if points >= TREND_MIN_POINTS {
            signals.push(Signal {
                rule: Rule::Trend,
                direction: Some(if up { Direction::Up } else { Direction::Down }),
                // From the last of the like values it leaves to the first of those it reaches.
                start: levels[from].2,
                end: levels[k].1,
                count: points,
                limit: TREND_MIN_POINTS,
            });
        }
        from = k;
    }
    signals
}

/// Rule 4: too few or too many runs, over the whole chart.
fn runs_signals(runs: &RunsCheck, len: usize) -> Option<Signal> {
    let limits = runs.limits?;
    let (rule, limit) = if runs.too_few() {
        (Rule::TooFewRuns, limits.lower)
    } else if runs.too_many() {
        (Rule::TooManyRuns, limits.upper)
    } else {
        return None;
    };
    Some(Signal {
        rule,
        direction: None,
        start: 0,
        end: len - 1,
        count: runs.runs,
        limit,
    })
}

/// The operational astronomical limits from `reference`: mean ± 2.66 × average moving range.
fn astronomical_limits(reference: &[f64]) -> Option<AstronomicalLimits> {
    if reference.len() < 2 {
        return None;
    }
    let n = reference.len() as f64;
    let mean = reference.iter().sum::<f64>() / n;
    let average_moving_range = reference
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .sum::<f64>()
        / (n - 1.0);
    if average_moving_range == 0.0 || !average_moving_range.is_finite() {
        return None;
    }
    let half_width = ASTRONOMICAL_MR_FACTOR * average_moving_range;
    Some(AstronomicalLimits {
        mean,
        average_moving_range,
        lower: mean - half_width,
        upper: mean + half_width,
    })
}

/// Rule 5 (operationalised): every point outside the astronomical limits that also stands apart
/// from each of its neighbours by more than the moving-range limit.
fn astronomical_points<'a>(
    values: &'a [f64],
    limits: &'a AstronomicalLimits,
) -> impl Iterator<Item = Signal> + 'a {
    let range_limit = MOVING_RANGE_LIMIT_FACTOR * limits.average_moving_range;
    values.iter().enumerate().filter_map(move |(i, &v)| {
        let neighbours = [i.checked_sub(1), Some(i + 1).filter(|&j| j < values.len())];
        let stands_apart = neighbours
            .iter()
            .flatten()
            .all(|&j| (values[j] - v).abs() > range_limit);
        if !stands_apart {
            return None;
        }
        let direction = if v > limits.upper {
            Direction::Above
        } else if v < limits.lower {
            Direction::Below
        } else {
            return None;
        };
        Some(Signal {
            rule: Rule::Astronomical,
            direction: Some(direction),
            start: i,
            end: i,
            count: 1,
            limit: 1,
        })
    })
}
