//! Listen and learn. Consultations: `consultations` (the partnership's pages: starting one,
//! questions, themes, "you said, we did", publishing and closing, entering a response gathered
//! another way), `respond` (the public pages and the response form), `tagging` (analysts tagging
//! free-text answers). The exchange between Concord systems: `well_known` serves what this
//! system publishes to anyone (the index, the public key, every signed version); `exchange` and
//! `peers` are the pages where administrators publish and subscribe and everyone signed in reads
//! what peers published beside their own figures (`document` draws a document for people);
//! `exchange_api` is the same in the JSON API. The use cases are in `concord_app::listen::exchange`.

pub mod consultation_api;
pub mod consultations;
pub mod document;
pub mod exchange;
pub mod exchange_api;
pub mod peers;
pub mod respond;
pub mod routes;
pub mod tagging;
pub mod well_known;
