//! Agree: strategy rounds, partners' views and where they align, the shared vision, priorities and
//! objectives, and consent decisions.
//!
//! `routes` lists the capability's routes with their rules, `pages` renders its HTML pages (templates
//! under `templates/agree/`), `api` serves its JSON API; the use cases they share are in
//! `concord_app`.

pub mod api;
pub mod pages;
pub mod routes;
