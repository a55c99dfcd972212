//! The formatter for people ([`concord_domain::format`]) as template filters, so a template writes
//! `{{ action.due_on|date }}` and never formats a value itself.
//!
//! A module that derives a template brings these into scope with `use crate::ui::filters;`.
//!
//! | filter | shows | example |
//! |---|---|---|
//! | `date` | a stored date or timestamp's day | 14 November 2026 |
//! | `date_time` | a stored timestamp to the minute, UK time | 14 November 2026 at 2:30pm |
//! | `count` | a whole number | 122,739 |
//! | `number(places)` | a decimal number | 1,234.5 |
//! | `figure` | a recorded value, its own decimals | 1,800 or 12.5 |
//! | `plural(one, many)` | a count and its noun | 3 confidential items |
//! | `money_rounded` | a sum for a sentence | £1.2m |
//! | `days` | a distance in days from today | in 3 days |

use askama::Values;
use concord_domain::finance::Money;
use concord_domain::format;
use std::fmt::Display;

/// A value a date filter can read: stored text, an optional one, or a date.
pub trait DateLike {
    /// The value as stored text (`YYYY-MM-DD` or RFC 3339), or `None` when there is no value.
    fn stored_text(&self) -> Option<String>;
}

impl DateLike for str {
    fn stored_text(&self) -> Option<String> {
        (!self.trim().is_empty()).then(|| self.to_string())
    }
}

impl DateLike for String {
    fn stored_text(&self) -> Option<String> {
        self.as_str().stored_text()
    }
}

impl DateLike for chrono::NaiveDate {
    fn stored_text(&self) -> Option<String> {
        Some(self.format("%Y-%m-%d").to_string())
    }
}

impl DateLike for chrono::DateTime<chrono::Utc> {
    fn stored_text(&self) -> Option<String> {
        Some(self.to_rfc3339())
    }
}

impl<T: DateLike + ?Sized> DateLike for &T {
    fn stored_text(&self) -> Option<String> {
        (**self).stored_text()
    }
}

impl<T: DateLike> DateLike for Option<T> {
    fn stored_text(&self) -> Option<String> {
        self.as_ref().and_then(|v| v.stored_text())
    }
}

/// A stored date or timestamp's day: "14 November 2026" (a dash when there is none).
pub fn date<T: DateLike>(value: T, _: &dyn Values) -> askama::Result<String> {
    Ok(value
        .stored_text()
        .map(|t| format::stored_day(&t))
        .unwrap_or_else(|| format::NO_VALUE.to_string()))
}

/// A stored date's month, for monthly periods: "January 2026" (a dash when there is none).
pub fn month<T: DateLike>(value: T, _: &dyn Values) -> askama::Result<String> {
    Ok(value
        .stored_text()
        .and_then(|t| chrono::NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok())
        .map(format::month)
        .unwrap_or_else(|| format::NO_VALUE.to_string()))
}

/// A stored timestamp to the minute in UK time: "14 November 2026 at 2:30pm"; a date alone is
/// shown as a date.
pub fn date_time<T: DateLike>(value: T, _: &dyn Values) -> askama::Result<String> {
    Ok(value
        .stored_text()
        .map(|t| format::stored(&t))
        .unwrap_or_else(|| format::NO_VALUE.to_string()))
}

/// A whole number with thousands separators: "122,739". A value that is not a whole number is
/// shown as it is.
pub fn count<T: Display>(value: T, _: &dyn Values) -> askama::Result<String> {
    let text = value.to_string();
    Ok(match text.parse::<i64>() {
        Ok(n) => format::count(n),
        Err(_) => text,
    })
}

/// A number to `places` decimal places with thousands separators: "1,234.5".
pub fn number<T: Display>(value: T, _: &dyn Values, places: u32) -> askama::Result<String> {
    let text = value.to_string();
    Ok(match text.parse::<f64>() {
        Ok(x) => format::decimal(x, places),
        Err(_) => text,
    })
}

/// A sum of money rounded for a sentence: "£1.2m".
pub fn money_rounded<T: std::borrow::Borrow<Money>>(
    value: T,
    _: &dyn Values,
) -> askama::Result<String> {
    Ok(format::money_rounded(*value.borrow()))
}

/// A distance in days from today: "today", "in 3 days", "2 days ago".
pub fn days<T: Display>(value: T, _: &dyn Values) -> askama::Result<String> {
    let text = value.to_string();
    Ok(match text.parse::<i64>() {
        Ok(n) => format::days_from_today(n),
        Err(_) => text,
    })
}

/// A stored time of day (`HH:MM`) for people: "2:30pm", "midday".
pub fn time<T: Display>(value: T, _: &dyn Values) -> askama::Result<String> {
    let text = value.to_string();
    Ok(
        match chrono::NaiveTime::parse_from_str(text.trim(), "%H:%M")
            .or_else(|_| chrono::NaiveTime::parse_from_str(text.trim(), "%H:%M:%S"))
        {
            Ok(at) => format::time(at),
            Err(_) => text,
        },
    )
}

/// A number and its unit with a space between ("60 people", "95%"); whole numbers get thousands
/// separators.
pub fn with_unit<T: Display>(value: T, _: &dyn Values, unit: &str) -> askama::Result<String> {
    let text = value.to_string();
    let number = match text.parse::<i64>() {
        Ok(n) => format::count(n),
        Err(_) => text,
    };
    Ok(format::with_unit(&number, unit))
}

/// A recorded value with thousands separators and its own decimal places: "1,800", "12.5".
pub fn figure<T: Display>(value: T, _: &dyn Values) -> askama::Result<String> {
    let text = value.to_string();
    Ok(match text.trim().parse::<f64>() {
        Ok(x) => format::figure(x),
        Err(_) => text,
    })
}

/// A count and the noun for what is counted, agreeing: `{{ n|plural("item", "items") }}`.
pub fn plural<T: Display>(
    value: T,
    _: &dyn Values,
    one: &str,
    many: &str,
) -> askama::Result<String> {
    let text = value.to_string();
    Ok(match text.parse::<i64>() {
        Ok(n) => format::plural(n, one, many),
        Err(_) => format!("{text} {many}"),
    })
}
