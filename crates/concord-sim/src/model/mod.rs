//! Models: a pathway as sources of arrivals and service nodes joined by routes, read from TOML.
//!
//! Every refusal names where it is: `line L, column C: what is wrong`, for a syntax error as for a
//! route to a node that does not exist, probabilities over 1, a negative rate, zero servers or an
//! unknown distribution. A model file is at most [`MAX_MODEL_BYTES`] long and names at most
//! [`MAX_NODES`] nodes and [`MAX_SOURCES`] sources.

mod build;
mod raw;
mod waiting_list;

pub use waiting_list::MAX_WAITING;

use crate::arrivals::Arrivals;
use crate::calendar::Calendar;
use crate::dist::Dist;
use crate::roster::Roster;

/// The longest model file read.
pub const MAX_MODEL_BYTES: usize = 1024 * 1024;
/// The most nodes in a model.
pub const MAX_NODES: usize = 500;
/// The most sources in a model.
pub const MAX_SOURCES: usize = 500;
/// The most replications one run may ask for.
pub const MAX_REPLICATIONS: u32 = 10_000;

/// What is wrong with a model, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.located())]
pub struct ModelError {
    /// The line (from 1), if known.
    pub line: Option<usize>,
    /// The column (from 1), if known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl ModelError {
    fn located(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("line {l}, column {c}: {}", self.message),
            _ => self.message.clone(),
        }
    }

    pub(crate) fn at(text: &str, offset: usize, message: impl Into<String>) -> ModelError {
        let before = &text[..offset.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .map_or(1, |l| l.chars().count() + 1);
        ModelError {
            line: Some(line),
            column: Some(column),
            message: message.into(),
        }
    }
}

/// How a run is set up.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSettings {
    /// The unit every time is in ("hour", "day" ...), for the reader.
    pub time_unit: String,
    /// Time simulated before statistics are collected.
    pub warm_up: f64,
    /// Time over which statistics are collected.
    pub length: f64,
    /// Independent replications.
    pub replications: u32,
    /// The seed every random stream is derived from.
    pub seed: u64,
    /// The day the run starts ("today"), which waiting lists' referral dates count from.
    pub start: Option<chrono::NaiveDate>,
    /// The width of each interval of the results over time (queue length and waits for fan
    /// charts); chosen to give about 100 intervals when the model does not say.
    pub report_every: f64,
}

/// A priority class (urgent, soon, routine): lower priorities are seen first; people of one
/// priority are seen in the order they arrived. Service is not interrupted for a more urgent
/// arrival.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    /// Its name.
    pub name: String,
    /// 1 is seen first.
    pub priority: i64,
    /// The waiting-time target at each node, if it has one.
    pub target: Option<f64>,
    /// Its place among the distinct priorities, most urgent first (0, 1, ...).
    pub level: usize,
}

/// A source of arrivals into the pathway.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Its name.
    pub name: String,
    /// The node its arrivals go to.
    pub to: usize,
    /// The class of its arrivals.
    pub class: usize,
    /// How its arrivals come.
    pub arrivals: Arrivals,
    /// How its arrivals were worked out, for the run report.
    pub described: String,
}

/// A route out of a node.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The node.
    pub to: usize,
    /// The probability of taking it.
    pub p: f64,
}

/// Who serves at a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Staffing {
    /// This many servers, always on duty.
    Servers(u32),
    /// Staff on duty by a roster of sessions.
    Roster(Box<Roster>),
    /// A caseload: each of `staff` holds up to `each` people at once (a link worker's caseload,
    /// beds), for as long as the service time (weeks rather than minutes).
    Caseload {
        /// Staff (or wards).
        staff: u32,
        /// People each holds at once.
        each: u32,
    },
}

/// A cost of a node, charged to the partner that pays it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cost {
    /// The partner (an index into [`Model::partners`]).
    pub partner: usize,
    /// Per contact: each person starting service, and each appointment missed.
    pub per_contact: f64,
    /// Per staff-session of a roster that takes place.
    pub per_session: f64,
    /// Per hour a member of staff is on duty.
    pub per_staff_hour: f64,
    /// A year, whatever happens (a salary, a lease).
    pub per_year: f64,
}

