//! The demo's consultation on the Joint Forward Plan: about 1,500 responses across the three
//! places, online and gathered on paper and at events, with who responded skewed as real
//! consultations are (older people and the least deprived areas over-heard, young adults and the
//! most deprived under-heard); eight themes read by an analyst, with a second analyst
//! double-reading the first 200 answers; and "you said, we did" answers for six of the eight
//! themes, linked to the round's priorities and a programme — two still to answer, so the
//! consultation cannot be closed yet.

use crate::DemoError;
use concord_domain::consultation::response::{AgeBand, Answer, Sex, ValidResponse};
use concord_domain::consultation::{
    Channel, ConsultationDraft, ConsultationStatus, QuestionDraft, ThemeDraft, WeDidDraft,
};
use concord_domain::ethnicity::EthnicGroup;
use concord_store::consultations::{self as store, Incoming};
use concord_store::{places, programmes, strategy, Actor, Store};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// How many responses the demo's consultation has.
pub const RESPONSES: usize = 1_500;

/// The themes, each with what people wrote about it.
const THEMES: [(&str, &str, [&str; 3]); 8] = [
    (
        "GP access",
        "Getting through to and seeing a GP or the practice team",
        [
            "I can never get through to my GP at 8am",
            "It takes three weeks to see a doctor I know",
            "The practice phone line is always engaged",
        ],
    ),
    (
        "Mental health support",
        "Waits for and access to mental health care, for adults and young people",
        [
            "My son waited a year for CAMHS",
            "There is nothing between the GP and a crisis team",
            "Talking therapies took months to start",
        ],
    ),
    (
        "Hospital waiting times",
        "Waits for planned operations, outpatients and A&E",
        [
            "Twenty months waiting for a hip",
            "Eight hours in A&E with my mum",
            "Outpatient letters keep being cancelled",
        ],
    ),
    (
        "Care at home",
        "Home care, carers and help to leave hospital",
        [
            "Dad was stuck in hospital waiting for carers",
            "Carers come at different times every day",
            "Nobody supports me as an unpaid carer",
        ],
    ),
    (
        "Transport to appointments",
        "Getting to appointments: buses, parking, distance",
        [
            "The bus to the hospital takes two changes",
            "Parking at the hospital costs too much",
            "Clinics moved too far from the villages",
        ],
    ),
    (
        "Joined-up records",
        "Services sharing information so people tell their story once",
        [
            "I had to repeat my history four times",
            "The hospital did not know what my GP prescribed",
            "Nobody talks to each other",
        ],
    ),
    (
        "Dentistry",
        "Finding an NHS dentist",
        [
            "No NHS dentist is taking patients",
            "I pay privately because there is no choice",
            "My children have never seen a dentist",
        ],
    ),
    (
        "Cost of living",
        "Money, housing and food affecting health",
        [
            "Heating or eating: my asthma is worse",
            "Damp housing makes my children ill",
            "I cannot afford the prescriptions",
        ],
    ),
];

/// Ages as respondents gave them: older people over-heard, young adults under-heard.
const AGE_WEIGHTS: [(AgeBand, u32); 7] = [
    (AgeBand::From16To24, 3),
    (AgeBand::From25To34, 9),
    (AgeBand::From35To44, 13),
    (AgeBand::From45To54, 16),
    (AgeBand::From55To64, 20),
    (AgeBand::From65To74, 22),
    (AgeBand::From75, 17),
];

fn weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.gen_range(0..total);
    for (item, weight) in items {
        if pick < *weight {
            return *item;
        }
        pick -= weight;
    }
    items[0].0
}

/// Loads the consultation unless the demo has one. Returns how many responses it loaded.
pub async fn seed_consultation(store: &Store) -> Result<usize, DemoError> {
    if !store::list(store).await?.is_empty() {
        return Ok(0);
    }
    let loaded = load_joint_forward_plan(store, RESPONSES).await?;
    Ok(loaded.map_or(0, |(_, n)| n))
}

