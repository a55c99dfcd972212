//! CSV extracts, for partners whose systems export tables rather than FHIR: a patients file and an
//! events file, told apart by their header, read row by row in constant memory into the same
//! [`Resource`]s as FHIR lines. Headings are matched without regard to case or surrounding spaces;
//! columns not listed here (a name, an address) are never read.
//!
//! **Patients** (a header with `nhs_number` and no `kind`):
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `nhs_number` | yes | 10 digits, spaces allowed; Modulus 11 checked |
//! | `id` | no | the partner's own patient id, if events refer to it (`patient_id`) |
//! | `sex` | no | `female`, `male`, `other`, `unknown` (or `F`, `M`, `O`, `U`) |
//! | `birth_date` | no | `YYYY-MM-DD` or `YYYY-MM`; only the month is kept |
//! | `postcode` | no | mapped to its LSOA, then dropped |
//! | `practice` | no | ODS code of the registered GP practice |
//! | `date_of_death` | no | `YYYY-MM-DD`; only the month is kept |
//!
//! **Events** (a header with `kind`):
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `kind` | yes | `encounter`, `condition`, `observation`, `procedure` or `medication` |
//! | `id` | yes | the event's id in the partner's system |
//! | `patient_id` or `nhs_number` | one of them | whose event it is |
//! | `code` | yes, but for encounters | the code |
//! | `system` | no | the code system URI; SNOMED CT if absent |
//! | `date` | no | `YYYY-MM-DD` |
//! | `value`, `unit` | no | a numeric result and its unit |
//! | `class` | no | an encounter's class (`EMER`, `IMP`, `AMB`...) |

use crate::fhir::{Event, EventKind, Patient, Resource, ResourceError, Sex, Subject};
use crate::nhs_number::NhsNumber;
use crate::table::{epoch_days, SNOMED_CT};
use std::io::Read;

/// Which table a CSV file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvKind {
    /// Patients.
    Patients,
    /// Events.
    Events,
}

/// A row of a CSV extract as read: its line, and the resource or why it was refused.
pub type CsvRow = (u64, Result<Resource, ResourceError>);

/// Reads a CSV extract row by row.
pub struct CsvExtract<R: Read> {
    reader: csv::Reader<R>,
    kind: CsvKind,
    columns: Columns,
    record: csv::ByteRecord,
    done: bool,
}

#[derive(Default)]
struct Columns {
    nhs_number: Option<usize>,
    id: Option<usize>,
    sex: Option<usize>,
    birth_date: Option<usize>,
    postcode: Option<usize>,
    practice: Option<usize>,
    date_of_death: Option<usize>,
    kind: Option<usize>,
    patient_id: Option<usize>,
    code: Option<usize>,
    system: Option<usize>,
    date: Option<usize>,
    value: Option<usize>,
    unit: Option<usize>,
    class: Option<usize>,
}

fn refuse(field: &str, message: impl Into<String>) -> ResourceError {
    ResourceError {
        field: field.into(),
        message: message.into(),
    }
}

