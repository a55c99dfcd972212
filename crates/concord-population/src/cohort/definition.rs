//! Cohort definitions in TOML, read into a checked [`Cohort`]; every error names its line and
//! column in the file.
//!
//! ```toml
//! name = "Older people at risk of social isolation"
//! description = "Aged 65+, living alone or lonely, or a UCLA-3 score of 6 or more."
//! population = "registered"          # or "everyone"; registered = alive and registered on the index date
//! index_date = "2026-10-31"          # optional: the data's as-of date if absent
//! where = "older and (alone or lonely_lately or ucla >= 6)"
//! breakdowns = [["pcn"], ["frailty", "sex"]]
//!
//! [codelists]
//! lives_alone = ["105529008"]        # SNOMED CT codes inline
//! lonely = { file = "loneliness.csv" }   # or a CSV file with a `code` column
//!
//! [variables]
//! older = "age >= 65"                                   # an expression over other variables
//! alone = { has = "lives_alone" }                       # any event coded from the list, ever
//! lonely_lately = { has = "lonely", within = "2 years" }
//! ucla = { last_value = "ucla3", within = "2 years" }   # the latest value in the window
//! admissions = { count = "emergency_admission", within = "12 months", class = "IMP" }
//! obese = { has = "bmi", at_least = 30, within = "2 years" }   # observations with a threshold
//! ```
//!
//! (In TOML, keys after a `[table]` heading belong to that table, so `where` and `breakdowns` come
//! before `[codelists]`.)
//!
//! Built-in variables: `age`, `age_band` (`0-4`, `5-9`... `90+`), `sex`, `practice`, `pcn`, `place`, `lsoa`, `imd_decile`, `efi`,
//! `frailty`, `segment`, `registered`, `alive`, `medicines` (distinct medicines issued in the
//! 12 months to the index date).

use crate::cohort::expr::{self, Expr};
use crate::picture::EventScope;
use crate::table::epoch_days;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use toml::Spanned;

/// The built-in variables worked out from every event a person has (so a cohort using any of
/// them needs every event read).
pub const FROM_ALL_EVENTS: [&str; 4] = ["efi", "frailty", "segment", "medicines"];

/// The variables every cohort can use without defining them.
pub const BUILT_INS: [&str; 14] = [
    "age",
    "age_band",
    "sex",
    "practice",
    "pcn",
    "place",
    "lsoa",
    "imd_decile",
    "efi",
    "frailty",
    "segment",
    "registered",
    "alive",
    "medicines",
];

/// Why a definition was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct DefinitionError {
    /// The line (from 1).
    pub line: usize,
    /// The column (characters from 1).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Who is counted at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Population {
    /// Alive, born, and registered with a practice on the index date.
    Registered,
    /// Everyone in the picture.
    Everyone,
}

/// A window before the index date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Any time up to the index date.
    Ever,
    /// This many days up to the index date.
    Days(u32),
    /// This many calendar months up to the index date.
    Months(u32),
}

/// What an event variable gives for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Whether any matching event is present.
    Has,
    /// How many.
    Count,
    /// The value of the latest.
    LastValue,
}

/// A variable made from a person's events.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRule {
    /// What it gives.
    pub measure: Measure,
    /// The codelist events must be coded from.
    pub codelist: String,
    /// Only this kind of event (`condition`, `observation`...), if given.
    pub kind: Option<String>,
    /// Only in this window.
    pub window: Window,
    /// Only encounters of this class (`EMER`, `IMP`...), if given.
    pub class: Option<String>,
    /// Only values at least this.
    pub at_least: Option<f64>,
    /// Only values at most this.
    pub at_most: Option<f64>,
}

/// A named variable.
#[derive(Debug, Clone, PartialEq)]
pub enum Variable {
    /// An expression over other variables.
    Expression(Expr),
    /// From events.
    Events(EventRule),
}

