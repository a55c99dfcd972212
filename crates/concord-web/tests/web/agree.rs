//! Agree over HTTP: partners give their views, the alignment view computes from them, and bad input
//! is refused with the field named.

use crate::common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use concord_store::strategy;
use serde_json::json;

async fn demo_round(app: &TestApp) -> strategy::Round {
    strategy::list(&app.store)
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("the demo has a strategy round")
}

#[tokio::test]
async fn the_alignment_view_shows_consensus_heat_map_and_contested_areas() {
    let app = TestApp::new().await;
    let round = demo_round(&app).await;
    let mut browser = app.browser("programme").await;
    let page = app
        .get(&format!("/rounds/{}/alignment", round.id), &mut browser)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Consensus ranking",
        "Schulze",
        "Most contested",
        "Agreement by partner type",
        "Council and NHS",
        "concord-heat-",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    // The same report over the API agrees with the engine's definition on the stored views.
    let token = app.token("programme").await;
    let report = app
        .api(
            Method::GET,
            &format!("/api/v1/rounds/{}/alignment", round.id),
            Some(&token),
            None,
        )
        .await
        .json();
    let views = strategy::views(&app.store, &round.id).await.unwrap();
    assert_eq!(report["partners"].as_array().unwrap().len(), views.len());
    assert_eq!(report["consensus"]["ranking"].as_array().unwrap().len(), 12);
}