impl<R: Read> CsvExtract<R> {
    /// Reads the header and decides the table, or says why the file cannot be read.
    pub fn new(input: R) -> Result<CsvExtract<R>, ResourceError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            // Lines end at LF alone, so line numbers count the same in CRLF files; the CR left at
            // the end of the last cell is trimmed with the other whitespace.
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(input);
        let header = reader
            .byte_headers()
            .map_err(|e| refuse("header", format!("the header cannot be read ({e})")))?
            .clone();
        let mut columns = Columns::default();
        for (index, heading) in header.iter().enumerate() {
            let heading = String::from_utf8_lossy(heading)
                .trim_start_matches('\u{feff}')
                .trim()
                .to_ascii_lowercase();
            let slot = match heading.as_str() {
                "nhs_number" => &mut columns.nhs_number,
                "id" => &mut columns.id,
                "sex" => &mut columns.sex,
                "birth_date" => &mut columns.birth_date,
                "postcode" => &mut columns.postcode,
                "practice" => &mut columns.practice,
                "date_of_death" => &mut columns.date_of_death,
                "kind" => &mut columns.kind,
                "patient_id" => &mut columns.patient_id,
                "code" => &mut columns.code,
                "system" => &mut columns.system,
                "date" => &mut columns.date,
                "value" => &mut columns.value,
                "unit" => &mut columns.unit,
                "class" => &mut columns.class,
                _ => continue,
            };
            if slot.is_some() {
                return Err(refuse(&heading, "the column appears twice in the header"));
            }
            *slot = Some(index);
        }
        let kind = if columns.kind.is_some() {
            if columns.id.is_none() {
                return Err(refuse("id", "an events file needs an id column"));
            }
            if columns.patient_id.is_none() && columns.nhs_number.is_none() {
                return Err(refuse(
                    "patient_id",
                    "an events file needs a patient_id or an nhs_number column",
                ));
            }
            CsvKind::Events
        } else if columns.nhs_number.is_some() {
            CsvKind::Patients
        } else {
            return Err(refuse(
                "header",
                "neither a patients file (an nhs_number column) nor an events file (a kind column)",
            ));
        };
        Ok(CsvExtract {
            reader,
            kind,
            columns,
            record: csv::ByteRecord::new(),
            done: false,
        })
    }

    /// The line of the last row read (the header's, before any).
    pub fn line(&self) -> u64 {
        self.record.position().map_or(1, |p| p.line())
    }

    /// The table the file holds.
    pub fn kind(&self) -> CsvKind {
        self.kind
    }

    fn cell(&self, column: Option<usize>, name: &str) -> Result<Option<&str>, ResourceError> {
        let Some(bytes) = column.and_then(|i| self.record.get(i)) else {
            return Ok(None);
        };
        let text = std::str::from_utf8(bytes).map_err(|e| {
            refuse(
                name,
                format!("not UTF-8 (byte {} of the cell)", e.valid_up_to()),
            )
        })?;
        let text = text.trim();
        Ok((!text.is_empty()).then_some(text))
    }

    fn required(&self, column: Option<usize>, name: &str) -> Result<&str, ResourceError> {
        self.cell(column, name)?
            .ok_or_else(|| refuse(name, "required, but empty"))
    }

    fn date(&self, column: Option<usize>, name: &str) -> Result<Option<String>, ResourceError> {
        match self.cell(column, name)? {
            None => Ok(None),
            Some(text) if (text.len() == 10 || text.len() == 7) && epoch_days(text).is_some() => {
                Ok(Some(text.to_string()))
            }
            Some(_) => Err(refuse(name, "not a date (YYYY-MM-DD)")),
        }
    }

    fn patient(&self) -> Result<Resource, ResourceError> {
        let number = NhsNumber::parse(self.required(self.columns.nhs_number, "nhs_number")?)
            .map_err(|e| refuse("nhs_number", crate::fhir::nhs_number_fault(&e)))?;
        let id = match self.cell(self.columns.id, "id")? {
            Some(id) => id.to_string(),
            None => format!("nhs-number/{}", number.digits()),
        };
        let sex = match self
            .cell(self.columns.sex, "sex")?
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("female" | "f") => Sex::Female,
            Some("male" | "m") => Sex::Male,
            Some("other" | "o") => Sex::Other,
            Some("unknown" | "u") | None => Sex::Unknown,
            Some(_) => return Err(refuse("sex", "not female, male, other or unknown")),
        };
        let birth_month = self
            .date(self.columns.birth_date, "birth_date")?
            .map(|d| d[..7].to_string());
        Ok(Resource::Patient(Patient {
            id,
            nhs_number: number,
            sex,
            birth_month,
            postcode: self
                .cell(self.columns.postcode, "postcode")?
                .map(str::to_string),
            practice: self
                .cell(self.columns.practice, "practice")?
                .map(str::to_string),
            deceased_on: self.date(self.columns.date_of_death, "date_of_death")?,
        }))
    }

    fn event(&self) -> Result<Resource, ResourceError> {
        let kind = match self
            .required(self.columns.kind, "kind")?
            .to_ascii_lowercase()
            .as_str()
        {
            "encounter" => EventKind::Encounter,
            "condition" => EventKind::Condition,
            "observation" => EventKind::Observation,
            "procedure" => EventKind::Procedure,
            "medication" => EventKind::Medication,
            _ => {
                return Err(refuse(
                    "kind",
                    "not encounter, condition, observation, procedure or medication",
                ))
            }
        };
        let id = self.required(self.columns.id, "id")?;
        if id.len() > 64 {
            return Err(refuse("id", "longer than 64 characters"));
        }
        let subject = match self.cell(self.columns.patient_id, "patient_id")? {
            Some(p) => Subject::Reference(p.to_string()),
            None => match self.cell(self.columns.nhs_number, "nhs_number")? {
                Some(n) => Subject::NhsNumber(
                    NhsNumber::parse(n)
                        .map_err(|e| refuse("nhs_number", crate::fhir::nhs_number_fault(&e)))?,
                ),
                None => return Err(refuse("patient_id", "the row names no patient")),
            },
        };
        let code = self.cell(self.columns.code, "code")?;
        if code.is_none() && kind != EventKind::Encounter {
            return Err(refuse("code", "required, but empty"));
        }
        let system = self
            .cell(self.columns.system, "system")?
            .unwrap_or(SNOMED_CT);
        let value = match self.cell(self.columns.value, "value")? {
            None => None,
            Some(v) => Some(
                v.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| refuse("value", "not a number"))?,
            ),
        };
        Ok(Resource::Event(Event {
            kind,
            id: id.to_string(),
            subject,
            codes: code
                .map(|c| vec![(system.to_string(), c.to_string())])
                .unwrap_or_default(),
            date: self.date(self.columns.date, "date")?,
            value,
            unit: self.cell(self.columns.unit, "unit")?.map(str::to_string),
            class: self.cell(self.columns.class, "class")?.map(str::to_string),
        }))
    }
}

impl<R: Read> Iterator for CsvExtract<R> {
    type Item = CsvRow;

    fn next(&mut self) -> Option<CsvRow> {
        if self.done {
            return None;
        }
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line());
                let row = match self.kind {
                    CsvKind::Patients => self.patient(),
                    CsvKind::Events => self.event(),
                };
                Some((line, row))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    // An I/O error will not clear: report it and stop.
                    self.done = true;
                    return Some((line, Err(refuse("line", "the file cannot be read further"))));
                }
                Some((line, Err(refuse("line", "not a CSV row"))))
            }
        }
    }
}
