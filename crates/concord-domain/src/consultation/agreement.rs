//! How far analysts agree when they tag the same answers with a theme. For each pair of analysts,
//! over the answers both tagged, Cohen's kappa (Cohen 1960): the agreement seen beyond what
//! chance alone would give, κ = (pₒ − pₑ) / (1 − pₑ), where pₒ is the share of answers on which
//! they agree (both applied the theme, or both did not) and pₑ the agreement expected if each
//! applied it at their own rate independently. With more than two analysts, Light's kappa: the
//! mean over every pair (Light 1971). Described in words by Landis and Koch's (1977) bands.

use serde::Serialize;

/// Two analysts' decisions on the same answers: (first applied the theme, second applied it).
pub type Pairs<'a> = &'a [(bool, bool)];

/// Agreement between two analysts on one theme.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Agreement {
    /// How many answers both tagged.
    pub answers: usize,
    /// The share on which they agreed.
    pub observed: f64,
    /// Cohen's kappa; none when chance alone explains all agreement (both always decided the
    /// same way, so kappa is undefined).
    pub kappa: Option<f64>,
}

/// Cohen's kappa for one pair of analysts; none for no answers.
pub fn cohen(pairs: Pairs<'_>) -> Option<Agreement> {
    let n = pairs.len();
    if n == 0 {
        return None;
    }
    let count = |f: &dyn Fn(&(bool, bool)) -> bool| pairs.iter().filter(|p| f(p)).count() as f64;
    let n_f = n as f64;
    let agree = count(&|(a, b)| a == b) / n_f;
    let first_yes = count(&|(a, _)| *a) / n_f;
    let second_yes = count(&|(_, b)| *b) / n_f;
    let chance = first_yes * second_yes + (1.0 - first_yes) * (1.0 - second_yes);
    let kappa = (chance < 1.0).then(|| (agree - chance) / (1.0 - chance));
    Some(Agreement {
        answers: n,
        observed: agree,
        kappa,
    })
}

/// Light's kappa: the mean of Cohen's kappa over the pairs that have one; none if no pair has.
pub fn light(pairs: &[Agreement]) -> Option<f64> {
    let kappas: Vec<f64> = pairs.iter().filter_map(|a| a.kappa).collect();
    (!kappas.is_empty()).then(|| kappas.iter().sum::<f64>() / kappas.len() as f64)
}

/// Landis and Koch's words for a kappa.
pub fn describe(kappa: f64) -> &'static str {
    match kappa {
        k if k < 0.0 => "poor (less than chance)",
        k if k <= 0.20 => "slight",
        k if k <= 0.40 => "fair",
        k if k <= 0.60 => "moderate",
        k if k <= 0.80 => "substantial",
        _ => "almost perfect",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(yy: usize, yn: usize, ny: usize, nn: usize) -> Vec<(bool, bool)> {
        [
            ((true, true), yy),
            ((true, false), yn),
            ((false, true), ny),
            ((false, false), nn),
        ]
        .iter()
        .flat_map(|(p, k)| std::iter::repeat_n(*p, *k))
        .collect()
    }

    #[test]
    fn cohens_worked_example_gives_0_4() {
        // The textbook example (as in Wikipedia's "Cohen's kappa"): 50 proposals, both yes 20,
        // A yes B no 5, A no B yes 10, both no 15: pₒ = 0.7, pₑ = 0.5, κ = 0.4.
        let a = cohen(&pairs(20, 5, 10, 15)).unwrap();
        assert_eq!(a.answers, 50);
        assert!((a.observed - 0.7).abs() < 1e-12);
        assert!((a.kappa.unwrap() - 0.4).abs() < 1e-12);
        assert_eq!(describe(0.4), "fair");
    }

    #[test]
    fn the_same_agreement_can_mean_a_smaller_kappa() {
        // Wikipedia's "same agreement, different kappa" example: 45 yes/yes, 15 yes/no, 25 no/yes,
        // 15 no/no (n = 100): pₒ = 0.60, pₑ = 0.6 × 0.7 + 0.4 × 0.3 = 0.54, κ = 0.06 / 0.46 ≈ 0.1304.
        let a = cohen(&pairs(45, 15, 25, 15)).unwrap();
        assert!((a.kappa.unwrap() - 0.06 / 0.46).abs() < 1e-12);
        assert_eq!(describe(a.kappa.unwrap()), "slight");
    }

    #[test]
    fn perfect_opposite_and_undefined_agreement() {
        assert_eq!(cohen(&pairs(5, 0, 0, 5)).unwrap().kappa, Some(1.0));
        assert_eq!(cohen(&pairs(0, 5, 5, 0)).unwrap().kappa, Some(-1.0));
        // Both always said no: they agree, but so would any two who never apply it.
        let none = cohen(&pairs(0, 0, 0, 8)).unwrap();
        assert_eq!((none.observed, none.kappa), (1.0, None));
        assert_eq!(cohen(&[]), None);
        let mean = light(&[
            cohen(&pairs(20, 5, 10, 15)).unwrap(),
            cohen(&pairs(5, 0, 0, 5)).unwrap(),
            none,
        ]);
        assert!((mean.unwrap() - 0.7).abs() < 1e-12);
    }
}
