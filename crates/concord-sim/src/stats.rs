//! Statistics gathered online (nothing is kept per person): running means and variances (Welford),
//! time-weighted averages of levels (queue length, busy servers), and the summary over
//! replications: the mean with a Student-t 95% confidence interval.

use serde::{Deserialize, Serialize};

/// A running mean and variance (Welford's method).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Running {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Running {
    /// Adds one observation.
    pub fn add(&mut self, x: f64) {
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Observations so far.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Their mean (0 with none).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Their sample variance (0 with fewer than two).
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            0.0
        } else {
            self.m2 / (self.n - 1) as f64
        }
    }
}

/// The time-weighted average of a level that changes at instants (a queue's length), counted
/// only from `start`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeWeighted {
    start: f64,
    last: f64,
    level: f64,
    area: f64,
}

impl TimeWeighted {
    /// A level of 0, counted from `start`.
    pub fn new(start: f64) -> Self {
        TimeWeighted {
            start,
            last: 0.0,
            level: 0.0,
            area: 0.0,
        }
    }

    /// The level changes to `level` at time `now`.
    pub fn set(&mut self, now: f64, level: f64) {
        self.advance(now);
        self.level = level;
    }

    fn advance(&mut self, now: f64) {
        let from = self.last.max(self.start);
        if now > from {
            self.area += self.level * (now - from);
        }
        self.last = self.last.max(now);
    }

    /// The current level.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// The average from `start` to `end`.
    pub fn average(&mut self, end: f64) -> f64 {
        self.advance(end);
        let span = end - self.start;
        if span > 0.0 {
            self.area / span
        } else {
            0.0
        }
    }
}

/// A level's time-weighted average in each interval of a fixed width from time 0, and the mean
/// of observations made in each interval: the results over time that fan charts are drawn from.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    every: f64,
    last: f64,
    level: f64,
    /// The interval `last` falls in, and where it ends.
    bin: usize,
    bin_end: f64,
    area: Vec<f64>,
}

impl Series {
    /// Intervals of width `every` covering `[0, end]`.
    pub fn new(every: f64, end: f64) -> Self {
        let bins = ((end / every).ceil() as usize).max(1);
        Series {
            every,
            last: 0.0,
            level: 0.0,
            bin: 0,
            bin_end: every,
            area: vec![0.0; bins],
        }
    }

    /// The level changes to `level` at `now`.
    #[inline]
    pub fn set(&mut self, now: f64, level: f64) {
        if now < self.bin_end {
            // Within the current interval: the common case.
            self.area[self.bin] += self.level * (now - self.last).max(0.0);
            self.last = self.last.max(now);
        } else {
            self.advance(now);
        }
        self.level = level;
    }

    fn advance(&mut self, now: f64) {
        let last_bin = self.area.len() - 1;
        while self.last < now {
            let until = if self.bin == last_bin {
                now
            } else {
                now.min(self.bin_end)
            };
            self.area[self.bin] += self.level * (until - self.last);
            self.last = until;
            if self.last >= self.bin_end && self.bin < last_bin {
                self.bin += 1;
                self.bin_end = (self.bin + 1) as f64 * self.every;
            } else {
                break;
            }
        }
        self.last = self.last.max(now);
    }

    /// The average level in each interval, up to `end` (the last may be partial).
    pub fn averages(&mut self, end: f64) -> Vec<f64> {
        self.advance(end);
        self.area
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let from = i as f64 * self.every;
                let width = (end.min(from + self.every) - from).max(0.0);
                if width > 0.0 {
                    a / width
                } else {
                    f64::NAN
                }
            })
            .collect()
    }
}

/// The mean of observations in each interval of a fixed width from time 0.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalMeans {
    per_unit: f64,
    sums: Vec<(f64, u64)>,
}

impl IntervalMeans {
    /// Intervals of width `every` covering `[0, end]`.
    pub fn new(every: f64, end: f64) -> Self {
        let bins = ((end / every).ceil() as usize).max(1);
        IntervalMeans {
            per_unit: 1.0 / every,
            sums: vec![(0.0, 0); bins],
        }
    }

