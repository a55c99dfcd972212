//! Population data in the operational database: practices' networks and places, saved cohorts
//! (checked as they are saved), registered lists (all or nothing, never echoing a value) and
//! break-glass views.

use concord_domain::{OrganisationDraft, PlaceDraft};
use concord_store::population::{self, parse_registered_list};
use concord_store::testing::fresh_store;
use concord_store::{
    audit, organisations, places, Actor, AuditFilter, PageRequest, Store, StoreError,
};

async fn organisation(
    store: &Store,
    name: &str,
    code: &str,
    kind: &str,
    parent: Option<&str>,
) -> String {
    let draft = OrganisationDraft {
        name: name.into(),
        code: code.into(),
        org_type: kind.into(),
        parent_id: parent.map(str::to_string),
        ..Default::default()
    };
    organisations::create(store, &Actor::system("test"), &draft)
        .await
        .unwrap()
}

#[tokio::test]
async fn practices_are_found_with_their_network_and_place() {
    let store = fresh_store().await.unwrap();
    let actor = Actor::system("test");
    let place = places::create(
        &store,
        &actor,
        &PlaceDraft {
            name: "Riverside".into(),
            kind: "place".into(),
            description: Some("The city".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let pcn = organisation(&store, "Docklands PCN", "U60001", "pcn", None).await;
    let practice = organisation(&store, "Quay Surgery", "M81001", "gp_practice", Some(&pcn)).await;
    organisations::set_places_served(&store, &actor, &practice, &[place])
        .await
        .unwrap();
    organisation(&store, "Lone Surgery", "M81002", "gp_practice", None).await;
    let networks = population::practice_networks(&store).await.unwrap();
    assert_eq!(networks.len(), 1, "a practice with no network is left out");
    assert_eq!(
        (
            networks[0].code.as_str(),
            networks[0].pcn.as_str(),
            networks[0].place.as_str()
        ),
        ("M81001", "Docklands PCN", "Riverside")
    );
}

const COHORT: &str = "name = \"Older people\"\nwhere = \"age >= 65\"\n";

#[tokio::test]
async fn cohorts_are_checked_when_saved_and_changes_are_audited() {
    let store = fresh_store().await.unwrap();
    let actor = Actor::system("test");
    let icb = organisation(&store, "ICB", "QRV", "icb", None).await;
    let id = population::save_cohort(&store, &actor, None, &icb, COHORT)
        .await
        .unwrap();
    let saved = population::cohort(&store, &id).await.unwrap();
    assert_eq!(
        (saved.name.as_str(), saved.owner_name.as_str()),
        ("Older people", "ICB")
    );
    let bad = "name = \"Broken\"\nwhere = \"age >= \"\n";
    match population::save_cohort(&store, &actor, Some(&id), &icb, bad).await {
        Err(StoreError::Invalid(errors)) => {
            assert_eq!(errors.0[0].field, "definition");
            assert!(
                errors.0[0].message.contains("line 2"),
                "{}",
                errors.0[0].message
            );
        }
        other => panic!("{other:?}"),
    }
    let from_file = "name = \"F\"\n[codelists]\nx = { file = \"x.csv\" }\n";
    assert!(
        population::save_cohort(&store, &actor, None, &icb, from_file)
            .await
            .is_err()
    );
    assert_eq!(
        population::cohort(&store, &id).await.unwrap().name,
        "Older people",
        "unchanged"
    );
    let entries = audit::list(
        &store,
        &Default::default(),
        &AuditFilter {
            action: Some("cohort.update".into()),
            ..Default::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert!(entries.items.iter().any(|e| e.outcome == "rejected"));
}

#[tokio::test]
async fn a_registered_list_is_all_or_nothing_and_names_lines_not_values() {
    let store = fresh_store().await.unwrap();
    let actor = Actor::system("test");
    let practice = organisation(&store, "Quay Surgery", "M81001", "gp_practice", None).await;
    let good = "nhs_number,given_name,family_name,birth_date,sex,postcode\n943 476 5919,Ann,Smith,1941-06-17,female,RV1 2AB\n4010232137,Bob,Jones,1950-03-02,male,RV1 3CD\n";
    let patients = parse_registered_list(good.as_bytes()).unwrap();
    population::replace_registered_list(&store, &actor, &practice, &patients, "abc")
        .await
        .unwrap();
    let list = population::registered_list(&store, &practice)
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].family_name, "Jones", "by family name");
    assert_eq!(list[1].nhs_number, "9434765919", "spaces removed");
    let bad = "nhs_number,given_name,family_name,birth_date,sex,postcode\n9434765918,Ann,Smith,1941-06-17,female,X\n4010232137,,Jones,1950-13-02,male,X\n4010232137,Bob,Jones,1950-03-02,male,X\n";
    let Err(StoreError::Invalid(errors)) = parse_registered_list(bad.as_bytes()) else {
        panic!("refused")
    };
    let messages: Vec<String> = errors
        .0
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("nhs_number: line 2") && m.contains("check digit")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with("birth_date: line 3")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with("given_name: line 3")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("nhs_number: line 4") && m.contains("already")),
        "{messages:?}"
    );
    assert!(
        messages.iter().all(|m| !m.contains("9434765918")),
        "no value is echoed"
    );
    assert_eq!(
        population::registered_list(&store, &practice)
            .await
            .unwrap()
            .len(),
        2,
        "the old list stands"
    );
    let missing = parse_registered_list("nhs_number,given_name\n".as_bytes());
    assert!(
        matches!(missing, Err(StoreError::Invalid(e)) if e.0[0].message.contains("family_name"))
    );
}

#[tokio::test]
async fn a_registered_list_may_say_ethnic_category_and_a_bad_code_is_named() {
    let store = fresh_store().await.unwrap();
    let actor = Actor::system("test");
    let practice = organisation(&store, "Quay Surgery", "M81001", "gp_practice", None).await;
    let good = "nhs_number,given_name,family_name,birth_date,sex,postcode,ethnic_category\n\
                943 476 5919,Ann,Smith,1941-06-17,female,RV1 2AB,n\n\
                4010232137,Bob,Jones,1950-03-02,male,RV1 3CD,Z\n";
    let patients = parse_registered_list(good.as_bytes()).unwrap();
    population::replace_registered_list(&store, &actor, &practice, &patients, "abc")
        .await
        .unwrap();
    let list = population::registered_list(&store, &practice)
        .await
        .unwrap();
    assert_eq!(list[0].ethnic_category, None, "Z is not stated");
    assert_eq!(list[1].ethnic_category.as_deref(), Some("N"), "upper case");
    let bad = "nhs_number,given_name,family_name,birth_date,sex,postcode,ethnic_category\n\
               9434765919,Ann,Smith,1941-06-17,female,RV1 2AB,African\n";
    let Err(StoreError::Invalid(errors)) = parse_registered_list(bad.as_bytes()) else {
        panic!("refused")
    };
    assert_eq!(errors.0[0].field, "ethnic_category");
    assert!(errors.0[0]
        .message
        .starts_with("line 2: not an NHS ethnic category code"));
    assert!(
        !errors.0[0].message.contains("African"),
        "no value is echoed"
    );
    let missing = parse_registered_list("nhs_number,given_name\n".as_bytes());
    assert!(
        matches!(missing, Err(StoreError::Invalid(e)) if e.0[0].message.contains("family_name"))
    );
}
