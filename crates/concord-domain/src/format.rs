//! How Concord writes dates, times, numbers and money for people.
//!
//! This is the one formatter for people: pages, board packs, emails and the human parts of the
//! command line all write through it, so "14 November 2026", "2:30pm", "122,739" and "£1.2m" look
//! the same everywhere. Machines get ISO 8601 dates and plain decimals from the API instead.
//!
//! The rules follow the NHS digital service manual's content style: dates as day, month name and
//! year; times in the partnership's own time zone (Europe/London) with "am"/"pm", "midday" and
//! "midnight"; commas in numbers over 999; money with a pound sign and, for large sums, a stated
//! unit; plurals that agree with their number; a space between a number and its unit.

use crate::finance::Money;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use chrono_tz::Europe::London;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, RoundingStrategy};

/// The minus sign people read (U+2212), not a hyphen.
pub const MINUS: &str = "\u{2212}";

/// What is shown where there is no value.
pub const NO_VALUE: &str = "–";

/// A calendar date: "14 November 2026".
pub fn date(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// A month: "November 2026".
pub fn month(day: NaiveDate) -> String {
    day.format("%B %Y").to_string()
}

/// A time of day: "9am", "2:30pm", "midday", "midnight".
pub fn time(at: NaiveTime) -> String {
    let (hour, minute) = (at.hour(), at.minute());
    match (hour, minute) {
        (0, 0) => "midnight".to_string(),
        (12, 0) => "midday".to_string(),
        _ => {
            let suffix = if hour < 12 { "am" } else { "pm" };
            let hour12 = match hour % 12 {
                0 => 12,
                h => h,
            };
            if minute == 0 {
                format!("{hour12}{suffix}")
            } else {
                format!("{hour12}:{minute:02}{suffix}")
            }
        }
    }
}

/// An instant, to the minute, in UK time: "14 November 2026 at 2:30pm".
pub fn date_time(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&London);
    format!("{} at {}", date(local.date_naive()), time(local.time()))
}

/// The calendar day of an instant in UK time (a timestamp at 23:30 UTC in summer is the next day).
pub fn uk_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&London).date_naive()
}

/// A stored date or timestamp as text (`2026-11-14`, `2026-11-14T10:05:03.123456Z`), written for
/// people: a date as [`date`], a timestamp as [`date_time`]. Text that is neither is returned as it
/// is, so a bad value is seen rather than hidden.
pub fn stored(text: &str) -> String {
    match parse_stored(text) {
        Some(Stored::Date(day)) => date(day),
        Some(Stored::Instant(at)) => date_time(at),
        None => text.to_string(),
    }
}

/// Only the day of a stored date or timestamp ([`stored`] without the time).
pub fn stored_day(text: &str) -> String {
    match parse_stored(text) {
        Some(Stored::Date(day)) => date(day),
        Some(Stored::Instant(at)) => date(uk_date(at)),
        None => text.to_string(),
    }
}

/// A stored date or timestamp, read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A calendar date.
    Date(NaiveDate),
    /// An instant.
    Instant(DateTime<Utc>),
}

/// Reads a stored date (`YYYY-MM-DD`) or timestamp (RFC 3339, or `YYYY-MM-DD HH:MM:SS` in UTC).
pub fn parse_stored(text: &str) -> Option<Stored> {
    let text = text.trim();
    if text.len() == 10 {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(Stored::Date);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(Stored::Instant(at.with_timezone(&Utc)));
    }
    [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|pattern| NaiveDateTime::parse_from_str(text, pattern).ok())
    .map(|naive| Stored::Instant(naive.and_utc()))
}

/// A whole number with thousands separators: "122,739", "−1,200".
pub fn count(n: i64) -> String {
    let sign = if n < 0 { MINUS } else { "" };
    format!("{sign}{}", group_thousands(u128::from(n.unsigned_abs())))
}

/// A number to `places` decimal places with thousands separators: "1,234.5". Not-a-number and
/// infinities are shown as [`NO_VALUE`].
pub fn decimal(x: f64, places: u32) -> String {
    if !x.is_finite() {
        return NO_VALUE.to_string();
    }
    // The shortest decimal that reads back as `x` (1234.55, not 1234.549999...), so a value is
    // rounded as the person who wrote it would round it.
    match x
        .to_string()
        .parse::<Decimal>()
        .ok()
        .or_else(|| Decimal::from_f64(x))
    {
        Some(value) => decimal_text(value, places),
        None => NO_VALUE.to_string(),
    }
}

