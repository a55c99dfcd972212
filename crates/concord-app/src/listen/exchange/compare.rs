//! Reading what a peer published beside one's own: a benchmark series (or a case study's measure)
//! as a Making Data Count chart, a case study's measure split where its change began, and whether
//! a peer's metric is like ours before the two are set side by side.

use concord_exchange::content::{BenchmarkSeries, MetricDefinition};
use concord_measure::spc::{self, svg::ChartLabels, SpcOptions, XmrChart};
use concord_store::metrics::Metric;

/// How a peer's metric compares with one of ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Likeness {
    /// The same unit and, word for word, the same definition.
    Same,
    /// The same unit, but the definitions are worded differently: read both before comparing.
    Worded,
    /// Not comparable: why.
    Unlike(String),
}

fn words(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `theirs` measures what `ours` does: the unit and direction must match, and the
/// definition's words (case and punctuation aside) tell "the same" from "worded differently".
pub fn likeness(theirs: &MetricDefinition, ours: &Metric) -> Likeness {
    if theirs.unit.trim().to_lowercase() != ours.unit.trim().to_lowercase() {
        return Likeness::Unlike(format!(
            "Theirs is measured in {} and ours in {}",
            quoted(&theirs.unit),
            quoted(&ours.unit)
        ));
    }
    if theirs.improvement_direction != ours.improvement_direction.as_str() {
        return Likeness::Unlike(
            "One counts a rise as better and the other a fall: they do not measure the same thing"
                .into(),
        );
    }
    if words(&theirs.definition) == words(&ours.definition) {
        Likeness::Same
    } else {
        Likeness::Worded
    }
}

fn quoted(unit: &str) -> String {
    if unit.trim().is_empty() {
        "no unit".into()
    } else {
        format!("\"{}\"", unit.trim())
    }
}

/// A series' chart, or why there is none (a withheld value, too few points). `split_on` starts
/// new limits at the first period on or after that date (a case study's change).
pub fn chart(
    series: &BenchmarkSeries,
    split_on: Option<&str>,
) -> Result<(XmrChart, ChartLabels), String> {
    if series.points.iter().any(|p| p.value.is_none()) {
        return Err(
            "Some values were withheld under the publisher's disclosure rule, so no chart is drawn: the table gives every value published."
                .into(),
        );
    }
    let values: Vec<f64> = series.points.iter().filter_map(|p| p.value).collect();
    let improvement = match series.metric.improvement_direction.as_str() {
        "increase" => spc::ImprovementDirection::Increase,
        "decrease" => spc::ImprovementDirection::Decrease,
        _ => spc::ImprovementDirection::Neutral,
    };
    let rebase_at = split_on
        .and_then(|date| series.points.iter().position(|p| p.period.as_str() >= date))
        .filter(|at| *at > 0)
        .into_iter()
        .collect();
    let chart = spc::xmr(
        &values,
        &SpcOptions {
            improvement,
            rebase_at,
            ..SpcOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let labels = ChartLabels {
        title: format!("{}: {}", series.metric.name, series.scope),
        unit: series.metric.unit.clone(),
        x_labels: series.points.iter().map(|p| p.period.clone()).collect(),
        note: if split_on.is_some() {
            "New limits from when the change began".into()
        } else {
            String::new()
        },
        events: Vec::new(),
    };
    Ok((chart, labels))
}

#[cfg(test)]
mod tests {
    use super::*;
    use concord_domain::metric::{Frequency, ImprovementDirection, MetricCategory};

    fn ours(unit: &str, definition: &str) -> Metric {
        Metric {
            id: "m".into(),
            code: "ae_4hr".into(),
            name: "A&E within 4 hours".into(),
            definition: definition.into(),
            unit: unit.into(),
            improvement_direction: ImprovementDirection::Increase,
            target: None,
            owner_organisation_id: "o".into(),
            owner_organisation_name: "ICB".into(),
            source: "NHS England".into(),
            frequency: Frequency::Monthly,
            category: MetricCategory::UrgentCare,
        }
    }

    fn theirs(unit: &str, definition: &str) -> MetricDefinition {
        MetricDefinition {
            code: "ae4".into(),
            name: "Seen in 4 hours".into(),
            definition: definition.into(),
            unit: unit.into(),
            improvement_direction: "increase".into(),
            frequency: "monthly".into(),
            source: "NHS England".into(),
        }
    }

    #[test]
    fn like_is_told_from_unlike_by_unit_direction_and_words() {
        let def = "Attendances seen within 4 hours, as a percentage of all attendances.";
        assert_eq!(
            likeness(
                &theirs(
                    "%",
                    "attendances SEEN within 4 hours as a percentage of all attendances"
                ),
                &ours("%", def)
            ),
            Likeness::Same
        );
        assert_eq!(
            likeness(
                &theirs("%", "Type 1 attendances seen within 4 hours."),
                &ours("%", def)
            ),
            Likeness::Worded
        );
        assert!(matches!(
            likeness(&theirs("people", def), &ours("%", def)),
            Likeness::Unlike(_)
        ));
        let mut falling = theirs("%", def);
        falling.improvement_direction = "decrease".into();
        assert!(matches!(
            likeness(&falling, &ours("%", def)),
            Likeness::Unlike(_)
        ));
    }
}
