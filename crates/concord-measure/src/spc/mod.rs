//! Statistical process control as taught by NHS England's *Making Data Count*: XmR (individuals)
//! charts, special-cause rules, and the variation and assurance icons.
//!
//! The method, as implemented by the reference R package NHSRplotthedots 0.2.2 (the default
//! [`Profile`]):
//! 1. The series is split into **groups** at rebase points; each group has its own limits, and no
//!    rule looks across a rebase.
//! 2. In each group, the **mean** and the **moving ranges** (absolute differences between
//!    consecutive points) are taken over its first `fix_after` points (all points if not fixed), so
//!    later points are judged against a fixed baseline.
//! 3. **Screening**: moving ranges of 3.267 × their mean or more are dropped once and the mean
//!    moving range recomputed, so one wild month does not widen the limits (on by default; the MDC
//!    Excel tool does not screen). The mean itself is never screened.
//! 4. **Process limits** are mean ± 2.66 × mean moving range; the **two-sigma** band is two thirds
//!    of that distance.
//! 5. Each point is tested by the [`rules`] in order of precedence (beyond the limits, trend, two in
//!    three beyond two sigma, shift) and, by the **improvement direction**, typed as improvement or
//!    concern (or neutral high or low).
//! 6. The **variation icon** comes from the last point; the **assurance icon** compares the target
//!    with the latest group's limits: a target beyond them will consistently be missed (or hit);
//!    within them it will be hit and miss.
//!
//! [`svg`] draws a chart in the Making Data Count look.

pub mod input;
mod profile;
mod rules;
pub mod svg;
#[cfg(test)]
mod tests;

pub use profile::{Profile, ProfileBase, ProfileError, RUN_LENGTHS};

use rules::Position;
use serde::{Deserialize, Serialize};

/// Process limits lie this many mean moving ranges from the mean (3 / d2, d2 = 1.128).
pub const LIMIT_FACTOR: f64 = 2.66;
/// A moving range of this many times the mean moving range is an outlier (D4 for n = 2).
pub const MOVING_RANGE_SCREEN_FACTOR: f64 = 3.267;
/// The shortest baseline a chart may be fixed after.
pub const MIN_FIX_AFTER: usize = 12;

/// Which way is better for a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImprovementDirection {
    /// Higher is better.
    #[default]
    Increase,
    /// Lower is better.
    Decrease,
    /// Neither: changes are noted, not judged.
    Neutral,
}

impl ImprovementDirection {
    /// +1, -1 or 0.
    fn sign(self) -> i8 {
        match self {
            Self::Increase => 1,
            Self::Decrease => -1,
            Self::Neutral => 0,
        }
    }
}

/// The special-cause rule that flags a point (the one of highest precedence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpcRule {
    /// Above the upper process limit.
    AboveUpl,
    /// Below the lower process limit.
    BelowLpl,
    /// Part of a run of points each higher than the last.
    TrendIncreasing,
    /// Part of a run of points each lower than the last.
    TrendDecreasing,
    /// Two of three consecutive points above the mean are beyond two sigma.
    TwoInThreeHigh,
    /// Two of three consecutive points below the mean are beyond two sigma.
    TwoInThreeLow,
    /// Part of a run of points above the mean.
    ShiftHigh,
    /// Part of a run of points below the mean.
    ShiftLow,
}

impl SpcRule {
    /// +1 for the "high" rules, -1 for the "low" ones.
    fn side(self) -> i8 {
        match self {
            Self::AboveUpl | Self::TrendIncreasing | Self::TwoInThreeHigh | Self::ShiftHigh => 1,
            _ => -1,
        }
    }

    /// A description for people.
    pub fn description(self) -> &'static str {
        match self {
            Self::AboveUpl => "above the upper process limit",
            Self::BelowLpl => "below the lower process limit",
            Self::TrendIncreasing => "part of an increasing trend",
            Self::TrendDecreasing => "part of a decreasing trend",
            Self::TwoInThreeHigh => "two of three points near the upper limit",
            Self::TwoInThreeLow => "two of three points near the lower limit",
            Self::ShiftHigh => "part of a run above the mean",
            Self::ShiftLow => "part of a run below the mean",
        }
    }
}

