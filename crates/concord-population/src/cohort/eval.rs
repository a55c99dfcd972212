//! Counting a cohort over the population picture: each person's variables worked out from their
//! events and demographics, the criteria applied, and the counts broken down as asked, with the
//! system's disclosure rule applied to everything that leaves.

use crate::cohort::definition::{Cohort, EventRule, Measure, Population, Variable, Window};
use crate::cohort::expr::{Compare, Expr};
use crate::cohort::measures::{Measures, Reference};
use crate::disclosure::{protect_table, DisclosureRule, ProtectedTable, Shown};
use crate::picture::{sex, Picture, KINDS, NONE, NO_DATE};
use crate::table::{date_of, epoch_days};
use chrono::Months;
use serde::Serialize;
use std::collections::HashMap;

/// A variable's value for one person.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// Not known (no date of birth, no value in the window...).
    Missing,
    /// True or false.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A text.
    Text(&'a str),
}

impl Value<'_> {
    fn truthy(self) -> bool {
        match self {
            Value::Bool(b) => b,
            Value::Number(n) => n != 0.0,
            Value::Text(_) => true,
            Value::Missing => false,
        }
    }

    /// The value as a breakdown label.
    pub fn label(self) -> String {
        match self {
            Value::Missing => "(not known)".into(),
            Value::Bool(b) => if b { "yes" } else { "no" }.into(),
            Value::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
            Value::Number(n) => format!("{n}"),
            Value::Text(t) => t.to_string(),
        }
    }
}

/// A cohort's true counts (inside the engine only: [`CohortCounts::protect`] makes them safe to
/// show).
#[derive(Debug, Clone, PartialEq)]
pub struct CohortCounts {
    /// The cohort's name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// The index date used.
    pub index_date: String,
    /// When the newest batch read was committed.
    pub data_as_of: Option<String>,
    /// The rules the counts follow, in words: index date, windows, age, deaths.
    pub rules: Vec<String>,
    /// People in the population.
    pub population: u64,
    /// People in the cohort.
    pub cohort: u64,
    /// The cohort broken down as asked.
    pub breakdowns: Vec<BreakdownCounts>,
}

/// One breakdown's true counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakdownCounts {
    /// The variables broken down by (one or two).
    pub by: Vec<String>,
    /// Row labels (values of the first variable).
    pub rows: Vec<String>,
    /// Column labels (values of the second; a single "count" column for a breakdown by one).
    pub columns: Vec<String>,
    /// The counts, row by row.
    pub counts: Vec<Vec<u64>>,
}

/// One breakdown as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishedBreakdown {
    /// The variables broken down by.
    pub by: Vec<String>,
    /// Row labels.
    pub rows: Vec<String>,
    /// Column labels.
    pub columns: Vec<String>,
    /// The protected counts.
    pub table: ProtectedTable,
}

/// A cohort's counts as published: every count through the disclosure rule, the rule printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CohortReport {
    /// The cohort's name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// The index date.
    pub index_date: String,
    /// When the newest batch read was committed.
    pub data_as_of: Option<String>,
    /// The rules the counts follow, in words: index date, windows, age, deaths.
    pub rules: Vec<String>,
    /// The disclosure rule, in words.
    pub disclosure: String,
    /// People in the population.
    pub population: Shown,
    /// People in the cohort.
    pub cohort: Shown,
    /// Breakdowns of the cohort.
    pub breakdowns: Vec<PublishedBreakdown>,
}

impl CohortReport {
    /// The report as CSV: one row per count (measure, by, row, column, count), then the index
    /// date, the data's as-of time and the disclosure rule.
    pub fn to_csv(&self) -> String {
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut row = |cells: [&str; 5]| {
            out.write_record(cells.map(concord_domain::export::csv_cell))
                .expect("writing to memory")
        };
        row(["measure", "by", "row", "column", "count"]);
        row(["population", "", "", "", &self.population.to_string()]);
        row(["cohort", "", "", "", &self.cohort.to_string()]);
        for b in &self.breakdowns {
            let by = b.by.join(" by ");
            for (r, label) in b.rows.iter().enumerate() {
                for (c, column) in b.columns.iter().enumerate() {
                    row([
                        "breakdown",
                        &by,
                        label,
                        column,
                        &b.table.cells[r][c].to_string(),
                    ]);
                }
            }
        }
        row(["index date", "", "", "", &self.index_date]);
        row([
            "data as of",
            "",
            "",
            "",
            self.data_as_of.as_deref().unwrap_or("no data"),
        ]);
        for rule in &self.rules {
            row(["rule", "", "", "", rule]);
        }
        row(["disclosure", "", "", "", &self.disclosure]);
        String::from_utf8(out.into_inner().expect("writing to memory")).expect("UTF-8")
    }
}

