//! The demo's two years of social prescribing: a link worker in each primary care network (a
//! direct-care clinician of each of its practices), and referrals of people on the "older people
//! at risk of social isolation" worklists to the VCSE partners' loneliness services over the last
//! two years, with what happened to each (each service replying at its own pace and accepting its own
//! share; waits for a place; people not reached; completions) and ONS4 and UCLA-3 answers at first
//! contact and follow-up. Loaded through the store's history loader, which checks every move
//! against the lifecycle. Illustrative: the rates are chosen to look like a real service, not
//! taken from a published source.

use crate::DemoError;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use concord_app::population::worklists;
use concord_app::population::{Population, PopulationConfig};
use concord_domain::calendar::is_working_day;
use concord_domain::referral::caseload::{Contact, ContactKind};
use concord_domain::referral::draft::{CareTeamReferral, ContactDetails};
use concord_domain::referral::outcome::{Outcome, OutcomeStage};
use concord_domain::referral::{
    CapacityReply, ContactPreference, ReferralPriority, ReferralReason, ReferralStatus, Side,
    StatusChange,
};
use concord_domain::{MembershipDraft, PersonDraft};
use concord_store::directory::{self, ServiceFilter};
use concord_store::referrals::{self, PastMove, PastReferral};
use concord_store::{organisations, people, population, Actor, PageRequest, Store};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn failed(e: impl std::fmt::Display) -> DemoError {
    DemoError::Population(e.to_string())
}

/// The link workers' names, one a network in turn.
const LINK_WORKERS: [(&str, &str); 10] = [
    ("Sam", "Okafor"),
    ("Priya", "Shah"),
    ("Tom", "Hughes"),
    ("Grace", "Mensah"),
    ("Leah", "Evans"),
    ("Daniel", "Kowalski"),
    ("Aisha", "Rahman"),
    ("Owen", "Price"),
    ("Ruth", "Campbell"),
    ("Kiran", "Gill"),
];

/// Share of the people on a practice's worklist referred in the year.
const REFERRED_SHARE: f64 = 0.3;

/// How one service behaves: its median reply in working days and how often it accepts.
struct Behaviour {
    reply_days: u32,
    accepts: f64,
}

/// `day` moved on by `n` working days, at 10:00 plus `minutes`.
fn working_days_after(day: NaiveDate, n: u32, minutes: i64) -> DateTime<Utc> {
    let mut d = day;
    let mut left = n;
    while left > 0 {
        d += Duration::days(1);
        if is_working_day(d) {
            left -= 1;
        }
    }
    d.and_hms_opt(10, 0, 0).expect("a time").and_utc() + Duration::minutes(minutes)
}

fn score(rng: &mut ChaCha8Rng, mean: f64, sd: f64, low: u8, high: u8) -> u8 {
    let normal: f64 = rand_distr::Distribution::sample(&rand_distr::StandardNormal, rng);
    (mean + sd * normal)
        .round()
        .clamp(f64::from(low), f64::from(high)) as u8
}

/// ONS4 and UCLA-3 at first contact, and at follow-up a little better on average.
fn outcomes(rng: &mut ChaCha8Rng) -> (Outcome, Outcome) {
    let base = [
        score(rng, 5.0, 1.8, 0, 10),
        score(rng, 5.6, 1.7, 0, 10),
        score(rng, 5.2, 2.0, 0, 10),
        score(rng, 4.8, 2.5, 0, 10),
    ];
    let change = [0.9, 0.7, 0.8, -0.8];
    let mut later = [0u8; 4];
    for i in 0..4 {
        later[i] = score(rng, f64::from(base[i]) + change[i], 1.2, 0, 10);
    }
    let mut ucla = [0u8; 3];
    for item in &mut ucla {
        let u: f64 = rng.gen();
        *item = if u < 0.15 {
            1
        } else if u < 0.6 {
            2
        } else {
            3
        };
    }
    let mut ucla_later = ucla;
    for item in &mut ucla_later {
        let u: f64 = rng.gen();
        if u < 0.35 && *item > 1 {
            *item -= 1;
        } else if u > 0.92 && *item < 3 {
            *item += 1;
        }
    }
    (
        Outcome {
            stage: OutcomeStage::FirstContact,
            ons4: Some(base),
            ucla: Some(ucla),
            swemwbs: None,
        },
        Outcome {
            stage: OutcomeStage::FollowUp,
            ons4: Some(later),
            ucla: Some(ucla_later),
            swemwbs: None,
        },
    )
}

fn change(to: ReferralStatus) -> StatusChange {
    StatusChange {
        to,
        reason: None,
        note: String::new(),
        capacity: None,
    }
}

fn with_reason(to: ReferralStatus, reason: ReferralReason, note: &str) -> StatusChange {
    StatusChange {
        to,
        reason: Some(reason),
        note: note.into(),
        capacity: None,
    }
}

