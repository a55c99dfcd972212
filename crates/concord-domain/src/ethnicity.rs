//! Ethnic category as the NHS records it (the NHS Data Dictionary's ETHNIC CATEGORY, one letter,
//! from the 2001 census classification that GP systems still use) and the five broad groups
//! Concord counts by: finer categories would make cells too small to publish for most places.
//!
//! The broad groups follow the Data Dictionary's own headings, so Chinese (`R`) counts under
//! "Other ethnic group", as it does there (the 2021 census moved it under Asian).

/// A broad ethnic group, as counted in Concord's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EthnicGroup {
    /// White.
    White,
    /// Mixed or multiple ethnic groups.
    Mixed,
    /// Asian or Asian British.
    Asian,
    /// Black or Black British.
    Black,
    /// Other ethnic group.
    Other,
}

impl EthnicGroup {
    /// Every group, in the order figures list them.
    pub const ALL: [EthnicGroup; 5] = [
        EthnicGroup::White,
        EthnicGroup::Mixed,
        EthnicGroup::Asian,
        EthnicGroup::Black,
        EthnicGroup::Other,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            EthnicGroup::White => "white",
            EthnicGroup::Mixed => "mixed",
            EthnicGroup::Asian => "asian",
            EthnicGroup::Black => "black",
            EthnicGroup::Other => "other",
        }
    }

    /// The group's name for people.
    pub fn label(self) -> &'static str {
        match self {
            EthnicGroup::White => "White",
            EthnicGroup::Mixed => "Mixed or multiple ethnic groups",
            EthnicGroup::Asian => "Asian or Asian British",
            EthnicGroup::Black => "Black or Black British",
            EthnicGroup::Other => "Other ethnic group",
        }
    }

    /// The groups as a form offers them (code, name), with a way not to say.
    pub fn choices() -> Vec<(String, String)> {
        EthnicGroup::ALL
            .iter()
            .map(|g| (g.as_str().to_string(), g.label().to_string()))
            .chain(std::iter::once((
                "not_said".to_string(),
                "I would rather not say".to_string(),
            )))
            .collect()
    }

    /// The group with a stored code.
    pub fn from_code(code: &str) -> Option<EthnicGroup> {
        EthnicGroup::ALL.into_iter().find(|g| g.as_str() == code)
    }
}

/// The Data Dictionary's categories: code, name and broad group (none for "not stated").
pub const CATEGORIES: [(&str, &str, Option<EthnicGroup>); 17] = [
    ("A", "White: British", Some(EthnicGroup::White)),
    ("B", "White: Irish", Some(EthnicGroup::White)),
    (
        "C",
        "White: any other White background",
        Some(EthnicGroup::White),
    ),
    (
        "D",
        "Mixed: White and Black Caribbean",
        Some(EthnicGroup::Mixed),
    ),
    (
        "E",
        "Mixed: White and Black African",
        Some(EthnicGroup::Mixed),
    ),
    ("F", "Mixed: White and Asian", Some(EthnicGroup::Mixed)),
    (
        "G",
        "Mixed: any other mixed background",
        Some(EthnicGroup::Mixed),
    ),
    (
        "H",
        "Asian or Asian British: Indian",
        Some(EthnicGroup::Asian),
    ),
    (
        "J",
        "Asian or Asian British: Pakistani",
        Some(EthnicGroup::Asian),
    ),
    (
        "K",
        "Asian or Asian British: Bangladeshi",
        Some(EthnicGroup::Asian),
    ),
    (
        "L",
        "Asian or Asian British: any other Asian background",
        Some(EthnicGroup::Asian),
    ),
    (
        "M",
        "Black or Black British: Caribbean",
        Some(EthnicGroup::Black),
    ),
    (
        "N",
        "Black or Black British: African",
        Some(EthnicGroup::Black),
    ),
    (
        "P",
        "Black or Black British: any other Black background",
        Some(EthnicGroup::Black),
    ),
    (
        "R",
        "Other ethnic groups: Chinese",
        Some(EthnicGroup::Other),
    ),
    (
        "S",
        "Other ethnic groups: any other ethnic group",
        Some(EthnicGroup::Other),
    ),
    ("Z", "Not stated", None),
];

/// Why an ethnic category code was refused.
pub const CATEGORY_RULE: &str =
    "an NHS ethnic category code: one letter from A to S (not I, O or Q), Z for not stated, or 99 for not known";

/// Reads an ethnic category code as a registered list or a GP record holds it: `Ok(None)` when
/// blank, not stated (`Z`) or not known (`99`); the broad group otherwise.
pub fn group_of_category(code: &str) -> Result<Option<EthnicGroup>, &'static str> {
    let code = code.trim();
    if code.is_empty() || code == "99" {
        return Ok(None);
    }
    CATEGORIES
        .iter()
        .find(|(c, _, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, _, group)| *group)
        .ok_or(CATEGORY_RULE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_fall_in_the_data_dictionarys_groups() {
        assert_eq!(group_of_category("A"), Ok(Some(EthnicGroup::White)));
        assert_eq!(group_of_category(" f "), Ok(Some(EthnicGroup::Mixed)));
        assert_eq!(group_of_category("K"), Ok(Some(EthnicGroup::Asian)));
        assert_eq!(group_of_category("N"), Ok(Some(EthnicGroup::Black)));
        assert_eq!(group_of_category("R"), Ok(Some(EthnicGroup::Other)));
        for unknown in ["", "Z", "z", "99"] {
            assert_eq!(group_of_category(unknown), Ok(None), "{unknown:?}");
        }
        for bad in ["I", "O", "Q", "T", "AA", "White", "1"] {
            assert_eq!(group_of_category(bad), Err(CATEGORY_RULE), "{bad:?}");
        }
        // Sixteen categories with a group: White 3, Mixed 4, Asian 4, Black 3, Other 2.
        let mut counts = std::collections::BTreeMap::new();
        for (_, _, group) in CATEGORIES.iter().filter(|c| c.2.is_some()) {
            *counts.entry(group.unwrap()).or_insert(0) += 1;
        }
        assert_eq!(
            counts.values().copied().collect::<Vec<_>>(),
            vec![3, 4, 4, 3, 2]
        );
    }

    #[test]
    fn a_group_reads_back_from_its_code() {
        for group in EthnicGroup::ALL {
            assert_eq!(EthnicGroup::from_code(group.as_str()), Some(group));
        }
        assert_eq!(EthnicGroup::from_code("White"), None);
    }
}
