//! Boards (ICB, integrated care partnership, place and programme boards) and their members.

use crate::validation::{blank_to_none, ValidationErrors};
use crate::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What a board is for.
    BoardKind {
        IcbBoard => ("icb_board", "ICB board"),
        IntegratedCarePartnership => ("icp", "Integrated care partnership"),
        PlaceBoard => ("place_board", "Place board"),
        ProgrammeBoard => ("programme_board", "Programme board"),
        Committee => ("committee", "Committee"),
    }
}

vocabulary! {
    /// A person's seat on a board.
    BoardRole {
        Chair => ("chair", "Chair"),
        ViceChair => ("vice_chair", "Vice chair"),
        Member => ("member", "Member"),
        Attendee => ("attendee", "Attendee"),
    }
}

/// What a user submits to create or change a board.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct BoardDraft {
    /// The board's name.
    #[schema(required)]
    pub name: String,
    /// The kind code, for example `place_board`.
    #[schema(required)]
    pub kind: String,
    /// The id of the organisation that hosts the board.
    pub organisation_id: String,
    /// For a place board, the place it serves.
    #[serde(default)]
    pub place_id: Option<String>,
    /// The board's purpose, in brief.
    #[serde(default)]
    pub description: Option<String>,
    /// The terms of reference: remit, membership, quorum, delegated authority.
    #[serde(default)]
    pub terms_of_reference: Option<String>,
}

/// A validated board draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidBoard {
    /// Trimmed name.
    pub name: String,
    /// The kind.
    pub kind: BoardKind,
    /// Host organisation id.
    pub organisation_id: String,
    /// The place served, if any.
    pub place_id: Option<String>,
    /// Description (may be empty).
    pub description: String,
    /// Terms of reference (may be empty).
    pub terms_of_reference: String,
}

impl BoardDraft {
    /// Validates the draft; a place board must name its place.
    pub fn validate(&self) -> Result<ValidBoard, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.require_text("name", "a name", &self.name, 200);
        let kind = errors.require_code::<BoardKind>("kind", "a kind of board", &self.kind);
        if self.organisation_id.trim().is_empty() {
            errors.add(
                "organisation_id",
                "Select the organisation that hosts the board",
            );
        }
        let place_id = blank_to_none(self.place_id.as_deref());
        if kind == Some(BoardKind::PlaceBoard) && place_id.is_none() {
            errors.add("place_id", "Select the place this board serves");
        }
        errors.optional_text(
            "description",
            "a description",
            self.description.as_deref().unwrap_or(""),
            2000,
        );
        errors.optional_text(
            "terms_of_reference",
            "the terms of reference",
            self.terms_of_reference.as_deref().unwrap_or(""),
            20_000,
        );
        errors.into_result()?;
        Ok(ValidBoard {
            name: self.name.trim().to_string(),
            kind: kind.expect("validated"),
            organisation_id: self.organisation_id.trim().to_string(),
            place_id,
            description: self.description.as_deref().unwrap_or("").trim().to_string(),
            terms_of_reference: self
                .terms_of_reference
                .as_deref()
                .unwrap_or("")
                .trim()
                .to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_board_needs_a_place() {
        let d = BoardDraft {
            name: "Riverside Place Board".into(),
            kind: "place_board".into(),
            organisation_id: "o".into(),
            ..Default::default()
        };
        assert!(d.validate().unwrap_err().for_field("place_id").is_some());
        let d = BoardDraft {
            place_id: Some("p".into()),
            ..d
        };
        assert!(d.validate().is_ok());
    }
}