/// What happened to one referral made at `made`, by a service behaving as `behaviour`, up to
/// `now`: its moves, contacts and outcomes.
type Story = (
    Vec<PastMove>,
    Vec<(DateTime<Utc>, String, Contact)>,
    Vec<(DateTime<Utc>, String, Outcome)>,
);

fn story(
    rng: &mut ChaCha8Rng,
    made: DateTime<Utc>,
    behaviour: &Behaviour,
    worker: &str,
    referrer: &str,
) -> Story {
    let mut moves: Vec<(DateTime<Utc>, Side, StatusChange, &str)> = Vec::new();
    let mut contacts = Vec::new();
    let mut measures = Vec::new();
    let day = made.date_naive();
    let reply = 1 + behaviour.reply_days / 2 + rng.gen_range(0..=behaviour.reply_days);
    if rng.gen::<f64>() < 0.5 {
        moves.push((
            working_days_after(day, 1, 30),
            Side::Service,
            change(ReferralStatus::Received),
            worker,
        ));
    }
    let replied = working_days_after(day, reply, 90);
    // Some of the last fortnight's referrals are still waiting for a reply (a few of them
    // flagged for waiting too long).
    let recent = Utc::now() - made < Duration::days(14);
    if recent && rng.gen::<f64>() < 0.6 {
        // No reply yet.
    } else if rng.gen::<f64>() < 0.06 {
        let reason = with_reason(
            ReferralStatus::Cancelled,
            ReferralReason::CircumstancesChanged,
            "Moved to live with family",
        );
        moves.push((replied, Side::Referrer, reason, referrer));
    } else if rng.gen::<f64>() > behaviour.accepts {
        let u: f64 = rng.gen();
        let (reason, note) = if u < 0.45 {
            (ReferralReason::NoCapacity, "Full for now")
        } else if u < 0.75 {
            (ReferralReason::NotEligible, "Outside the area we cover")
        } else {
            (
                ReferralReason::BetterElsewhere,
                "The day centre would suit better",
            )
        };
        let mut declined = with_reason(ReferralStatus::Rejected, reason, note);
        if reason == ReferralReason::NoCapacity {
            declined.capacity = Some(CapacityReply::NoCapacity);
        }
        moves.push((replied, Side::Service, declined, worker));
    } else {
        let u: f64 = rng.gen();
        let capacity = if u < 0.8 {
            CapacityReply::Capacity
        } else if u < 0.95 {
            CapacityReply::Waitlist
        } else {
            CapacityReply::AdditionalAssessmentRequired
        };
        let mut accepted = change(ReferralStatus::Accepted);
        accepted.capacity = Some(capacity);
        moves.push((replied, Side::Service, accepted, worker));
        let wait = match capacity {
            CapacityReply::Waitlist => rng.gen_range(15..40),
            _ => rng.gen_range(2..10),
        };
        let first = working_days_after(replied.date_naive(), wait, 60);
        let u: f64 = rng.gen();
        if u < 0.1 {
            let failed = with_reason(
                ReferralStatus::Failed,
                ReferralReason::CouldNotContact,
                "Three calls and a letter, no answer",
            );
            moves.push((first, Side::Service, failed, worker));
        } else if u < 0.15 {
            let failed = with_reason(
                ReferralStatus::Failed,
                ReferralReason::PersonDeclined,
                "Decided it was not for them",
            );
            moves.push((first, Side::Service, failed, worker));
        } else {
            moves.push((
                first,
                Side::Service,
                change(ReferralStatus::InProgress),
                worker,
            ));
            let (baseline, follow_up) = outcomes(rng);
            measures.push((first, worker.to_string(), baseline));
            let weeks = rng.gen_range(6..13);
            let mut at = first;
            for k in 0..weeks / 2 {
                let kind = if k == 0 {
                    ContactKind::Visit
                } else if k % 2 == 0 {
                    ContactKind::Group
                } else {
                    ContactKind::Phone
                };
                contacts.push((
                    at,
                    worker.to_string(),
                    Contact {
                        contact_on: at.date_naive(),
                        kind,
                        note: match kind {
                            ContactKind::Visit => {
                                "Met at home; talked about what matters to them".into()
                            }
                            ContactKind::Group => "Came to the group and stayed for lunch".into(),
                            _ => "Catch-up call".into(),
                        },
                        next_step: "Next session".into(),
                        next_step_due: Some((at + Duration::days(14)).date_naive()),
                    },
                ));
                at += Duration::days(14);
            }
            let end = first + Duration::weeks(weeks);
            if rng.gen::<f64>() < 0.06 {
                let failed = with_reason(
                    ReferralStatus::Failed,
                    ReferralReason::PersonDeclined,
                    "Stopped coming",
                );
                moves.push((end, Side::Service, failed, worker));
            } else {
                measures.push((end, worker.to_string(), follow_up));
                moves.push((
                    end,
                    Side::Service,
                    change(ReferralStatus::Completed),
                    worker,
                ));
            }
        }
    }
    let now = Utc::now();
    let moves = moves
        .into_iter()
        .filter(|(at, ..)| *at <= now)
        .map(|(at, side, change, by)| PastMove {
            at,
            side,
            change,
            by_name: by.to_string(),
        })
        .collect();
    contacts.retain(|(at, _, _)| *at <= now);
    measures.retain(|(at, _, _)| *at <= now);
    (moves, contacts, measures)
}

