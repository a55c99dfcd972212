//! The pulse over time: each closed round's results under the disclosure rule (an open round
//! shows none: answers still coming in could be told apart by comparing two looks), in order,
//! and a Making Data Count chart of any one figure across them, with events marked. A fall
//! beyond the limits is special cause variation of concern. The pages, the API, the export and
//! the board pack all read this.

use super::{events, respondents, rounds, Event, Round};
use crate::{Store, StoreError};
use concord_domain::pulse::results::{compute, Figure, PulseResults};
use concord_domain::pulse::{Principle, RoundStatus, PULSE_FLOOR};
use concord_measure::spc::svg::{render, ChartEvent, ChartLabels};
use concord_measure::spc::{xmr, ImprovementDirection, PointType, SpcOptions, XmrChart};
use std::collections::BTreeMap;

/// One closed round and its results.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct RoundResults {
    /// The round.
    pub round: Round,
    /// Its results.
    pub results: PulseResults,
}

/// Every closed round's results, oldest first, the events, and the organisations' names.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    /// Closed rounds, oldest first.
    pub rounds: Vec<RoundResults>,
    /// Every event, in date order.
    pub events: Vec<Event>,
    /// Organisation names by id.
    pub names: BTreeMap<String, String>,
}

/// Which figure a chart follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every rating.
    Overall,
    /// How one organisation's respondents rated their partners.
    Given(String),
    /// How one organisation was rated by its partners.
    Received(String),
    /// How one organisation's respondents rated one partner.
    Cell {
        /// The respondents' organisation.
        from: String,
        /// The partner.
        to: String,
    },
    /// One principle, across every respondent.
    Principle(Principle),
}

/// A figure's chart across the closed rounds.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendChart {
    /// The XmR chart of the rounds where the figure is shown.
    pub chart: XmrChart,
    /// Those rounds' titles, in order.
    pub rounds: Vec<String>,
    /// Rounds left out because the figure is withheld in them.
    pub left_out: usize,
    /// The events marked, numbered from 1 in this order.
    pub events: Vec<Event>,
    /// The chart as SVG.
    pub svg: String,
}

impl TrendChart {
    /// Whether the latest round is a fall beyond the limits (special cause of concern).
    pub fn latest_falls(&self) -> bool {
        self.chart
            .points
            .last()
            .is_some_and(|p| p.point_type == PointType::SpecialCauseConcern)
    }
}

/// One figure of `results`.
pub fn figure<'a>(results: &'a PulseResults, scope: &Scope) -> Option<&'a Figure> {
    match scope {
        Scope::Overall => Some(&results.overall),
        Scope::Given(org) => results.rating_given.get(org),
        Scope::Received(org) => results.rated_by_partners.get(org),
        Scope::Cell { from, to } => results.cell(from, to),
        Scope::Principle(p) => results
            .principles
            .iter()
            .find(|f| f.principle == *p)
            .map(|f| &f.overall),
    }
}

impl Trend {
    /// An organisation's name (its id if unknown).
    pub fn name<'a>(&'a self, id: &'a str) -> &'a str {
        name_in(&self.names, id)
    }

    /// What a scope is, in words.
    pub fn describe(&self, scope: &Scope) -> String {
        match scope {
            Scope::Overall => "Trust between partners, all ratings".into(),
            Scope::Given(o) => format!("How {} rates its partners", self.name(o)),
            Scope::Received(o) => format!("How partners rate {}", self.name(o)),
            Scope::Cell { from, to } => format!("How {} rates {}", self.name(from), self.name(to)),
            Scope::Principle(p) => p.label().to_string(),
        }
    }

    /// The chart of `scope` across the closed rounds where it is shown; none with fewer than two
    /// such rounds.
    pub fn chart(&self, scope: &Scope) -> Option<TrendChart> {
        let shown: Vec<(&RoundResults, f64)> = self
            .rounds
            .iter()
            .filter_map(|r| {
                figure(&r.results, scope)
                    .and_then(|f| f.exact)
                    .map(|v| (r, v))
            })
            .collect();
        let left_out = self.rounds.len() - shown.len();
        let values: Vec<f64> = shown.iter().map(|(_, v)| *v).collect();
        let chart = xmr(
            &values,
            &SpcOptions {
                improvement: ImprovementDirection::Increase,
                ..SpcOptions::default()
            },
        )
        .ok()?;
        // Each event goes before the first charted round that closed on or after it.
        let mut marked = Vec::new();
        let mut chart_events = Vec::new();
        for event in &self.events {
            let Some(before) = shown
                .iter()
                .position(|(r, _)| r.round.closes_on >= event.happened_on)
            else {
                continue;
            };
            if before == 0 {
                continue;
            }
            chart_events.push(ChartEvent {
                before,
                label: event.title.clone(),
            });
            marked.push(event.clone());
        }
        let rounds: Vec<String> = shown.iter().map(|(r, _)| r.round.title.clone()).collect();
        let mut note = format!(
            "mean score 1 to 5 at each round's close; figures of {PULSE_FLOOR} or more respondents"
        );
        if left_out > 0 {
            note.push_str(&format!("; {left_out} round(s) withheld and left out"));
        }
        // Axis labels: the month each round closed (round titles are too long to sit side by side).
        let x_labels = shown
            .iter()
            .map(|(r, _)| {
                chrono::NaiveDate::parse_from_str(&r.round.closes_on, "%Y-%m-%d")
                    .map(|d| d.format("%b %Y").to_string())
                    .unwrap_or_else(|_| r.round.title.clone())
            })
            .collect();
        let svg = render(
            &chart,
            &ChartLabels {
                title: self.describe(scope),
                unit: "Score (1 to 5)".into(),
                x_labels,
                note,
                events: chart_events,
            },
        );
        Some(TrendChart {
            chart,
            rounds,
            left_out,
            events: marked,
            svg,
        })
    }

