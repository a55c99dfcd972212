//! The consent rules against a real database: objection blocks, amendment reopens, quorum, one
//! response per organisation, non-members refused, history kept.

use concord_domain::consent::{ProposalDraft, ProposalStatus, ResponseDraft, Standing};
use concord_domain::strategy::RoundDraft;
use concord_domain::{BoardDraft, OrganisationDraft, PersonDraft};
use concord_store::testing::fresh_store;
use concord_store::{boards, consent, organisations, people, strategy, Actor, Store, StoreError};

struct Fixture {
    store: Store,
    proposal: String,
    /// (organisation id, person id) for three board members from three organisations.
    members: Vec<(String, String)>,
    outsider: (String, String),
}

async fn fixture() -> Fixture {
    let store = fresh_store().await.unwrap();
    let a = Actor::system("test");
    let mut orgs = Vec::new();
    for (name, code, kind) in [
        ("ICB", "QRV", "icb"),
        ("City Council", "E06000901", "council"),
        ("Age UK", "CH-1", "vcse"),
        ("Trust", "RRV", "acute_trust"),
    ] {
        orgs.push(
            organisations::create(
                &store,
                &a,
                &OrganisationDraft {
                    name: name.into(),
                    code: code.into(),
                    org_type: kind.into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap(),
        );
    }
    let mut people_ids = Vec::new();
    for (i, org) in orgs.iter().enumerate() {
        let draft = PersonDraft {
            given_name: "P".into(),
            family_name: format!("{i}"),
            email: format!("p{i}@example.org"),
            ..Default::default()
        };
        people_ids.push(
            people::create_in_organisation(&store, &a, org, &draft, "partner_lead")
                .await
                .unwrap(),
        );
    }
    let board = boards::create(
        &store,
        &a,
        &BoardDraft {
            name: "ICP".into(),
            kind: "icp".into(),
            organisation_id: orgs[0].clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for person in &people_ids[..3] {
        boards::set_member(
            &store,
            &a,
            &board,
            &concord_store::boards::BoardMemberDraft {
                person_id: person.clone(),
                board_role: "member".into(),
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
            title: "JFP".into(),
            stage: "deciding".into(),
            opens_on: "2026-01-01".into(),
            closes_on: "2099-12-31".into(),
            summary: None,
        },
    )
    .await
    .unwrap();
    let proposal = consent::create(
        &store,
        &a,
        &round,
        &ProposalDraft {
            title: "Adopt".into(),
            text: "Adopt these priorities".into(),
            closes_on: "2099-12-31".into(),
            quorum: "2".into(),
        },
    )
    .await
    .unwrap();
    let members = (0..3)
        .map(|i| (orgs[i].clone(), people_ids[i].clone()))
        .collect();
    Fixture {
        store,
        proposal,
        members,
        outsider: (orgs[3].clone(), people_ids[3].clone()),
    }
}

fn say(kind: &str, text: &str) -> ResponseDraft {
    ResponseDraft {
        kind: kind.into(),
        text: text.into(),
    }
}

#[tokio::test]
async fn an_objection_blocks_until_withdrawn() {
    let f = fixture().await;
    let a = Actor::system("test");
    let (org0, p0) = &f.members[0];
    let (org1, p1) = &f.members[1];
    consent::respond(&f.store, &a, &f.proposal, org0, p0, &say("consent", ""))
        .await
        .unwrap();
    consent::respond(
        &f.store,
        &a,
        &f.proposal,
        org1,
        p1,
        &say("object", "No money for prevention"),
    )
    .await
    .unwrap();
    assert!(matches!(
        consent::current_standing(&f.store, &f.proposal)
            .await
            .unwrap(),
        Standing::Blocked { .. }
    ));
    let refused = consent::decide(&f.store, &a, &f.proposal, true, "Adopted")
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("City Council object"),
        "{refused}"
    );
    // The council withdraws its objection by responding again: one response per organisation.
    consent::respond(
        &f.store,
        &a,
        &f.proposal,
        org1,
        p1,
        &say("concern", "Watch the prevention budget"),
    )
    .await
    .unwrap();
    assert_eq!(
        consent::current_standing(&f.store, &f.proposal)
            .await
            .unwrap(),
        Standing::CanBeAdopted {
            consents: 2,
            concerns: 1,
            abstentions: 0
        }
    );
    consent::decide(
        &f.store,
        &a,
        &f.proposal,
        true,
        "Adopted by consent, with the council's concern noted",
    )
    .await
    .unwrap();
    let decided = consent::get(&f.store, &f.proposal).await.unwrap();
    assert_eq!(decided.status, ProposalStatus::Adopted);
    // The history keeps the withdrawn objection.
    let history = consent::responses(&f.store, &f.proposal).await.unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history.iter().filter(|r| r.current).count(), 2);
    // Nothing more once decided.
    assert!(
        consent::respond(&f.store, &a, &f.proposal, org0, p0, &say("abstain", ""))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn amending_reopens_every_response_and_quorum_is_needed() {
    let f = fixture().await;
    let a = Actor::system("test");
    let (org0, p0) = &f.members[0];
    let (org2, p2) = &f.members[2];
    consent::respond(&f.store, &a, &f.proposal, org0, p0, &say("consent", ""))
        .await
        .unwrap();
    consent::respond(&f.store, &a, &f.proposal, org2, p2, &say("consent", ""))
        .await
        .unwrap();
    assert!(matches!(
        consent::current_standing(&f.store, &f.proposal)
            .await
            .unwrap(),
        Standing::CanBeAdopted { .. }
    ));
    consent::amend(
        &f.store,
        &a,
        &f.proposal,
        &ProposalDraft {
            title: "Adopt, amended".into(),
            text: "Adopt these priorities, with isolation added".into(),
            closes_on: "2099-12-31".into(),
            quorum: "2".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        consent::current_standing(&f.store, &f.proposal)
            .await
            .unwrap(),
        Standing::AwaitingQuorum {
            responded: 0,
            quorum: 2
        }
    );
    assert_eq!(
        consent::get(&f.store, &f.proposal).await.unwrap().version,
        2
    );
    let refused = consent::decide(&f.store, &a, &f.proposal, true, "Adopted")
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("0 of the 2"), "{refused}");
    consent::respond(&f.store, &a, &f.proposal, org0, p0, &say("abstain", ""))
        .await
        .unwrap();
    assert_eq!(
        consent::current_standing(&f.store, &f.proposal)
            .await
            .unwrap(),
        Standing::AwaitingQuorum {
            responded: 1,
            quorum: 2
        }
    );
}

#[tokio::test]
async fn only_board_members_respond_for_their_own_organisations() {
    let f = fixture().await;
    let a = Actor::system("test");
    let (outsider_org, outsider) = &f.outsider;
    let err = consent::respond(
        &f.store,
        &a,
        &f.proposal,
        outsider_org,
        outsider,
        &say("consent", ""),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref e) if e.for_field("organisation_id").unwrap().contains("Only members")),
        "{err}"
    );
    let (_, p0) = &f.members[0];
    let (org1, _) = &f.members[1];
    let err = consent::respond(&f.store, &a, &f.proposal, org1, p0, &say("consent", ""))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("only for an organisation you belong to"),
        "{err}"
    );
    let err = consent::respond(
        &f.store,
        &a,
        &f.proposal,
        &f.members[0].0,
        p0,
        &say("object", ""),
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("reason"),
        "an objection needs its reason: {err}"
    );
    assert!(consent::responses(&f.store, &f.proposal)
        .await
        .unwrap()
        .is_empty());
}
