//! `concord-sim`: discrete-event simulation of care pathways and waiting lists, for Concord's
//! Design capability.
//!
//! A library: it reads a model ([`model::Model::from_toml`]) and returns results
//! ([`run::run`]); it has no web or database code. The engine ([`engine`]) keeps an event heap
//! with first-in-first-out ties and nothing per person beyond who is in the system now; statistics
//! are online ([`stats`]). Replications run in parallel and give the same numbers whatever the
//! thread count; every source of randomness has its own named stream, so scenarios share random
//! numbers and their paired differences are meaningful.

pub mod arrivals;
pub mod calendar;
pub mod compare;
pub mod dist;
pub mod engine;
pub mod model;
pub mod roster;
pub mod run;
pub mod stats;
pub mod waitlist;
pub mod waitlist_check;

pub use compare::{compare, compare_reporting, Comparison};
pub use model::{Model, ModelError};
pub use run::{run, run_reporting, run_to_precision, RunOptions, RunResult};

/// A model to start from: the GP, first-contact physiotherapy and MSK clinic network.
pub const EXAMPLE_MODEL: &str = include_str!("../models/gp-fcp-msk.toml");
