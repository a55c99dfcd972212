//! Concord's partnership types and rules.
//!
//! This crate does no I/O: it holds the vocabulary of an Integrated Care System (organisations, places,
//! people, roles, boards), the validation rules for what a user may submit, and the authorisation policy
//! that decides who may do what. Everything above it (store, web, binary) speaks these types.

pub mod authz;
pub mod board;
pub mod calendar;
pub mod consent;
pub mod consultation;
pub mod design;
pub mod directory;
pub mod ethnicity;
pub mod export;
pub mod finance;
pub mod format;
pub mod grants;
pub mod identifiers;
pub mod improvement;
pub mod meeting;
pub mod metric;
pub mod nhs_number;
pub mod notification;
pub mod organisation;
pub mod person;
pub mod place;
pub mod programme;
pub mod pulse;
pub mod raid;
pub mod referral;
pub mod strategy;
pub mod validation;
pub mod worklist;

pub use authz::{decide, Action, Decision, Grant, Principal, Role};
pub use board::{BoardDraft, BoardKind, BoardRole};
pub use organisation::{OrgType, OrganisationDraft};
pub use person::{MembershipDraft, PersonDraft};
pub use place::{PlaceDraft, PlaceKind};
pub use validation::{FieldError, ValidationErrors};

/// Declares a closed vocabulary stored as a stable snake_case code and shown with a human label.
///
/// Each variant gets `as_str` (the stored code), `label` (for people) and `FromStr` (from the code).
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and used in the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The name shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Every value as (code, name) pairs, in display order: a select list's choices.
            pub fn choices() -> Vec<(String, String)> {
                Self::ALL.iter().map(|v| (v.as_str().to_string(), v.label().to_string())).collect()
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::validation::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($code => Ok($name::$variant),)+ _ => Err($crate::validation::UnknownCode(s.to_string())) }
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::validation::UnknownCode;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}
