//! XmR charts drawn as standalone SVG in the *Making Data Count* look: grey common-cause points,
//! blue improvement, orange concern and purple neutral special causes; a solid mean, dashed process
//! limits, a red dashed target; rebase markers; the variation and assurance icons; the profile's
//! name. Special causes also differ in shape and size, so the chart still reads when printed in
//! grey, and the SVG's title and description tell a screen reader what it shows (pages put the
//! full data table beside it).

use super::{Assurance, PointType, SpcPoint, VariationIcon, XmrChart};
use std::fmt::Write;

/// Common-cause points (NHSRplotthedots's palette).
pub const COMMON_CAUSE_COLOUR: &str = "#7B7D7D";
/// Special cause: improvement.
pub const IMPROVEMENT_COLOUR: &str = "#289DE0";
/// Special cause: concern.
pub const CONCERN_COLOUR: &str = "#FAB428";
/// Special cause with no better direction.
pub const NEUTRAL_COLOUR: &str = "#361475";
/// The target line.
pub const TARGET_COLOUR: &str = "#DE1B1B";

const WIDTH: f64 = 820.0;
const HEIGHT: f64 = 380.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 110.0;
const TOP: f64 = 58.0;
const BOTTOM: f64 = 48.0;

/// What the chart is of, for its titles and axes.
#[derive(Debug, Clone, Default)]
pub struct ChartLabels {
    /// The chart's title, for example the metric and the organisation.
    pub title: String,
    /// The unit of the values ("%", "days"), shown on the axis.
    pub unit: String,
    /// One label per point (usually its date).
    pub x_labels: Vec<String>,
    /// Options that shaped the limits, shown under the title (for example "limits fixed after
    /// 12 points").
    pub note: String,
    /// Events to read the chart against, each marked just before the point it may have
    /// affected first and numbered in order (the page lists them by number).
    pub events: Vec<ChartEvent>,
}

/// An event marked on a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartEvent {
    /// The 0-based position of the first point after it.
    pub before: usize,
    /// What happened, for the marker's tooltip.
    pub label: String,
}

/// Escapes text for SVG (XML) content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number for people, to the precision a chart supports ([`concord_domain::format::calculated`]).
pub fn format_value(value: f64) -> String {
    concord_domain::format::calculated(value)
}

fn point_colour(point_type: PointType) -> &'static str {
    match point_type {
        PointType::CommonCause => COMMON_CAUSE_COLOUR,
        PointType::SpecialCauseImprovement => IMPROVEMENT_COLOUR,
        PointType::SpecialCauseConcern => CONCERN_COLOUR,
        PointType::SpecialCauseNeutralHigh | PointType::SpecialCauseNeutralLow => NEUTRAL_COLOUR,
    }
}

/// The scale from values to the drawing.
struct Scale {
    low: f64,
    high: f64,
    step: f64,
}

impl Scale {
    fn new(chart: &XmrChart) -> Self {
        let mut low = f64::INFINITY;
        let mut high = f64::NEG_INFINITY;
        for p in &chart.points {
            for v in [p.value, p.lpl, p.upl] {
                low = low.min(v);
                high = high.max(v);
            }
        }
        if let Some(t) = chart.target {
            low = low.min(t);
            high = high.max(t);
        }
        let pad = ((high - low) * 0.06).max(high.abs().max(1.0) * 1e-6);
        let n = chart.points.len().max(2);
        Self {
            low: low - pad,
            high: high + pad,
            step: (WIDTH - LEFT - RIGHT) / (n - 1) as f64,
        }
    }

    fn x(&self, i: usize) -> f64 {
        LEFT + self.step * i as f64
    }

    fn y(&self, v: f64) -> f64 {
        TOP + (self.high - v) / (self.high - self.low) * (HEIGHT - TOP - BOTTOM)
    }
}

