//! The two tables of the analytical store, `patients` and `events`, as Arrow schemas, with row
//! buffers that fill a record batch and Parquet files to write and read them.
//!
//! Every row carries the person's pseudonym (32 hex characters); nothing here can hold a name, an
//! NHS number, an address or a full date of birth. Dates are Arrow `Date32`; a month (of birth or
//! of death) is its first day.

use crate::fhir::{Event, EventKind, Sex};
use crate::pseudonymise::PseudonymisedPatient;
use arrow_array::builder::{
    Date32Builder, Float64Builder, StringBuilder, StringDictionaryBuilder, UInt64Builder,
};
use arrow_array::types::Int32Type;
use arrow_array::{Array, ArrayRef, DictionaryArray, Int32Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use chrono::{Datelike, NaiveDate};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::path::Path;
use std::sync::{Arc, LazyLock};

/// The SNOMED CT code system URI.
pub const SNOMED_CT: &str = "http://snomed.info/sct";
/// The dm+d code system URI (medicines).
pub const DMD: &str = "https://dmd.nhs.uk";

/// Rows per record batch (and so per Parquet row group page flush).
pub const BATCH_ROWS: usize = 8192;

fn field(name: &str, data_type: DataType, nullable: bool) -> Field {
    Field::new(name, data_type, nullable)
}

/// A text column of few distinct values, dictionary-encoded in Parquet and in memory.
fn coded() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
}

/// A builder for a [`coded`] column.
type CodedBuilder = StringDictionaryBuilder<Int32Type>;

/// A text column as read: plain or dictionary-encoded.
pub enum Text<'a> {
    /// One string per row.
    Plain(&'a StringArray),
    /// Keys into a dictionary of values.
    Dictionary {
        /// Each row's key.
        keys: &'a Int32Array,
        /// The values.
        values: &'a StringArray,
    },
}

impl<'a> Text<'a> {
    /// The column, which must be Utf8 or a dictionary of Utf8.
    pub fn of(array: &'a ArrayRef) -> Text<'a> {
        if let Some(plain) = array.as_any().downcast_ref::<StringArray>() {
            return Text::Plain(plain);
        }
        let dictionary = array
            .as_any()
            .downcast_ref::<DictionaryArray<Int32Type>>()
            .expect("a text column");
        Text::Dictionary {
            keys: dictionary.keys(),
            values: dictionary
                .values()
                .as_any()
                .downcast_ref::<StringArray>()
                .expect("a dictionary of text"),
        }
    }

    /// Whether row `i` has a value.
    pub fn is_valid(&self, i: usize) -> bool {
        match self {
            Text::Plain(a) => a.is_valid(i),
            Text::Dictionary { keys, .. } => keys.is_valid(i),
        }
    }

    /// Row `i`'s value (empty if none).
    pub fn value(&self, i: usize) -> &'a str {
        match self {
            Text::Plain(a) => a.value(i),
            Text::Dictionary { keys, values } => values.value(keys.value(i) as usize),
        }
    }

    /// Row `i`'s key into [`Text::dictionary`], for a dictionary column.
    pub fn key(&self, i: usize) -> Option<usize> {
        match self {
            Text::Plain(_) => None,
            Text::Dictionary { keys, .. } => keys.is_valid(i).then(|| keys.value(i) as usize),
        }
    }

    /// The dictionary's values, for a dictionary column.
    pub fn dictionary(&self) -> Option<&'a StringArray> {
        match self {
            Text::Plain(_) => None,
            Text::Dictionary { values, .. } => Some(values),
        }
    }
}

/// The `patients` table: one row per patient record a source sent.
pub static PATIENTS: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        field("pseudonym", DataType::Utf8, false),
        field("record_key", DataType::Utf8, false),
        field("source", coded(), false),
        field("sex", coded(), false),
        field("birth_month", DataType::Date32, true),
        field("lsoa", coded(), true),
        field("practice", coded(), true),
        field("deceased_month", DataType::Date32, true),
    ]))
});

/// The `events` table: one row per clinical event (encounter, condition, observation, procedure,
/// medication).
pub static EVENTS: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        field("pseudonym", DataType::Utf8, false),
        field("source", coded(), false),
        field("kind", coded(), false),
        field("id", DataType::Utf8, false),
        field("system", coded(), true),
        field("code", coded(), true),
        field("date", DataType::Date32, true),
        field("value", DataType::Float64, true),
        field("unit", coded(), true),
        field("class", coded(), true),
    ]))
});