/// A service node: servers, an optional capacity, a service time and routes onward.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Its name.
    pub name: String,
    /// The most serving at once (servers, the roster's busiest moment, or a caseload's places).
    pub servers: u32,
    /// Who serves.
    pub staffing: Staffing,
    /// The share of people who do not attend when their turn comes: their slot is lost.
    pub did_not_attend: f64,
    /// Where those who do not attend go (None: they are discharged).
    pub did_not_attend_to: Option<usize>,
    /// The partner that runs it, if the model says.
    pub partner: Option<usize>,
    /// Its costs.
    pub costs: Vec<Cost>,
    /// The most people in the node, waiting or served (None: no limit); more are refused.
    pub capacity: Option<u32>,
    /// Time in service.
    pub service: Dist,
    /// Routes onward; with probability 1 - their sum a person leaves.
    pub routes: Vec<Route>,
    /// How long a person waits before giving up (None: everyone waits to be seen).
    pub patience: Option<Dist>,
    /// Where those who give up go (None: they leave the pathway).
    pub reneged_to: Option<usize>,
    /// The file of people already waiting, as the model names it (read by the caller and
    /// given to [`Model::attach_waiting_list`]).
    pub waiting_list_file: Option<String>,
    /// People waiting when the run starts, longest-waiting first.
    pub initial: Vec<Waiting>,
}

/// Someone already waiting when the run starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Waiting {
    /// How long they have waited at the start, in the model's time unit.
    pub waited: f64,
    /// Their class.
    pub class: usize,
}

/// A model ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The run settings.
    pub run: RunSettings,
    /// The priority classes (one, "all", when the model names none).
    pub classes: Vec<Class>,
    /// Whether the model named its classes (results then show each class).
    pub has_classes: bool,
    /// The sources.
    pub sources: Vec<Source>,
    /// The nodes.
    pub nodes: Vec<Node>,
    /// The partners that run nodes or pay their costs, in the order the model names them.
    pub partners: Vec<String>,
    /// The calendar time runs on.
    pub calendar: Calendar,
    /// Where parameters come from, by path ("node.fcp.service"): a citation or "local data", as
    /// the model's `[sources]` table gives them.
    pub citations: std::collections::BTreeMap<String, String>,
    /// FNV-1a hash (hex) of the text the model was read from.
    pub hash: String,
}

/// A parameter of a model, as people read it, with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Parameter {
    /// Its path, as `[sources]` names it: "source.patients.arrivals", "node.fcp.service".
    pub path: String,
    /// What it is set to.
    pub value: String,
    /// Where it comes from (None: the model does not say).
    pub source: Option<String>,
}

impl Model {
    /// Every parameter, in the model's order, with its source.
    pub fn parameters(&self) -> Vec<Parameter> {
        let mut out = Vec::new();
        let mut add = |path: String, value: String| {
            let source = self.citations.get(&path).cloned();
            out.push(Parameter {
                path,
                value,
                source,
            });
        };
        for source in &self.sources {
            add(
                format!("source.{}.arrivals", source.name),
                source.described.clone(),
            );
        }
        for node in &self.nodes {
            let at = |what: &str| format!("node.{}.{what}", node.name);
            let staffing = match &node.staffing {
                Staffing::Servers(n) => format!("{n} servers"),
                Staffing::Roster(r) => format!(
                    "a roster: at most {} on duty, {} staff-sessions a week{}",
                    r.most,
                    r.staff_sessions.iter().sum::<u32>(),
                    if r.bank_holidays {
                        ", closed on bank holidays"
                    } else {
                        ""
                    }
                ),
                Staffing::Caseload { staff, each } => {
                    format!("a caseload: {staff} staff holding {each} people each")
                }
            };
            add(at("staffing"), staffing);
            add(at("service"), node.service.describe());
            if !node.initial.is_empty() {
                let longest = node.initial.first().map_or(0.0, |w| w.waited);
                add(
                    at("waiting_now"),
                    format!(
                        "{} waiting now, the longest for {} {}s",
                        node.initial.len(),
                        (longest * 10.0).round() / 10.0,
                        self.run.time_unit
                    ),
                );
            }
            if let Some(c) = node.capacity {
                add(at("capacity"), format!("at most {c} in the node"));
            }
            if !node.routes.is_empty() {
                let routes: Vec<String> = node
                    .routes
                    .iter()
                    .map(|r| format!("{:.1}% to {}", r.p * 100.0, self.nodes[r.to].name))
                    .collect();
                add(at("routes"), routes.join(", "));
            }
            if node.did_not_attend > 0.0 {
                add(
                    at("did_not_attend"),
                    format!("{:.1}% do not attend", node.did_not_attend * 100.0),
                );
            }
            if let Some(p) = &node.patience {
                add(at("patience"), p.describe());
            }
            for cost in &node.costs {
                let mut parts = Vec::new();
                for (amount, what) in [
                    (cost.per_contact, "a contact"),
                    (cost.per_session, "a staff-session"),
                    (cost.per_staff_hour, "a staff-hour"),
                    (cost.per_year, "a year"),
                ] {
                    if amount > 0.0 {
                        parts.push(format!("£{amount} {what}"));
                    }
                }
                add(
                    at("costs"),
                    format!(
                        "{} paid by {}",
                        parts.join(" + "),
                        self.partners[cost.partner]
                    ),
                );
            }
        }
        out
    }
}

