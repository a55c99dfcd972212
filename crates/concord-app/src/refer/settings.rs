//! How a system has set Refer up. SWEMWBS is switched on only by naming the licence the system
//! holds and the conversion table its licence-holders supplied (neither ships with Concord).

use concord_domain::referral::swemwbs::{
    raw_score, ConversionError, SwemwbsConversion, SwemwbsLicence, MAX_TABLE_BYTES,
};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Refer's settings for one system.
#[derive(Debug, Clone, Default)]
pub struct ReferSettings {
    /// SWEMWBS, when the system is licensed to use it.
    pub swemwbs: Option<SwemwbsLicence>,
}

/// Why the settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// Only one of the licence's reference and its conversion table was given.
    #[error("SWEMWBS needs both the licence's reference and the conversion table that came with it; only one was given")]
    HalfGiven,
    /// The licence's reference is blank or too long.
    #[error("the SWEMWBS licence reference must be 1 to 200 characters")]
    BadReference,
    /// The conversion table cannot be read.
    #[error("{path}: {source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The conversion table is not one.
    #[error("{path}: {source}")]
    BadTable {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        source: ConversionError,
    },
}

impl ReferSettings {
    /// The settings with SWEMWBS switched on when both its licence's reference and its
    /// conversion table's file are given (and off when neither is).
    pub fn load(
        swemwbs_licence: Option<&str>,
        swemwbs_table: Option<&Path>,
    ) -> Result<Self, SettingsError> {
        let swemwbs = match (swemwbs_licence, swemwbs_table) {
            (None, None) => None,
            (Some(reference), Some(path)) => {
                let reference = reference.trim();
                if reference.is_empty() || reference.chars().count() > 200 {
                    return Err(SettingsError::BadReference);
                }
                let unreadable = |source| SettingsError::Unreadable {
                    path: path.to_path_buf(),
                    source,
                };
                let mut text = String::new();
                std::fs::File::open(path)
                    .map_err(unreadable)?
                    .take(MAX_TABLE_BYTES as u64 + 1)
                    .read_to_string(&mut text)
                    .map_err(unreadable)?;
                let conversion = SwemwbsConversion::from_csv(&text).map_err(|source| {
                    SettingsError::BadTable {
                        path: path.to_path_buf(),
                        source,
                    }
                })?;
                Some(SwemwbsLicence {
                    reference: reference.to_string(),
                    conversion,
                })
            }
            _ => return Err(SettingsError::HalfGiven),
        };
        Ok(ReferSettings { swemwbs })
    }

    /// Whether SWEMWBS answers may be recorded.
    pub fn swemwbs_licensed(&self) -> bool {
        self.swemwbs.is_some()
    }

    /// SWEMWBS answers in words: raw score and metric score, under the licence.
    pub fn swemwbs_scores(&self, answers: &[u8; 7]) -> Option<String> {
        let licence = self.swemwbs.as_ref()?;
        let raw = raw_score(answers);
        let metric = licence.conversion.metric(raw)?;
        Some(format!(
            "metric score {metric:.2} on a scale of 7 to 35 (raw score {raw}; used under licence {})",
            licence.reference
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> String {
        // Made up for the test (not the licence-holders' table): rises, and is not the raw score.
        let mut text = String::from("raw,metric\n");
        for raw in 7..=35u32 {
            text.push_str(&format!("{raw},{:.2}\n", f64::from(raw) * 0.5 + 3.5));
        }
        text
    }

    #[test]
    fn swemwbs_is_on_only_with_both_its_licence_and_its_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("swemwbs.csv");
        std::fs::write(&path, table()).unwrap();
        assert!(!ReferSettings::load(None, None).unwrap().swemwbs_licensed());
        assert!(matches!(
            ReferSettings::load(Some("WEMWBS-123"), None),
            Err(SettingsError::HalfGiven)
        ));
        assert!(matches!(
            ReferSettings::load(None, Some(&path)),
            Err(SettingsError::HalfGiven)
        ));
        let on = ReferSettings::load(Some("WEMWBS-123"), Some(&path)).unwrap();
        assert!(on.swemwbs_licensed());
        // Hand-worked: 3+4+2+5+1+3+4 = 22; 22 x 0.5 + 3.5 = 14.50.
        assert_eq!(
            on.swemwbs_scores(&[3, 4, 2, 5, 1, 3, 4]).unwrap(),
            "metric score 14.50 on a scale of 7 to 35 (raw score 22; used under licence WEMWBS-123)"
        );
        std::fs::write(&path, table().replace("\n9,", "\n8,")).unwrap();
        let refused = ReferSettings::load(Some("WEMWBS-123"), Some(&path)).unwrap_err();
        assert!(refused.to_string().contains("line 4"), "{refused}");
        assert!(matches!(
            ReferSettings::load(Some(" "), Some(&path)),
            Err(SettingsError::BadReference)
        ));
    }
}