impl CohortCounts {
    /// The counts made safe to publish under `rule`.
    pub fn protect(&self, rule: &DisclosureRule) -> CohortReport {
        let headline = protect_table(&[vec![self.cohort, self.population - self.cohort]], rule);
        CohortReport {
            name: self.name.clone(),
            description: self.description.clone(),
            index_date: self.index_date.clone(),
            data_as_of: self.data_as_of.clone(),
            rules: self.rules.clone(),
            disclosure: rule.describe(),
            population: headline.total,
            cohort: headline.cells[0][0],
            breakdowns: self
                .breakdowns
                .iter()
                .map(|b| PublishedBreakdown {
                    by: b.by.clone(),
                    rows: b.rows.clone(),
                    columns: b.columns.clone(),
                    table: protect_table(&b.counts, rule),
                })
                .collect(),
        }
    }
}

/// A variable reference, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ref {
    BuiltIn(usize),
    Slot(usize),
}

#[derive(Debug, Clone)]
enum Compiled {
    Literal(Value<'static>),
    Text(String),
    Ref(Ref),
    Not(Box<Compiled>),
    And(Vec<Compiled>),
    Or(Vec<Compiled>),
    Compare(Box<Compiled>, Compare, Box<Compiled>),
    In(Box<Compiled>, Vec<Compiled>),
}

/// An event variable ready to run: its codelist as a set of picture code numbers.
struct CompiledRule {
    measure: Measure,
    codes: Vec<bool>,
    kind: Option<u8>,
    start: i32,
    class: Option<u32>,
    at_least: Option<f64>,
    at_most: Option<f64>,
}

enum Slot {
    Expression(Compiled),
    Events(CompiledRule),
}

/// A cohort compiled against one picture.
struct Prepared {
    slots: Vec<Slot>,
    criteria: Option<Compiled>,
    breakdowns: Vec<Vec<Compiled>>,
}

fn compile(expr: &Expr, slots: &HashMap<&str, usize>) -> Compiled {
    let resolve = |name: &str| {
        slots.get(name).map_or_else(
            || {
                Ref::BuiltIn(
                    crate::cohort::definition::BUILT_INS
                        .iter()
                        .position(|b| *b == name)
                        .unwrap_or(0),
                )
            },
            |&s| Ref::Slot(s),
        )
    };
    match expr {
        Expr::Number(n) => Compiled::Literal(Value::Number(*n)),
        Expr::Text(t) => Compiled::Text(t.clone()),
        Expr::Name(n, _) => Compiled::Ref(resolve(n)),
        Expr::Not(e) => Compiled::Not(Box::new(compile(e, slots))),
        Expr::And(v) => Compiled::And(v.iter().map(|e| compile(e, slots)).collect()),
        Expr::Or(v) => Compiled::Or(v.iter().map(|e| compile(e, slots)).collect()),
        Expr::Compare(a, op, b) => Compiled::Compare(
            Box::new(compile(a, slots)),
            *op,
            Box::new(compile(b, slots)),
        ),
        Expr::In(a, list) => Compiled::In(
            Box::new(compile(a, slots)),
            list.iter().map(|e| compile(e, slots)).collect(),
        ),
    }
}

fn equal(a: Value<'_>, b: Value<'_>) -> Option<bool> {
    match (a, b) {
        (Value::Missing, _) | (_, Value::Missing) => None,
        (Value::Number(x), Value::Number(y)) => Some(x == y),
        (Value::Text(x), Value::Text(y)) => Some(x.eq_ignore_ascii_case(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::Bool(x), Value::Text(t)) | (Value::Text(t), Value::Bool(x)) => {
            Some(t.eq_ignore_ascii_case(if x { "yes" } else { "no" }))
        }
        _ => Some(false),
    }
}

fn number(v: Value<'_>) -> Option<f64> {
    match v {
        Value::Number(n) => Some(n),
        Value::Bool(b) => Some(f64::from(u8::from(b))),
        _ => None,
    }
}

/// The start (days) of a window ending at `index`.
fn window_start(window: Window, index: i32) -> i32 {
    match window {
        Window::Ever => i32::MIN + 1,
        Window::Days(n) => index - n as i32 + 1,
        Window::Months(n) => date_of(index)
            .checked_sub_months(Months::new(n))
            .map_or(i32::MIN + 1, |d| {
                epoch_days(&d.to_string()).unwrap_or(i32::MIN + 1) + 1
            }),
    }
}

/// The rules counts of `cohort` on `index` follow, in words, stated with every output: what the
/// index date and each window include, how age is counted and how deaths in the index month count.
pub fn counting_rules(cohort: &Cohort, index: i32) -> Vec<String> {
    let on = date_of(index);
    let from = |window: Window| date_of(window_start(window, index));
    let mut rules = vec![format!(
        "Counted on {on}: only events dated on or before it count, and {}.",
        match cohort.population {
            Population::Registered =>
                "the population is everyone alive and registered with a practice on that date",
            Population::Everyone => "the population is everyone in the records, registered or not",
        }
    )];
    let twelve = Window::Months(12);
    rules.push(format!(
        "\"In 12 months\" (emergency admissions, medicines, polypharmacy) means from {} to {on} inclusive.",
        from(twelve)
    ));
    for (name, variable) in &cohort.variables {
        if let Variable::Events(rule) = variable {
            if rule.window != Window::Ever && rule.window != twelve {
                rules.push(format!(
                    "{name}: events from {} to {on} inclusive.",
                    from(rule.window)
                ));
            }
        }
    }
    rules.push(
        "Age is in whole years on the index date, counted from the first day of the month of \
         birth (dates of birth are held as month and year), so someone born later in the index \
         month already counts a year older."
            .to_string(),
    );
    rules.push(
        "Deaths are held as month and year: anyone who died in the index month counts as dead \
         on the index date."
            .to_string(),
    );
    rules
}

/// Runs cohorts over a picture at an index date.
pub struct Evaluator<'p> {
    picture: &'p Picture,
    reference: &'p Reference,
    measures: &'p Measures,
    index: i32,
}

impl<'p> Evaluator<'p> {
    /// An evaluator over `picture` with its derived `measures` (which fix the index date).
    pub fn new(picture: &'p Picture, reference: &'p Reference, measures: &'p Measures) -> Self {
        Evaluator {
            picture,
            reference,
            measures,
            index: measures.index,
        }
    }