/// The Joint Forward Plan consultation with `responses` responses, themed and partly answered,
/// and a programme's consultation open now. Returns the first's id and how many responses it has
/// (none when the demo has no Joint Forward Plan round). The benchmark loads 100,000 this way.
pub async fn load_joint_forward_plan(
    store: &Store,
    responses: usize,
) -> Result<Option<(String, usize)>, DemoError> {
    let failed =
        |e: concord_store::StoreError| DemoError::Population(format!("the consultation: {e}"));
    let admin = crate::directory::system_principal(store).await?;
    let actor = Actor::person(&admin, None);
    let Some(round) = strategy::list(store)
        .await?
        .into_iter()
        .find(|r| r.title.starts_with("Joint Forward Plan"))
    else {
        return Ok(None);
    };
    let icb = concord_store::organisations::find_by_code(store, crate::ICB_CODE)
        .await?
        .ok_or_else(|| DemoError::Population("the demo's ICB is missing".into()))?;
    let draft = ConsultationDraft {
        title: "Our Joint Forward Plan: what matters to you".into(),
        purpose: "The health and care partners of Riverside and Vale are choosing their priorities for the next five years. Tell us what would make the biggest difference to you, and what should come first.".into(),
        audience: "Everyone who lives or works in Riverside and Vale".into(),
        owner_organisation_id: icb.id.clone(),
        subject_kind: "round".into(),
        subject_id: round.id.clone(),
        opens_on: "2026-09-01".into(),
        closes_on: "2026-10-31".into(),
    };
    let valid = draft
        .validate()
        .map_err(|e| DemoError::Population(format!("the consultation: {e:?}")))?;
    let id = store::create(store, &actor, &draft, &valid)
        .await
        .map_err(failed)?;
    let areas: Vec<String> = strategy::areas(store, &round.id)
        .await?
        .into_iter()
        .map(|a| a.name)
        .take(5)
        .collect();
    let questions = [
        QuestionDraft {
            kind: "free_text".into(),
            prompt: "What one thing would most improve health and care for you or your family?"
                .into(),
            hint: "In your own words. Please do not include names or contact details.".into(),
            ..Default::default()
        },
        QuestionDraft {
            kind: "ranking".into(),
            prompt: "Put these areas in the order you would give them priority".into(),
            options: areas.join("\n"),
            ..Default::default()
        },
        QuestionDraft {
            kind: "rating".into(),
            prompt: "How well do health and care services in your area work together?".into(),
            ..Default::default()
        },
        QuestionDraft {
            kind: "single_choice".into(),
            prompt: "Have you used your GP practice in the last 12 months?".into(),
            options: "Yes\nNo\nNot sure".into(),
            ..Default::default()
        },
    ];
    let mut checked = Vec::new();
    for q in &questions {
        let question = q
            .validate(&concord_store::new_id())
            .map_err(|e| DemoError::Population(format!("a question: {e:?}")))?;
        store::add_question(store, &actor, &id, &question)
            .await
            .map_err(failed)?;
        checked.push(question);
    }
    store::move_to(store, &actor, &id, ConsultationStatus::Open)
        .await
        .map_err(failed)?;

    let place_ids: Vec<(String, u32)> = places::list(store)
        .await?
        .into_iter()
        .filter(|p| p.kind == concord_domain::PlaceKind::Place)
        .zip([50u32, 30, 20])
        .map(|(p, w)| (p.id, w))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(2027);
    let count = responses;
    let mut responses = Vec::with_capacity(count);
    let mut raised = Vec::with_capacity(count);
    for n in 0..count {
        // One or two themes per person, GP access and waits the most common.
        let first = weighted(
            &mut rng,
            &[
                (0usize, 30),
                (1, 14),
                (2, 18),
                (3, 10),
                (4, 7),
                (5, 8),
                (6, 8),
                (7, 5),
            ],
        );
        let second = rng
            .gen_bool(0.4)
            .then(|| rng.gen_range(0..THEMES.len()))
            .filter(|s| *s != first);
        let text = std::iter::once(first)
            .chain(second)
            .map(|t| THEMES[t].2[rng.gen_range(0..3)])
            .collect::<Vec<_>>()
            .join(". ");
        raised.push((first, second));
        let mut order = areas.clone();
        for i in (1..order.len()).rev() {
            let j = rng.gen_range(0..=i);
            order.swap(i, j);
        }
        let mut answers = vec![(checked[0].id.clone(), Answer::Text(text))];
        if rng.gen_bool(0.8) {
            answers.push((checked[1].id.clone(), Answer::List(order)));
        }
        if rng.gen_bool(0.9) {
            answers.push((
                checked[2].id.clone(),
                Answer::Rating(weighted(
                    &mut rng,
                    &[(1u8, 14), (2, 27), (3, 31), (4, 20), (5, 8)],
                )),
            ));
        }
        answers.push((
            checked[3].id.clone(),
            Answer::Text(
                weighted(&mut rng, &[("Yes", 82), ("No", 14), ("Not sure", 4)]).to_string(),
            ),
        ));
        let said = |rng: &mut ChaCha8Rng, p: f64| rng.gen_bool(p);
        let response = ValidResponse {
            answers,
            place_id: said(&mut rng, 0.92).then(|| {
                weighted(
                    &mut rng,
                    &place_ids
                        .iter()
                        .map(|(id, w)| (id.as_str(), *w))
                        .collect::<Vec<_>>(),
                )
                .to_string()
            }),
            age_band: said(&mut rng, 0.9).then(|| weighted(&mut rng, &AGE_WEIGHTS)),
            sex: said(&mut rng, 0.9)
                .then(|| weighted(&mut rng, &[(Sex::Female, 61), (Sex::Male, 39)])),
            ethnic_group: said(&mut rng, 0.85).then(|| {
                weighted(
                    &mut rng,
                    &[
                        (EthnicGroup::White, 88),
                        (EthnicGroup::Asian, 6),
                        (EthnicGroup::Black, 2),
                        (EthnicGroup::Mixed, 2),
                        (EthnicGroup::Other, 2),
                    ],
                )
            }),
            postcode: None,
            channel: weighted(
                &mut rng,
                &[
                    (Channel::Online, 78),
                    (Channel::Paper, 12),
                    (Channel::Event, 8),
                    (Channel::Phone, 2),
                ],
            ),
        };
        // The least deprived areas answer most: decile d is chosen with weight d.
        let decile = said(&mut rng, 0.7).then(|| {
            weighted(
                &mut rng,
                &(1u8..=10).map(|d| (d, u32::from(d))).collect::<Vec<_>>(),
            )
        });
        let day = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).expect("a date")
            + chrono::Duration::days((n as i64 * 61) / count as i64);
        responses.push((response, decile, format!("{day}T12:00:00Z")));
    }
    let batch: Vec<Incoming<'_>> = responses
        .iter()
        .map(|(response, decile, at)| Incoming {
            response,
            deprivation_decile: *decile,
            received_at: at.clone(),
        })
        .collect();
    store::add_responses(store, &actor, &id, &admin.person_id, &batch)
        .await
        .map_err(failed)?;

    // The codebook, and the analyst's reading of every answer; the administrator double-reads
    // the first 200, agreeing on about nine in ten decisions.
    let mut theme_ids = Vec::new();
    for (label, description, _) in THEMES {
        theme_ids.push(
            store::add_theme(
                store,
                &actor,
                &id,
                &ThemeDraft {
                    label: label.into(),
                    description: description.into(),
                },
            )
            .await
            .map_err(failed)?,
        );
    }
    let kept = store::respondents(store, &id).await?;
    let free = checked[0].id.clone();
    let analyst = concord_store::people::find_by_email(
        store,
        crate::data::ACCOUNTS
            .iter()
            .find(|a| a.username == "analyst")
            .expect("an analyst")
            .email,
    )
    .await?
    .ok_or_else(|| DemoError::Population("the demo's analyst is missing".into()))?;
    let mut primary = Vec::new();
    let mut second = Vec::new();
    for (i, respondent) in kept.iter().enumerate() {
        let (first, also) = raised[i];
        let themes: Vec<String> = std::iter::once(first)
            .chain(also)
            .map(|t| theme_ids[t].clone())
            .collect();
        if i < 200 {
            let mut theirs = themes.clone();
            // About one decision in ten differs: a theme missed, or another added.
            if rng.gen_bool(0.12) {
                if theirs.len() > 1 || rng.gen_bool(0.5) {
                    theirs.pop();
                } else {
                    theirs.push(theme_ids[rng.gen_range(0..theme_ids.len())].clone());
                    theirs.dedup();
                }
            }
            second.push((respondent.response_id.clone(), free.clone(), theirs));
        }
        primary.push((respondent.response_id.clone(), free.clone(), themes));
    }
    store::tag_many(store, &actor, &id, &analyst.id, &primary)
        .await
        .map_err(failed)?;
    store::tag_many(store, &actor, &id, &admin.person_id, &second)
        .await
        .map_err(failed)?;

    // "You said, we did" for six themes: four linked to the round's priorities, one to a
    // programme, one not acted on with its reason. Two wait for their answer.
    let priorities = store::round_priorities(store, &round.id).await?;
    let area_for = |needle: &str| {
        priorities
            .iter()
            .find(|(_, label)| label.to_lowercase().starts_with(needle))
            .map(|(id, _)| ("priority", id.clone()))
    };
    let programme = programmes::list(store).await?.into_iter().next();
    /// A theme's answer: the theme's index, what was done, and what it links to.
    type WeDid<'a> = (usize, String, Option<(&'a str, String)>);
    let answers: Vec<WeDid<'_>> = vec![
        (0, "Primary care access is a priority of the Joint Forward Plan, with same-week appointments as its measure.".into(), area_for("primary care")),
        (1, "Mental health stays in the plan: the partners will meet the national investment standard in full.".into(), area_for("mental health")),
        (2, "Elective recovery stays in the plan, following the national recovery plan for waits.".into(), area_for("elective")),
        (3, "Frailty and ageing well is a priority: more care at home, and help to leave hospital sooner.".into(), area_for("frailty")),
        (5, format!("Sharing records between services is part of the {} programme.", programme.as_ref().map_or("digital", |p| p.name.as_str())), programme.as_ref().map(|p| ("programme", p.id.clone()))),
        (4, "Bus routes and hospital parking are not the partnership's to decide: we have passed every comment to the councils' transport teams.".into(), None),
    ];
    for (theme, we_did, link) in answers {
        let draft = match link {
            Some((kind, id)) => WeDidDraft {
                outcome: "acted".into(),
                we_did,
                link_kind: kind.into(),
                link_id: id,
            },
            None if theme == 4 => WeDidDraft {
                outcome: "not_acted".into(),
                we_did,
                ..Default::default()
            },
            // The round has no such priority: the theme waits for its answer.
            None => continue,
        };
        let valid = draft
            .validate()
            .map_err(|e| DemoError::Population(format!("a theme's answer: {e:?}")))?;
        store::answer_theme(store, &actor, &id, &theme_ids[theme], &draft.we_did, &valid)
            .await
            .map_err(failed)?;
    }
    open_now(store, &actor, &icb.id).await.map_err(failed)?;
    Ok(Some((id, kept.len())))
}

