//! Methodology profiles: the named, versioned rule sets an SPC chart is drawn under.
//!
//! Published *Making Data Count* implementations differ in small ways that change which points are
//! flagged: the length of a run (6, 7 or 8 points), whether points beyond the process limits count
//! towards "two of three beyond two sigma" (NHS England's 2023 change), and when a group is short
//! enough for its limits to be called trial limits. A chart is only comparable with another drawn
//! under the same profile, so every output names its profile ([`Profile::name`]).

use serde::Serialize;
use std::fmt;

/// The shortest and longest run (trend or shift) a profile may use.
pub const RUN_LENGTHS: std::ops::RangeInclusive<usize> = 6..=8;

/// The published rule set a profile starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileBase {
    /// The R package NHSRplotthedots 0.2.2 (NHS-R Community, 2022), the reference implementation
    /// of Making Data Count: runs of 7, and "two in three" counts only points between two and
    /// three sigma.
    Nhsrplotthedots022,
    /// NHS England's Making Data Count guidance as changed in 2023: as NHSRplotthedots 0.2.2, but
    /// points beyond the process limits also count towards "two in three beyond two sigma"
    /// (NHSRplotthedots issue #194).
    MakingDataCount2023,
}

impl ProfileBase {
    /// The stable identifier used on the command line and in the API.
    pub fn id(self) -> &'static str {
        match self {
            Self::Nhsrplotthedots022 => "nhsrplotthedots-0.2.2",
            Self::MakingDataCount2023 => "mdc-2023",
        }
    }

    /// The name printed on charts.
    pub fn label(self) -> &'static str {
        match self {
            Self::Nhsrplotthedots022 => "NHSRplotthedots 0.2.2",
            Self::MakingDataCount2023 => "Making Data Count 2023",
        }
    }

    /// Every base, default first.
    pub const ALL: [ProfileBase; 2] = [Self::Nhsrplotthedots022, Self::MakingDataCount2023];
}

/// A rule set: a published base and any run lengths changed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// Where the rules come from.
    pub base: ProfileBase,
    /// Consecutive points strictly rising or falling that make a trend.
    pub trend_length: usize,
    /// Consecutive points on one side of the mean that make a shift.
    pub shift_length: usize,
    /// Whether points beyond the process limits count towards two-in-three beyond two sigma.
    pub two_in_three_counts_beyond_limits: bool,
    /// Groups with fewer points than this carry a trial-limits warning. NHSRplotthedots 0.2.2
    /// defaults its `ptd_spc.warning_threshold` option to 13, so a group of exactly 12 points is
    /// still warned about, although its documentation says 12.
    pub short_group_threshold: usize,
}

impl Default for Profile {
    fn default() -> Self {
        Self::nhsrplotthedots_0_2_2()
    }
}

/// A profile that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// No base has this identifier.
    #[error("unknown methodology profile '{0}': use nhsrplotthedots-0.2.2 or mdc-2023")]
    UnknownBase(String),
    /// A run length outside 6 to 8.
    #[error("a {rule} length must be 6, 7 or 8 points (got {length})")]
    RunLength {
        /// "trend" or "shift".
        rule: &'static str,
        /// The length asked for.
        length: usize,
    },
}

impl Profile {
    /// The default: NHSRplotthedots 0.2.2 exactly.
    pub fn nhsrplotthedots_0_2_2() -> Self {
        Self {
            base: ProfileBase::Nhsrplotthedots022,
            trend_length: 7,
            shift_length: 7,
            two_in_three_counts_beyond_limits: false,
            short_group_threshold: 13,
        }
    }

    /// NHS England's 2023 Making Data Count rules.
    pub fn making_data_count_2023() -> Self {
        Self {
            base: ProfileBase::MakingDataCount2023,
            two_in_three_counts_beyond_limits: true,
            ..Self::nhsrplotthedots_0_2_2()
        }
    }

    /// The profile with identifier `id` (see [`ProfileBase::id`]).
    pub fn from_id(id: &str) -> Result<Self, ProfileError> {
        match id.trim() {
            "nhsrplotthedots-0.2.2" => Ok(Self::nhsrplotthedots_0_2_2()),
            "mdc-2023" => Ok(Self::making_data_count_2023()),
            other => Err(ProfileError::UnknownBase(other.to_string())),
        }
    }

    /// The same profile with other run lengths (each 6 to 8 points).
    pub fn with_run_lengths(self, trend: usize, shift: usize) -> Result<Self, ProfileError> {
        for (rule, length) in [("trend", trend), ("shift", shift)] {
            if !RUN_LENGTHS.contains(&length) {
                return Err(ProfileError::RunLength { rule, length });
            }
        }
        Ok(Self {
            trend_length: trend,
            shift_length: shift,
            ..self
        })
    }

    /// The name printed on every chart and output: the base, and any run length that differs
    /// from it, for example "NHSRplotthedots 0.2.2 (shift 6)".
    pub fn name(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.base.label())?;
        let mut changes = Vec::new();
        if self.trend_length != 7 {
            changes.push(format!("trend {}", self.trend_length));
        }
        if self.shift_length != 7 {
            changes.push(format!("shift {}", self.shift_length));
        }
        if !changes.is_empty() {
            write!(f, " ({})", changes.join(", "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_nhsrplotthedots_with_runs_of_seven() {
        let profile = Profile::default();
        assert_eq!(profile.name(), "NHSRplotthedots 0.2.2");
        assert_eq!((profile.trend_length, profile.shift_length), (7, 7));
        assert!(!profile.two_in_three_counts_beyond_limits);
    }

    #[test]
    fn changed_run_lengths_are_named() {
        let profile = Profile::making_data_count_2023()
            .with_run_lengths(7, 6)
            .unwrap();
        assert_eq!(profile.name(), "Making Data Count 2023 (shift 6)");
        assert_eq!(
            Profile::default().with_run_lengths(8, 8).unwrap().name(),
            "NHSRplotthedots 0.2.2 (trend 8, shift 8)"
        );
    }

    #[test]
    fn run_lengths_outside_six_to_eight_are_refused() {
        assert_eq!(
            Profile::default().with_run_lengths(5, 7),
            Err(ProfileError::RunLength {
                rule: "trend",
                length: 5
            })
        );
        assert!(Profile::default().with_run_lengths(7, 9).is_err());
    }

    #[test]
    fn profiles_are_found_by_id() {
        for base in ProfileBase::ALL {
            assert_eq!(Profile::from_id(base.id()).unwrap().base, base);
        }
        assert!(matches!(
            Profile::from_id("mdc-2019"),
            Err(ProfileError::UnknownBase(_))
        ));
    }
}
