//! Working days in England and Wales: bank holidays worked out from the standing rules GOV.UK
//! publishes, and counts of working days (Monday to Friday, not a bank holiday) between dates,
//! as a service's "no reply in five working days" is counted.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

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

/// Whether `day` is a working day: Monday to Friday and not a bank holiday.
pub fn is_working_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !is_bank_holiday(day)
}

/// Working days after `from` up to and including `to` (0 when `to` is not after `from`): a
/// referral sent on a Friday has waited one working day on Monday.
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> u32 {
    let mut count = 0;
    let mut day = from;
    // Far-apart dates are counted in whole weeks first (5 working days less the bank holidays).
    while to - day > Duration::days(7) {
        let week_end = day + Duration::days(7);
        let holidays = (1..=7)
            .map(|k| day + Duration::days(k))
            .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && is_bank_holiday(*d))
            .count() as u32;
        count += 5 - holidays;
        day = week_end;
    }
    while day < to {
        day += Duration::days(1);
        if is_working_day(day) {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

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
    fn working_days_skip_weekends_and_bank_holidays() {
        // Friday 18 December 2026 to Monday 4 January 2027: 21, 22, 23, 24, 29, 30, 31
        // December (25 and 28 are bank holidays, 26-27 a weekend) and 4 January; 1 January is
        // a bank holiday and 2-3 a weekend.
        assert_eq!(
            working_days_between(date(2026, 12, 18), date(2027, 1, 4)),
            8
        );
        assert_eq!(
            working_days_between(date(2026, 12, 4), date(2026, 12, 7)),
            1
        );
        assert_eq!(
            working_days_between(date(2026, 12, 7), date(2026, 12, 7)),
            0
        );
        assert_eq!(
            working_days_between(date(2026, 12, 8), date(2026, 12, 7)),
            0
        );
        assert!(!is_working_day(date(2026, 12, 28)));
    }

    proptest::proptest! {
        #[test]
        fn counting_by_weeks_is_counting_day_by_day(start in 0i64..4000, span in 0i64..400) {
            let from = date(2020, 1, 1) + Duration::days(start);
            let to = from + Duration::days(span);
            let slow = (1..=span).filter(|k| is_working_day(from + Duration::days(*k))).count() as u32;
            proptest::prop_assert_eq!(working_days_between(from, to), slow);
        }
    }
}
