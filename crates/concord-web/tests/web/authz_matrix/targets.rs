//! The things each route's path is filled with: the partner lead's organisation and what belongs
//! to it, made before the walk.

use crate::common::TestApp;
use axum::http::Method;
use concord_domain::consent::ProposalDraft;
use concord_domain::strategy::{AreaDraft, RoundDraft};
use concord_domain::{BoardDraft, PersonDraft};
use concord_store::boards::BoardMemberDraft;
use concord_store::{boards, consent, people, places, strategy, Actor};

/// Ids that the path patterns are filled with.
pub(crate) struct Targets {
    pulse_round: String,
    organisation: String,
    person: String,
    place: String,
    board: String,
    round: String,
    area: String,
    proposal: String,
    programme: String,
    meeting: String,
    action: String,
    risk: String,
    raid_item: String,
    benefit: String,
    improvement: String,
    cycle: String,
    metric: String,
    series: String,
    year: String,
    cohort: String,
    break_glass: String,
    scenario: String,
    consultation: String,
    theme: String,
    run: String,
    service: String,
    referral: String,
}

impl Targets {
    pub(crate) async fn new(app: &TestApp) -> Targets {
        let organisation = app.login_for("lead").organisation_id.clone();
        let actor_ids: Vec<&str> = app
            .demo
            .logins
            .iter()
            .map(|l| l.person_id.as_str())
            .collect();
        let members = people::memberships_of_organisation(&app.store, &organisation)
            .await
            .unwrap();
        let person = members
            .iter()
            .find(|m| !actor_ids.contains(&m.person_id.as_str()))
            .expect("a non-actor in the trust")
            .person_id
            .clone();
        let place = places::list(&app.store).await.unwrap()[0].id.clone();
        let draft = BoardDraft {
            name: "Trust Quality Committee".into(),
            kind: "committee".into(),
            organisation_id: organisation.clone(),
            ..Default::default()
        };
        let board = boards::create(&app.store, &Actor::system("test"), &draft)
            .await
            .unwrap();
        let system = Actor::system("test");
        let round_draft = RoundDraft {
            title: "Trust strategy 2027".into(),
            stage: "consulting".into(),
            opens_on: "2027-01-01".into(),
            closes_on: "2027-03-31".into(),
            summary: None,
        };
        let round = strategy::create(&app.store, &system, &board, &round_draft)
            .await
            .unwrap();
        let area = AreaDraft {
            name: "Elective recovery".into(),
            description: None,
        };
        let area = strategy::add_area(&app.store, &system, &round, &area)
            .await
            .unwrap();
        // The partner lead sits on the trust's committee, so may respond to its proposals for the trust.
        let lead = app.login_for("lead").person_id.clone();
        let seat = BoardMemberDraft {
            person_id: lead,
            board_role: "member".into(),
        };
        boards::set_member(&app.store, &system, &board, &seat)
            .await
            .unwrap();
        let proposal_draft = ProposalDraft {
            title: "Adopt".into(),
            text: "Adopt the trust strategy".into(),
            closes_on: "2099-12-31".into(),
            quorum: "1".into(),
        };
        let proposal = consent::create(&app.store, &system, &round, &proposal_draft)
            .await
            .unwrap();
        let delivery = delivery_targets(app, &organisation, &person, &board).await;
        // A cohort owned by the partner lead's trust, and a break-glass view of it to review.
        let cohort = concord_store::population::save_cohort(
            &app.store,
            &system,
            None,
            &organisation,
            "name = \"Older people\"\nwhere = \"age >= 65\"\n",
        )
        .await
        .unwrap();
        let clinician = app.login_for("clinician");
        let break_glass = concord_store::population::record_break_glass(
            &app.store,
            &system,
            &clinician.person_id,
            &cohort,
            &clinician.organisation_id,
            "A home visit for a patient who has moved",
        )
        .await
        .unwrap();
        let improvement = improvement_targets(app, &organisation).await;
        // A scenario owned by the partner lead's trust, with one run.
        let scenario_draft = concord_domain::design::ScenarioDraft {
            title: "Trust outpatients".into(),
            owner_organisation_id: organisation.clone(),
            model: concord_sim::EXAMPLE_MODEL.into(),
            ..Default::default()
        };
        let scenario = concord_store::design::create(&app.store, &system, &scenario_draft)
            .await
            .unwrap();
        let run = concord_store::design::queue_run(
            &app.store,
            &system,
            &concord_store::design::RunRequest {
                scenario_id: &scenario,
                model: concord_sim::EXAMPLE_MODEL,
                base: None,
                total: 10,
                person_id: "matrix",
            },
        )
        .await
        .unwrap();
        let (service, referral) = referral_targets(app).await;
        let (consultation, theme) = consultation_targets(app, &organisation, &round).await;
        let pulse_round = concord_store::pulse::open_round(
            &app.store,
            &Actor {
                person_id: Some(app.login_for("admin").person_id.clone()),
                ..system.clone()
            },
            "Quarter 3",
            chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        )
        .await
        .unwrap();
        Targets {
            pulse_round,
            consultation,
            theme,
            service,
            referral,
            organisation,
            person,
            place,
            board,
            round,
            area,
            proposal,
            programme: delivery.0,
            meeting: delivery.1,
            action: delivery.2,
            risk: delivery.3,
            raid_item: delivery.4,
            benefit: delivery.5,
            improvement: improvement.0,
            cycle: improvement.1,
            metric: concord_store::metrics::get(&app.store, "ae_4hr")
                .await
                .unwrap()
                .id,
            series: concord_store::metrics::series(&app.store, None)
                .await
                .unwrap()[0]
                .id
                .clone(),
            year: concord_store::finance::years(&app.store).await.unwrap()[0]
                .label
                .replace('/', "-"),
            cohort,
            break_glass,
            scenario,
            run,
        }
    }

