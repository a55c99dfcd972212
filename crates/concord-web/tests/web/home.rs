//! Each role lands on its own work: after sign-in, the home page lists what needs the person
//! (responses their organisation owes, status reports due, late milestones, actions, worklists),
//! and the menu leads with what their role uses most.

use crate::common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::TestApp;
use concord_domain::meeting::london_date;
use concord_store::{consent, delivery, programmes, strategy};

fn today() -> NaiveDate {
    london_date(chrono::Utc::now())
}

/// The menu's labels, in order.
fn menu(body: &str) -> Vec<String> {
    body.split("class=\"nhsuk-header__navigation-link\" href=\"")
        .skip(1)
        .filter_map(|rest| {
            let text = rest.split_once('>')?.1.split_once('<')?.0;
            Some(text.trim().to_string())
        })
        .collect()
}

#[tokio::test]
async fn every_role_lands_on_its_own_work_with_its_menu_first() {
    let app = TestApp::new().await;
    for (username, leading) in [
        ("admin", "Organisations"),
        ("lead", "Strategy"),
        ("programme", "Programmes"),
        ("analyst", "Population"),
        ("clinician", "Population"),
        ("vcse", "Referrals"),
    ] {
        let mut browser = app.browser(username).await;
        let home = app.get("/", &mut browser).await;
        assert_eq!(home.status, StatusCode::OK, "{username}");
        assert!(home.body.contains("<h1>Your work</h1>"), "{username}");
        let items = menu(&home.body);
        assert_eq!(
            items.first().map(String::as_str),
            Some("Your work"),
            "{username}: {items:?}"
        );
        assert_eq!(items.get(1).map(String::as_str), Some("Search"));
        assert_eq!(
            items.get(2).map(String::as_str),
            Some(leading),
            "{username}: {items:?}"
        );
        // "My work" is the same page, not a second one.
        let same = app.get("/my-work", &mut browser).await;
        assert!(same.body.contains("<h1>Your work</h1>"));
    }
}

#[tokio::test]
async fn a_programme_manager_sees_reports_due_and_every_late_milestone() {
    let app = TestApp::new().await;
    let login = app.login_for("programme").clone();
    let led: Vec<_> = programmes::list(&app.store)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.manager_person_id == login.person_id || p.sro_person_id == login.person_id)
        .collect();
    assert!(
        !led.is_empty(),
        "the demo programme manager runs programmes"
    );
    // Make one milestone late the way the issue found it: forecast in the past, not done.
    let programme = &led[0];
    let late_on = (today() - chrono::Duration::days(32))
        .format("%Y-%m-%d")
        .to_string();
    let draft = concord_domain::programme::MilestoneDraft {
        title: "Go-live review held".into(),
        owner_person_id: login.person_id.clone(),
        baseline_on: late_on.clone(),
        forecast_on: late_on.clone(),
        ..Default::default()
    };
    let actor = concord_store::Actor::system("home page test");
    delivery::save_milestone(&app.store, &actor, &programme.id, None, &draft)
        .await
        .unwrap();
    let mut browser = app.browser("programme").await;
    let home = app.get("/", &mut browser).await;
    let late_part = home
        .body
        .split("id=\"late-milestones\"")
        .nth(1)
        .expect("a late milestones section")
        .split("<h2")
        .next()
        .unwrap()
        .to_string();
    let mut expected = 0;
    for p in &led {
        for m in delivery::milestones_of(&app.store, &p.id).await.unwrap() {
            let forecast = NaiveDate::parse_from_str(&m.forecast_on, "%Y-%m-%d").unwrap();
            let late = m.completed_on.is_none() && forecast < today();
            let shown = late_part.contains(&m.title.replace('\'', "&#39;"));
            assert_eq!(
                shown, late,
                "{}: forecast {} done {:?}",
                m.title, m.forecast_on, m.completed_on
            );
            expected += usize::from(late);
        }
    }
    assert!(expected >= 1);
    assert!(late_part.contains("Go-live review held"));
    // Reports: due exactly where the latest is more than 31 days old.
    for p in led
        .iter()
        .filter(|p| p.status == concord_domain::programme::DeliveryStatus::Active)
    {
        let last = programmes::history(&app.store, &p.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|h| h.kind == "report")
            .map(|h| NaiveDate::parse_from_str(&h.as_of, "%Y-%m-%d").unwrap())
            .max();
        let due = last.is_none_or(|d| (today() - d).num_days() > 31);
        let link = format!("href=\"/programmes/{}/report\"", p.id);
        assert_eq!(home.body.contains(&link), due, "{}", p.name);
    }
}

#[tokio::test]
async fn a_partner_on_the_deciding_board_is_asked_for_their_organisations_response() {
    let app = TestApp::new().await;
    let rounds = strategy::list(&app.store).await.unwrap();
    let mut open = Vec::new();
    for round in &rounds {
        for p in consent::for_round(&app.store, &round.id).await.unwrap() {
            if p.status == concord_domain::consent::ProposalStatus::Open {
                open.push(p);
            }
        }
    }
    assert!(!open.is_empty(), "the demo has an open proposal");
    // Riverside City Council's chief executive sits on the partnership board.
    let mut helen = app.browser("otherlead").await;
    let home = app.get("/", &mut helen).await;
    let proposal = &open[0];
    let answered = consent::responses(&app.store, &proposal.id)
        .await
        .unwrap()
        .iter()
        .any(|r| {
            r.organisation_name.contains("Riverside City Council") && r.version == proposal.version
        });
    assert!(
        !answered,
        "the demo leaves the council's response to be given"
    );
    assert!(home
        .body
        .contains(&format!("href=\"/proposals/{}\"", proposal.id)));
    assert!(home.body.contains("Respond for Riverside City Council"));
    // The proposal page offers her the response form.
    let page = app
        .get(&format!("/proposals/{}", proposal.id), &mut helen)
        .await;
    assert!(
        page.body
            .contains(&format!("/proposals/{}/responses/", proposal.id)),
        "a way to respond"
    );
    // Someone who is not on the board is never asked.
    let mut analyst = app.browser("analyst").await;
    let theirs = app.get("/", &mut analyst).await;
    assert!(!theirs.body.contains("Responses your organisation owes"));
}

#[tokio::test]
async fn a_clinician_reaches_a_worklist_in_one_click_from_home() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_population(dir.path(), 1_500).await;
    let mut clinician = app.browser("clinician").await;
    let home = app.get("/", &mut clinician).await;
    let link = home
        .body
        .split("href=\"/population/cohorts/")
        .nth(1)
        .and_then(|rest| rest.split_once('"'))
        .map(|(id, _)| format!("/population/cohorts/{id}"))
        .expect("a worklist link on the clinician's home");
    assert!(link.ends_with("/worklist"), "{link}");
    let worklist = app.get(&link, &mut clinician).await;
    assert_eq!(worklist.status, StatusCode::OK);
    // The analyst, who may not see names, is offered no worklist.
    let mut analyst = app.browser("analyst").await;
    let theirs = app.get("/", &mut analyst).await;
    assert!(!theirs.body.contains("/worklist\""));
}
