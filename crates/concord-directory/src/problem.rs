//! What is wrong with a directory, and where.

use std::fmt;

/// One thing wrong, named by file, record and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (a feed's name, or a table of a data package such as `services.csv`).
    pub file: String,
    /// The record: its number in the file (from 1: the object in a feed, the row after the
    /// header in a table) and its id when it has one.
    pub record: Option<(usize, Option<String>)>,
    /// The field, as a path from the record (`service_at_locations[0].location.latitude`).
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// A problem with a whole file.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_string(),
            record: None,
            field: None,
            message: message.into(),
        }
    }

    /// A problem with a record's field.
    pub fn field(
        file: &str,
        record: usize,
        id: Option<&str>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let field = field.into();
        Problem {
            file: file.to_string(),
            record: Some((record, id.map(str::to_string))),
            field: (!field.is_empty()).then_some(field),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((number, id)) = &self.record {
            write!(f, ", record {number}")?;
            if let Some(id) = id {
                write!(f, " (id {id})")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, ", field {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Everything wrong with a directory: at most [`crate::MAX_PROBLEMS_LISTED`] listed, and how
/// many in all.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct Problems {
    /// The problems listed.
    pub listed: Vec<Problem>,
    /// How many there are in all.
    pub total: usize,
}

impl Problems {
    /// Adds one (listing it while there is room).
    pub fn push(&mut self, problem: Problem) {
        self.total += 1;
        if self.listed.len() < crate::MAX_PROBLEMS_LISTED {
            self.listed.push(problem);
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Ok when there are none, else these problems.
    pub fn into_result(self) -> Result<(), Problems> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl From<Problem> for Problems {
    fn from(problem: Problem) -> Self {
        let mut problems = Problems::default();
        problems.push(problem);
        problems
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.listed.iter().map(Problem::to_string).collect();
        write!(f, "{}", lines.join("\n"))?;
        if self.total > self.listed.len() {
            write!(f, "\n... and {} more", self.total - self.listed.len())?;
        }
        Ok(())
    }
}

/// The field a serde error is about (the missing or unknown field itself, where serde names it
/// in its message) and the message in words, without serde's list of every field expected.
pub(crate) fn field_and_message(
    e: &serde_path_to_error::Error<serde_json::Error>,
) -> (String, String) {
    let path = e.path().to_string();
    let mut field = if path == "." { String::new() } else { path };
    let mut message = e.inner().to_string();
    if let Some(rest) = message.strip_prefix("missing field `") {
        if let Some((name, _)) = rest.split_once('`') {
            field = if field.is_empty() {
                name.to_string()
            } else {
                format!("{field}.{name}")
            };
            message = "this field is required".to_string();
        }
    } else if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((name, _)) = rest.split_once('`') {
            if !field.ends_with(name) {
                field = if field.is_empty() {
                    name.to_string()
                } else {
                    format!("{field}.{name}")
                };
            }
            message = "not a field of HSDS 3.0 here".to_string();
        }
    }
    (field, message)
}

/// `record` read as a `T`, or its problem noted against `file`'s record `number` (named by its
/// id when it has one, and by the field serde stopped at).
pub(crate) fn read_record<T: serde::de::DeserializeOwned>(
    file: &str,
    number: usize,
    record: serde_json::Value,
    problems: &mut Problems,
) -> Option<T> {
    let id = record
        .get("id")
        .and_then(serde_json::Value::as_str)
        .map(str::to_string);
    match serde_path_to_error::deserialize::<_, T>(record) {
        Ok(value) => Some(value),
        Err(e) => {
            let (field, message) = field_and_message(&e);
            problems.push(Problem::field(file, number, id.as_deref(), field, message));
            None
        }
    }
}
