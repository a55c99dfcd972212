//! The system's metric catalogue: what is measured, how, which way is better, the target, who owns
//! it and where the data come from; and the series of values per organisation, place or the whole
//! system that the SPC charts and the dashboard are drawn from.

use crate::validation::{string_or_number, ValidationErrors};
use crate::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// Which way a metric should move to count as better (as in Making Data Count).
    ImprovementDirection {
        Increase => ("increase", "Higher is better"),
        Decrease => ("decrease", "Lower is better"),
        Neutral => ("neutral", "Neither: watch for change"),
    }
}

vocabulary! {
    /// How often a metric is reported.
    Frequency {
        Weekly => ("weekly", "Weekly"),
        Monthly => ("monthly", "Monthly"),
        Quarterly => ("quarterly", "Quarterly"),
        Annual => ("annual", "Annual"),
    }
}

vocabulary! {
    /// What a series covers.
    ScopeKind {
        System => ("system", "Whole system"),
        Place => ("place", "Place"),
        Organisation => ("organisation", "Organisation"),
    }
}

vocabulary! {
    /// The area of the system's work a metric belongs to, for the dashboard's filters.
    MetricCategory {
        UrgentCare => ("urgent_care", "Urgent and emergency care"),
        PlannedCare => ("planned_care", "Planned care"),
        PrimaryCare => ("primary_care", "Primary care"),
        Community => ("community", "Community and social care"),
        MentalHealth => ("mental_health", "Mental health"),
        Workforce => ("workforce", "Workforce"),
        Finance => ("finance", "Finance"),
        Population => ("population", "Population health"),
    }
}

/// A metric as submitted for the catalogue.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MetricDraft {
    /// A short stable code used in data files, for example `ae_4hr`.
    #[schema(required)]
    pub code: String,
    /// The name, for example "A&E: seen within 4 hours".
    #[schema(required)]
    pub name: String,
    /// The exact definition: numerator, denominator, exclusions.
    #[schema(required)]
    pub definition: String,
    /// The unit: "%", "days", "people".
    pub unit: String,
    /// `increase`, `decrease` or `neutral`.
    #[schema(required)]
    pub improvement_direction: String,
    /// The target (blank for none).
    #[serde(deserialize_with = "string_or_number")]
    pub target: String,
    /// The organisation that owns the metric and answers for its data.
    #[schema(required)]
    pub owner_organisation_id: String,
    /// Where the data come from, for example "NHS England A&E Attendances and Emergency Admissions".
    #[schema(required)]
    pub source: String,
    /// `weekly`, `monthly`, `quarterly` or `annual`.
    #[schema(required)]
    pub frequency: String,
    /// The area of work (see [`MetricCategory`]).
    #[schema(required)]
    pub category: String,
}

/// A metric once checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidMetric {
    /// Which way is better.
    pub direction: ImprovementDirection,
    /// The target, if any.
    pub target: Option<f64>,
    /// How often it is reported.
    pub frequency: Frequency,
    /// Its area.
    pub category: MetricCategory,
}

/// A series is out of date when its latest value is for a period starting more than this many
/// days (about six months) before today: a dashboard says so rather than set it beside this
/// month's figures as if current.
pub const STALE_AFTER_DAYS: i64 = 183;

/// The rule [`is_stale`] applies, in words, for the pages that flag it.
pub const STALE_RULE: &str =
    "Out of date: the latest value is for a period more than six months ago.";

/// True when a series whose latest period is `latest_period` (`YYYY-MM-DD`) is out of date on
/// `today`. A period that cannot be read is not called stale.
pub fn is_stale(latest_period: &str, today: chrono::NaiveDate) -> bool {
    chrono::NaiveDate::parse_from_str(latest_period, "%Y-%m-%d")
        .is_ok_and(|d| (today - d).num_days() > STALE_AFTER_DAYS)
}

