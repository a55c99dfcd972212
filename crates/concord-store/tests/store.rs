//! The store against a real database (SQLite, or PostgreSQL when CONCORD_TEST_DATABASE is set).

mod common;
use common::drop_guards;
use concord_domain::{OrganisationDraft, PersonDraft, PlaceDraft};
use concord_store::testing::fresh_store;
use concord_store::{
    accounts, audit, organisations, people, places, Actor, AuditFilter, PageRequest, StoreError,
};

fn admin() -> Actor {
    Actor::system("test")
}

fn org(name: &str, code: &str, org_type: &str, parent: Option<&str>) -> OrganisationDraft {
    OrganisationDraft {
        name: name.into(),
        code: code.into(),
        org_type: org_type.into(),
        parent_id: parent.map(Into::into),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_rejected_write_changes_nothing_and_is_audited() {
    let store = fresh_store().await.unwrap();
    let icb = organisations::create(
        &store,
        &admin(),
        &org("Riverside and Vale ICB", "QRV", "icb", None),
    )
    .await
    .unwrap();
    // Duplicate code (in a different case): rejected against the code field.
    let err = organisations::create(&store, &admin(), &org("Copy", "qrv", "icb", None))
        .await
        .unwrap_err();
    let StoreError::Invalid(errors) = err else {
        panic!("expected a validation error")
    };
    assert_eq!(
        errors.for_field("code"),
        Some("Another organisation already has the code QRV")
    );
    // A practice beneath an ICB breaks the parent rule.
    let err = organisations::create(
        &store,
        &admin(),
        &org("Surgery", "A81001", "gp_practice", Some(&icb)),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref e) if e.for_field("parent_id").is_some()),
        "{err}"
    );
    // Unknown id.
    let err = organisations::update(&store, &admin(), "nope", &org("X", "XX1", "other", None))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        StoreError::NotFound {
            kind: "organisation",
            ..
        }
    ));
    assert_eq!(organisations::count(&store).await.unwrap(), 1);
    let log = audit::list(
        &store,
        &Default::default(),
        &AuditFilter::default(),
        PageRequest::default(),
    )
    .await
    .unwrap();
    let outcomes: Vec<(&str, &str)> = log
        .items
        .iter()
        .rev()
        .map(|r| (r.action.as_str(), r.outcome.as_str()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("organisation.create", "success"),
            ("organisation.create", "rejected"),
            ("organisation.create", "rejected"),
            ("organisation.update", "rejected")
        ]
    );
}

#[tokio::test]
async fn a_person_and_their_membership_are_created_together_or_not_at_all() {
    let store = fresh_store().await.unwrap();
    let trust = organisations::create(
        &store,
        &admin(),
        &org("Vale Community Health", "RV1", "community_trust", None),
    )
    .await
    .unwrap();
    let draft = PersonDraft {
        given_name: "Ngozi".into(),
        family_name: "Okafor".into(),
        email: "ngozi.okafor@nhs.net".into(),
        ..Default::default()
    };
    // A bad role fails the whole creation: no person is left behind.
    assert!(
        people::create_in_organisation(&store, &admin(), &trust, &draft, "emperor")
            .await
            .is_err()
    );
    assert_eq!(people::count(&store).await.unwrap(), 0);
    let id = people::create_in_organisation(&store, &admin(), &trust, &draft, "partner_lead")
        .await
        .unwrap();
    let principal = people::principal(&store, &id).await.unwrap().unwrap();
    assert_eq!(principal.display_name, "Ngozi Okafor");
    assert_eq!(principal.grants.len(), 1);
    assert_eq!(principal.grants[0].organisation_id, trust);
    // The same e-mail cannot be used twice.
    let err = people::create_in_organisation(&store, &admin(), &trust, &draft, "analyst")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref e) if e.for_field("email").is_some()));
}

#[tokio::test]
async fn the_audit_chain_verifies_and_detects_tampering() {
    let store = fresh_store().await.unwrap();
    for i in 0..5 {
        organisations::create(
            &store,
            &admin(),
            &org(&format!("Org {i}"), &format!("ORG{i}"), "vcse", None),
        )
        .await
        .unwrap();
    }
    let report = audit::verify(&store).await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.entries, 5);
    // The table refuses updates...
    let refused = sqlx::query("UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 3")
        .execute(store.pool())
        .await;
    assert!(
        refused.is_err(),
        "the append-only guard should refuse updates"
    );
    // ...and when someone with more power removes the guard and edits an entry, the chain shows it.
    drop_guards(&store).await;
    sqlx::query("UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 3")
        .execute(store.pool())
        .await
        .unwrap();
    let report = audit::verify(&store).await.unwrap();
    assert_eq!(report.first_broken_seq, Some(3), "{report:?}");
    assert!(report.problem.unwrap().contains("altered"));
}

#[tokio::test]
async fn removing_the_newest_audit_entry_is_detected() {
    let store = fresh_store().await.unwrap();
    for i in 0..3 {
        organisations::create(
            &store,
            &admin(),
            &org(&format!("Org {i}"), &format!("ORG{i}"), "vcse", None),
        )
        .await
        .unwrap();
    }
    drop_guards(&store).await;
    sqlx::query("DELETE FROM audit_log WHERE seq = 3")
        .execute(store.pool())
        .await
        .unwrap();
    let report = audit::verify(&store).await.unwrap();
    assert_eq!(report.first_broken_seq, Some(3), "{report:?}");
}

