//! Partner organisations: their types, codes and the rules for a valid organisation.

use crate::validation::{blank_to_none, ValidationErrors};
use crate::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What kind of body a partner organisation is.
    OrgType {
        Icb => ("icb", "Integrated care board"),
        AcuteTrust => ("acute_trust", "Acute trust"),
        CommunityTrust => ("community_trust", "Community trust"),
        MentalHealthTrust => ("mental_health_trust", "Mental health trust"),
        GpPractice => ("gp_practice", "GP practice"),
        Pcn => ("pcn", "Primary care network"),
        Council => ("council", "Council"),
        Vcse => ("vcse", "VCSE organisation"),
        Healthwatch => ("healthwatch", "Healthwatch"),
        Hospice => ("hospice", "Hospice"),
        Other => ("other", "Other"),
    }
}

/// Which broad sector a type belongs to, for comparing NHS, council and VCSE partners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sector {
    /// NHS bodies: ICB, trusts, practices and PCNs.
    Nhs,
    /// Local government.
    Council,
    /// Voluntary, community and social enterprise bodies, Healthwatch and hospices.
    Vcse,
    /// Anything else.
    Other,
}

impl OrgType {
    /// The sector this type of organisation belongs to.
    pub fn sector(self) -> Sector {
        match self {
            OrgType::Icb
            | OrgType::AcuteTrust
            | OrgType::CommunityTrust
            | OrgType::MentalHealthTrust
            | OrgType::GpPractice
            | OrgType::Pcn => Sector::Nhs,
            OrgType::Council => Sector::Council,
            OrgType::Vcse | OrgType::Healthwatch | OrgType::Hospice => Sector::Vcse,
            OrgType::Other => Sector::Other,
        }
    }

    /// Whether an organisation of this type may sit beneath a parent of type `parent`.
    ///
    /// A GP practice belongs to a primary care network; everything else may have any parent (or none).
    pub fn allows_parent(self, parent: OrgType) -> bool {
        match self {
            OrgType::GpPractice => parent == OrgType::Pcn,
            _ => true,
        }
    }

    /// A hint on the code's expected form, shown beside the form field.
    pub fn code_hint(self) -> &'static str {
        match self {
            OrgType::GpPractice => {
                "ODS practice code: a letter and five digits, for example A81001"
            }
            OrgType::Pcn => "ODS PCN code: U and five digits, for example U12345",
            _ => "ODS code, council code or charity number: letters, digits and hyphens",
        }
    }
}

/// The longest code accepted.
pub const MAX_CODE_LEN: usize = 16;

/// Normalises a code as entered: trimmed and upper-cased.
pub fn normalise_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// Checks a (normalised) code against the form its type expects; returns the problem if any.
pub fn check_code(org_type: Option<OrgType>, code: &str) -> Option<String> {
    if code.is_empty() {
        return Some("Enter a code".into());
    }
    if code.len() > MAX_CODE_LEN {
        return Some(format!("Code must be {MAX_CODE_LEN} characters or fewer"));
    }
    if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Some("Code must contain only letters, digits and hyphens".into());
    }
    let letter_then_five_digits = |first: fn(char) -> bool| {
        code.len() == 6 && code.starts_with(first) && code[1..].chars().all(|c| c.is_ascii_digit())
    };
    match org_type {
        Some(OrgType::GpPractice) if !letter_then_five_digits(|c| c.is_ascii_uppercase()) => Some(
            "A GP practice code is a letter followed by five digits, for example A81001".into(),
        ),
        Some(OrgType::Pcn) if !letter_then_five_digits(|c| c == 'U') => {
            Some("A PCN code is U followed by five digits, for example U12345".into())
        }
        _ => None,
    }
}

/// What a user submits to create or change an organisation.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OrganisationDraft {
    /// The organisation's name, for example "Riverside General Hospital NHS Foundation Trust".
    #[schema(required)]
    pub name: String,
    /// An ODS code (or council code, charity number); unique across the system.
    #[schema(required)]
    pub code: String,
    /// The organisation's type code, for example `acute_trust`.
    #[schema(required)]
    pub org_type: String,
    /// The id of the parent organisation, for example a practice's PCN.
    #[serde(default)]
    pub parent_id: Option<String>,
    /// The public website address.
    #[serde(default)]
    pub website: Option<String>,
    /// A sentence or two on what the organisation does.
    #[serde(default)]
    pub description: Option<String>,
}

