//! What the cohort language knows of every person without being told: age on the index date, eFI
//! deficits, medicines in the last 12 months, emergency admissions in the last 12 months, and a
//! Bridges to Health segment; and the reference data that places practices in PCNs and places and
//! LSOAs in deprivation deciles.
//!
//! The segment rules are in `data/codelists/SOURCE-segments.md`.

use crate::efi::{EfiCodelist, Frailty};
use crate::picture::{Picture, KINDS, NONE, NO_DATE};
use crate::table::{date_of, epoch_days};
use chrono::{Datelike, Months};
use std::collections::HashMap;

/// The built-in segmentation codelist (group, code, term).
const SEGMENT_CODES: &str = include_str!("../../../../data/codelists/segments.csv");

/// Emergency admissions in 12 months that, with an organ-failure condition, make segment 7.
pub const ORGAN_FAILURE_ADMISSIONS: u16 = 2;

/// A practice's network and place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeInfo {
    /// The primary care network's name.
    pub pcn: String,
    /// The place's name.
    pub place: String,
}

/// An LSOA's deprivation decile and place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LsoaInfo {
    /// National IMD decile: 1 is the most deprived tenth of LSOAs in England.
    pub imd_decile: u8,
    /// The place's name.
    pub place: String,
}

/// Reference data the picture is read with.
#[derive(Debug, Clone, Default)]
pub struct Reference {
    /// Practices by ODS code.
    pub practices: HashMap<String, PracticeInfo>,
    /// LSOAs by code.
    pub lsoas: HashMap<String, LsoaInfo>,
}

impl Reference {
    /// Why `cohort` cannot be counted with this reference data, in words: a variable it uses (in
    /// its criteria or a breakdown) needs a table this reference lacks altogether, so every person
    /// would come out "(not known)". None if it can be counted.
    pub fn missing_for(&self, cohort: &crate::cohort::definition::Cohort) -> Option<String> {
        use crate::cohort::definition::Variable;
        let mut names: Vec<&str> = cohort
            .breakdowns
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        if let Some(criteria) = &cohort.criteria {
            names.extend(criteria.names().into_iter().map(|(n, _)| n));
        }
        for (_, variable) in &cohort.variables {
            if let Variable::Expression(e) = variable {
                names.extend(e.names().into_iter().map(|(n, _)| n));
            }
        }
        let lsoas = "the LSOA reference (each LSOA's place and IMD decile), which this store does \
                     not hold: give it to `concord ingest --lsoas`, or point to one with --lsoas";
        let practices = "the practices' networks and places, which come from the directory or \
                         the newest batch that kept them: there are none in either (ingest with the \
                         operational database given, or give --database)";
        names.into_iter().find_map(|name| {
            let needs = match name {
                "imd_decile" if self.lsoas.is_empty() => lsoas,
                "pcn" if self.practices.is_empty() => practices,
                "place" if self.lsoas.is_empty() && self.practices.is_empty() => {
                    "a place for each practice or LSOA, and neither the directory's practices nor \
                     an LSOA reference is available"
                }
                _ => return None,
            };
            Some(format!(
                "'{}' uses {name}, which needs {needs}.",
                cohort.name
            ))
        })
    }

    /// The place of a person: their practice's, else their LSOA's.
    pub fn place_of(&self, practice: Option<&str>, lsoa: Option<&str>) -> Option<&str> {
        practice
            .and_then(|p| self.practices.get(p))
            .map(|p| p.place.as_str())
            .or_else(|| {
                lsoa.and_then(|l| self.lsoas.get(l))
                    .map(|l| l.place.as_str())
            })
    }

