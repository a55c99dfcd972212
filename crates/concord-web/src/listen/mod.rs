//! Listen and learn. Consultations: `consultations` (the partnership's pages: starting one,
//! questions, themes, "you said, we did", publishing and closing, entering a response gathered
//! another way), `respond` (the public pages and the response form), `tagging` (analysts tagging
//! free-text answers). The exchange between Concord systems: `well_known` serves what this
//! system publishes to anyone (the index, the public key, every signed version); `exchange` and
//! `peers` are the pages where administrators publish and subscribe and everyone signed in reads
//! what peers published beside their own figures (`document` draws a document for people;
//! `case_study` is where an administrator writes one to publish);
//! `exchange_api` is the same in the JSON API. The partnership trust pulse: `pulse` (its pages)
//! and `pulse_api`, over `concord_app::listen::pulse`; `relationships` draws who works with whom
//! with the pulse on each link. The use cases are in `concord_app::listen::exchange`.

pub mod case_study;
pub mod consultation_api;
pub mod consultations;
pub mod document;
pub mod exchange;
pub mod exchange_api;
pub mod peers;
pub mod pulse;
pub mod pulse_api;
pub mod relationships;
pub mod respond;
pub mod routes;
pub mod tagging;
pub mod well_known;