    /// Whether a person is in the population on the index date.
    fn in_population(&self, person: usize, population: Population) -> bool {
        match population {
            Population::Everyone => true,
            Population::Registered => {
                let p = self.picture;
                p.practice[person] != NONE
                    && (p.death[person] == NO_DATE || p.death[person] > self.index)
                    && (p.birth[person] == NO_DATE || p.birth[person] <= self.index)
            }
        }
    }

    fn built_in(&self, which: usize, person: usize) -> Value<'p> {
        let p = self.picture;
        let m = self.measures;
        let practice = (p.practice[person] != NONE).then(|| p.practices.value(p.practice[person]));
        let lsoa = (p.lsoa[person] != NONE).then(|| p.lsoas.value(p.lsoa[person]));
        let text = |t: Option<&'p str>| t.map_or(Value::Missing, Value::Text);
        let name = crate::cohort::definition::BUILT_INS[which];
        if !m.complete && crate::cohort::definition::FROM_ALL_EVENTS.contains(&name) {
            // Never a wrong number from a picture that holds only some events.
            return Value::Missing;
        }
        match name {
            "age" => m.age[person].map_or(Value::Missing, |a| Value::Number(f64::from(a))),
            "age_band" => m.age[person].map_or(Value::Missing, |a| Value::Text(age_band(a))),
            "sex" => match p.sex[person] {
                sex::FEMALE => Value::Text("female"),
                sex::MALE => Value::Text("male"),
                sex::OTHER => Value::Text("other"),
                _ => Value::Missing,
            },
            "practice" => text(practice),
            "pcn" => text(
                practice
                    .and_then(|c| self.reference.practices.get(c))
                    .map(|i| i.pcn.as_str()),
            ),
            "place" => text(self.reference.place_of(practice, lsoa)),
            "lsoa" => text(lsoa),
            "imd_decile" => lsoa
                .and_then(|l| self.reference.lsoas.get(l))
                .map_or(Value::Missing, |i| Value::Number(f64::from(i.imd_decile))),
            "efi" => Value::Number(crate::efi::score(usize::from(m.deficits[person]))),
            "frailty" => {
                Value::Text(crate::efi::Frailty::of_count(usize::from(m.deficits[person])).name())
            }
            "segment" => Value::Text(m.segment[person].name()),
            "registered" => Value::Bool(self.in_population(person, Population::Registered)),
            "alive" => Value::Bool(p.death[person] == NO_DATE || p.death[person] > self.index),
            "medicines" => Value::Number(f64::from(m.medicines[person])),
            _ => Value::Missing,
        }
    }

