//! The calendar a run keeps: time 0 is midnight at the start of the run's `start` date (or of a
//! Monday, when the model gives no date), and the model's time unit says how long a day is.
//! Rosters and arrival profiles read the weekday, the hour and the month from it, and rosters
//! close on England and Wales bank holidays ([`concord_domain::calendar`]).

use chrono::{Datelike, Duration, NaiveDate};
pub use concord_domain::calendar::is_bank_holiday;

/// Time units the calendar understands, and how many make a day.
pub fn units_per_day(time_unit: &str) -> Option<f64> {
    match time_unit {
        "minute" => Some(1440.0),
        "hour" => Some(24.0),
        "day" => Some(1.0),
        "week" => Some(1.0 / 7.0),
        _ => None,
    }
}

/// Days in an average year (Julian), for rates "a year".
pub const DAYS_PER_YEAR: f64 = 365.25;

/// The run's calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// Time units a day.
    pub per_day: f64,
    /// The date of day 0, if the model gave one.
    pub start: Option<NaiveDate>,
}

impl Calendar {
    /// The day (from 0) time `t` falls in.
    pub fn day(&self, t: f64) -> i64 {
        (t / self.per_day).floor() as i64
    }

    /// The date of day `day`, if the run has a start date.
    pub fn date(&self, day: i64) -> Option<NaiveDate> {
        self.start
            .and_then(|s| s.checked_add_signed(Duration::days(day)))
    }

    /// The weekday of day `day`, Monday 0 to Sunday 6 (day 0 is a Monday without a start date).
    pub fn weekday(&self, day: i64) -> usize {
        let first = self
            .start
            .map_or(0, |s| s.weekday().num_days_from_monday() as i64);
        (first + day).rem_euclid(7) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn the_calendar_reads_days_and_weekdays() {
        let calendar = Calendar {
            per_day: 24.0,
            start: Some(date(2026, 12, 3)), // a Thursday
        };
        assert_eq!(calendar.day(23.9), 0);
        assert_eq!(calendar.day(24.0), 1);
        assert_eq!(calendar.weekday(0), 3);
        assert_eq!(calendar.weekday(4), 0);
        assert_eq!(calendar.date(22), Some(date(2026, 12, 25)));
        let undated = Calendar {
            per_day: 1.0,
            start: None,
        };
        assert_eq!(undated.weekday(8), 1);
    }
}
