//! Models: a pathway as sources of arrivals and service nodes joined by routes, read from TOML.
//!
//! Every refusal names where it is: `line L, column C: what is wrong`, for a syntax error as for a
//! route to a node that does not exist, probabilities over 1, a negative rate, zero servers or an
//! unknown distribution. A model file is at most [`MAX_MODEL_BYTES`] long and names at most
//! [`MAX_NODES`] nodes and [`MAX_SOURCES`] sources.

use crate::dist::{Dist, DistSpec};
use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

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

    fn at(text: &str, offset: usize, message: impl Into<String>) -> ModelError {
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

/// The run settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRun {
    #[serde(default = "default_time_unit")]
    time_unit: String,
    #[serde(default = "default_warm_up")]
    warm_up: Spanned<f64>,
    length: Spanned<f64>,
    #[serde(default = "default_replications")]
    replications: Spanned<i64>,
    #[serde(default = "default_seed")]
    seed: u64,
    #[serde(default)]
    start: Option<Spanned<String>>,
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
struct RawSource {
    name: Spanned<String>,
    to: Spanned<String>,
    #[serde(default)]
    class: Option<Spanned<String>>,
    arrivals: Spanned<DistSpec>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClass {
    name: Spanned<String>,
    priority: Spanned<i64>,
    #[serde(default)]
    target: Option<Spanned<f64>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoute {
    to: Spanned<String>,
    p: Spanned<f64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    name: Spanned<String>,
    servers: Spanned<i64>,
    #[serde(default)]
    capacity: Option<Spanned<i64>>,
    service: Spanned<DistSpec>,
    #[serde(default)]
    routes: Vec<RawRoute>,
    #[serde(default)]
    waiting_list: Option<String>,
    #[serde(default)]
    patience: Option<Spanned<DistSpec>>,
    #[serde(default)]
    reneged_to: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    run: RawRun,
    #[serde(default)]
    class: Vec<RawClass>,
    #[serde(default)]
    source: Vec<RawSource>,
    #[serde(default)]
    node: Vec<RawNode>,
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
    /// Time between arrivals.
    pub interarrival: Dist,
}

/// A route out of a node.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The node.
    pub to: usize,
    /// The probability of taking it.
    pub p: f64,
}

/// A service node: servers, an optional capacity, a service time and routes onward.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Its name.
    pub name: String,
    /// Servers working at once.
    pub servers: u32,
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
    /// FNV-1a hash (hex) of the text the model was read from.
    pub hash: String,
}

/// The probabilities of a node's routes may exceed 1 by this much (rounding in a file).
const PROBABILITY_SLACK: f64 = 1e-9;

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
        let raw: RawModel = toml::from_str(text).map_err(|err| {
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
        build(text, raw)
    }
}

/// The most people a waiting list file may hold.
pub const MAX_WAITING: usize = 1_000_000;

impl Model {
    /// Reads the people already waiting at node `node` from a CSV file's text: a header row, then
    /// one person a row with `referral_date` (YYYY-MM-DD, no later than the run's `start`) and,
    /// when the model has classes, `class`. Refusals name the file's line. Gives how many.
    pub fn attach_waiting_list(
        &mut self,
        node: usize,
        csv_text: &str,
    ) -> Result<usize, ModelError> {
        let fail = |line: usize, message: String| ModelError {
            line: Some(line),
            column: None,
            message: format!(
                "waiting list of \"{}\", line {line}: {message}",
                self.nodes[node].name
            ),
        };
        let Some(start) = self.run.start else {
            return Err(ModelError {
                line: None,
                column: None,
                message: "a waiting list needs the run's start date ([run] start = \"YYYY-MM-DD\")"
                    .into(),
            });
        };
        let per_day = match self.run.time_unit.as_str() {
            "minute" => 1440.0,
            "hour" => 24.0,
            "day" => 1.0,
            "week" => 1.0 / 7.0,
            other => {
                return Err(ModelError {
                    line: None,
                    column: None,
                    message: format!(
                    "a waiting list needs time_unit minute, hour, day or week (it is \"{other}\")"
                ),
                })
            }
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(csv_text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| fail(1, e.to_string()))?
            .clone();
        let column = |name: &str| headers.iter().position(|h| h.trim() == name);
        let referral = column("referral_date")
            .ok_or_else(|| fail(1, "there is no referral_date column".into()))?;
        let class_column = column("class");
        if self.has_classes && class_column.is_none() {
            return Err(fail(1, "the model has classes: add a class column".into()));
        }
        let mut people = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record = record.map_err(|e| fail(line, e.to_string()))?;
            if people.len() >= MAX_WAITING {
                return Err(fail(
                    line,
                    format!("a waiting list may hold at most {MAX_WAITING} people"),
                ));
            }
            let text = record.get(referral).unwrap_or("").trim();
            let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                fail(
                    line,
                    format!("referral_date \"{text}\" is not a date written YYYY-MM-DD"),
                )
            })?;
            if day > start {
                return Err(fail(
                    line,
                    format!("referral_date {day} is after the run's start, {start}"),
                ));
            }
            let class = match class_column {
                None => 0,
                Some(c) => {
                    let name = record.get(c).unwrap_or("").trim();
                    self.classes
                        .iter()
                        .position(|k| k.name == name)
                        .ok_or_else(|| fail(line, format!("there is no class called \"{name}\"")))?
                }
            };
            people.push(Waiting {
                waited: (start - day).num_days() as f64 * per_day,
                class,
            });
        }
        people.sort_by(|a, b| b.waited.total_cmp(&a.waited));
        let count = people.len();
        self.nodes[node].initial = people;
        Ok(count)
    }
}

