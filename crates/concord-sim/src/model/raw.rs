//! The model file as written, before it is checked.

use crate::dist::DistSpec;
use crate::roster::RosterSpec;
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRun {
    #[serde(default = "default_time_unit")]
    pub time_unit: String,
    #[serde(default = "default_warm_up")]
    pub warm_up: Spanned<f64>,
    pub length: Spanned<f64>,
    #[serde(default = "default_replications")]
    pub replications: Spanned<i64>,
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default)]
    pub start: Option<Spanned<String>>,
    #[serde(default)]
    pub report_every: Option<Spanned<f64>>,
}

fn default_time_unit() -> String {
    "hour".into()
}
fn default_warm_up() -> Spanned<f64> {
    Spanned::new(0..0, 0.0)
}
fn default_replications() -> Spanned<i64> {
    Spanned::new(0..0, 10)
}
fn default_seed() -> u64 {
    1
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub name: Spanned<String>,
    pub to: Spanned<String>,
    #[serde(default)]
    pub class: Option<Spanned<String>>,
    pub arrivals: Spanned<DistSpec>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawClass {
    pub name: Spanned<String>,
    pub priority: Spanned<i64>,
    #[serde(default)]
    pub target: Option<Spanned<f64>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRoute {
    pub to: Spanned<String>,
    pub p: Spanned<f64>,
}

/// A caseload: `{ staff = 2, each = 50 }`, people held at once per member of staff.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCaseload {
    pub staff: i64,
    pub each: i64,
}

/// People waiting now who have waited this long: `{ waited = 168.0, people = 40, class = "routine" }`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWaiting {
    pub waited: f64,
    pub people: i64,
    #[serde(default)]
    pub class: Option<String>,
}

/// A cost charged to a partner: `{ partner = "Riverside ICB", per_contact = 45.0 }`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCost {
    pub partner: String,
    #[serde(default)]
    pub per_contact: Option<f64>,
    #[serde(default)]
    pub per_session: Option<f64>,
    #[serde(default)]
    pub per_staff_hour: Option<f64>,
    #[serde(default)]
    pub per_year: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNode {
    pub name: Spanned<String>,
    #[serde(default)]
    pub servers: Option<Spanned<i64>>,
    #[serde(default)]
    pub roster: Option<Spanned<RosterSpec>>,
    #[serde(default)]
    pub caseload: Option<Spanned<RawCaseload>>,
    #[serde(default)]
    pub capacity: Option<Spanned<i64>>,
    pub service: Spanned<DistSpec>,
    #[serde(default)]
    pub routes: Vec<RawRoute>,
    #[serde(default)]
    pub waiting_list: Option<String>,
    #[serde(default)]
    pub waiting_now: Vec<Spanned<RawWaiting>>,
    #[serde(default)]
    pub patience: Option<Spanned<DistSpec>>,
    #[serde(default)]
    pub reneged_to: Option<Spanned<String>>,
    #[serde(default)]
    pub did_not_attend: Option<Spanned<f64>>,
    #[serde(default)]
    pub did_not_attend_to: Option<Spanned<String>>,
    #[serde(default)]
    pub partner: Option<Spanned<String>>,
    #[serde(default)]
    pub costs: Vec<Spanned<RawCost>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawModel {
    pub run: RawRun,
    #[serde(default)]
    pub class: Vec<RawClass>,
    #[serde(default)]
    pub source: Vec<RawSource>,
    #[serde(default)]
    pub node: Vec<RawNode>,
    /// Where each parameter comes from: a path ("node.fcp.service") and its source.
    #[serde(default)]
    pub sources: std::collections::BTreeMap<String, String>,
}
