//! The demo's delivery: six integration programmes with twelve months of monthly status reports,
//! projects, milestones that slipped or held, risks reviewed over time (one escalated to the ICB
//! board), issues, dependencies, benefits with readings and who gains or pays, board meetings with
//! decisions and actions, and a frontline PDSA project with a run chart.
//!
//! Dates are relative to today, so the history is always the last twelve months and overdue
//! actions are really overdue.

mod board_year;
mod pdsa;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use concord_domain::meeting::london_date;
use concord_domain::programme::{
    BenefitDraft, BenefitImpactDraft, MeasurementDraft, MilestoneDraft, ProgrammeDraft,
    ProjectDraft, StatusUpdateDraft,
};
use concord_domain::raid::{
    DependencyDraft, EscalationDraft, RaidItemDraft, RiskDraft, RiskReviewDraft,
};
use concord_store::raid::RaidTable;
use concord_store::{
    boards, delivery, lookups, meetings, objectives, people, programmes, raid, strategy, Actor,
    Store, StoreError,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A risk: title, mitigations, (likelihood, impact) at each review oldest first, confidential?
type RiskSpec = (&'static str, &'static str, &'static [(u8, u8)], bool);

/// Who a benefit touches: (organisation name, effect code, note).
type ImpactSpec = (&'static str, &'static str, &'static str);

/// A benefit: title, metric, unit, direction, baseline, target, impacts.
type BenefitSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    f64,
    &'static [ImpactSpec],
);

/// One demo programme.
struct Spec {
    name: &'static str,
    summary: &'static str,
    /// Lead organisation's name.
    lead: &'static str,
    /// Governing board's name.
    board: &'static str,
    /// Place name, or none for the whole system.
    place: Option<&'static str>,
    /// Start of the outcome of each objective served.
    serves: &'static [&'static str],
    partners: &'static [&'static str],
    /// The manager's e-mail, or none for the board's third member.
    manager: Option<&'static str>,
    /// One letter per month, oldest first: G, A or R.
    rags: &'static str,
    projects: &'static [(&'static str, &'static str)],
    /// (title, months from start of history to baseline, days slipped, done?).
    milestones: &'static [(&'static str, i64, i64, bool)],
    /// (title, mitigations, scores at each review oldest first as (l, i), confidential?).
    risks: &'static [RiskSpec],
    /// (title, metric, unit, direction, baseline, target, impacts (org name, effect, note)).
    benefit: BenefitSpec,
    issue: &'static str,
}

const RIVERSIDE_UH: &str = "Riverside University Hospitals NHS Foundation Trust";
const COMMUNITY: &str = "Vale and Northmoor Community Health NHS Trust";
const MENTAL_HEALTH: &str = "Riverside and Vale Mental Health NHS Foundation Trust";
const ICB: &str = "NHS Riverside and Vale Integrated Care Board";
const CITY: &str = "Riverside City Council";
const VALE: &str = "Vale County Council";