    /// The concrete path for a pattern, making fresh objects for routes that destroy their target.
    pub(crate) async fn path_for(
        &self,
        app: &TestApp,
        method: &Method,
        pattern: &str,
        n: usize,
    ) -> String {
        let system = Actor::system("test");
        let mut person_id = self.person.clone();
        let local = pattern.trim_start_matches("/api/v1");
        let id = if local.starts_with("/pulse/rounds/{id}") {
            self.pulse_round.clone()
        } else if pattern.starts_with("/have-your-say/rounds/{id}") {
            self.round.clone()
        } else if local.starts_with("/consultations/{id}")
            || pattern.starts_with("/have-your-say/{id}")
        {
            self.consultation.clone()
        } else if local.starts_with("/referrals/{id}") || local.starts_with("/fhir/") {
            self.referral.clone()
        } else if local.starts_with("/services/{id}") {
            self.service.clone()
        } else if local.starts_with("/population/cohorts/{id}") {
            self.cohort.clone()
        } else if local.starts_with("/design/scenarios/{id}") {
            self.scenario.clone()
        } else if local.starts_with("/design/runs/{id}") {
            self.run.clone()
        } else if pattern.starts_with("/population/break-glass/{id}") {
            self.break_glass.clone()
        } else if local.starts_with("/programmes/{id}") {
            self.programme.clone()
        } else if local.starts_with("/meetings/{id}") {
            self.meeting.clone()
        } else if local.starts_with("/improvement/{id}") {
            self.improvement.clone()
        } else if local.starts_with("/metrics/{id}") {
            self.metric.clone()
        } else if local.starts_with("/series/{id}") {
            self.series.clone()
        } else if local.starts_with("/finance/{id}") || local.starts_with("/finance/years/{id}") {
            self.year.clone()
        } else if local.starts_with("/finance/returns/{id}") {
            "revenue".into()
        } else if local.starts_with("/actions/{id}") {
            self.action.clone()
        } else if pattern.starts_with("/memberships/")
            || pattern.starts_with("/api/v1/memberships/")
        {
            let draft = PersonDraft {
                given_name: "Temp".into(),
                family_name: format!("Member{n}"),
                email: format!("temp{n}@example.nhs.uk"),
                ..Default::default()
            };
            let pid = people::create_in_organisation(
                &app.store,
                &system,
                &self.organisation,
                &draft,
                "analyst",
            )
            .await
            .unwrap();
            people::memberships_of_person(&app.store, &pid)
                .await
                .unwrap()[0]
                .id
                .clone()
        } else if pattern.contains("/boards/")
            && !pattern.starts_with("/organisations")
            && !pattern.starts_with("/api/v1/organisations")
        {
            if pattern.contains("{person_id}") {
                let seat = BoardMemberDraft {
                    person_id: self.person.clone(),
                    board_role: "member".into(),
                };
                boards::set_member(&app.store, &system, &self.board, &seat)
                    .await
                    .unwrap();
                person_id = self.person.clone();
            }
            self.board.clone()
        } else if pattern.contains("proposals/{id}") {
            self.proposal.clone()
        } else if pattern.contains("rounds/{id}") {
            self.round.clone()
        } else if pattern.contains("/people/") && !pattern.contains("/organisations/") {
            self.person.clone()
        } else if pattern.contains("/places/") {
            self.place.clone()
        } else if pattern.contains("/tokens/") {
            "0000000000000000".into()
        } else {
            self.organisation.clone()
        };
        let _ = method;
        pattern
            .replace("{id}", &id)
            .replace("{person_id}", &person_id)
            .replace("{organisation_id}", &self.organisation)
            .replace("{area_id}", &self.area)
            .replace("{starts_on}", "2024-01-01")
            .replace(
                "{item_id}",
                if pattern.contains("/cycles/") {
                    &self.cycle
                } else if pattern.contains("/risks/") {
                    &self.risk
                } else if pattern.contains("/raid/") {
                    &self.raid_item
                } else {
                    &self.benefit
                },
            )
            .replace("{*path}", "nhsuk-frontend.min.css")
            .replace("{theme_id}", &self.theme)
            .replace("{slug}", "metric-ae_4hr")
            .replace("{file}", "1.json")
    }
}

