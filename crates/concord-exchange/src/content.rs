//! What each kind of document says: a metric's definition, a benchmark series of its values, and a
//! case study. A publisher builds them from its catalogue and programmes; a subscriber reads them
//! back with [`Content::read`], which names the field that is wrong. Every string is bounded and
//! [`screen`] refuses anything that could identify a person before a document is signed.

use crate::document::DocumentKind;
use concord_domain::identifiers::{self, IdentifierKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The longest text in any field, in characters.
pub const MAX_TEXT: usize = 20_000;
/// The most points a benchmark series holds (about 80 years of months).
pub const MAX_POINTS: usize = 1_000;
/// The most partners, costs or milestones a case study lists.
pub const MAX_ITEMS: usize = 100;

/// A metric's definition: enough for another system to compute the same thing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricDefinition {
    /// The publisher's code for it (`ae_4hr`).
    pub code: String,
    /// Its name.
    pub name: String,
    /// The exact definition: numerator, denominator, exclusions.
    pub definition: String,
    /// The unit ("%", "days", "people").
    pub unit: String,
    /// Which way is better: `increase`, `decrease` or `neutral`.
    pub improvement_direction: String,
    /// How often it is reported: `weekly`, `monthly`, `quarterly` or `annual`.
    pub frequency: String,
    /// Where its data come from.
    pub source: String,
}

/// One period of a benchmark series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// The first day of the period (`YYYY-MM-DD`).
    pub period: String,
    /// The value, or none when the disclosure rule withheld it.
    pub value: Option<f64>,
    /// What is shown instead of a withheld value (`<10`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withheld: Option<String>,
}

/// A catalogue metric's values for one scope, as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkSeries {
    /// What is measured.
    pub metric: MetricDefinition,
    /// Whose values these are: "the whole system" or a place's name.
    pub scope: String,
    /// How many people live in the scope, when known (for comparing like with like).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<u64>,
    /// The disclosure rule the values passed, in words.
    pub disclosure_rule: String,
    /// The values, oldest first.
    pub points: Vec<Point>,
}

/// One cost of a case study's intervention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cost {
    /// What was paid for.
    pub item: String,
    /// How much, in pounds, as a decimal string (`412000.00`).
    pub amount: String,
    /// `one_off` or `per_year`.
    pub basis: String,
    /// Who paid.
    pub paid_by: String,
}

/// A case study: what a system did about a problem, and what happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseStudy {
    /// Its title.
    pub title: String,
    /// The problem.
    pub problem: String,
    /// The population it was for.
    pub population: String,
    /// The partners who did it (organisations, never people).
    pub partners: Vec<String>,
    /// What they did.
    pub intervention: String,
    /// When the change began (`YYYY-MM-DD`): the chart of the measure splits here.
    pub started_on: String,
    /// Its measure before and after, as a benchmark series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<BenchmarkSeries>,
    /// What it cost.
    pub costs: Vec<Cost>,
    /// What they would do differently.
    pub differently: String,
    /// The programme's milestones, which another system may adopt as a template.
    pub milestones: Vec<String>,
}

/// A document's content, read according to its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// A case study (boxed: it is much the largest).
    CaseStudy(Box<CaseStudy>),
    /// A metric's definition.
    MetricDefinition(MetricDefinition),
    /// A benchmark series.
    BenchmarkSeries(BenchmarkSeries),
}

/// Why a document's content was refused: the field, and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct ContentError {
    /// Where: `content.points[3].period`.
    pub field: String,
    /// What is wrong.
    pub problem: String,
}

fn refuse(field: impl Into<String>, problem: impl Into<String>) -> ContentError {
    ContentError {
        field: field.into(),
        problem: problem.into(),
    }
}

impl Content {
    /// Reads `content` as a document of `kind`, checking every field.
    pub fn read(kind: DocumentKind, content: &Value) -> Result<Content, ContentError> {
        fn parse<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, ContentError> {
            T::deserialize(value).map_err(|e| refuse("content", e.to_string()))
        }
        let content = match kind {
            DocumentKind::CaseStudy => Content::CaseStudy(Box::new(parse(content)?)),
            DocumentKind::MetricDefinition => Content::MetricDefinition(parse(content)?),
            DocumentKind::BenchmarkSeries => Content::BenchmarkSeries(parse(content)?),
        };
        content.check()?;
        Ok(content)
    }

    /// The content as JSON, for a document's envelope.
    pub fn to_value(&self) -> Value {
        match self {
            Content::CaseStudy(c) => serde_json::to_value(c),
            Content::MetricDefinition(c) => serde_json::to_value(c),
            Content::BenchmarkSeries(c) => serde_json::to_value(c),
        }
        .expect("content is always JSON")
    }

    /// Its kind.
    pub fn kind(&self) -> DocumentKind {
        match self {
            Content::CaseStudy(_) => DocumentKind::CaseStudy,
            Content::MetricDefinition(_) => DocumentKind::MetricDefinition,
            Content::BenchmarkSeries(_) => DocumentKind::BenchmarkSeries,
        }
    }

