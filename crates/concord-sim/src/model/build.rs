//! Checking a model as written and building the model that runs.

use super::raw::*;
use super::*;
use crate::calendar::units_per_day;
use std::collections::HashMap;
use toml::Spanned;

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

/// The probabilities of a node's routes may exceed 1 by this much (rounding in a file).
const PROBABILITY_SLACK: f64 = 1e-9;

/// The most intervals of results over time.
pub const MAX_INTERVALS: f64 = 20_000.0;

/// A round interval (1, 2 or 5 times a power of ten) giving about 100 over `horizon`.
fn round_interval(horizon: f64) -> f64 {
    let raw = horizon / 100.0;
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|step| *step >= raw)
        .unwrap_or(10.0 * power)
}

type At<'t> = dyn Fn(std::ops::Range<usize>, String) -> ModelError + 't;

fn run_settings(run: &RawRun, at: &At) -> Result<RunSettings, ModelError> {
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
    let horizon = run.warm_up.get_ref() + run.length.get_ref();
    let report_every = match &run.report_every {
        None => round_interval(horizon),
        Some(every) => {
            let value = *every.get_ref();
            if !(value.is_finite() && value > 0.0 && horizon / value <= MAX_INTERVALS) {
                return Err(at(
                    every.span(),
                    format!(
                        "report_every must be above 0 and give at most {MAX_INTERVALS} intervals over the warm-up and length"
                    ),
                ));
            }
            value
        }
    };
    Ok(RunSettings {
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
        report_every,
    })
}

/// Who serves at `node`: servers, a roster or a caseload (exactly one). A roster needs a time
/// unit the calendar knows (checked by the caller).
fn staffing(node: &RawNode, calendar: &Calendar, at: &At) -> Result<Staffing, ModelError> {
    let given = [
        node.servers.is_some(),
        node.roster.is_some(),
        node.caseload.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(at(
            node.name.span(),
            format!(
                "\"{}\" needs exactly one of servers, roster or caseload",
                node.name.get_ref()
            ),
        ));
    }
    if let Some(servers) = &node.servers {
        let n = *servers.get_ref();
        if !(1..=1_000_000).contains(&n) {
            return Err(at(
                servers.span(),
                format!("servers must be a whole number from 1 to 1,000,000 (it is {n})"),
            ));
        }
        return Ok(Staffing::Servers(u32::try_from(n).unwrap_or(1)));
    }
    if let Some(roster) = &node.roster {
        let roster = roster
            .get_ref()
            .to_roster(calendar.per_day, calendar.start.is_some())
            .map_err(|m| at(roster.span(), format!("roster: {m}")))?;
        return Ok(Staffing::Roster(Box::new(roster)));
    }
    let caseload = node.caseload.as_ref().expect("one of the three is given");
    let RawCaseload { staff, each } = *caseload.get_ref();
    if !(1..=100_000).contains(&staff) || !(1..=10_000).contains(&each) {
        return Err(at(
            caseload.span(),
            "a caseload needs staff from 1 to 100,000 and each from 1 to 10,000".into(),
        ));
    }
    Ok(Staffing::Caseload {
        staff: u32::try_from(staff).unwrap_or(1),
        each: u32::try_from(each).unwrap_or(1),
    })
}

/// The index of `name` among `partners`, added if new.
fn partner_index(partners: &mut Vec<String>, name: &str) -> usize {
    let name = name.trim();
    partners.iter().position(|p| p == name).unwrap_or_else(|| {
        partners.push(name.to_string());
        partners.len() - 1
    })
}

fn costs(
    node: &RawNode,
    staffing: &Staffing,
    per_day: Option<f64>,
    partners: &mut Vec<String>,
    at: &At,
) -> Result<Vec<Cost>, ModelError> {
    let mut out = Vec::with_capacity(node.costs.len());
    for cost in &node.costs {
        let raw = cost.get_ref();
        let amount = |v: Option<f64>| -> Result<f64, ModelError> {
            match v {
                None => Ok(0.0),
                Some(x) if (0.0..=1e12).contains(&x) => Ok(x),
                Some(x) => Err(at(
                    cost.span(),
                    format!("a cost must be from 0 to 1,000,000,000,000 (it is {x})"),
                )),
            }
        };
        if raw.partner.trim().is_empty() {
            return Err(at(
                cost.span(),
                "a cost needs the partner that pays it".into(),
            ));
        }
        if (raw.per_staff_hour.is_some() || raw.per_year.is_some()) && per_day.is_none() {
            return Err(at(
                cost.span(),
                "per_staff_hour and per_year need time_unit minute, hour, day or week".into(),
            ));
        }
        if raw.per_session.is_some() && !matches!(staffing, Staffing::Roster(_)) {
            return Err(at(
                cost.span(),
                "per_session needs a roster (sessions are the roster's)".into(),
            ));
        }
        out.push(Cost {
            partner: partner_index(partners, &raw.partner),
            per_contact: amount(raw.per_contact)?,
            per_session: amount(raw.per_session)?,
            per_staff_hour: amount(raw.per_staff_hour)?,
            per_year: amount(raw.per_year)?,
        });
    }
    Ok(out)
}

