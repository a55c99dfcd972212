//! The demo's partnership trust pulse: eight closed quarterly rounds and the current one open,
//! answered by the people who work across the statutory partners and a few VCSE organisations
//! (ten to sixteen from each, each rating the partners their organisation works with most). Trust
//! is steady and fairly high until the ICB board decides to move community stroke
//! rehabilitation beds into the acute trust, a decision the community trust disputed: from the
//! next round its rating of the ICB falls beyond the lower limit. Two events are recorded to read
//! the trend against.

use crate::DemoError;
use chrono::NaiveDate;
use concord_domain::pulse::results::Respondent;
use concord_domain::pulse::{Principle, PulseAnswers, TrustItem};
use concord_store::{pulse, Actor, Store};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The disputed decision, recorded as an event.
pub const DISPUTED_DECISION: &str =
    "ICB board decides to move community stroke rehabilitation beds to the acute trust (disputed by the community trust)";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// The quarters: (title, first day, last day), oldest first; the last is open now.
fn quarters() -> Vec<(String, NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    // Financial-year quarters from Q3 2024/25 to Q3 2026/27.
    let starts = [
        (2024, 10),
        (2025, 1),
        (2025, 4),
        (2025, 7),
        (2025, 10),
        (2026, 1),
        (2026, 4),
        (2026, 7),
        (2026, 10),
    ];
    for (y, m) in starts {
        let first = day(y, m, 1);
        let last = if m == 10 {
            day(y, 12, 31)
        } else {
            day(y, m + 3, 1).pred_opt().expect("a day before")
        };
        let (fy, q) = match m {
            4 => (y, 1),
            7 => (y, 2),
            10 => (y, 3),
            _ => (y - 1, 4),
        };
        out.push((
            format!("Quarter {q}, {fy}/{:02}", (fy + 1) % 100),
            first,
            last,
        ));
    }
    out
}

fn agreement(rng: &mut ChaCha8Rng, level: f64) -> u8 {
    let noise: f64 = rng.gen_range(-0.9..0.9);
    (level + noise).round().clamp(1.0, 5.0) as u8
}