    /// Reads LSOAs from a CSV with columns lsoa, place and imd_decile (1 to 10).
    pub fn read_lsoas(
        &mut self,
        input: impl std::io::Read,
    ) -> Result<(), crate::efi::CodelistError> {
        let mut reader = csv::Reader::from_reader(input);
        for record in reader.records() {
            let record = record.map_err(|e| crate::efi::CodelistError {
                line: e.position().map_or(0, |p| p.line()),
                message: e.to_string(),
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let decile = record
                .get(2)
                .and_then(|d| d.trim().parse::<u8>().ok())
                .filter(|d| (1..=10).contains(d));
            match (record.get(0), record.get(1), decile) {
                (Some(lsoa), Some(place), Some(imd_decile)) if !lsoa.trim().is_empty() => {
                    self.lsoas.insert(
                        lsoa.trim().to_string(),
                        LsoaInfo {
                            imd_decile,
                            place: place.trim().to_string(),
                        },
                    );
                }
                _ => {
                    return Err(crate::efi::CodelistError {
                        line,
                        message: "expected lsoa, place and an imd_decile from 1 to 10".into(),
                    })
                }
            }
        }
        Ok(())
    }

    /// The practices' networks and places as CSV (practice, pcn, place), as a batch keeps them.
    pub fn practices_csv(&self) -> Vec<u8> {
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut codes: Vec<&String> = self.practices.keys().collect();
        codes.sort();
        out.write_record(["practice", "pcn", "place"])
            .expect("writing to memory");
        for code in codes {
            let p = &self.practices[code];
            out.write_record([code.as_str(), &p.pcn, &p.place])
                .expect("writing to memory");
        }
        out.into_inner().expect("writing to memory")
    }

    /// Reads practices' networks and places from a CSV with columns practice, pcn and place.
    pub fn read_practices(
        &mut self,
        input: impl std::io::Read,
    ) -> Result<(), crate::efi::CodelistError> {
        let mut reader = csv::Reader::from_reader(input);
        for record in reader.records() {
            let record = record.map_err(|e| crate::efi::CodelistError {
                line: e.position().map_or(0, |p| p.line()),
                message: e.to_string(),
            })?;
            let line = record.position().map_or(0, |p| p.line());
            match (record.get(0), record.get(1), record.get(2)) {
                (Some(code), Some(pcn), Some(place)) if !code.trim().is_empty() => {
                    self.practices.insert(
                        code.trim().to_string(),
                        PracticeInfo {
                            pcn: pcn.trim().to_string(),
                            place: place.trim().to_string(),
                        },
                    );
                }
                _ => {
                    return Err(crate::efi::CodelistError {
                        line,
                        message: "expected practice, pcn and place".into(),
                    })
                }
            }
        }
        Ok(())
    }
}

/// A Bridges to Health segment (Lynn et al. 2007), numbered as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// 1: in good health.
    Healthy = 1,
    /// 2: maternal and infant health.
    MaternalAndInfant = 2,
    /// 3: acutely ill, mostly curable.
    AcutelyIll = 3,
    /// 4: chronic conditions, normal function.
    ChronicConditions = 4,
    /// 5: stable but serious disability.
    SeriousDisability = 5,
    /// 6: short period of decline before dying.
    ShortDecline = 6,
    /// 7: limited reserve and exacerbations (organ failure).
    OrganFailure = 7,
    /// 8: long period of decline (frailty, dementia).
    LongDecline = 8,
}

impl Segment {
    /// Its name in outputs, numbered so it sorts in order.
    pub fn name(self) -> &'static str {
        match self {
            Segment::Healthy => "1 Healthy",
            Segment::MaternalAndInfant => "2 Maternal and infant health",
            Segment::AcutelyIll => "3 Acutely ill",
            Segment::ChronicConditions => "4 Chronic conditions",
            Segment::SeriousDisability => "5 Serious disability",
            Segment::ShortDecline => "6 Short decline before dying",
            Segment::OrganFailure => "7 Organ failure",
            Segment::LongDecline => "8 Frailty and dementia",
        }
    }
}

const DEMENTIA: u8 = 1;
const ORGAN: u8 = 2;
const PALLIATIVE: u8 = 4;
const DISABILITY: u8 = 8;
const LONG_TERM: u8 = 16;
const EMERGENCY: u8 = 32;

fn segment_groups() -> HashMap<String, u8> {
    let mut out: HashMap<String, u8> = HashMap::new();
    let mut reader = csv::Reader::from_reader(SEGMENT_CODES.as_bytes());
    for record in reader.records() {
        let record = record.expect("the built-in segment codelist is valid CSV");
        let bit = match record.get(0).unwrap_or("") {
            "dementia" => DEMENTIA,
            "organ_failure" => ORGAN,
            "palliative" => PALLIATIVE,
            "disability" => DISABILITY,
            "long_term_condition" => LONG_TERM,
            "emergency_admission" => EMERGENCY,
            _ => 0,
        };
        *out.entry(record.get(1).unwrap_or("").to_string())
            .or_default() |= bit;
    }
    out
}

