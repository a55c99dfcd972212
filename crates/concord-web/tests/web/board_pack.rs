//! The board pack rendered for a known fixture, as the document printed to PDF: a snapshot test.
//! Every date is fixed, and the pack is generated "as at" a fixed instant, so the snapshot changes
//! only when the pack's content or layout does. Ids (random) are replaced by `[id]`.

use chrono::{TimeZone, Utc};
use concord_domain::meeting::{ActionDraft, AgendaItemDraft, DecisionDraft, MeetingDraft};
use concord_domain::programme::{
    BenefitDraft, BenefitImpactDraft, MeasurementDraft, MilestoneDraft, ProgrammeDraft,
    StatusUpdateDraft,
};
use concord_domain::raid::{EscalationDraft, RiskDraft, RiskReviewDraft};
use concord_domain::strategy::{AreaDraft, ObjectiveDraft, RoundDraft};
use concord_domain::{BoardDraft, OrganisationDraft, PersonDraft};
use concord_store::raid::RaidTable;
use concord_store::testing::fresh_store;
use concord_store::{
    boards, delivery, meetings, objectives, organisations, people, programmes, raid, reports,
    strategy, Actor,
};

#[tokio::test]
async fn the_board_pack_for_a_known_meeting_renders_as_recorded() {
    let store = fresh_store().await.unwrap();
    let a = Actor::system("fixture");
    let org = |name: &str, code: &str, kind: &str| OrganisationDraft {
        name: name.into(),
        code: code.into(),
        org_type: kind.into(),
        ..Default::default()
    };
    let icb = organisations::create(&store, &a, &org("Riverside ICB", "QRV", "icb"))
        .await
        .unwrap();
    let trust = organisations::create(
        &store,
        &a,
        &org("Riverside Community Trust", "RVC", "community_trust"),
    )
    .await
    .unwrap();
    let mut person = Vec::new();
    for (given, family, at) in [
        ("Ada", "Chair", &icb),
        ("Ben", "Manager", &icb),
        ("Cat", "Therapist", &trust),
    ] {
        let draft = PersonDraft {
            given_name: given.into(),
            family_name: family.into(),
            email: format!("{}@example.nhs.uk", given.to_lowercase()),
            ..Default::default()
        };
        person.push(
            people::create_in_organisation(&store, &a, at, &draft, "programme_manager")
                .await
                .unwrap(),
        );
    }
    let board = boards::create(
        &store,
        &a,
        &BoardDraft {
            name: "MSK Programme Board".into(),
            kind: "programme_board".into(),
            organisation_id: icb.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for (who, seat) in [(&person[0], "chair"), (&person[1], "member")] {
        boards::set_member(
            &store,
            &a,
            &board,
            &boards::BoardMemberDraft {
                person_id: who.clone(),
                board_role: seat.into(),
            },
        )
        .await
        .unwrap();
    }
    let round = strategy::create(
        &store,
        &a,
        &board,
        &RoundDraft {
            title: "Joint Forward Plan".into(),
            stage: "adopted".into(),
            opens_on: "2026-01-01".into(),
            closes_on: "2026-03-31".into(),
            summary: None,
        },
    )
    .await
    .unwrap();
    let area = strategy::add_area(
        &store,
        &a,
        &round,
        &AreaDraft {
            name: "MSK".into(),
            description: None,
        },
    )
    .await
    .unwrap();
    let objective = objectives::add_objective(
        &store,
        &a,
        &round,
        &ObjectiveDraft {
            outcome: "Shorter MSK waits".into(),
            metric: "Median wait".into(),
            unit: "weeks".into(),
            baseline: "14".into(),
            target: "4".into(),
            target_date: "2028-03-31".into(),
            owner_organisation_id: trust.clone(),
            area_ids: vec![area],
        },
    )
    .await
    .unwrap();
    let programme = programmes::create(
        &store,
        &a,
        &ProgrammeDraft {
            name: "MSK first-contact physiotherapy".into(),
            summary: "Physiotherapists first for back and joint problems".into(),
            lead_organisation_id: trust.clone(),
            sro_person_id: person[0].clone(),
            manager_person_id: person[1].clone(),
            board_id: board.clone(),
            status: "active".into(),
            rag: "amber".into(),
            rag_reason: "Recruiting".into(),
            starts_on: "2026-01-05".into(),
            ends_on: "2027-12-31".into(),
            objective_ids: vec![objective],
            partner_ids: vec![icb.clone()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for (as_of, rag, why) in [
        ("2026-03-31", "red", "Vacancies"),
        ("2026-04-30", "amber", "Half recruited"),
        ("2026-05-31", "green", "Fully staffed"),
    ] {
        programmes::report_status(
            &store,
            &a,
            &programme,
            &StatusUpdateDraft {
                as_of: as_of.into(),
                status: "active".into(),
                rag: rag.into(),
                rag_reason: why.into(),
                progress: format!("Report for {as_of}"),
            },
        )
        .await
        .unwrap();
    }
    for (title, baseline, forecast, done) in [
        ("First PCNs live", "2026-03-31", "2026-04-30", "2026-04-28"),
        ("All PCNs live", "2026-07-31", "2026-09-30", ""),
    ] {
        delivery::save_milestone(
            &store,
            &a,
            &programme,
            None,
            &MilestoneDraft {
                title: title.into(),
                owner_person_id: person[1].clone(),
                baseline_on: baseline.into(),
                forecast_on: forecast.into(),
                completed_on: done.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let risk = raid::raise_risk(
        &store,
        &a,
        &programme,
        &RiskDraft {
            title: "Physiotherapist vacancies".into(),
            owner_person_id: person[1].clone(),
            likelihood: "4".into(),
            impact: "4".into(),
            target_likelihood: "2".into(),
            target_impact: "3".into(),
            mitigations: "Rotational posts".into(),
            ..Default::default()
        },
        Some("2026-02-01"),
    )
    .await
    .unwrap();
    let everyone = Default::default();
    raid::review_risk(
        &store,
        &a,
        &everyone,
        &programme,
        &risk,
        &RiskReviewDraft {
            likelihood: "5".into(),
            impact: "4".into(),
            note: "Two resignations".into(),
            reviewed_on: "2026-05-01".into(),
        },
    )
    .await
    .unwrap();
    raid::escalate(
        &store,
        &a,
        RaidTable::Risk,
        &programme,
        &risk,
        &EscalationDraft {
            reason: "Needs system workforce plan".into(),
        },
    )
    .await
    .unwrap();
    raid::raise_risk(
        &store,
        &a,
        &programme,
        &RiskDraft {
            title: "Contract dispute".into(),
            owner_person_id: person[1].clone(),
            likelihood: "2".into(),
            impact: "5".into(),
            target_likelihood: "1".into(),
            target_impact: "5".into(),
            mitigations: "Mediation".into(),
            confidential: true,
            ..Default::default()
        },
        Some("2026-02-01"),
    )
    .await
    .unwrap();
    let benefit = delivery::add_benefit(
        &store,
        &a,
        &programme,
        &BenefitDraft {
            catalogue_metric: String::new(),
            title: "Fewer GP MSK appointments".into(),
            metric: "GP MSK appointments a week".into(),
            unit: "appointments".into(),
            direction: "decrease".into(),
            baseline: "1800".into(),
            target: "1400".into(),
            target_on: "2027-03-31".into(),
            impacts: vec![
                BenefitImpactDraft {
                    organisation_id: icb.clone(),
                    effect: "demand_falls".into(),
                    note: "GP time".into(),
                },
                BenefitImpactDraft {
                    organisation_id: trust.clone(),
                    effect: "cost_rises".into(),
                    note: "Employs FCPs".into(),
                },
            ],
        },
    )
    .await
    .unwrap();
    delivery::record_reading(
        &store,
        &a,
        &programme,
        &benefit,
        &MeasurementDraft {
            measured_on: "2026-05-31".into(),
            value: "1700".into(),
        },
    )
    .await
    .unwrap();
    let meeting = |title: &str, on: &str| MeetingDraft {
        title: title.into(),
        held_on: on.into(),
        starts_at: "10:00".into(),
        location: "Riverside House".into(),
    };
    let may = meetings::schedule(&store, &a, &board, &meeting("May board", "2026-05-12"))
        .await
        .unwrap();
    let june = meetings::schedule(&store, &a, &board, &meeting("June board", "2026-06-09"))
        .await
        .unwrap();
    let chair = Actor {
        person_id: Some(person[0].clone()),
        ..Actor::system("Ada Chair")
    };
    meetings::record_decision(
        &store,
        &chair,
        &may,
        &DecisionDraft {
            programme_id: programme.clone(),
            title: "Rotational posts approved".into(),
            decision: "Fund six rotational posts".into(),
            options_considered: "Agency staff; rotational posts".into(),
            decided_by: "The board, by consensus".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    meetings::set_action(
        &store,
        &chair,
        Some(&may),
        &ActionDraft {
            title: "Agree job plans".into(),
            owner_person_id: person[1].clone(),
            due_on: "2026-06-01".into(),
            programme_id: programme.clone(),
        },
    )
    .await
    .unwrap();
    for (title, purpose, confidential) in [
        ("Highlight report", "assurance", false),
        ("Extend to Riverside North", "decision", false),
        ("Contract dispute", "discussion", true),
    ] {
        meetings::add_agenda_item(
            &store,
            &chair,
            &june,
            &AgendaItemDraft {
                title: title.into(),
                purpose: purpose.into(),
                programme_id: programme.clone(),
                confidential,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }

    let now = Utc.with_ymd_and_hms(2026, 6, 2, 8, 0, 0).unwrap();
    let outsider = concord_domain::meeting::ConfidentialityScope::default();
    let pack = reports::board_pack(&store, &outsider, &june, now)
        .await
        .unwrap();
    let html =
        concord_web::deliver::pages::packs::pack_document("Riverside and Vale ICS", pack, None)
            .unwrap();
    let ids = regex::Regex::new(r"\b[0-9a-f]{16}\b").unwrap();
    let html = ids.replace_all(&html, "[id]");
    assert!(
        !html.contains("Contract dispute"),
        "confidential items stay out of an outsider's pack"
    );
    insta::assert_snapshot!("board_pack_for_an_outsider", html);
}