/// The events table with where each row came from (input file index and line), as written to
/// staging before a batch is sorted and checked for duplicates.
pub static STAGED_EVENTS: LazyLock<SchemaRef> = LazyLock::new(|| {
    let mut fields: Vec<Field> = EVENTS.fields().iter().map(|f| f.as_ref().clone()).collect();
    fields.push(field("origin", DataType::UInt64, false));
    Arc::new(Schema::new(fields))
});

/// The name a kind of event has in the `kind` column.
pub fn kind_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Encounter => "encounter",
        EventKind::Condition => "condition",
        EventKind::Observation => "observation",
        EventKind::Procedure => "procedure",
        EventKind::Medication => "medication",
    }
}

/// The name a sex has in the `sex` column.
pub fn sex_name(sex: Sex) -> &'static str {
    match sex {
        Sex::Female => "female",
        Sex::Male => "male",
        Sex::Other => "other",
        Sex::Unknown => "unknown",
    }
}

const EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// Days since 1970-01-01 of a `YYYY-MM-DD` (or `YYYY-MM`, its first day) date.
pub fn epoch_days(date: &str) -> Option<i32> {
    let year = date.get(..4)?.parse().ok()?;
    let month = date.get(5..7)?.parse().ok()?;
    let day = match date.get(8..10) {
        Some(d) => d.parse().ok()?,
        None => 1,
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    Some(date.num_days_from_ce() - EPOCH_DAYS_FROM_CE)
}

/// The date `days` after 1970-01-01.
pub fn date_of(days: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(days + EPOCH_DAYS_FROM_CE).unwrap_or_default()
}

/// The code Concord keeps for an event: SNOMED CT if it has one, then dm+d, then the first.
pub fn chosen_code(codes: &[(String, String)]) -> Option<&(String, String)> {
    codes
        .iter()
        .find(|(s, _)| s == SNOMED_CT)
        .or_else(|| codes.iter().find(|(s, _)| s == DMD))
        .or_else(|| codes.first())
}

/// Rows of the patients table being gathered.
pub struct PatientRows {
    pseudonym: StringBuilder,
    record_key: StringBuilder,
    source: CodedBuilder,
    sex: CodedBuilder,
    birth_month: Date32Builder,
    lsoa: CodedBuilder,
    practice: CodedBuilder,
    deceased_month: Date32Builder,
    len: usize,
}

impl Default for PatientRows {
    fn default() -> Self {
        PatientRows {
            pseudonym: StringBuilder::new(),
            record_key: StringBuilder::new(),
            source: CodedBuilder::new(),
            sex: CodedBuilder::new(),
            birth_month: Date32Builder::new(),
            lsoa: CodedBuilder::new(),
            practice: CodedBuilder::new(),
            deceased_month: Date32Builder::new(),
            len: 0,
        }
    }
}

impl PatientRows {
    /// Adds a patient's row.
    pub fn push(&mut self, patient: &PseudonymisedPatient, record_key: &str, source: &str) {
        self.pseudonym.append_value(&patient.pseudonym);
        self.record_key.append_value(record_key);
        self.source.append_value(source);
        self.sex.append_value(sex_name(patient.sex));
        self.birth_month
            .append_option(patient.birth_month.as_deref().and_then(epoch_days));
        self.lsoa.append_option(patient.lsoa.as_deref());
        self.practice.append_option(patient.practice.as_deref());
        self.deceased_month
            .append_option(patient.deceased_month.as_deref().and_then(epoch_days));
        self.len += 1;
    }

    /// How many rows are gathered.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The gathered rows as a record batch, leaving the buffer empty.
    pub fn finish(&mut self) -> RecordBatch {
        self.len = 0;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.pseudonym.finish()),
            Arc::new(self.record_key.finish()),
            Arc::new(self.source.finish()),
            Arc::new(self.sex.finish()),
            Arc::new(self.birth_month.finish()),
            Arc::new(self.lsoa.finish()),
            Arc::new(self.practice.finish()),
            Arc::new(self.deceased_month.finish()),
        ];
        RecordBatch::try_new(PATIENTS.clone(), columns).expect("columns match the schema")
    }
}

/// Rows of the events table being gathered, with each row's origin (file and line).
pub struct EventRows {
    pseudonym: StringBuilder,
    source: CodedBuilder,
    kind: CodedBuilder,
    id: StringBuilder,
    system: CodedBuilder,
    code: CodedBuilder,
    date: Date32Builder,
    value: Float64Builder,
    unit: CodedBuilder,
    class: CodedBuilder,
    origin: UInt64Builder,
    len: usize,
}