    /// The latest closed round, if any.
    pub fn latest(&self) -> Option<&RoundResults> {
        self.rounds.last()
    }

    /// The relationships whose latest round fell beyond the limits: (from, to, chart).
    pub fn falls(&self) -> Vec<(String, String, TrendChart)> {
        let Some(latest) = self.latest() else {
            return Vec::new();
        };
        latest
            .results
            .cells
            .iter()
            .filter(|c| c.figure.shown())
            .filter_map(|c| {
                let chart = self.chart(&Scope::Cell {
                    from: c.from.clone(),
                    to: c.to.clone(),
                })?;
                let last_is_latest = chart.rounds.last() == Some(&latest.round.title);
                (last_is_latest && chart.latest_falls())
                    .then(|| (c.from.clone(), c.to.clone(), chart))
            })
            .collect()
    }
}

/// An organisation's name in `names` (its id if unknown).
pub fn name_in<'a>(names: &'a BTreeMap<String, String>, id: &'a str) -> &'a str {
    names.get(id).map_or(id, String::as_str)
}

/// Every organisation's name by id, for labelling results (a round's results need no other
/// round's).
pub async fn names(store: &Store) -> Result<BTreeMap<String, String>, StoreError> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, name FROM organisations")
        .fetch_all(store.pool())
        .await?;
    Ok(rows.into_iter().collect())
}

/// One round's results: only once it has closed.
pub async fn results(store: &Store, round: Round) -> Result<RoundResults, StoreError> {
    if round.status != RoundStatus::Closed {
        return Err(StoreError::invalid(
            "round",
            "Results are shown once the round closes, so that answers cannot be told apart by comparing two looks while it is open",
        ));
    }
    let results = compute(&respondents(store, &round.id).await?, PULSE_FLOOR);
    Ok(RoundResults { round, results })
}

/// Every closed round's results, oldest first, with the events and names.
pub async fn trend(store: &Store) -> Result<Trend, StoreError> {
    let mut closed: Vec<Round> = rounds(store)
        .await?
        .into_iter()
        .filter(|r| r.status == RoundStatus::Closed)
        .collect();
    closed.sort_by(|a, b| a.closes_on.cmp(&b.closes_on));
    let mut out = Vec::with_capacity(closed.len());
    for round in closed {
        out.push(results(store, round).await?);
    }
    Ok(Trend {
        rounds: out,
        events: events(store).await?,
        names: names(store).await?,
    })
}

/// The pulse as a board pack shows it: the latest closed round's overall score and its chart,
/// the relationships that fell beyond the limits, and the events since the round before.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct PackPulse {
    /// The round's title.
    pub round_title: String,
    /// Respondents in it (none when under the floor).
    pub respondents: Option<usize>,
    /// The overall trust score, one decimal place (none when withheld).
    pub overall: Option<f64>,
    /// What the overall chart's latest point says.
    pub overall_variation: Option<String>,
    /// Each fall, in words.
    pub falls: Vec<String>,
    /// Events since the round before, in words.
    pub events: Vec<String>,
    /// The overall chart as SVG, if there are two rounds or more.
    pub chart_svg: Option<String>,
}

/// The board pack's pulse section; none before the first round closes.
pub async fn for_pack(store: &Store) -> Result<Option<PackPulse>, StoreError> {
    let trend = trend(store).await?;
    let Some(latest) = trend.latest() else {
        return Ok(None);
    };
    let chart = trend.chart(&Scope::Overall);
    let previous_close = trend
        .rounds
        .len()
        .checked_sub(2)
        .map(|i| trend.rounds[i].round.closes_on.clone())
        .unwrap_or_default();
    let falls = trend
        .falls()
        .into_iter()
        .map(|(from, to, c)| {
            let point = c.chart.points.last().expect("a chart has points");
            format!(
                "{} rating {}: {:.1}, below the lower limit {:.1} (mean {:.1})",
                trend.name(&from),
                trend.name(&to),
                point.value,
                point.lpl,
                point.mean
            )
        })
        .collect();
    Ok(Some(PackPulse {
        round_title: latest.round.title.clone(),
        respondents: latest.results.respondents,
        overall: latest.results.overall.score,
        overall_variation: chart
            .as_ref()
            .map(|c| c.chart.variation_icon.label().to_string()),
        falls,
        events: trend
            .events
            .iter()
            .filter(|e| e.happened_on > previous_close && e.happened_on <= latest.round.closes_on)
            .map(|e| {
                format!(
                    "{}: {}",
                    concord_domain::format::stored(&e.happened_on),
                    e.title
                )
            })
            .collect(),
        chart_svg: chart.map(|c| c.svg),
    }))
}
