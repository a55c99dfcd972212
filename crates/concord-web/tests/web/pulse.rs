//! The trust pulse through HTTP: a round opened by an administrator, answered once by a person for
//! their own organisation only, showing nothing while open, and once closed showing figures that
//! never let anyone work out a withheld one by differencing two views (a cell against its column,
//! the page against the API and the export) — so one person's answer stays theirs.

use crate::common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use concord_domain::pulse::results::Respondent;
use concord_domain::pulse::{Principle, PulseAnswers, TrustItem};
use concord_store::{pulse, Actor};
use serde_json::{json, Value};

fn answers(partner: &str, agreement: u8) -> PulseAnswers {
    let mut a = PulseAnswers::default();
    for p in Principle::ALL {
        a.principles.insert(*p, 4);
    }
    a.partners.insert(
        partner.to_string(),
        TrustItem::ALL.iter().map(|i| (*i, agreement)).collect(),
    );
    a
}

fn answer_body(organisation: &str, partner: &str, agreement: u8) -> Value {
    let principles: serde_json::Map<String, Value> = Principle::ALL
        .iter()
        .map(|p| (p.as_str().to_string(), json!(agreement)))
        .collect();
    let items: serde_json::Map<String, Value> = TrustItem::ALL
        .iter()
        .map(|i| (i.as_str().to_string(), json!(agreement.to_string())))
        .collect();
    json!({ "organisation_id": organisation, "principles": principles, "partners": { partner: items } })
}

fn figure<'a>(results: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(results, |v, k| &v[*k])
}

fn cell<'a>(results: &'a Value, from: &str, to: &str) -> &'a Value {
    results["round"]["results"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["from"] == from && c["to"] == to)
        .map(|c| &c["figure"])
        .unwrap_or(&Value::Null)
}

fn shown(f: &Value) -> bool {
    f["withheld"].is_null() && !f.is_null()
}

