//! Listen and learn. So far the exchange between Concord systems: `well_known` serves what this
//! system publishes to anyone (the index, the public key, every signed version); `exchange` and
//! `peers` are the pages where administrators publish and subscribe and everyone signed in reads
//! what peers published beside their own figures (`document` draws a document for people);
//! `exchange_api` is the same in the JSON API. The use cases are in `concord_app::listen::exchange`.

pub mod document;
pub mod exchange;
pub mod exchange_api;
pub mod peers;
pub mod routes;
pub mod well_known;