const SPECS: [Spec; 6] = [
    Spec {
        name: "MSK first-contact physiotherapy",
        summary: "First-contact physiotherapists in every primary care network, so people with back, joint and muscle problems see a physiotherapist first, freeing GP appointments and cutting referrals to orthopaedics.",
        lead: COMMUNITY,
        board: "Musculoskeletal Transformation Programme Board",
        place: None,
        serves: &["Shorter waits for MSK care"],
        partners: &[RIVERSIDE_UH, ICB, "Riverside and Vale Sports Partnership"],
        manager: Some("priya.shah@nhs.net"),
        rags: "AAARRAAAGGGA",
        projects: &[("Recruit 24 FCP posts", "Rotational posts shared with the acute trust"), ("Self-referral route", "Online and phone self-referral for adults")],
        milestones: &[("First 8 PCNs live", 1, 0, true), ("All 20 PCNs live", 5, 62, true), ("Self-referral open system-wide", 9, 21, false), ("Evaluation to ICB board", 13, 0, false)],
        risks: &[
            ("If physiotherapist vacancies persist, then PCNs cannot offer FCP sessions", "Rotational posts with the acute trust; apprenticeships", &[(4, 4), (5, 4), (4, 4), (3, 4)], false),
            ("If orthopaedic referral criteria are not aligned, then FCPs refer on as before", "Joint pathway agreed by clinical leads", &[(3, 3), (3, 3), (2, 3)], false),
            ("If the ARRS funding rules change, then PCNs may not sustain the posts", "Contingency in the ICB's 2027/28 plan", &[(2, 5), (3, 5)], true),
        ],
        benefit: ("Fewer GP appointments for MSK problems", "GP appointments coded MSK, per week", "appointments", "decrease", 1840.0, 1380.0, &[("Riverside North PCN", "demand_falls", "about 40 fewer GP appointments a week per PCN"), (COMMUNITY, "cost_rises", "employs the FCPs; funded through ARRS"), (RIVERSIDE_UH, "demand_falls", "fewer routine orthopaedic referrals")]),
        issue: "Two PCNs lack clinic rooms for FCP sessions",
    },
    Spec {
        name: "Social isolation and social prescribing",
        summary: "Voluntary-sector link workers in GP practices help older people at risk of social isolation into befriending, groups and transport, with the practice and council sharing a list of who to reach.",
        lead: CITY,
        board: "Social Isolation and Community Connection Board",
        place: Some("Riverside"),
        serves: &["Fewer older people lonely"],
        partners: &["Age UK Riverside", "Saltcliffe Befriending Service", ICB],
        manager: None,
        rags: "GGAAAAGGGGGG",
        projects: &[("Link workers in 12 practices", "Age UK Riverside employs, practices host"), ("Community transport pilot", "Door-to-door transport to groups")],
        milestones: &[("Link workers recruited", 1, 14, true), ("Shared outreach list live", 4, 30, true), ("Transport pilot evaluated", 10, 0, false)],
        risks: &[
            ("If VCSE grant funding ends in March, then link worker posts lapse", "Three-year section 75 agreement proposed", &[(4, 4), (4, 4), (3, 4)], false),
            ("If consent for the outreach list is unclear, then practices will not share it", "Information governance agreed with the Caldicott Guardians", &[(3, 3), (2, 3)], false),
        ],
        benefit: ("Fewer frequent GP attenders who are lonely", "Patients 65+ with 12+ GP contacts a year and a loneliness code", "patients", "decrease", 1240.0, 990.0, &[("Riverside North PCN", "demand_falls", "fewer repeat appointments"), ("Age UK Riverside", "demand_rises", "more referrals to befriending"), (CITY, "cost_rises", "funds the link workers")]),
        issue: "Waiting list for befriending has grown to 11 weeks",
    },
    Spec {
        name: "Frailty virtual ward",
        summary: "Hospital-level care at home for people living with frailty, led by community geriatricians and nurses, to avoid admissions and bring people home sooner.",
        lead: COMMUNITY,
        board: "Frailty and Ageing Well Programme Board",
        place: None,
        serves: &["Fewer older people admitted to hospital after a fall"],
        partners: &[RIVERSIDE_UH, "Age UK Vale and Northmoor", VALE],
        manager: None,
        rags: "GGGAAARRRAAA",
        projects: &[("Step-up pathway from GPs and 999", "Ambulance crews refer directly"), ("Remote monitoring", "Wearables and daily observations")],
        milestones: &[("40 virtual beds open", 0, 0, true), ("80 virtual beds open", 6, 75, false), ("Ambulance direct referral", 8, 40, false)],
        risks: &[
            ("If occupancy stays below 70%, then the ward will not be funded beyond March", "Step-up referrals from ambulance crews", &[(3, 4), (4, 4), (5, 4), (4, 4)], false),
            ("If geriatrician cover is thin at weekends, then patients are readmitted", "Shared rota with the acute trust", &[(3, 4), (3, 4)], false),
        ],
        benefit: ("Fewer emergency admissions of frail older people", "Emergency admissions, people 75+ with moderate or severe frailty, per month", "admissions", "decrease", 610.0, 520.0, &[(RIVERSIDE_UH, "capacity_gains", "about 25 beds a day freed"), (COMMUNITY, "cost_rises", "staffs the virtual ward"), (VALE, "demand_rises", "more home care packages")]),
        issue: "Remote monitoring kit delivery delayed by supplier",
    },
    Spec {
        name: "Discharge to assess",
        summary: "People well enough to leave hospital go home (or to a short-term bed) the same day and have their long-term needs assessed there, not on a ward.",
        lead: RIVERSIDE_UH,
        board: "NHS Riverside and Vale ICB Board",
        place: None,
        serves: &["Fewer people stuck in hospital when well enough to leave"],
        partners: &[CITY, VALE, COMMUNITY],
        manager: None,
        rags: "RRRRAAAAAAGA",
        projects: &[("Single discharge hub", "Hospital, councils and community teams in one room"), ("Pathway 1 home care capacity", "Bridging care while packages start")],
        milestones: &[("Discharge hub open", 0, 28, true), ("Trusted assessor in place", 4, 45, true), ("Pathway 1 within 48 hours", 10, 0, false)],
        risks: &[
            ("If home care providers cannot recruit, then Pathway 1 waits grow", "Council framework uplift; bridging service", &[(5, 4), (5, 4), (4, 4), (4, 5)], false),
            ("If the Better Care Fund allocation falls, then short-term beds close", "Pooled budget review with councils", &[(3, 5), (4, 5)], true),
        ],
        benefit: ("Fewer patients with no criteria to reside", "Patients with no criteria to reside, daily average", "patients", "decrease", 212.0, 140.0, &[(RIVERSIDE_UH, "capacity_gains", "beds released for emergency admissions"), (CITY, "cost_rises", "more home care and assessment"), (VALE, "cost_rises", "more short-term beds")]),
        issue: "Weekend discharges remain a third of weekday levels",
    },
    Spec {
        name: "Children's mental health in schools",
        summary: "Mental health support teams in schools and a single front door, so children and young people get help within four weeks.",
        lead: MENTAL_HEALTH,
        board: "Riverside and Vale Integrated Care Partnership",
        place: None,
        serves: &["Children and young people get mental health support sooner"],
        partners: &[CITY, VALE, "Northmoor Borough Council"],
        manager: None,
        rags: "AAAAAAAAGGGG",
        projects: &[("Mental health support teams", "Six teams covering 120 schools"), ("Single front door", "One referral route for schools, GPs and families")],
        milestones: &[("Four teams in schools", 2, 30, true), ("Single front door live", 6, 0, true), ("Six teams in schools", 11, 10, false)],
        risks: &[("If trainee practitioners leave after qualifying, then teams shrink", "Retention payments and career pathway", &[(3, 3), (4, 3), (3, 3)], false)],
        benefit: ("More children seen within four weeks", "Children and young people seen within 4 weeks of referral", "%", "increase", 54.0, 80.0, &[(MENTAL_HEALTH, "demand_falls", "fewer specialist CAMHS referrals"), (CITY, "cost_rises", "hosts school liaison staff")]),
        issue: "Two secondary schools have not signed up",
    },
    Spec {
        name: "Integrated neighbourhood teams",
        summary: "GP practices, community nurses, social workers and the voluntary sector working as one team for each neighbourhood, starting with people with complex needs.",
        lead: VALE,
        board: "Vale Place Partnership Board",
        place: Some("Vale"),
        serves: &["Everyone who needs a same-day GP appointment gets one", "Fewer older people admitted to hospital after a fall"],
        partners: &[COMMUNITY, ICB, "Upper Vale Good Neighbours"],
        manager: None,
        rags: "GGGGGAAAAAAA",
        projects: &[("Neighbourhood huddles", "Weekly multidisciplinary huddle per neighbourhood"), ("Shared care record access", "Social workers see the GP record")],
        milestones: &[("Huddles in 2 neighbourhoods", 1, 0, true), ("Huddles in all Vale neighbourhoods", 7, 35, false), ("Shared record access", 9, 60, false)],
        risks: &[("If social care and health IT cannot share records, then huddles work from memory", "Interim read-only access", &[(3, 3), (4, 3), (4, 4)], false)],
        benefit: ("Same-day requests met the same day", "Same-day requests met the same day (Vale practices)", "%", "increase", 80.0, 92.0, &[("Vale Market Towns PCN", "capacity_gains", "fewer repeat contacts"), (COMMUNITY, "cost_rises", "nurse time in huddles"), (VALE, "cost_falls", "fewer crisis care packages")]),
        issue: "Huddle attendance by social workers is patchy",
    },
];

