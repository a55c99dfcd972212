//! Seeding the demo makes a system with real proportions, once.

use concord_demo::{seed, DEMO_PASSWORD};
use concord_domain::{BoardKind, OrgType, Role};
use concord_store::organisations::{self, OrganisationSearch};
use concord_store::{accounts, boards, people, places, PageRequest, Store};
use std::collections::HashSet;

async fn of_type(store: &Store, org_type: OrgType) -> Vec<organisations::Organisation> {
    let search = OrganisationSearch {
        org_type: Some(org_type.as_str().into()),
        ..Default::default()
    };
    let page = organisations::list(store, &search, PageRequest::new(Some(1), Some(200)))
        .await
        .unwrap();
    assert!(
        page.items.len() as i64 == page.total,
        "one page holds every {org_type}"
    );
    page.items
}

#[tokio::test]
async fn seeds_a_realistic_system_once() {
    let store = concord_store::testing::fresh_store().await.unwrap();
    let summary = seed(&store).await.unwrap();
    assert!(!summary.already_present);

    // Places: three, about a million residents, each with 3–4 neighbourhoods adding up to it.
    let all_places = places::list(&store).await.unwrap();
    let top: Vec<_> = all_places
        .iter()
        .filter(|p| p.parent_id.is_none())
        .collect();
    assert_eq!(top.len(), 3);
    let residents: i64 = top.iter().filter_map(|p| p.population).sum();
    assert!((900_000..=1_100_000).contains(&residents), "{residents}");
    for place in &top {
        let hoods = places::neighbourhoods(&store, &place.id).await.unwrap();
        assert!((3..=4).contains(&hoods.len()), "{}", place.name);
        assert_eq!(
            hoods.iter().filter_map(|h| h.population).sum::<i64>(),
            place.population.unwrap()
        );
    }
    assert_eq!(summary.places, all_places.len());

    // Organisations, in real proportions.
    assert_eq!(of_type(&store, OrgType::Icb).await.len(), 1);
    let pcns: HashSet<String> = of_type(&store, OrgType::Pcn)
        .await
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(pcns.len(), 20);
    let practices = of_type(&store, OrgType::GpPractice).await;
    assert!((90..=100).contains(&practices.len()), "{}", practices.len());
    for practice in &practices {
        assert!(
            pcns.contains(practice.parent_id.as_deref().unwrap_or("")),
            "{} sits in a PCN",
            practice.name
        );
    }
    assert_eq!(of_type(&store, OrgType::AcuteTrust).await.len(), 2);
    assert_eq!(of_type(&store, OrgType::CommunityTrust).await.len(), 1);
    assert_eq!(of_type(&store, OrgType::MentalHealthTrust).await.len(), 1);
    assert_eq!(of_type(&store, OrgType::Council).await.len(), 3);
    assert_eq!(of_type(&store, OrgType::Vcse).await.len(), 25);
    assert_eq!(of_type(&store, OrgType::Healthwatch).await.len(), 1);
    assert!((1..=2).contains(&of_type(&store, OrgType::Hospice).await.len()));
    for trust in of_type(&store, OrgType::AcuteTrust).await {
        assert!(!organisations::places_served(&store, &trust.id)
            .await
            .unwrap()
            .is_empty());
    }

    // People.
    assert!((250..=350).contains(&summary.people), "{}", summary.people);

    // Boards: one ICB board, one ICP, a board for each place, and programme boards.
    let all_boards = boards::list(&store, None).await.unwrap();
    let kinds = |kind: BoardKind| all_boards.iter().filter(move |b| b.kind == kind);
    assert_eq!(kinds(BoardKind::IcbBoard).count(), 1);
    assert_eq!(kinds(BoardKind::IntegratedCarePartnership).count(), 1);
    assert_eq!(kinds(BoardKind::PlaceBoard).count(), 3);
    assert!(kinds(BoardKind::PlaceBoard).all(|b| b.place_id.is_some()));
    assert!((2..=3).contains(&kinds(BoardKind::ProgrammeBoard).count()));
    let icb_board = kinds(BoardKind::IcbBoard).next().unwrap();
    assert!(
        (10..=14).contains(&icb_board.member_count),
        "{}",
        icb_board.member_count
    );
    for board in &all_boards {
        let members = boards::members(&store, &board.id).await.unwrap();
        assert_eq!(
            members
                .iter()
                .filter(|m| m.board_role.as_str() == "chair")
                .count(),
            1,
            "{}",
            board.name
        );
    }

    // Sign-ins: one per role, each held in its organisation, plus a second organisation's partner lead.
    assert_eq!(summary.logins.len(), 7);
    let roles: HashSet<Role> = summary.logins.iter().map(|l| l.role).collect();
    assert_eq!(roles.len(), Role::ALL.len(), "one sign-in per role");
    for login in &summary.logins {
        assert_eq!(login.password, DEMO_PASSWORD);
        let held = people::memberships_of_person(&store, &login.person_id)
            .await
            .unwrap();
        assert!(
            held.iter()
                .any(|m| m.organisation_id == login.organisation_id && m.role == login.role),
            "{}",
            login.username
        );
        assert_eq!(
            accounts::username_of(&store, &login.person_id)
                .await
                .unwrap()
                .as_deref(),
            Some(login.username.as_str())
        );
    }
    let login = |name: &str| summary.logins.iter().find(|l| l.username == name).unwrap();
    assert_eq!(
        login("lead").organisation_name,
        "Riverside University Hospitals NHS Foundation Trust"
    );
    assert_eq!(
        login("otherlead").organisation_name,
        "Riverside City Council"
    );
    assert_eq!(login("otherlead").role, Role::PartnerLead);
    assert_ne!(
        login("lead").organisation_id,
        login("otherlead").organisation_id
    );

    // Seeding again adds nothing and still reports the sign-ins.
    let again = seed(&store).await.unwrap();
    assert!(again.already_present);
    assert_eq!(
        (
            again.organisations,
            again.places,
            again.people,
            again.boards
        ),
        (
            summary.organisations,
            summary.places,
            summary.people,
            summary.boards
        )
    );
    let ids = |s: &concord_demo::DemoSummary| {
        s.logins
            .iter()
            .map(|l| {
                (
                    l.username.clone(),
                    l.person_id.clone(),
                    l.organisation_id.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&again), ids(&summary));
    assert!(concord_store::audit::verify(&store)
        .await
        .unwrap()
        .is_intact());

    // A year of finance for every NHS body, the two rule sets, two pooled budgets.
    let years = concord_store::finance::years(&store).await.unwrap();
    assert_eq!(years.len(), 2);
    let last = &years[1];
    let o = concord_app::finance::overview(&store, last, None)
        .await
        .unwrap();
    assert_eq!(o.bodies.len(), 5, "the ICB and four trusts");
    assert!(o.bodies.iter().all(|b| b.has_duty));
    assert_eq!(o.as_at_month, Some(11), "last year is reported in full");
    assert_eq!(o.pools.len(), 2);
    assert_eq!(o.efficiency.len(), 5);
    assert_ne!(years[0].breakeven_rule, years[1].breakeven_rule);
}
