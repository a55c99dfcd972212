//! The electronic Frailty Index (eFI): Clegg A, Bates C, Young J, et al. *Development and validation
//! of an electronic frailty index using routine primary care electronic health record data.* Age
//! and Ageing 2016;45(3):353–360, doi:10.1093/ageing/afw039.
//!
//! 36 deficits, each present or absent, weighted equally: the score is the number present divided
//! by 36. 35 deficits are coded (a code from the deficit's SNOMED CT codelist recorded on or before
//! the index date, ever); the 36th, polypharmacy, is 5 or more distinct medicines issued in the 12
//! months to the index date. Categories (from the paper's population quartiles, as the NHS eFI
//! guidance states them): fit up to 0.12, mild over 0.12 to 0.24, moderate over 0.24 to 0.36, severe
//! over 0.36. Concord categorises from the deficit count with exact arithmetic, so 13 deficits
//! (0.361) is severe. The codelist is `data/codelists/efi.csv`; its sources are in
//! `data/codelists/SOURCE-efi.md`, and every correction Concord made to the source list (26 codes
//! taken out of a deficit they do not mean, one moved to the one it does), with its reason, in
//! `efi-review.csv`.

use std::collections::HashMap;

/// The number of deficits the score is out of.
pub const DEFICITS: usize = 36;
/// The deficit counted from medicines rather than codes.
pub const POLYPHARMACY: &str = "Polypharmacy";
/// Distinct medicines in 12 months that make polypharmacy.
pub const POLYPHARMACY_MEDICINES: usize = 5;

/// The built-in codelist (deficit, code, term).
const BUILT_IN: &str = include_str!("../../../data/codelists/efi.csv");

/// A frailty category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Frailty {
    /// Score up to 0.12.
    Fit,
    /// Over 0.12 to 0.24.
    Mild,
    /// Over 0.24 to 0.36.
    Moderate,
    /// Over 0.36.
    Severe,
}

impl Frailty {
    /// Every category, in order.
    pub const ALL: [Frailty; 4] = [
        Frailty::Fit,
        Frailty::Mild,
        Frailty::Moderate,
        Frailty::Severe,
    ];

    /// The category of a number of deficits present (of 36).
    pub fn of_count(present: usize) -> Frailty {
        // Exact: present / 36 compared with the cut-offs, in whole numbers (x / 36 <= c / 100).
        let hundredths = present * 100;
        if hundredths <= 12 * DEFICITS {
            Frailty::Fit
        } else if hundredths <= 24 * DEFICITS {
            Frailty::Mild
        } else if hundredths <= 36 * DEFICITS {
            Frailty::Moderate
        } else {
            Frailty::Severe
        }
    }

    /// Its name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Frailty::Fit => "fit",
            Frailty::Mild => "mild",
            Frailty::Moderate => "moderate",
            Frailty::Severe => "severe",
        }
    }
}

/// The eFI score of a number of deficits present.
pub fn score(present: usize) -> f64 {
    present as f64 / DEFICITS as f64
}

/// The coded deficits and their codes.
#[derive(Debug, Clone)]
pub struct EfiCodelist {
    /// Deficit names, in the order their bits are numbered.
    pub deficits: Vec<String>,
    /// Each code's deficits, as a bit set over `deficits`.
    pub by_code: HashMap<String, u64>,
}

/// Why a codelist could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CodelistError {
    /// The line (from 1).
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

impl EfiCodelist {
    /// The codelist Concord ships.
    pub fn built_in() -> EfiCodelist {
        EfiCodelist::from_csv(BUILT_IN.as_bytes()).expect("the built-in eFI codelist is valid")
    }

    /// Reads a codelist with columns deficit and code (a term column is allowed).
    pub fn from_csv(input: impl std::io::Read) -> Result<EfiCodelist, CodelistError> {
        let mut reader = csv::Reader::from_reader(input);
        let header = reader
            .headers()
            .map_err(|e| CodelistError {
                line: 1,
                message: e.to_string(),
            })?
            .clone();
        let column = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        };
        let (Some(deficit_at), Some(code_at)) = (column("deficit"), column("code")) else {
            return Err(CodelistError {
                line: 1,
                message: "the header needs deficit and code".into(),
            });
        };
        let mut deficits: Vec<String> = Vec::new();
        let mut by_code: HashMap<String, u64> = HashMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| CodelistError {
                line: e.position().map_or(0, |p| p.line()),
                message: e.to_string(),
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let deficit = record.get(deficit_at).unwrap_or("").trim();
            let code = record.get(code_at).unwrap_or("").trim();
            if deficit.is_empty() || code.is_empty() {
                return Err(CodelistError {
                    line,
                    message: "deficit and code are required".into(),
                });
            }
            if deficit.eq_ignore_ascii_case(POLYPHARMACY) {
                return Err(CodelistError {
                    line,
                    message: "polypharmacy is counted from medicines, not codes".into(),
                });
            }
            let bit = match deficits.iter().position(|d| d == deficit) {
                Some(b) => b,
                None => {
                    if deficits.len() == DEFICITS - 1 {
                        return Err(CodelistError {
                            line,
                            message: format!("more than {} coded deficits", DEFICITS - 1),
                        });
                    }
                    deficits.push(deficit.to_string());
                    deficits.len() - 1
                }
            };
            *by_code.entry(code.to_string()).or_default() |= 1 << bit;
        }
        Ok(EfiCodelist { deficits, by_code })
    }

    /// The deficits a code counts towards, as a bit set.
    pub fn deficits_of(&self, code: &str) -> u64 {
        self.by_code.get(code).copied().unwrap_or(0)
    }
}