/// The model's classes, with their levels; one class, "all", when it names none.
fn classes(text: &str, raw: &[RawClass]) -> Result<Vec<Class>, ModelError> {
    if raw.is_empty() {
        return Ok(vec![Class {
            name: "all".into(),
            priority: 1,
            target: None,
            level: 0,
        }]);
    }
    let mut priorities: Vec<i64> = raw.iter().map(|c| *c.priority.get_ref()).collect();
    priorities.sort_unstable();
    priorities.dedup();
    let mut classes = Vec::with_capacity(raw.len());
    for class in raw {
        let name = class.name.get_ref().trim();
        if name.is_empty() || classes.iter().any(|c: &Class| c.name == name) {
            return Err(ModelError::at(
                text,
                class.name.span().start,
                "each class needs a name of its own",
            ));
        }
        let target = match &class.target {
            Some(t) if t.get_ref().is_finite() && *t.get_ref() > 0.0 => Some(*t.get_ref()),
            Some(t) => {
                return Err(ModelError::at(
                    text,
                    t.span().start,
                    "a class's target must be a time above 0",
                ))
            }
            None => None,
        };
        let priority = *class.priority.get_ref();
        classes.push(Class {
            name: name.to_string(),
            priority,
            target,
            level: priorities.binary_search(&priority).unwrap_or(0),
        });
    }
    Ok(classes)
}

