//! The Schulze method: a consensus ranking from partners' rankings.
//!
//! Definition (Schulze, M. "A new monotonic, clone-independent, reversal symmetric, and
//! Condorcet-consistent single-winner election method", *Social Choice and Welfare* 36 (2011) 267–303,
//! sections 2.1–2.3):
//! 1. d[a][b] is the number of partners who rank a strictly above b. A partner who ranks a and b
//!    equal prefers neither; an area a partner did not rank counts as tied below every area they did
//!    rank (Schulze §2.1 on incomplete ballots).
//! 2. A link a→b has strength d[a][b] when d[a][b] > d[b][a] ("winning votes"), otherwise none.
//!    p[a][b] is the strength of the strongest path from a to b, a path being as strong as its weakest
//!    link (computed with a Floyd–Warshall variant).
//! 3. a is ranked above b when p[a][b] > p[b][a]. This relation is transitive (Schulze §4.1) but
//!    not complete: with partial rankings and ties many pairs are left unordered. So the places
//!    claim only what the method decides: the first tier is the areas no area beats, the next the
//!    areas no remaining area beats, and so on; an area's place is 1 + the number of areas in the
//!    tiers above (competition numbering). An area the method puts above another is always placed
//!    above it; an unordered pair either shares a place or is listed in
//!    [`Consensus::unresolved`], so no reader takes "second" and "third" for a preference the
//!    partnership does not hold. (Schulze's own tie-breaking by a random ballot is not applied.)
//!
//! Why Schulze: it accepts partial rankings and ties, as partners' real submissions have; it always
//! gives a result, even when preferences go round in a circle (a Condorcet cycle); it picks the area
//! that beats every other one-to-one whenever there is one; it is deterministic and does not depend on
//! the order of partners. Kemeny–Young shares most of this but is NP-hard, which matters at 40 areas.

use crate::profile::Profile;
use serde::Serialize;

/// The consensus and the matrices behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consensus {
    /// The areas, in the order the matrices use (alphabetical).
    pub areas: Vec<String>,
    /// d[i][j]: partners ranking area i above area j.
    pub pairwise: Vec<Vec<u32>>,
    /// p[i][j]: strength of the strongest path from i to j.
    pub strongest_paths: Vec<Vec<u32>>,
    /// The consensus ranking, best first, in tiers: areas the method does not separate share a
    /// place.
    pub ranking: Vec<ConsensusPlace>,
    /// The pairs of areas the method leaves unordered (neither's strongest path beats the
    /// other's), higher-placed first: the partnership is split between them, whatever their
    /// places. Pairs in the same place are listed too.
    pub unresolved: Vec<[String; 2]>,
}

/// One area's place in the consensus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsensusPlace {
    /// The area.
    pub area: String,
    /// Its place, from 1: one more than the number of areas placed above it. Areas in the same
    /// tier share a place.
    pub position: usize,
    /// How many areas it is ranked above.
    pub beats: usize,
}

impl Consensus {
    /// An area's place.
    pub fn place_of(&self, area: &str) -> Option<usize> {
        self.ranking
            .iter()
            .find(|p| p.area == area)
            .map(|p| p.position)
    }

    /// The unordered pairs whose places differ: the ones a reader must be told the method does not
    /// order, since their places alone would suggest it does.
    pub fn unordered_across_places(&self) -> Vec<&[String; 2]> {
        self.unresolved
            .iter()
            .filter(|[a, b]| self.place_of(a) != self.place_of(b))
            .collect()
    }

    /// Those pairs in words, or nothing when there are none: "The method does not order A and B,
    /// or C and D: the partnership is split between them, whatever their places."
    pub fn unordered_in_words(&self) -> Option<String> {
        let pairs: Vec<String> = self
            .unordered_across_places()
            .into_iter()
            .map(|[a, b]| format!("{a} and {b}"))
            .collect();
        match pairs.as_slice() {
            [] => None,
            [one] => Some(format!(
                "The method does not order {one}: the partnership is split between them, whatever their places."
            )),
            [init @ .., last] => Some(format!(
                "The method does not order {}, or {last}: the partnership is split between each pair, whatever their places.",
                init.join(", ")
            )),
        }
    }
}

