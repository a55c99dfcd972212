//! The relationships view: organisations as a network drawn from what the partnership records,
//! with the trust pulse on its links, as a picture and as the table beside it (the table holds
//! everything the picture shows). One organisation can be brought to the front.

use super::pulse::{shown, Shown};
use crate::error::PageError;
use crate::extract::Context;
use crate::ui::{filters, render, Layout};
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use concord_app::listen::relationships::{self as use_case, Edge, Network};
use concord_measure::spc::svg::escape;
use serde::Deserialize;
use std::fmt::Write;

/// Below this score, at least one way, a link is drawn as strained.
const STRAINED_BELOW: f64 = 3.5;

fn today() -> chrono::NaiveDate {
    concord_domain::format::uk_date(chrono::Utc::now())
}

/// The colour of an organisation type's nodes.
fn colour(org_type: &str) -> &'static str {
    match org_type {
        "icb" => "#003087",
        "acute_trust" | "community_trust" | "mental_health_trust" => "#005eb8",
        "pcn" | "gp_practice" => "#007f3b",
        "council" => "#330072",
        _ => "#ae2573",
    }
}

/// A name short enough to label a dot: common endings abbreviated, then cut at 24 characters.
fn short_name(name: &str) -> String {
    let mut s = name.to_string();
    for (long, short) in [
        ("NHS Foundation Trust", "FT"),
        ("Integrated Care Board", "ICB"),
        ("Primary Care Network", "PCN"),
        ("NHS Trust", "Trust"),
        ("NHS ", ""),
    ] {
        s = s.replace(long, short);
    }
    let s = s.trim();
    if s.chars().count() > 24 {
        format!("{}…", s.chars().take(23).collect::<String>().trim_end())
    } else {
        s.to_string()
    }
}

/// Draws the network: organisations around a circle by type, a line for each link, its width
/// the kinds of work that link them, blue where the pulse shows trust, red and dashed where it
/// is strained one way or both, grey where it has no figure.
fn draw(network: &Network, focus: Option<&str>) -> String {
    let n = network.organisations.len().max(1);
    let (width, height, radius) = (1000.0_f64, 760.0_f64, 300.0_f64);
    let (cx, cy) = (width / 2.0, height / 2.0);
    // The statutory partners spread evenly around the circle, the others in the gaps by type
    // and name, so that the links between the partners most linked are long enough to see.
    let statutory = |t: &str| {
        matches!(
            t,
            "icb" | "acute_trust" | "community_trust" | "mental_health_trust" | "council"
        )
    };
    let mut by_type: Vec<usize> = (0..network.organisations.len()).collect();
    by_type.sort_by(|a, b| {
        let (a, b) = (&network.organisations[*a], &network.organisations[*b]);
        (a.org_type.as_str(), a.name.as_str()).cmp(&(b.org_type.as_str(), b.name.as_str()))
    });
    let (main, rest): (Vec<usize>, Vec<usize>) = by_type
        .into_iter()
        .partition(|i| statutory(&network.organisations[*i].org_type));
    let mut order = Vec::with_capacity(n);
    let (mut m, mut r) = (main.iter().peekable(), rest.iter());
    for k in 0..network.organisations.len() {
        let slot_for_main = main.len() - m.len();
        if m.peek().is_some() && k >= slot_for_main * n / main.len().max(1) {
            order.push(*m.next().expect("peeked"));
        } else if let Some(i) = r.next() {
            order.push(*i);
        } else if let Some(i) = m.next() {
            order.push(*i);
        }
    }
    let mut at = std::collections::BTreeMap::new();
    for (k, i) in order.iter().enumerate() {
        let angle = std::f64::consts::TAU * k as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
        at.insert(
            network.organisations[*i].id.as_str(),
            (cx + radius * angle.cos(), cy + radius * angle.sin(), angle),
        );
    }
    let strained = network
        .edges
        .iter()
        .filter(|e| e.weakest_trust().is_some_and(|t| t < STRAINED_BELOW))
        .count();
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="concord-network" viewBox="0 0 {width} {height}" role="img" aria-labelledby="network-title network-desc" font-family="Arial, Helvetica, sans-serif"><title id="network-title">Who works with whom</title><desc id="network-desc">{} organisations and {} links; {strained} strained (trust below {STRAINED_BELOW} at least one way). The table below lists every link.</desc><rect width="{width}" height="{height}" fill="#fff"/>"##,
        network.organisations.len(),
        network.edges.len()
    );
    for edge in &network.edges {
        let (Some(a), Some(b)) = (at.get(edge.links.a.as_str()), at.get(edge.links.b.as_str()))
        else {
            continue;
        };
        let touches = focus.is_none_or(|f| f == edge.links.a || f == edge.links.b);
        let (stroke, dash) = match edge.weakest_trust() {
            Some(t) if t < STRAINED_BELOW => ("#d5281b", "6 4"),
            Some(_) => ("#005eb8", ""),
            None => ("#aeb7bd", ""),
        };
        let width = 0.75 + 0.75 * edge.links.kinds() as f64;
        let _ = write!(
            out,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{stroke}" stroke-width="{width:.2}" stroke-dasharray="{dash}" opacity="{}"><title>{}</title></line>"##,
            a.0,
            a.1,
            b.0,
            b.1,
            if touches { "0.85" } else { "0.12" },
            escape(&format!(
                "{} and {}",
                network.name(&edge.links.a),
                network.name(&edge.links.b)
            ))
        );
    }
    for org in &network.organisations {
        let (x, y, angle) = at[org.id.as_str()];
        let (lx, ly) = (
            cx + (radius + 12.0) * angle.cos(),
            cy + (radius + 12.0) * angle.sin(),
        );
        let anchor = if angle.cos() < -0.1 {
            "end"
        } else if angle.cos() > 0.1 {
            "start"
        } else {
            "middle"
        };
        let bold = focus == Some(org.id.as_str());
        let _ = write!(
            out,
            r##"<g><title>{}</title><circle cx="{x:.1}" cy="{y:.1}" r="{}" fill="{}"/><text x="{lx:.1}" y="{:.1}" text-anchor="{anchor}" font-size="10"{} fill="#212b32">{}</text></g>"##,
            escape(&org.name),
            if bold { 9 } else { 6 },
            colour(&org.org_type),
            ly + 4.0,
            if bold { r#" font-weight="bold""# } else { "" },
            escape(&short_name(&org.name))
        );
    }
    out.push_str("</svg>");
    out
}

