//! Design end to end: an analyst builds a scenario (a model that cannot be read is refused naming
//! its line and column), sees every parameter with its source, runs it in the background (the run
//! page shows progress, then results with fan charts and the run report), and compares a change
//! with its base (paired differences and the partner ledger); whoever asked for a run is told when
//! its results are ready. Nobody changes or runs another
//! organisation's scenario, and nobody queues more than three runs at once.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{Browser, TestApp};
use concord_app::design::worker::work_once;
use concord_app::notify::sweep;
use concord_store::{design, notifications};

/// A small model: a GP practice and an MSK service, with costs and sources.
fn model(msk_servers: u32) -> String {
    format!(
        r#"[run]
time_unit = "hour"
warm_up = 100
length = 2000
replications = 6
seed = 3

[[source]]
name = "patients"
to = "gp"
arrivals = {{ dist = "poisson", rate = 4.0 }}

[[node]]
name = "gp"
servers = 6
service = {{ dist = "exponential", mean = 1.0 }}
routes = [ {{ to = "msk", p = 0.25 }} ]
partner = "Riverside Practices"
costs = [ {{ partner = "Riverside ICB", per_contact = 40.0 }} ]

[[node]]
name = "msk"
servers = {msk_servers}
service = {{ dist = "exponential", mean = 1.5 }}
partner = "Riverside Community Trust"
costs = [ {{ partner = "Riverside Community Trust", per_staff_hour = 30.0 }} ]

[sources]
"source.patients.arrivals" = "Practice appointment data, 2025/26"
"node.msk.service" = "Local data"
"#
    )
}