/// The demo's directory, with Age UK Riverside's befriending service, and an open referral to it
/// made by the `clinician` login's practice for a person on its registered list. Returns the
/// service's and the referral's ids.
async fn referral_targets(app: &TestApp) -> (String, String) {
    use concord_domain::referral::ReferralDraft;
    use concord_store::directory::{self, ServiceFilter};
    concord_demo::seed_directory(&app.store).await.unwrap();
    let practice = app.login_for("clinician").organisation_id.clone();
    let system = Actor::system("test");
    let patient = concord_store::population::RegisteredPatient {
        nhs_number: "9434765919".into(),
        given_name: "Ada".into(),
        family_name: "Lovelace".into(),
        birth_date: "1941-03-02".into(),
        sex: "female".into(),
        postcode: "RV1 2AB".into(),
        ethnic_category: None,
    };
    concord_store::population::replace_registered_list(
        &app.store,
        &system,
        &practice,
        &[patient],
        "test",
    )
    .await
    .unwrap();
    let service = directory::services(
        &app.store,
        &ServiceFilter {
            search: Some("Befriending for older people".into()),
            ..ServiceFilter::default()
        },
        concord_store::PageRequest::default(),
    )
    .await
    .unwrap()
    .items[0]
        .id
        .clone();
    let referral = ReferralDraft {
        nhs_number: "9434765919".into(),
        service_id: service.clone(),
        reason: "Company".into(),
        phone: "01632 960 001".into(),
        contact_preference: "phone".into(),
        consent: true,
        ..ReferralDraft::default()
    }
    .validate()
    .unwrap();
    let id = concord_store::referrals::create_for_care_team(
        &app.store, &system, &practice, &referral, None,
    )
    .await
    .unwrap();
    (service, id)
}

