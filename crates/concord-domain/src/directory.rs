//! The service directory's own rules: what a provider may say about its capacity between
//! imports, and how it is checked, field by field.

use crate::validation::{string_or_number, ValidationErrors};

/// The most places a service may say it has (a bigger number is a typing slip).
pub const MAX_PLACES: u32 = 100_000;

/// The longest name of what a service counts.
pub const MAX_UNIT_CHARS: usize = 40;

/// What is counted when a provider does not say.
pub const DEFAULT_UNIT: &str = "places";

/// A service's capacity now, as its provider submits it.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CapacityDraft {
    /// Places free now (a whole number).
    #[serde(deserialize_with = "string_or_number")]
    #[schema(value_type = String, example = "4")]
    pub available: String,
    /// Places at most (optional, a whole number, at least `available`).
    #[serde(deserialize_with = "string_or_number")]
    #[schema(value_type = String, example = "20")]
    pub maximum: String,
    /// What is counted (`places` unless said).
    pub unit: String,
}

/// A capacity, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity<'a> {
    /// Places free now.
    pub available: u32,
    /// Places at most, when the provider keeps a count.
    pub maximum: Option<u32>,
    /// What is counted.
    pub unit: &'a str,
}

impl CapacityDraft {
    /// Checks every field, naming each problem.
    pub fn check(&self) -> Result<Capacity<'_>, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let available = errors.require_count(
            "available",
            "the places free now",
            &self.available,
            MAX_PLACES,
        );
        let maximum = if self.maximum.trim().is_empty() {
            None
        } else {
            errors.require_count("maximum", "the places at most", &self.maximum, MAX_PLACES)
        };
        if let (Some(available), Some(maximum)) = (available, maximum) {
            if maximum < available {
                errors.add(
                    "maximum",
                    format!(
                        "The places at most must be at least the places free now ({available})"
                    ),
                );
            }
        }
        let unit = match self.unit.trim() {
            "" => DEFAULT_UNIT,
            unit => unit,
        };
        errors.optional_text("unit", "what is counted", unit, MAX_UNIT_CHARS);
        errors.into_result()?;
        Ok(Capacity {
            available: available.expect("checked"),
            maximum,
            unit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(available: &str, maximum: &str, unit: &str) -> CapacityDraft {
        CapacityDraft {
            available: available.into(),
            maximum: maximum.into(),
            unit: unit.into(),
        }
    }

    #[test]
    fn a_capacity_with_and_without_a_maximum() {
        let d = draft("4", "20", "");
        assert_eq!(
            d.check().unwrap(),
            Capacity {
                available: 4,
                maximum: Some(20),
                unit: "places"
            }
        );
        let d = draft(" 1,200 ", "", " sessions ");
        assert_eq!(
            d.check().unwrap(),
            Capacity {
                available: 1200,
                maximum: None,
                unit: "sessions"
            }
        );
        assert_eq!(draft("0", "0", "").check().unwrap().available, 0, "full");
    }

    #[test]
    fn each_problem_is_named_by_its_field() {
        let errors = draft("", "x", "").check().unwrap_err();
        assert_eq!(
            errors.for_field("available"),
            Some("Enter the places free now")
        );
        assert!(errors
            .for_field("maximum")
            .unwrap()
            .contains("whole number"));
        let errors = draft("-1", "", "").check().unwrap_err();
        assert!(errors
            .for_field("available")
            .unwrap()
            .contains("whole number"));
        let errors = draft("2.5", "", "").check().unwrap_err();
        assert!(errors
            .for_field("available")
            .unwrap()
            .contains("whole number"));
        let errors = draft("5", "4", "").check().unwrap_err();
        assert!(errors
            .for_field("maximum")
            .unwrap()
            .contains("at least the places free now (5)"));
        let errors = draft("100001", "", "").check().unwrap_err();
        assert_eq!(
            errors.for_field("available"),
            Some("The places free now must be 100,000 or fewer")
        );
        let errors = draft("1", "", "places\u{202e}").check().unwrap_err();
        assert!(errors.for_field("unit").is_some());
        let errors = draft("1", "", &"x".repeat(41)).check().unwrap_err();
        assert!(errors.for_field("unit").unwrap().contains("40 characters"));
    }
}