    fn eval(&self, c: &Compiled, person: usize, slots: &[Value<'p>]) -> Value<'p> {
        match c {
            Compiled::Literal(v) => *v,
            Compiled::Text(_) => Value::Missing,
            Compiled::Ref(Ref::Slot(s)) => slots[*s],
            Compiled::Ref(Ref::BuiltIn(b)) => self.built_in(*b, person),
            Compiled::Not(e) => Value::Bool(!self.eval(e, person, slots).truthy()),
            Compiled::And(v) => Value::Bool(v.iter().all(|e| self.eval(e, person, slots).truthy())),
            Compiled::Or(v) => Value::Bool(v.iter().any(|e| self.eval(e, person, slots).truthy())),
            Compiled::Compare(a, op, b) => {
                let (x, y) = (
                    self.operand(a, person, slots),
                    self.operand(b, person, slots),
                );
                let result = match op {
                    Compare::Equal => equal(x, y),
                    Compare::NotEqual => equal(x, y).map(|e| !e),
                    _ => match (number(x), number(y)) {
                        (Some(x), Some(y)) => Some(match op {
                            Compare::Less => x < y,
                            Compare::LessOrEqual => x <= y,
                            Compare::Greater => x > y,
                            _ => x >= y,
                        }),
                        _ => None,
                    },
                };
                Value::Bool(result.unwrap_or(false))
            }
            Compiled::In(a, list) => {
                let x = self.operand(a, person, slots);
                Value::Bool(
                    list.iter()
                        .any(|e| equal(x, self.operand(e, person, slots)) == Some(true)),
                )
            }
        }
    }

    /// An operand, with text literals compared as text.
    fn operand<'s>(&self, c: &'s Compiled, person: usize, slots: &[Value<'p>]) -> Value<'s>
    where
        'p: 's,
    {
        match c {
            Compiled::Text(t) => Value::Text(t),
            other => self.eval(other, person, slots),
        }
    }

    fn events(&self, rule: &CompiledRule, person: usize) -> Value<'p> {
        let p = self.picture;
        let mut count = 0u32;
        let mut last = Value::Missing;
        for e in p.events(person) {
            let code = p.code[e];
            if code == NONE || !rule.codes[code as usize] {
                continue;
            }
            let date = p.date[e];
            if date == NO_DATE || date < rule.start || date > self.index {
                continue;
            }
            if rule.kind.is_some_and(|k| k != p.kind[e])
                || rule.class.is_some_and(|c| c != p.class[e])
            {
                continue;
            }
            let value = p.value[e];
            if (rule.at_least.is_some() || rule.at_most.is_some())
                && (value.is_nan()
                    || rule.at_least.is_some_and(|min| f64::from(value) < min)
                    || rule.at_most.is_some_and(|max| f64::from(value) > max))
            {
                continue;
            }
            count += 1;
            if !value.is_nan() {
                last = Value::Number(f64::from(value));
            }
        }
        match rule.measure {
            Measure::Has => Value::Bool(count > 0),
            Measure::Count => Value::Number(f64::from(count)),
            Measure::LastValue => last,
        }
    }

    fn prepare(&self, cohort: &Cohort) -> Prepared {
        let slot_of: HashMap<&str, usize> = cohort
            .variables
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (n.as_str(), i))
            .collect();
        Prepared {
            slots: cohort
                .variables
                .iter()
                .map(|(_, v)| match v {
                    Variable::Expression(e) => Slot::Expression(compile(e, &slot_of)),
                    Variable::Events(rule) => Slot::Events(self.compile_rule(rule, cohort)),
                })
                .collect(),
            criteria: cohort.criteria.as_ref().map(|e| compile(e, &slot_of)),
            breakdowns: cohort
                .breakdowns
                .iter()
                .map(|b| {
                    b.iter()
                        .map(|n| compile(&Expr::Name(n.clone(), 0), &slot_of))
                        .collect()
                })
                .collect(),
        }
    }

    /// Works out a person's variables into `values`; true if they meet the criteria.
    fn evaluate(&self, prepared: &Prepared, person: usize, values: &mut Vec<Value<'p>>) -> bool {
        values.clear();
        for slot in &prepared.slots {
            let v = match slot {
                Slot::Expression(c) => self.eval(c, person, values),
                Slot::Events(rule) => self.events(rule, person),
            };
            values.push(v);
        }
        prepared
            .criteria
            .as_ref()
            .is_none_or(|c| self.eval(c, person, values).truthy())
    }

    /// For direct care: which of `people` are in the cohort (in the population and meeting its
    /// criteria), each with their variables' values as (name, label).
    pub fn members(
        &self,
        cohort: &Cohort,
        people: &[usize],
    ) -> Vec<(usize, Vec<(String, String)>)> {
        let prepared = self.prepare(cohort);
        let mut values = Vec::new();
        let mut out = Vec::new();
        for &person in people {
            if person >= self.picture.len()
                || !self.in_population(person, cohort.population)
                || !self.evaluate(&prepared, person, &mut values)
            {
                continue;
            }
            let labelled = cohort
                .variables
                .iter()
                .zip(&values)
                .map(|((name, _), v)| (name.clone(), v.label()))
                .collect();
            out.push((person, labelled));
        }
        out
    }

    /// Counts a cohort.
    pub fn run(&self, cohort: &Cohort) -> CohortCounts {
        let p = self.picture;
        let prepared = self.prepare(cohort);
        let breakdowns = &prepared.breakdowns;
        let mut population = 0u64;
        let mut in_cohort = 0u64;
        let mut groups: Vec<HashMap<(String, String), u64>> =
            vec![HashMap::new(); breakdowns.len()];
        let mut values: Vec<Value<'p>> = Vec::with_capacity(prepared.slots.len());
        for person in 0..p.len() {
            if !self.in_population(person, cohort.population) {
                continue;
            }
            population += 1;
            if !self.evaluate(&prepared, person, &mut values) {
                continue;
            }
            in_cohort += 1;
            for (b, by) in breakdowns.iter().enumerate() {
                let row = self.eval(&by[0], person, &values).label();
                let column = by.get(1).map_or_else(
                    || "count".to_string(),
                    |c| self.eval(c, person, &values).label(),
                );
                *groups[b].entry((row, column)).or_default() += 1;
            }
        }
        let breakdowns = cohort
            .breakdowns
            .iter()
            .zip(groups)
            .map(|(by, counts)| {
                let mut rows: Vec<String> = counts.keys().map(|k| k.0.clone()).collect();
                let mut columns: Vec<String> = counts.keys().map(|k| k.1.clone()).collect();
                for labels in [&mut rows, &mut columns] {
                    labels.sort_by(|a, b| label_order(a, b));
                    labels.dedup();
                }
                let table = rows
                    .iter()
                    .map(|r| {
                        columns
                            .iter()
                            .map(|c| counts.get(&(r.clone(), c.clone())).copied().unwrap_or(0))
                            .collect()
                    })
                    .collect();
                BreakdownCounts {
                    by: by.clone(),
                    rows,
                    columns,
                    counts: table,
                }
            })
            .collect();
        CohortCounts {
            name: cohort.name.clone(),
            description: cohort.description.clone(),
            index_date: date_of(self.index).to_string(),
            data_as_of: p.as_of().map(str::to_string),
            rules: counting_rules(cohort, self.index),
            population,
            cohort: in_cohort,
            breakdowns,
        }
    }

    fn compile_rule(&self, rule: &EventRule, cohort: &Cohort) -> CompiledRule {
        let p = self.picture;
        let mut codes = vec![false; p.codes.len()];
        for code in &cohort.codelists[&rule.codelist] {
            if let Some(i) = p.codes.get(code) {
                codes[i as usize] = true;
            }
        }
        CompiledRule {
            measure: rule.measure,
            codes,
            kind: rule
                .kind
                .as_deref()
                .and_then(|k| KINDS.iter().position(|x| *x == k))
                .map(|k| k as u8),
            start: window_start(rule.window, self.index),
            // A class the picture has never seen matches nothing.
            class: rule
                .class
                .as_deref()
                .map(|c| p.classes.get(c).unwrap_or(NONE - 1)),
            at_least: rule.at_least,
            at_most: rule.at_most,
        }
    }
}

/// The five-year age band of an age, as England's population tables give them.
pub fn age_band(age: u16) -> &'static str {
    const BANDS: [&str; 19] = [
        "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
        "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+",
    ];
    BANDS[usize::from(age / 5).min(18)]
}

