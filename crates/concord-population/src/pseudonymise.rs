//! Pseudonymisation at the door: a patient as read from a partner's records becomes a
//! [`PseudonymisedPatient`] before anything is stored. The NHS number becomes its keyed pseudonym;
//! the postcode becomes its Lower Layer Super Output Area (LSOA, about 1,500 residents) and is
//! dropped; the date of birth is kept to the month and the date of death to the month.

use crate::fhir::{Patient, Sex};
use crate::pseudonym::{Pseudonym, PseudonymKey};
use std::collections::HashMap;
use std::io::Read;

/// A patient as the analytical store keeps them: no direct identifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PseudonymisedPatient {
    /// The keyed pseudonym of their NHS number: the link across partners' records.
    pub pseudonym: Pseudonym,
    /// Administrative sex.
    pub sex: Sex,
    /// Year and month of birth.
    pub birth_month: Option<String>,
    /// The LSOA of their address, where the postcode is known to the lookup.
    pub lsoa: Option<String>,
    /// Their registered practice's ODS code.
    pub practice: Option<String>,
    /// Year and month of death, if recorded.
    pub deceased_month: Option<String>,
}

/// Why a postcode lookup could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("postcode lookup, line {line}: {message}")]
pub struct LookupError {
    /// The line (1 is the header).
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

/// Postcodes to LSOAs, as in the ONS Postcode Directory (columns `postcode` and `lsoa`; the
/// directory's own `pcds` and `lsoa21cd` names are accepted too).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LsoaLookup(HashMap<String, String>);

/// A postcode compared without spaces and in capitals: `rv1 2ab` and `RV12AB` are the same.
fn normalise(postcode: &str) -> String {
    postcode
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl LsoaLookup {
    /// Reads a lookup CSV.
    pub fn from_csv(input: impl Read) -> Result<LsoaLookup, LookupError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(input);
        let header = reader.headers().map_err(|e| LookupError {
            line: 1,
            message: format!("not valid CSV: {e}"),
        })?;
        let find = |names: [&str; 2]| {
            header.iter().position(|h| {
                let h = h.trim_start_matches('\u{feff}').to_ascii_lowercase();
                names.contains(&h.as_str())
            })
        };
        let (Some(postcode), Some(lsoa)) = (find(["postcode", "pcds"]), find(["lsoa", "lsoa21cd"]))
        else {
            return Err(LookupError {
                line: 1,
                message: "the header needs the columns postcode and lsoa".into(),
            });
        };
        let mut map = HashMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| LookupError {
                line: e.position().map_or(0, |p| p.line()),
                message: format!("not valid CSV: {e}"),
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let (Some(p), Some(l)) = (record.get(postcode), record.get(lsoa)) else {
                return Err(LookupError {
                    line,
                    message: "a column is missing".into(),
                });
            };
            if p.is_empty() || l.is_empty() {
                return Err(LookupError {
                    line,
                    message: "the postcode or the LSOA is blank".into(),
                });
            }
            map.insert(normalise(p), l.to_string());
        }
        Ok(LsoaLookup(map))
    }

    /// The LSOA of a postcode, if known.
    pub fn lsoa(&self, postcode: &str) -> Option<&str> {
        self.0.get(&normalise(postcode)).map(String::as_str)
    }

    /// How many postcodes it knows.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when it knows none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The patient as the analytical store may keep them.
pub fn pseudonymise(
    patient: &Patient,
    key: &PseudonymKey,
    lookup: &LsoaLookup,
) -> PseudonymisedPatient {
    PseudonymisedPatient {
        pseudonym: key.pseudonym(&patient.nhs_number),
        sex: patient.sex,
        birth_month: patient.birth_month.clone(),
        lsoa: patient
            .postcode
            .as_deref()
            .and_then(|p| lookup.lsoa(p))
            .map(str::to_string),
        practice: patient.practice.clone(),
        deceased_month: patient.deceased_on.as_ref().map(|d| d[..7].to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir::{parse_resource, Resource};

    fn patient(postcode: &str) -> Patient {
        let line = format!(
            r#"{{"resourceType":"Patient","id":"p1","identifier":[{{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}}],"gender":"male","birthDate":"1938-02-11","deceasedDateTime":"2026-05-30T08:00:00Z","address":[{{"postalCode":"{postcode}"}}]}}"#
        );
        match parse_resource(&line).unwrap() {
            Resource::Patient(p) => p,
            Resource::Event(_) => panic!("a patient"),
        }
    }

    #[test]
    fn the_postcode_becomes_its_lsoa_and_the_nhs_number_its_pseudonym() {
        let lookup = LsoaLookup::from_csv(
            "pcds,lsoa21cd\nRV1 2AB,E01000001\nRV1 3CD,E01000002\n".as_bytes(),
        )
        .unwrap();
        let key = PseudonymKey::from_hex(&"11".repeat(32)).unwrap();
        let p = pseudonymise(&patient("rv12ab"), &key, &lookup);
        assert_eq!(p.lsoa.as_deref(), Some("E01000001"));
        assert_eq!(p.pseudonym, key.pseudonym(&patient("x").nhs_number));
        assert_eq!(p.birth_month.as_deref(), Some("1938-02"));
        assert_eq!(p.deceased_month.as_deref(), Some("2026-05"));
        let text = format!("{p:?}");
        assert!(
            !text.contains("9434765919") && !text.contains("RV1") && !text.contains("1938-02-11")
        );
        assert_eq!(pseudonymise(&patient("ZZ9 9ZZ"), &key, &lookup).lsoa, None);
    }

    #[test]
    fn a_bad_lookup_names_its_line() {
        let err = LsoaLookup::from_csv("postcode,lsoa\nRV1 2AB,\n".as_bytes()).unwrap_err();
        assert_eq!(err.line, 2);
        let err = LsoaLookup::from_csv("pc,area\n".as_bytes()).unwrap_err();
        assert!(err.message.contains("postcode and lsoa"));
    }
}