/// Everyone's derived measures on one index date.
#[derive(Debug, Clone, PartialEq)]
pub struct Measures {
    /// The index date (days since 1970).
    pub index: i32,
    /// Age in whole years (from the first of the month of birth), if known.
    pub age: Vec<Option<u16>>,
    /// eFI deficits present (of 36).
    pub deficits: Vec<u8>,
    /// Distinct medicines issued in the 12 months to the index date.
    pub medicines: Vec<u16>,
    /// Emergency admissions in the 12 months to the index date.
    pub emergency_admissions: Vec<u16>,
    /// Bridges to Health segment.
    pub segment: Vec<Segment>,
    /// Whether the measures made from events saw every event (the picture was not scoped to
    /// some codes); if not, only `age` is meaningful.
    pub complete: bool,
}

impl Measures {
    /// Works out everyone's measures on `index`.
    pub fn compute(picture: &Picture, efi: &EfiCodelist, index: i32) -> Measures {
        let groups = segment_groups();
        let deficit_bits: Vec<u64> = picture
            .codes
            .values()
            .iter()
            .map(|c| efi.deficits_of(c))
            .collect();
        let group_bits: Vec<u8> = picture
            .codes
            .values()
            .iter()
            .map(|c| groups.get(c).copied().unwrap_or(0))
            .collect();
        let medication = KINDS
            .iter()
            .position(|k| *k == "medication")
            .expect("a kind") as u8;
        let year_ago = date_of(index)
            .checked_sub_months(Months::new(12))
            .and_then(|d| epoch_days(&d.to_string()))
            .unwrap_or(i32::MIN)
            + 1;
        let index_date = date_of(index);
        let people = picture.len();
        let mut m = Measures {
            index,
            age: Vec::with_capacity(people),
            deficits: Vec::with_capacity(people),
            medicines: Vec::with_capacity(people),
            emergency_admissions: Vec::with_capacity(people),
            segment: Vec::with_capacity(people),
            complete: picture.scope == crate::picture::EventScope::All,
        };
        let mut issued: Vec<u32> = Vec::new();
        for person in 0..people {
            let age =
                (picture.birth[person] != NO_DATE && picture.birth[person] <= index).then(|| {
                    let born = date_of(picture.birth[person]);
                    let mut years = index_date.year() - born.year();
                    if (index_date.month(), index_date.day()) < (born.month(), born.day()) {
                        years -= 1;
                    }
                    years.max(0) as u16
                });
            let (mut coded, mut flags, mut admissions) = (0u64, 0u8, 0u16);
            issued.clear();
            for e in picture.events(person) {
                let code = picture.code[e];
                let date = picture.date[e];
                if code == NONE || (date != NO_DATE && date > index) {
                    continue;
                }
                let recent = date != NO_DATE && date >= year_ago;
                coded |= deficit_bits[code as usize];
                let g = group_bits[code as usize];
                if g & EMERGENCY != 0 {
                    if recent {
                        admissions += 1;
                    }
                } else {
                    flags |= g;
                }
                if picture.kind[e] == medication && recent {
                    issued.push(code);
                }
            }
            issued.sort_unstable();
            issued.dedup();
            let (present, frailty) = crate::efi::assess(coded, issued.len());
            let segment = if flags & DEMENTIA != 0 || frailty == Frailty::Severe {
                Segment::LongDecline
            } else if flags & ORGAN != 0 && admissions >= ORGAN_FAILURE_ADMISSIONS {
                Segment::OrganFailure
            } else if flags & PALLIATIVE != 0 {
                Segment::ShortDecline
            } else if flags & DISABILITY != 0 {
                Segment::SeriousDisability
            } else if flags & LONG_TERM != 0 || frailty == Frailty::Moderate {
                Segment::ChronicConditions
            } else if admissions > 0 {
                Segment::AcutelyIll
            } else if age == Some(0) {
                Segment::MaternalAndInfant
            } else {
                Segment::Healthy
            };
            m.age.push(age);
            m.deficits.push(present as u8);
            m.medicines.push(issued.len().min(u16::MAX as usize) as u16);
            m.emergency_admissions.push(admissions);
            m.segment.push(segment);
        }
        m
    }
}
