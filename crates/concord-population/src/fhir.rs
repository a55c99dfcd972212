//! FHIR R4 resources as Concord reads them from bulk-data NDJSON: Patient, Encounter, Condition,
//! Observation, Procedure and MedicationRequest, each reduced at once to what the population picture
//! needs. Names, addresses beyond the postcode, telecoms and the rest are never read: serde skips
//! them, so they go no further than the line they came on.
//!
//! A Patient must carry a valid NHS number (UK Core identifier system
//! `https://fhir.nhs.uk/Id/nhs-number`); one without, or with an invalid one, is refused and is
//! never matched on demographics instead. Other resources name their patient by reference
//! (`Patient/{id}`), linked during ingest to that patient's pseudonym.

use crate::nhs_number::{NhsNumber, NhsNumberError};
use serde::Deserialize;
use std::borrow::Cow;

/// The UK Core identifier system of the NHS number.
pub const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";
/// The identifier system of ODS organisation codes (for a patient's registered practice).
pub const ODS_SYSTEM: &str = "https://fhir.nhs.uk/Id/ods-organization-code";

/// Why a resource was refused: the field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ResourceError {
    /// The field (`resourceType`, `identifier`, `subject.reference`...), or `line` for the whole.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

fn refuse(field: &str, message: impl Into<String>) -> ResourceError {
    ResourceError {
        field: field.into(),
        message: message.into(),
    }
}

/// Administrative sex as FHIR records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// `female`.
    Female,
    /// `male`.
    Male,
    /// `other`.
    Other,
    /// `unknown` or absent.
    Unknown,
}

/// A patient, before pseudonymisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    /// The resource id, for linking the patient's other resources.
    pub id: String,
    /// The validated NHS number.
    pub nhs_number: NhsNumber,
    /// Administrative sex.
    pub sex: Sex,
    /// Year and month of birth, `YYYY-MM` (the day is never kept).
    pub birth_month: Option<String>,
    /// The postcode of the first address, for mapping to its LSOA (the postcode itself is not kept).
    pub postcode: Option<String>,
    /// The ODS code of the registered GP practice.
    pub practice: Option<String>,
    /// The date of death, if recorded.
    pub deceased_on: Option<String>,
}

/// What kind of clinical event a resource records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// An Encounter.
    Encounter,
    /// A Condition.
    Condition,
    /// An Observation.
    Observation,
    /// A Procedure.
    Procedure,
    /// A MedicationRequest.
    Medication,
}

/// A clinical event for a patient.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Which resource type it came from.
    pub kind: EventKind,
    /// The resource id.
    pub id: String,
    /// Whose event it is.
    pub subject: Subject,
    /// Its codes as (system, code): SNOMED CT, dm+d...
    pub codes: Vec<(String, String)>,
    /// When, `YYYY-MM-DD` (the date part of the relevant dateTime).
    pub date: Option<String>,
    /// A numeric value (Observation.valueQuantity).
    pub value: Option<f64>,
    /// Its unit.
    pub unit: Option<String>,
    /// Encounter class (`EMER`, `IMP`, `AMB`...).
    pub class: Option<String>,
}

/// How an event names its patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// By the patient's resource id in the same source (`subject.reference` `Patient/{id}`).
    Reference(String),
    /// By NHS number (`subject.identifier` in the UK Core NHS number system, or a CSV column).
    NhsNumber(NhsNumber),
}

/// A resource as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Resource {
    /// A Patient.
    Patient(Patient),
    /// Any of the event resources.
    Event(Event),
}

/// A JSON string as read: borrowed from the line unless it holds escapes. (serde's own `Cow`
/// always copies inside an `Option`, and a plain `&str` cannot hold an escaped string.)
#[derive(Debug, Default)]
struct JsonText<'a>(Cow<'a, str>);

