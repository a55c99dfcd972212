//! A round's results, as the only form in which pulse answers are ever shown: a matrix of trust
//! scores from each respondent organisation (rows) to each partner it rated (columns), each row's
//! and column's score, the overall score, and the six principles by respondent organisation.
//!
//! The disclosure rule:
//! - **Floor**: no figure rests on fewer than [`super::PULSE_FLOOR`] respondents.
//! - **Secondary suppression**: the figures sit in lines that add up (a row's cells make its row
//!   score, a column's make its column score, the rows and the columns each make the overall). In
//!   every line whose total is shown, the respondents behind its withheld figures are none or at
//!   least the floor, so subtracting what is shown from the total never isolates fewer people.
//! - **Audit**: a withheld figure under the floor must not be determined by all the lines taken
//!   together (a linear system over the withheld figures, solved exactly); if one is, more is
//!   withheld.
//!
//! Every view (page, API, export, board pack, relationships) reads one `PulseResults`, so
//! comparing two of them differences the same protected set.

use super::{Principle, PulseAnswers, TrustItem};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

crate::vocabulary! {
    /// Why a figure is not shown.
    Withheld {
        TooFew => ("too_few", "Fewer than 5 respondents"),
        ProtectsAnother => ("protects_another", "Withheld so that another withheld figure cannot be worked out"),
    }
}

/// One respondent's answers with the organisation they answered for (never who they are).
#[derive(Debug, Clone, PartialEq)]
pub struct Respondent {
    /// The respondent's organisation.
    pub organisation_id: String,
    /// Their answers.
    pub answers: PulseAnswers,
}

/// A figure as shown: a mean score from 1 to 5 to one decimal place and how many respondents it
/// rests on, or why it is withheld.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = PulseFigure)]
pub struct Figure {
    /// Respondents behind the figure; none when withheld.
    pub respondents: Option<usize>,
    /// The mean score (1 to 5, higher is better), to one decimal place; none when withheld.
    pub score: Option<f64>,
    /// Why the figure is withheld, if it is.
    pub withheld: Option<Withheld>,
    /// The unrounded mean, for charts only.
    #[serde(skip)]
    pub exact: Option<f64>,
}

impl Figure {
    fn from_node(node: &Node) -> Figure {
        match node.withheld {
            Some(reason) => Figure {
                respondents: None,
                score: None,
                withheld: Some(reason),
                exact: None,
            },
            None => {
                let mean = node.sum / node.weight as f64;
                Figure {
                    respondents: Some(node.set.len()),
                    score: Some((mean * 10.0).round() / 10.0),
                    withheld: None,
                    exact: Some(mean),
                }
            }
        }
    }

    /// Whether the figure is shown.
    pub fn shown(&self) -> bool {
        self.withheld.is_none()
    }
}

/// The trust score one organisation's respondents gave one partner.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PulseCell {
    /// The respondents' organisation.
    pub from: String,
    /// The partner they rated.
    pub to: String,
    /// The figure.
    pub figure: Figure,
}

/// One principle's figures: overall and by respondent organisation.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PrincipleFigures {
    /// The principle.
    pub principle: Principle,
    /// Across every respondent.
    pub overall: Figure,
    /// By the respondents' organisation.
    pub by_organisation: BTreeMap<String, Figure>,
    /// The widest gap between two organisations' shown scores: the spread the tool asks
    /// partners to discuss. None with fewer than two shown.
    pub spread: Option<f64>,
}

/// A round's results under the disclosure rule.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = PulseResultsOut)]
pub struct PulseResults {
    /// The floor applied.
    pub floor: usize,
    /// Respondents in the round; none when fewer than the floor.
    pub respondents: Option<usize>,
    /// Trust scores from each organisation to each partner it rated.
    pub cells: Vec<PulseCell>,
    /// How each organisation's respondents rated their partners, all together.
    pub rating_given: BTreeMap<String, Figure>,
    /// How each organisation is rated by the partners that rated it, all together.
    pub rated_by_partners: BTreeMap<String, Figure>,
    /// Every rating in the round.
    pub overall: Figure,
    /// Each trust statement's mean score across every rating (reversed items turned round);
    /// empty when the overall figure is withheld.
    pub items: BTreeMap<TrustItem, f64>,
    /// The six principles.
    pub principles: Vec<PrincipleFigures>,
}