/// A second consultation, open from a fortnight ago for four weeks more, for a programme: the
/// one a visitor to the demo can answer.
async fn open_now(
    store: &Store,
    actor: &Actor,
    owner: &str,
) -> Result<(), concord_store::StoreError> {
    let Some(programme) = programmes::list(store).await?.into_iter().next() else {
        return Ok(());
    };
    let today = concord_domain::format::uk_date(chrono::Utc::now());
    let draft = ConsultationDraft {
        title: format!("{}: tell us what works for you", programme.name),
        purpose: "Before the programme's next stage, we want to know how people get help on the day they need it, and what would make it easier.".into(),
        audience: "Anyone who has needed care on the same day in the last year".into(),
        owner_organisation_id: owner.into(),
        subject_kind: "programme".into(),
        subject_id: programme.id,
        opens_on: (today - chrono::Duration::days(14)).to_string(),
        closes_on: (today + chrono::Duration::days(28)).to_string(),
    };
    let valid = draft
        .validate()
        .map_err(concord_store::StoreError::Invalid)?;
    let id = store::create(store, actor, &draft, &valid).await?;
    for q in [
        QuestionDraft { kind: "multiple_choice".into(), prompt: "How did you get help the last time you needed it on the day?".into(), hint: "Choose all that apply.".into(), options: "Phoned my GP practice\nUsed the NHS App or website\nCalled NHS 111\nWent to a pharmacy\nWent to A&E".into(), ..Default::default() },
        QuestionDraft { kind: "rating".into(), prompt: "How easy was it to get that help?".into(), ..Default::default() },
        QuestionDraft { kind: "ranking".into(), prompt: "What matters most when you need help on the day?".into(), options: "Being seen quickly\nSeeing someone who knows me\nBeing seen close to home".into(), ..Default::default() },
        QuestionDraft { kind: "free_text".into(), prompt: "What would have made it easier?".into(), hint: "Please do not include names or contact details.".into(), ..Default::default() },
    ] {
        let question = q.validate(&concord_store::new_id()).map_err(concord_store::StoreError::Invalid)?;
        store::add_question(store, actor, &id, &question).await?;
    }
    store::move_to(store, actor, &id, ConsultationStatus::Open).await
}
