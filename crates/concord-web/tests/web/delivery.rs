//! Govern and deliver over HTTP: programme pages open to all, edits for the programme's leaders,
//! decisions recorded by board members flowing into the next board pack, confidential items kept
//! from non-members everywhere they could show.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use concord_store::{boards, meetings, programmes};

async fn programme_named(app: &TestApp, name: &str) -> programmes::Programme {
    programmes::list(&app.store)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("demo programme {name}"))
}

#[tokio::test]
async fn everyone_signed_in_reads_every_programme_page_and_the_public_does_not() {
    let app = TestApp::new().await;
    let all = programmes::list(&app.store).await.unwrap();
    assert!(all.len() >= 6, "the demo has at least six programmes");
    let mut vcse = app.browser("vcse").await;
    let list = app.get("/programmes", &mut vcse).await;
    assert_eq!(list.status, StatusCode::OK);
    for p in &all {
        let shown = p.name.replace('\'', "&#39;");
        assert!(list.body.contains(&shown), "{} listed", p.name);
        let page = app.get(&format!("/programmes/{}", p.id), &mut vcse).await;
        assert_eq!(page.status, StatusCode::OK, "{}", p.name);
        for section in [
            "RAG over time",
            "Milestones",
            "Risks",
            "Benefits",
            "Who gains and who pays",
            "History",
        ] {
            assert!(page.body.contains(section), "{section} on {}", p.name);
        }
        let highlight = app
            .get(&format!("/programmes/{}/highlight", p.id), &mut vcse)
            .await;
        assert_eq!(highlight.status, StatusCode::OK);
        assert!(highlight.body.contains("Top risks"));
    }
    for path in ["/dependencies", "/my-work"] {
        assert_eq!(
            app.get(path, &mut vcse).await.status,
            StatusCode::OK,
            "{path}"
        );
    }
    let mut public = common::Browser::default();
    let refused = app.get("/programmes", &mut public).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_programme_manager_reports_on_her_programme_and_not_on_anothers() {
    let app = TestApp::new().await;
    let msk = programme_named(&app, "MSK first-contact physiotherapy").await;
    let frailty = programme_named(&app, "Frailty virtual ward").await;
    let mut priya = app.browser("programme").await;
    let report = [
        ("as_of", "2026-11-30"),
        ("status", "active"),
        ("rag", "red"),
        ("rag_reason", "Two PCNs withdrew their rooms"),
        ("progress", "Room search under way"),
    ];
    let saved = app
        .post(
            &format!("/programmes/{}/report", msk.id),
            &mut priya,
            &report,
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let history = programmes::history(&app.store, &msk.id).await.unwrap();
    assert!(history
        .iter()
        .any(|h| h.rag_reason == "Two PCNs withdrew their rooms"));
    let refused = app
        .post(
            &format!("/programmes/{}/report", frailty.id),
            &mut priya,
            &report,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let form = app
        .get(
            &format!("/programmes/{}/report/new", frailty.id),
            &mut priya,
        )
        .await;
    assert_eq!(form.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_bad_risk_is_refused_naming_the_field_and_nothing_is_kept() {
    let app = TestApp::new().await;
    let msk = programme_named(&app, "MSK first-contact physiotherapy").await;
    let before = programmes::history(&app.store, &msk.id)
        .await
        .unwrap()
        .len();
    let mut priya = app.browser("programme").await;
    let reply = app
        .post(
            &format!("/programmes/{}/risks", msk.id),
            &mut priya,
            &[
                ("title", "Clinic rooms"),
                ("owner_person_id", &msk.manager_person_id),
                ("likelihood", "7"),
                ("impact", "3"),
                ("target_likelihood", "1"),
                ("target_impact", "1"),
                ("mitigations", "Room audit"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Select the likelihood, from 1 to 5"));
    assert!(reply.body.contains("href=\"#likelihood\""));
    let viewer = meetings::scope_of(&app.store, &msk.manager_person_id)
        .await
        .unwrap();
    let risks = concord_store::raid::risks_of(&app.store, &viewer, &msk.id)
        .await
        .unwrap();
    assert!(risks.iter().all(|r| r.title != "Clinic rooms"));
    assert_eq!(
        programmes::history(&app.store, &msk.id)
            .await
            .unwrap()
            .len(),
        before
    );
}

/// The next (not yet held) meeting of a programme's board.
async fn upcoming_meeting(app: &TestApp, programme: &programmes::Programme) -> meetings::Meeting {
    let board = programme.board_id.clone().unwrap();
    let mut all = meetings::meetings_of(&app.store, &board).await.unwrap();
    all.sort_by(|a, b| a.held_on.cmp(&b.held_on));
    all.pop().expect("the demo board has meetings")
}

#[tokio::test]
async fn a_board_member_records_a_decision_and_it_appears_in_the_board_pack() {
    let app = TestApp::new().await;
    let msk = programme_named(&app, "MSK first-contact physiotherapy").await;
    let meeting = upcoming_meeting(&app, &msk).await;
    let mut priya = app.browser("programme").await;
    let form = app
        .get(
            &format!("/meetings/{}/decisions/new", meeting.id),
            &mut priya,
        )
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let saved = app
        .post(
            &format!("/meetings/{}/decisions", meeting.id),
            &mut priya,
            &[
                ("title", "Fund room hire in two PCNs"),
                ("decision", "Fund room hire for six months from contingency"),
                (
                    "options_considered",
                    "Room hire; share GP rooms; pause the two PCNs",
                ),
                ("decided_by", "The board, by consensus"),
                ("programme_id", &msk.id),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let mut analyst = app.browser("analyst").await;
    let pack = app
        .get(&format!("/meetings/{}/pack", meeting.id), &mut analyst)
        .await;
    assert_eq!(pack.status, StatusCode::OK);
    assert!(pack.body.contains("Fund room hire in two PCNs"));
    assert!(pack.body.contains(&msk.name));
    // Every agenda item for decision is listed under "Decisions needed", decided since or not.
    let scope = meetings::operator_scope(&app.store).await.unwrap();
    let agenda = meetings::agenda(&app.store, &scope, &meeting)
        .await
        .unwrap()
        .items;
    let for_decision: Vec<_> = agenda
        .iter()
        .filter(|i| {
            i.purpose == concord_domain::meeting::AgendaPurpose::Decision && !i.confidential
        })
        .collect();
    let needed = pack
        .body
        .split("<h3>Decisions needed</h3>")
        .nth(1)
        .expect("a decisions needed section")
        .split("</ul>")
        .next()
        .unwrap();
    for item in &for_decision {
        assert!(
            needed.contains(&item.title.replace('\'', "&#39;")),
            "{} listed",
            item.title
        );
    }
    if for_decision.is_empty() {
        assert!(needed.contains("No item on the agenda is for decision"));
    }
    // Someone who does not sit on the board cannot record one.
    let refused = app
        .post(
            &format!("/meetings/{}/decisions", meeting.id),
            &mut analyst,
            &[("title", "x")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn confidential_items_are_withheld_from_non_members_in_meeting_pages_and_packs() {
    let app = TestApp::new().await;
    let msk = programme_named(&app, "MSK first-contact physiotherapy").await;
    let board = msk.board_id.clone().unwrap();
    let meeting = upcoming_meeting(&app, &msk).await;
    let mut priya = app.browser("programme").await;
    let secret = "Provider X contract dispute";
    let added = app
        .post(
            &format!("/meetings/{}/agenda", meeting.id),
            &mut priya,
            &[
                ("title", secret),
                ("purpose", "discussion"),
                ("confidential", "true"),
            ],
        )
        .await;
    // Priya is a member of the board, not its chair nor the host's lead: she may not build agendas.
    assert_eq!(added.status, StatusCode::FORBIDDEN);
    let members = boards::members(&app.store, &board).await.unwrap();
    let chair = &members[0];
    let chair_actor = concord_store::Actor {
        person_id: Some(chair.person_id.clone()),
        ..concord_store::Actor::system("chair")
    };
    meetings::add_agenda_item(
        &app.store,
        &chair_actor,
        &meeting.id,
        &concord_domain::meeting::AgendaItemDraft {
            title: secret.into(),
            purpose: "discussion".into(),
            confidential: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for path in [
        format!("/meetings/{}", meeting.id),
        format!("/meetings/{}/pack", meeting.id),
    ] {
        let member_view = app.get(&path, &mut priya).await;
        assert!(
            member_view.body.contains(secret),
            "member sees it on {path}"
        );
        let mut analyst = app.browser("analyst").await;
        let outsider_view = app.get(&path, &mut analyst).await;
        assert_eq!(outsider_view.status, StatusCode::OK);
        assert!(
            !outsider_view.body.contains(secret),
            "outsider does not see it on {path}"
        );
        assert!(
            outsider_view.body.contains("confidential item"),
            "{path} says items were withheld"
        );
    }
}

#[tokio::test]
async fn my_work_lists_a_persons_actions_across_boards_and_marks_one_done() {
    let app = TestApp::new().await;
    let login = app.login_for("programme").clone();
    let now = chrono::Utc::now();
    for (title, due) in [
        ("Send the room audit", "2020-01-31"),
        ("Book the evaluation", "2099-01-31"),
    ] {
        meetings::set_action(
            &app.store,
            &concord_store::Actor::system("test"),
            None,
            &concord_domain::meeting::ActionDraft {
                title: title.into(),
                owner_person_id: login.person_id.clone(),
                due_on: due.into(),
                programme_id: String::new(),
            },
        )
        .await
        .unwrap();
    }
    let mut priya = app.browser("programme").await;
    let page = app.get("/my-work", &mut priya).await;
    assert!(page.body.contains("Send the room audit"));
    assert!(page.body.contains("Overdue"));
    let mine = meetings::actions_owned_by(&app.store, &login.person_id, now)
        .await
        .unwrap();
    let action = mine
        .iter()
        .find(|a| a.title == "Send the room audit")
        .unwrap();
    let done = app
        .post(
            &format!("/actions/{}/complete", action.id),
            &mut priya,
            &[("back", "/my-work")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    // The page it goes on to confirms it, once.
    let confirmed = app.get(done.location(), &mut priya).await;
    assert!(
        confirmed.body.contains("data-testid=\"notice\"")
            && confirmed
                .body
                .contains("The action has been marked as done."),
        "a success banner after marking an action done"
    );
    let again = app.get("/my-work", &mut priya).await;
    assert!(
        !again.body.contains("data-testid=\"notice\""),
        "the banner is shown only once"
    );
    // A notice cannot be made to say something of the sender's choosing.
    priya.cookies.push((
        "__Host-concord-notice".into(),
        "Your%20account%20is%20locked".into(),
    ));
    let forged = app.get("/my-work", &mut priya).await;
    assert!(!forged.body.contains("data-testid=\"notice\""));
    assert!(!forged.body.contains("locked"));
    let after = meetings::actions_owned_by(&app.store, &login.person_id, now)
        .await
        .unwrap();
    assert!(after.iter().all(|a| a.title != "Send the room audit"));
    // Someone else cannot close it for her.
    let other = after
        .iter()
        .find(|a| a.title == "Book the evaluation")
        .unwrap();
    let mut vcse = app.browser("vcse").await;
    let refused = app
        .post(&format!("/actions/{}/complete", other.id), &mut vcse, &[])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_board_pack_and_highlight_report_print_to_pdf_when_chromium_is_installed() {
    if concord_web::pdf::chromium().is_none() {
        eprintln!("skipped: no Chromium on this machine (CI installs it)");
        return;
    }
    let app = TestApp::new().await;
    let msk = programme_named(&app, "MSK first-contact physiotherapy").await;
    let meeting = upcoming_meeting(&app, &msk).await;
    let mut vcse = app.browser("vcse").await;
    for path in [
        format!("/meetings/{}/pack.pdf", meeting.id),
        format!("/programmes/{}/highlight.pdf", msk.id),
    ] {
        let reply = app.get(&path, &mut vcse).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
        assert_eq!(reply.headers["content-type"], "application/pdf");
        assert!(reply.body.starts_with("%PDF"), "{path} is a PDF");
    }
}

#[tokio::test]
async fn the_demo_pdsa_project_shows_its_run_chart_with_the_median_and_a_shift() {
    let app = TestApp::new().await;
    let project = concord_store::improvement::list(&app.store, None)
        .await
        .unwrap()
        .remove(0);
    let readings = concord_store::improvement::readings(&app.store, &project.id)
        .await
        .unwrap();
    assert_eq!(readings.len(), 24);
    let mut values: Vec<f64> = readings.iter().map(|r| r.value).collect();
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = (values[11] + values[12]) / 2.0;
    let mut clinician = app.browser("clinician").await;
    let page = app
        .get(&format!("/improvement/{}", project.id), &mut clinician)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("median {median}")),
        "median {median} shown"
    );
    assert!(
        page.body.contains("Shift:") || page.body.contains("shift"),
        "a shift is reported"
    );
    assert!(page.body.contains("Perla"), "the rules' source is cited");
    assert!(page.body.contains("concord-run-point--signal"));
    // The clinician leads it, so the PDSA cycle she runs is in her work.
    let work = app.get("/my-work", &mut clinician).await;
    assert!(work.body.contains("Warm handover in two GP rooms"));
}

#[tokio::test]
async fn moving_a_milestone_forecast_keeps_its_baseline_so_slippage_shows() {
    let app = TestApp::new().await;
    let msk = programme_named(&app, "MSK first-contact physiotherapy").await;
    let open = concord_store::delivery::milestones_of(&app.store, &msk.id)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.completed_on.is_none())
        .expect("an open demo milestone");
    let mut priya = app.browser("programme").await;
    let form = app
        .get(
            &format!("/programmes/{}/milestones/{}/edit", msk.id, open.id),
            &mut priya,
        )
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let baseline = chrono::NaiveDate::parse_from_str(&open.baseline_on, "%Y-%m-%d").unwrap();
    let forecast = (baseline + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let saved = app
        .post(
            &format!("/programmes/{}/milestones/{}/edit", msk.id, open.id),
            &mut priya,
            &[
                ("title", open.title.as_str()),
                ("owner_person_id", open.owner_person_id.as_str()),
                ("baseline_on", "2000-01-01"),
                ("forecast_on", forecast.as_str()),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = concord_store::delivery::milestones_of(&app.store, &msk.id)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.id == open.id)
        .unwrap();
    assert_eq!(
        after.baseline_on, open.baseline_on,
        "the baseline never moves"
    );
    assert_eq!(after.forecast_on, forecast);
    assert_eq!(after.slippage_days, 30);
}
