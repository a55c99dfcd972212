//! Governing delivery against a real database: programme history and RAG, RAID scoring, trend and
//! escalation, confidential items, decisions flowing into the next board pack, overdue actions.

use chrono::{TimeZone, Utc};
use concord_domain::meeting::{
    ActionDraft, AgendaItemDraft, ConfidentialityScope, DecisionDraft, MeetingDraft,
};
use concord_domain::programme::{ProgrammeDraft, StatusUpdateDraft};
use concord_domain::raid::{
    EscalationDraft, EscalationLevel, RiskDraft, RiskReviewDraft, RiskTrend,
};
use concord_domain::strategy::{AreaDraft, ObjectiveDraft, RoundDraft};
use concord_domain::{BoardDraft, OrganisationDraft, PersonDraft};
use concord_store::raid::RaidTable;
use concord_store::testing::fresh_store;
use concord_store::{
    audit, boards, meetings, objectives, organisations, people, programmes, raid, reports,
    strategy, Actor, Store, StoreError,
};

struct Fixture {
    store: Store,
    actor: Actor,
    org: String,
    /// Board member, SRO, outsider.
    member: String,
    sro: String,
    outsider: String,
    board: String,
    objective: String,
}

async fn fixture() -> Fixture {
    let store = fresh_store().await.unwrap();
    let actor = Actor::system("test");
    let org = organisations::create(
        &store,
        &actor,
        &OrganisationDraft {
            name: "Riverside ICB".into(),
            code: "QRV".into(),
            org_type: "icb".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    for (i, name) in ["Member", "Owner", "Outsider"].iter().enumerate() {
        let draft = PersonDraft {
            given_name: (*name).into(),
            family_name: "Person".into(),
            email: format!("p{i}@example.org"),
            ..Default::default()
        };
        ids.push(
            people::create_in_organisation(&store, &actor, &org, &draft, "programme_manager")
                .await
                .unwrap(),
        );
    }
    let board = boards::create(
        &store,
        &actor,
        &BoardDraft {
            name: "MSK programme board".into(),
            kind: "programme_board".into(),
            organisation_id: org.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    boards::set_member(
        &store,
        &actor,
        &board,
        &boards::BoardMemberDraft {
            person_id: ids[0].clone(),
            board_role: "chair".into(),
        },
    )
    .await
    .unwrap();
    let round = strategy::create(
        &store,
        &actor,
        &board,
        &RoundDraft {
            title: "JFP".into(),
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
        &actor,
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
        &actor,
        &round,
        &ObjectiveDraft {
            outcome: "Shorter MSK waits".into(),
            metric: "Weeks".into(),
            baseline: "18".into(),
            target: "6".into(),
            target_date: "2027-03-31".into(),
            owner_organisation_id: org.clone(),
            area_ids: vec![area],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    Fixture {
        store,
        actor,
        org,
        member: ids[0].clone(),
        sro: ids[1].clone(),
        outsider: ids[2].clone(),
        board,
        objective,
    }
}

fn programme_draft(f: &Fixture, name: &str) -> ProgrammeDraft {
    ProgrammeDraft {
        name: name.into(),
        summary: "First-contact physiotherapists in practices".into(),
        lead_organisation_id: f.org.clone(),
        sro_person_id: f.sro.clone(),
        manager_person_id: f.sro.clone(),
        board_id: f.board.clone(),
        status: "active".into(),
        rag: "green".into(),
        rag_reason: "Recruited to plan".into(),
        starts_on: "2025-12-01".into(),
        objective_ids: vec![f.objective.clone()],
        ..Default::default()
    }
}

fn report(as_of: &str, rag: &str) -> StatusUpdateDraft {
    StatusUpdateDraft {
        as_of: as_of.into(),
        status: "active".into(),
        rag: rag.into(),
        rag_reason: format!("{rag} because"),
        progress: String::new(),
    }
}

#[tokio::test]
async fn status_reports_build_the_rag_trend_and_a_late_old_report_does_not_override() {
    let f = fixture().await;
    let id = programmes::create(&f.store, &f.actor, &programme_draft(&f, "MSK FCP"))
        .await
        .unwrap();
    programmes::report_status(&f.store, &f.actor, &id, &report("2026-01-31", "amber"))
        .await
        .unwrap();
    programmes::report_status(&f.store, &f.actor, &id, &report("2026-02-28", "red"))
        .await
        .unwrap();
    // A January report filed late is history, not the current rating.
    programmes::report_status(&f.store, &f.actor, &id, &report("2026-01-15", "green"))
        .await
        .unwrap();
    let p = programmes::get(&f.store, &id).await.unwrap();
    assert_eq!(p.rag.as_str(), "red");
    let history = programmes::history(&f.store, &id).await.unwrap();
    let rags: Vec<&str> = history.iter().map(|h| h.rag.as_str()).collect();
    assert_eq!(rags, ["green", "green", "amber", "red"]);
    assert_eq!(history[0].kind, "created");
}

#[tokio::test]
async fn a_programme_without_an_objective_or_with_an_unknown_board_is_refused_and_nothing_is_kept()
{
    let f = fixture().await;
    let mut draft = programme_draft(&f, "Frailty");
    draft.board_id = "no-such-board".into();
    let err = programmes::create(&f.store, &f.actor, &draft)
        .await
        .unwrap_err();
    assert!(matches!(&err, StoreError::Invalid(e) if e.for_field("board_id").is_some()));
    draft.board_id.clear();
    draft.objective_ids.clear();
    let err = programmes::create(&f.store, &f.actor, &draft)
        .await
        .unwrap_err();
    assert!(matches!(&err, StoreError::Invalid(e) if e.for_field("objective_ids").is_some()));
    assert!(programmes::list(&f.store).await.unwrap().is_empty());
    let rejected = audit::list(
        &f.store,
        &Default::default(),
        &Default::default(),
        Default::default(),
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .filter(|r| r.action == "programme.create" && r.outcome == "rejected")
    .count();
    assert_eq!(rejected, 2);
}

fn risk(title: &str, confidential: bool, owner: &str) -> RiskDraft {
    RiskDraft {
        title: title.into(),
        owner_person_id: owner.into(),
        likelihood: "3".into(),
        impact: "4".into(),
        target_likelihood: "2".into(),
        target_impact: "2".into(),
        mitigations: "Rotational posts with the trust".into(),
        confidential,
        ..Default::default()
    }
}

#[tokio::test]
async fn risks_score_trend_escalate_to_the_system_board_and_no_further() {
    let f = fixture().await;
    let p = programmes::create(&f.store, &f.actor, &programme_draft(&f, "MSK FCP"))
        .await
        .unwrap();
    let r = raid::raise_risk(
        &f.store,
        &f.actor,
        &p,
        &risk("Vacancies", false, &f.sro),
        None,
    )
    .await
    .unwrap();
    let everyone = ConfidentialityScope::default();
    let got = raid::risk(&f.store, &everyone, &p, &r).await.unwrap();
    assert_eq!(
        (got.score, got.band.as_str(), got.trend),
        (12, "high", RiskTrend::New)
    );
    let review = |l: &str, i: &str, on: &str| RiskReviewDraft {
        likelihood: l.into(),
        impact: i.into(),
        note: "Reviewed".into(),
        reviewed_on: on.into(),
    };
    raid::review_risk(
        &f.store,
        &f.actor,
        &everyone,
        &p,
        &r,
        &review("5", "4", "2099-01-01"),
    )
    .await
    .unwrap();
    let got = raid::risk(&f.store, &everyone, &p, &r).await.unwrap();
    assert_eq!(
        (got.score, got.band.as_str(), got.trend),
        (20, "extreme", RiskTrend::Rising)
    );
    raid::review_risk(
        &f.store,
        &f.actor,
        &everyone,
        &p,
        &r,
        &review("2", "4", "2099-02-01"),
    )
    .await
    .unwrap();
    let got = raid::risk(&f.store, &everyone, &p, &r).await.unwrap();
    assert_eq!((got.score, got.trend), (8, RiskTrend::Falling));

    let why = EscalationDraft {
        reason: "Needs system workforce decision".into(),
    };
    assert_eq!(got.level, EscalationLevel::Programme);
    let level = raid::escalate(&f.store, &f.actor, RaidTable::Risk, &p, &r, &why)
        .await
        .unwrap();
    assert_eq!(level, EscalationLevel::System);
    assert_eq!(
        raid::escalated_to_system(&f.store, &everyone)
            .await
            .unwrap()
            .len(),
        1
    );
    let err = raid::escalate(&f.store, &f.actor, RaidTable::Risk, &p, &r, &why)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)));
}

#[tokio::test]
async fn confidential_risks_are_read_by_the_board_and_programme_leaders_only() {
    let f = fixture().await;
    let p = programmes::create(&f.store, &f.actor, &programme_draft(&f, "MSK FCP"))
        .await
        .unwrap();
    raid::raise_risk(&f.store, &f.actor, &p, &risk("Open", false, &f.sro), None)
        .await
        .unwrap();
    raid::raise_risk(
        &f.store,
        &f.actor,
        &p,
        &risk("Contract dispute", true, &f.sro),
        None,
    )
    .await
    .unwrap();
    let count = |person: String| {
        let store = &f.store;
        let p = p.clone();
        async move {
            let scope = meetings::scope_of(store, &person).await.unwrap();
            raid::risks_of(store, &scope, &p).await.unwrap().len()
        }
    };
    assert_eq!(count(f.member.clone()).await, 2, "board member");
    assert_eq!(count(f.sro.clone()).await, 2, "SRO");
    assert_eq!(count(f.outsider.clone()).await, 1, "outsider");
}

#[tokio::test]
async fn a_recorded_decision_appears_in_the_next_board_pack_and_confidential_items_are_withheld() {
    let f = fixture().await;
    let p = programmes::create(&f.store, &f.actor, &programme_draft(&f, "MSK FCP"))
        .await
        .unwrap();
    let meeting = |title: &str, on: &str| MeetingDraft {
        title: title.into(),
        held_on: on.into(),
        starts_at: "10:00".into(),
        location: "Riverside House".into(),
    };
    let m1 = meetings::schedule(&f.store, &f.actor, &f.board, &meeting("May", "2026-05-12"))
        .await
        .unwrap();
    let m2 = meetings::schedule(&f.store, &f.actor, &f.board, &meeting("June", "2026-06-09"))
        .await
        .unwrap();
    let item = meetings::add_agenda_item(
        &f.store,
        &f.actor,
        &m1,
        &AgendaItemDraft {
            title: "Extend FCP to Riverside North".into(),
            purpose: "decision".into(),
            programme_id: p.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    meetings::add_agenda_item(
        &f.store,
        &f.actor,
        &m1,
        &AgendaItemDraft {
            title: "Provider contract negotiation".into(),
            purpose: "discussion".into(),
            confidential: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let now = Utc.with_ymd_and_hms(2026, 5, 12, 9, 0, 0).unwrap();
    let member = meetings::scope_of(&f.store, &f.member).await.unwrap();
    let outsider = meetings::scope_of(&f.store, &f.outsider).await.unwrap();
    let pack = reports::board_pack(&f.store, &member, &m1, now)
        .await
        .unwrap();
    assert_eq!((pack.agenda.len(), pack.withheld), (2, 0));
    assert_eq!(pack.decisions_needed.len(), 1);
    assert_eq!(pack.programmes[0].decisions_needed.len(), 1);
    let pack = reports::board_pack(&f.store, &outsider, &m1, now)
        .await
        .unwrap();
    assert_eq!((pack.agenda.len(), pack.withheld), (1, 1));

    let chair = Actor {
        person_id: Some(f.member.clone()),
        ..Actor::system("chair")
    };
    meetings::record_decision(
        &f.store,
        &chair,
        &m1,
        &DecisionDraft {
            agenda_item_id: item,
            title: "Extend FCP".into(),
            decision: "Extend to Riverside North from July".into(),
            options_considered: "Extend now; wait for evaluation".into(),
            decided_by: "The board, unanimously".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    meetings::set_action(
        &f.store,
        &chair,
        Some(&m1),
        &ActionDraft {
            title: "Agree job plans".into(),
            owner_person_id: f.sro.clone(),
            due_on: "2026-06-01".into(),
            programme_id: p.clone(),
        },
    )
    .await
    .unwrap();
    let june = Utc.with_ymd_and_hms(2026, 6, 9, 9, 0, 0).unwrap();
    let next = reports::board_pack(&f.store, &outsider, &m2, june)
        .await
        .unwrap();
    assert_eq!(next.previous_decisions.len(), 1);
    assert_eq!(next.previous_decisions[0].title, "Extend FCP");
    assert_eq!(
        next.previous_decisions[0].programme_id.as_deref(),
        Some(p.as_str())
    );
    assert_eq!(next.open_actions.len(), 1);
    assert!(next.open_actions[0].overdue);
    let before = reports::board_pack(&f.store, &member, &m1, now)
        .await
        .unwrap();
    // The pack still lists what the meeting was asked to decide, each marked as since decided.
    assert!(!before.decisions_needed.is_empty());
    assert!(
        before.decisions_needed.iter().all(|i| i.decided),
        "decided items are marked as decided"
    );
}

#[tokio::test]
async fn an_action_turns_overdue_at_london_midnight_not_utc_midnight() {
    let f = fixture().await;
    meetings::set_action(
        &f.store,
        &f.actor,
        None,
        &ActionDraft {
            title: "Send the highlight report".into(),
            owner_person_id: f.sro.clone(),
            due_on: "2026-07-31".into(),
            programme_id: String::new(),
        },
    )
    .await
    .unwrap();
    let at = |h, m| Utc.with_ymd_and_hms(2026, 7, 31, h, m, 0).unwrap();
    let before = meetings::actions_owned_by(&f.store, &f.sro, at(22, 59))
        .await
        .unwrap();
    let after = meetings::actions_owned_by(&f.store, &f.sro, at(23, 0))
        .await
        .unwrap();
    assert!(!before[0].overdue);
    assert!(after[0].overdue);
    let work = reports::my_work(&f.store, &f.sro, at(23, 0)).await.unwrap();
    assert_eq!(work.overdue_actions(), 1);
}