#[tokio::test]
async fn the_pulse_is_answered_once_shown_only_closed_and_never_isolates_one_answer() {
    let app = TestApp::new().await;
    let admin = app.token("admin").await;
    let vcse = app.token("vcse").await;
    let vcse_org = app.login_for("vcse").organisation_id.clone();
    let icb = app.login_for("admin").organisation_id.clone();
    let trust = app.login_for("lead").organisation_id.clone();
    let today = chrono::Utc::now().date_naive();
    let round = json!({
        "title": "Quarter 3",
        "opens_on": (today - chrono::Duration::days(1)).to_string(),
        "closes_on": (today + chrono::Duration::days(20)).to_string(),
    });

    // Only an administrator opens a round; only one is open at a time.
    let refused = app
        .api(
            Method::POST,
            "/api/v1/pulse/rounds",
            Some(&vcse),
            Some(round.clone()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let opened = app
        .api(
            Method::POST,
            "/api/v1/pulse/rounds",
            Some(&admin),
            Some(round.clone()),
        )
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    let id = opened.json()["id"].as_str().unwrap().to_string();
    let again = app
        .api(
            Method::POST,
            "/api/v1/pulse/rounds",
            Some(&admin),
            Some(round),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Everyone holding a role is told, on their work page and by notification.
    let vcse_principal =
        concord_store::people::principal(&app.store, &app.login_for("vcse").person_id)
            .await
            .unwrap()
            .unwrap();
    let now = chrono::Utc::now();
    let work = concord_app::work::of(&app.store, &vcse_principal, now)
        .await
        .unwrap();
    assert_eq!(
        work.pulse_due.as_ref().map(|d| d.round.id.as_str()),
        Some(id.as_str())
    );
    concord_app::notify::sweep(&app.store, now, false)
        .await
        .unwrap();
    let told = concord_store::notifications::list(&app.store, &vcse_principal.person_id)
        .await
        .unwrap();
    assert!(told.iter().any(|n| n.kind
        == concord_domain::notification::NotificationKind::PulseOpen
        && n.link == format!("/pulse/rounds/{id}/answer")));

    // A VCSE worker answers for their own organisation, once; never for another's.
    let path = format!("/api/v1/pulse/rounds/{id}/answers");
    let for_other = app
        .api(
            Method::POST,
            &path,
            Some(&vcse),
            Some(answer_body(&trust, &icb, 1)),
        )
        .await;
    assert_eq!(for_other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        for_other.body.contains("organisation_id"),
        "{}",
        for_other.body
    );
    let own = app
        .api(
            Method::POST,
            &path,
            Some(&vcse),
            Some(answer_body(&vcse_org, &icb, 1)),
        )
        .await;
    assert_eq!(own.status, StatusCode::NO_CONTENT, "{}", own.body);
    let twice = app
        .api(
            Method::POST,
            &path,
            Some(&vcse),
            Some(answer_body(&vcse_org, &icb, 5)),
        )
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("answered this round already"));
    let work = concord_app::work::of(&app.store, &vcse_principal, now)
        .await
        .unwrap();
    assert!(work.pulse_due.is_none(), "answered: no longer due");
    let bad = app
        .api(
            Method::POST,
            &path,
            Some(&admin),
            Some(json!({ "organisation_id": icb, "principles": { "need": 9 }, "partners": {} })),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("principle_need") && bad.body.contains("partner"));

    // Nothing is shown while the round is open: two looks could tell one answer apart.
    let results_path = format!("/api/v1/pulse/rounds/{id}/results");
    let early = app
        .api(Method::GET, &results_path, Some(&admin), None)
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Six from the trust rated the ICB (an earlier survey's answers), then the round closes.
    let history: Vec<Respondent> = (0..6)
        .map(|_| Respondent {
            organisation_id: trust.clone(),
            answers: answers(&icb, 4),
        })
        .collect();
    pulse::import_answers(&app.store, &Actor::system("test"), &id, &history)
        .await
        .unwrap();
    let closed = app
        .api(
            Method::POST,
            &format!("/api/v1/pulse/rounds/{id}/close"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(closed.status, StatusCode::NO_CONTENT, "{}", closed.body);

    let results = app.api(Method::GET, &results_path, Some(&vcse), None).await;
    assert_eq!(results.status, StatusCode::OK, "{}", results.body);
    let results = results.json();
    // The VCSE worker's cell is one person: withheld. The ICB's column is the trust's six and
    // that one: showing both the column and the trust's cell would give the one away.
    let theirs = cell(&results, &vcse_org, &icb);
    assert_eq!(theirs["withheld"], "too_few");
    assert!(theirs["score"].is_null() && theirs["respondents"].is_null());
    let column = figure(&results, &["round", "results", "rated_by_partners", &icb]);
    let trust_cell = cell(&results, &trust, &icb);
    assert!(
        !(shown(column) && shown(trust_cell)),
        "the ICB's column less the trust's cell would be one person's answer: {results}"
    );
    // And the same through the rows: the overall less the trust's row.
    let overall = figure(&results, &["round", "results", "overall"]);
    let trust_row = figure(&results, &["round", "results", "rating_given", &trust]);
    assert!(!(shown(overall) && shown(trust_row)));
    // No figure anywhere rests on fewer than five.
    let text = results.to_string();
    for n in 1..5 {
        assert!(!text.contains(&format!("\"respondents\":{n},")), "{text}");
    }

    // The relationships view puts the same figures on each link, withheld where they are.
    let network = app
        .api(Method::GET, "/api/v1/relationships", Some(&vcse), None)
        .await;
    assert_eq!(network.status, StatusCode::OK, "{}", network.body);
    let network = network.json();
    let edge = network["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            let (a, b) = (&e["links"]["a"], &e["links"]["b"]);
            (a == &json!(trust) && b == &json!(icb)) || (a == &json!(icb) && b == &json!(trust))
        })
        .expect("the trust and the ICB work together");
    let kinds: u64 = ["boards", "programmes", "referrals", "proposals"]
        .iter()
        .map(|k| edge["links"][*k].as_u64().unwrap())
        .sum();
    assert!(kinds > 0, "{edge}");
    let trust_to_icb = if edge["links"]["a"] == json!(trust) {
        &edge["trust_a_to_b"]
    } else {
        &edge["trust_b_to_a"]
    };
    assert_eq!(
        trust_to_icb, trust_cell,
        "one figure, whichever view shows it"
    );
    for e in network["edges"].as_array().unwrap() {
        let shown = e["referrals_shown"].as_str().unwrap();
        let n: u64 = e["links"]["referrals"].as_u64().unwrap();
        assert!(
            shown == "0" || shown.starts_with('<') || (n >= 10 && shown.parse::<u64>().is_ok()),
            "referrals {n} shown as {shown}"
        );
    }

    // The export and the page withhold exactly what the API does.
    let mut browser = app.browser("analyst").await;
    let csv = app
        .get(&format!("/pulse/rounds/{id}/results.csv"), &mut browser)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(csv.body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let withheld_in_csv = rows
        .iter()
        .filter(|r| r.get(5).is_some_and(|w| !w.is_empty()))
        .count();
    let withheld_in_api = text.matches("\"withheld\":\"").count();
    assert_eq!(withheld_in_csv, withheld_in_api, "{}", csv.body);
    for r in &rows {
        if let Some(n) = r.get(3).and_then(|n| n.parse::<usize>().ok()) {
            assert!(n >= 5, "{r:?}");
        }
    }
    let page = app.get(&format!("/pulse/rounds/{id}"), &mut browser).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Withheld"));

    // Who answered is kept apart from what: the answers' table has no person in it, and the
    // audit entry names the person and the round, never what they answered.
    let columns: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('pulse_answers') ORDER BY cid")
            .fetch_all(app.store.pool())
            .await
            .unwrap_or_default();
    if !columns.is_empty() {
        assert_eq!(columns, ["id", "round_id", "organisation_id", "answers"]);
    }
    let (detail, who): (String, Option<String>) = sqlx::query_as(
        "SELECT detail, actor_person_id FROM audit_log WHERE action = 'pulse.answer' AND outcome = 'success'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert!(detail.is_empty(), "{detail}");
    assert_eq!(
        who.as_deref(),
        Some(app.login_for("vcse").person_id.as_str())
    );
}

#[tokio::test]
async fn events_are_recorded_by_administrators_and_marked_on_the_trend() {
    let app = TestApp::new().await;
    let admin = app.token("admin").await;
    let trust = app.login_for("lead").organisation_id.clone();
    let recorded = app
        .api(
            Method::POST,
            "/api/v1/pulse/events",
            Some(&admin),
            Some(json!({ "happened_on": "2026-02-10", "title": "Beds moved", "organisation_ids": [trust] })),
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    let bad = app
        .api(
            Method::POST,
            "/api/v1/pulse/events",
            Some(&admin),
            Some(json!({ "happened_on": "10/02/2026", "title": "", "organisation_ids": ["nowhere"] })),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("happened_on") && bad.body.contains("title"));
    let events = app
        .api(Method::GET, "/api/v1/pulse/events", Some(&admin), None)
        .await;
    assert_eq!(events.json().as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn answers_are_not_stored_in_the_order_they_were_given() {
    let app = TestApp::new().await;
    let admin = app.login_for("admin");
    let actor = Actor {
        person_id: Some(admin.person_id.clone()),
        ..Actor::system("test")
    };
    let today = chrono::Utc::now().date_naive();
    let round = pulse::open_round(&app.store, &actor, "Q", today, today)
        .await
        .unwrap();
    let trust = app.login_for("lead").organisation_id.clone();
    let icb = admin.organisation_id.clone();
    // Twenty answers one after another: the key each gets is the order a reader of the table
    // would see them in. In the order given, the keys must not climb.
    let mut keys: Vec<i64> = Vec::new();
    for _ in 0..20 {
        let one = [Respondent {
            organisation_id: trust.clone(),
            answers: answers(&icb, 3),
        }];
        pulse::import_answers(&app.store, &actor, &round, &one)
            .await
            .unwrap();
        let all: Vec<i64> = sqlx::query_scalar("SELECT id FROM pulse_answers WHERE round_id = $1")
            .bind(&round)
            .fetch_all(app.store.pool())
            .await
            .unwrap();
        let new = all.into_iter().find(|k| !keys.contains(k)).unwrap();
        keys.push(new);
    }
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_ne!(
        keys, sorted,
        "keys in the order answers were given: {keys:?}"
    );
    assert!(keys.iter().all(|k| *k > 0 && *k < 1 << 31));
}