/// A published consultation run by the partner lead's trust on its strategy round, open today,
/// with a question, a response and a theme. Returns the consultation's and the theme's ids.
async fn consultation_targets(app: &TestApp, trust: &str, round: &str) -> (String, String) {
    use concord_domain::consultation::response::ResponseDraft;
    use concord_domain::consultation::{
        ConsultationDraft, ConsultationStatus, QuestionDraft, ThemeDraft,
    };
    use concord_store::consultations;
    let system = Actor::system("test");
    let today = chrono::Utc::now().date_naive();
    let draft = ConsultationDraft {
        title: "The trust's strategy: what matters to you".into(),
        purpose: "To hear what matters".into(),
        audience: "Everyone".into(),
        owner_organisation_id: trust.into(),
        subject_kind: "round".into(),
        subject_id: round.into(),
        opens_on: (today - chrono::Duration::days(7)).to_string(),
        closes_on: (today + chrono::Duration::days(30)).to_string(),
    };
    let valid = draft.validate().unwrap();
    let consultation = consultations::create(
        &app.store,
        &concord_store::Actor::person(
            &concord_store::people::principal(&app.store, &app.login_for("lead").person_id)
                .await
                .unwrap()
                .unwrap(),
            None,
        ),
        &draft,
        &valid,
    )
    .await
    .unwrap();
    let question = QuestionDraft {
        kind: "free_text".into(),
        prompt: "What matters most?".into(),
        ..Default::default()
    }
    .validate("q1-matrix")
    .unwrap();
    consultations::add_question(&app.store, &system, &consultation, &question)
        .await
        .unwrap();
    consultations::move_to(&app.store, &system, &consultation, ConsultationStatus::Open)
        .await
        .unwrap();
    let response = ResponseDraft {
        answers: [("q1-matrix".to_string(), serde_json::json!("Seeing a GP"))]
            .into_iter()
            .collect(),
        ..Default::default()
    }
    .check(&[question], false)
    .unwrap();
    consultations::add_response(
        &app.store,
        &system,
        &consultation,
        &response,
        None,
        None,
        today,
    )
    .await
    .unwrap();
    let theme = consultations::add_theme(
        &app.store,
        &system,
        &consultation,
        &ThemeDraft {
            label: "GP access".into(),
            description: String::new(),
        },
    )
    .await
    .unwrap();
    (consultation, theme)
}