/// The icon for the variation of the latest point: a coloured disc with H (higher) or L (lower),
/// or a grey disc with a level line for common cause.
fn variation_icon(out: &mut String, icon: VariationIcon, cx: f64, cy: f64) {
    let (colour, letter) = match icon {
        VariationIcon::CommonCause => (COMMON_CAUSE_COLOUR, ""),
        VariationIcon::ImprovementHigh => (IMPROVEMENT_COLOUR, "H"),
        VariationIcon::ImprovementLow => (IMPROVEMENT_COLOUR, "L"),
        VariationIcon::ConcernHigh => (CONCERN_COLOUR, "H"),
        VariationIcon::ConcernLow => (CONCERN_COLOUR, "L"),
        VariationIcon::NeutralHigh => (NEUTRAL_COLOUR, "H"),
        VariationIcon::NeutralLow => (NEUTRAL_COLOUR, "L"),
    };
    let _ = write!(
        out,
        r##"<g class="spc-icon spc-icon--variation" data-icon="{}"><title>{}</title><circle cx="{cx}" cy="{cy}" r="19" fill="#fff" stroke="{colour}" stroke-width="4"/>"##,
        icon.as_str(),
        icon.label()
    );
    if letter.is_empty() {
        let _ = write!(
            out,
            r##"<path d="M{} {cy} l7 -6 l7 12 l7 -6" fill="none" stroke="{colour}" stroke-width="3"/>"##,
            cx - 10.5
        );
    } else {
        let _ = write!(
            out,
            r##"<text x="{cx}" y="{}" text-anchor="middle" font-size="18" font-weight="bold" fill="{colour}">{letter}</text>"##,
            cy + 6.0
        );
    }
    out.push_str("</g>");
}

/// The assurance icon: P (pass, blue), F (fail, orange) or a wave (hit and miss, grey).
fn assurance_icon(out: &mut String, assurance: Assurance, cx: f64, cy: f64) {
    let (colour, letter) = match assurance {
        Assurance::Pass => (IMPROVEMENT_COLOUR, "P"),
        Assurance::Fail => (CONCERN_COLOUR, "F"),
        Assurance::HitAndMiss => (COMMON_CAUSE_COLOUR, ""),
    };
    let _ = write!(
        out,
        r##"<g class="spc-icon spc-icon--assurance" data-icon="{}"><title>{}</title><circle cx="{cx}" cy="{cy}" r="19" fill="{colour}"/>"##,
        assurance.as_str(),
        assurance.label()
    );
    if letter.is_empty() {
        let _ = write!(
            out,
            r##"<path d="M{} {cy} q5 -9 10 0 t10 0" fill="none" stroke="#fff" stroke-width="3"/>"##,
            cx - 10.0
        );
    } else {
        let _ = write!(
            out,
            r##"<text x="{cx}" y="{}" text-anchor="middle" font-size="18" font-weight="bold" fill="#fff">{letter}</text>"##,
            cy + 6.0
        );
    }
    out.push_str("</g>");
}

/// One point's marker: small grey discs for common cause; larger discs (improvement, neutral) or
/// diamonds (concern) with a dark outline for special causes.
fn marker(out: &mut String, point: &SpcPoint, x: f64, y: f64, label: &str) {
    let colour = point_colour(point.point_type);
    let title = match point.rule {
        Some(rule) => format!(
            "{label}: {} ({}, {})",
            format_value(point.value),
            point.point_type.label(),
            rule.description()
        ),
        None => format!("{label}: {}", format_value(point.value)),
    };
    let title = escape(&title);
    match point.point_type {
        PointType::CommonCause => {
            let _ = write!(
                out,
                r#"<circle class="spc-point" cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{colour}"><title>{title}</title></circle>"#
            );
        }
        PointType::SpecialCauseConcern => {
            let _ = write!(
                out,
                r##"<path class="spc-point spc-point--concern" d="M{x:.1} {:.1} l6.5 6.5 l-6.5 6.5 l-6.5 -6.5 z" fill="{colour}" stroke="#3d3d3d" stroke-width="1"><title>{title}</title></path>"##,
                y - 6.5
            );
        }
        _ => {
            let _ = write!(
                out,
                r##"<circle class="spc-point spc-point--special" cx="{x:.1}" cy="{y:.1}" r="5.5" fill="{colour}" stroke="#3d3d3d" stroke-width="1"><title>{title}</title></circle>"##
            );
        }
    }
}