impl std::ops::Deref for JsonText<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for JsonText<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = JsonText<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(JsonText(Cow::Borrowed(text)))
            }

            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(JsonText(Cow::Owned(text.to_string())))
            }

            fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
                Ok(JsonText(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// An optional JSON string field.
type Str<'a> = Option<JsonText<'a>>;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Coding<'a> {
    #[serde(borrow)]
    system: Str<'a>,
    #[serde(borrow)]
    code: Str<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CodeableConcept<'a> {
    #[serde(borrow)]
    coding: Vec<Coding<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Identifier<'a> {
    #[serde(borrow)]
    system: Str<'a>,
    #[serde(borrow)]
    value: Str<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Reference<'a> {
    #[serde(borrow)]
    reference: Str<'a>,
    #[serde(borrow)]
    identifier: Option<Identifier<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Address<'a> {
    #[serde(rename = "postalCode", borrow)]
    postal_code: Str<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Quantity<'a> {
    value: Option<f64>,
    #[serde(borrow)]
    unit: Str<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Period<'a> {
    #[serde(borrow)]
    start: Str<'a>,
}

/// The fields Concord reads, across the resource types it takes, borrowed from the line where
/// they can be (a string with escapes is copied).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Raw<'a> {
    #[serde(borrow)]
    resource_type: Str<'a>,
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(borrow)]
    identifier: Vec<Identifier<'a>>,
    #[serde(borrow)]
    gender: Str<'a>,
    #[serde(borrow)]
    birth_date: Str<'a>,
    #[serde(borrow)]
    address: Vec<Address<'a>>,
    #[serde(borrow)]
    general_practitioner: Vec<Reference<'a>>,
    #[serde(borrow)]
    deceased_date_time: Str<'a>,
    #[serde(borrow)]
    subject: Option<Reference<'a>>,
    #[serde(borrow)]
    code: Option<CodeableConcept<'a>>,
    #[serde(borrow)]
    medication_codeable_concept: Option<CodeableConcept<'a>>,
    #[serde(borrow)]
    class: Option<Coding<'a>>,
    #[serde(rename = "type", borrow)]
    encounter_type: Vec<CodeableConcept<'a>>,
    #[serde(borrow)]
    period: Option<Period<'a>>,
    #[serde(borrow)]
    onset_date_time: Str<'a>,
    #[serde(borrow)]
    recorded_date: Str<'a>,
    #[serde(borrow)]
    effective_date_time: Str<'a>,
    #[serde(borrow)]
    performed_date_time: Str<'a>,
    #[serde(borrow)]
    authored_on: Str<'a>,
    #[serde(borrow)]
    value_quantity: Option<Quantity<'a>>,
}

/// The date part (`YYYY-MM-DD`) of a FHIR date or dateTime, if it has one.
fn date_part(text: &str) -> Option<String> {
    let date = text.get(..10)?;
    chrono_like_date(date).then(|| date.to_string())
}

fn chrono_like_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&d[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&d[8..10].parse::<u8>().unwrap_or(0))
}

/// The resource types Concord reads.
const READ_TYPES: [&str; 6] = [
    "Patient",
    "Encounter",
    "Condition",
    "Observation",
    "Procedure",
    "MedicationRequest",
];

fn unsupported() -> ResourceError {
    refuse(
        "resourceType",
        format!(
            "not a resource type Concord reads ({})",
            READ_TYPES.join(", ")
        ),
    )
}

/// Why a line is not a resource Concord can read, naming the field (found by reading the line
/// again with its path tracked, so the fast path pays nothing) but never echoing a value, which may
/// be identifying.
fn json_error(line: &str, first: &serde_json::Error) -> ResourceError {
    if first.is_syntax() || first.is_eof() {
        let reason = if first.to_string().contains("recursion limit") {
            "nested too deeply"
        } else if first.is_eof() {
            "cut off before its end"
        } else {
            "not valid JSON"
        };
        return refuse("line", format!("{reason} (column {})", first.column()));
    }
    if !line.trim_start().starts_with('{') {
        return refuse("line", "not a JSON object");
    }
    // A resource type Concord does not read may use a field name differently: say so, not that.
    #[derive(Deserialize)]
    struct TypeOnly {
        #[serde(rename = "resourceType")]
        resource_type: Option<String>,
    }
    if let Ok(TypeOnly {
        resource_type: Some(kind),
    }) = serde_json::from_str(line)
    {
        if !READ_TYPES.contains(&kind.as_str()) {
            return unsupported();
        }
    }
    let mut reader = serde_json::Deserializer::from_str(line);
    let field = match serde_path_to_error::deserialize::<_, Raw>(&mut reader) {
        Err(e) if e.path().iter().next().is_some() => e.path().to_string(),
        _ => "line".to_string(),
    };
    refuse(
        &field,
        format!(
            "not of the JSON type FHIR gives it (column {})",
            first.column()
        ),
    )
}