/// What a point's variation says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PointType {
    /// Common cause: noise.
    CommonCause,
    /// A special cause in the better direction.
    SpecialCauseImprovement,
    /// A special cause in the worse direction.
    SpecialCauseConcern,
    /// A special cause upwards, for a measure with no better direction.
    SpecialCauseNeutralHigh,
    /// A special cause downwards, for a measure with no better direction.
    SpecialCauseNeutralLow,
}

impl PointType {
    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::CommonCause => "Common cause",
            Self::SpecialCauseImprovement => "Special cause: improvement",
            Self::SpecialCauseConcern => "Special cause: concern",
            Self::SpecialCauseNeutralHigh => "Special cause: higher",
            Self::SpecialCauseNeutralLow => "Special cause: lower",
        }
    }
}

/// The variation icon: what the latest point says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VariationIcon {
    /// Common cause variation.
    CommonCause,
    /// Special cause: improvement, higher is better.
    ImprovementHigh,
    /// Special cause: improvement, lower is better.
    ImprovementLow,
    /// Special cause: concern, higher is worse.
    ConcernHigh,
    /// Special cause: concern, lower is worse.
    ConcernLow,
    /// Special cause upwards, no better direction.
    NeutralHigh,
    /// Special cause downwards, no better direction.
    NeutralLow,
}

impl VariationIcon {
    /// The stable code (as serialised).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CommonCause => "common_cause",
            Self::ImprovementHigh => "improvement_high",
            Self::ImprovementLow => "improvement_low",
            Self::ConcernHigh => "concern_high",
            Self::ConcernLow => "concern_low",
            Self::NeutralHigh => "neutral_high",
            Self::NeutralLow => "neutral_low",
        }
    }

    /// Words for people and screen readers.
    pub fn label(self) -> &'static str {
        match self {
            Self::CommonCause => "Common cause variation",
            Self::ImprovementHigh => "Special cause variation: improvement (higher)",
            Self::ImprovementLow => "Special cause variation: improvement (lower)",
            Self::ConcernHigh => "Special cause variation: concern (higher)",
            Self::ConcernLow => "Special cause variation: concern (lower)",
            Self::NeutralHigh => "Special cause variation: higher",
            Self::NeutralLow => "Special cause variation: lower",
        }
    }
}

/// The assurance icon: will the process meet its target?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assurance {
    /// The target lies beyond the limits on the good side: it will consistently be met.
    Pass,
    /// The target lies beyond the limits on the bad side: it will consistently be missed.
    Fail,
    /// The target lies within the limits: it will be met some months and missed in others.
    HitAndMiss,
}

impl Assurance {
    /// The stable code (as serialised).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::HitAndMiss => "hit_and_miss",
        }
    }

    /// Words for people and screen readers.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pass => "Assurance: the target will consistently be met",
            Self::Fail => "Assurance: the target will consistently be missed",
            Self::HitAndMiss => "Assurance: the target will be met and missed at random",
        }
    }
}

/// How to draw an XmR chart.
#[derive(Debug, Clone, PartialEq)]
pub struct SpcOptions {
    /// Which way is better.
    pub improvement: ImprovementDirection,
    /// The target, if any (for the assurance icon).
    pub target: Option<f64>,
    /// Positions (0-based) at which a new group starts, each with its own limits.
    pub rebase_at: Vec<usize>,
    /// Drop outlying moving ranges before computing the limits (once).
    pub screen_outliers: bool,
    /// Compute each group's mean and limits from its first n points only (n ≥ 12).
    pub fix_after: Option<usize>,
    /// The rule set.
    pub profile: Profile,
}

impl Default for SpcOptions {
    fn default() -> Self {
        Self {
            improvement: ImprovementDirection::Increase,
            target: None,
            rebase_at: Vec::new(),
            screen_outliers: true,
            fix_after: None,
            profile: Profile::default(),
        }
    }
}

/// Input an XmR chart cannot be drawn from.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpcError {
    /// A value is not a finite number.
    #[error("point {position} is not a finite number")]
    NotFinite {
        /// 1-based.
        position: usize,
    },
    /// A group has fewer than two points, so no moving range.
    #[error(
        "the group starting at point {start} has {len} point(s): at least 2 are needed for limits"
    )]
    GroupTooShort {
        /// 1-based position of its first point.
        start: usize,
        /// Its length.
        len: usize,
    },
    /// A rebase position beyond the data, or at the first point.
    #[error("a rebase at point {position} is outside points 2 to {len}")]
    RebaseOutOfRange {
        /// 1-based.
        position: usize,
        /// The number of points.
        len: usize,
    },
    /// A baseline shorter than 12 points.
    #[error("limits can be fixed after 12 or more points, not {0}")]
    FixTooEarly(usize),
    /// A target that is not a finite number.
    #[error("the target is not a finite number")]
    TargetNotFinite,
}

