//! Reading a time series from CSV: a date column and a value column, by name.
//!
//! Dates are ISO (`2024-04-01`), a month (`2024-04`, read as its first day) or UK style
//! (`01/04/2024`). Values are plain numbers; a trailing `%` is allowed and dropped. Every problem
//! names the line and the column, and nothing is returned from a file with any problem. Rows come
//! back in date order, and two rows for one date are an error.

use chrono::NaiveDate;
use std::io::Read;

/// A problem with a series file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeriesError {
    /// The header lacks a column.
    #[error("line 1: there is no column '{column}' (the columns are: {found})")]
    MissingColumn {
        /// The column looked for.
        column: String,
        /// The columns there are.
        found: String,
    },
    /// A field that cannot be read.
    #[error("line {line}, field '{field}': {message}")]
    Field {
        /// 1-based line in the file.
        line: u64,
        /// The column.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// Not CSV.
    #[error("line {line}: not valid CSV: {message}")]
    Csv {
        /// 1-based line, where known.
        line: u64,
        /// The parser's message.
        message: String,
    },
    /// No data rows.
    #[error("the file has no data rows")]
    Empty,
}

/// Reads a date in any of the accepted forms.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .or_else(|_| NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d"))
        .ok()
}

/// Reads a number, allowing surrounding spaces and a trailing `%`.
pub fn parse_value(text: &str) -> Option<f64> {
    let text = text.trim();
    let text = text.strip_suffix('%').unwrap_or(text).trim_end();
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// One dated value and the line it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedValue {
    /// The date.
    pub date: NaiveDate,
    /// The value.
    pub value: f64,
    /// 1-based line in the file.
    pub line: u64,
}

/// Reads the `date_column` and `value_column` of a CSV file (with a header), in date order.
pub fn read_series(
    input: impl Read,
    date_column: &str,
    value_column: &str,
) -> Result<Vec<DatedValue>, SeriesError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = reader.headers().map_err(csv_error)?.clone();
    let find = |column: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == column)
            .ok_or_else(|| SeriesError::MissingColumn {
                column: column.to_string(),
                found: headers.iter().collect::<Vec<_>>().join(", "),
            })
    };
    let (date_at, value_at) = (find(date_column)?, find(value_column)?);
    let mut rows: Vec<DatedValue> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |field: &str, message: String| SeriesError::Field {
            line,
            field: field.to_string(),
            message,
        };
        let date_text = record.get(date_at).unwrap_or("");
        let date = parse_date(date_text).ok_or_else(|| {
            field(
                date_column,
                if date_text.is_empty() {
                    "the date is missing".into()
                } else {
                    format!("'{date_text}' is not a date (use YYYY-MM-DD, YYYY-MM or DD/MM/YYYY)")
                },
            )
        })?;
        let value_text = record.get(value_at).unwrap_or("");
        let value = parse_value(value_text).ok_or_else(|| {
            field(
                value_column,
                if value_text.is_empty() {
                    "the value is missing".into()
                } else {
                    format!("'{value_text}' is not a number")
                },
            )
        })?;
        rows.push(DatedValue { date, value, line });
    }
    if rows.is_empty() {
        return Err(SeriesError::Empty);
    }
    rows.sort_by_key(|r| (r.date, r.line));
    if let Some(pair) = rows.windows(2).find(|w| w[0].date == w[1].date) {
        return Err(SeriesError::Field {
            line: pair[1].line,
            field: date_column.to_string(),
            message: format!(
                "{} is already on line {}: a series has one value per date",
                pair[1].date, pair[0].line
            ),
        });
    }
    Ok(rows)
}

fn csv_error(e: csv::Error) -> SeriesError {
    SeriesError::Csv {
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read(text: &str) -> Result<Vec<DatedValue>, SeriesError> {
        read_series(text.as_bytes(), "date", "value")
    }

    #[test]
    fn rows_come_back_in_date_order_in_any_date_form() {
        let rows = read("date,value\n2024-03-01,3\n01/01/2024,1\n2024-02,2%\n").unwrap();
        let values: Vec<f64> = rows.iter().map(|r| r.value).collect();
        assert_eq!(values, [1.0, 2.0, 3.0]);
        assert_eq!(rows[0].line, 3);
    }

    #[test]
    fn every_problem_names_its_line_and_field() {
        let err = |t: &str| read(t).unwrap_err().to_string();
        assert_eq!(
            err("when,value\n2024-01-01,1\n"),
            "line 1: there is no column 'date' (the columns are: when, value)"
        );
        assert_eq!(
            err("date,value\n2024-01-01,1\n2024-13-01,2\n"),
            "line 3, field 'date': '2024-13-01' is not a date (use YYYY-MM-DD, YYYY-MM or DD/MM/YYYY)"
        );
        assert_eq!(
            err("date,value\n2024-01-01,\n"),
            "line 2, field 'value': the value is missing"
        );
        assert_eq!(
            err("date,value\n2024-01-01,1\n2024-02-01,n/a\n"),
            "line 3, field 'value': 'n/a' is not a number"
        );
        assert_eq!(
            err("date,value\n2024-01-01,1\n2024-01-01,2\n"),
            "line 3, field 'date': 2024-01-01 is already on line 2: a series has one value per date"
        );
        assert_eq!(err("date,value\n"), "the file has no data rows");
        assert!(err("date,value\n2024-01-01,1,extra\n").starts_with("line 2: not valid CSV"));
        assert!(err("date,value\n2024-01-01,NaN\n").contains("is not a number"));
    }

    proptest! {
        #[test]
        fn any_bytes_give_rows_or_an_error_never_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let mut input = b"date,value\n".to_vec();
            input.extend(bytes);
            let _ = read_series(input.as_slice(), "date", "value");
        }

        #[test]
        fn written_values_are_read_back(values in prop::collection::vec(-1e9f64..1e9, 1..40)) {
            let mut text = String::from("date,value\n");
            let start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
            for (i, v) in values.iter().enumerate() {
                text.push_str(&format!("{},{v}\n", start + chrono::Days::new(i as u64)));
            }
            let rows = read(&text).unwrap();
            let back: Vec<f64> = rows.iter().map(|r| r.value).collect();
            prop_assert_eq!(back, values);
        }
    }
}
