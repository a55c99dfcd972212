//! What could identify a person in text a system is about to publish beyond itself.
//!
//! Anything Concord publishes to another system (a case study, a metric's definition) passes
//! through [`find`] first, and is refused if it finds anything. It looks for what the NHS treats as
//! direct identifiers and can be recognised in free text: a valid NHS number (ten digits, written
//! together or as 3-3-4, passing the Modulus 11 check), a full unit postcode (`RV1 2AB`: a postcode
//! district such as `RV1` alone is an area, and allowed), an e-mail address, a UK mobile telephone
//! number (`07…` or `+44 7…`), and a date of birth (a date written after "born", "DOB" or "date of
//! birth"). Names cannot be told from other words, so the publish page also asks the publisher to
//! confirm the text names nobody; this check is the floor under that confirmation, not a
//! replacement for it.

use crate::nhs_number::NhsNumber;

/// A kind of identifier found in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdentifierKind {
    /// A valid NHS number.
    NhsNumber,
    /// A full unit postcode.
    Postcode,
    /// An e-mail address.
    Email,
    /// A UK mobile telephone number.
    MobileNumber,
    /// A date of birth.
    DateOfBirth,
}

impl IdentifierKind {
    /// What it is, for people: "an NHS number".
    pub fn label(self) -> &'static str {
        match self {
            IdentifierKind::NhsNumber => "an NHS number",
            IdentifierKind::Postcode => "a full postcode",
            IdentifierKind::Email => "an e-mail address",
            IdentifierKind::MobileNumber => "a mobile telephone number",
            IdentifierKind::DateOfBirth => "a date of birth",
        }
    }
}

/// Every kind of identifier found in `text`, each once, in a fixed order. The identifiers
/// themselves are never returned: a refusal must not repeat them.
pub fn find(text: &str) -> Vec<IdentifierKind> {
    let mut found = Vec::new();
    let digit_runs = digit_runs(text);
    if digit_runs
        .iter()
        .any(|run| run.len() == 10 && NhsNumber::parse(run).is_ok())
    {
        found.push(IdentifierKind::NhsNumber);
    }
    if has_postcode(text) {
        found.push(IdentifierKind::Postcode);
    }
    if text.split_whitespace().any(is_email) {
        found.push(IdentifierKind::Email);
    }
    if digit_runs.iter().any(|run| is_mobile(run)) {
        found.push(IdentifierKind::MobileNumber);
    }
    if has_date_of_birth(text) {
        found.push(IdentifierKind::DateOfBirth);
    }
    found
}

/// Runs of digits as people write numbers: digits joined by single spaces or hyphens, and a
/// leading `+` (for `+44`), returned without the separators.
fn digit_runs(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut runs = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            // A digit glued to a letter (`A123`) is a code, not a number.
            if current.is_empty() && i > 0 && chars[i - 1].is_alphanumeric() {
                while i < chars.len() && chars[i].is_alphanumeric() {
                    i += 1;
                }
                continue;
            }
            current.push(c);
        } else if c == '+' && current.is_empty() {
            current.push('+');
        } else if (c == ' ' || c == '-')
            && !current.is_empty()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit())
        {
            // A separator inside a number.
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
        i += 1;
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs.into_iter()
        .map(|r| r.trim_start_matches('+').to_string())
        .filter(|r| !r.is_empty())
        .collect()
}

/// A UK mobile number: `07` and nine more digits, or `447` and nine more.
fn is_mobile(run: &str) -> bool {
    (run.len() == 11 && run.starts_with("07")) || (run.len() == 12 && run.starts_with("447"))
}

fn is_email(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    match word.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && domain
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        }
        None => false,
    }
}