    /// Its title, for lists: a case study's title, a metric's name.
    pub fn title(&self) -> String {
        match self {
            Content::CaseStudy(c) => c.title.clone(),
            Content::MetricDefinition(m) => m.name.clone(),
            Content::BenchmarkSeries(s) => format!("{} ({})", s.metric.name, s.scope),
        }
    }

    /// Checks every field: text present and bounded, dates, amounts, lists bounded.
    pub fn check(&self) -> Result<(), ContentError> {
        match self {
            Content::MetricDefinition(m) => check_metric("content", m),
            Content::BenchmarkSeries(s) => check_series("content", s),
            Content::CaseStudy(c) => {
                for (field, value) in [
                    ("title", &c.title),
                    ("problem", &c.problem),
                    ("population", &c.population),
                    ("intervention", &c.intervention),
                    ("differently", &c.differently),
                ] {
                    text(&format!("content.{field}"), value, true)?;
                }
                date("content.started_on", &c.started_on)?;
                bounded("content.partners", c.partners.len())?;
                for (i, partner) in c.partners.iter().enumerate() {
                    text(&format!("content.partners[{i}]"), partner, true)?;
                }
                bounded("content.milestones", c.milestones.len())?;
                for (i, milestone) in c.milestones.iter().enumerate() {
                    text(&format!("content.milestones[{i}]"), milestone, true)?;
                }
                bounded("content.costs", c.costs.len())?;
                for (i, cost) in c.costs.iter().enumerate() {
                    let at = format!("content.costs[{i}]");
                    text(&format!("{at}.item"), &cost.item, true)?;
                    text(&format!("{at}.paid_by"), &cost.paid_by, true)?;
                    amount(&format!("{at}.amount"), &cost.amount)?;
                    if !matches!(cost.basis.as_str(), "one_off" | "per_year") {
                        return Err(refuse(format!("{at}.basis"), "must be one_off or per_year"));
                    }
                }
                if let Some(measure) = &c.measure {
                    check_series("content.measure", measure)?;
                }
                Ok(())
            }
        }
    }
}

fn check_metric(at: &str, m: &MetricDefinition) -> Result<(), ContentError> {
    for (field, value) in [
        ("code", &m.code),
        ("name", &m.name),
        ("definition", &m.definition),
        ("unit", &m.unit),
        ("source", &m.source),
    ] {
        text(&format!("{at}.{field}"), value, field != "unit")?;
    }
    if !matches!(
        m.improvement_direction.as_str(),
        "increase" | "decrease" | "neutral"
    ) {
        return Err(refuse(
            format!("{at}.improvement_direction"),
            "must be increase, decrease or neutral",
        ));
    }
    if !matches!(
        m.frequency.as_str(),
        "weekly" | "monthly" | "quarterly" | "annual"
    ) {
        return Err(refuse(
            format!("{at}.frequency"),
            "must be weekly, monthly, quarterly or annual",
        ));
    }
    Ok(())
}

fn check_series(at: &str, s: &BenchmarkSeries) -> Result<(), ContentError> {
    check_metric(&format!("{at}.metric"), &s.metric)?;
    text(&format!("{at}.scope"), &s.scope, true)?;
    text(&format!("{at}.disclosure_rule"), &s.disclosure_rule, true)?;
    if s.points.len() > MAX_POINTS {
        return Err(refuse(
            format!("{at}.points"),
            format!("at most {MAX_POINTS} points"),
        ));
    }
    let mut previous: Option<&str> = None;
    for (i, point) in s.points.iter().enumerate() {
        let here = format!("{at}.points[{i}]");
        date(&format!("{here}.period"), &point.period)?;
        if previous.is_some_and(|p| p >= point.period.as_str()) {
            return Err(refuse(
                format!("{here}.period"),
                "periods must be in order, each once",
            ));
        }
        previous = Some(&point.period);
        match (point.value, &point.withheld) {
            (Some(v), None) if v.is_finite() => {}
            (None, Some(shown)) => text(&format!("{here}.withheld"), shown, true)?,
            (Some(_), None) => return Err(refuse(format!("{here}.value"), "not a number")),
            _ => {
                return Err(refuse(
                    here,
                    "a point has a value or says why it was withheld, not both",
                ))
            }
        }
    }
    Ok(())
}

fn text(field: &str, value: &str, required: bool) -> Result<(), ContentError> {
    if required && value.trim().is_empty() {
        return Err(refuse(field, "must not be empty"));
    }
    if value.chars().count() > MAX_TEXT {
        return Err(refuse(field, format!("at most {MAX_TEXT} characters")));
    }
    Ok(())
}

fn bounded(field: &str, len: usize) -> Result<(), ContentError> {
    if len > MAX_ITEMS {
        return Err(refuse(field, format!("at most {MAX_ITEMS} items")));
    }
    Ok(())
}