/// An exact decimal to `places` decimal places (half away from zero) with thousands separators.
pub fn decimal_text(value: Decimal, places: u32) -> String {
    let rounded = value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        MINUS
    } else {
        ""
    };
    let abs = rounded.abs();
    let whole = abs.trunc().to_u128().unwrap_or(0);
    let mut out = format!("{sign}{}", group_thousands(whole));
    if places > 0 {
        let fraction = ((abs - abs.trunc()) * Decimal::from(10u64.pow(places)))
            .round()
            .to_u64()
            .unwrap_or(0);
        out.push_str(&format!(".{fraction:0width$}", width = places as usize));
    }
    out
}

/// A measured value as it was recorded, with thousands separators and no more decimal places than
/// it was given with (at most 6): 1800 -> "1,800", 12.5 -> "12.5", 0.1 + 0.2 -> "0.3".
pub fn figure(x: f64) -> String {
    if !x.is_finite() {
        return NO_VALUE.to_string();
    }
    let places = x
        .to_string()
        .split_once('.')
        .map_or(0, |(_, fraction)| fraction.len().min(6) as u32);
    // Trailing zeros from the rounding to 6 places say nothing.
    without_trailing_zeros(decimal(x, places))
}

/// A calculated value (a mean, a control limit) to the precision it supports: no decimals from
/// 1,000, one from 10, two from 1 and four below; no trailing zeros; thousands separators.
pub fn calculated(x: f64) -> String {
    let magnitude = x.abs();
    let places = if magnitude >= 1000.0 {
        0
    } else if magnitude >= 10.0 {
        1
    } else if magnitude >= 1.0 {
        2
    } else {
        4
    };
    without_trailing_zeros(decimal(x, places))
}

/// "12.50" -> "12.5", "3.0" -> "3", "1,200" unchanged.
fn without_trailing_zeros(shown: String) -> String {
    if shown.contains('.') {
        shown
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        shown
    }
}

/// A percentage of 0–100 to `places` decimal places: "12.5%".
pub fn percent(x: f64, places: u32) -> String {
    if !x.is_finite() {
        return NO_VALUE.to_string();
    }
    format!("{}%", decimal(x, places))
}

/// A count and the word for what is counted, agreeing in number: "1 day", "3 days",
/// "1,200 people".
pub fn plural(n: i64, one: &str, many: &str) -> String {
    let word = if n == 1 { one } else { many };
    format!("{} {word}", count(n))
}

/// A number and its unit with a space between, except where the unit is "%": "60 people",
/// "12.5%", "4.2 days".
pub fn with_unit(number: &str, unit: &str) -> String {
    let unit = unit.trim();
    if unit.is_empty() {
        number.to_string()
    } else if unit == "%" {
        format!("{number}%")
    } else {
        format!("{number} {unit}")
    }
}

/// How far away a day is, from today: "today", "tomorrow", "in 3 days", "yesterday",
/// "3 days ago".
pub fn days_from_today(days: i64) -> String {
    match days {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        -1 => "yesterday".to_string(),
        d if d > 1 => format!("in {}", plural(d, "day", "days")),
        d => format!("{} ago", plural(-d, "day", "days")),
    }
}

/// The unit a set of sums of money is shown in, stated in the table's heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyUnit {
    /// Whole pounds: "£12,345".
    Pounds,
    /// Thousands of pounds, whole: "12,345" under "£000s".
    Thousands,
    /// Millions of pounds to one decimal place: "12.3" under "£m".
    Millions,
}

impl MoneyUnit {
    /// The unit for a table holding `amounts`, as NHS finance reports choose it: pounds while every
    /// amount is below £100,000, thousands (whole, so a £30,000 deficit still shows) below
    /// £1 billion, millions to one decimal place above.
    pub fn for_amounts(amounts: impl IntoIterator<Item = Money>) -> MoneyUnit {
        let largest = amounts
            .into_iter()
            .map(|m| m.pence().unsigned_abs())
            .max()
            .unwrap_or(0);
        if largest < 100_000 * 100 {
            MoneyUnit::Pounds
        } else if largest < 1_000_000_000 * 100 {
            MoneyUnit::Thousands
        } else {
            MoneyUnit::Millions
        }
    }