impl PulseResults {
    /// The cell from `from` to `to`, if anyone from `from` rated `to`.
    pub fn cell(&self, from: &str, to: &str) -> Option<&Figure> {
        self.cells
            .iter()
            .find(|c| c.from == from && c.to == to)
            .map(|c| &c.figure)
    }

    /// Every organisation in the results, as respondent or as partner.
    pub fn organisations(&self) -> BTreeSet<&str> {
        self.cells
            .iter()
            .flat_map(|c| [c.from.as_str(), c.to.as_str()])
            .chain(self.rating_given.keys().map(String::as_str))
            .collect()
    }
}

/// An aggregate before it is shown: who is behind it and the sum and weight of its scores.
#[derive(Debug, Clone, Default)]
struct Node {
    set: BTreeSet<usize>,
    sum: f64,
    weight: usize,
    withheld: Option<Withheld>,
}

impl Node {
    fn add(&mut self, respondent: usize, score: f64) {
        self.set.insert(respondent);
        self.sum += score;
        self.weight += 1;
    }
}

/// A line: a total and the members that add up to it.
struct Line {
    total: usize,
    members: Vec<usize>,
}

/// Works out a round's results from its respondents under a floor of `floor` respondents.
pub fn compute(respondents: &[Respondent], floor: usize) -> PulseResults {
    // Nodes: cells, then rows, then columns, then the overall.
    let mut cells: BTreeMap<(String, String), Node> = BTreeMap::new();
    let mut rows: BTreeMap<String, Node> = BTreeMap::new();
    let mut columns: BTreeMap<String, Node> = BTreeMap::new();
    let mut overall = Node::default();
    let mut items: BTreeMap<TrustItem, (f64, usize)> = BTreeMap::new();
    for (i, r) in respondents.iter().enumerate() {
        let row = rows.entry(r.organisation_id.clone()).or_default();
        row.set.insert(i);
        for (partner, answers) in &r.answers.partners {
            let Some(score) = r.answers.trust_score(partner) else {
                continue;
            };
            cells
                .entry((r.organisation_id.clone(), partner.clone()))
                .or_default()
                .add(i, score);
            rows.get_mut(&r.organisation_id)
                .expect("inserted above")
                .add(i, score);
            columns.entry(partner.clone()).or_default().add(i, score);
            overall.add(i, score);
            for (item, a) in answers {
                let e = items.entry(*item).or_default();
                e.0 += f64::from(item.score(*a));
                e.1 += 1;
            }
        }
    }
    let cell_keys: Vec<(String, String)> = cells.keys().cloned().collect();
    let row_keys: Vec<String> = rows.keys().cloned().collect();
    let column_keys: Vec<String> = columns.keys().cloned().collect();
    let mut nodes: Vec<Node> = cells.into_values().collect();
    let row_at = nodes.len();
    nodes.extend(rows.into_values());
    let column_at = nodes.len();
    nodes.extend(columns.into_values());
    let overall_at = nodes.len();
    nodes.push(overall);

    let mut lines = Vec::new();
    for (r, org) in row_keys.iter().enumerate() {
        lines.push(Line {
            total: row_at + r,
            members: (0..cell_keys.len())
                .filter(|c| &cell_keys[*c].0 == org)
                .collect(),
        });
    }
    for (k, org) in column_keys.iter().enumerate() {
        lines.push(Line {
            total: column_at + k,
            members: (0..cell_keys.len())
                .filter(|c| &cell_keys[*c].1 == org)
                .collect(),
        });
    }
    lines.push(Line {
        total: overall_at,
        members: (row_at..column_at).collect(),
    });
    lines.push(Line {
        total: overall_at,
        members: (column_at..overall_at).collect(),
    });
    protect(&mut nodes, &lines, floor);

    let figure = |at: usize| Figure::from_node(&nodes[at]);
    let overall_figure = figure(overall_at);
    let principles = Principle::ALL
        .iter()
        .map(|p| {
            // The principles by organisation rest on the same respondents as the rows, so they
            // take the rows' pattern of withholding.
            let mut by_organisation = BTreeMap::new();
            for (r, org) in row_keys.iter().enumerate() {
                let mut node = Node {
                    withheld: nodes[row_at + r].withheld,
                    ..Node::default()
                };
                for i in &nodes[row_at + r].set {
                    if let Some(a) = respondents[*i].answers.principles.get(p) {
                        node.add(*i, f64::from(*a));
                    }
                }
                if node.weight == 0 && node.withheld.is_none() {
                    node.withheld = Some(Withheld::TooFew);
                }
                by_organisation.insert(org.clone(), Figure::from_node(&node));
            }
            let mut all = Node {
                withheld: nodes[overall_at].withheld,
                ..Node::default()
            };
            for (i, r) in respondents.iter().enumerate() {
                if let Some(a) = r.answers.principles.get(p) {
                    all.add(i, f64::from(*a));
                }
            }
            if all.weight == 0 {
                all.withheld = Some(Withheld::TooFew);
            }
            let shown: Vec<f64> = by_organisation.values().filter_map(|f| f.score).collect();
            let spread = (shown.len() >= 2).then(|| {
                let max = shown.iter().copied().fold(f64::MIN, f64::max);
                let min = shown.iter().copied().fold(f64::MAX, f64::min);
                ((max - min) * 10.0).round() / 10.0
            });
            PrincipleFigures {
                principle: *p,
                overall: Figure::from_node(&all),
                by_organisation,
                spread,
            }
        })
        .collect();
    PulseResults {
        floor,
        respondents: (respondents.len() >= floor).then_some(respondents.len()),
        cells: cell_keys
            .iter()
            .enumerate()
            .map(|(c, (from, to))| PulseCell {
                from: from.clone(),
                to: to.clone(),
                figure: figure(c),
            })
            .collect(),
        rating_given: row_keys
            .iter()
            .enumerate()
            .map(|(r, org)| (org.clone(), figure(row_at + r)))
            .collect(),
        rated_by_partners: column_keys
            .iter()
            .enumerate()
            .map(|(k, org)| (org.clone(), figure(column_at + k)))
            .collect(),
        items: if overall_figure.shown() {
            items
                .into_iter()
                .map(|(item, (sum, n))| (item, ((sum / n as f64) * 10.0).round() / 10.0))
                .collect()
        } else {
            BTreeMap::new()
        },
        overall: overall_figure,
        principles,
    }
}