/// The Schulze consensus of `profile`.
pub fn consensus(profile: &Profile) -> Consensus {
    let areas: Vec<String> = profile.areas.iter().cloned().collect();
    let n = areas.len();
    let mut d = vec![vec![0u32; n]; n];
    for ranking in profile.rankings.values() {
        // Unranked areas sit below every ranked one: rank u32::MAX.
        let ranks: Vec<u32> = areas
            .iter()
            .map(|a| ranking.get(a).copied().unwrap_or(u32::MAX))
            .collect();
        for i in 0..n {
            for j in 0..n {
                if ranks[i] < ranks[j] {
                    d[i][j] += 1;
                }
            }
        }
    }
    let mut p = vec![vec![0u32; n]; n];
    for i in 0..n {
        for j in 0..n {
            if i != j && d[i][j] > d[j][i] {
                p[i][j] = d[i][j];
            }
        }
    }
    for k in 0..n {
        for i in 0..n {
            if i == k {
                continue;
            }
            for j in 0..n {
                if j != i && j != k {
                    p[i][j] = p[i][j].max(p[i][k].min(p[k][j]));
                }
            }
        }
    }
    let above = |i: usize, j: usize| p[i][j] > p[j][i];
    let beats: Vec<usize> = (0..n)
        .map(|i| (0..n).filter(|&j| above(i, j)).count())
        .collect();
    // Tiers: repeatedly take the areas that no remaining area beats. The relation is transitive and
    // irreflexive (Schulze §4.1), so each round takes at least one area; an area is placed above
    // another only when the method ranks it above something that is not above it.
    let mut remaining: Vec<usize> = (0..n).collect();
    let mut ranking: Vec<ConsensusPlace> = Vec::with_capacity(n);
    while !remaining.is_empty() {
        let (mut tier, rest): (Vec<usize>, Vec<usize>) = remaining
            .iter()
            .partition(|&&i| !remaining.iter().any(|&j| above(j, i)));
        if tier.is_empty() {
            // Unreachable for a transitive relation; never loop for ever if it were not.
            tier = rest.clone();
        }
        // Competition numbering: a tier's areas share the place after everyone above them, and
        // within it they are listed by name, which says nothing about order.
        let position = ranking.len() + 1;
        tier.sort_by(|&a, &b| areas[a].cmp(&areas[b]));
        for &i in &tier {
            ranking.push(ConsensusPlace {
                area: areas[i].clone(),
                position,
                beats: beats[i],
            });
        }
        remaining.retain(|i| !tier.contains(i));
    }
    let place = |i: usize| {
        ranking
            .iter()
            .find(|r| r.area == areas[i])
            .map_or(0, |r| r.position)
    };
    let mut unresolved: Vec<(usize, usize, [String; 2])> = Vec::new();
    for i in 0..n {
        for j in (i + 1)..n {
            if !above(i, j) && !above(j, i) {
                let (first, second) = if (place(j), &areas[j]) < (place(i), &areas[i]) {
                    (j, i)
                } else {
                    (i, j)
                };
                unresolved.push((
                    place(first),
                    place(second),
                    [areas[first].clone(), areas[second].clone()],
                ));
            }
        }
    }
    unresolved.sort();
    let unresolved = unresolved.into_iter().map(|(_, _, pair)| pair).collect();
    Consensus {
        areas,
        pairwise: d,
        strongest_paths: p,
        ranking,
        unresolved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Adds `count` identical strict ballots, e.g. "ACBED" ranks A first.
    fn ballots(profile: &mut Profile, start: &mut usize, count: usize, order: &str) {
        for _ in 0..count {
            *start += 1;
            profile.rank(
                &format!("voter{start:03}"),
                order
                    .chars()
                    .enumerate()
                    .map(|(i, c)| (c.to_string(), i as u32 + 1)),
            );
        }
    }

    #[test]
    fn schulzes_worked_example_with_a_condorcet_cycle() {
        // The 45-voter example of Schulze (2011) §3.1 (also on Wikipedia's "Schulze method" page):
        // no area beats all others one-to-one, and the published result is E > A > C > B > D.
        let mut profile = Profile::new(["A", "B", "C", "D", "E"]);
        let mut n = 0;
        for (count, order) in [
            (5, "ACBED"),
            (5, "ADECB"),
            (8, "BEDAC"),
            (3, "CABED"),
            (7, "CAEBD"),
            (2, "CBADE"),
            (7, "DCEBA"),
            (8, "EBADC"),
        ] {
            ballots(&mut profile, &mut n, count, order);
        }
        let c = consensus(&profile);
        // The published pairwise matrix d and strongest paths p (rows A..E).
        assert_eq!(
            c.pairwise,
            vec![
                vec![0, 20, 26, 30, 22],
                vec![25, 0, 16, 33, 18],
                vec![19, 29, 0, 17, 24],
                vec![15, 12, 28, 0, 14],
                vec![23, 27, 21, 31, 0],
            ]
        );
        assert_eq!(
            c.strongest_paths,
            vec![
                vec![0, 28, 28, 30, 24],
                vec![25, 0, 28, 33, 24],
                vec![25, 29, 0, 29, 24],
                vec![25, 28, 28, 0, 24],
                vec![25, 28, 28, 31, 0],
            ]
        );
        let order: Vec<&str> = c.ranking.iter().map(|p| p.area.as_str()).collect();
        assert_eq!(order, ["E", "A", "C", "B", "D"]);
        // There is a cycle in the one-to-one results: A beats C, C beats B, B beats A.
        assert!(
            c.pairwise[0][2] > c.pairwise[2][0]
                && c.pairwise[2][1] > c.pairwise[1][2]
                && c.pairwise[1][0] > c.pairwise[0][1]
        );
    }

    #[test]
    fn ties_within_a_ranking_prefer_neither() {
        // Worked by hand: v1 ranks A=B above C; v2 C > A > B; v3 B > C > A.
        // d: A:B 1:1, C:A 2:1, B:C 2:1. Links C→A (2) and B→C (2); path B→C→A has strength 2.
        let mut profile = Profile::new(["A", "B", "C"]);
        profile.rank("v1", [("A", 1), ("B", 1), ("C", 2)]);
        profile.rank("v2", [("C", 1), ("A", 2), ("B", 3)]);
        profile.rank("v3", [("B", 1), ("C", 2), ("A", 3)]);
        let c = consensus(&profile);
        assert_eq!(c.pairwise[0][1], 1);
        assert_eq!(c.pairwise[1][0], 1);
        assert_eq!(c.strongest_paths[1][0], 2);
        let order: Vec<(&str, usize)> = c
            .ranking
            .iter()
            .map(|p| (p.area.as_str(), p.position))
            .collect();
        assert_eq!(order, [("B", 1), ("C", 2), ("A", 3)]);
    }

    #[test]
    fn areas_the_method_leaves_unordered_are_never_ranked_apart_silently() {
        // Worked by hand from the definition. p1 ranks A > C > D (B unranked), p2 B > C (A and D
        // unranked). d: A:B 1:1, A:C 1:1, B:C 1:1, B:D 1:1 (each partner ranks one of them above
        // the other, unranked); A:D 1:0 and C:D 2:0. So A and C beat D and every other pair is
        // unordered: A, B and C share first place, D is fourth, and B and D, placed apart, are
        // unordered all the same.
        let mut profile = Profile::new(["A", "B", "C", "D"]);
        profile.rank("p1", [("A", 1), ("C", 2), ("D", 3)]);
        profile.rank("p2", [("B", 1), ("C", 2)]);
        let c = consensus(&profile);
        let place = |a: &str| c.place_of(a).unwrap();
        assert_eq!((place("A"), place("B"), place("C")), (1, 1, 1));
        assert_eq!(place("D"), 4, "A and C beat D");
        assert!(c.unresolved.contains(&["B".to_string(), "D".to_string()]));
        assert_eq!(
            c.unordered_in_words().as_deref(),
            Some("The method does not order B and D: the partnership is split between them, whatever their places.")
        );
    }

    #[test]
    fn unranked_areas_sit_below_ranked_ones_and_exact_ties_share_a_place() {
        let mut profile = Profile::new(["MSK", "Frailty", "Workforce"]);
        profile.rank("ICB", [("MSK", 1)]);
        profile.rank("Council", [("Frailty", 1)]);
        let c = consensus(&profile);
        let place = |a: &str| c.ranking.iter().find(|p| p.area == a).unwrap().position;
        assert_eq!(place("MSK"), 1);
        assert_eq!(place("Frailty"), 1, "one partner each: a tie");
        assert_eq!(place("Workforce"), 3, "ranked by no one");
    }

    fn strict_order() -> impl Strategy<Value = Vec<usize>> {
        (2usize..9).prop_flat_map(|n| Just((0..n).collect::<Vec<_>>()).prop_shuffle())
    }

    proptest! {
        #[test]
        fn a_unanimous_profile_returns_that_ranking(order in strict_order(), partners in 1usize..8) {
            let names: Vec<String> = order.iter().map(|i| format!("area{i}")).collect();
            let mut profile = Profile::new(names.clone());
            for p in 0..partners {
                profile.rank(&format!("p{p}"), names.iter().enumerate().map(|(r, a)| (a.clone(), r as u32 + 1)));
            }
            let got: Vec<String> = consensus(&profile).ranking.into_iter().map(|p| p.area).collect();
            prop_assert_eq!(got, names);
        }

        #[test]
        fn renaming_and_reordering_partners_changes_nothing(
            ballots in prop::collection::vec(prop::collection::vec(1u32..5, 5), 1..10),
            seed in any::<u64>(),
        ) {
            let areas = ["a", "b", "c", "d", "e"];
            let mut first = Profile::new(areas);
            let mut second = Profile::new(areas);
            let n = ballots.len();
            for (i, ranks) in ballots.iter().enumerate() {
                first.rank(&format!("partner{i:02}"), areas.iter().zip(ranks).map(|(a, r)| (*a, *r)));
                // The same ballots under other names, so the map holds them in another order.
                let j = (i as u64 * 7919 + seed) % 1_000_003;
                second.rank(&format!("{j:07}-{}", n - i), areas.iter().zip(ranks).map(|(a, r)| (*a, *r)));
            }
            prop_assert_eq!(consensus(&first), consensus(&second));
        }
    }
}
