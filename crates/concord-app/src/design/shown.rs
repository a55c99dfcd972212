//! Design's figures as people read them, shared by the pages and the board-pack headline: an
//! estimate with its 95% interval, signed differences, pounds and shares; and which services a
//! result charts (and so keeps series for).

use concord_domain::format::{count, percent, MINUS};
use concord_sim::run::NodeSummary;
use concord_sim::stats::Estimate;

/// A figure with its interval: "1.23 (1.1 to 1.36)"; the figure alone when every replication
/// agreed; "none observed" when no replication observed it.
pub fn interval(e: Estimate, shown: impl Fn(f64) -> String) -> String {
    if !e.mean.is_finite() {
        return "none observed".into();
    }
    if e.ci95[0] == e.ci95[1] {
        return shown(e.mean);
    }
    format!(
        "{} ({} to {})",
        shown(e.mean),
        shown(e.ci95[0]),
        shown(e.ci95[1])
    )
}

/// A difference with its sign: "+3", "−3", "0".
pub fn signed(x: f64, shown: impl Fn(f64) -> String) -> String {
    if x > 0.0 {
        format!("+{}", shown(x))
    } else {
        shown(x)
    }
}

/// Whole pounds: "£1,234", "−£56".
pub fn pounds(x: f64) -> String {
    let rounded = x.round() as i64;
    if rounded < 0 {
        format!("{MINUS}£{}", count(-rounded))
    } else {
        format!("£{}", count(rounded))
    }
}

/// A share of 0 to 1 as a percentage to one decimal place.
pub fn share(x: f64) -> String {
    percent(x * 100.0, 1)
}

/// The most services a result charts.
pub const CHARTED: usize = 3;

/// The services with the most people waiting on average (at most [`CHARTED`], none with nobody
/// waiting), in the model's order: the ones charted, whose results over time are kept.
pub fn busiest(nodes: &[NodeSummary]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..nodes.len())
        .filter(|&i| nodes[i].queue_length.mean > 0.0)
        .collect();
    order.sort_by(|&a, &b| {
        nodes[b]
            .queue_length
            .mean
            .total_cmp(&nodes[a].queue_length.mean)
    });
    order.truncate(CHARTED);
    order.sort_unstable();
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_people_write_them() {
        let e = Estimate {
            mean: 2.0,
            ci95: [1.5, 2.5],
        };
        assert_eq!(interval(e, |x| x.to_string()), "2 (1.5 to 2.5)");
        assert_eq!(
            interval(
                Estimate {
                    mean: f64::NAN,
                    ci95: [f64::NAN, f64::NAN]
                },
                |x| x.to_string()
            ),
            "none observed"
        );
        assert_eq!(signed(3.0, |x| x.to_string()), "+3");
        assert_eq!(pounds(-1234.4), "\u{2212}£1,234");
        assert_eq!(share(0.123), "12.3%");
    }
}