/// FNV-1a (64 bits) of `text`, in hex.
fn fnv1a_hex(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn build(text: &str, raw: RawModel) -> Result<Model, ModelError> {
    let at =
        |span: std::ops::Range<usize>, message: String| ModelError::at(text, span.start, message);
    let run = &raw.run;
    if !(run.length.get_ref().is_finite() && *run.length.get_ref() > 0.0) {
        return Err(at(
            run.length.span(),
            "the run's length must be a number above 0".into(),
        ));
    }
    if !(run.warm_up.get_ref().is_finite() && *run.warm_up.get_ref() >= 0.0) {
        return Err(at(
            run.warm_up.span(),
            "the warm-up must be 0 or more".into(),
        ));
    }
    let replications = *run.replications.get_ref();
    if replications < 1 || replications > i64::from(MAX_REPLICATIONS) {
        return Err(at(
            run.replications.span(),
            format!("replications must be from 1 to {MAX_REPLICATIONS}"),
        ));
    }
    if raw.node.is_empty() {
        return Err(ModelError {
            line: None,
            column: None,
            message: "the model has no [[node]]".into(),
        });
    }
    if raw.node.len() > MAX_NODES || raw.source.len() > MAX_SOURCES {
        return Err(ModelError {
            line: None,
            column: None,
            message: format!(
                "a model may have at most {MAX_NODES} nodes and {MAX_SOURCES} sources"
            ),
        });
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, node) in raw.node.iter().enumerate() {
        let name = node.name.get_ref().trim();
        if name.is_empty() {
            return Err(at(node.name.span(), "a node needs a name".into()));
        }
        if index.insert(name, i).is_some() {
            return Err(at(
                node.name.span(),
                format!("there are two nodes called \"{name}\""),
            ));
        }
    }
    let find = |name: &Spanned<String>| -> Result<usize, ModelError> {
        index.get(name.get_ref().trim()).copied().ok_or_else(|| {
            at(
                name.span(),
                format!("there is no node called \"{}\"", name.get_ref()),
            )
        })
    };
    let mut nodes = Vec::with_capacity(raw.node.len());
    for node in &raw.node {
        let servers = *node.servers.get_ref();
        if !(1..=1_000_000).contains(&servers) {
            return Err(at(
                node.servers.span(),
                format!("servers must be a whole number from 1 to 1,000,000 (it is {servers})"),
            ));
        }
        let capacity = match &node.capacity {
            None => None,
            Some(c) if *c.get_ref() >= servers && *c.get_ref() <= 100_000_000 => {
                Some(u32::try_from(*c.get_ref()).unwrap_or(u32::MAX))
            }
            Some(c) => {
                return Err(at(
                    c.span(),
                    format!("capacity must be at least the number of servers ({servers})"),
                ))
            }
        };
        let service = node
            .service
            .get_ref()
            .to_dist()
            .map_err(|m| at(node.service.span(), format!("service time: {m}")))?;
        let mut routes = Vec::with_capacity(node.routes.len());
        let mut total = 0.0;
        for route in &node.routes {
            let p = *route.p.get_ref();
            if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
                return Err(at(
                    route.p.span(),
                    format!("a route's p must be from 0 to 1 (it is {p})"),
                ));
            }
            total += p;
            if total > 1.0 + PROBABILITY_SLACK {
                return Err(at(
                    route.p.span(),
                    format!(
                        "the routes out of \"{}\" add up to more than 1 ({total})",
                        node.name.get_ref()
                    ),
                ));
            }
            routes.push(Route {
                to: find(&route.to)?,
                p,
            });
        }
        nodes.push(Node {
            name: node.name.get_ref().trim().to_string(),
            servers: u32::try_from(servers).unwrap_or(u32::MAX),
            capacity,
            service,
            routes,
            waiting_list_file: node.waiting_list.clone(),
            initial: Vec::new(),
            patience: match &node.patience {
                None => None,
                Some(p) => Some(
                    p.get_ref()
                        .to_dist()
                        .map_err(|m| at(p.span(), format!("patience: {m}")))?,
                ),
            },
            reneged_to: match &node.reneged_to {
                None => None,
                Some(to) => Some(find(to)?),
            },
        });
    }
    let classes = classes(text, &raw.class)?;
    let mut sources = Vec::with_capacity(raw.source.len());
    for source in &raw.source {
        let class = match &source.class {
            None if raw.class.is_empty() => 0,
            None => {
                return Err(at(
                    source.name.span(),
                    "the model has classes: name this source's class".into(),
                ))
            }
            Some(name) => classes
                .iter()
                .position(|c| c.name == name.get_ref().trim())
                .ok_or_else(|| {
                    at(
                        name.span(),
                        format!("there is no class called \"{}\"", name.get_ref()),
                    )
                })?,
        };
        let interarrival = source
            .arrivals
            .get_ref()
            .to_interarrival()
            .map_err(|m| at(source.arrivals.span(), format!("arrivals: {m}")))?;
        sources.push(Source {
            name: source.name.get_ref().trim().to_string(),
            to: find(&source.to)?,
            class,
            interarrival,
        });
    }
    Ok(Model {
        run: RunSettings {
            time_unit: run.time_unit.clone(),
            warm_up: *run.warm_up.get_ref(),
            length: *run.length.get_ref(),
            replications: u32::try_from(replications).unwrap_or(1),
            seed: run.seed,
            start: match &run.start {
                None => None,
                Some(day) => Some(
                    chrono::NaiveDate::parse_from_str(day.get_ref().trim(), "%Y-%m-%d").map_err(
                        |_| at(day.span(), "start must be a date written YYYY-MM-DD".into()),
                    )?,
                ),
            },
        },
        has_classes: !raw.class.is_empty(),
        classes,
        sources,
        nodes,
        hash: fnv1a_hex(text),
    })
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