/// The people waiting at `node` now, from its `waiting_now` table (how many have waited how
/// long), longest-waiting first.
fn waiting_now(node: &RawNode, classes: &[RawClass], at: &At) -> Result<Vec<Waiting>, ModelError> {
    let mut people = Vec::new();
    for row in &node.waiting_now {
        let RawWaiting {
            waited,
            people: count,
            class,
        } = row.get_ref();
        if !(waited.is_finite() && *waited >= 0.0) {
            return Err(at(row.span(), "waited must be a time of 0 or more".into()));
        }
        if *count < 0 || people.len() as i64 + count > MAX_WAITING as i64 {
            return Err(at(
                row.span(),
                format!("people must be 0 or more, and at most {MAX_WAITING} in all"),
            ));
        }
        let class = match (class, classes.is_empty()) {
            (None, true) => 0,
            (None, false) => {
                return Err(at(
                    row.span(),
                    "the model has classes: name this row's class".into(),
                ))
            }
            (Some(name), _) => classes
                .iter()
                .position(|c| c.name.get_ref().trim() == name.trim())
                .ok_or_else(|| at(row.span(), format!("there is no class called \"{name}\"")))?,
        };
        people.extend(std::iter::repeat_n(
            Waiting {
                waited: *waited,
                class,
            },
            usize::try_from(*count).unwrap_or(0),
        ));
    }
    people.sort_by(|a, b| b.waited.total_cmp(&a.waited));
    Ok(people)
}

pub(super) fn build(text: &str, raw: RawModel) -> Result<Model, ModelError> {
    let at =
        |span: std::ops::Range<usize>, message: String| ModelError::at(text, span.start, message);
    let run = run_settings(&raw.run, &at)?;
    let per_day = units_per_day(&run.time_unit);
    let calendar = Calendar {
        per_day: per_day.unwrap_or(1.0),
        start: run.start,
    };
    let dated = run.start.is_some();
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
    let mut partners = Vec::new();
    let mut nodes = Vec::with_capacity(raw.node.len());
    for node in &raw.node {
        if per_day.is_none() && node.roster.is_some() {
            return Err(at(
                node.name.span(),
                "a roster needs time_unit minute, hour, day or week".into(),
            ));
        }
        let staffing = staffing(node, &calendar, &at)?;
        let servers = match &staffing {
            Staffing::Servers(n) => *n,
            Staffing::Roster(roster) => roster.most.max(1),
            Staffing::Caseload { staff, each } => staff.saturating_mul(*each),
        };
        let capacity = match &node.capacity {
            None => None,
            Some(c) if *c.get_ref() >= i64::from(servers) && *c.get_ref() <= 100_000_000 => {
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
        let did_not_attend = match &node.did_not_attend {
            None => 0.0,
            Some(p) if p.get_ref().is_finite() && (0.0..1.0).contains(p.get_ref()) => *p.get_ref(),
            Some(p) => {
                return Err(at(
                    p.span(),
                    format!(
                        "did_not_attend is a share from 0 to below 1 (it is {})",
                        p.get_ref()
                    ),
                ))
            }
        };
        let initial = waiting_now(node, &raw.class, &at)?;
        let partner = node
            .partner
            .as_ref()
            .map(|p| partner_index(&mut partners, p.get_ref()));
        let costs = costs(node, &staffing, per_day, &mut partners, &at)?;
        nodes.push(Node {
            name: node.name.get_ref().trim().to_string(),
            servers,
            staffing,
            did_not_attend,
            did_not_attend_to: match &node.did_not_attend_to {
                None => None,
                Some(to) => Some(find(to)?),
            },
            partner,
            costs,
            capacity,
            service,
            routes,
            waiting_list_file: node.waiting_list.clone(),
            initial,
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
    let waiting: usize = nodes.iter().map(|n: &Node| n.initial.len()).sum();
    if waiting > MAX_WAITING {
        return Err(ModelError {
            line: None,
            column: None,
            message: format!(
                "the model's waiting lists hold {waiting} people; at most {MAX_WAITING} in all"
            ),
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
        let (arrivals, described) = Arrivals::from_spec(source.arrivals.get_ref(), per_day, dated)
            .map_err(|m| at(source.arrivals.span(), format!("arrivals: {m}")))?;
        sources.push(Source {
            name: source.name.get_ref().trim().to_string(),
            to: find(&source.to)?,
            class,
            arrivals,
            described,
        });
    }
    Ok(Model {
        run,
        has_classes: !raw.class.is_empty(),
        classes,
        sources,
        nodes,
        partners,
        calendar,
        citations: raw.sources.clone(),
        hash: fnv1a_hex(text),
    })
}
