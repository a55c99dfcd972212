//! A signed document drawn for people: its envelope (kind, version, publisher, hash) and what it
//! says, with a benchmark series (or a case study's measure) as a table and a Making Data Count
//! chart. Shared by the pages of what this system published and of what peers published.

use concord_app::listen::exchange::compare;
use concord_app::listen::exchange::publish::kind_label;
use concord_exchange::content::{BenchmarkSeries, CaseStudy, MetricDefinition};
use concord_exchange::{Content, Signed};
use concord_measure::spc::svg::render as render_svg;

/// A series drawn: its scope, rule, rows and chart (or why there is none).
pub struct SeriesView {
    /// The metric.
    pub metric: MetricDefinition,
    /// Whose values.
    pub scope: String,
    /// The disclosure rule the values passed.
    pub rule: String,
    /// (period, value as shown).
    pub rows: Vec<(String, String)>,
    /// The chart.
    pub svg: Option<String>,
    /// Why there is no chart.
    pub why_not: Option<String>,
}

impl SeriesView {
    /// Draws `series`, splitting the chart's limits at `split_on` if given.
    pub fn of(series: &BenchmarkSeries, split_on: Option<&str>) -> SeriesView {
        let (svg, why_not) = match compare::chart(series, split_on) {
            Ok((chart, labels)) => (Some(render_svg(&chart, &labels)), None),
            Err(why) => (None, Some(why)),
        };
        SeriesView {
            metric: series.metric.clone(),
            scope: series.scope.clone(),
            rule: series.disclosure_rule.clone(),
            rows: series
                .points
                .iter()
                .map(|p| {
                    let shown = match (p.value, &p.withheld) {
                        (Some(v), _) => concord_domain::format::with_unit(
                            &concord_domain::format::figure(v),
                            &series.metric.unit,
                        ),
                        (None, Some(w)) => w.clone(),
                        (None, None) => concord_domain::format::NO_VALUE.into(),
                    };
                    (p.period.clone(), shown)
                })
                .collect(),
            svg,
            why_not,
        }
    }
}

/// A document drawn for people.
pub struct DocumentView {
    /// "Case study", "Metric definition", "Benchmark series".
    pub kind_label: &'static str,
    /// Its title.
    pub title: String,
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: u64,
    /// When it was published.
    pub published_at: String,
    /// Who published it.
    pub publisher_name: String,
    /// Where they publish.
    pub publisher_url: String,
    /// Its content hash.
    pub hash: String,
    /// A metric definition's content.
    pub metric: Option<MetricDefinition>,
    /// A benchmark series (or a case study's measure).
    pub series: Option<SeriesView>,
    /// A case study's content.
    pub case_study: Option<CaseStudy>,
}

impl DocumentView {
    /// Draws a signed document as kept (it verified when it was kept); none if it cannot be read.
    pub fn of(signed_text: &str) -> Option<DocumentView> {
        let signed: Signed = serde_json::from_str(signed_text).ok()?;
        let document = &signed.document;
        let content = Content::read(document.kind, &document.content).ok()?;
        let code = concord_app::listen::exchange::publish::kind_code(document.kind);
        let mut view = DocumentView {
            kind_label: kind_label(code),
            title: content.title(),
            id: document.id.clone(),
            version: document.version,
            published_at: document.published_at.clone(),
            publisher_name: document.publisher.name.clone(),
            publisher_url: document.publisher.url.clone(),
            hash: signed.hash.clone(),
            metric: None,
            series: None,
            case_study: None,
        };
        match content {
            Content::MetricDefinition(m) => view.metric = Some(m),
            Content::BenchmarkSeries(s) => view.series = Some(SeriesView::of(&s, None)),
            Content::CaseStudy(c) => {
                view.series = c
                    .measure
                    .as_ref()
                    .map(|m| SeriesView::of(m, Some(&c.started_on)));
                view.case_study = Some(*c);
            }
        }
        Some(view)
    }

    /// The metric the document is about, if any (a definition, a series or a case study's measure).
    pub fn metric_defined(&self) -> Option<&MetricDefinition> {
        self.metric
            .as_ref()
            .or_else(|| self.series.as_ref().map(|s| &s.metric))
    }

    /// A case study's costs with amounts for people ("£412,000 a year").
    pub fn costs(&self) -> Vec<(String, String, String)> {
        self.case_study
            .iter()
            .flat_map(|c| c.costs.iter())
            .map(|cost| {
                let amount = concord_domain::finance::Money::parse(&cost.amount)
                    .map(concord_domain::format::money)
                    .unwrap_or_else(|_| cost.amount.clone());
                let basis = if cost.basis == "per_year" {
                    " a year"
                } else {
                    " once"
                };
                (
                    cost.item.clone(),
                    format!("{amount}{basis}"),
                    cost.paid_by.clone(),
                )
            })
            .collect()
    }
}
