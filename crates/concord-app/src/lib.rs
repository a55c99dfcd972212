//! Concord's application layer: the use cases that the web pages, the JSON API and the CLI share.
//!
//! A use case takes the person asking, checks permission through the one authoriser
//! ([`authz`]), reads through the store, runs an engine and returns domain results. Nothing here
//! knows about HTTP (this crate does not depend on a web framework): pages and API handlers turn
//! requests into calls here and results into HTML or JSON, and the `concord` binary does the same
//! for its commands. It is its own crate so that the compiler keeps that promise, and so that new
//! capabilities (simulation, referrals, listening) plug in here once and are served by every
//! front end.

pub mod alignment;
pub mod authz;
pub mod deliver;
pub mod design;
pub mod finance;
pub mod listen;
pub mod measure;
pub mod notify;
pub mod population;
pub mod refer;
pub mod work;

pub use authz::{authorise, may, may_act_for, ActFor, Rule, Target};
