//! The demo's strategy round: the Joint Forward Plan in its deciding stage, twelve service areas, and a
//! view from every partner, weighted the way such partners really lean (councils towards prevention
//! and social care, voluntary organisations towards isolation and mental health, trusts towards urgent
//! and planned care), with some noise, ties, and partial rankings from the smaller partners.

use concord_domain::consent::{ProposalDraft, ResponseDraft};
use concord_domain::strategy::{
    AreaDraft, AreaRank, ObjectiveDraft, PartnerViewDraft, PriorityDraft, RoundDraft,
};
use concord_domain::{BoardKind, OrgType};
use concord_store::boards::BoardMemberDraft;
use concord_store::{
    boards, consent, objectives, organisations, people, strategy, vision, Actor, Store, StoreError,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The service areas, in the order of the weights below.
const AREAS: [(&str, &str); 12] = [
    (
        "Urgent and emergency care",
        "A&E, ambulance handovers, same-day care and flow through hospital.",
    ),
    (
        "Elective recovery",
        "Waiting lists for planned operations, diagnostics and outpatients.",
    ),
    (
        "Musculoskeletal (MSK) services",
        "Back, joint and muscle problems: first-contact physiotherapy to surgery.",
    ),
    (
        "Frailty and ageing well",
        "Proactive care, falls prevention, virtual wards and social care for older people.",
    ),
    (
        "Mental health",
        "Adult mental health, crisis care and talking therapies.",
    ),
    (
        "Children and young people",
        "Health, wellbeing and mental health of under-25s.",
    ),
    (
        "Primary care access",
        "Getting a GP, pharmacy, dental or optometry appointment.",
    ),
    (
        "Social isolation and loneliness",
        "Reaching people who live alone or have lost contact, with VCSE partners.",
    ),
    (
        "Prevention and healthy lives",
        "Smoking, obesity, alcohol, blood pressure and the wider determinants of health.",
    ),
    (
        "End of life care",
        "Care and choice in the last year of life.",
    ),
    (
        "Learning disability and autism",
        "Annual health checks, community support and fewer admissions.",
    ),
    (
        "Workforce",
        "Recruiting, keeping and developing staff across health, care and the VCSE.",
    ),
];

/// How much each kind of partner leans towards each area (0–10), and what it says its aims are.
fn leaning(org_type: OrgType) -> ([i32; 12], &'static str) {
    match org_type {
        OrgType::Icb => ([9, 9, 6, 7, 6, 5, 8, 3, 5, 3, 3, 7], "Recover urgent and planned care within our means, and shift care closer to home."),
        OrgType::AcuteTrust => ([10, 10, 5, 6, 3, 4, 4, 1, 2, 3, 2, 8], "Cut waits and corridor care: every patient seen in the right place, first time."),
        OrgType::CommunityTrust => ([7, 4, 7, 10, 4, 5, 5, 5, 5, 7, 4, 8], "Keep older people well at home with joined-up community teams and virtual wards."),
        OrgType::MentalHealthTrust => ([6, 2, 2, 4, 10, 8, 3, 5, 5, 2, 8, 7], "Parity of esteem: crisis care that works and no one sent out of area."),
        OrgType::Pcn => ([5, 4, 8, 8, 6, 5, 10, 6, 6, 4, 4, 7], "Make it easy to get help from general practice and its neighbourhood partners."),
        OrgType::Council => ([3, 1, 3, 8, 6, 9, 2, 7, 10, 4, 7, 5], "Prevention first: healthy places, strong families and social care that lets people live independently."),
        OrgType::Vcse => ([1, 1, 2, 6, 8, 6, 3, 10, 8, 4, 5, 3], "No one left alone: community connection, mental wellbeing and support before crisis."),
        OrgType::Healthwatch => ([6, 6, 3, 5, 7, 5, 10, 5, 4, 4, 5, 3], "What residents tell us first: getting an appointment, and being listened to."),
        OrgType::Hospice => ([3, 1, 1, 8, 3, 2, 3, 6, 3, 10, 2, 5], "A good death for everyone, whatever their diagnosis or address."),
        _ => ([5; 12], "Better health and care for everyone we serve."),
    }
}

/// Ranks areas by a noisy score: rank 1 is the highest; equal scores share a rank (ties).
fn ranks_for(org_type: OrgType, rng: &mut ChaCha8Rng) -> Vec<u32> {
    let (weights, _) = leaning(org_type);
    let scores: Vec<i32> = weights
        .iter()
        .map(|w| w * 2 + rng.gen_range(-3..=3))
        .collect();
    scores
        .iter()
        .map(|s| 1 + scores.iter().filter(|o| *o > s).count() as u32)
        .collect()
}

/// Opens the round under the integrated care partnership and records every partner's view.
pub async fn seed_round(
    store: &Store,
    actor: &Actor,
    icb_id: &str,
    rng: &mut ChaCha8Rng,
) -> Result<(), StoreError> {
    let board = boards::list(store, Some(icb_id))
        .await?
        .into_iter()
        .find(|b| b.kind == BoardKind::IntegratedCarePartnership)
        .expect("the demo has an integrated care partnership");
    // Dates are relative to today, so the round is always under way: opened three months ago,
    // closing in two, with the partnership's proposal made a fortnight ago.
    let today = concord_domain::meeting::london_date(chrono::Utc::now());
    let iso = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let proposed_on = concord_domain::format::date(today - chrono::Duration::days(14));
    let draft = RoundDraft {
        title: "Joint Forward Plan 2027–2032".into(),
        stage: "consulting".into(),
        opens_on: iso(today - chrono::Duration::days(92)),
        closes_on: iso(today + chrono::Duration::days(60)),
        summary: Some(
            "Five years of shared priorities for Riverside, Vale and Northmoor: which service areas the partnership puts first, which it maintains, and which it will de-prioritise."
                .into(),
        ),
    };
    let round = strategy::create(store, actor, &board.id, &draft).await?;
    let mut area_ids = Vec::new();
    for (name, description) in AREAS {
        area_ids.push(
            strategy::add_area(
                store,
                actor,
                &round,
                &AreaDraft {
                    name: name.into(),
                    description: Some(description.into()),
                },
            )
            .await?,
        );
    }
    let all = organisations::list(
        store,
        &organisations::OrganisationSearch::default(),
        concord_store::PageRequest::new(Some(1), Some(200)),
    )
    .await?;
    for org in all
        .items
        .iter()
        .filter(|o| o.org_type != OrgType::GpPractice)
    {
        let ranks = ranks_for(org.org_type, rng);
        // Smaller partners give their top six only: a partial ranking.
        let partial = matches!(
            org.org_type,
            OrgType::Vcse | OrgType::Hospice | OrgType::Healthwatch
        );
        let view = PartnerViewDraft {
            ranks: area_ids
                .iter()
                .zip(&ranks)
                .filter(|(_, r)| !partial || **r <= 6)
                .map(|(area_id, rank)| AreaRank {
                    area_id: area_id.clone(),
                    rank: *rank,
                })
                .collect(),
            aims: leaning(org.org_type).1.into(),
        };
        strategy::set_view(store, actor, &round, &org.id, &view).await?;
    }
    // Views are in: the partnership board proposes priorities and objectives, and the round moves
    // to its deciding stage.
    for (index, (stance, rationale)) in PRIORITIES.iter().enumerate() {
        let priority = PriorityDraft {
            stance: (*stance).into(),
            rationale: (*rationale).into(),
            decision: format!("Proposed by the Integrated Care Partnership, {proposed_on}, item 5"),
        };
        objectives::set_priority(store, actor, &round, &area_ids[index], &priority).await?;
    }
    for (outcome, metric, unit, baseline, target, date, owner_code, areas) in OBJECTIVES {
        let owner = all
            .items
            .iter()
            .find(|o| o.code == owner_code)
            .map(|o| o.id.clone())
            .expect("a demo organisation");
        let draft = ObjectiveDraft {
            outcome: outcome.into(),
            metric: metric.into(),
            unit: unit.into(),
            baseline: baseline.into(),
            target: target.into(),
            target_date: date.into(),
            owner_organisation_id: owner,
            area_ids: areas.iter().map(|&i| area_ids[i].clone()).collect(),
        };
        objectives::add_objective(store, actor, &round, &draft).await?;
    }
    strategy::update(
        store,
        actor,
        &round,
        &RoundDraft {
            stage: "deciding".into(),
            ..draft
        },
    )
    .await?;
    seed_vision(store, actor, &round).await?;
    seed_proposal(store, actor, &round, &board.id).await
}

/// Two drafts of the vision, and partners' comments on the first.
async fn seed_vision(store: &Store, actor: &Actor, round: &str) -> Result<(), StoreError> {
    let first = "By 2032, people in Riverside, Vale and Northmoor live longer, healthier lives. Care is organised around neighbourhoods, \
older people are supported to stay well at home, and no one waits too long for help.";
    vision::save(store, actor, round, first).await?;
    let comments = [
        ("Vale County Council", "Please say prevention outright: the councils' public health work is the only way to bend demand."),
        ("Age UK Riverside", "Loneliness is missing. Many of the older people we see are isolated long before they are frail."),
    ];
    for (organisation, text) in comments {
        // Each comment comes from the organisation's first listed person, acting in that organisation.
        let search = organisations::OrganisationSearch {
            q: Some(organisation.into()),
            ..Default::default()
        };
        let Some(org) = organisations::list(store, &search, concord_store::PageRequest::default())
            .await?
            .items
            .into_iter()
            .next()
        else {
            continue;
        };
        let Some(member) = people::memberships_of_organisation(store, &org.id)
            .await?
            .into_iter()
            .next()
        else {
            continue;
        };
        let Some(principal) = people::principal(store, &member.person_id).await? else {
            continue;
        };
        let grant = principal
            .grants
            .iter()
            .find(|g| g.organisation_id == org.id)
            .cloned();
        vision::comment(
            store,
            &Actor::person(&principal, grant.as_ref()),
            round,
            1,
            text,
        )
        .await?;
    }
    let second = "By 2032, people in Riverside, Vale and Northmoor live longer, healthier and more connected lives. We prevent illness \
before it starts, care is organised around neighbourhoods with voluntary partners, older people are supported to stay well and \
connected at home, and no one waits too long for help.";
    vision::save(store, actor, round, second).await?;
    Ok(())
}

/// Puts the plan to the partnership for consent, open for another 60 days, with the first responses in.
async fn seed_proposal(
    store: &Store,
    actor: &Actor,
    round: &str,
    board_id: &str,
) -> Result<(), StoreError> {
    let closes_on = (chrono::Utc::now() + chrono::Duration::days(60))
        .format("%Y-%m-%d")
        .to_string();
    let draft = ProposalDraft {
        title: "Adopt the Joint Forward Plan 2027–2032 priorities and objectives".into(),
        text: "The Integrated Care Partnership adopts the four priorities (frailty and ageing well, primary care access, social isolation and loneliness, prevention and healthy lives), the two areas to de-prioritise (MSK redesign and end of life care), and the five objectives as set out in this round, and asks each partner to reflect them in its own plans.".into(),
        closes_on,
        quorum: "8".into(),
    };
    let proposal = consent::create(store, actor, round, &draft).await?;
    // Riverside City Council's chief executive (the `otherlead` sign-in) sits on the partnership.
    let helen = people::find_by_email(store, "helen.carter@riversidecity.gov.uk").await?;
    if let Some(helen) = &helen {
        if !boards::members(store, board_id)
            .await?
            .iter()
            .any(|m| m.person_id == helen.id)
        {
            let seat = BoardMemberDraft {
                person_id: helen.id.clone(),
                board_role: "member".into(),
            };
            boards::set_member(store, actor, board_id, &seat).await?;
        }
    }
    let answers = [
        ("consent", ""),
        ("consent", ""),
        (
            "concern",
            "Prevention money must be protected when NHS budgets are tight.",
        ),
        ("consent", ""),
        ("abstain", ""),
    ];
    // Her council's response is left for her to give.
    let mut answered = std::collections::HashSet::new();
    if let Some(helen) = &helen {
        for m in people::memberships_of_person(store, &helen.id).await? {
            answered.insert(m.organisation_id);
        }
    }
    let mut given = 0;
    for member in boards::members(store, board_id).await? {
        if given == answers.len() {
            break;
        }
        if helen.as_ref().is_some_and(|h| h.id == member.person_id) {
            continue; // left for the demo's sign-in to answer
        }
        let Some(m) = people::memberships_of_person(store, &member.person_id)
            .await?
            .into_iter()
            .next()
        else {
            continue;
        };
        if !answered.insert(m.organisation_id.clone()) {
            continue;
        }
        let (kind, text) = answers[given];
        let response = ResponseDraft {
            kind: kind.into(),
            text: text.into(),
        };
        consent::respond(
            store,
            actor,
            &proposal,
            &m.organisation_id,
            &member.person_id,
            &response,
        )
        .await?;
        given += 1;
    }
    Ok(())
}

/// The proposed decision on each area, in the order of [`AREAS`].
const PRIORITIES: [(&str, &str); 12] = [
    ("maintain", "Hold the four-hour standard and handover times while community alternatives grow."),
    ("maintain", "Keep to the national recovery plan; no extra local investment beyond it."),
    ("deprioritise", "First-contact physiotherapy is now in every PCN; further MSK redesign waits until 2029."),
    ("prioritise", "The ageing population is the system's biggest pressure, and every partner ranked it highly."),
    ("maintain", "Deliver the national mental health investment standard in full."),
    ("maintain", "Councils lead through family hubs; the NHS keeps waiting times for children's mental health in view."),
    ("prioritise", "Residents' first concern, and the front door to everything else."),
    ("prioritise", "Voluntary partners' top priority and a driver of frailty and mental ill-health; cheap to act on together."),
    ("prioritise", "Councils' top priority; the only way to bend demand over five years."),
    ("deprioritise", "The hospice partnership is funded to 2028 and meets its standards; no new system programme."),
    ("maintain", "Keep annual health checks above 75% and admissions falling."),
    ("maintain", "A joint workforce plan continues under the People Board."),
];

/// An objective: outcome, metric, unit, baseline, target, date, owner's code, area indexes.
type ObjectiveSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [usize],
);

