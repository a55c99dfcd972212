//! The alignment report: consensus, who agrees with whom, and what is contested, in plain words.

use crate::profile::Profile;
use crate::schulze::{consensus, Consensus};
use crate::tau::kendall_tau_b;
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything the alignment view shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlignmentReport {
    /// The Schulze consensus ranking and its matrices.
    pub consensus: Consensus,
    /// Partners, in the order of the agreement matrix.
    pub partners: Vec<String>,
    /// agreement[i][j]: Kendall's tau-b of partners i and j on the areas both ranked (None if undefined).
    pub agreement: Vec<Vec<Option<f64>>>,
    /// Mean agreement within and between groups of partners (for example NHS, council, VCSE).
    pub by_group: Vec<GroupAgreement>,
    /// Areas by how much partners disagree about them, most contested first.
    pub areas: Vec<AreaSpread>,
    /// The partner pairs that agree most, best first (at most five).
    pub closest_pairs: Vec<PartnerPair>,
    /// What the numbers say, in sentences.
    pub statements: Vec<String>,
}

/// Mean tau-b between partners of two groups (or within one).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupAgreement {
    /// One group.
    pub group_a: String,
    /// The other (equal to `group_a` for agreement within a group).
    pub group_b: String,
    /// The mean tau-b over pairs where it is defined.
    pub mean_tau_b: Option<f64>,
    /// How many partner pairs that mean covers.
    pub pairs: usize,
}

/// How much partners disagree about one area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaSpread {
    /// The area.
    pub area: String,
    /// How many partners ranked it.
    pub ranked_by: usize,
    /// Mean normalised position (0 = everyone's top, 1 = everyone's bottom) among those who ranked it.
    pub mean_position: f64,
    /// Standard deviation of the normalised positions: 0 = full agreement, 0.5 = split down the middle.
    pub spread: f64,
}

/// Two partners and their agreement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartnerPair {
    /// One partner.
    pub a: String,
    /// The other.
    pub b: String,
    /// Their tau-b.
    pub tau_b: f64,
    /// Areas both ranked.
    pub common_areas: usize,
}