/// The number a label starts with (`10-14` is 10, `3 Acutely ill` is 3), if it does.
fn leading_number(label: &str) -> Option<f64> {
    let end = label
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || (*c == '.' && *i > 0) || (*c == '-' && *i == 0)))
        .map_or(label.len(), |(i, _)| i);
    label[..end].parse().ok()
}

/// Labels in a natural order: by their leading number, then as text; "(not known)" last.
pub fn label_order(a: &str, b: &str) -> std::cmp::Ordering {
    let missing = |s: &str| s == "(not known)";
    match (missing(a), missing(b)) {
        (true, false) => return std::cmp::Ordering::Greater,
        (false, true) => return std::cmp::Ordering::Less,
        _ => {}
    }
    match (leading_number(a), leading_number(b)) {
        (Some(x), Some(y)) if x != y => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        _ => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_output_states_its_index_date_windows_age_and_death_rules() {
        let cohort = crate::cohort::definition::parse(
            "name = \"Recent falls\"\nwhere = \"fell\"\n[codelists]\nfalls = [\"1912002\"]\n[variables]\nfell = { has = \"falls\", within = \"90 days\" }\n",
            &|_| Err("no files".into()),
        )
        .unwrap();
        let rules = counting_rules(&cohort, epoch_days("2026-10-31").unwrap());
        assert!(
            rules[0].starts_with("Counted on 2026-10-31: only events dated on or before it count")
        );
        assert!(rules[0].contains("alive and registered"));
        // 12 calendar months back is 31 October 2025; the window starts the day after.
        assert!(
            rules[1].contains("from 2025-11-01 to 2026-10-31 inclusive"),
            "{rules:?}"
        );
        // 90 days including the index date: 3 August to 31 October.
        assert!(
            rules.contains(&"fell: events from 2026-08-03 to 2026-10-31 inclusive.".to_string()),
            "{rules:?}"
        );
        assert!(rules
            .iter()
            .any(|r| r.contains("first day of the month of birth")));
        assert!(rules
            .iter()
            .any(|r| r.contains("died in the index month counts as dead")));
    }

    /// A place, practice or PCN renamed to a formula reaches the CSV as text, not a live formula.
    #[test]
    fn the_csv_neutralises_formulas_in_labels() {
        use crate::disclosure::{ProtectedTable, Shown};
        let report = CohortReport {
            name: "=cmd|' /C calc'!A0".into(),
            description: String::new(),
            index_date: "2026-10-31".into(),
            data_as_of: None,
            rules: vec!["=1+1 is a rule".into()],
            disclosure: "counts below 10 suppressed".into(),
            population: Shown::Count(100),
            cohort: Shown::Count(20),
            breakdowns: vec![PublishedBreakdown {
                by: vec!["pcn".into()],
                rows: vec!["=HYPERLINK(\"http://evil.example\",\"Riverside PCN\")".into()],
                columns: vec!["@SUM(A1)".into()],
                table: ProtectedTable {
                    cells: vec![vec![Shown::Count(20)]],
                    row_totals: vec![Shown::Count(20)],
                    column_totals: vec![Shown::Count(20)],
                    total: Shown::Count(20),
                    rule: String::new(),
                },
            }],
        };
        let csv = report.to_csv();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '+', '@', '-']) || cell.parse::<f64>().is_ok(),
                    "{cell:?} would run as a formula"
                );
            }
        }
        assert!(csv.contains("'=HYPERLINK"), "{csv}");
    }

    #[test]
    fn labels_sort_by_their_leading_number() {
        let mut labels = vec![
            "90+",
            "10-14",
            "(not known)",
            "5-9",
            "0-4",
            "fit",
            "2 Maternal",
            "10",
        ];
        labels.sort_by(|a, b| label_order(a, b));
        assert_eq!(
            labels,
            vec![
                "0-4",
                "2 Maternal",
                "5-9",
                "10",
                "10-14",
                "90+",
                "fit",
                "(not known)"
            ]
        );
        assert_eq!(
            (age_band(0), age_band(67), age_band(104)),
            ("0-4", "65-69", "90+")
        );
    }
}