fn month_end(today: NaiveDate, months_back: i64) -> NaiveDate {
    let total = today.year() as i64 * 12 + today.month0() as i64 - months_back;
    let (y, m) = (
        (total.div_euclid(12)) as i32,
        (total.rem_euclid(12)) as u32 + 1,
    );
    let first_next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    first_next.expect("a real date") - Duration::days(1)
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Finds an id by name in a lookup list.
fn named(list: &[(String, String)], name: &str) -> Result<String, StoreError> {
    list.iter()
        .find(|(_, n)| n == name || n.starts_with(name))
        .map(|(id, _)| id.clone())
        .ok_or_else(|| StoreError::not_found("demo record", name))
}

fn as_person(id: &str, name: &str) -> Actor {
    Actor {
        person_id: Some(id.into()),
        ..Actor::system(name)
    }
}

/// Seeds the demo's programmes, meetings and improvement work.
pub async fn seed_delivery(store: &Store, actor: &Actor) -> Result<(), StoreError> {
    let today = london_date(Utc::now());
    let history_start = month_end(today, 12);
    let orgs = lookups::partner_organisations(store).await?;
    let all_boards = lookups::boards(store).await?;
    let all_places = lookups::places(store).await?;
    let round = strategy::list(store)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::not_found("round", "demo"))?;
    let objectives = objectives::objectives(store, &round.id).await?;
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let mut ids = Vec::new();
    for spec in &SPECS {
        let board = named(&all_boards, spec.board)?;
        let members = boards::members(store, &board).await?;
        let sro = members
            .first()
            .map(|m| m.person_id.clone())
            .unwrap_or_default();
        let manager = match spec.manager {
            Some(email) => people::find_by_email(store, email)
                .await?
                .map(|p| p.id)
                .unwrap_or_default(),
            None => members
                .get(2)
                .or(members.first())
                .map(|m| m.person_id.clone())
                .unwrap_or_default(),
        };
        let owner = |n: usize| {
            members
                .get(n % members.len().max(1))
                .map(|m| m.person_id.clone())
                .unwrap_or_default()
        };
        let rag_at = |i: usize| match spec.rags.as_bytes()[i] {
            b'R' => "red",
            b'A' => "amber",
            _ => "green",
        };
        let draft = ProgrammeDraft {
            name: spec.name.into(),
            summary: spec.summary.into(),
            lead_organisation_id: named(&orgs, spec.lead)?,
            sro_person_id: sro.clone(),
            manager_person_id: manager.clone(),
            board_id: board.clone(),
            place_id: match spec.place {
                Some(p) => named(&all_places, p)?,
                None => String::new(),
            },
            status: "active".into(),
            rag: rag_at(0).into(),
            rag_reason: "Mobilising".into(),
            starts_on: ymd(history_start - Duration::days(20)),
            ends_on: ymd(month_end(today, -18)),
            objective_ids: spec
                .serves
                .iter()
                .filter_map(|s| {
                    objectives
                        .iter()
                        .find(|o| o.outcome.starts_with(s))
                        .map(|o| o.id.clone())
                })
                .collect(),
            partner_ids: spec
                .partners
                .iter()
                .map(|p| named(&orgs, p))
                .collect::<Result<_, _>>()?,
        };
        let id = programmes::create(store, actor, &draft).await?;
        let manager_actor = as_person(&manager, "Programme manager");
        for month in 0..12 {
            let rag = rag_at(month);
            let reason = match rag {
                "red" => "Behind plan on the critical path; recovery plan agreed with the board",
                "amber" => "Some slippage; recoverable within the quarter",
                _ => "On plan",
            };
            programmes::report_status(
                store,
                &manager_actor,
                &id,
                &StatusUpdateDraft {
                    as_of: ymd(month_end(today, 12 - month as i64)),
                    status: "active".into(),
                    rag: rag.into(),
                    rag_reason: reason.into(),
                    progress: format!(
                        "Month {} of delivery: {}",
                        month + 1,
                        spec.projects[month % spec.projects.len()].0
                    ),
                },
            )
            .await?;
        }
        for (n, (name, summary)) in spec.projects.iter().enumerate() {
            programmes::save_project(
                store,
                actor,
                &id,
                None,
                &ProjectDraft {
                    name: (*name).into(),
                    summary: (*summary).into(),
                    lead_person_id: owner(n + 1),
                    status: "active".into(),
                    rag: rag_at(11 - n).into(),
                    rag_reason: "As reported to the programme board".into(),
                },
            )
            .await?;
        }
        for (n, (title, month, slip, done)) in spec.milestones.iter().enumerate() {
            let baseline = month_end(today, 12 - month);
            let forecast = baseline + Duration::days(*slip);
            let completed = (*done && forecast <= today).then(|| ymd(forecast));
            delivery::save_milestone(
                store,
                actor,
                &id,
                None,
                &MilestoneDraft {
                    title: (*title).into(),
                    owner_person_id: owner(n + 1),
                    baseline_on: ymd(baseline),
                    forecast_on: ymd(forecast),
                    completed_on: completed.unwrap_or_default(),
                    ..Default::default()
                },
            )
            .await?;
        }
        for (n, (title, mitigations, scores, confidential)) in spec.risks.iter().enumerate() {
            let (l, i) = scores[0];
            let raised = month_end(today, 11) - Duration::days(10);
            let risk = raid::raise_risk(
                store,
                actor,
                &id,
                &RiskDraft {
                    title: (*title).into(),
                    owner_person_id: owner(n),
                    likelihood: l.to_string(),
                    impact: i.to_string(),
                    target_likelihood: "2".into(),
                    target_impact: i.min(3).to_string(),
                    mitigations: (*mitigations).into(),
                    confidential: *confidential,
                    ..Default::default()
                },
                Some(&ymd(raised)),
            )
            .await?;
            let viewer = meetings::scope_of(store, &sro).await?;
            for (k, (l, i)) in scores.iter().enumerate().skip(1) {
                raid::review_risk(
                    store,
                    actor,
                    &viewer,
                    &id,
                    &risk,
                    &RiskReviewDraft {
                        likelihood: l.to_string(),
                        impact: i.to_string(),
                        note: "Reviewed at the programme board".into(),
                        reviewed_on: ymd(month_end(today, 11 - 3 * k as i64)),
                    },
                )
                .await?;
            }
            let last = scores[scores.len() - 1];
            if n == 0 && last.0 * last.1 >= 16 {
                raid::escalate(store, actor, RaidTable::Risk, &id, &risk, &EscalationDraft {
                    reason: "Scored 16 or more at two reviews: the workforce and funding decision is beyond the programme board".into(),
                })
                .await?;
            }
        }
        raid::add_item(
            store,
            actor,
            &id,
            &RaidItemDraft {
                kind: "issue".into(),
                title: spec.issue.into(),
                owner_person_id: manager.clone(),
                due_on: ymd(today + Duration::days(30)),
                ..Default::default()
            },
        )
        .await?;
        raid::add_item(
            store,
            actor,
            &id,
            &RaidItemDraft {
                kind: "assumption".into(),
                title: "Partners keep current funding for the life of the programme".into(),
                owner_person_id: sro.clone(),
                ..Default::default()
            },
        )
        .await?;
        let (title, metric, unit, direction, baseline, target, impacts) = spec.benefit;
        let benefit = delivery::add_benefit(
            store,
            actor,
            &id,
            &BenefitDraft {
                title: title.into(),
                catalogue_metric: String::new(),
                metric: metric.into(),
                unit: unit.into(),
                direction: direction.into(),
                baseline: baseline.to_string(),
                target: target.to_string(),
                target_on: ymd(month_end(today, -16)),
                impacts: impacts
                    .iter()
                    .map(|(org, effect, note)| {
                        Ok(BenefitImpactDraft {
                            organisation_id: named(&orgs, org)?,
                            effect: (*effect).into(),
                            note: (*note).into(),
                        })
                    })
                    .collect::<Result<_, StoreError>>()?,
            },
        )
        .await?;
        for month in 0..12 {
            let progress = (month as f64 / 11.0) * 0.55;
            let noise: f64 = rng.gen_range(-0.04..0.04) * (target - baseline).abs();
            let value = (baseline + (target - baseline) * progress + noise).round();
            delivery::record_reading(
                store,
                actor,
                &id,
                &benefit,
                &MeasurementDraft {
                    measured_on: ymd(month_end(today, 12 - month as i64)),
                    value: value.to_string(),
                },
            )
            .await?;
        }
        board_year::seed_meetings(store, &board, &id, spec, &members, today).await?;
        ids.push(id);
    }
    for (from, on, what) in [
        (
            2,
            3,
            "Discharge hub staff take step-down referrals to the virtual ward",
        ),
        (0, 5, "FCPs join neighbourhood huddles"),
        (5, 1, "Link workers sit in the neighbourhood teams"),
        (2, 5, "Neighbourhood teams refer step-up patients"),
    ] {
        raid::add_dependency(
            store,
            actor,
            &ids[from],
            &DependencyDraft {
                on_programme_id: ids[on].clone(),
                description: what.into(),
                needed_by: ymd(today + Duration::days(60)),
            },
        )
        .await?;
    }
    social_prescribing_benefit(store, actor, &orgs, today).await?;
    pdsa::seed_improvement(store, actor, &ids[1], today).await
}