impl Model {
    /// Reads a model from TOML text.
    pub fn from_toml(text: &str) -> Result<Model, ModelError> {
        if text.len() > MAX_MODEL_BYTES {
            return Err(ModelError {
                line: None,
                column: None,
                message: format!(
                    "the model is {} bytes; the most read is {MAX_MODEL_BYTES}",
                    text.len()
                ),
            });
        }
        let raw: raw::RawModel = toml::from_str(text).map_err(|err| {
            let message = err.message().to_string();
            match err.span() {
                Some(span) => ModelError::at(text, span.start, message),
                None => ModelError {
                    line: None,
                    column: None,
                    message,
                },
            }
        })?;
        build::build(text, raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[run]
length = 100
seed = 3

[[source]]
name = "referrals"
to = "clinic"
arrivals = { dist = "poisson", rate = 2.0 }

[[node]]
name = "clinic"
servers = 3
service = { dist = "exponential", mean = 1.0 }
"#;

    fn refusal(text: &str) -> String {
        Model::from_toml(text).unwrap_err().to_string()
    }

    #[test]
    fn a_good_model_is_read() {
        let model = Model::from_toml(GOOD).unwrap();
        assert_eq!(model.nodes[0].servers, 3);
        assert_eq!(model.sources[0].to, 0);
        assert_eq!(model.run.replications, 10);
    }

    #[test]
    fn refusals_say_where_and_what() {
        let unknown = GOOD.replace("to = \"clinic\"", "to = \"clinc\"");
        assert_eq!(
            refusal(&unknown),
            "line 8, column 6: there is no node called \"clinc\""
        );
        let zero = GOOD.replace("servers = 3", "servers = 0");
        assert!(refusal(&zero).starts_with("line 13, column 11: servers must be"));
        let negative = GOOD.replace("rate = 2.0", "rate = -2.0");
        assert!(
            refusal(&negative).starts_with("line 9, column 12: arrivals: "),
            "{}",
            refusal(&negative)
        );
        let unknown_dist = GOOD.replace("\"exponential\"", "\"expo\"");
        assert!(
            refusal(&unknown_dist).contains("line 14"),
            "{}",
            refusal(&unknown_dist)
        );
        assert!(refusal(&unknown_dist).contains("expo"));
        let over = format!(
            "{GOOD}routes = [ {{ to = \"clinic\", p = 0.7 }}, {{ to = \"clinic\", p = 0.4 }} ]\n"
        );
        assert!(
            refusal(&over).contains("add up to more than 1"),
            "{}",
            refusal(&over)
        );
        let classes = GOOD.replace(
            "[[source]]",
            "[[class]]\nname = \"urgent\"\npriority = 1\n\n[[source]]",
        );
        assert!(
            refusal(&classes).contains("name this source's class"),
            "{}",
            refusal(&classes)
        );
        let wrong_class =
            classes.replace("to = \"clinic\"\n", "to = \"clinic\"\nclass = \"soon\"\n");
        assert!(
            refusal(&wrong_class).contains("there is no class called \"soon\""),
            "{}",
            refusal(&wrong_class)
        );
        let syntax = GOOD.replace("servers = 3", "servers = ");
        assert!(
            refusal(&syntax).starts_with("line 13"),
            "{}",
            refusal(&syntax)
        );
    }
}