#[tokio::test]
async fn audit_csv_export_neutralises_formulas() {
    let store = fresh_store().await.unwrap();
    organisations::create(
        &store,
        &admin(),
        &org("=HYPERLINK(\"http://evil\")", "EVIL1", "other", None),
    )
    .await
    .unwrap();
    let csv = audit::export_csv(&store, &Default::default(), &AuditFilter::default())
        .await
        .unwrap();
    assert!(csv.starts_with("seq,at_utc,"));
    assert!(!csv.contains(",=HYPERLINK"), "{csv}");
    assert!(
        csv.contains("created Other =HYPERLINK"),
        "the detail is kept, but not at a cell's start: {csv}"
    );
}

#[tokio::test]
async fn throttling_blocks_a_pair_without_locking_out_the_victim_elsewhere() {
    let store = fresh_store().await.unwrap();
    let ccg = organisations::create(&store, &admin(), &org("ICB", "QRV", "icb", None))
        .await
        .unwrap();
    let draft = PersonDraft {
        given_name: "Sam".into(),
        family_name: "Lee".into(),
        email: "sam@nhs.net".into(),
        ..Default::default()
    };
    let person = people::create_in_organisation(&store, &admin(), &ccg, &draft, "analyst")
        .await
        .unwrap();
    // A username longer than 254 characters is refused, not cut short.
    let long = "s".repeat(255);
    let refused =
        accounts::create_account(&store, &admin(), &person, &long, "a-long-enough-password").await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    accounts::create_account(&store, &admin(), &person, "sam", "a-long-enough-password")
        .await
        .unwrap();
    use accounts::SignIn;
    for _ in 0..5 {
        assert_eq!(
            accounts::authenticate(&store, "sam", "wrong-password-x", "10.0.0.66")
                .await
                .unwrap(),
            SignIn::Failed
        );
    }
    // The attacker's client is now throttled, even with the right password...
    assert_eq!(
        accounts::authenticate(&store, "sam", "a-long-enough-password", "10.0.0.66")
            .await
            .unwrap(),
        SignIn::Throttled
    );
    // ...and so is an unknown username after the same number of failures: no difference to observe.
    for _ in 0..5 {
        assert_eq!(
            accounts::authenticate(&store, "nobody", "wrong-password-x", "10.0.0.67")
                .await
                .unwrap(),
            SignIn::Failed
        );
    }
    assert_eq!(
        accounts::authenticate(&store, "nobody", "wrong-password-x", "10.0.0.67")
            .await
            .unwrap(),
        SignIn::Throttled
    );
    // The real person, from their own client, still signs in.
    assert!(matches!(
        accounts::authenticate(&store, "SAM", "a-long-enough-password", "10.0.0.5")
            .await
            .unwrap(),
        SignIn::Success { .. }
    ));
}

#[tokio::test]
async fn neighbourhoods_lie_within_places() {
    let store = fresh_store().await.unwrap();
    let place = places::create(
        &store,
        &admin(),
        &PlaceDraft {
            name: "Riverside".into(),
            kind: "place".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let hood = PlaceDraft {
        name: "Riverside North".into(),
        kind: "neighbourhood".into(),
        parent_id: Some(place.clone()),
        ..Default::default()
    };
    let hood_id = places::create(&store, &admin(), &hood).await.unwrap();
    let nested = PlaceDraft {
        name: "Nested".into(),
        kind: "neighbourhood".into(),
        parent_id: Some(hood_id),
        ..Default::default()
    };
    assert!(places::create(&store, &admin(), &nested).await.is_err());
    assert_eq!(
        places::neighbourhoods(&store, &place).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn a_page_past_the_end_is_empty_but_keeps_the_total() {
    let store = fresh_store().await.unwrap();
    for i in 0..7 {
        organisations::create(
            &store,
            &admin(),
            &org(
                &format!("Practice network {i}"),
                &format!("U1000{i}"),
                "pcn",
                None,
            ),
        )
        .await
        .unwrap();
    }
    let search = organisations::OrganisationSearch {
        q: Some("network".into()),
        ..Default::default()
    };
    let second = organisations::list(&store, &search, PageRequest::new(Some(2), Some(5)))
        .await
        .unwrap();
    assert_eq!((second.items.len(), second.total), (2, 7));
    let beyond = organisations::list(&store, &search, PageRequest::new(Some(9), Some(5)))
        .await
        .unwrap();
    assert_eq!((beyond.items.len(), beyond.total), (0, 7));
    let none = organisations::list(
        &store,
        &organisations::OrganisationSearch {
            q: Some("zzz".into()),
            ..Default::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(none.total, 0);
    // Wildcards in the search text match literally.
    let percent = organisations::list(
        &store,
        &organisations::OrganisationSearch {
            q: Some("%".into()),
            ..Default::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(percent.total, 0);
}
