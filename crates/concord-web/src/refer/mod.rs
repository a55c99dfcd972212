//! Refer: the service directory. `pages` lets people find a service and import their own;
//! `open_referral` serves the directory to anyone as the Open Referral UK API (HSDS 3.0, read
//! only) at `/openreferral`; `routes` lists the capability's routes with their rules. The use
//! cases are in `concord_app::refer`.

pub mod open_referral;
pub mod pages;
pub mod routes;
