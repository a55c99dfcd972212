//! Places (usually a council area) and the neighbourhoods within them.

use crate::validation::{blank_to_none, ValidationErrors};
use crate::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// Whether an area is a place or a neighbourhood within a place.
    PlaceKind {
        Place => ("place", "Place"),
        Neighbourhood => ("neighbourhood", "Neighbourhood"),
    }
}

/// What a user submits to create or change a place or neighbourhood.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PlaceDraft {
    /// The area's name, for example "Riverside".
    #[schema(required)]
    pub name: String,
    /// `place` or `neighbourhood`.
    #[schema(required)]
    pub kind: String,
    /// For a neighbourhood, the id of the place it lies in.
    #[serde(default)]
    pub parent_id: Option<String>,
    /// The resident population, as a whole number (text in forms).
    #[serde(default)]
    pub population: Option<String>,
    /// A sentence or two about the area.
    #[serde(default)]
    pub description: Option<String>,
}

/// A validated place draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPlace {
    /// Trimmed name.
    pub name: String,
    /// Place or neighbourhood.
    pub kind: PlaceKind,
    /// The containing place, required for a neighbourhood.
    pub parent_id: Option<String>,
    /// Resident population, if known.
    pub population: Option<i64>,
    /// Description (may be empty).
    pub description: String,
}

impl PlaceDraft {
    /// Validates the draft; a neighbourhood must name its place, a place must not have one.
    pub fn validate(&self) -> Result<ValidPlace, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("name", "a name", &self.name, 120);
        let kind = errors.require_code::<PlaceKind>(
            "kind",
            "whether this is a place or a neighbourhood",
            &self.kind,
        );
        let parent_id = blank_to_none(self.parent_id.as_deref());
        match (kind, &parent_id) {
            (Some(PlaceKind::Neighbourhood), None) => {
                errors.add("parent_id", "Select the place this neighbourhood is in")
            }
            (Some(PlaceKind::Place), Some(_)) => {
                errors.add("parent_id", "A place cannot lie within another place")
            }
            _ => {}
        }
        let population = match blank_to_none(self.population.as_deref()) {
            None => None,
            Some(text) => match text.replace(',', "").parse::<i64>() {
                Ok(n) if (0..=100_000_000).contains(&n) => Some(n),
                _ => {
                    errors.add(
                        "population",
                        "Population must be a whole number between 0 and 100,000,000",
                    );
                    None
                }
            },
        };
        errors.optional_text(
            "description",
            "a description",
            self.description.as_deref().unwrap_or(""),
            2000,
        );
        errors.into_result()?;
        Ok(ValidPlace {
            name: self.name.trim().to_string(),
            kind: kind.expect("validated"),
            parent_id,
            population,
            description: self.description.as_deref().unwrap_or("").trim().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(kind: &str, parent: Option<&str>, population: Option<&str>) -> PlaceDraft {
        PlaceDraft {
            name: "Riverside".into(),
            kind: kind.into(),
            parent_id: parent.map(Into::into),
            population: population.map(Into::into),
            description: None,
        }
    }

    #[test]
    fn neighbourhood_needs_a_place_and_a_place_has_none() {
        assert!(draft("neighbourhood", None, None)
            .validate()
            .unwrap_err()
            .for_field("parent_id")
            .is_some());
        assert!(draft("place", Some("p1"), None)
            .validate()
            .unwrap_err()
            .for_field("parent_id")
            .is_some());
        assert!(draft("neighbourhood", Some("p1"), None).validate().is_ok());
    }

    #[test]
    fn population_accepts_thousands_separators_and_rejects_words() {
        assert_eq!(
            draft("place", None, Some("312,400"))
                .validate()
                .unwrap()
                .population,
            Some(312_400)
        );
        for bad in ["lots", "-5", "1.5", "999999999999"] {
            assert!(
                draft("place", None, Some(bad))
                    .validate()
                    .unwrap_err()
                    .for_field("population")
                    .is_some(),
                "{bad}"
            );
        }
    }
}