impl Default for EventRows {
    fn default() -> Self {
        EventRows {
            pseudonym: StringBuilder::new(),
            source: CodedBuilder::new(),
            kind: CodedBuilder::new(),
            id: StringBuilder::new(),
            system: CodedBuilder::new(),
            code: CodedBuilder::new(),
            date: Date32Builder::new(),
            value: Float64Builder::new(),
            unit: CodedBuilder::new(),
            class: CodedBuilder::new(),
            origin: UInt64Builder::new(),
            len: 0,
        }
    }
}

/// A row's origin packed in one number: the input file's index in the high 24 bits, the line in
/// the low 40.
pub fn origin(file: usize, line: u64) -> u64 {
    ((file as u64) << 40) | (line & ((1 << 40) - 1))
}

/// The (file index, line) of a packed origin.
pub fn unpack_origin(origin: u64) -> (usize, u64) {
    ((origin >> 40) as usize, origin & ((1 << 40) - 1))
}

impl EventRows {
    /// Adds an event's row.
    pub fn push(&mut self, event: &Event, pseudonym: &str, source: &str, origin: u64) {
        let code = chosen_code(&event.codes);
        self.pseudonym.append_value(pseudonym);
        self.source.append_value(source);
        self.kind.append_value(kind_name(event.kind));
        self.id.append_value(&event.id);
        self.system.append_option(code.map(|c| c.0.as_str()));
        self.code.append_option(code.map(|c| c.1.as_str()));
        self.date
            .append_option(event.date.as_deref().and_then(epoch_days));
        self.value.append_option(event.value);
        self.unit.append_option(event.unit.as_deref());
        self.class.append_option(event.class.as_deref());
        self.origin.append_value(origin);
        self.len += 1;
    }

    /// How many rows are gathered.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The gathered rows as a staged record batch (with origins), leaving the buffer empty.
    pub fn finish(&mut self) -> RecordBatch {
        self.len = 0;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.pseudonym.finish()),
            Arc::new(self.source.finish()),
            Arc::new(self.kind.finish()),
            Arc::new(self.id.finish()),
            Arc::new(self.system.finish()),
            Arc::new(self.code.finish()),
            Arc::new(self.date.finish()),
            Arc::new(self.value.finish()),
            Arc::new(self.unit.finish()),
            Arc::new(self.class.finish()),
            Arc::new(self.origin.finish()),
        ];
        RecordBatch::try_new(STAGED_EVENTS.clone(), columns).expect("columns match the schema")
    }
}

/// Opens a Parquet file for writing with `schema`: Snappy-compressed (or uncompressed, for files
/// only staged), with statistics, readable by DuckDB, Polars, Spark and BI tools.
pub fn parquet_writer(
    path: &Path,
    schema: SchemaRef,
    staged: bool,
) -> parquet::errors::Result<ArrowWriter<File>> {
    let file = File::create(path)?;
    let compression = if staged {
        Compression::UNCOMPRESSED
    } else {
        Compression::SNAPPY
    };
    let properties = WriterProperties::builder()
        .set_compression(compression)
        .set_max_row_group_row_count(Some(256 * 1024))
        .set_created_by(format!("Concord {}", env!("CARGO_PKG_VERSION")))
        .build();
    ArrowWriter::try_new(file, schema, Some(properties))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_days_from_the_unix_epoch() {
        assert_eq!(epoch_days("1970-01-01"), Some(0));
        assert_eq!(epoch_days("2000-03-01"), Some(11_017));
        assert_eq!(epoch_days("1941-06"), epoch_days("1941-06-01"));
        assert_eq!(epoch_days("2026-02-30"), None);
        assert_eq!(date_of(11_017).to_string(), "2000-03-01");
    }

    #[test]
    fn snomed_is_preferred_then_dmd_then_the_first_code() {
        let codes = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(s, c)| (s.to_string(), c.to_string()))
                .collect()
        };
        let both = codes(&[("http://read", "X"), (SNOMED_CT, "1")]);
        assert_eq!(chosen_code(&both).unwrap().1, "1");
        let meds = codes(&[("rxnorm", "9"), (DMD, "2")]);
        assert_eq!(chosen_code(&meds).unwrap().1, "2");
        assert_eq!(chosen_code(&codes(&[("a", "b")])).unwrap().1, "b");
        assert!(chosen_code(&[]).is_none());
    }

    #[test]
    fn origins_pack_a_file_and_a_line() {
        assert_eq!(unpack_origin(origin(3, 1_234_567)), (3, 1_234_567));
    }
}