/// Creates the link workers and loads the year of referrals, unless referrals are already
/// there. Returns how many were loaded.
pub async fn seed_referrals(store: &Store, config: PopulationConfig) -> Result<usize, DemoError> {
    if referrals::count(store).await? > 0 {
        return Ok(0);
    }
    let population = Population::new(config);
    let Some(cohort) = population::cohorts(store)
        .await?
        .into_iter()
        .find(|c| c.name == "Older people at risk of social isolation")
    else {
        return Ok(0);
    };
    let loneliness = crate::directory::uuid_of("need:loneliness");
    let services: Vec<(String, String)> = directory::services(
        store,
        &ServiceFilter {
            taxonomy_term_id: Some(loneliness.clone()),
            ..ServiceFilter::default()
        },
        PageRequest {
            page: 1,
            per_page: 200,
        },
    )
    .await?
    .items
    .into_iter()
    .filter(|s| s.partner_organisation_id.is_some() && s.status == "active")
    .map(|s| (s.id, s.partner_name.unwrap_or_default()))
    .collect();
    if services.is_empty() {
        return Ok(0);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let behaviours: Vec<Behaviour> = services
        .iter()
        .map(|_| Behaviour {
            reply_days: rng.gen_range(1..7),
            accepts: rng.gen_range(0.7..0.95),
        })
        .collect();
    let actor = Actor::system("demo");
    let mut networks: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for n in population::practice_networks(store).await? {
        let Some(practice) = organisations::find_by_code(store, &n.code).await? else {
            continue;
        };
        match networks.iter_mut().find(|(pcn, _)| *pcn == n.pcn) {
            Some((_, practices)) => practices.push((practice.id, n.code)),
            None => networks.push((n.pcn.clone(), vec![(practice.id, n.code)])),
        }
    }
    let now = Utc::now();
    let mut past = Vec::new();
    for (k, (pcn, practices)) in networks.iter().enumerate() {
        let (given, family) = LINK_WORKERS[k % LINK_WORKERS.len()];
        let worker = people::create_in_organisation(
            store,
            &actor,
            &practices[0].0,
            &PersonDraft {
                given_name: given.into(),
                family_name: family.into(),
                email: format!(
                    "{}.{}.{k}@link-workers.example.nhs.uk",
                    given.to_lowercase(),
                    family.to_lowercase()
                ),
                job_title: Some(format!("Social prescribing link worker, {pcn}")),
                phone: None,
            },
            "direct_care_clinician",
        )
        .await?;
        for (practice, _) in &practices[1..] {
            people::add_membership(
                store,
                &actor,
                practice,
                &MembershipDraft {
                    person_id: worker.clone(),
                    role: "direct_care_clinician".into(),
                },
            )
            .await?;
        }
        let worker_name = format!("{given} {family}");
        let list = worklists::list(&population, store, &cohort, practices)
            .await
            .map_err(failed)?;
        for practice in list.practices {
            for row in practice.rows {
                if rng.gen::<f64>() >= REFERRED_SHARE {
                    continue;
                }
                let which = rng.gen_range(0..services.len());
                let (service_id, partner) = &services[which];
                let made = now
                    - Duration::days(rng.gen_range(1..730))
                    - Duration::minutes(rng.gen_range(0..480));
                let staff = format!("{partner} volunteer coordinator");
                let (moves, contacts, measures) =
                    story(&mut rng, made, &behaviours[which], &staff, &worker_name);
                past.push(PastReferral {
                    practice_id: practice.practice_id.clone(),
                    referral: CareTeamReferral {
                        nhs_number: row.nhs_digits(),
                        service_id: service_id.clone(),
                        need: Some(loneliness.clone()),
                        reason: format!("Would like more company. {}", row.reasons.join("; ")),
                        contact: ContactDetails {
                            phone: Some("01632 960 000".into()),
                            email: None,
                            preference: ContactPreference::Phone,
                        },
                        priority: if rng.gen::<f64>() < 0.1 {
                            ReferralPriority::Urgent
                        } else {
                            ReferralPriority::Routine
                        },
                        draft: false,
                        cohort_id: Some(cohort.id.clone()),
                    },
                    referred_by: (Some(worker.clone()), worker_name.clone()),
                    made_at: made,
                    deprivation_decile: row.imd_decile,
                    moves,
                    contacts,
                    outcomes: measures,
                });
            }
        }
    }
    let loaded = referrals::load_history(store, &actor, &past).await?;
    // The referral measures in the catalogue (the social prescribing programme's benefit reads
    // one) computed from the history, as the server goes on doing every hour.
    concord_app::refer::measures::publish(store, &actor, &population.rule()).await?;
    Ok(loaded)
}
