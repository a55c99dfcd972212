//! Measurement engines for improvement work: is a measure changing, or is it noise?
//!
//! A partnership tracks measures over time (waiting times, admissions, uptake) and needs to know
//! when a change in the numbers is a change in the process. This crate answers that with the
//! standard tools of measurement for improvement:
//! - **run charts** ([`run_chart`]): the median and the four run chart rules of Perla, Provost and
//!   Murray (shift, trend, too few or too many runs, astronomical data point);
//! - **SPC charts** ([`spc`]): XmR charts, special-cause rules and the variation and assurance
//!   icons of NHS England's *Making Data Count*, reproducing NHSRplotthedots 0.2.2;
//! - **system finance** ([`finance`]): year-to-date and forecast positions, the system's net
//!   position judged by the year's rule set, pooled budgets and efficiency plans, exact to the penny.
//!
//! It is pure (no I/O, nothing about HTTP or storage): values go in as a slice, plain serialisable
//! data comes out, so an analyst can call it without the web service, and the web layer only
//! builds the input from the store and renders the output.

//! ```
//! use concord_measure::run_chart::{analyse, Rule, RunChartOptions};
//!
//! // Monthly percentages before and after a change made at month 13.
//! let values = [62.0, 58.0, 61.0, 59.0, 63.0, 60.0, 57.0, 61.0, 60.0, 59.0, 62.0, 58.0,
//!               66.0, 68.0, 67.0, 69.0, 70.0, 68.0, 71.0, 69.0];
//! let chart = analyse(&values, &RunChartOptions::with_baseline(12)).unwrap();
//! assert_eq!(chart.median, 60.0);
//! assert!(chart.signals.iter().any(|s| s.rule == Rule::Shift));
//! for signal in &chart.signals {
//!     println!("{}", signal.description());
//! }
//! ```

#![warn(missing_docs)]

pub mod finance;
pub mod run_chart;
pub mod spc;

pub use run_chart::{analyse, RunChart, RunChartError, RunChartOptions, Signal};