    /// An observation `x` made at `now`.
    #[inline]
    pub fn add(&mut self, now: f64, x: f64) {
        let bin = ((now.max(0.0) * self.per_unit) as usize).min(self.sums.len() - 1);
        self.sums[bin].0 += x;
        self.sums[bin].1 += 1;
    }

    /// The mean in each interval (NaN where nothing was observed).
    pub fn means(&self) -> Vec<f64> {
        self.sums
            .iter()
            .map(|(s, n)| if *n == 0 { f64::NAN } else { s / *n as f64 })
            .collect()
    }
}

/// Percentiles of a statistic without keeping each value: an HDR histogram (hdrhistogram) with
/// values to two significant figures, so each percentile is within 1% of the exact one.
#[derive(Debug, Clone)]
pub struct Quantiles {
    histogram: hdrhistogram::Histogram<u64>,
}

/// Values are kept in millionths of a time unit.
const QUANTILE_SCALE: f64 = 1e6;

impl Default for Quantiles {
    fn default() -> Self {
        Quantiles {
            histogram: hdrhistogram::Histogram::new(2)
                .expect("two significant figures are allowed"),
        }
    }
}

impl PartialEq for Quantiles {
    fn eq(&self, other: &Self) -> bool {
        self.histogram == other.histogram
    }
}

impl Quantiles {
    /// Adds one value (0 or more).
    pub fn add(&mut self, x: f64) {
        // Rounded to the nearest step: x is not negative, so adding a half and truncating
        // rounds as `round` does, without a call into the maths library.
        let scaled = x.max(0.0) * QUANTILE_SCALE + 0.5;
        let value = if scaled >= u64::MAX as f64 {
            u64::MAX / 2
        } else {
            scaled as u64
        };
        if self.histogram.record(value).is_err() {
            self.histogram.saturating_record(value);
        }
    }

    /// The `q` quantile (0 to 1), or NaN with no values.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.histogram.is_empty() {
            return f64::NAN;
        }
        self.histogram.value_at_quantile(q) as f64 / QUANTILE_SCALE
    }
}

/// Student's t at 97.5% for 1 to 30 degrees of freedom (two-sided 95%).
const T_975: [f64; 30] = [
    12.706_204_736,
    4.302_652_730,
    3.182_446_305,
    2.776_445_105,
    2.570_581_836,
    2.446_911_851,
    2.364_624_252,
    2.306_004_135,
    2.262_157_163,
    2.228_138_852,
    2.200_985_160,
    2.178_812_830,
    2.160_368_656,
    2.144_786_688,
    2.131_449_546,
    2.119_905_299,
    2.109_815_578,
    2.100_922_040,
    2.093_024_054,
    2.085_963_447,
    2.079_613_845,
    2.073_873_068,
    2.068_657_610,
    2.063_898_562,
    2.059_538_553,
    2.055_529_439,
    2.051_830_516,
    2.048_407_142,
    2.045_229_642,
    2.042_272_456,
];