/// The field an event's date comes from, for naming it in a refusal.
fn date_field(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Encounter => "period.start",
        EventKind::Condition => "onsetDateTime",
        EventKind::Observation => "effectiveDateTime",
        EventKind::Procedure => "performedDateTime",
        EventKind::Medication => "authoredOn",
    }
}

/// An NHS number's fault in words, without the number itself.
pub fn nhs_number_fault(error: &NhsNumberError) -> &'static str {
    match error {
        NhsNumberError::NotTenDigits(_) => "the NHS number does not have 10 digits",
        NhsNumberError::CheckDigit(_) => "the NHS number fails its check digit (Modulus 11)",
        NhsNumberError::CheckValueTen(_) => {
            "the NHS number cannot be valid: its check value would be 10"
        }
    }
}

/// The patient an event names, by reference or by NHS number.
fn subject(reference: Option<&Reference>) -> Result<Subject, ResourceError> {
    let reference = reference.ok_or_else(|| refuse("subject", "the resource names no patient"))?;
    if let Some(text) = reference.reference.as_deref() {
        return text
            .strip_prefix("Patient/")
            .filter(|p| !p.is_empty() && p.len() <= 64 && !p.contains('/'))
            .map(|p| Subject::Reference(p.to_string()))
            .ok_or_else(|| {
                refuse(
                    "subject.reference",
                    "not a reference to a Patient (Patient/{id})",
                )
            });
    }
    match &reference.identifier {
        Some(Identifier {
            system: Some(system),
            value: Some(value),
        }) if &**system == NHS_NUMBER_SYSTEM => NhsNumber::parse(value)
            .map(Subject::NhsNumber)
            .map_err(|e| refuse("subject.identifier", nhs_number_fault(&e))),
        _ => Err(refuse(
            "subject.reference",
            "the resource names no patient (a Patient reference or an NHS number)",
        )),
    }
}