async fn create_scenario(
    app: &TestApp,
    browser: &mut Browser,
    title: &str,
    model: &str,
    base: &str,
) -> String {
    let owner = app.login_for("analyst").organisation_id.clone();
    let reply = app
        .post(
            "/design/scenarios",
            browser,
            &[
                ("title", title),
                ("description", ""),
                ("owner_organisation_id", &owner),
                ("base_scenario_id", base),
                ("programme_id", ""),
                ("model", model),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply
        .location()
        .trim_start_matches("/design/scenarios/")
        .to_string()
}

#[tokio::test]
async fn an_analyst_builds_runs_and_compares_a_scenario() {
    let app = TestApp::new().await;
    let mut analyst = app.browser("analyst").await;

    let form = app.get("/design/scenarios/new", &mut analyst).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Model (TOML)"));

    // A model that cannot be read is refused, saying where, and what was typed is kept.
    let owner = app.login_for("analyst").organisation_id.clone();
    let bad = model(2).replace("servers = 6", "servers = 0");
    let refused = app
        .post(
            "/design/scenarios",
            &mut analyst,
            &[
                ("title", "MSK base"),
                ("owner_organisation_id", &owner),
                ("model", &bad),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("line 15, column 11: servers must be"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("MSK base"));

    let base = create_scenario(&app, &mut analyst, "MSK base", &model(2), "").await;
    let page = app
        .get(&format!("/design/scenarios/{base}"), &mut analyst)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Practice appointment data, 2025/26"));
    assert!(page.body.contains("No source given"));
    assert!(page.body.contains("Not run yet"));

    // Run it: queued, then the worker runs it in the background.
    let queued = app
        .post(&format!("/design/scenarios/{base}/runs"), &mut analyst, &[])
        .await;
    assert_eq!(queued.status, StatusCode::SEE_OTHER);
    let run_path = queued.location().to_string();
    let waiting = app.get(&run_path, &mut analyst).await;
    assert!(waiting.body.contains("Waiting to start"));
    assert!(waiting.body.contains("http-equiv=\"refresh\""));
    assert!(waiting.body.contains("<progress"));
    assert!(work_once(&app.store).await.unwrap());
    assert!(!work_once(&app.store).await.unwrap(), "nothing left to run");
    let done = app.get(&run_path, &mut analyst).await;
    assert!(!done.body.contains("http-equiv=\"refresh\""));
    assert!(done.body.contains("How these results were made"));
    assert!(done.body.contains("<svg"), "a fan chart");
    assert!(done.body.contains("Riverside ICB"));
    // The ICB pays £40 a GP contact: 4 an hour, 35,064 a year, about £1.4m.
    assert!(done.body.contains("£1,40"), "{}", done.body);

    // Whoever asked for the run is told its results are ready, once, with its headline; nobody
    // else is.
    sweep(&app.store, chrono::Utc::now(), false).await.unwrap();
    let analyst_id = app.login_for("analyst").person_id.clone();
    let told = notifications::list(&app.store, &analyst_id).await.unwrap();
    let ready: Vec<_> = told
        .iter()
        .filter(|n| n.title == "Results ready: MSK base")
        .collect();
    assert_eq!(ready.len(), 1, "{told:?}");
    assert_eq!(ready[0].link, run_path);
    assert!(ready[0].body.contains("gp: mean wait"), "{}", ready[0].body);
    assert_eq!(
        sweep(&app.store, chrono::Utc::now(), false)
            .await
            .unwrap()
            .notifications,
        0
    );
    let programme_id = app.login_for("programme").person_id.clone();
    assert!(!notifications::list(&app.store, &programme_id)
        .await
        .unwrap()
        .iter()
        .any(|n| n.title.contains("MSK base")));

    // A change compared with the base: a third MSK clinician.
    let more = create_scenario(
        &app,
        &mut analyst,
        "A third MSK clinician",
        &model(3),
        &base,
    )
    .await;
    let queued = app
        .post(&format!("/design/scenarios/{more}/runs"), &mut analyst, &[])
        .await;
    assert!(work_once(&app.store).await.unwrap());
    let compared = app.get(queued.location(), &mut analyst).await;
    assert!(compared.body.contains("Against the base"));
    assert!(compared.body.contains("What each partner pays and gains"));
    // The trust pays for one more clinician all year: 8,766 hours at £30 (exactly: the same
    // in every replication).
    assert!(compared.body.contains("+£262,980"), "{}", compared.body);
    let run_id = queued.location().trim_start_matches("/design/runs/");
    let run = design::get_run(&app.store, run_id).await.unwrap();
    assert_eq!(run.base_scenario_id.as_deref(), Some(base.as_str()));
    assert_eq!(run.done, run.total);

    // The API reads the same run, with the engine's results.
    let token = app.token("analyst").await;
    let api = app
        .api(
            Method::GET,
            &format!("/api/v1/design/runs/{run_id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(api.status, StatusCode::OK);
    let json = api.json();
    assert_eq!(json["status"], "finished");
    assert_eq!(json["result"]["kind"], "comparison");
    assert!(json["result"]["comparison"]["scenarios"][0]["ledger"].is_array());
}

#[tokio::test]
async fn nobody_changes_or_runs_another_organisations_scenario_or_floods_the_queue() {
    let app = TestApp::new().await;
    let mut analyst = app.browser("analyst").await;
    let scenario = create_scenario(&app, &mut analyst, "Council scenario", &model(2), "").await;

    // The trust's partner lead may read it, not change or run it.
    let mut lead = app.browser("lead").await;
    let page = app
        .get(&format!("/design/scenarios/{scenario}"), &mut lead)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Change the scenario"));
    let refused = app
        .post(
            &format!("/design/scenarios/{scenario}/runs"),
            &mut lead,
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The analyst may not give a scenario to an organisation they do not work for.
    let trust = app.login_for("lead").organisation_id.clone();
    let moved = app
        .post(
            &format!("/design/scenarios/{scenario}/edit"),
            &mut analyst,
            &[
                ("title", "Council scenario"),
                ("owner_organisation_id", &trust),
                ("model", &model(2)),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(moved.body.contains("only for organisations where you are"));

    // Three runs waiting at once, and no more.
    for _ in 0..3 {
        let queued = app
            .post(
                &format!("/design/scenarios/{scenario}/runs"),
                &mut analyst,
                &[],
            )
            .await;
        assert_eq!(queued.status, StatusCode::SEE_OTHER);
    }
    let fourth = app
        .post(
            &format!("/design/scenarios/{scenario}/runs"),
            &mut analyst,
            &[],
        )
        .await;
    assert_eq!(fourth.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(fourth.body.contains("already have 3 runs waiting"));

    // A run too big for one request is refused before it is queued.
    let huge = model(2)
        .replace("replications = 6", "replications = 10000")
        .replace("length = 2000", "length = 100000");
    let token = app.token("analyst").await;
    let owner = app.login_for("analyst").organisation_id.clone();
    let created = app
        .api(
            Method::POST,
            "/api/v1/design/scenarios",
            Some(&token),
            Some(serde_json::json!({ "title": "Huge", "owner_organisation_id": owner, "model": huge })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_string();
    let mut other = app.browser("otherlead").await;
    let too_big = app
        .post(&format!("/design/scenarios/{id}/runs"), &mut other, &[])
        .await;
    assert_eq!(too_big.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        too_big.body.contains("arrivals; the most one run may is"),
        "{}",
        too_big.body
    );
}

#[tokio::test]
async fn a_scenario_supports_a_programme_and_is_shown_in_a_board_pack() {
    let app = TestApp::new().await;
    let manager = app.login_for("programme").clone();
    let programme = concord_store::programmes::list(&app.store)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.manager_person_id == manager.person_id)
        .expect("the programme manager manages a programme");
    let mut browser = app.browser("programme").await;
    let reply = app
        .post(
            "/design/scenarios",
            &mut browser,
            &[
                ("title", "FCP in every PCN"),
                ("owner_organisation_id", &manager.organisation_id),
                ("programme_id", &programme.id),
                ("model", &model(2)),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let scenario = reply
        .location()
        .trim_start_matches("/design/scenarios/")
        .to_string();
    let page = app
        .get(&format!("/programmes/{}", programme.id), &mut browser)
        .await;
    assert!(page.body.contains("Business case: what-if scenarios"));
    assert!(page.body.contains("FCP in every PCN"));

    // Someone who may not change the programme cannot add to its business case.
    let mut analyst = app.browser("analyst").await;
    let owner = app.login_for("analyst").organisation_id.clone();
    let refused = app
        .post(
            "/design/scenarios",
            &mut analyst,
            &[
                ("title", "Not my programme"),
                ("owner_organisation_id", &owner),
                ("programme_id", &programme.id),
                ("model", &model(2)),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .body
        .contains("can add a scenario to its business case"));

    // Run it, then show it with an agenda item: the pack carries its headline figures.
    app.post(
        &format!("/design/scenarios/{scenario}/runs"),
        &mut browser,
        &[],
    )
    .await;
    assert!(work_once(&app.store).await.unwrap());
    let mut admin = app.browser("admin").await;
    let board = concord_store::boards::list(&app.store, None).await.unwrap()[0].clone();
    let meeting = concord_store::meetings::meetings_of(&app.store, &board.id)
        .await
        .unwrap()[0]
        .clone();
    let item = concord_store::meetings::add_agenda_item(
        &app.store,
        &concord_store::Actor::system("test"),
        &meeting.id,
        &concord_domain::meeting::AgendaItemDraft {
            title: "MSK business case".into(),
            purpose: "decision".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let linked = app
        .post(
            &format!("/meetings/{}/scenarios", meeting.id),
            &mut admin,
            &[("agenda_item_id", &item), ("scenario_id", &scenario)],
        )
        .await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.body);
    // An item of another meeting is refused.
    let other = concord_store::meetings::meetings_of(&app.store, &board.id)
        .await
        .unwrap()[1]
        .clone();
    let wrong = app
        .post(
            &format!("/meetings/{}/scenarios", other.id),
            &mut admin,
            &[("agenda_item_id", &item), ("scenario_id", &scenario)],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let pack = app
        .get(&format!("/meetings/{}/pack", meeting.id), &mut admin)
        .await;
    assert!(pack.body.contains("What-if scenarios"));
    assert!(pack.body.contains("FCP in every PCN"));
    assert!(pack.body.contains("gp: mean wait"), "{}", pack.body);
}

/// The organisation with `code` in the demo's directory.
async fn organisation(app: &TestApp, code: &str) -> String {
    concord_store::organisations::find_by_code(&app.store, code)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn the_msk_pathway_is_built_from_the_registered_lists_and_the_partners_that_run_it() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_population(dir.path(), 1_500).await;
    let mut analyst = app.browser("analyst").await;
    let owner = app.login_for("analyst").organisation_id.clone();
    let (community, acute) = (
        organisation(&app, "RVC").await,
        organisation(&app, "RRV").await,
    );
    let form = app.get("/design/pathways/msk", &mut analyst).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form
        .body
        .contains("Vale and Northmoor Community Health NHS Trust"));
    let built = app
        .post(
            "/design/pathways/msk",
            &mut analyst,
            &[
                ("owner_organisation_id", &owner),
                ("community_organisation_id", &community),
                ("acute_organisation_id", &acute),
                ("programme_id", ""),
            ],
        )
        .await;
    assert_eq!(built.status, StatusCode::SEE_OTHER, "{}", built.body);
    let page = app.get(built.location(), &mut analyst).await;
    assert!(page
        .body
        .contains("First-contact physiotherapy in every network"));
    assert!(
        page.body.contains("MSK pathway today"),
        "compared with today's"
    );
    assert!(page.body.contains("Taunton two-year evaluation"));
    assert!(page.body.contains("registered adults (18 and over)"));
    assert!(page
        .body
        .contains("Riverside University Hospitals NHS Foundation Trust"));
    // The networks' sources are the registered lists: one per network, each with its bands.
    let id = built.location().trim_start_matches("/design/scenarios/");
    let scenario = design::get(&app.store, id).await.unwrap();
    let model = concord_sim::Model::from_toml(&scenario.model).unwrap();
    assert!(
        !model.sources.is_empty(),
        "a source for each network with published counts"
    );
    assert!(model.sources[0].described.contains("registered population"));
    // A person who may not save for the owner is refused, and nothing is saved.
    let before = design::list(&app.store).await.unwrap().len();
    let mut clinician = app.browser("clinician").await;
    let refused = app
        .post(
            "/design/pathways/msk",
            &mut clinician,
            &[("owner_organisation_id", &owner)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(design::list(&app.store).await.unwrap().len(), before);
}

#[tokio::test]
async fn without_registered_lists_there_is_nothing_to_build_from() {
    let app = TestApp::new().await;
    let mut analyst = app.browser("analyst").await;
    let owner = app.login_for("analyst").organisation_id.clone();
    let (community, acute) = (
        organisation(&app, "RVC").await,
        organisation(&app, "RRV").await,
    );
    let refused = app
        .post(
            "/design/pathways/msk",
            &mut analyst,
            &[
                ("owner_organisation_id", &owner),
                ("community_organisation_id", &community),
                ("acute_organisation_id", &acute),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("No registered lists have been loaded yet"),
        "{}",
        refused.body
    );
}