/// A person's eFI from the deficits their codes show and the distinct medicines issued to them in
/// the last 12 months: (deficits present, category).
pub fn assess(coded: u64, distinct_medicines: usize) -> (usize, Frailty) {
    let present =
        coded.count_ones() as usize + usize::from(distinct_medicines >= POLYPHARMACY_MEDICINES);
    (present, Frailty::of_count(present))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_codelist_has_the_35_coded_deficits() {
        let list = EfiCodelist::built_in();
        assert_eq!(list.deficits.len(), 35);
        for name in [
            "Falls",
            "Hypertension",
            "Social vulnerability",
            "Heart failure",
        ] {
            assert!(list.deficits.iter().any(|d| d == name), "{name}");
        }
        let bit = |name: &str| 1u64 << list.deficits.iter().position(|d| d == name).unwrap();
        assert_eq!(
            list.deficits_of("105529008"),
            bit("Social vulnerability"),
            "lives alone"
        );
        assert_eq!(
            list.deficits_of("73211009"),
            bit("Diabetes"),
            "diabetes is not also CKD"
        );
        assert_eq!(list.deficits_of("1234"), 0);
    }

    #[test]
    fn categories_follow_the_published_cut_offs_exactly() {
        // Clegg 2016: fit <= 0.12, mild <= 0.24, moderate <= 0.36, severe > 0.36.
        let expected = [
            (0, Frailty::Fit),
            (4, Frailty::Fit),      // 0.111
            (5, Frailty::Mild),     // 0.139
            (8, Frailty::Mild),     // 0.222
            (9, Frailty::Moderate), // 0.25, the CLAHRC worked example
            (12, Frailty::Moderate),
            (13, Frailty::Severe), // 0.361 > 0.36
            (36, Frailty::Severe),
        ];
        for (present, category) in expected {
            assert_eq!(Frailty::of_count(present), category, "{present}");
            let s = score(present);
            let by_score = if s <= 0.12 {
                Frailty::Fit
            } else if s <= 0.24 {
                Frailty::Mild
            } else if s <= 0.36 {
                Frailty::Moderate
            } else {
                Frailty::Severe
            };
            assert_eq!(by_score, category, "{present}: score {s}");
        }
        assert!((score(9) - 0.25).abs() < 1e-12);
    }

    #[test]
    fn hand_made_patients_score_as_counted_by_hand() {
        let list = EfiCodelist::built_in();
        let codes = |codes: &[&str]| codes.iter().fold(0u64, |acc, c| acc | list.deficits_of(c));
        // A fit 70-year-old with hypertension only.
        assert_eq!(assess(codes(&["38341003"]), 2), (1, Frailty::Fit));
        // Hypertension, diabetes, AF, heart failure, lives alone, feeling lonely (one deficit:
        // social vulnerability), and five medicines (polypharmacy): 6 deficits, mild.
        let six = codes(&[
            "38341003",
            "44054006",
            "49436004",
            "84114007",
            "105529008",
            "267076002",
        ]);
        assert_eq!(assess(six, 5), (6, Frailty::Mild));
        assert_eq!(assess(six, 4), (5, Frailty::Mild));
        // Coronary arteriosclerosis is ischaemic heart disease only (the source list also had it
        // under heart failure: removed, see efi-review.csv); diabetic kidney disease, a
        // combination concept, is both diabetes and chronic kidney disease.
        assert_eq!(codes(&["53741008"]).count_ones(), 1);
        assert_eq!(codes(&["127013003"]).count_ones(), 2);
    }

    #[test]
    fn a_bad_codelist_names_its_line() {
        let err = EfiCodelist::from_csv("deficit,code\nFalls,\n".as_bytes()).unwrap_err();
        assert_eq!(err.line, 2);
        let err = EfiCodelist::from_csv("deficit,code\nPolypharmacy,1\n".as_bytes()).unwrap_err();
        assert!(err.message.contains("medicines"));
    }
}
