//! The calendar a run keeps: time 0 is midnight at the start of the run's `start` date (or of a
//! Monday, when the model gives no date), and the model's time unit says how long a day is.
//! Rosters and arrival profiles read the weekday, the hour and the month from it, and rosters
//! close on England and Wales bank holidays, worked out from the rules GOV.UK publishes.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

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

/// Easter Sunday of `year` (the anonymous Gregorian algorithm).
fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a real date")
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a fixed holiday is a real date")
}

/// The first `weekday` on or after `from`.
fn first_on_or_after(from: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() as i64
        - from.weekday().num_days_from_monday() as i64)
        % 7;
    from + Duration::days(ahead)
}

/// The last `weekday` of `month` in `year`.
fn last_in_month(year: i32, month: u32, weekday: Weekday) -> NaiveDate {
    let next = if month == 12 {
        date(year + 1, 1, 1)
    } else {
        date(year, month + 1, 1)
    };
    let last = next - Duration::days(1);
    let back = (7 + last.weekday().num_days_from_monday() as i64
        - weekday.num_days_from_monday() as i64)
        % 7;
    last - Duration::days(back)
}

/// The next weekday (Monday to Friday) on or after `day` not already taken.
fn substitute(day: NaiveDate, taken: &[NaiveDate]) -> NaiveDate {
    let mut d = day;
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) || taken.contains(&d) {
        d += Duration::days(1);
    }
    d
}

/// England and Wales bank holidays in `year` by the standing rules: New Year's Day, Good Friday,
/// Easter Monday, the early May, spring and summer bank holidays, Christmas Day and Boxing Day,
/// with substitute days when a fixed one falls at a weekend. One-off changes proclaimed for a
/// year (2020's moved VE Day, 2022's and 2023's extra days) are not rules: a roster lists them
/// under `closed`.
pub fn bank_holidays(year: i32) -> Vec<NaiveDate> {
    let easter = easter(year);
    let mut days = vec![
        substitute(date(year, 1, 1), &[]),
        easter - Duration::days(2),
        easter + Duration::days(1),
        first_on_or_after(date(year, 5, 1), Weekday::Mon),
        last_in_month(year, 5, Weekday::Mon),
        last_in_month(year, 8, Weekday::Mon),
    ];
    let christmas = substitute(date(year, 12, 25), &[]);
    let boxing = substitute(date(year, 12, 26), &[christmas]);
    days.extend([christmas, boxing]);
    days.sort_unstable();
    days
}

/// Whether `day` is an England and Wales bank holiday.
pub fn is_bank_holiday(day: NaiveDate) -> bool {
    bank_holidays(day.year()).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(list: &[(i32, u32, u32)]) -> Vec<NaiveDate> {
        list.iter().map(|(y, m, d)| date(*y, *m, *d)).collect()
    }

    #[test]
    fn bank_holidays_match_the_dates_gov_uk_publishes() {
        // GOV.UK "UK bank holidays", England and Wales.
        assert_eq!(
            bank_holidays(2025),
            days(&[
                (2025, 1, 1),
                (2025, 4, 18),
                (2025, 4, 21),
                (2025, 5, 5),
                (2025, 5, 26),
                (2025, 8, 25),
                (2025, 12, 25),
                (2025, 12, 26)
            ])
        );
        assert_eq!(
            bank_holidays(2026),
            days(&[
                (2026, 1, 1),
                (2026, 4, 3),
                (2026, 4, 6),
                (2026, 5, 4),
                (2026, 5, 25),
                (2026, 8, 31),
                (2026, 12, 25),
                (2026, 12, 28)
            ])
        );
        assert_eq!(
            bank_holidays(2027),
            days(&[
                (2027, 1, 1),
                (2027, 3, 26),
                (2027, 3, 29),
                (2027, 5, 3),
                (2027, 5, 31),
                (2027, 8, 30),
                (2027, 12, 27),
                (2027, 12, 28)
            ])
        );
        // 2022: Christmas on a Sunday, Boxing Day on the Monday, the substitute on the Tuesday;
        // New Year's Day on a Saturday moved to Monday 3 January.
        let y2022 = bank_holidays(2022);
        assert!(y2022.contains(&date(2022, 1, 3)));
        assert!(y2022.contains(&date(2022, 12, 26)));
        assert!(y2022.contains(&date(2022, 12, 27)));
        assert_eq!(easter(2024), date(2024, 3, 31));
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
