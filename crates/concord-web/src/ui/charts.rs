//! Small SVG charts: horizontal bars, an age–sex pyramid and stacked bars of published counts, and
//! fan charts of simulated results over time.
//! Each chart is an image with a title and description; the same counts are always in a table
//! beside it. A suppressed or withheld count draws no bar and is labelled as published ("<10",
//! "x"); a stacked bar with a withheld count is not drawn, since its shares would mislead.

use concord_population::disclosure::Shown;
use std::fmt::Write;

const BLUE: &str = "#005eb8";
const DARK_BLUE: &str = "#003087";
const TEXT: &str = "#212b32";
/// Colours for stacked categories (fit, mild, moderate, severe...), light to dark, with enough
/// contrast against white for the bars themselves.
const STACK: [&str; 6] = [
    "#41b6e6", "#005eb8", "#ed8b00", "#d5281b", "#330072", "#768692",
];

/// Escapes text for SVG.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A published count as SVG text.
fn shown(value: &Shown) -> String {
    escape(&value.to_string())
}

/// The length a published count is drawn at: none for a hidden one, whose label says why.
fn count(shown: &Shown) -> u64 {
    match shown {
        Shown::Count(n) => *n,
        Shown::Suppressed { .. } | Shown::Withheld => 0,
    }
}

fn open(out: &mut String, width: u32, height: u32, title: &str, id: &str) {
    let _ = write!(
        out,
        r#"<svg class="concord-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="{id}-title" font-family="Frutiger W01, Arial, sans-serif" font-size="13"><title id="{id}-title">{}</title>"#,
        escape(title)
    );
}

/// Horizontal bars, one per label.
pub fn bars(id: &str, title: &str, labels: &[String], values: &[Shown]) -> String {
    let lengths: Vec<f64> = values.iter().map(|v| count(v) as f64).collect();
    let texts: Vec<String> = values.iter().map(ToString::to_string).collect();
    labelled_bars(id, title, labels, &lengths, &texts, 70.0)
}

