//! Partnership: the registry of organisations, places, people, memberships and boards, sign-in and
//! accounts, and the audit log.
//!
//! `routes` lists the capability's routes with their rules, `pages` renders its HTML pages (templates
//! under `templates/foundation/`), `api` serves its JSON API; the use cases they share are in
//! `concord_app`.

pub mod api;
pub mod pages;
pub mod routes;