    /// The unit as a table heading states it: "£", "£000s", "£m".
    pub fn heading(self) -> &'static str {
        match self {
            MoneyUnit::Pounds => "£",
            MoneyUnit::Thousands => "£000s",
            MoneyUnit::Millions => "£m",
        }
    }

    /// An amount in this unit without the pound sign, for a cell under a heading that states it:
    /// "12,345", "−1.2".
    pub fn cell(self, amount: impl AsMoney) -> String {
        let amount = amount.money();
        let (divisor, places) = match self {
            MoneyUnit::Pounds => (100_i64, 0),
            MoneyUnit::Thousands => (100_000, 0),
            MoneyUnit::Millions => (100_000_000, 1),
        };
        let scaled = Decimal::from_i128_with_scale(amount.pence(), 0) / Decimal::from(divisor);
        decimal_text(scaled, places)
    }
}

/// A sum of money, or a reference to one (so templates pass either).
pub trait AsMoney {
    /// The sum.
    fn money(&self) -> Money;
}

impl AsMoney for Money {
    fn money(&self) -> Money {
        *self
    }
}

impl<T: AsMoney + ?Sized> AsMoney for &T {
    fn money(&self) -> Money {
        (**self).money()
    }
}

/// An exact amount: "£1,234,567.89", "−£12.00".
pub fn money(amount: Money) -> String {
    amount.display()
}

/// An amount rounded for reading in a sentence or a summary: "£950", "£12,345", "£235k",
/// "£1.2m", "£1.3bn". Tables carry exact amounts or a stated [`MoneyUnit`].
pub fn money_rounded(amount: Money) -> String {
    let pence = amount.pence();
    let sign = if pence < 0 { MINUS } else { "" };
    let pounds = Decimal::from_i128_with_scale(pence.abs(), 2);
    let (scaled, suffix, places) = if pounds < Decimal::from(100_000) {
        (pounds, "", 0)
    } else if pounds < Decimal::from(1_000_000) {
        (pounds / Decimal::from(1_000), "k", 0)
    } else if pounds < Decimal::from(1_000_000_000) {
        (pounds / Decimal::from(1_000_000), "m", 1)
    } else {
        (pounds / Decimal::from(1_000_000_000), "bn", 1)
    };
    let digits = decimal_text(scaled, places);
    if digits == "0" {
        return "£0".to_string();
    }
    format!("{sign}£{digits}{suffix}")
}

/// Digits grouped in threes with commas: 1234567 -> "1,234,567".
pub fn group_thousands(mut n: u128) -> String {
    let mut groups = Vec::new();
    loop {
        groups.push(n % 1000);
        n /= 1000;
        if n == 0 {
            break;
        }
    }
    let mut out = groups.pop().map(|g| g.to_string()).unwrap_or_default();
    while let Some(g) = groups.pop() {
        out.push_str(&format!(",{g:03}"));
    }
    out
}

