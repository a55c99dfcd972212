//! SWEMWBS, the Short Warwick-Edinburgh Mental Wellbeing Scale: seven statements, each answered
//! from "none of the time" (1) to "all of the time" (5), summed to a raw score of 7 to 35 and
//! reported as a **metric score** read from its authors' conversion table (Rasch-transformed,
//! 7.00 to 35.00).
//!
//! Its statements and its conversion table belong to its licence-holders and may not be shipped
//! without their permission, so Concord holds neither. A system that has registered to use it
//! switches it on by naming its licence and the conversion table it received
//! ([`SwemwbsLicence`]); until then no SWEMWBS answer can be recorded.

use crate::validation::ValidationErrors;

/// The lowest and highest raw scores.
pub const RAW_SCORES: std::ops::RangeInclusive<u8> = 7..=35;

/// The answers, from 1 to 5.
pub const ANSWERS: [(u8, &str); 5] = [
    (1, "None of the time"),
    (2, "Rarely"),
    (3, "Some of the time"),
    (4, "Often"),
    (5, "All of the time"),
];

/// The largest conversion table read (it has 29 short rows).
pub const MAX_TABLE_BYTES: usize = 16 * 1024;

/// Why SWEMWBS answers are refused when it is not switched on.
pub const NOT_LICENSED: &str = "SWEMWBS is not switched on in this system: it needs a licence from its authors, and the conversion table they supply. Ask your administrator";

/// The authors' table from raw score (7 to 35) to metric score.
#[derive(Debug, Clone, PartialEq)]
pub struct SwemwbsConversion {
    metric: [f64; 29],
}

/// A line of a conversion table that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ConversionError {
    /// The line (1 is the header).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl SwemwbsConversion {
    /// Reads a conversion table: a header `raw,metric`, then one line for each raw score from 7
    /// to 35, each once, with a metric score from 7 to 35 that rises with the raw score.
    pub fn from_csv(text: &str) -> Result<Self, ConversionError> {
        let refuse = |line: usize, message: &str| ConversionError {
            line,
            message: message.to_string(),
        };
        if text.len() > MAX_TABLE_BYTES {
            return Err(refuse(
                1,
                "the file is larger than a conversion table can be",
            ));
        }
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim()));
        match lines.next() {
            Some((_, header))
                if header
                    .trim_start_matches('\u{feff}')
                    .replace(' ', "")
                    .eq_ignore_ascii_case("raw,metric") => {}
            _ => return Err(refuse(1, "the header must be raw,metric")),
        }
        let mut metric = [f64::NAN; 29];
        for (line, row) in lines.filter(|(_, l)| !l.is_empty()) {
            let (raw, score) = row
                .split_once(',')
                .ok_or_else(|| refuse(line, "expected a raw score and a metric score"))?;
            let raw: u8 = raw
                .trim()
                .parse()
                .ok()
                .filter(|r| RAW_SCORES.contains(r))
                .ok_or_else(|| refuse(line, "the raw score must be a whole number from 7 to 35"))?;
            let score: f64 = score
                .trim()
                .parse()
                .ok()
                .filter(|s: &f64| s.is_finite() && (7.0..=35.0).contains(s))
                .ok_or_else(|| refuse(line, "the metric score must be a number from 7 to 35"))?;
            let slot = &mut metric[usize::from(raw - 7)];
            if !slot.is_nan() {
                return Err(refuse(line, "this raw score is already in the table"));
            }
            *slot = score;
        }
        if let Some(missing) = metric.iter().position(|m| m.is_nan()) {
            return Err(refuse(
                text.lines().count(),
                &format!("the table has no line for raw score {}", missing + 7),
            ));
        }
        if let Some(fall) = metric.windows(2).position(|w| w[1] <= w[0]) {
            return Err(refuse(
                text.lines().count(),
                &format!(
                    "the metric score must rise with the raw score, but it does not from {} to {}",
                    fall + 7,
                    fall + 8
                ),
            ));
        }
        Ok(SwemwbsConversion { metric })
    }

    /// The metric score of a raw score from 7 to 35.
    pub fn metric(&self, raw: u8) -> Option<f64> {
        RAW_SCORES
            .contains(&raw)
            .then(|| self.metric[usize::from(raw - 7)])
    }
}

