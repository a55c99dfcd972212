//! Design: what-if scenarios of care pathways and waiting lists, simulated in the background with
//! their results, comparisons and partner ledgers.
//!
//! `routes` lists the capability's routes with their rules, `pages` renders its HTML pages
//! (templates under `templates/design/`), `results` turns a run's results into what people read,
//! `api` serves its JSON API; the use cases they share are in `concord_app::design`.

pub mod api;
pub mod pages;
pub mod results;
pub mod routes;