/// Student's t quantile at 97.5% for `df` degrees of freedom: exact (to 9 decimals) up to 30,
/// then the Cornish-Fisher expansion about the normal quantile (error below 1e-6).
pub fn t_975(df: u64) -> f64 {
    if df == 0 {
        return f64::INFINITY;
    }
    if df <= 30 {
        return T_975[(df - 1) as usize];
    }
    let z: f64 = 1.959_963_984_540_054;
    let n = df as f64;
    let g1 = (z.powi(3) + z) / 4.0;
    let g2 = (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / 96.0;
    let g3 = (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / 384.0;
    z + g1 / n + g2 / (n * n) + g3 / (n * n * n)
}

/// A statistic over replications: the mean and its Student-t 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The mean over replications (NaN, null in JSON, when nothing was observed).
    #[serde(deserialize_with = "null_as_nan")]
    pub mean: f64,
    /// The 95% confidence interval (equal to the mean with one replication).
    #[serde(deserialize_with = "nulls_as_nan")]
    pub ci95: [f64; 2],
}

/// Reads a number written as JSON, where null (how JSON writes NaN) is NaN.
fn null_as_nan<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

fn nulls_as_nan<'de, D: serde::Deserializer<'de>>(d: D) -> Result<[f64; 2], D::Error> {
    let [a, b] = <[Option<f64>; 2]>::deserialize(d)?;
    Ok([a.unwrap_or(f64::NAN), b.unwrap_or(f64::NAN)])
}

impl Estimate {
    /// The estimate from one value per replication.
    pub fn of(values: &[f64]) -> Estimate {
        let mut running = Running::default();
        for v in values {
            running.add(*v);
        }
        let half = if running.count() < 2 {
            0.0
        } else {
            t_975(running.count() - 1) * (running.variance() / running.count() as f64).sqrt()
        };
        Estimate {
            mean: running.mean(),
            ci95: [running.mean() - half, running.mean() + half],
        }
    }

    /// Half the interval's width.
    pub fn half_width(&self) -> f64 {
        (self.ci95[1] - self.ci95[0]) / 2.0
    }

    /// True when `x` lies in the interval.
    pub fn contains(&self, x: f64) -> bool {
        self.ci95[0] <= x && x <= self.ci95[1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welford_matches_the_two_pass_formulas() {
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let mut r = Running::default();
        xs.iter().for_each(|x| r.add(*x));
        assert_eq!(r.mean(), 5.0);
        assert!((r.variance() - 32.0 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn time_weighted_levels_count_only_after_the_start() {
        let mut level = TimeWeighted::new(10.0);
        level.set(0.0, 4.0); // 4 from 0 to 12, counted from 10
        level.set(12.0, 1.0); // 1 from 12 to 20
        assert!((level.average(20.0) - (4.0 * 2.0 + 1.0 * 8.0) / 10.0).abs() < 1e-12);
    }

    #[test]
    fn series_average_each_interval() {
        let mut series = Series::new(10.0, 30.0);
        series.set(0.0, 2.0);
        series.set(15.0, 4.0); // 2 over [0, 15), 4 over [15, 25]
        assert_eq!(series.averages(25.0), vec![2.0, 3.0, 4.0]);
        let mut means = IntervalMeans::new(10.0, 30.0);
        means.add(1.0, 3.0);
        means.add(9.0, 5.0);
        means.add(29.0, 1.0);
        let got = means.means();
        assert_eq!((got[0], got[2]), (4.0, 1.0));
        assert!(got[1].is_nan());
    }

    #[test]
    fn quantiles_are_within_one_percent() {
        let mut q = Quantiles::default();
        for i in 1..=10_000 {
            q.add(f64::from(i) / 100.0);
        }
        for (p, exact) in [(0.5, 50.0), (0.9, 90.0), (0.99, 99.0)] {
            assert!(
                (q.quantile(p) - exact).abs() / exact < 0.01,
                "{p}: {}",
                q.quantile(p)
            );
        }
        assert!(Quantiles::default().quantile(0.5).is_nan());
    }

    #[test]
    fn t_quantiles_agree_with_published_tables() {
        // R: qt(0.975, c(1, 10, 30, 40, 60, 120, 1000))
        for (df, t) in [
            (1, 12.706_204_74),
            (10, 2.228_138_85),
            (30, 2.042_272_46),
            (40, 2.021_075_39),
            (60, 2.000_297_82),
            (120, 1.979_930_41),
            (1000, 1.962_339_11),
        ] {
            assert!(
                (t_975(df) - t).abs() < 2e-6,
                "df {df}: {} vs {t}",
                t_975(df)
            );
        }
    }

    #[test]
    fn a_confidence_interval_is_mean_plus_or_minus_t_times_the_standard_error() {
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0]);
        let se = (1.666_666_666_666_666_7_f64 / 4.0).sqrt();
        assert!((e.half_width() - 3.182_446_305 * se).abs() < 1e-9);
        assert_eq!(Estimate::of(&[7.0]).ci95, [7.0, 7.0]);
    }
}