/// A draft that passed validation, normalised and ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidOrganisation {
    /// Trimmed name.
    pub name: String,
    /// Upper-cased code.
    pub code: String,
    /// The type.
    pub org_type: OrgType,
    /// Parent id, if any.
    pub parent_id: Option<String>,
    /// Website, if any.
    pub website: Option<String>,
    /// Description (may be empty).
    pub description: String,
}

impl OrganisationDraft {
    /// Validates and normalises the draft; every problem is reported, each against its field.
    pub fn validate(&self) -> Result<ValidOrganisation, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("name", "a name", &self.name, 200);
        let org_type =
            errors.require_code::<OrgType>("org_type", "an organisation type", &self.org_type);
        let code = normalise_code(&self.code);
        if let Some(problem) = check_code(org_type, &code) {
            errors.add("code", problem);
        }
        let website = blank_to_none(self.website.as_deref());
        if let Some(site) = &website {
            if !(site.starts_with("https://") || site.starts_with("http://"))
                || site.len() > 300
                || site.contains(char::is_whitespace)
            {
                errors.add("website", "Enter a website address starting with https://, for example https://www.nhs.uk");
            }
        }
        errors.optional_text(
            "description",
            "a description",
            self.description.as_deref().unwrap_or(""),
            2000,
        );
        errors.into_result()?;
        Ok(ValidOrganisation {
            name: self.name.trim().to_string(),
            code,
            org_type: org_type.expect("validated"),
            parent_id: blank_to_none(self.parent_id.as_deref()),
            website,
            description: self.description.as_deref().unwrap_or("").trim().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn draft(name: &str, code: &str, org_type: &str) -> OrganisationDraft {
        OrganisationDraft {
            name: name.into(),
            code: code.into(),
            org_type: org_type.into(),
            ..Default::default()
        }
    }

    #[test]
    fn valid_practice_is_normalised() {
        let valid = draft("  Riverside Surgery ", " a81001", "gp_practice")
            .validate()
            .unwrap();
        assert_eq!(valid.name, "Riverside Surgery");
        assert_eq!(valid.code, "A81001");
        assert_eq!(valid.org_type, OrgType::GpPractice);
    }

    #[test]
    fn every_problem_is_reported_against_its_field() {
        let errors = draft("", "", "hospital").validate().unwrap_err();
        assert_eq!(errors.for_field("name"), Some("Enter a name"));
        assert_eq!(
            errors.for_field("org_type"),
            Some("Select an organisation type from the list")
        );
        assert_eq!(errors.for_field("code"), Some("Enter a code"));
    }

    #[test]
    fn practice_and_pcn_codes_have_their_ods_form() {
        assert!(draft("P", "RXX", "gp_practice")
            .validate()
            .unwrap_err()
            .for_field("code")
            .is_some());
        assert!(draft("N", "A12345", "pcn")
            .validate()
            .unwrap_err()
            .for_field("code")
            .is_some());
        assert!(draft("N", "U12345", "pcn").validate().is_ok());
        assert!(draft("T", "RXX", "acute_trust").validate().is_ok());
        assert!(draft("T", "R X", "acute_trust").validate().is_err());
    }

    #[test]
    fn website_must_be_an_address() {
        let mut d = draft("T", "RXX", "acute_trust");
        d.website = Some("www.example.org".into());
        assert!(d.validate().unwrap_err().for_field("website").is_some());
        d.website = Some("  ".into());
        assert_eq!(d.validate().unwrap().website, None);
    }

    #[test]
    fn only_pcns_parent_practices() {
        assert!(OrgType::GpPractice.allows_parent(OrgType::Pcn));
        assert!(!OrgType::GpPractice.allows_parent(OrgType::Icb));
        assert!(OrgType::Pcn.allows_parent(OrgType::Icb));
    }

    #[test]
    fn every_type_round_trips_through_its_code() {
        for t in OrgType::ALL {
            assert_eq!(t.as_str().parse::<OrgType>().unwrap(), *t);
        }
    }

    proptest! {
        #[test]
        fn validation_never_panics_and_accepted_codes_are_clean(name in ".{0,300}", code in ".{0,40}", t in 0usize..12) {
            let org_type = OrgType::ALL.get(t).map(|t| t.as_str()).unwrap_or("nonsense");
            if let Ok(valid) = draft(&name, &code, org_type).validate() {
                prop_assert!(!valid.code.is_empty() && valid.code.len() <= MAX_CODE_LEN);
                prop_assert!(valid.code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'));
                prop_assert!(!valid.name.is_empty() && valid.name.chars().count() <= 200);
            }
        }
    }
}