/// Builds the report. `groups` maps partners to a group label; partners without one are "other".
pub fn alignment_report(profile: &Profile, groups: &BTreeMap<String, String>) -> AlignmentReport {
    let consensus = consensus(profile);
    let partners: Vec<String> = profile.rankings.keys().cloned().collect();
    let n = partners.len();
    let mut agreement = vec![vec![None; n]; n];
    let mut pairs = Vec::new();
    for i in 0..n {
        agreement[i][i] = Some(1.0);
        for j in i + 1..n {
            let (tau, common) = kendall_tau_b(
                &profile.rankings[&partners[i]],
                &profile.rankings[&partners[j]],
            );
            agreement[i][j] = tau;
            agreement[j][i] = tau;
            if let Some(tau) = tau {
                pairs.push(PartnerPair {
                    a: partners[i].clone(),
                    b: partners[j].clone(),
                    tau_b: tau,
                    common_areas: common,
                });
            }
        }
    }
    let group_of = |p: &str| groups.get(p).cloned().unwrap_or_else(|| "other".into());
    let mut sums: BTreeMap<(String, String), (f64, usize)> = BTreeMap::new();
    for pair in &pairs {
        let (mut ga, mut gb) = (group_of(&pair.a), group_of(&pair.b));
        if ga > gb {
            std::mem::swap(&mut ga, &mut gb);
        }
        let entry = sums.entry((ga, gb)).or_default();
        entry.0 += pair.tau_b;
        entry.1 += 1;
    }
    let by_group = sums
        .into_iter()
        .map(|((group_a, group_b), (sum, count))| GroupAgreement {
            group_a,
            group_b,
            mean_tau_b: (count > 0).then(|| sum / count as f64),
            pairs: count,
        })
        .collect();
    let areas = spreads(profile);
    pairs.sort_by(|x, y| {
        y.tau_b
            .total_cmp(&x.tau_b)
            .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    let closest_pairs: Vec<PartnerPair> = pairs.into_iter().take(5).collect();
    let statements = statements(&consensus, &areas, &closest_pairs);
    AlignmentReport {
        consensus,
        partners,
        agreement,
        by_group,
        areas,
        closest_pairs,
        statements,
    }
}

fn spreads(profile: &Profile) -> Vec<AreaSpread> {
    let mut positions: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for ranking in profile.rankings.values() {
        let worst = ranking.values().copied().max().unwrap_or(1);
        for (area, &rank) in ranking {
            let normalised = if worst <= 1 {
                0.0
            } else {
                f64::from(rank - 1) / f64::from(worst - 1)
            };
            positions.entry(area.as_str()).or_default().push(normalised);
        }
    }
    let mut areas: Vec<AreaSpread> = positions
        .into_iter()
        .map(|(area, values)| {
            let n = values.len() as f64;
            let mean = values.iter().sum::<f64>() / n;
            let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
            AreaSpread {
                area: area.to_string(),
                ranked_by: values.len(),
                mean_position: mean,
                spread: variance.sqrt(),
            }
        })
        .collect();
    areas.sort_by(|a, b| {
        b.spread
            .total_cmp(&a.spread)
            .then_with(|| a.area.cmp(&b.area))
    });
    areas
}

fn statements(consensus: &Consensus, areas: &[AreaSpread], closest: &[PartnerPair]) -> Vec<String> {
    let mut out = Vec::new();
    let top: Vec<&str> = consensus
        .ranking
        .iter()
        .filter(|p| p.position <= 3)
        .map(|p| p.area.as_str())
        .collect();
    if !top.is_empty() {
        out.push(format!(
            "Taken together, partners put {} first.",
            join(&top)
        ));
    }
    let contested: Vec<&AreaSpread> = areas
        .iter()
        .filter(|a| a.ranked_by >= 2 && a.spread >= 0.25)
        .take(3)
        .collect();
    if contested.is_empty() {
        out.push("No area divides the partners sharply.".into());
    } else {
        let names: Vec<&str> = contested.iter().map(|a| a.area.as_str()).collect();
        out.push(format!(
            "Partners disagree most about {}: some rank them near the top, others near the bottom.",
            join(&names)
        ));
    }
    let agreed: Vec<&AreaSpread> = areas
        .iter()
        .rev()
        .filter(|a| a.ranked_by >= 2 && a.spread < 0.15 && a.mean_position <= 0.34)
        .take(3)
        .collect();
    if !agreed.is_empty() {
        let names: Vec<&str> = agreed.iter().map(|a| a.area.as_str()).collect();
        out.push(format!("Partners agree that {} matter most.", join(&names)));
    }
    if let Some(pair) = closest.first() {
        out.push(format!(
            "{} and {} are the most closely aligned (tau-b {:.2} over {} areas).",
            pair.a, pair.b, pair.tau_b, pair.common_areas
        ));
    }
    out
}

fn join(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_groups_spreads_and_pairs() {
        let mut profile = Profile::new(["MSK", "Frailty", "Prevention", "Isolation"]);
        profile.rank(
            "Trust",
            [
                ("MSK", 1),
                ("Frailty", 2),
                ("Prevention", 3),
                ("Isolation", 4),
            ],
        );
        profile.rank(
            "ICB",
            [
                ("MSK", 1),
                ("Frailty", 2),
                ("Isolation", 3),
                ("Prevention", 4),
            ],
        );
        profile.rank(
            "Council",
            [
                ("Prevention", 1),
                ("Frailty", 2),
                ("Isolation", 3),
                ("MSK", 4),
            ],
        );
        profile.rank(
            "Age UK",
            [
                ("Isolation", 1),
                ("Frailty", 2),
                ("Prevention", 3),
                ("MSK", 4),
            ],
        );
        let groups: BTreeMap<String, String> = [
            ("Trust", "NHS"),
            ("ICB", "NHS"),
            ("Council", "council"),
            ("Age UK", "VCSE"),
        ]
        .into_iter()
        .map(|(a, b)| (a.into(), b.into()))
        .collect();
        let report = alignment_report(&profile, &groups);
        // MSK is first for the NHS and last for the others: the most contested.
        assert_eq!(report.areas[0].area, "MSK");
        assert!((report.areas[0].spread - 0.5).abs() < 1e-12);
        // Everyone puts frailty second: no spread at all.
        let frailty = report.areas.iter().find(|a| a.area == "Frailty").unwrap();
        assert_eq!(frailty.spread, 0.0);
        // The two NHS partners agree most: tau-b (5 - 1) / 6 = 2/3.
        assert_eq!(
            (
                report.closest_pairs[0].a.as_str(),
                report.closest_pairs[0].b.as_str()
            ),
            ("ICB", "Trust")
        );
        assert!((report.closest_pairs[0].tau_b - 4.0 / 6.0).abs() < 1e-12);
        let nhs = report
            .by_group
            .iter()
            .find(|g| g.group_a == "NHS" && g.group_b == "NHS")
            .unwrap();
        assert_eq!(nhs.pairs, 1);
        assert!(
            report
                .statements
                .iter()
                .any(|s| s.contains("disagree most about MSK")),
            "{:?}",
            report.statements
        );
        let symmetric =
            (0..4).all(|i| (0..4).all(|j| report.agreement[i][j] == report.agreement[j][i]));
        assert!(symmetric);
    }
}
