//! The consensus never claims an order the Schulze method does not make.
//!
//! Checked against a separate, straightforward implementation written here from the definition
//! (Schulze 2011, §2): d[a][b] counts partners ranking a strictly above b (an unranked area sits
//! below every ranked one); a link a→b exists when d[a][b] > d[b][a], with strength d[a][b]; the
//! strength of the strongest path from a to b is the largest s such that b can be reached from a
//! along links of strength at least s (found here by a search at each threshold, not by the
//! engine's Floyd–Warshall); a is ranked above b when that strength exceeds the reverse one.
//! On thousands of random profiles with partial rankings and ties, as partners really give them,
//! every pair the method orders keeps its order in the places; areas sharing a place are
//! unordered; an area sits below the tier above it only because something in that tier beats it;
//! and `unresolved` lists exactly the pairs the method leaves unordered.

#![allow(clippy::needless_range_loop)] // matrix arithmetic reads best with indices

use concord_align::{consensus, Profile};
use proptest::prelude::*;
use std::collections::BTreeSet;

/// The strongest-path strengths, by reachability at each threshold.
fn strongest_paths(d: &[Vec<u32>]) -> Vec<Vec<u32>> {
    let n = d.len();
    let link = |a: usize, b: usize| if d[a][b] > d[b][a] { d[a][b] } else { 0 };
    let mut thresholds: Vec<u32> = (0..n)
        .flat_map(|a| (0..n).map(move |b| (a, b)))
        .map(|(a, b)| link(a, b))
        .filter(|&s| s > 0)
        .collect();
    thresholds.sort_unstable();
    thresholds.dedup();
    let mut p = vec![vec![0u32; n]; n];
    for &s in &thresholds {
        for from in 0..n {
            // Everything reachable from `from` over links at least `s` strong.
            let mut seen = vec![false; n];
            let mut stack = vec![from];
            while let Some(a) = stack.pop() {
                for b in 0..n {
                    if !seen[b] && link(a, b) >= s {
                        seen[b] = true;
                        stack.push(b);
                    }
                }
            }
            for to in 0..n {
                if to != from && seen[to] {
                    p[from][to] = p[from][to].max(s);
                }
            }
        }
    }
    p
}

/// One partner's ballot: for each area, its rank, or none (unranked).
fn ballot(areas: usize) -> impl Strategy<Value = Vec<Option<u32>>> {
    // A partner ranks some areas (often only their top few), with ties allowed.
    prop::collection::vec(prop::option::weighted(0.6, 1u32..5), areas)
}

fn profile_strategy() -> impl Strategy<Value = (usize, Vec<Vec<Option<u32>>>)> {
    (2usize..9).prop_flat_map(|n| (Just(n), prop::collection::vec(ballot(n), 1..12)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn places_and_unresolved_pairs_say_only_what_the_method_decides((n, ballots) in profile_strategy()) {
        let names: Vec<String> = (0..n).map(|i| format!("area{i}")).collect();
        let mut profile = Profile::new(names.clone());
        for (k, ranks) in ballots.iter().enumerate() {
            profile.rank(
                &format!("partner{k:02}"),
                names.iter().zip(ranks).filter_map(|(a, r)| r.map(|r| (a.clone(), r))),
            );
        }
        let c = consensus(&profile);
        // The reference, from the definition, over the engine's (alphabetical) area order.
        let mut d = vec![vec![0u32; n]; n];
        for ranking in profile.rankings.values() {
            for (a, area_a) in c.areas.iter().enumerate() {
                for (b, area_b) in c.areas.iter().enumerate() {
                    let ra = ranking.get(area_a).copied().unwrap_or(u32::MAX);
                    let rb = ranking.get(area_b).copied().unwrap_or(u32::MAX);
                    if ra < rb {
                        d[a][b] += 1;
                    }
                }
            }
        }
        let p = strongest_paths(&d);
        prop_assert_eq!(&c.pairwise, &d);
        prop_assert_eq!(&c.strongest_paths, &p);
        let place = |area: &str| c.ranking.iter().find(|r| r.area == area).unwrap().position;
        let unresolved: BTreeSet<(String, String)> = c
            .unresolved
            .iter()
            .map(|[a, b]| (a.clone().min(b.clone()), a.clone().max(b.clone())))
            .collect();
        let mut expected = BTreeSet::new();
        for a in 0..n {
            for b in 0..n {
                if a == b {
                    continue;
                }
                let (x, y) = (&c.areas[a], &c.areas[b]);
                if p[a][b] > p[b][a] {
                    prop_assert!(place(x) < place(y), "{x} beats {y} but is placed {} against {}", place(x), place(y));
                } else if p[a][b] == p[b][a] && a < b {
                    expected.insert((x.clone().min(y.clone()), x.clone().max(y.clone())));
                    prop_assert!(
                        place(x) == place(y) || unresolved.contains(&(x.clone().min(y.clone()), x.clone().max(y.clone()))),
                        "{x} and {y} are unordered but placed apart without saying so"
                    );
                }
            }
        }
        prop_assert_eq!(unresolved, expected);
        // Tiers: areas sharing a place are unordered, and an area is placed below the tier above
        // it only because an area in that tier beats it. Together these make places claim no
        // order the method does not make: an unordered pair is placed apart only when one of
        // them is beaten by something level with the other.
        let index = |area: &str| c.areas.iter().position(|a| a == area).unwrap();
        let beats = |x: &str, y: &str| p[index(x)][index(y)] > p[index(y)][index(x)];
        for r in &c.ranking {
            for o in c.ranking.iter().filter(|o| o.position == r.position) {
                prop_assert!(!beats(&r.area, &o.area), "{} and {} share a place but one beats the other", r.area, o.area);
            }
            if let Some(above) = c.ranking.iter().map(|o| o.position).filter(|&q| q < r.position).max() {
                prop_assert!(
                    c.ranking.iter().any(|o| o.position == above && beats(&o.area, &r.area)),
                    "{} is placed below the tier at {above} though nothing there beats it", r.area
                );
            }
        }
        // Places are competition numbers: each is 1 + the number of areas placed above it.
        for r in &c.ranking {
            let above = c.ranking.iter().filter(|o| o.position < r.position).count();
            prop_assert_eq!(r.position, above + 1);
        }
    }
}
