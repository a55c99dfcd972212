//! Field-level validation errors: what was wrong and where, in words a user can act on.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One problem with one submitted field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field's name as submitted (form field or JSON property).
    pub field: String,
    /// What is wrong, phrased for the person who submitted it.
    pub message: String,
}

/// Every problem found in one submission; empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{} field(s) are invalid: {}", .0.len(), summary(.0))]
pub struct ValidationErrors(pub Vec<FieldError>);

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A code that names no value of a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value '{0}'")]
pub struct UnknownCode(pub String);

impl ValidationErrors {
    /// Records a problem with `field`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// The message for `field`, if it has one (for showing beside a form input).
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// True when nothing was wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when empty, otherwise the errors.
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// A single-field error.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }

    /// Checks a required text field: trimmed, non-empty, at most `max` characters, and no
    /// character that cannot be stored or shown ([`unprintable`]).
    pub fn require_text(&mut self, field: &str, label: &str, value: &str, max: usize) {
        let value = value.trim();
        if value.is_empty() {
            self.add(field, format!("Enter {label}"));
        } else if value.chars().count() > max {
            self.add(
                field,
                format!("{} must be {max} characters or fewer", capitalise(label)),
            );
        } else if let Some(c) = unprintable(value) {
            self.add(field, unprintable_message(label, c));
        }
    }

    /// Checks an optional text field: at most `max` characters, and none that cannot be stored
    /// or shown.
    pub fn optional_text(&mut self, field: &str, label: &str, value: &str, max: usize) {
        if value.trim().chars().count() > max {
            self.add(
                field,
                format!("{} must be {max} characters or fewer", capitalise(label)),
            );
        } else if let Some(c) = unprintable(value) {
            self.add(field, unprintable_message(label, c));
        }
    }

    /// Checks that a text field holds a known vocabulary code.
    pub fn require_code<T: std::str::FromStr>(
        &mut self,
        field: &str,
        label: &str,
        value: &str,
    ) -> Option<T> {
        if value.trim().is_empty() {
            self.add(field, format!("Select {label}"));
            return None;
        }
        match value.trim().parse::<T>() {
            Ok(v) => Some(v),
            Err(_) => {
                self.add(field, format!("Select {label} from the list"));
                None
            }
        }
    }
}

impl ValidationErrors {
    /// Checks a required date written YYYY-MM-DD, returning it when valid.
    pub fn require_date(&mut self, field: &str, what: &str, value: &str) -> Option<NaiveDate> {
        let value = value.trim();
        if value.is_empty() {
            self.add(field, format!("Enter {what}"));
            return None;
        }
        self.optional_date(field, what, value)
    }

    /// Checks an optional date: blank is `None`, anything else must be a real YYYY-MM-DD date.
    pub fn optional_date(&mut self, field: &str, what: &str, value: &str) -> Option<NaiveDate> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(date) if value.len() == 10 => Some(date),
            _ => {
                self.add(field, format!("Enter {what} as a real date, YYYY-MM-DD"));
                None
            }
        }
    }

    /// Checks a whole number in `range` (for example a 1–5 score).
    pub fn require_in_range(
        &mut self,
        field: &str,
        what: &str,
        value: &str,
        range: std::ops::RangeInclusive<u8>,
    ) -> Option<u8> {
        match value.trim().parse::<u8>() {
            Ok(v) if range.contains(&v) => Some(v),
            _ => {
                self.add(
                    field,
                    format!("Select {what}, from {} to {}", range.start(), range.end()),
                );
                None
            }
        }
    }

    /// Checks a required decimal number (commas allowed as thousands separators).
    pub fn require_number(&mut self, field: &str, what: &str, value: &str) -> Option<f64> {
        let cleaned = value.trim().replace(',', "");
        if cleaned.is_empty() {
            self.add(field, format!("Enter {what}"));
            return None;
        }
        match cleaned.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => {
                self.add(
                    field,
                    format!("Enter {what} as a number, for example 42 or 3.5"),
                );
                None
            }
        }
    }

    /// Checks a required whole number from 0 to `max` (commas allowed as thousands separators).
    pub fn require_count(&mut self, field: &str, what: &str, value: &str, max: u32) -> Option<u32> {
        let cleaned = value.trim().replace(',', "");
        if cleaned.is_empty() {
            self.add(field, format!("Enter {what}"));
            return None;
        }
        match cleaned.parse::<u32>() {
            Ok(v) if v <= max => Some(v),
            Ok(_) => {
                self.add(
                    field,
                    format!(
                        "{} must be {} or fewer",
                        capitalise(what),
                        crate::format::count(i64::from(max))
                    ),
                );
                None
            }
            Err(_) => {
                self.add(
                    field,
                    format!("Enter {what} as a whole number, for example 12"),
                );
                None
            }
        }
    }

    /// Checks that an id field is filled in (the store checks that it exists).
    pub fn require_id(&mut self, field: &str, what: &str, value: &str) {
        if value.trim().is_empty() {
            self.add(field, format!("Select {what}"));
        }
    }
}

