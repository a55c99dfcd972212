//! Times a trust pulse round's results under the disclosure rule: `pulse_bench [respondents]
//! [organisations]` makes a round (each respondent rating three to six partners, some
//! organisations small, so that cells fall under the floor and the lines and the audit must
//! work) and reports the median of seven computations, with how many figures were withheld.

use concord_domain::pulse::results::{compute, Respondent};
use concord_domain::pulse::{Principle, PulseAnswers, TrustItem, PULSE_FLOOR};
use rand::{Rng, SeedableRng};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let respondents: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3_000);
    let organisations: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(40);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let orgs: Vec<String> = (0..organisations).map(|i| format!("org-{i:03}")).collect();
    let round: Vec<Respondent> = (0..respondents)
        .map(|_| {
            // A skewed share: the first organisations are large, the last small.
            let from = (rng.gen_range(0.0f64..1.0).powi(2) * organisations as f64) as usize;
            let mut answers = PulseAnswers::default();
            for p in Principle::ALL {
                answers.principles.insert(*p, rng.gen_range(1..=5));
            }
            for _ in 0..rng.gen_range(3..=6) {
                let to = rng.gen_range(0..organisations);
                if to != from {
                    answers.partners.insert(
                        orgs[to].clone(),
                        TrustItem::ALL
                            .iter()
                            .map(|i| (*i, rng.gen_range(1..=5)))
                            .collect(),
                    );
                }
            }
            Respondent {
                organisation_id: orgs[from].clone(),
                answers,
            }
        })
        .collect();
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..7 {
        let start = Instant::now();
        last = Some(compute(&round, PULSE_FLOOR));
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let results = last.expect("computed");
    let cells = results.cells.len();
    let withheld = results.cells.iter().filter(|c| !c.figure.shown()).count();
    let secondary = results
        .cells
        .iter()
        .filter(|c| {
            c.figure.withheld == Some(concord_domain::pulse::results::Withheld::ProtectsAnother)
        })
        .count();
    println!(
        "{respondents} respondents, {organisations} organisations: {cells} cells, {withheld} withheld ({secondary} to protect another); median {:.1} ms, slowest {:.1} ms of 7",
        times[3], times[6]
    );
}