/// The referral measures in the catalogue (answered for by the ICB), and the social prescribing
/// programme's benefit shown by one of them: the wait from referral to first contact, whose
/// readings are computed from the referrals, not typed.
async fn social_prescribing_benefit(
    store: &Store,
    actor: &Actor,
    orgs: &[(String, String)],
    today: NaiveDate,
) -> Result<(), StoreError> {
    use concord_app::refer::measures;
    measures::add_to_catalogue(store, actor, &named(orgs, ICB)?).await?;
    let programme = named(
        &lookups::programmes(store).await?,
        "Social isolation and social prescribing",
    )?;
    let impacts = [
        (
            "Age UK Riverside",
            "demand_rises",
            "volunteers make first contact within three working days",
        ),
        (
            "Riverside North PCN",
            "demand_falls",
            "fewer repeat appointments while people wait",
        ),
    ];
    delivery::add_benefit(
        store,
        actor,
        &programme,
        &BenefitDraft {
            title: "People reached sooner after a referral".into(),
            catalogue_metric: measures::WAIT.code.into(),
            baseline: "9".into(),
            target: "3".into(),
            target_on: ymd(month_end(today, -16)),
            impacts: impacts
                .iter()
                .map(|(org, effect, note)| {
                    Ok(BenefitImpactDraft {
                        organisation_id: named(orgs, org)?,
                        effect: (*effect).into(),
                        note: (*note).into(),
                    })
                })
                .collect::<Result<_, StoreError>>()?,
            ..BenefitDraft::default()
        },
    )
    .await?;
    Ok(())
}