/// A programme led by the partner lead's trust, managed by the `programme` login and governed by the
/// trust's committee (on which the lead sits), with a meeting, an action owned by the `vcse` login,
/// a risk, an issue and a benefit. Returns their ids in that order.
async fn delivery_targets(
    app: &TestApp,
    trust: &str,
    sro: &str,
    board: &str,
) -> (String, String, String, String, String, String) {
    use concord_domain::meeting::{ActionDraft, MeetingDraft};
    use concord_domain::programme::{BenefitDraft, BenefitImpactDraft, ProgrammeDraft};
    use concord_domain::raid::{RaidItemDraft, RiskDraft};
    use concord_store::{delivery, meetings, objectives, programmes, raid};
    let system = Actor::system("test");
    let mut objective = String::new();
    for round in strategy::list(&app.store).await.unwrap() {
        if let Some(o) = objectives::objectives(&app.store, &round.id)
            .await
            .unwrap()
            .first()
        {
            objective = o.id.clone();
        }
    }
    let manager = app.login_for("programme").person_id.clone();
    let programme = programmes::create(
        &app.store,
        &system,
        &ProgrammeDraft {
            name: "Trust outpatient transformation".into(),
            summary: "Fewer follow-ups".into(),
            lead_organisation_id: trust.into(),
            sro_person_id: sro.into(),
            manager_person_id: manager.clone(),
            board_id: board.into(),
            status: "active".into(),
            rag: "amber".into(),
            rag_reason: "Mobilising".into(),
            starts_on: "2026-04-01".into(),
            objective_ids: vec![objective],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let meeting = meetings::schedule(
        &app.store,
        &system,
        board,
        &MeetingDraft {
            title: "Quality committee".into(),
            held_on: "2026-12-08".into(),
            starts_at: "09:30".into(),
            location: String::new(),
        },
    )
    .await
    .unwrap();
    let action = meetings::set_action(
        &app.store,
        &system,
        Some(&meeting),
        &ActionDraft {
            title: "Share the audit".into(),
            owner_person_id: app.login_for("vcse").person_id.clone(),
            due_on: "2026-12-20".into(),
            programme_id: programme.clone(),
        },
    )
    .await
    .unwrap();
    let risk = raid::raise_risk(
        &app.store,
        &system,
        &programme,
        &RiskDraft {
            title: "Clinic space".into(),
            owner_person_id: manager.clone(),
            likelihood: "3".into(),
            impact: "3".into(),
            target_likelihood: "1".into(),
            target_impact: "3".into(),
            mitigations: "Room audit".into(),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    let item = raid::add_item(
        &app.store,
        &system,
        &programme,
        &RaidItemDraft {
            kind: "issue".into(),
            title: "Booking system change freeze".into(),
            owner_person_id: manager.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let benefit = delivery::add_benefit(
        &app.store,
        &system,
        &programme,
        &BenefitDraft {
            catalogue_metric: String::new(),
            title: "Fewer follow-ups".into(),
            metric: "Follow-up appointments a month".into(),
            direction: "decrease".into(),
            baseline: "9000".into(),
            target: "7000".into(),
            target_on: "2027-03-31".into(),
            impacts: vec![BenefitImpactDraft {
                organisation_id: trust.into(),
                effect: "capacity_gains".into(),
                note: String::new(),
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    (programme, meeting, action, risk, item, benefit)
}

/// An improvement project of the trust's team led by the `clinician` login (who works elsewhere),
/// with a driver, a change idea and a PDSA cycle. Returns the project's and the cycle's ids.
async fn improvement_targets(app: &TestApp, trust: &str) -> (String, String) {
    use concord_domain::improvement::{
        ChangeIdeaDraft, DriverDraft, ImprovementProjectDraft, PdsaDraft,
    };
    use concord_store::improvement;
    let system = Actor::system("test");
    let project = improvement::create(
        &app.store,
        &system,
        trust,
        &ImprovementProjectDraft {
            title: "Faster discharge letters".into(),
            team: "Ward 7".into(),
            aim: "Letters within 24 hours for 90% of discharges by March".into(),
            lead_person_id: app.login_for("clinician").person_id.clone(),
            measure_name: "Letters sent within 24 hours".into(),
            measure_unit: "%".into(),
            measure_direction: "increase".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let driver = improvement::add_driver(
        &app.store,
        &system,
        &project,
        &DriverDraft {
            kind: "primary".into(),
            text: "Junior doctors have time to write letters".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let idea = improvement::add_change_idea(
        &app.store,
        &system,
        &project,
        &ChangeIdeaDraft {
            driver_id: driver,
            text: "Letter template in the discharge checklist".into(),
        },
    )
    .await
    .unwrap();
    let clinician = Actor {
        person_id: Some(app.login_for("clinician").person_id.clone()),
        ..Actor::system("clinician")
    };
    let cycle = improvement::save_cycle(
        &app.store,
        &clinician,
        &project,
        None,
        &PdsaDraft {
            change_idea_id: idea,
            title: "Template on one ward".into(),
            plan: "Ward 7 for a week".into(),
            prediction: "Half of letters within 24 hours".into(),
            starts_on: "2026-11-02".into(),
            study_on: "2026-11-09".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    (project, cycle)
}