#[tokio::test]
async fn a_partner_lead_records_their_organisations_view_and_only_theirs() {
    let app = TestApp::new().await;
    let round = demo_round(&app).await;
    let lead = app.login_for("lead").clone();
    let areas = strategy::areas(&app.store, &round.id).await.unwrap();
    let token = app.token("lead").await;
    let path = format!("/api/v1/rounds/{}/views/{}", round.id, lead.organisation_id);
    let view = json!({"ranks": [{"area_id": areas[0].id, "rank": 1}, {"area_id": areas[1].id, "rank": 1}], "aims": "Shorter waits."});
    let reply = app.api(Method::PUT, &path, Some(&token), Some(view)).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
    let stored = strategy::views(&app.store, &round.id)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.organisation_id == lead.organisation_id)
        .unwrap();
    assert_eq!(
        stored.ranks.len(),
        2,
        "a partial ranking with a tie replaces the earlier view"
    );
    assert_eq!(stored.aims, "Shorter waits.");
    // Bad input: an unknown area, a rank out of range, no aims; each named, nothing changed.
    let bad = json!({"ranks": [{"area_id": "nope", "rank": 1}, {"area_id": areas[2].id, "rank": 99}], "aims": ""});
    let reply = app.api(Method::PUT, &path, Some(&token), Some(bad)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = reply.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["ranks[0]", "ranks[1]", "aims"]);
    let unchanged = strategy::views(&app.store, &round.id)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.organisation_id == lead.organisation_id)
        .unwrap();
    assert_eq!(unchanged, stored);
    // Another organisation's view is not theirs to give.
    let other = app.login_for("otherlead").organisation_id.clone();
    let reply = app
        .api(
            Method::PUT,
            &format!("/api/v1/rounds/{}/views/{other}", round.id),
            Some(&token),
            Some(json!({"ranks": [], "aims": "x"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_view_form_saves_and_redirects_to_the_alignment() {
    let app = TestApp::new().await;
    let round = demo_round(&app).await;
    let lead = app.login_for("otherlead").clone();
    let areas = strategy::areas(&app.store, &round.id).await.unwrap();
    let mut browser = app.browser("otherlead").await;
    let path = format!("/rounds/{}/views/{}", round.id, lead.organisation_id);
    let form = app.get(&path, &mut browser).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&areas[0].name));
    let field = format!("rank_{}", areas[3].id);
    let reply = app
        .post(
            &path,
            &mut browser,
            &[(field.as_str(), "1"), ("aims", "Prevention first.")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), format!("/rounds/{}/alignment", round.id));
    let missing_aims = app
        .post(&path, &mut browser, &[(field.as_str(), "1"), ("aims", "")])
        .await;
    assert_eq!(missing_aims.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing_aims
            .body
            .contains("Enter your organisation&#39;s aims")
            || missing_aims.body.contains("Enter your organisation's aims")
    );
}

#[tokio::test]
async fn an_objective_needs_a_measurable_target_and_priorities_need_reasons() {
    let app = TestApp::new().await;
    let round = demo_round(&app).await;
    let token = app.token("admin").await;
    let before = concord_store::objectives::objectives(&app.store, &round.id)
        .await
        .unwrap()
        .len();
    let areas = strategy::areas(&app.store, &round.id).await.unwrap();
    let owner = app.login_for("lead").organisation_id.clone();
    let mut objective = json!({"outcome": "Shorter waits", "metric": "Patients waiting over 52 weeks", "unit": "patients",
        "baseline": "1450", "target": "", "target_date": "2028-03-31", "owner_organisation_id": owner, "area_ids": [areas[0].id]});
    let path = format!("/api/v1/rounds/{}/objectives", round.id);
    let reply = app
        .api(Method::POST, &path, Some(&token), Some(objective.clone()))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json()["errors"][0]["field"], "target");
    assert_eq!(
        reply.json()["errors"][0]["message"],
        "Enter a measurable target: the number to reach"
    );
    assert_eq!(
        concord_store::objectives::objectives(&app.store, &round.id)
            .await
            .unwrap()
            .len(),
        before,
        "nothing added"
    );
    objective["target"] = json!("0");
    let reply = app
        .api(Method::POST, &path, Some(&token), Some(objective))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);

    let mut browser = app.browser("admin").await;
    let area = &areas[0];
    let form_path = format!("/rounds/{}/areas/{}/priority", round.id, area.id);
    let missing = app
        .post(
            &form_path,
            &mut browser,
            &[
                ("stance", "deprioritise"),
                ("rationale", ""),
                ("decision", ""),
            ],
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("Enter the reason for this decision"));
    let ok = app
        .post(
            &form_path,
            &mut browser,
            &[
                ("stance", "deprioritise"),
                ("rationale", "Funded elsewhere."),
                ("decision", "ICP, 14 January 2027"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let stored = concord_store::objectives::priorities(&app.store, &round.id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.area_id == area.id)
        .unwrap();
    assert_eq!(
        stored.stance,
        Some(concord_domain::strategy::PriorityStance::Deprioritise)
    );
}

#[tokio::test]
async fn residents_read_published_plans_without_signing_in() {
    let app = TestApp::new().await;
    let round = demo_round(&app).await;
    let mut anonymous = common::Browser::default();
    let page = app
        .get(&format!("/public/rounds/{}", round.id), &mut anonymous)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Not yet agreed",
        "Prioritise (4)",
        "De-prioritise (2)",
        "Musculoskeletal (MSK) services",
        "Fewer adults smoking",
        "partner organisations",
    ] {
        assert!(
            page.body.contains(text),
            "{text} missing from the public page"
        );
    }
    assert!(app
        .get("/public", &mut anonymous)
        .await
        .body
        .contains(&round.title));
    // A round still being drafted is not published.
    let board = concord_store::boards::list(&app.store, None).await.unwrap()[0]
        .id
        .clone();
    let draft = concord_domain::strategy::RoundDraft {
        title: "Secret draft".into(),
        stage: "drafting".into(),
        opens_on: "2027-01-01".into(),
        closes_on: "2027-02-01".into(),
        summary: None,
    };
    let hidden = strategy::create(
        &app.store,
        &concord_store::Actor::system("test"),
        &board,
        &draft,
    )
    .await
    .unwrap();
    assert_eq!(
        app.get(&format!("/public/rounds/{hidden}"), &mut anonymous)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(!app
        .get("/public", &mut anonymous)
        .await
        .body
        .contains("Secret draft"));
}

#[tokio::test]
async fn a_board_member_responds_and_the_outcome_follows_the_rules() {
    let app = TestApp::new().await;
    let round = demo_round(&app).await;
    let proposal = concord_store::consent::for_round(&app.store, &round.id)
        .await
        .unwrap()
        .remove(0);
    let helen = app.login_for("otherlead").clone();
    let mut browser = app.browser("otherlead").await;
    let page = app
        .get(&format!("/proposals/{}", proposal.id), &mut browser)
        .await;
    assert!(
        page.body
            .contains(&format!("Respond for {}", helen.organisation_name)),
        "the council's chief executive sits on the partnership"
    );
    let path = format!(
        "/proposals/{}/responses/{}",
        proposal.id, helen.organisation_id
    );
    // An objection needs a reason; with one, it blocks adoption.
    let refused = app
        .post(&path, &mut browser, &[("kind", "object"), ("text", "")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let objected = app
        .post(
            &path,
            &mut browser,
            &[
                ("kind", "object"),
                ("text", "Social care is missing from the plan"),
            ],
        )
        .await;
    assert_eq!(objected.status, StatusCode::SEE_OTHER);
    let page = app
        .get(&format!("/proposals/{}", proposal.id), &mut browser)
        .await;
    assert!(page.body.contains("Blocked:"), "{}", page.body);
    let mut admin = app.browser("admin").await;
    let adopt = app
        .post(
            &format!("/proposals/{}/decision", proposal.id),
            &mut admin,
            &[
                ("decision", "adopt"),
                ("outcome", "Adopted by the partnership on 2 December"),
            ],
        )
        .await;
    assert_eq!(adopt.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(adopt
        .body
        .contains("The objection must be withdrawn or the proposal amended"));
    // The error is on the decision, and what was typed is kept.
    assert!(
        adopt.body.contains("href=\"#decision\""),
        "summary links to the decision"
    );
    assert!(adopt.body.contains("id=\"decision-error\""));
    assert!(adopt
        .body
        .contains("Adopted by the partnership on 2 December"));
    // And the page no longer offers "Adopted" while it cannot be adopted, saying why.
    let offered = app
        .get(&format!("/proposals/{}", proposal.id), &mut admin)
        .await;
    assert!(!offered.body.contains("id=\"decision-adopt\""));
    assert!(offered.body.contains("It cannot be adopted yet. Blocked:"));
    assert!(offered.body.contains("id=\"decision-not\""));
    // Someone who is not on the partnership cannot respond, even for their own organisation.
    let lead = app.login_for("lead").clone();
    let mut lead_browser = app.browser("lead").await;
    let denied = app
        .post(
            &format!(
                "/proposals/{}/responses/{}",
                proposal.id, lead.organisation_id
            ),
            &mut lead_browser,
            &[("kind", "consent")],
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    // The public page names who consents and who objects.
    let mut anonymous = common::Browser::default();
    let public = app
        .get(&format!("/public/rounds/{}", round.id), &mut anonymous)
        .await;
    assert!(public
        .body
        .contains(&format!("Partners objecting: {}", helen.organisation_name)));
}

#[tokio::test]
async fn the_vision_keeps_every_version_compares_them_and_takes_comments() {
    let app = TestApp::new().await;
    let round = demo_round(&app).await;
    let mut admin = app.browser("admin").await;
    let before = concord_store::vision::versions(&app.store, &round.id)
        .await
        .unwrap();
    assert_eq!(before.len(), 2, "the demo has two drafts");
    // Saving the same text again is refused: a version must change something.
    let same = app
        .post(
            &format!("/rounds/{}/vision", round.id),
            &mut admin,
            &[("text", before[0].text.as_str())],
        )
        .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = app
        .post(
            &format!("/rounds/{}/vision", round.id),
            &mut admin,
            &[(
                "text",
                "Healthier, longer and connected lives for everyone.",
            )],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        concord_store::vision::versions(&app.store, &round.id)
            .await
            .unwrap()
            .len(),
        3
    );
    let diff = app
        .get(
            &format!("/rounds/{}/vision/diff?from=1&to=2", round.id),
            &mut admin,
        )
        .await;
    assert!(
        diff.body
            .contains("<ins><span class=\"nhsuk-u-visually-hidden\">[added: </span>"),
        "the comparison marks added words"
    );
    assert!(diff.body.contains("connected"));
    assert_eq!(
        app.get(
            &format!("/rounds/{}/vision/diff?from=1&to=9", round.id),
            &mut admin
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // Any partner's person may comment; an empty comment is refused.
    let mut vcse = app.browser("vcse").await;
    let path = format!("/rounds/{}/vision/comments", round.id);
    assert_eq!(
        app.post(&path, &mut vcse, &[("version", "3"), ("text", "")])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.post(
            &path,
            &mut vcse,
            &[("version", "3"), ("text", "Say who does what.")]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let comments = concord_store::vision::comments(&app.store, &round.id)
        .await
        .unwrap();
    let last = comments.last().unwrap();
    assert_eq!(
        (last.version, last.author_name.as_str()),
        (3, app.login_for("vcse").person_name.as_str())
    );
}

#[tokio::test]
async fn the_whole_consent_cycle_runs_through_the_api() {
    let app = TestApp::new().await;
    let admin = app.token("admin").await;
    let lead = app.login_for("lead").clone();
    let lead_token = app.token("lead").await;
    // The lead's trust hosts a board; the lead sits on it and opens a round there.
    let board = concord_store::boards::create(
        &app.store,
        &concord_store::Actor::system("test"),
        &concord_domain::BoardDraft {
            name: "Trust board".into(),
            kind: "committee".into(),
            organisation_id: lead.organisation_id.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let seat = concord_store::boards::BoardMemberDraft {
        person_id: lead.person_id.clone(),
        board_role: "chair".into(),
    };
    concord_store::boards::set_member(
        &app.store,
        &concord_store::Actor::system("test"),
        &board,
        &seat,
    )
    .await
    .unwrap();
    let round = app.api(Method::POST, &format!("/api/v1/boards/{board}/rounds"), Some(&lead_token), Some(json!({"title": "Trust plan", "stage": "consulting", "opens_on": "2027-01-01", "closes_on": "2027-06-30"}))).await;
    assert_eq!(round.status, StatusCode::CREATED, "{}", round.body);
    let round = round.json()["id"].as_str().unwrap().to_string();
    let area = app
        .api(
            Method::POST,
            &format!("/api/v1/rounds/{round}/areas"),
            Some(&lead_token),
            Some(json!({"name": "Elective recovery"})),
        )
        .await;
    assert_eq!(area.status, StatusCode::CREATED);
    let v = app
        .api(
            Method::POST,
            &format!("/api/v1/rounds/{round}/vision"),
            Some(&lead_token),
            Some(json!({"text": "Shorter waits."})),
        )
        .await;
    assert_eq!(v.json()["id"], "1");
    assert_eq!(
        app.api(
            Method::POST,
            &format!("/api/v1/rounds/{round}/vision/comments"),
            Some(&admin),
            Some(json!({"text": "Agreed."}))
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let vision = app
        .api(
            Method::GET,
            &format!("/api/v1/rounds/{round}/vision"),
            Some(&admin),
            None,
        )
        .await
        .json();
    assert_eq!(vision["comments"][0]["version"], 1);
    let proposal = app.api(Method::POST, &format!("/api/v1/rounds/{round}/proposals"), Some(&lead_token), Some(json!({"title": "Adopt", "text": "Adopt the trust plan", "closes_on": "2099-01-01", "quorum": "1"}))).await;
    let proposal = proposal.json()["id"].as_str().unwrap().to_string();
    let respond = format!(
        "/api/v1/proposals/{proposal}/responses/{}",
        lead.organisation_id
    );
    assert_eq!(
        app.api(
            Method::PUT,
            &respond,
            Some(&lead_token),
            Some(json!({"kind": "object", "text": "Not costed"}))
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let blocked = app
        .api(
            Method::POST,
            &format!("/api/v1/proposals/{proposal}/decision"),
            Some(&lead_token),
            Some(json!({"adopt": true, "outcome": "Adopted"})),
        )
        .await;
    assert_eq!(blocked.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Amending reopens responses: the objection no longer counts, and the quorum is not met.
    assert_eq!(app.api(Method::PUT, &format!("/api/v1/proposals/{proposal}"), Some(&lead_token), Some(json!({"title": "Adopt", "text": "Adopt the costed trust plan", "closes_on": "2099-01-01", "quorum": "1"}))).await.status, StatusCode::NO_CONTENT);
    let detail = app
        .api(
            Method::GET,
            &format!("/api/v1/proposals/{proposal}"),
            Some(&admin),
            None,
        )
        .await
        .json();
    assert_eq!(detail["standing"]["standing"], "awaiting_quorum");
    assert_eq!(detail["proposal"]["version"], 2);
    assert_eq!(
        app.api(
            Method::PUT,
            &respond,
            Some(&lead_token),
            Some(json!({"kind": "consent"}))
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.api(
            Method::POST,
            &format!("/api/v1/proposals/{proposal}/decision"),
            Some(&lead_token),
            Some(json!({"adopt": true, "outcome": "Adopted by consent"}))
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let detail = app
        .api(
            Method::GET,
            &format!("/api/v1/proposals/{proposal}"),
            Some(&admin),
            None,
        )
        .await
        .json();
    assert_eq!(detail["proposal"]["status"], "adopted");
    assert_eq!(
        detail["responses"].as_array().unwrap().len(),
        2,
        "the withdrawn objection stays in the history"
    );
}