/// A stored name for a column or field (`imd_decile`, `ucla_score`) as a heading for people. The
/// words Concord knows are named in full; anything else has its underscores turned to spaces and
/// its first letter capitalised.
pub fn heading(code: &str) -> String {
    if let Some((_, name)) = KNOWN_HEADINGS.iter().find(|(c, _)| *c == code) {
        return (*name).to_string();
    }
    let spaced = code.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Column and field codes with names for people.
const KNOWN_HEADINGS: &[(&str, &str)] = &[
    ("imd_decile", "Deprivation decile (IMD, 1 = most deprived)"),
    (
        "imd_quintile",
        "Deprivation quintile (IMD, 1 = most deprived)",
    ),
    ("age_band", "Age band"),
    ("sex", "Sex"),
    ("ethnicity", "Ethnic group"),
    ("practice", "GP practice"),
    ("pcn", "Primary care network"),
    ("network", "Primary care network"),
    ("place", "Place"),
    ("lsoa", "Neighbourhood (LSOA)"),
    ("efi_category", "Frailty (eFI category)"),
    ("efi", "Frailty (eFI score)"),
    ("segment", "Bridges to Health segment"),
    ("alone", "Lives alone"),
    ("lonely", "Reports loneliness"),
    ("isolated", "Socially isolated"),
    ("ucla", "Loneliness score (UCLA 3-item)"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_are_day_month_name_and_year() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 4).unwrap();
        assert_eq!(date(day), "4 November 2026");
        assert_eq!(month(day), "November 2026");
    }

    #[test]
    fn times_use_am_pm_midday_and_midnight() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(time(t(0, 0)), "midnight");
        assert_eq!(time(t(12, 0)), "midday");
        assert_eq!(time(t(9, 0)), "9am");
        assert_eq!(time(t(14, 30)), "2:30pm");
        assert_eq!(time(t(0, 5)), "12:05am");
        assert_eq!(time(t(12, 45)), "12:45pm");
    }

    #[test]
    fn instants_are_shown_in_uk_time_in_summer_and_winter() {
        // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST, UTC+1).
        let summer = Utc.with_ymd_and_hms(2026, 6, 30, 23, 30, 0).unwrap();
        assert_eq!(date_time(summer), "1 July 2026 at 12:30am");
        assert_eq!(
            uk_date(summer),
            NaiveDate::from_ymd_opt(2026, 7, 1).unwrap()
        );
        // 23:30 UTC on 30 December is 23:30 in London (GMT, UTC+0): the same day.
        let winter = Utc.with_ymd_and_hms(2026, 12, 30, 23, 30, 0).unwrap();
        assert_eq!(date_time(winter), "30 December 2026 at 11:30pm");
        // Midnight in London in summer is 23:00 UTC the day before.
        let midnight = Utc.with_ymd_and_hms(2026, 7, 31, 23, 0, 0).unwrap();
        assert_eq!(date_time(midnight), "1 August 2026 at midnight");
        // The clocks go back at 02:00 BST on 25 October 2026: 00:59 UTC is 01:59 BST, 01:00 UTC
        // is 01:00 GMT.
        let before = Utc.with_ymd_and_hms(2026, 10, 25, 0, 59, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap();
        assert_eq!(date_time(before), "25 October 2026 at 1:59am");
        assert_eq!(date_time(after), "25 October 2026 at 1am");
    }

    #[test]
    fn stored_text_is_read_as_a_date_or_an_instant() {
        assert_eq!(stored("2026-11-14"), "14 November 2026");
        assert_eq!(
            stored("2026-07-14T09:05:03.123456Z"),
            "14 July 2026 at 10:05am"
        );
        assert_eq!(stored("2026-01-14 09:05:03"), "14 January 2026 at 9:05am");
        assert_eq!(stored_day("2026-06-30T23:30:00Z"), "1 July 2026");
        assert_eq!(stored("not a date"), "not a date");
        assert_eq!(stored("2026-02-30"), "2026-02-30");
    }

    #[test]
    fn large_numbers_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(122_739), "122,739");
        assert_eq!(count(-1_234_567), "−1,234,567");
        assert_eq!(count(i64::MIN), "−9,223,372,036,854,775,808");
        assert_eq!(decimal(1234.55, 1), "1,234.6");
        assert_eq!(decimal(-0.04, 1), "0.0");
        assert_eq!(decimal(2.5, 0), "3");
        assert_eq!(decimal(1_000_000.0, 2), "1,000,000.00");
        assert_eq!(decimal(f64::NAN, 1), "–");
        assert_eq!(percent(12.345, 1), "12.3%");
        assert_eq!(calculated(12_345.678), "12,346");
        assert_eq!(calculated(12.345), "12.3");
        assert_eq!(calculated(0.861_404_978), "0.8614");
        assert_eq!(calculated(-2.5), "−2.5");
        assert_eq!(figure(1800.0), "1,800");
        assert_eq!(figure(12.5), "12.5");
        assert_eq!(figure(0.1 + 0.2), "0.3");
        assert_eq!(figure(-1234567.25), "−1,234,567.25");
    }

    #[test]
    fn plurals_agree_with_their_number() {
        assert_eq!(plural(1, "day", "days"), "1 day");
        assert_eq!(plural(0, "day", "days"), "0 days");
        assert_eq!(plural(1_200, "person", "people"), "1,200 people");
        assert_eq!(days_from_today(0), "today");
        assert_eq!(days_from_today(1), "tomorrow");
        assert_eq!(days_from_today(3), "in 3 days");
        assert_eq!(days_from_today(-1), "yesterday");
        assert_eq!(days_from_today(-12), "12 days ago");
    }

    #[test]
    fn units_are_separated_by_a_space_except_percent() {
        assert_eq!(with_unit("60", "people"), "60 people");
        assert_eq!(with_unit("12.5", "%"), "12.5%");
        assert_eq!(with_unit("4", ""), "4");
    }

    #[test]
    fn money_is_rounded_to_a_unit_people_read() {
        let pounds = |p: i64| Money::from_pence(p * 100);
        assert_eq!(money_rounded(pounds(950)), "£950");
        assert_eq!(money_rounded(pounds(99_999)), "£99,999");
        assert_eq!(money_rounded(pounds(235_400)), "£235k");
        assert_eq!(money_rounded(pounds(1_249_999)), "£1.2m");
        assert_eq!(money_rounded(pounds(1_250_000)), "£1.3m");
        assert_eq!(money_rounded(pounds(-12_300_000)), "−£12.3m");
        assert_eq!(money_rounded(pounds(1_300_000_000)), "£1.3bn");
        assert_eq!(money_rounded(Money::from_pence(-40)), "£0");
        assert_eq!(money(Money::from_pence(123_456_789)), "£1,234,567.89");
    }

    #[test]
    fn a_table_of_money_states_one_unit() {
        let pounds = |p: i64| Money::from_pence(p * 100);
        let unit = MoneyUnit::for_amounts([pounds(12_000), pounds(-1_450_000_000)]);
        assert_eq!(unit, MoneyUnit::Millions);
        assert_eq!(unit.heading(), "£m");
        assert_eq!(unit.cell(pounds(-1_450_000_000)), "−1,450.0");
        assert_eq!(unit.cell(pounds(12_000)), "0.0");
        let unit = MoneyUnit::for_amounts([pounds(-30_000), pounds(450_000_000)]);
        assert_eq!(unit.heading(), "£000s");
        assert_eq!(unit.cell(pounds(-30_000)), "−30");
        let unit = MoneyUnit::for_amounts([pounds(2_500_000)]);
        assert_eq!(unit, MoneyUnit::Thousands);
        assert_eq!(unit.cell(pounds(2_500_499)), "2,500");
        assert_eq!(unit.cell(pounds(2_500_500)), "2,501");
        assert_eq!(MoneyUnit::for_amounts([pounds(99_999)]), MoneyUnit::Pounds);
        assert_eq!(
            MoneyUnit::Pounds.cell(Money::from_pence(1_234_550)),
            "12,346"
        );
        assert_eq!(MoneyUnit::for_amounts([]), MoneyUnit::Pounds);
    }

    proptest::proptest! {
        #[test]
        fn counts_read_back_with_commas_every_three_digits(n in proptest::prelude::any::<i64>()) {
            let shown = count(n);
            let digits = shown.trim_start_matches(MINUS);
            proptest::prop_assert!(digits.split(',').skip(1).all(|g| g.len() == 3));
            proptest::prop_assert!((1..=3).contains(&digits.split(',').next().unwrap().len()));
            let back: i128 = digits.replace(',', "").parse().unwrap();
            let signed = if shown.starts_with(MINUS) { -back } else { back };
            proptest::prop_assert_eq!(signed, i128::from(n));
        }

        #[test]
        fn decimals_round_half_away_from_zero_like_people_do(whole in -1_000_000i64..1_000_000, tenths in 0i64..10) {
            // A value written with one decimal place, shown with none.
            let x: f64 = format!("{whole}.{tenths}").parse().unwrap();
            let expected = if tenths >= 5 { whole.abs() + 1 } else { whole.abs() };
            let shown = decimal(x, 0);
            let back: i64 = shown.trim_start_matches(MINUS).replace(',', "").parse().unwrap();
            proptest::prop_assert_eq!(back, expected);
        }
    }

    #[test]
    fn stored_codes_become_headings() {
        assert_eq!(
            heading("imd_decile"),
            "Deprivation decile (IMD, 1 = most deprived)"
        );
        assert_eq!(heading("registered_practice"), "Registered practice");
        assert_eq!(heading(""), "");
    }
}