/// Accepts a JSON string or number (or boolean) for a form-shaped text field, so API clients may send
/// `"likelihood": 4` as well as `"likelihood": "4"`.
pub fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Text(String),
        Whole(i64),
        Number(f64),
        Flag(bool),
    }
    Ok(match <Loose as Deserialize>::deserialize(d)? {
        Loose::Text(s) => s,
        Loose::Whole(n) => n.to_string(),
        Loose::Number(n) => n.to_string(),
        Loose::Flag(b) => b.to_string(),
    })
}

/// Accepts a JSON boolean or a form checkbox value (`on`, `true`, `yes`, `1`) as a flag.
pub fn loose_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Flag(bool),
        Text(String),
    }
    Ok(match <Loose as Deserialize>::deserialize(d)? {
        Loose::Flag(b) => b,
        Loose::Text(s) => matches!(s.trim(), "on" | "true" | "yes" | "1"),
    })
}

/// "a name" -> "Name": the label without its article, capitalised, to start a sentence.
fn capitalise(label: &str) -> String {
    let s = label
        .strip_prefix("a ")
        .or_else(|| label.strip_prefix("an "))
        .unwrap_or(label);
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The first character of `text` that has no place in text people type: a control character
/// other than a tab or a line break (NUL among them, which PostgreSQL cannot store), or a
/// bidirectional override or isolate (which can make a name read as another).
pub fn unprintable(text: &str) -> Option<char> {
    text.chars().find(|c| {
        (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

fn unprintable_message(label: &str, c: char) -> String {
    format!(
        "{} contains a character that cannot be used (U+{:04X}): remove it",
        capitalise(label),
        u32::from(c)
    )
}

/// Trims a submitted optional value, mapping blank to `None`.
pub fn blank_to_none(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// True when `email` looks like an address: one `@`, something either side, a dot in the domain, no spaces.
pub fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && unprintable(email).is_none()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_a_control_character_or_an_override_is_refused() {
        let mut errors = ValidationErrors::default();
        errors.require_text("name", "a name", "Ada\0Lovelace", 100);
        errors.optional_text("note", "the note", "\u{202E}ecalevoL", 100);
        errors.optional_text("body", "the text", "Line one\nLine two\tand a tab", 100);
        assert!(errors.for_field("name").unwrap().contains("U+0000"));
        assert!(errors.for_field("note").unwrap().contains("U+202E"));
        assert!(errors.for_field("body").is_none());
        assert!(!looks_like_email("ada\0@example.org"));
    }

    #[test]
    fn required_text_reports_empty_and_too_long() {
        let mut errors = ValidationErrors::default();
        errors.require_text("name", "a name", "   ", 10);
        errors.require_text("code", "a code", "abcdefghijk", 10);
        errors.require_text("ok", "a value", "fine", 10);
        assert_eq!(errors.for_field("name"), Some("Enter a name"));
        assert_eq!(
            errors.for_field("code"),
            Some("Code must be 10 characters or fewer")
        );
        assert_eq!(errors.for_field("ok"), None);
    }

    #[test]
    fn email_shapes() {
        for good in ["a@b.nhs.uk", "jo.bloggs@riverside.gov.uk"] {
            assert!(looks_like_email(good), "{good}");
        }
        for bad in [
            "",
            "a",
            "a@b",
            "@b.com",
            "a@.com",
            "a b@c.com",
            "a@b@c.com",
            "a@b.",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }
}