/// A full postcode: an outward code (`A9`, `A99`, `AA9`, `AA99`, `A9A`, `AA9A`), a space or none,
/// then an inward code (`9AA`).
fn has_postcode(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric() && c != ' ')
        .flat_map(|part| part.split(' ').map(str::to_ascii_uppercase))
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, word)| {
        // Written together: `RV12AB`.
        (word.len() > 3
            && is_outward(&word[..word.len() - 3])
            && is_inward(&word[word.len() - 3..]))
            || (is_outward(word) && words.get(i + 1).is_some_and(|next| is_inward(next)))
    })
}

fn is_outward(word: &str) -> bool {
    let shape: String = word
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { 'A' })
        .collect();
    matches!(
        shape.as_str(),
        "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A"
    )
}

fn is_inward(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() == 3
        && b[0].is_ascii_digit()
        && b[1].is_ascii_alphabetic()
        && b[2].is_ascii_alphabetic()
}

/// A date written soon after "born", "DOB", "D.O.B." or "date of birth".
fn has_date_of_birth(text: &str) -> bool {
    let lower = text.to_lowercase();
    ["born", "dob", "d.o.b", "date of birth"].iter().any(|cue| {
        lower.match_indices(cue).any(|(at, _)| {
            // Whole words only: "reborn" or "adobe" are not cues.
            let before_ok = lower[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let after: String = lower[at + cue.len()..].chars().take(24).collect();
            before_ok && looks_like_date(&after)
        })
    })
}

/// True when the text holds a day and month with a year (`12/03/1950`, `12-3-50`, `12 March 1950`).
fn looks_like_date(text: &str) -> bool {
    let numbers: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect();
    let has_month_name = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .any(|m| text.contains(m));
    match numbers.as_slice() {
        [_, _, year, ..] if year.len() == 2 || year.len() == 4 => true,
        [_, year, ..] if has_month_name && year.len() == 4 => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IdentifierKind::*;

    #[test]
    fn nhs_numbers_are_found_however_written_and_only_when_valid() {
        // 943 476 5919 is the NHS's own example of a valid number.
        assert_eq!(find("Patient 9434765919 was seen"), vec![NhsNumber]);
        assert_eq!(find("NHS no. 943 476 5919."), vec![NhsNumber]);
        assert_eq!(find("ref 943-476-5919"), vec![NhsNumber]);
        // The same digits with the check digit wrong: a number, not an NHS number.
        assert_eq!(find("9434765918 attendances"), vec![]);
        // Longer figures and codes are not NHS numbers.
        assert_eq!(find("£9,434,765,919 spent"), vec![]);
        assert_eq!(find("code X9434765919"), vec![]);
    }

    #[test]
    fn full_postcodes_are_found_but_districts_are_not() {
        assert_eq!(find("lives at RV1 2AB"), vec![Postcode]);
        assert_eq!(find("lives at rv12ab"), vec![Postcode]);
        assert_eq!(find("(SW1A 1AA)"), vec![Postcode]);
        assert_eq!(find("people in RV1 and RV2 districts"), vec![]);
        assert_eq!(find("Within 4 weeks, 2 of 3 teams"), vec![]);
    }

    #[test]
    fn emails_mobiles_and_dates_of_birth_are_found() {
        assert_eq!(find("write to jo.bloggs@example.org."), vec![Email]);
        assert_eq!(find("call 07700 900123"), vec![MobileNumber]);
        assert_eq!(find("call +44 7700 900123"), vec![MobileNumber]);
        // A service's landline is not a person's.
        assert_eq!(find("call 0300 123 4567"), vec![]);
        assert_eq!(find("a woman born 12/03/1950"), vec![DateOfBirth]);
        assert_eq!(find("DOB: 3 March 1950"), vec![DateOfBirth]);
        assert_eq!(find("reborn in March 2024 as a hub"), vec![]);
        assert_eq!(find("the service was born of a 2019 pilot"), vec![]);
    }

    #[test]
    fn ordinary_case_study_text_passes() {
        let text = "Waits for MSK physiotherapy fell from 14 to 6 weeks after first-contact \
                    physiotherapists joined 12 practices in 2024-25, at a cost of £412,000 a year.";
        assert_eq!(find(text), vec![]);
    }
}