/// Loads the pulse unless a round exists. Returns how many answers were loaded.
pub async fn seed_pulse(store: &Store) -> Result<usize, DemoError> {
    if !pulse::rounds(store).await?.is_empty() {
        return Ok(0);
    }
    let admin = crate::directory::system_principal(store).await?;
    let actor = Actor::person(&admin, None);
    let failed = |e: concord_store::StoreError| DemoError::Population(format!("the pulse: {e}"));
    let mut orgs: Vec<(String, String)> = Vec::new();
    for t in [
        "icb",
        "acute_trust",
        "community_trust",
        "mental_health_trust",
        "council",
        "healthwatch",
        "hospice",
        "vcse",
    ] {
        let page = concord_store::organisations::list(
            store,
            &concord_store::organisations::OrganisationSearch {
                org_type: Some(t.into()),
                ..Default::default()
            },
            concord_store::PageRequest {
                page: 1,
                per_page: 200,
            },
        )
        .await
        .map_err(failed)?;
        orgs.extend(page.items.into_iter().map(|o| (o.id, t.to_string())));
    }
    // The statutory partners and at most three VCSE organisations answer.
    let mut vcse = 0;
    let orgs: Vec<(String, String)> = orgs
        .into_iter()
        .filter(|(_, t)| {
            if t == "vcse" {
                vcse += 1;
                vcse <= 3
            } else {
                true
            }
        })
        .collect();
    let of_type = |t: &str| {
        orgs.iter()
            .find(|(_, ty)| ty == t)
            .map(|(id, _)| id.clone())
    };
    let (Some(icb), Some(community), Some(acute)) = (
        of_type("icb"),
        of_type("community_trust"),
        of_type("acute_trust"),
    ) else {
        return Ok(0);
    };
    let mut rng = ChaCha8Rng::seed_from_u64(19);
    // Each pair's underlying trust, 3.4 to 4.3.
    let mut base = std::collections::BTreeMap::new();
    for (from, _) in &orgs {
        for (to, _) in &orgs {
            if from != to {
                base.insert((from.clone(), to.clone()), rng.gen_range(3.4..4.3));
            }
        }
    }
    // Whom each organisation works with most: the ICB (the ICB: the trusts and councils), and
    // three or four others, the same every quarter.
    let statutory: Vec<String> = orgs
        .iter()
        .filter(|(_, t)| t.ends_with("trust") || t == "council")
        .map(|(id, _)| id.clone())
        .collect();
    let mut close = std::collections::BTreeMap::new();
    for (from, _) in &orgs {
        let mut partners: Vec<String> = if *from == icb {
            statutory.clone()
        } else {
            vec![icb.clone()]
        };
        if *from == community && !partners.contains(&acute) {
            partners.push(acute.clone());
        }
        while partners.len() < 4 + usize::from(rng.gen_bool(0.5)) {
            let (to, _) = &orgs[rng.gen_range(0..orgs.len())];
            if to != from && !partners.contains(to) {
                partners.push(to.clone());
            }
        }
        close.insert(from.clone(), partners);
    }
    let decision_on = day(2026, 5, 14);
    pulse::add_event(
        store,
        &actor,
        day(2025, 3, 20),
        "Joint Forward Plan 2025–2030 adopted by the ICB board",
        std::slice::from_ref(&icb),
    )
    .await
    .map_err(failed)?;
    pulse::add_event(
        store,
        &actor,
        decision_on,
        DISPUTED_DECISION,
        &[icb.clone(), community.clone(), acute.clone()],
    )
    .await
    .map_err(failed)?;
    let all = quarters();
    let mut loaded = 0;
    for (k, (title, first, last)) in all.iter().enumerate() {
        let open_now = k + 1 == all.len();
        let after_dispute = *first > decision_on;
        let id = pulse::open_round(store, &actor, title, *first, *last)
            .await
            .map_err(failed)?;
        let mut answers = Vec::new();
        for (from, _) in &orgs {
            let respondents = if open_now {
                rng.gen_range(2..6)
            } else {
                rng.gen_range(10..17)
            };
            for _ in 0..respondents {
                let mut a = PulseAnswers::default();
                let mood: f64 = rng.gen_range(-0.3..0.3);
                for p in Principle::ALL {
                    let mut level = 3.7 + mood;
                    if after_dispute && *from == community && *p == Principle::Trust {
                        level -= 1.0;
                    }
                    a.principles.insert(*p, agreement(&mut rng, level));
                }
                let mut partners: Vec<String> = close[from]
                    .iter()
                    .filter(|_| rng.gen_bool(0.9))
                    .cloned()
                    .collect();
                if rng.gen_bool(0.2) {
                    let (to, _) = &orgs[rng.gen_range(0..orgs.len())];
                    if to != from && !partners.contains(to) {
                        partners.push(to.clone());
                    }
                }
                if partners.is_empty() {
                    partners.push(close[from][0].clone());
                }
                for to in partners {
                    let mut level = base[&(from.clone(), to.clone())] + mood;
                    let disputed =
                        (*from == community && to == icb) || (*from == icb && to == community);
                    if after_dispute && disputed {
                        level -= if *from == community { 1.3 } else { 0.6 };
                    }
                    let items = TrustItem::ALL
                        .iter()
                        .map(|i| {
                            let score = agreement(&mut rng, level);
                            (*i, if i.reversed() { 6 - score } else { score })
                        })
                        .collect();
                    a.partners.insert(to, items);
                }
                answers.push(Respondent {
                    organisation_id: from.clone(),
                    answers: a,
                });
            }
        }
        loaded += answers.len();
        pulse::import_answers(store, &actor, &id, &answers)
            .await
            .map_err(failed)?;
        if !open_now {
            pulse::close_round(store, &actor, &id)
                .await
                .map_err(failed)?;
        }
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_closed_quarters_and_the_current_one() {
        let q = quarters();
        assert_eq!(q.len(), 9);
        assert_eq!(q[0].0, "Quarter 3, 2024/25");
        assert_eq!(q[1].0, "Quarter 4, 2024/25");
        assert_eq!(q[1].2, day(2025, 3, 31));
        assert_eq!(q[8].0, "Quarter 3, 2026/27");
        assert_eq!(q[8].2, day(2026, 12, 31));
    }
}