/// Withholds figures until the floor, the lines and the audit are all satisfied.
fn protect(nodes: &mut [Node], lines: &[Line], floor: usize) {
    for node in nodes.iter_mut() {
        if node.set.len() < floor {
            node.withheld = Some(Withheld::TooFew);
        }
    }
    loop {
        if let Some(more) = line_breach(nodes, lines, floor).or_else(|| audit_breach(nodes, lines))
        {
            nodes[more].withheld = Some(Withheld::ProtectsAnother);
        } else {
            return;
        }
    }
}

/// The smallest shown member of `line` (its total if none is left).
fn smallest_shown(nodes: &[Node], line: &Line) -> usize {
    line.members
        .iter()
        .copied()
        .filter(|m| nodes[*m].withheld.is_none())
        .min_by_key(|m| (nodes[*m].set.len(), *m))
        .unwrap_or(line.total)
}

/// A figure to withhold because a line with a shown total has withheld members behind fewer
/// than `floor` respondents in all.
fn line_breach(nodes: &[Node], lines: &[Line], floor: usize) -> Option<usize> {
    for line in lines {
        if nodes[line.total].withheld.is_some() {
            continue;
        }
        let hidden: BTreeSet<usize> = line
            .members
            .iter()
            .filter(|m| nodes[**m].withheld.is_some())
            .flat_map(|m| nodes[*m].set.iter().copied())
            .collect();
        if !hidden.is_empty() && hidden.len() < floor {
            return Some(smallest_shown(nodes, line));
        }
    }
    None
}