/// Draws `chart` as a standalone SVG document.
pub fn render(chart: &XmrChart, labels: &ChartLabels) -> String {
    let scale = Scale::new(chart);
    let mut out = String::with_capacity(4096 + chart.points.len() * 220);
    let title = escape(&labels.title);
    let latest = chart.points.last();
    let group = chart.groups.last();
    let mut desc = format!(
        "XmR chart of {} points. {}.",
        chart.points.len(),
        chart.variation_icon.label()
    );
    if let Some(a) = chart.assurance {
        let _ = write!(desc, " {}.", a.label());
    }
    if let (Some(p), Some(g)) = (latest, group) {
        let _ = write!(
            desc,
            " Latest value {}; mean {}, process limits {} to {}.",
            format_value(p.value),
            format_value(g.mean),
            format_value(g.lpl),
            format_value(g.upl)
        );
    }
    let _ = write!(desc, " Rules: {}.", chart.profile);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="spc-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="spc-title spc-desc" font-family="Arial, Helvetica, sans-serif"><title id="spc-title">{title}</title><desc id="spc-desc">{}</desc><rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>"##,
        escape(&desc)
    );
    let _ = write!(
        out,
        r##"<text x="{LEFT}" y="22" font-size="16" font-weight="bold" fill="#212b32">{title}</text><text x="{LEFT}" y="42" font-size="11" fill="#4c6272">{}</text>"##,
        escape(&if labels.note.is_empty() {
            format!("Rules: {}", chart.profile)
        } else {
            format!("Rules: {} · {}", chart.profile, labels.note)
        })
    );

    // Gridlines and the value axis.
    let right = WIDTH - RIGHT;
    for k in 0..=4 {
        let v = scale.low + (scale.high - scale.low) * f64::from(k) / 4.0;
        let y = scale.y(v);
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" x2="{right}" y1="{y:.1}" y2="{y:.1}" stroke="#e8edee"/><text x="{}" y="{:.1}" text-anchor="end" font-size="11" fill="#4c6272">{}</text>"##,
            LEFT - 6.0,
            y + 4.0,
            escape(&format_value(v))
        );
    }
    if !labels.unit.is_empty() {
        let _ = write!(
            out,
            r##"<text transform="translate(14 {:.1}) rotate(-90)" text-anchor="middle" font-size="11" fill="#4c6272">{}</text>"##,
            (TOP + HEIGHT - BOTTOM) / 2.0,
            escape(&labels.unit)
        );
    }
    // Date labels: about eight, always the first and last.
    let n = chart.points.len();
    let every = n.div_ceil(8).max(1);
    for i in (0..n).filter(|i| i % every == 0 || *i + 1 == n) {
        if i + 1 == n && i % every != 0 && (n - 1) % every < every / 2 {
            continue;
        }
        if let Some(label) = labels.x_labels.get(i) {
            let _ = write!(
                out,
                r##"<text x="{:.1}" y="{}" text-anchor="middle" font-size="11" fill="#4c6272">{}</text>"##,
                scale.x(i),
                HEIGHT - BOTTOM + 18.0,
                escape(label)
            );
        }
    }

    // Per group: limits, mean, and a rebase marker.
    for (gi, g) in chart.groups.iter().enumerate() {
        let x1 = scale.x(g.start);
        let x2 = scale.x(g.start + g.n - 1);
        let x2 = if x2 - x1 < 1.0 { x1 + 1.0 } else { x2 };
        for (class, v, width, dash) in [
            ("spc-upl", g.upl, 1.5, "6 4"),
            ("spc-lpl", g.lpl, 1.5, "6 4"),
            ("spc-mean", g.mean, 2.0, ""),
        ] {
            let y = scale.y(v);
            let _ = write!(
                out,
                r##"<line class="{class}" x1="{x1:.1}" x2="{x2:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#231F20" stroke-width="{width}" stroke-dasharray="{dash}"/>"##
            );
        }
        if gi > 0 {
            let x = (scale.x(g.start) + scale.x(g.start - 1)) / 2.0;
            let _ = write!(
                out,
                r##"<line class="spc-rebase" x1="{x:.1}" x2="{x:.1}" y1="{TOP}" y2="{}" stroke="#4c6272" stroke-width="1" stroke-dasharray="2 3"/><text x="{:.1}" y="{}" font-size="10" fill="#4c6272">Rebased</text>"##,
                HEIGHT - BOTTOM,
                x + 3.0,
                TOP + 10.0
            );
        }
        if gi + 1 == chart.groups.len() {
            for (label, v) in [("UPL", g.upl), ("Mean", g.mean), ("LPL", g.lpl)] {
                let _ = write!(
                    out,
                    r##"<text x="{:.1}" y="{:.1}" font-size="10" fill="#231F20">{label} {}</text>"##,
                    right + 4.0,
                    scale.y(v) + 3.5,
                    escape(&format_value(v))
                );
            }
        }
    }
    if let Some(t) = chart.target {
        let y = scale.y(t);
        let _ = write!(
            out,
            r##"<line class="spc-target" x1="{LEFT}" x2="{right}" y1="{y:.1}" y2="{y:.1}" stroke="{TARGET_COLOUR}" stroke-width="1.5" stroke-dasharray="10 4 2 4"/><text x="{:.1}" y="{:.1}" font-size="10" fill="{TARGET_COLOUR}">Target {}</text>"##,
            LEFT + 4.0,
            y - 4.0,
            escape(&format_value(t))
        );
    }

    // Events: a dotted line between the point before and the one after, numbered.
    for (k, event) in labels.events.iter().enumerate() {
        if event.before == 0 || event.before >= chart.points.len() {
            continue;
        }
        let x = (scale.x(event.before) + scale.x(event.before - 1)) / 2.0;
        let _ = write!(
            out,
            r##"<g class="spc-event"><title>{}</title><line x1="{x:.1}" x2="{x:.1}" y1="{TOP}" y2="{}" stroke="#005eb8" stroke-width="1.5" stroke-dasharray="1 3"/><circle cx="{x:.1}" cy="{}" r="8" fill="#005eb8"/><text x="{x:.1}" y="{}" text-anchor="middle" font-size="10" font-weight="bold" fill="#fff">{}</text></g>"##,
            escape(&format!("Event {}: {}", k + 1, event.label)),
            HEIGHT - BOTTOM,
            TOP + 8.0,
            TOP + 11.5,
            k + 1
        );
    }

    // The data line and points.
    let path: Vec<String> = chart
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", scale.x(i), scale.y(p.value)))
        .collect();
    let _ = write!(
        out,
        r##"<polyline class="spc-line" points="{}" fill="none" stroke="{COMMON_CAUSE_COLOUR}" stroke-width="1.5"/>"##,
        path.join(" ")
    );
    for (i, p) in chart.points.iter().enumerate() {
        let label = labels
            .x_labels
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("Point {}", i + 1));
        marker(&mut out, p, scale.x(i), scale.y(p.value), &label);
    }

    // Icons, top right.
    variation_icon(&mut out, chart.variation_icon, WIDTH - 72.0, 28.0);
    if let Some(a) = chart.assurance {
        assurance_icon(&mut out, a, WIDTH - 28.0, 28.0);
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spc::{xmr, ImprovementDirection, SpcOptions};

    fn chart() -> XmrChart {
        let mut values: Vec<f64> = (0..14).map(|i| 10.0 + f64::from(i % 2) * 2.0).collect();
        values.extend([30.0, 11.0, 12.0, 11.0]);
        xmr(
            &values,
            &SpcOptions {
                target: Some(25.0),
                rebase_at: vec![10],
                improvement: ImprovementDirection::Decrease,
                ..SpcOptions::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn the_svg_is_well_formed_and_names_its_rules() {
        let labels = ChartLabels {
            title: "Delayed discharges <R&V>".into(),
            unit: "people".into(),
            x_labels: (1..=18).map(|d| format!("2025-{d:02}")).collect(),
            note: String::new(),
            events: Vec::new(),
        };
        let svg = render(&chart(), &labels);
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        assert!(svg.contains("Delayed discharges &lt;R&amp;V&gt;"));
        assert!(svg.contains("Rules: NHSRplotthedots 0.2.2"));
        assert_eq!(svg.matches("class=\"spc-mean\"").count(), 2);
        assert_eq!(svg.matches("class=\"spc-rebase\"").count(), 1);
        assert!(svg.contains("class=\"spc-target\""));
        let chart = chart();
        let icon = format!("data-icon=\"{}\"", chart.variation_icon.as_str());
        assert!(svg.contains(&icon), "{icon}");
        assert!(
            svg.contains("data-icon=\"hit_and_miss\"")
                || chart.assurance != Some(Assurance::HitAndMiss)
        );
        // A title for each point and each icon, besides the chart's own.
        let titles = doc
            .descendants()
            .filter(|n| n.has_tag_name("title"))
            .count();
        assert_eq!(titles, 18 + 2 + 1);
    }

    #[test]
    fn values_are_formatted_for_people() {
        assert_eq!(format_value(2000538.944), "2,000,539");
        assert_eq!(format_value(95.26), "95.3");
        assert_eq!(format_value(0.890891), "0.8909");
        assert_eq!(format_value(-3.0), "\u{2212}3");
    }
}