fn date(field: &str, value: &str) -> Result<(), ContentError> {
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(|_| ())
        .map_err(|_| refuse(field, "must be a date written YYYY-MM-DD"))
}

fn amount(field: &str, value: &str) -> Result<(), ContentError> {
    let (pounds, pence) = value.split_once('.').unwrap_or((value, "00"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(pounds) && pounds.len() <= 12 && pence.len() == 2 && digits(pence) {
        Ok(())
    } else {
        Err(refuse(
            field,
            "must be pounds as a decimal, such as 412000.00",
        ))
    }
}

/// Where `content` holds something that could identify a person: each string's path and what
/// was found there (never the text itself). Empty when the content may be published.
pub fn screen(content: &Value) -> Vec<(String, IdentifierKind)> {
    let mut found = Vec::new();
    let mut stack = vec![("content".to_string(), content)];
    while let Some((path, value)) = stack.pop() {
        match value {
            Value::String(s) => {
                for kind in identifiers::find(s) {
                    found.push((path.clone(), kind));
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push((format!("{path}[{i}]"), item));
                }
            }
            Value::Object(map) => {
                let mut fields: Vec<_> = map.iter().collect();
                fields.reverse();
                for (key, item) in fields {
                    stack.push((format!("{path}.{key}"), item));
                }
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn metric() -> Value {
        json!({"code": "ae_4hr", "name": "A&E: seen within 4 hours", "definition": "Attendances seen within 4 hours, as a percentage of all.",
               "unit": "%", "improvement_direction": "increase", "frequency": "monthly", "source": "NHS England A&E"})
    }

    #[test]
    fn each_kind_reads_back_and_names_the_field_that_is_wrong() {
        let content = Content::read(DocumentKind::MetricDefinition, &metric()).unwrap();
        assert_eq!(content.title(), "A&E: seen within 4 hours");
        assert_eq!(content.to_value(), metric());

        let series = json!({"metric": metric(), "scope": "the whole system", "disclosure_rule": "Not counts.",
            "points": [{"period": "2026-01-01", "value": 71.5}, {"period": "2026-02-01", "value": null, "withheld": "<10"}]});
        assert!(Content::read(DocumentKind::BenchmarkSeries, &series).is_ok());

        let mut bad = series.clone();
        bad["points"][1]["period"] = json!("2025-12-01");
        assert_eq!(
            Content::read(DocumentKind::BenchmarkSeries, &bad)
                .unwrap_err()
                .to_string(),
            "content.points[1].period: periods must be in order, each once"
        );
        let mut bad = series.clone();
        bad["metric"]["frequency"] = json!("hourly");
        assert_eq!(
            Content::read(DocumentKind::BenchmarkSeries, &bad)
                .unwrap_err()
                .field,
            "content.metric.frequency"
        );
        let mut bad = series;
        bad["points"][0]["withheld"] = json!("<10");
        assert_eq!(
            Content::read(DocumentKind::BenchmarkSeries, &bad)
                .unwrap_err()
                .field,
            "content.points[0]"
        );
        // An unknown field is refused, by name.
        let mut bad = metric();
        bad["numerator"] = json!("x");
        assert!(Content::read(DocumentKind::MetricDefinition, &bad)
            .unwrap_err()
            .problem
            .contains("numerator"));
    }

    #[test]
    fn a_case_study_checks_its_costs_and_dates() {
        let study = json!({"title": "First-contact physiotherapists", "problem": "Long MSK waits", "population": "Adults in 20 practices",
            "partners": ["Northmoor ICB"], "intervention": "FCPs in practices", "started_on": "2024-04-01",
            "costs": [{"item": "6 FCPs", "amount": "412000.00", "basis": "per_year", "paid_by": "Northmoor ICB"}],
            "differently": "Start the audit sooner", "milestones": ["Recruit", "Go live"]});
        assert!(Content::read(DocumentKind::CaseStudy, &study).is_ok());
        let mut bad = study.clone();
        bad["costs"][0]["amount"] = json!("412,000");
        assert_eq!(
            Content::read(DocumentKind::CaseStudy, &bad)
                .unwrap_err()
                .field,
            "content.costs[0].amount"
        );
        let mut bad = study;
        bad["started_on"] = json!("1 April 2024");
        assert_eq!(
            Content::read(DocumentKind::CaseStudy, &bad)
                .unwrap_err()
                .field,
            "content.started_on"
        );
    }

    #[test]
    fn the_screen_names_where_an_identifier_is_without_repeating_it() {
        let content = json!({"title": "A good outcome", "partners": ["Age UK", "seen as 943 476 5919"],
            "costs": [{"item": "call 07700 900123"}]});
        assert_eq!(
            screen(&content),
            vec![
                (
                    "content.costs[0].item".to_string(),
                    IdentifierKind::MobileNumber
                ),
                ("content.partners[1]".to_string(), IdentifierKind::NhsNumber),
            ]
        );
        assert!(screen(&metric()).is_empty());
    }
}