/// One group (rebase segment) of a chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// 0-based position of its first point.
    pub start: usize,
    /// Its number of points.
    pub n: usize,
    /// How many points the mean and limits were computed from.
    pub baseline_points: usize,
    /// The centre line.
    pub mean: f64,
    /// The mean moving range (after screening).
    pub mean_moving_range: f64,
    /// Moving ranges dropped by screening.
    pub screened_moving_ranges: usize,
    /// Lower process limit.
    pub lpl: f64,
    /// Upper process limit.
    pub upl: f64,
    /// Lower edge of the two-sigma band.
    pub lower_two_sigma: f64,
    /// Upper edge of the two-sigma band.
    pub upper_two_sigma: f64,
    /// True when the group is short and its limits are trial limits.
    pub short_group_warning: bool,
}

/// One point of a chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpcPoint {
    /// The value.
    pub value: f64,
    /// Index into [`XmrChart::groups`].
    pub group: usize,
    /// Its group's mean.
    pub mean: f64,
    /// Its group's lower process limit.
    pub lpl: f64,
    /// Its group's upper process limit.
    pub upl: f64,
    /// The rule that flags it, if any.
    pub rule: Option<SpcRule>,
    /// What its variation says.
    pub point_type: PointType,
}

/// An XmR chart: its groups, points and icons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct XmrChart {
    /// The rule set, by name.
    pub profile: String,
    /// The improvement direction used.
    pub improvement: ImprovementDirection,
    /// The target, if any.
    pub target: Option<f64>,
    /// What the latest point says.
    pub variation_icon: VariationIcon,
    /// Whether the target will be met, if there is a target and a better direction.
    pub assurance: Option<Assurance>,
    /// The groups, in order.
    pub groups: Vec<Group>,
    /// The points, in order.
    pub points: Vec<SpcPoint>,
}

/// The mean as R computes it (a second pass corrects the rounding of the first), so that limits
/// agree with NHSRplotthedots to the last digit or two.
fn mean(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let (sum, n) = values
        .clone()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    let first = sum / n as f64;
    first + values.map(|v| v - first).sum::<f64>() / n as f64
}

/// The limits of one group from its values.
fn group_limits(values: &[f64], start: usize, options: &SpcOptions) -> Group {
    let baseline = &values[..options.fix_after.unwrap_or(usize::MAX).min(values.len())];
    let centre = mean(baseline.iter().copied());
    let ranges: Vec<f64> = baseline.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let mut mean_range = mean(ranges.iter().copied());
    let mut screened = 0;
    if options.screen_outliers {
        let threshold = MOVING_RANGE_SCREEN_FACTOR * mean_range;
        let kept = ranges.iter().copied().filter(|r| *r < threshold);
        let kept_count = kept.clone().count();
        // When every moving range is zero none is below the threshold; NHSRplotthedots then has
        // no limits (NaN). Concord keeps the unscreened mean moving range, zero, instead.
        if kept_count > 0 {
            screened = ranges.len() - kept_count;
            mean_range = mean(kept);
        }
    }
    let spread = LIMIT_FACTOR * mean_range;
    let two_sigma = 2.0 * (LIMIT_FACTOR / 3.0) * mean_range;
    Group {
        start,
        n: values.len(),
        baseline_points: baseline.len(),
        mean: centre,
        mean_moving_range: mean_range,
        screened_moving_ranges: screened,
        lpl: centre - spread,
        upl: centre + spread,
        lower_two_sigma: centre - two_sigma,
        upper_two_sigma: centre + two_sigma,
        short_group_warning: values.len() < options.profile.short_group_threshold,
    }
}

/// The point type of a point flagged by `rule` (or not flagged).
fn point_type(rule: Option<SpcRule>, improvement: ImprovementDirection) -> PointType {
    let Some(rule) = rule else {
        return PointType::CommonCause;
    };
    match (improvement.sign(), rule.side()) {
        (0, 1) => PointType::SpecialCauseNeutralHigh,
        (0, _) => PointType::SpecialCauseNeutralLow,
        (d, s) if d == s => PointType::SpecialCauseImprovement,
        _ => PointType::SpecialCauseConcern,
    }
}