/// A system's licence to use SWEMWBS: the licence's reference (as the authors gave it) and
/// their conversion table.
#[derive(Debug, Clone, PartialEq)]
pub struct SwemwbsLicence {
    /// The licence's reference, shown wherever scores are.
    pub reference: String,
    /// The conversion table.
    pub conversion: SwemwbsConversion,
}

/// The raw score: the seven answers summed.
pub fn raw_score(answers: &[u8; 7]) -> u8 {
    answers.iter().sum()
}

/// Reads the seven answers (`swemwbs_1` to `swemwbs_7`, each 1 to 5): all or none. Answers when
/// SWEMWBS is not switched on are refused.
pub fn check_answers(
    errors: &mut ValidationErrors,
    answers: [&str; 7],
    licensed: bool,
) -> Option<[u8; 7]> {
    let answered = answers.iter().filter(|a| !a.trim().is_empty()).count();
    if answered == 0 {
        return None;
    }
    if !licensed {
        errors.add("swemwbs_1", NOT_LICENSED);
        return None;
    }
    let mut scores = [0u8; 7];
    let mut whole = true;
    for (i, answer) in answers.iter().enumerate() {
        let field = format!("swemwbs_{}", i + 1);
        if answer.trim().is_empty() {
            errors.add(&field, "Answer every SWEMWBS statement, or none of them");
            whole = false;
        } else if let Some(score) = errors.require_in_range(&field, "an answer", answer, 1..=5) {
            scores[i] = score;
        } else {
            whole = false;
        }
    }
    whole.then_some(scores)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A made-up table for tests (not the authors'): the metric score is the raw score plus a
    /// bend, so it rises and is not the raw score.
    pub(crate) fn test_table() -> String {
        let mut text = String::from("raw,metric\n");
        for raw in 7..=35u32 {
            let metric = f64::from(raw) + f64::from((raw - 7) * (35 - raw)) / 100.0;
            text.push_str(&format!("{raw},{metric:.2}\n"));
        }
        text
    }

    #[test]
    fn a_conversion_table_reads_every_raw_score_once() {
        let table = SwemwbsConversion::from_csv(&test_table()).unwrap();
        assert_eq!(table.metric(7), Some(7.0));
        assert!((table.metric(21).unwrap() - 22.96).abs() < 1e-9);
        assert_eq!(table.metric(35), Some(35.0));
        assert_eq!(table.metric(6), None);
        assert_eq!(table.metric(36), None);
    }

    #[test]
    fn a_bad_table_is_refused_naming_its_line() {
        let good = test_table();
        let cases = [
            (good.replace("raw,metric", "score,value"), 1, "header"),
            (good.replace("\n8,", "\n6,"), 3, "raw score"),
            (good.replace("\n9,9.52", "\n9,nine"), 4, "metric score"),
            (good.replace("\n10,", "\n9,"), 5, "already"),
            (good.replace("\n12,13.15", "\n12,8.00"), 30, "rise"),
            (
                good.lines()
                    .filter(|l| !l.starts_with("20,"))
                    .collect::<Vec<_>>()
                    .join("\n"),
                29,
                "raw score 20",
            ),
            ("x".repeat(MAX_TABLE_BYTES + 1), 1, "larger"),
        ];
        for (text, line, words) in cases {
            let error = SwemwbsConversion::from_csv(&text).unwrap_err();
            assert_eq!(error.line, line, "{error}");
            assert!(error.message.contains(words), "{error}");
        }
    }

    #[test]
    fn answers_are_all_or_none_and_only_when_licensed() {
        let mut errors = ValidationErrors::default();
        let answers = ["3", "4", "2", "5", "1", "3", "4"];
        let scores = check_answers(&mut errors, answers, true).unwrap();
        // Hand-worked: 3 + 4 + 2 + 5 + 1 + 3 + 4 = 22.
        assert_eq!(raw_score(&scores), 22);
        assert!(errors.is_empty());
        assert_eq!(check_answers(&mut errors, [""; 7], false), None);
        assert!(errors.is_empty(), "no answers need no licence");
        assert_eq!(check_answers(&mut errors, answers, false), None);
        assert_eq!(errors.for_field("swemwbs_1"), Some(NOT_LICENSED));
        let mut errors = ValidationErrors::default();
        let partial = ["3", "", "2", "6", "1", "3", "4"];
        assert_eq!(check_answers(&mut errors, partial, true), None);
        assert!(errors.for_field("swemwbs_2").is_some());
        assert!(errors.for_field("swemwbs_4").is_some());
    }
}
