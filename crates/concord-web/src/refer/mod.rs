//! Refer: the service directory and referrals. `referral_forms`, `referral_pages` and
//! `referral_api` make, show and move referrals (the API also as FHIR R4). `pages` lets people find a service and import their own, and `capacity`
//! lets those who keep a service say how many places it has;
//! `open_referral` serves the directory to anyone as the Open Referral UK API (HSDS 3.0, read
//! only) at `/openreferral`; `routes` lists the capability's routes with their rules. The use
//! cases are in `concord_app::refer`.

pub mod capacity;
pub mod figures;
pub mod open_referral;
pub mod pages;
pub mod referral_api;
pub mod referral_forms;
pub mod referral_pages;
pub mod routes;