/// The variation icon for a last point of `point_type`.
fn variation_icon(point_type: PointType, improvement: ImprovementDirection) -> VariationIcon {
    let increase = improvement == ImprovementDirection::Increase;
    match point_type {
        PointType::CommonCause => VariationIcon::CommonCause,
        PointType::SpecialCauseNeutralHigh => VariationIcon::NeutralHigh,
        PointType::SpecialCauseNeutralLow => VariationIcon::NeutralLow,
        PointType::SpecialCauseImprovement if increase => VariationIcon::ImprovementHigh,
        PointType::SpecialCauseImprovement => VariationIcon::ImprovementLow,
        PointType::SpecialCauseConcern if increase => VariationIcon::ConcernLow,
        PointType::SpecialCauseConcern => VariationIcon::ConcernHigh,
    }
}

/// The assurance icon: `target` against the latest group's limits (strict comparisons).
pub fn assurance(
    target: f64,
    latest: &Group,
    improvement: ImprovementDirection,
) -> Option<Assurance> {
    let beyond = if target > latest.upl {
        1
    } else if target < latest.lpl {
        -1
    } else {
        return (improvement != ImprovementDirection::Neutral).then_some(Assurance::HitAndMiss);
    };
    match improvement.sign() * beyond {
        0 => None,
        // The target is beyond the limits on the better side: the process cannot reach it.
        1 => Some(Assurance::Fail),
        _ => Some(Assurance::Pass),
    }
}

/// Draws an XmR chart of `values` (in time order).
pub fn xmr(values: &[f64], options: &SpcOptions) -> Result<XmrChart, SpcError> {
    if let Some(position) = values.iter().position(|v| !v.is_finite()) {
        return Err(SpcError::NotFinite {
            position: position + 1,
        });
    }
    if options.target.is_some_and(|t| !t.is_finite()) {
        return Err(SpcError::TargetNotFinite);
    }
    if let Some(n) = options.fix_after.filter(|n| *n < MIN_FIX_AFTER) {
        return Err(SpcError::FixTooEarly(n));
    }
    let mut starts = vec![0];
    let mut rebases = options.rebase_at.clone();
    rebases.sort_unstable();
    rebases.dedup();
    for at in rebases {
        if at == 0 || at >= values.len() {
            return Err(SpcError::RebaseOutOfRange {
                position: at + 1,
                len: values.len(),
            });
        }
        starts.push(at);
    }
    let ends: Vec<usize> = starts[1..].iter().copied().chain([values.len()]).collect();

    let mut groups = Vec::with_capacity(starts.len());
    let mut points = Vec::with_capacity(values.len());
    for (index, (start, end)) in starts.iter().zip(&ends).enumerate() {
        let slice = &values[*start..*end];
        if slice.len() < 2 {
            return Err(SpcError::GroupTooShort {
                start: start + 1,
                len: slice.len(),
            });
        }
        let group = group_limits(slice, *start, options);
        let positions: Vec<Position> = slice
            .iter()
            .map(|&value| Position {
                value,
                outside: value > group.upl || value < group.lpl,
                beyond_two_sigma: value > group.upper_two_sigma || value < group.lower_two_sigma,
                side: rules::step(group.mean, value),
            })
            .collect();
        let profile = &options.profile;
        let flagged = rules::classify(
            &positions,
            profile.trend_length,
            profile.shift_length,
            profile.two_in_three_counts_beyond_limits,
        );
        points.extend(slice.iter().zip(flagged).map(|(&value, rule)| SpcPoint {
            value,
            group: index,
            mean: group.mean,
            lpl: group.lpl,
            upl: group.upl,
            rule,
            point_type: point_type(rule, options.improvement),
        }));
        groups.push(group);
    }
    let last = points
        .last()
        .map_or(PointType::CommonCause, |p| p.point_type);
    let latest = groups.last().expect("at least one group");
    Ok(XmrChart {
        profile: options.profile.name(),
        improvement: options.improvement,
        target: options.target,
        variation_icon: variation_icon(last, options.improvement),
        assurance: options
            .target
            .and_then(|t| assurance(t, latest, options.improvement)),
        groups,
        points,
    })
}
