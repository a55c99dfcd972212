//! Refer: the service directory to the Open Referral UK standard ([`directory`]): VCSE partners'
//! services and councils' feeds, imported and exported as HSDS, found by anyone signed in and
//! served to anyone through the Open Referral API; and referrals to those services across
//! organisations ([`referrals`]), with their figures ([`figures`]) and their measures in the
//! measurement catalogue ([`measures`]), and the VCSE partners' capacity and funding by place
//! ([`provision`]); SWEMWBS where a system holds its licence ([`settings`]).

pub mod directory;
pub mod fhir;
pub mod figures;
pub mod measures;
pub mod provision;
pub mod referrals;
pub mod settings;