/// A checked cohort definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    /// Its name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Who is counted at all.
    pub population: Population,
    /// The index date (days since 1970), or the data's as-of date if none.
    pub index_date: Option<i32>,
    /// Codelists by name: their codes.
    pub codelists: HashMap<String, HashSet<String>>,
    /// Variables, each after every variable it uses.
    pub variables: Vec<(String, Variable)>,
    /// Who is in the cohort, of the population (everyone, if none).
    pub criteria: Option<Expr>,
    /// The breakdowns to count by.
    pub breakdowns: Vec<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCohort {
    name: Spanned<String>,
    #[serde(default)]
    description: String,
    population: Option<Spanned<String>>,
    index_date: Option<Spanned<String>>,
    #[serde(default)]
    codelists: BTreeMap<String, Spanned<RawCodelist>>,
    #[serde(default)]
    variables: BTreeMap<String, Spanned<RawVariable>>,
    #[serde(rename = "where")]
    criteria: Option<Spanned<String>>,
    #[serde(default)]
    breakdowns: Vec<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawCodelist {
    Codes(Vec<String>),
    File { file: String },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawVariable {
    Expression(String),
    Events(RawEvents),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvents {
    has: Option<String>,
    count: Option<String>,
    last_value: Option<String>,
    kind: Option<String>,
    within: Option<String>,
    class: Option<String>,
    at_least: Option<f64>,
    at_most: Option<f64>,
}

/// Line and column (from 1) of a byte offset.
fn position(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn error_at(source: &str, offset: usize, message: impl Into<String>) -> DefinitionError {
    let (line, column) = position(source, offset);
    DefinitionError {
        line,
        column,
        message: message.into(),
    }
}

/// A window such as `90 days`, `6 weeks`, `12 months` or `2 years`.
pub fn parse_window(text: &str) -> Option<Window> {
    let mut parts = text.split_whitespace();
    let n: u32 = parts.next()?.parse().ok()?;
    let unit = parts.next()?.trim_end_matches('s');
    if parts.next().is_some() || n == 0 {
        return None;
    }
    match unit {
        "day" => Some(Window::Days(n)),
        "week" => Some(Window::Days(n * 7)),
        "month" => Some(Window::Months(n)),
        "year" => Some(Window::Months(n * 12)),
        _ => None,
    }
}

/// The longest definition read: far beyond any real one, and small enough that reading, checking
/// and ordering it stay quick.
pub const MAX_DEFINITION_BYTES: usize = 256 * 1024;
/// The most variables a definition may name (the bundled ones use fewer than twenty).
pub const MAX_VARIABLES: usize = 200;
/// The most breakdowns a definition may ask for.
pub const MAX_BREAKDOWNS: usize = 20;

/// Reads a definition. `codelist_file` loads a codelist named by `file = ...`, or says why not.
pub fn parse(
    source: &str,
    codelist_file: &dyn Fn(&str) -> Result<HashSet<String>, String>,
) -> Result<Cohort, DefinitionError> {
    if source.len() > MAX_DEFINITION_BYTES {
        return Err(error_at(
            source,
            0,
            format!(
                "the definition is longer than {} KB: put long codelists in files (file = \"...\")",
                MAX_DEFINITION_BYTES / 1024
            ),
        ));
    }
    let raw: RawCohort = toml::from_str(source).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        error_at(source, offset, e.message().trim().to_string())
    })?;
    let name = raw.name.get_ref().trim().to_string();
    if name.is_empty() {
        return Err(error_at(
            source,
            raw.name.span().start,
            "the cohort needs a name",
        ));
    }
    let population = match &raw.population {
        None => Population::Registered,
        Some(p) => match p.get_ref().as_str() {
            "registered" => Population::Registered,
            "everyone" => Population::Everyone,
            _ => {
                return Err(error_at(
                    source,
                    p.span().start,
                    "population is \"registered\" or \"everyone\"",
                ))
            }
        },
    };
    if raw.variables.len() > MAX_VARIABLES {
        let (_, last) = raw
            .variables
            .iter()
            .nth(MAX_VARIABLES)
            .expect("more than the limit");
        return Err(error_at(
            source,
            last.span().start,
            format!("a definition may name at most {MAX_VARIABLES} variables"),
        ));
    }
    if raw.breakdowns.len() > MAX_BREAKDOWNS {
        return Err(error_at(
            source,
            raw.breakdowns[MAX_BREAKDOWNS].span().start,
            format!("a definition may ask for at most {MAX_BREAKDOWNS} breakdowns"),
        ));
    }
    let index_date = match &raw.index_date {
        None => None,
        Some(d) => Some(
            epoch_days(d.get_ref())
                .filter(|_| d.get_ref().len() == 10)
                .ok_or_else(|| {
                    error_at(source, d.span().start, "index_date is a date, YYYY-MM-DD")
                })?,
        ),
    };
    let mut codelists = HashMap::new();
    for (list_name, list) in &raw.codelists {
        let codes = match list.get_ref() {
            RawCodelist::Codes(codes) => codes.iter().map(|c| c.trim().to_string()).collect(),
            RawCodelist::File { file } => codelist_file(file).map_err(|e| {
                error_at(
                    source,
                    list.span().start,
                    format!("codelist {list_name}: {e}"),
                )
            })?,
        };
        if codes.is_empty() {
            return Err(error_at(
                source,
                list.span().start,
                format!("codelist {list_name} has no codes"),
            ));
        }
        codelists.insert(list_name.clone(), codes);
    }
    let mut defined: HashMap<String, (Variable, usize)> = HashMap::new();
    for (var_name, variable) in &raw.variables {
        let at = variable.span().start;
        if BUILT_INS.contains(&var_name.as_str()) {
            return Err(error_at(
                source,
                at,
                format!("'{var_name}' is a built-in variable and cannot be redefined"),
            ));
        }
        let checked = match variable.get_ref() {
            RawVariable::Expression(text) => {
                Variable::Expression(parse_expression(source, at, text)?)
            }
            RawVariable::Events(events) => {
                Variable::Events(event_rule(source, at, var_name, events, &codelists)?)
            }
        };
        defined.insert(var_name.clone(), (checked, at));
    }
    let criteria = match &raw.criteria {
        None => None,
        Some(text) => Some(parse_expression(source, text.span().start, text.get_ref())?),
    };
    // Every name used must exist; order variables so each follows those it uses; refuse cycles.
    let known = |n: &str| BUILT_INS.contains(&n) || defined.contains_key(n);
    let check_names = |expr: &Expr, at: usize| -> Result<(), DefinitionError> {
        for (n, column) in expr.names() {
            if !known(n) {
                return Err(error_at(
                    source,
                    at + column,
                    format!("no variable is called '{n}'"),
                ));
            }
        }
        Ok(())
    };
    for (variable, at) in defined.values() {
        if let Variable::Expression(e) = variable {
            check_names(e, *at)?;
        }
    }
    if let (Some(e), Some(text)) = (&criteria, &raw.criteria) {
        check_names(e, text.span().start)?;
    }
    let mut ordered = Vec::new();
    let mut placed: HashSet<String> = HashSet::new();
    let mut names: Vec<&String> = defined.keys().collect();
    names.sort_by_key(|n| defined[*n].1);
    while placed.len() < defined.len() {
        let before = placed.len();
        for n in &names {
            if placed.contains(*n) {
                continue;
            }
            let (variable, _) = &defined[*n];
            let ready = match variable {
                Variable::Expression(e) => e
                    .names()
                    .iter()
                    .all(|(m, _)| BUILT_INS.contains(m) || placed.contains(*m)),
                Variable::Events(_) => true,
            };
            if ready {
                placed.insert((*n).clone());
                ordered.push(((*n).clone(), variable.clone()));
            }
        }
        if placed.len() == before {
            let stuck = names
                .iter()
                .find(|n| !placed.contains(**n))
                .expect("some remain");
            return Err(error_at(
                source,
                defined[*stuck].1,
                format!("'{stuck}' depends on itself"),
            ));
        }
    }
    let mut breakdowns = Vec::new();
    for b in &raw.breakdowns {
        if b.get_ref().is_empty() || b.get_ref().len() > 2 {
            return Err(error_at(
                source,
                b.span().start,
                "a breakdown is one or two variables",
            ));
        }
        for n in b.get_ref() {
            if !known(n) {
                return Err(error_at(
                    source,
                    b.span().start,
                    format!("no variable is called '{n}'"),
                ));
            }
        }
        breakdowns.push(b.get_ref().clone());
    }
    Ok(Cohort {
        name,
        description: raw.description.trim().to_string(),
        population,
        index_date,
        codelists,
        variables: ordered,
        criteria,
        breakdowns,
    })
}

fn parse_expression(source: &str, at: usize, text: &str) -> Result<Expr, DefinitionError> {
    // `at` is the opening quote of the TOML string; expression columns count from after it.
    expr::parse(text).map_err(|e| {
        let (line, column) = position(source, at);
        DefinitionError {
            line,
            column: column + e.column,
            message: e.message,
        }
    })
}

fn event_rule(
    source: &str,
    at: usize,
    name: &str,
    raw: &RawEvents,
    codelists: &HashMap<String, HashSet<String>>,
) -> Result<EventRule, DefinitionError> {
    let fail = |message: String| Err(error_at(source, at, format!("{name}: {message}")));
    let (measure, codelist) = match (&raw.has, &raw.count, &raw.last_value) {
        (Some(c), None, None) => (Measure::Has, c),
        (None, Some(c), None) => (Measure::Count, c),
        (None, None, Some(c)) => (Measure::LastValue, c),
        _ => return fail("give exactly one of has, count or last_value, naming a codelist".into()),
    };
    if !codelists.contains_key(codelist) {
        return fail(format!("no codelist is called '{codelist}'"));
    }
    if let Some(kind) = &raw.kind {
        if !crate::picture::KINDS.contains(&kind.as_str()) {
            return fail(format!(
                "kind is one of {}",
                crate::picture::KINDS.join(", ")
            ));
        }
    }
    let window = match &raw.within {
        None => Window::Ever,
        Some(w) => match parse_window(w) {
            Some(w) => w,
            None => {
                return fail(format!(
                "within '{w}' is not a window such as \"90 days\", \"12 months\" or \"2 years\""
            ))
            }
        },
    };
    Ok(EventRule {
        measure,
        codelist: codelist.clone(),
        kind: raw.kind.clone(),
        window,
        class: raw.class.clone(),
        at_least: raw.at_least,
        at_most: raw.at_most,
    })
}

impl Cohort {
    /// The events counting this cohort needs: every event if it uses a measure made from all a
    /// person's events ([`FROM_ALL_EVENTS`]), otherwise only those coded from its codelists.
    pub fn event_scope(&self) -> EventScope {
        let mut named: Vec<&str> = self
            .criteria
            .iter()
            .flat_map(|e| e.names())
            .map(|(n, _)| n)
            .collect();
        named.extend(self.breakdowns.iter().flatten().map(String::as_str));
        let mut codes: HashSet<String> = HashSet::new();
        for (_, variable) in &self.variables {
            match variable {
                Variable::Expression(e) => named.extend(e.names().into_iter().map(|(n, _)| n)),
                Variable::Events(rule) => {
                    if let Some(list) = self.codelists.get(&rule.codelist) {
                        codes.extend(list.iter().cloned());
                    }
                }
            }
        }
        if named.iter().any(|n| FROM_ALL_EVENTS.contains(n)) {
            EventScope::All
        } else {
            EventScope::Codes(std::sync::Arc::new(codes))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_files(_: &str) -> Result<HashSet<String>, String> {
        Err("no files here".into())
    }

    #[test]
    fn long_definitions_and_too_many_variables_are_refused() {
        let chain: String = (0..5_000)
            .map(|i| format!("v{i} = \"v{}\"\n", i + 1))
            .collect();
        let many =
            format!("name = \"x\"\nwhere = \"v0\"\n[variables]\n{chain}v5000 = \"age >= 65\"\n");
        let err = parse(&many, &no_files).unwrap_err();
        assert!(err.message.contains("at most 200 variables"), "{err}");
        let huge = format!(
            "name = \"x\"\nwhere = \"a\"\n# {}\n",
            "x".repeat(MAX_DEFINITION_BYTES)
        );
        let err = parse(&huge, &no_files).unwrap_err();
        assert!(err.message.contains("longer than"), "{err}");
    }

    /// TOML nesting (arrays and inline tables thousands deep) is refused by the TOML reader's own
    /// depth limit, and an expression's by the expression parser's: neither exhausts a stack.
    #[test]
    fn deeply_nested_definitions_are_refused_at_a_line() {
        let handle = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(|| {
                for n in [200, 10_000, 100_000] {
                    for deep in [
                        format!(
                            "name = \"x\"\nwhere = \"a\"\nb = {}1{}\n",
                            "[".repeat(n),
                            "]".repeat(n)
                        ),
                        format!(
                            "name = \"x\"\nwhere = \"a\"\nb = {}1{}\n",
                            "{ c = ".repeat(n),
                            " }".repeat(n)
                        ),
                        format!(
                            "name = \"x\"\nwhere = \"{}a{}\"\n",
                            "(".repeat(n),
                            ")".repeat(n)
                        ),
                    ] {
                        let err = parse(&deep, &no_files).unwrap_err();
                        assert!(err.line >= 1, "{err}");
                    }
                }
            })
            .unwrap();
        handle.join().expect("no stack overflow");
    }

    const GOOD: &str = r#"name = "Lonely older people"
population = "registered"
where = "at_risk"
breakdowns = [["pcn"], ["frailty", "sex"]]

[codelists]
lives_alone = ["105529008"]
ucla3 = ["106418-7"]

[variables]
older = "age >= 65"
alone = { has = "lives_alone", within = "5 years" }
ucla = { last_value = "ucla3", within = "2 years" }
at_risk = "older and (alone or ucla >= 6)"
"#;

    #[test]
    fn a_definition_is_read_and_its_variables_ordered() {
        let cohort = parse(GOOD, &no_files).unwrap();
        assert_eq!(cohort.name, "Lonely older people");
        let order: Vec<&str> = cohort.variables.iter().map(|(n, _)| n.as_str()).collect();
        let at_risk = order.iter().position(|n| *n == "at_risk").unwrap();
        assert!(order.iter().position(|n| *n == "older").unwrap() < at_risk);
        assert!(matches!(
            &cohort
                .variables
                .iter()
                .find(|(n, _)| n == "alone")
                .unwrap()
                .1,
            Variable::Events(EventRule {
                window: Window::Months(60),
                measure: Measure::Has,
                ..
            })
        ));
        assert_eq!(cohort.breakdowns.len(), 2);
    }

    #[test]
    fn a_cohort_reads_only_its_codes_unless_it_uses_a_measure_made_from_all_events() {
        let scope = |criteria: &str| {
            parse(
                &format!(
                    "name = \"x\"\nwhere = \"{criteria}\"\n[codelists]\na = [\"1\", \"2\"]\nb = [\"3\"]\n[variables]\nx = {{ has = \"a\" }}\ny = {{ has = \"b\" }}\nold = \"age >= 65\"\n"
                ),
                &no_files,
            )
            .unwrap()
            .event_scope()
        };
        let codes: HashSet<String> = ["1", "2", "3"].map(String::from).into();
        assert_eq!(
            scope("old and x"),
            EventScope::Codes(std::sync::Arc::new(codes))
        );
        assert_eq!(scope("x and frailty = 'severe'"), EventScope::All);
        assert_eq!(scope("medicines >= 10 or y"), EventScope::All);
    }

    #[test]
    fn errors_point_at_the_line() {
        let cases = [
            (GOOD.replace("age >= 65", "age >= "), 11, "expected"),
            (
                GOOD.replace("where = \"at_risk\"", "where = \"at_rsk\""),
                3,
                "at_rsk",
            ),
            (
                GOOD.replace("\"lives_alone\", within", "\"lives_alne\", within"),
                12,
                "lives_alne",
            ),
            (
                GOOD.replace("\"5 years\"", "\"5 fortnights\""),
                12,
                "fortnights",
            ),
            (
                GOOD.replace("older = \"age >= 65\"", "older = \"at_risk\""),
                11,
                "depends on itself",
            ),
            (
                GOOD.replace("population = \"registered\"", "population = \"all\""),
                2,
                "registered",
            ),
            (
                GOOD.replace("[[\"pcn\"]", "[[\"pcn\", \"a\", \"b\"]"),
                4,
                "one or two",
            ),
            (GOOD.replace("name = ", "nam = "), 1, "nam"),
            (
                GOOD.replace("[\"106418-7\"]", "{ file = \"x.csv\" }"),
                8,
                "no files here",
            ),
            (GOOD.replace("older =", "age ="), 11, "built-in"),
        ];
        for (source, line, words) in cases {
            let err = parse(&source, &no_files).unwrap_err();
            assert_eq!(err.line, line, "{err}");
            assert!(err.message.contains(words), "{err}");
        }
    }

    #[test]
    fn an_expression_error_gives_the_column_in_the_file() {
        let source = GOOD.replace("older = \"age >= 65\"", "older = \"age >> 65\"");
        let err = parse(&source, &no_files).unwrap_err();
        assert_eq!((err.line, err.column), (11, 15), "{err}");
    }

    #[test]
    fn windows_read_in_days_weeks_months_and_years() {
        assert_eq!(parse_window("90 days"), Some(Window::Days(90)));
        assert_eq!(parse_window("1 week"), Some(Window::Days(7)));
        assert_eq!(parse_window("12 months"), Some(Window::Months(12)));
        assert_eq!(parse_window("2 years"), Some(Window::Months(24)));
        assert_eq!(parse_window("0 days"), None);
        assert_eq!(parse_window("soon"), None);
    }
}