/// The proposed objectives.
const OBJECTIVES: [ObjectiveSpec; 7] = [
    (
        "Fewer older people admitted to hospital after a fall",
        "Emergency admissions for falls, people aged 65+",
        "per 100,000",
        "2150",
        "1850",
        "2029-03-31",
        "RVC",
        &[3],
    ),
    (
        "Everyone who needs a same-day GP appointment gets one",
        "Same-day requests met the same day",
        "%",
        "81.5",
        "92",
        "2028-03-31",
        "QRV",
        &[6],
    ),
    (
        "Fewer older people lonely",
        "Adults 65+ who feel lonely often or always (residents' survey)",
        "%",
        "9.8",
        "7.5",
        "2030-03-31",
        "E06000901",
        &[7, 3],
    ),
    (
        "Fewer adults smoking",
        "Smoking prevalence in adults 18+ (Annual Population Survey)",
        "%",
        "13.1",
        "9",
        "2030-12-31",
        "E10000901",
        &[8],
    ),
    (
        "Fewer people stuck in hospital when well enough to leave",
        "Patients with no criteria to reside, daily average",
        "patients",
        "212",
        "140",
        "2028-03-31",
        "RRV",
        &[0, 3],
    ),
    (
        "Shorter waits for MSK care",
        "Median wait from referral to first MSK appointment",
        "weeks",
        "14",
        "4",
        "2028-03-31",
        "RVC",
        &[2],
    ),
    (
        "Children and young people get mental health support sooner",
        "Children and young people seen within 4 weeks of referral",
        "%",
        "54",
        "80",
        "2028-03-31",
        "RVM",
        &[4, 5],
    ),
];
