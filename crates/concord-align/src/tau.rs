//! Kendall's tau-b: how far two partners order the areas they both ranked the same way.
//!
//! tau-b = (nc − nd) / sqrt((n0 − n1)(n0 − n2)), where over all pairs of the n common areas nc pairs
//! are ordered the same way by both, nd opposite ways, n0 = n(n−1)/2, and n1, n2 count the pairs tied
//! in the first and second ranking (Kendall, M. G. "The treatment of ties in ranking problems",
//! *Biometrika* 33 (1945) 239–251; Agresti, *Analysis of Ordinal Categorical Data*, 2nd ed., §7.1).
//! It runs from −1 (exactly reversed) through 0 to 1 (the same order), and is undefined when either
//! ranking puts every common area level, or fewer than two areas are common.

use crate::profile::Ranking;

/// Tau-b of two equally long score lists (lower = better or higher = better, as long as both agree).
pub fn tau_b(x: &[u32], y: &[u32]) -> Option<f64> {
    assert_eq!(x.len(), y.len(), "tau-b needs paired observations");
    let n = x.len();
    if n < 2 {
        return None;
    }
    let (mut concordant, mut discordant, mut tied_x, mut tied_y) = (0i64, 0i64, 0i64, 0i64);
    for i in 0..n {
        for j in i + 1..n {
            let dx = i64::from(x[i]) - i64::from(x[j]);
            let dy = i64::from(y[i]) - i64::from(y[j]);
            if dx == 0 {
                tied_x += 1;
            }
            if dy == 0 {
                tied_y += 1;
            }
            match (dx * dy).signum() {
                1 => concordant += 1,
                -1 => discordant += 1,
                _ => {}
            }
        }
    }
    let pairs = (n * (n - 1) / 2) as i64;
    let denominator = (((pairs - tied_x) * (pairs - tied_y)) as f64).sqrt();
    (denominator > 0.0).then(|| (concordant - discordant) as f64 / denominator)
}

/// Tau-b of two partners' rankings on the areas both ranked, with how many areas that was.
pub fn kendall_tau_b(a: &Ranking, b: &Ranking) -> (Option<f64>, usize) {
    let (x, y): (Vec<u32>, Vec<u32>) = a
        .iter()
        .filter_map(|(area, ra)| b.get(area).map(|rb| (*ra, *rb)))
        .unzip();
    (tau_b(&x, &y), x.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn matches_the_scipy_documentation_example() {
        // scipy.stats.kendalltau's documented example: x = [12, 2, 1, 12, 2], y = [1, 4, 7, 1, 0]
        // gives tau-b = -0.47140452079103173 (SciPy 1.17 reproduces it).
        let tau = tau_b(&[12, 2, 1, 12, 2], &[1, 4, 7, 1, 0]).unwrap();
        assert!(close(tau, -0.471_404_520_791_031_7), "{tau}");
    }

    #[test]
    fn ties_in_both_rankings() {
        // Worked by hand, and by scipy.stats.kendalltau(variant="b"): 10/13 = 0.769230769...
        // 28 pairs; tied in x: 2, tied in y: 2 (none in both); of the other 24, nc = 22 and nd = 2:
        // (22 - 2) / sqrt((28 - 2) * (28 - 2)) = 20/26.
        let tau = tau_b(&[1, 2, 2, 3, 4, 5, 5, 6], &[2, 1, 3, 3, 5, 4, 6, 6]).unwrap();
        assert!(close(tau, 20.0 / 26.0), "{tau}");
    }

    #[test]
    fn identical_reversed_and_undefined() {
        assert!(close(tau_b(&[1, 2, 3, 4], &[1, 2, 3, 4]).unwrap(), 1.0));
        assert!(close(tau_b(&[1, 2, 3, 4], &[4, 3, 2, 1]).unwrap(), -1.0));
        assert_eq!(
            tau_b(&[1, 1, 1], &[1, 2, 3]),
            None,
            "all tied in one ranking"
        );
        assert_eq!(tau_b(&[1], &[1]), None);
    }

    #[test]
    fn partners_are_compared_on_the_areas_both_ranked() {
        let a: Ranking = [("MSK", 1), ("Frailty", 2), ("Prevention", 3)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let b: Ranking = [("Prevention", 1), ("Frailty", 2), ("Workforce", 3)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let (tau, common) = kendall_tau_b(&a, &b);
        assert_eq!(common, 2);
        assert!(close(tau.unwrap(), -1.0));
    }
}