/// True when `code` is a usable metric code: 2 to 40 lower-case letters, digits and underscores,
/// starting with a letter.
pub fn is_metric_code(code: &str) -> bool {
    (2..=40).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Whether a metric in `unit` counts people or events (so each value is a count the disclosure
/// rule protects before it leaves the system), rather than a percentage, rate, average time,
/// score or sum of money, which are published as the catalogue holds them.
pub fn counts_people_or_events(unit: &str) -> bool {
    let unit = unit.trim().to_lowercase();
    let measured = [
        "%", "percent", "per cent", "rate", "ratio", "score", "days", "day", "weeks", "week",
        "hours", "hour", "minutes", "minute", "years", "months", "£", "pounds", "index",
    ];
    !(unit.is_empty()
        || measured.contains(&unit.as_str())
        || unit.starts_with('£')
        || unit.contains(" per ")
        || unit.starts_with("per ")
        || unit.contains('%'))
}

/// The start of the codes of the measures Concord computes from its own records (such as the
/// referral measures): kept for the system, so nobody can make or change a metric that the
/// computation would then write into.
pub const COMPUTED_PREFIX: &str = "concord_";

/// Whether `code` is kept for a measure Concord computes itself.
pub fn is_computed(code: &str) -> bool {
    code.trim().starts_with(COMPUTED_PREFIX)
}

impl MetricDraft {
    /// Validates the metric.
    pub fn validate(&self) -> Result<ValidMetric, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if !is_metric_code(self.code.trim()) {
            errors.add(
                "code",
                "Enter a code of 2 to 40 lower-case letters, digits and underscores, starting with a letter, for example ae_4hr",
            );
        }
        errors.require_text("name", "the metric's name", &self.name, 200);
        errors.require_text("definition", "the definition", &self.definition, 2000);
        errors.optional_text("unit", "the unit", &self.unit, 40);
        let direction = errors.require_code::<ImprovementDirection>(
            "improvement_direction",
            "which way is better",
            &self.improvement_direction,
        );
        let target = if self.target.trim().is_empty() {
            None
        } else {
            errors.require_number("target", "the target", &self.target)
        };
        if direction == Some(ImprovementDirection::Neutral) && target.is_some() {
            errors.add(
                "target",
                "A metric with no better direction cannot have a target: leave the target blank or choose a direction",
            );
        }
        errors.require_id(
            "owner_organisation_id",
            "the owning organisation",
            &self.owner_organisation_id,
        );
        errors.require_text("source", "the data source", &self.source, 300);
        let frequency = errors.require_code::<Frequency>(
            "frequency",
            "how often it is reported",
            &self.frequency,
        );
        let category =
            errors.require_code::<MetricCategory>("category", "the area of work", &self.category);
        errors.into_result()?;
        Ok(ValidMetric {
            direction: direction.expect("validated"),
            target,
            frequency: frequency.expect("validated"),
            category: category.expect("validated"),
        })
    }
}

#[cfg(test)]
mod stale_tests {
    use super::*;

    #[test]
    fn counts_are_told_from_measurements_by_their_unit() {
        for unit in ["people", "referrals", "admissions", "count", "beds"] {
            assert!(counts_people_or_events(unit), "{unit}");
        }
        for unit in [
            "%",
            "days",
            "£",
            "£000s",
            "per 1,000 people",
            "rate",
            "Score",
            "",
        ] {
            assert!(!counts_people_or_events(unit), "{unit}");
        }
    }

    #[test]
    fn a_series_ending_years_ago_is_out_of_date_and_last_month_is_not() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert!(is_stale("2019-03-01", today));
        assert!(!is_stale("2026-10-01", today));
        assert!(!is_stale("2026-06-03", today));
        assert!(is_stale("2026-05-31", today));
        assert!(!is_stale("not a date", today));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> MetricDraft {
        MetricDraft {
            code: "ae_4hr".into(),
            name: "A&E: seen within 4 hours".into(),
            definition: "Attendances leaving within 4 hours of arrival / all attendances".into(),
            unit: "%".into(),
            improvement_direction: "increase".into(),
            target: "78".into(),
            owner_organisation_id: "org-1".into(),
            source: "NHS England A&E Attendances and Emergency Admissions".into(),
            frequency: "monthly".into(),
            category: "urgent_care".into(),
        }
    }

    #[test]
    fn a_complete_metric_is_valid() {
        let valid = draft().validate().unwrap();
        assert_eq!(valid.direction, ImprovementDirection::Increase);
        assert_eq!(valid.target, Some(78.0));
    }

    #[test]
    fn problems_are_named_by_field() {
        let bad = MetricDraft {
            code: "A&E".into(),
            improvement_direction: "up".into(),
            target: "most".into(),
            frequency: "hourly".into(),
            ..draft()
        };
        let errors = bad.validate().unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["code", "improvement_direction", "target", "frequency"]
        );
    }

    #[test]
    fn a_neutral_metric_has_no_target() {
        let neutral = MetricDraft {
            improvement_direction: "neutral".into(),
            ..draft()
        };
        let errors = neutral.validate().unwrap_err();
        assert_eq!(errors.0[0].field, "target");
        let untargeted = MetricDraft {
            target: String::new(),
            ..neutral
        };
        assert_eq!(untargeted.validate().unwrap().target, None);
    }

    #[test]
    fn codes_are_checked() {
        assert!(is_metric_code("gp_appts_per_1000"));
        for bad in ["", "a", "1abc", "Ae", "ae-4hr", &"x".repeat(41)] {
            assert!(!is_metric_code(bad), "{bad}");
        }
    }
}
