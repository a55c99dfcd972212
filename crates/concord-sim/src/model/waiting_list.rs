//! People already waiting when the run starts, read from a CSV file.

use super::{Model, ModelError, Waiting};

/// The most people a waiting list file may hold.
pub const MAX_WAITING: usize = 1_000_000;

impl Model {
    /// Reads the people already waiting at node `node` from a CSV file's text: a header row, then
    /// one person a row with `referral_date` (YYYY-MM-DD, no later than the run's `start`) and,
    /// when the model has classes, `class`. Refusals name the file's line. Gives how many.
    pub fn attach_waiting_list(
        &mut self,
        node: usize,
        csv_text: &str,
    ) -> Result<usize, ModelError> {
        let fail = |line: usize, message: String| ModelError {
            line: Some(line),
            column: None,
            message: format!(
                "waiting list of \"{}\", line {line}: {message}",
                self.nodes[node].name
            ),
        };
        let Some(start) = self.run.start else {
            return Err(ModelError {
                line: None,
                column: None,
                message: "a waiting list needs the run's start date ([run] start = \"YYYY-MM-DD\")"
                    .into(),
            });
        };
        let Some(per_day) = crate::calendar::units_per_day(&self.run.time_unit) else {
            return Err(ModelError {
                line: None,
                column: None,
                message: format!(
                    "a waiting list needs time_unit minute, hour, day or week (it is \"{}\")",
                    self.run.time_unit
                ),
            });
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(csv_text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| fail(1, e.to_string()))?
            .clone();
        let column = |name: &str| headers.iter().position(|h| h.trim() == name);
        let referral = column("referral_date")
            .ok_or_else(|| fail(1, "there is no referral_date column".into()))?;
        let class_column = column("class");
        if self.has_classes && class_column.is_none() {
            return Err(fail(1, "the model has classes: add a class column".into()));
        }
        let mut people = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record = record.map_err(|e| fail(line, e.to_string()))?;
            if people.len() >= MAX_WAITING {
                return Err(fail(
                    line,
                    format!("a waiting list may hold at most {MAX_WAITING} people"),
                ));
            }
            let text = record.get(referral).unwrap_or("").trim();
            let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                fail(
                    line,
                    format!("referral_date \"{text}\" is not a date written YYYY-MM-DD"),
                )
            })?;
            if day > start {
                return Err(fail(
                    line,
                    format!("referral_date {day} is after the run's start, {start}"),
                ));
            }
            let class = match class_column {
                None => 0,
                Some(c) => {
                    let name = record.get(c).unwrap_or("").trim();
                    self.classes
                        .iter()
                        .position(|k| k.name == name)
                        .ok_or_else(|| fail(line, format!("there is no class called \"{name}\"")))?
                }
            };
            people.push(Waiting {
                waited: (start - day).num_days() as f64 * per_day,
                class,
            });
        }
        people.sort_by(|a, b| b.waited.total_cmp(&a.waited));
        let count = people.len();
        self.nodes[node].initial = people;
        Ok(count)
    }
}