/// One row of the table.
struct Row {
    a: String,
    a_id: String,
    b: String,
    b_id: String,
    boards: usize,
    programmes: usize,
    referrals: String,
    proposals: usize,
    a_to_b: Option<Shown>,
    b_to_a: Option<Shown>,
    /// Whether each direction is shown, so links to its trend.
    a_to_b_linked: bool,
    b_to_a_linked: bool,
    strained: bool,
}

fn row(network: &Network, e: &Edge) -> Row {
    Row {
        a: network.name(&e.links.a).to_string(),
        a_id: e.links.a.clone(),
        b: network.name(&e.links.b).to_string(),
        b_id: e.links.b.clone(),
        boards: e.links.boards,
        programmes: e.links.programmes,
        referrals: e.referrals_shown.clone(),
        proposals: e.links.proposals,
        a_to_b: shown(e.trust_a_to_b.as_ref()),
        b_to_a: shown(e.trust_b_to_a.as_ref()),
        a_to_b_linked: e.trust_a_to_b.as_ref().is_some_and(|f| f.shown()),
        b_to_a_linked: e.trust_b_to_a.as_ref().is_some_and(|f| f.shown()),
        strained: e.weakest_trust().is_some_and(|t| t < STRAINED_BELOW),
    }
}

#[derive(Template)]
#[template(path = "listen/relationships.html")]
struct Page {
    layout: Layout,
    svg: String,
    rows: Vec<Row>,
    organisations: Vec<(String, String)>,
    focus: String,
    focus_name: String,
    pulse_round: Option<String>,
    since: String,
    rules: String,
    links: usize,
}

/// Which organisation to bring to the front.
#[derive(Debug, Default, Deserialize)]
pub struct Focus {
    /// An organisation's id: only its links are listed, and drawn in front.
    organisation: Option<String>,
}

/// `GET /relationships`.
pub async fn page(
    Context(state, visitor, permit): Context,
    Query(q): Query<Focus>,
) -> Result<Response, PageError> {
    let network = use_case::network(&state.store, &state.population.rule(), today()).await?;
    let focus = q
        .organisation
        .filter(|f| network.organisations.iter().any(|o| &o.id == f));
    let mut rows: Vec<Row> = network
        .edges
        .iter()
        .filter(|e| {
            focus
                .as_deref()
                .is_none_or(|f| f == e.links.a || f == e.links.b)
        })
        .map(|e| row(&network, e))
        .collect();
    // With an organisation in front, it is always the first column.
    if let Some(f) = &focus {
        for r in &mut rows {
            if &r.b_id == f {
                std::mem::swap(&mut r.a, &mut r.b);
                std::mem::swap(&mut r.a_id, &mut r.b_id);
                std::mem::swap(&mut r.a_to_b, &mut r.b_to_a);
                std::mem::swap(&mut r.a_to_b_linked, &mut r.b_to_a_linked);
            }
        }
    }
    rows.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
    let mut organisations: Vec<(String, String)> = network
        .organisations
        .iter()
        .map(|o| (o.id.clone(), o.name.clone()))
        .collect();
    organisations.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(render(&Page {
        layout: Layout::new(&state, &visitor, &permit, "Who works with whom", "pulse"),
        svg: draw(&network, focus.as_deref()),
        links: network.edges.len(),
        focus_name: focus
            .as_deref()
            .map(|f| network.name(f).to_string())
            .unwrap_or_default(),
        focus: focus.unwrap_or_default(),
        rows,
        organisations,
        pulse_round: network.pulse_round.clone(),
        since: network.referrals_since.clone(),
        rules: network.rules.clone(),
    }))
}
