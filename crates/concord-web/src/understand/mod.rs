//! Understand: the pseudonymised population picture, cohorts with their published counts, and
//! direct-care worklists.
//!
//! `routes` lists the capability's routes with their rules, `pages` renders its HTML pages (templates
//! under `templates/understand/`), `api` serves its JSON API; the use cases they share are in
//! `concord_app`.

pub mod api;
pub mod pages;
pub mod routes;
