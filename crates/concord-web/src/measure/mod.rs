//! Measure: the metric catalogue, SPC charts in the Making Data Count style, loaded values, and
//! system finance.
//!
//! `routes` lists the capability's routes with their rules, `pages` renders its HTML pages (templates
//! under `templates/measure/`), `api` serves its JSON API; the use cases they share are in
//! `concord_app`.

pub mod api;
pub mod pages;
pub mod routes;
