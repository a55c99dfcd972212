//! Govern and deliver: integration programmes with their RAID, milestones and benefits, board
//! meetings, decisions and actions, board packs and highlight reports, and frontline improvement.
//!
//! `routes` lists the capability's routes with their rules, `pages` renders its HTML pages (templates
//! under `templates/deliver/`), `api` serves its JSON API; the use cases they share are in
//! `concord_app`.

pub mod api;
pub mod pages;
pub mod routes;