/// An age–sex pyramid: women to the right, men to the left, the oldest band at the top.
pub fn pyramid(
    id: &str,
    title: &str,
    bands: &[String],
    female: &[Shown],
    male: &[Shown],
) -> String {
    let width = 640.0;
    let middle = width / 2.0;
    let gutter = 34.0;
    let row = 16.0;
    let top = 24.0;
    let height = top + row * bands.len() as f64 + 8.0;
    let max = female
        .iter()
        .chain(male)
        .map(count)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let scale = (middle - gutter - 60.0) / max;
    let mut out = String::new();
    open(&mut out, width as u32, height as u32, title, id);
    let _ = write!(
        out,
        r#"<text x="{}" y="14" text-anchor="end" fill="{TEXT}">Men</text><text x="{}" y="14" fill="{TEXT}">Women</text>"#,
        middle - gutter,
        middle + gutter
    );
    for (i, band) in bands.iter().enumerate().rev() {
        let y = top + row * (bands.len() - 1 - i) as f64;
        let (f, m) = (&female[i], &male[i]);
        let (fw, mw) = (count(f) as f64 * scale, count(m) as f64 * scale);
        let _ = write!(
            out,
            r#"<text x="{middle}" y="{}" text-anchor="middle" font-size="11" fill="{TEXT}">{}</text><rect x="{}" y="{}" width="{mw:.1}" height="{}" fill="{DARK_BLUE}"/><rect x="{}" y="{}" width="{fw:.1}" height="{}" fill="{BLUE}"/>"#,
            y + 12.0,
            escape(band),
            middle - gutter - mw,
            y + 2.0,
            row - 3.0,
            middle + gutter,
            y + 2.0,
            row - 3.0
        );
        if !matches!(m, Shown::Count(_)) {
            let _ = write!(
                out,
                r#"<text x="{}" y="{}" text-anchor="end" font-size="11" fill="{TEXT}">{}</text>"#,
                middle - gutter - 4.0,
                y + 12.0,
                shown(m)
            );
        }
        if !matches!(f, Shown::Count(_)) {
            let _ = write!(
                out,
                r#"<text x="{}" y="{}" font-size="11" fill="{TEXT}">{}</text>"#,
                middle + gutter + 4.0,
                y + 12.0,
                shown(f)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// One stacked bar per row, its columns as shares of the row's shown total, with a key.
pub fn stacked(
    id: &str,
    title: &str,
    rows: &[String],
    columns: &[String],
    cells: &[Vec<Shown>],
) -> String {
    let label_width = 200.0;
    let width = 640.0;
    let row = 22.0;
    let key = 24.0;
    let height = key + row * rows.len() as f64 + 6.0;
    let span = width - label_width - 10.0;
    let mut out = String::new();
    open(&mut out, width as u32, height as u32, title, id);
    let mut x = label_width;
    for (c, column) in columns.iter().enumerate() {
        let _ = write!(
            out,
            r#"<rect x="{x}" y="4" width="12" height="12" fill="{}"/><text x="{}" y="15" fill="{TEXT}">{}</text>"#,
            STACK[c % STACK.len()],
            x + 16.0,
            escape(column)
        );
        x += 24.0 + 8.0 * column.chars().count() as f64;
    }
    for (r, label) in rows.iter().enumerate() {
        let y = key + row * r as f64;
        let total: u64 = cells[r].iter().map(count).sum();
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" text-anchor="end" fill="{TEXT}">{}</text>"#,
            label_width - 8.0,
            y + 15.0,
            escape(label)
        );
        if cells[r].iter().any(|c| matches!(c, Shown::Withheld)) {
            // A withheld count may be large: shares of the rest would mislead.
            let _ = write!(
                out,
                r#"<text x="{label_width}" y="{}" fill="{TEXT}">not drawn: a count is withheld (x)</text>"#,
                y + 15.0
            );
            continue;
        }
        let mut x = label_width;
        for (c, cell) in cells[r].iter().enumerate() {
            let w = if total == 0 {
                0.0
            } else {
                span * count(cell) as f64 / total as f64
            };
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{}" width="{w:.1}" height="{}" fill="{}"><title>{}: {}</title></rect>"#,
                y + 3.0,
                row - 6.0,
                STACK[c % STACK.len()],
                escape(&columns[c]),
                shown(cell)
            );
            x += w;
        }
    }
    out.push_str("</svg>");
    out
}

/// A fan chart of a quantity over time across replications: the 5th–95th and 25th–75th
/// percentile bands and the median line, with axes labelled in the model's units. Intervals with
/// nothing observed leave a gap. The same figures are in a table beside it.
pub fn fan(id: &str, title: &str, x_label: &str, every: f64, band: &FanBands<'_>) -> String {
    let (width, height) = (640.0, 260.0);
    let (left, right, top, bottom) = (56.0, 12.0, 12.0, 44.0);
    let n = band.p50.len();
    let mut out = String::new();
    open(&mut out, width as u32, height as u32, title, id);
    let top_value = band.p95.iter().flatten().copied().fold(0.0_f64, f64::max);
    let max_y = nice_ceiling(top_value);
    let max_x = every * n as f64;
    let x = |i: f64| left + (width - left - right) * (i * every) / max_x.max(f64::MIN_POSITIVE);
    let y = |v: f64| top + (height - top - bottom) * (1.0 - v / max_y);
    // Axes, gridlines and labels.
    for k in 0..=4 {
        let v = max_y * f64::from(k) / 4.0;
        let _ = write!(
            out,
            r##"<line x1="{left}" x2="{}" y1="{:.1}" y2="{:.1}" stroke="#d8dde0"/><text x="{}" y="{:.1}" text-anchor="end" fill="{TEXT}">{}</text>"##,
            width - right,
            y(v),
            y(v),
            left - 6.0,
            y(v) + 4.0,
            escape(&concord_domain::format::figure(v))
        );
    }
    for k in 0..=4 {
        let t = max_x * f64::from(k) / 4.0;
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{}" text-anchor="middle" fill="{TEXT}">{}</text>"#,
            x(t / every),
            height - bottom + 18.0,
            escape(&concord_domain::format::figure(t))
        );
    }
    let _ = write!(
        out,
        r#"<text x="{:.1}" y="{}" text-anchor="middle" fill="{TEXT}">{}</text>"#,
        left + (width - left - right) / 2.0,
        height - 6.0,
        escape(x_label)
    );
    // Bands as polygons over each run of observed intervals, then the median line.
    let mid = |i: usize| i as f64 + 0.5;
    for (low, high, colour) in [
        (band.p5, band.p95, "#bfe0f5"),
        (band.p25, band.p75, "#7fbfe8"),
    ] {
        for run in observed_runs(low, high) {
            let upper: Vec<String> = run
                .clone()
                .map(|i| format!("{:.1},{:.1}", x(mid(i)), y(high[i].unwrap_or(0.0))))
                .collect();
            let lower: Vec<String> = run
                .rev()
                .map(|i| format!("{:.1},{:.1}", x(mid(i)), y(low[i].unwrap_or(0.0))))
                .collect();
            let _ = write!(
                out,
                r#"<polygon points="{} {}" fill="{colour}"/>"#,
                upper.join(" "),
                lower.join(" ")
            );
        }
    }
    for run in observed_runs(band.p50, band.p50) {
        let points: Vec<String> = run
            .map(|i| format!("{:.1},{:.1}", x(mid(i)), y(band.p50[i].unwrap_or(0.0))))
            .collect();
        let _ = write!(
            out,
            r#"<polyline points="{}" fill="none" stroke="{DARK_BLUE}" stroke-width="2"/>"#,
            points.join(" ")
        );
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars of measured values, each labelled with its text (a value with its interval).
pub fn value_bars(
    id: &str,
    title: &str,
    labels: &[String],
    values: &[f64],
    texts: &[String],
) -> String {
    labelled_bars(id, title, labels, values, texts, 190.0)
}

/// Horizontal bars of `values` (none drawn for one not finite), each labelled with its text;
/// `text_room` is the width left at the right for the longest text.
fn labelled_bars(
    id: &str,
    title: &str,
    labels: &[String],
    values: &[f64],
    texts: &[String],
    text_room: f64,
) -> String {
    let label_width = 190.0;
    let width = 640.0;
    let row = 22.0;
    let height = row * labels.len() as f64 + 10.0;
    let max = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let scale = if max > 0.0 {
        (width - label_width - text_room) / max
    } else {
        0.0
    };
    let mut out = String::new();
    open(&mut out, width as u32, height as u32, title, id);
    for (i, label) in labels.iter().enumerate() {
        let y = 5.0 + row * i as f64;
        let v = values
            .get(i)
            .copied()
            .filter(|v| v.is_finite())
            .unwrap_or(0.0);
        let w = v * scale;
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" text-anchor="end" fill="{TEXT}">{}</text><rect x="{label_width}" y="{}" width="{w:.1}" height="{}" fill="{BLUE}"/><text x="{}" y="{}" fill="{TEXT}">{}</text>"#,
            label_width - 8.0,
            y + 15.0,
            escape(label),
            y + 3.0,
            row - 6.0,
            label_width + w + 6.0,
            y + 15.0,
            escape(texts.get(i).map_or("", String::as_str))
        );
    }
    out.push_str("</svg>");
    out
}

/// The percentile bands of a fan chart, one value per interval (None: nothing observed).
pub struct FanBands<'a> {
    /// 5th percentile.
    pub p5: &'a [Option<f64>],
    /// 25th.
    pub p25: &'a [Option<f64>],
    /// Median.
    pub p50: &'a [Option<f64>],
    /// 75th.
    pub p75: &'a [Option<f64>],
    /// 95th.
    pub p95: &'a [Option<f64>],
}

/// The runs of consecutive intervals where both series were observed.
fn observed_runs(a: &[Option<f64>], b: &[Option<f64>]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = None;
    for i in 0..=a.len() {
        let seen = i < a.len() && a[i].is_some() && b.get(i).copied().flatten().is_some();
        match (seen, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// A round number (1, 2 or 5 times a power of ten) at or above `x`, for an axis's top.
fn nice_ceiling(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|v| *v >= x)
        .unwrap_or(10.0 * power)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suppressed_count_draws_no_bar_and_is_labelled_as_published() {
        let svg = bars(
            "t",
            "Counts <by> group",
            &["a".into(), "b & c".into()],
            &[Shown::Count(100), Shown::Suppressed { below: 10 }],
        );
        assert!(svg.contains("Counts &lt;by&gt; group"));
        assert!(svg.contains("b &amp; c"));
        assert!(
            svg.contains(r#"width="0.0""#),
            "no bar for the suppressed count"
        );
        assert!(svg.contains("&lt;10") && !svg.contains("<10"));
        assert!(svg.contains(r#"role="img""#));
    }

    #[test]
    fn a_fan_chart_leaves_gaps_where_nothing_was_observed() {
        let some = |v: f64| Some(v);
        let p = [some(1.0), None, some(3.0), some(4.0)];
        let svg = super::fan(
            "f",
            "People waiting",
            "Time (hours)",
            10.0,
            &super::FanBands {
                p5: &p,
                p25: &p,
                p50: &p,
                p75: &p,
                p95: &p,
            },
        );
        // Two runs of observed intervals: two polylines for the median, two polygons per band.
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<polygon").count(), 4);
        assert!(svg.contains("People waiting"));
        assert_eq!(super::nice_ceiling(3.2), 5.0);
        assert_eq!(super::nice_ceiling(120.0), 200.0);
    }
}