/// A figure to withhold because a withheld figure under the floor is determined by the lines
/// together: each line says its withheld members, less its total if withheld, add up to a known
/// number; a withheld figure is determined when its unit vector lies in those equations' span.
fn audit_breach(nodes: &[Node], lines: &[Line]) -> Option<usize> {
    let unknowns: Vec<usize> = (0..nodes.len())
        .filter(|n| nodes[*n].withheld.is_some())
        .collect();
    if unknowns.is_empty() {
        return None;
    }
    let column = |node: usize| unknowns.binary_search(&node).ok();
    let mut equations: Vec<Vec<f64>> = Vec::new();
    for line in lines {
        let mut row = vec![0.0; unknowns.len()];
        for m in &line.members {
            if let Some(c) = column(*m) {
                row[c] += 1.0;
            }
        }
        if let Some(c) = column(line.total) {
            row[c] -= 1.0;
        }
        if row.iter().any(|v| *v != 0.0) {
            equations.push(row);
        }
    }
    let basis = reduced_row_echelon(equations);
    for (c, node) in unknowns.iter().enumerate() {
        if nodes[*node].withheld != Some(Withheld::TooFew) {
            continue;
        }
        let mut v = vec![0.0; unknowns.len()];
        v[c] = 1.0;
        for (pivot, row) in &basis {
            let factor = v[*pivot];
            if factor != 0.0 {
                for (x, r) in v.iter_mut().zip(row) {
                    *x -= factor * r;
                }
            }
        }
        if v.iter().all(|x| x.abs() < 1e-9) {
            // Determined: withhold the smallest shown figure in a line it sits in.
            return lines
                .iter()
                .filter(|l| l.members.contains(node) || l.total == *node)
                .map(|l| smallest_shown(nodes, l))
                .find(|m| nodes[*m].withheld.is_none())
                .or_else(|| {
                    (0..nodes.len())
                        .filter(|m| nodes[*m].withheld.is_none())
                        .min_by_key(|m| (nodes[*m].set.len(), *m))
                });
        }
    }
    None
}

/// The reduced row echelon form of `rows`: each remaining row with its pivot column.
fn reduced_row_echelon(mut rows: Vec<Vec<f64>>) -> Vec<(usize, Vec<f64>)> {
    let width = rows.first().map_or(0, Vec::len);
    let mut basis: Vec<(usize, Vec<f64>)> = Vec::new();
    let mut r = 0;
    for c in 0..width {
        let Some(p) =
            (r..rows.len()).max_by(|a, b| rows[*a][c].abs().total_cmp(&rows[*b][c].abs()))
        else {
            break;
        };
        if rows[p][c].abs() < 1e-9 {
            continue;
        }
        rows.swap(r, p);
        let pivot = rows[r][c];
        for x in rows[r].iter_mut() {
            *x /= pivot;
        }
        for k in 0..rows.len() {
            if k != r && rows[k][c].abs() > 1e-12 {
                let factor = rows[k][c];
                let (src, dst) = if k < r {
                    let (a, b) = rows.split_at_mut(r);
                    (&b[0], &mut a[k])
                } else {
                    let (a, b) = rows.split_at_mut(k);
                    (&a[r], &mut b[0])
                };
                for (x, y) in dst.iter_mut().zip(src.iter()) {
                    *x -= factor * y;
                }
            }
        }
        r += 1;
        if r == rows.len() {
            break;
        }
    }
    for (i, row) in rows.into_iter().take(r).enumerate() {
        let pivot = row.iter().position(|x| x.abs() > 1e-9).unwrap_or(i);
        basis.push((pivot, row));
    }
    basis
}

#[cfg(test)]
mod tests;