/// Reads one resource from a line of NDJSON.
pub fn parse_resource(line: &str) -> Result<Resource, ResourceError> {
    let raw: Raw = serde_json::from_str(line).map_err(|e| json_error(line, &e))?;
    let kind = raw.resource_type.as_deref().unwrap_or_default();
    let id = match raw.id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() && id.len() <= 64 => id.to_string(),
        Some(id) if !id.is_empty() => return Err(refuse("id", "longer than FHIR's 64 characters")),
        _ => return Err(refuse("id", "the resource has no id")),
    };
    let event = |kind: EventKind, date: Option<&str>, codes: Option<&CodeableConcept>| {
        let subject = subject(raw.subject.as_ref())?;
        let codes: Vec<(String, String)> = codes
            .map(|c| {
                c.coding
                    .iter()
                    .filter_map(|c| {
                        Some((
                            c.system.as_deref().unwrap_or_default().to_string(),
                            c.code.as_deref()?.to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if kind != EventKind::Encounter && codes.is_empty() {
            return Err(refuse("code", "the resource has no coded value"));
        }
        let date = match date {
            Some(text) => Some(
                date_part(text)
                    .ok_or_else(|| refuse(date_field(kind), "not a FHIR date (YYYY-MM-DD...)"))?,
            ),
            None => None,
        };
        Ok(Resource::Event(Event {
            kind,
            id: id.clone(),
            subject,
            codes,
            date,
            value: raw.value_quantity.as_ref().and_then(|q| q.value),
            unit: raw
                .value_quantity
                .as_ref()
                .and_then(|q| q.unit.as_deref().map(String::from)),
            class: raw
                .class
                .as_ref()
                .and_then(|c| c.code.as_deref().map(String::from)),
        }))
    };
    match kind {
        "Patient" => patient(&raw, id).map(Resource::Patient),
        "Encounter" => event(
            EventKind::Encounter,
            raw.period.as_ref().and_then(|p| p.start.as_deref()),
            raw.encounter_type.first(),
        ),
        "Condition" => event(
            EventKind::Condition,
            raw.onset_date_time
                .as_deref()
                .or(raw.recorded_date.as_deref()),
            raw.code.as_ref(),
        ),
        "Observation" => event(
            EventKind::Observation,
            raw.effective_date_time.as_deref(),
            raw.code.as_ref(),
        ),
        "Procedure" => event(
            EventKind::Procedure,
            raw.performed_date_time.as_deref(),
            raw.code.as_ref(),
        ),
        "MedicationRequest" => event(
            EventKind::Medication,
            raw.authored_on.as_deref(),
            raw.medication_codeable_concept.as_ref(),
        ),
        "" => Err(refuse("resourceType", "the line has no resourceType")),
        _ => Err(unsupported()),
    }
}

fn patient(raw: &Raw, id: String) -> Result<Patient, ResourceError> {
    let numbers: Vec<&str> = raw
        .identifier
        .iter()
        .filter(|i| i.system.as_deref() == Some(NHS_NUMBER_SYSTEM))
        .filter_map(|i| i.value.as_deref())
        .collect();
    let nhs_number = match numbers.as_slice() {
        [] => {
            return Err(refuse(
                "identifier",
                format!("no NHS number (an identifier with system {NHS_NUMBER_SYSTEM}); patients are never matched on demographics"),
            ))
        }
        [one] => NhsNumber::parse(one).map_err(|e| refuse("identifier", nhs_number_fault(&e)))?,
        _ => return Err(refuse("identifier", "more than one NHS number")),
    };
    let sex = match raw.gender.as_deref() {
        Some("female") => Sex::Female,
        Some("male") => Sex::Male,
        Some("other") => Sex::Other,
        Some("unknown") | None => Sex::Unknown,
        Some(_) => {
            return Err(refuse(
                "gender",
                "not a FHIR gender (female, male, other or unknown)",
            ))
        }
    };
    let birth_month = match raw.birth_date.as_deref() {
        None => None,
        Some(d) if d.len() >= 7 && date_part(&format!("{}-01", &d[..7])).is_some() => {
            Some(d[..7].to_string())
        }
        Some(_) => return Err(refuse("birthDate", "not a FHIR date (YYYY-MM-DD)")),
    };
    let practice = raw
        .general_practitioner
        .iter()
        .filter_map(|r| r.identifier.as_ref())
        .find(|i| i.system.as_deref() == Some(ODS_SYSTEM))
        .and_then(|i| i.value.as_deref().map(String::from));
    Ok(Patient {
        id,
        nhs_number,
        sex,
        birth_month,
        postcode: raw
            .address
            .first()
            .and_then(|a| a.postal_code.as_deref().map(String::from)),
        practice,
        deceased_on: raw.deceased_date_time.as_deref().and_then(date_part),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATIENT: &str = r#"{"resourceType":"Patient","id":"p1","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],"name":[{"family":"Smith","given":["Jane"]}],"gender":"female","birthDate":"1941-06-17","address":[{"line":["1 High St"],"postalCode":"RV1 2AB"}],"generalPractitioner":[{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"R81001"}}]}"#;

    #[test]
    fn escaped_strings_are_read_like_plain_ones() {
        let line = r#"{"resourceType":"Condition","id":"c\u0031","subject":{"reference":"Patient\/p1"},"code":{"coding":[{"system":"http://snomed.info/sct","code":"1234\u0035"}]},"onsetDateTime":"2020-01-01"}"#;
        let Resource::Event(e) = parse_resource(line).unwrap() else {
            panic!("an event")
        };
        assert_eq!(e.id, "c1");
        assert_eq!(e.subject, Subject::Reference("p1".into()));
        assert_eq!(
            e.codes,
            vec![(crate::table::SNOMED_CT.to_string(), "12345".to_string())]
        );
    }

    #[test]
    fn a_patient_is_reduced_to_what_the_population_picture_needs() {
        let Resource::Patient(p) = parse_resource(PATIENT).unwrap() else {
            panic!("a patient")
        };
        assert_eq!(p.id, "p1");
        assert_eq!(p.nhs_number.digits(), "9434765919");
        assert_eq!(p.sex, Sex::Female);
        assert_eq!(
            p.birth_month.as_deref(),
            Some("1941-06"),
            "the day is never kept"
        );
        assert_eq!(p.postcode.as_deref(), Some("RV1 2AB"));
        assert_eq!(p.practice.as_deref(), Some("R81001"));
        assert!(
            !format!("{p:?}").contains("Smith"),
            "the name is never read"
        );
    }

    #[test]
    fn a_patient_without_a_valid_nhs_number_is_refused() {
        let none = PATIENT.replace("https://fhir.nhs.uk/Id/nhs-number", "urn:local");
        let err = parse_resource(&none).unwrap_err();
        assert_eq!(err.field, "identifier");
        assert!(err.message.contains("never matched on demographics"));
        let bad = PATIENT.replace("9434765919", "9434765918");
        assert!(parse_resource(&bad)
            .unwrap_err()
            .message
            .contains("check digit"));
    }

    #[test]
    fn events_name_their_patient_and_carry_codes_dates_and_values() {
        let obs = r#"{"resourceType":"Observation","id":"o1","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://snomed.info/sct","code":"60621009"}]},"effectiveDateTime":"2026-03-04T10:00:00Z","valueQuantity":{"value":27.5,"unit":"kg/m2"}}"#;
        let Resource::Event(e) = parse_resource(obs).unwrap() else {
            panic!("an event")
        };
        assert_eq!(
            (e.kind, &e.subject),
            (EventKind::Observation, &Subject::Reference("p1".into()))
        );
        assert_eq!(
            e.codes,
            vec![("http://snomed.info/sct".into(), "60621009".into())]
        );
        assert_eq!(e.date.as_deref(), Some("2026-03-04"));
        assert_eq!((e.value, e.unit.as_deref()), (Some(27.5), Some("kg/m2")));
        let enc = r#"{"resourceType":"Encounter","id":"e1","status":"finished","class":{"code":"IMP"},"type":[{"coding":[{"system":"http://snomed.info/sct","code":"183452005"}]}],"subject":{"reference":"Patient/p1"},"period":{"start":"2026-01-02"}}"#;
        let Resource::Event(e) = parse_resource(enc).unwrap() else {
            panic!("an event")
        };
        assert_eq!(e.class.as_deref(), Some("IMP"));
        assert_eq!(
            e.codes[0].1, "183452005",
            "the encounter's type is its code"
        );
    }

    #[test]
    fn malformed_lines_are_refused_with_their_field_and_never_panic() {
        let cases = [
            (r#"{"resourceType":"Patient","id":"p1""#, "line"),
            (r#"{"resourceType":"Flag","id":"f1"}"#, "resourceType"),
            (r#"{"id":"x"}"#, "resourceType"),
            (r#"{"resourceType":"Condition"}"#, "id"),
            (
                r#"{"resourceType":"Condition","id":"c1","subject":{"reference":"Group/g"},"code":{"coding":[{"code":"1"}]}}"#,
                "subject.reference",
            ),
            (
                r#"{"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p"}}"#,
                "code",
            ),
            (
                r#"{"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p"},"code":{"coding":[{"code":"1"}]},"onsetDateTime":"yesterday"}"#,
                "onsetDateTime",
            ),
            (
                r#"{"resourceType":"Patient","id":"p","gender":"f"}"#,
                "identifier",
            ),
            (r#"[1,2,3]"#, "line"),
            (r#"{"resourceType":7,"id":"x"}"#, "resourceType"),
            (
                r#"{"resourceType":"Patient","id":"p","birthDate":19380211}"#,
                "birthDate",
            ),
            (
                r#"{"resourceType":"Condition","id":"c1","subject":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765918"}},"code":{"coding":[{"code":"1"}]}}"#,
                "subject.identifier",
            ),
        ];
        for (line, field) in cases {
            let err = parse_resource(line).unwrap_err();
            assert_eq!(err.field, field, "{line}: {err}");
            for value in ["19380211", "9434765918", "yesterday"] {
                assert!(!err.message.contains(value), "{err} echoes a value");
            }
        }
        // 10,000 levels of nesting: refused by the JSON reader's depth limit, not a stack overflow.
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(parse_resource(&deep).unwrap_err().field, "line");
        let deep_inside = format!(
            r#"{{"resourceType":"Patient","id":"p","extension":{}{}}}"#,
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert!(
            parse_resource(&deep_inside).is_err(),
            "refused, whether for depth or for the missing NHS number"
        );
    }
}
