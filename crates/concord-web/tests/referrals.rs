//! Referrals across organisations over HTTP: a GP practice's clinician refers a person on its
//! registered list to a VCSE partner's service; the service sees them (never their NHS number)
//! only while the referral is with it; each side makes only its own moves; every view of a
//! referral is audited before it is served, and nothing is served when it cannot be.

mod common;

use axum::http::{Method, StatusCode};
use common::{Browser, TestApp};
use concord_store::audit::{self, AuditFilter};
use concord_store::directory::{self, ServiceFilter};
use concord_store::population::{self, RegisteredPatient};
use concord_store::{Actor, PageRequest};
use serde_json::json;

const ADA: &str = "9434765919";
const ALAN: &str = "9434765870";

fn patient(nhs: &str, given: &str, family: &str) -> RegisteredPatient {
    RegisteredPatient {
        nhs_number: nhs.into(),
        given_name: given.into(),
        family_name: family.into(),
        birth_date: "1941-03-02".into(),
        sex: "female".into(),
        postcode: "RV1 2AB".into(),
        ethnic_category: Some("N".into()),
    }
}

/// The demo with its directory, and two people on the clinician's practice's list; the id of
/// Age UK Riverside's befriending service.
async fn app() -> (TestApp, String) {
    let app = TestApp::new().await;
    concord_demo::seed_directory(&app.store).await.unwrap();
    let practice = app.login_for("clinician").organisation_id.clone();
    population::replace_registered_list(
        &app.store,
        &Actor::system("test"),
        &practice,
        &[
            patient(ADA, "Ada", "Lovelace"),
            patient(ALAN, "Alan", "Turing"),
        ],
        "test",
    )
    .await
    .unwrap();
    let found = directory::services(
        &app.store,
        &ServiceFilter {
            search: Some("Befriending for older people".into()),
            ..ServiceFilter::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    let service = found.items[0].id.clone();
    (app, service)
}

async fn referrals(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM referrals")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn audited(app: &TestApp, action: &str) -> usize {
    let filter = AuditFilter {
        action: Some(action.into()),
        ..Default::default()
    };
    audit::list(
        &app.store,
        &Default::default(),
        &filter,
        PageRequest {
            page: 1,
            per_page: 200,
        },
    )
    .await
    .unwrap()
    .items
    .len()
}

/// Refers `nhs` to `service` as the clinician; the referral's id.
async fn refer(app: &TestApp, clinician: &mut Browser, nhs: &str, service: &str) -> String {
    let sent = app
        .post(
            "/referrals",
            clinician,
            &[
                ("nhs_number", nhs),
                ("service_id", service),
                ("reason", "Would like company on weekday afternoons"),
                ("phone", "01632 960 001"),
                ("contact_preference", "phone"),
                ("priority", "routine"),
                ("consent", "true"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    sent.location()
        .trim_start_matches("/referrals/")
        .to_string()
}

async fn move_to(
    app: &TestApp,
    who: &mut Browser,
    id: &str,
    fields: &[(&str, &str)],
) -> common::Reply {
    app.post(&format!("/referrals/{id}/status"), who, fields)
        .await
}

#[tokio::test]
async fn a_referral_goes_from_the_practice_to_the_service_and_its_outcome_comes_back() {
    let (app, service) = app().await;
    let mut clinician = app.browser("clinician").await;

    // The form, reached from a worklist's or a service's link.
    let form = app
        .get(
            &format!("/referrals/new?nhs_number={ADA}&service_id={service}"),
            &mut clinician,
        )
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form
        .body
        .contains("Befriending for older people (Age UK Riverside)"));

    // Without consent (and with a stranger's NHS number), nothing is sent.
    let refused = app
        .post(
            "/referrals",
            &mut clinician,
            &[
                ("nhs_number", ADA),
                ("service_id", &service),
                ("reason", "Lonely"),
                ("phone", "01632 960 001"),
                ("contact_preference", "phone"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Record that the person agreed"));
    // The message is beside the box, not only in the summary.
    assert!(
        refused.body.contains("id=\"consent-error\""),
        "{}",
        refused.body
    );
    let stranger = app
        .post(
            "/referrals",
            &mut clinician,
            &[
                ("nhs_number", "4010232137"),
                ("service_id", &service),
                ("reason", "Lonely"),
                ("phone", "01632 960 001"),
                ("contact_preference", "phone"),
                ("consent", "true"),
            ],
        )
        .await;
    assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        stranger
            .body
            .contains("not on your practice&#39;s registered list"),
        "{}",
        stranger.body
    );
    assert_eq!(referrals(&app).await, 0);

    let id = refer(&app, &mut clinician, ADA, &service).await;
    // A second open referral of the same person to the same service is refused, naming the first.
    let again = app
        .post(
            "/referrals",
            &mut clinician,
            &[
                ("nhs_number", ADA),
                ("service_id", &service),
                ("reason", "Lonely"),
                ("phone", "01632 960 001"),
                ("contact_preference", "phone"),
                ("consent", "true"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .body
            .contains("already has an open referral to this service"),
        "{}",
        again.body
    );
    assert_eq!(referrals(&app).await, 1);
    let page = app.get(&format!("/referrals/{id}"), &mut clinician).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Ada Lovelace"));
    assert!(
        page.body.contains("943 476 5919"),
        "the referrer sees the NHS number"
    );
    assert!(page.body.contains("Sent, waiting for a reply"));

    // The service sees the person, never the NHS number.
    let mut vcse = app.browser("vcse").await;
    let list = app.get("/referrals", &mut vcse).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Ada Lovelace"));
    assert!(!list.body.contains(ADA));
    let seen = app.get(&format!("/referrals/{id}"), &mut vcse).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen
        .body
        .contains("Would like company on weekday afternoons"));
    assert!(!seen.body.contains(ADA) && !seen.body.contains("943 476 5919"));
    // The registered list's ethnic category (N) is carried as its broad group, for the figures
    // only: the service does not see it.
    let group: Option<String> = sqlx::query_scalar("SELECT ethnicity FROM referrals WHERE id = $1")
        .bind(&id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(group.as_deref(), Some("black"));
    assert!(!seen.body.contains("Black"), "{}", seen.body);

    // The service's people are told a referral is waiting, without who it is about.
    concord_app::notify::sweep(&app.store, chrono::Utc::now(), false)
        .await
        .unwrap();
    let told = |person: &str| {
        let store = app.store.clone();
        let person = person.to_string();
        async move {
            concord_store::notifications::list(&store, &person)
                .await
                .unwrap()
        }
    };
    let vcse_person = app.login_for("vcse").person_id.clone();
    let waiting = told(&vcse_person).await;
    let waiting = waiting
        .iter()
        .find(|n| n.link == format!("/referrals/{id}"))
        .expect("the service is told of the new referral");
    assert_eq!(
        waiting.title,
        "New referral to Befriending for older people"
    );
    for text in [&waiting.title, &waiting.body] {
        assert!(!text.contains("Ada") && !text.contains("Lovelace") && !text.contains(ADA));
    }
    let other_lead = app.login_for("otherlead").person_id.clone();
    assert!(
        told(&other_lead)
            .await
            .iter()
            .all(|n| !n.link.contains(&id)),
        "nobody else is told"
    );

    // Each side makes only its own moves.
    let by_referrer = move_to(
        &app,
        &mut clinician,
        &id,
        &[("status", "accepted"), ("capacity", "capacity")],
    )
    .await;
    assert_eq!(by_referrer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        by_referrer
            .body
            .contains("Only the service it was sent to can mark a referral accepted"),
        "{}",
        by_referrer.body
    );
    let no_capacity = move_to(&app, &mut vcse, &id, &[("status", "accepted")]).await;
    assert_eq!(no_capacity.status, StatusCode::UNPROCESSABLE_ENTITY);
    for step in [
        vec![("status", "received")],
        vec![("status", "accepted"), ("capacity", "capacity")],
        vec![("status", "in_progress")],
    ] {
        let moved = move_to(&app, &mut vcse, &id, &step).await;
        assert_eq!(
            moved.status,
            StatusCode::SEE_OTHER,
            "{step:?}: {}",
            moved.body
        );
    }
    // The referrer is told the service accepted it.
    concord_app::notify::sweep(&app.store, chrono::Utc::now(), false)
        .await
        .unwrap();
    let clinician_person = app.login_for("clinician").person_id.clone();
    let replies = told(&clinician_person).await;
    let reply = replies
        .iter()
        .find(|n| n.link == format!("/referrals/{id}") && n.kind.as_str() == "referral_replied")
        .expect("the referrer is told of the reply");
    assert_eq!(
        reply.title,
        "Befriending for older people accepted your referral"
    );
    // The caseload: a contact, and outcomes at first contact and follow-up.
    let contact = app
        .post(
            &format!("/referrals/{id}/contacts"),
            &mut vcse,
            &[
                ("contact_on", "2026-12-01"),
                ("kind", "phone"),
                ("what_happened", "Talked about the lunch club"),
                ("next_step", "Go with her to the first session"),
                ("next_step_due", "2027-01-08"),
            ],
        )
        .await;
    assert_eq!(contact.status, StatusCode::SEE_OTHER, "{}", contact.body);
    for (stage, scores) in [
        ("first_contact", ["4", "5", "3", "7", "3", "3", "2"]),
        ("follow_up", ["6", "7", "6", "3", "2", "1", "1"]),
    ] {
        let mut fields = vec![("stage", stage)];
        for (name, score) in [
            "life_satisfaction",
            "worthwhile",
            "happiness",
            "anxiety",
            "companionship",
            "left_out",
            "isolated",
        ]
        .into_iter()
        .zip(scores)
        {
            fields.push((name, score));
        }
        let recorded = app
            .post(&format!("/referrals/{id}/outcomes"), &mut vcse, &fields)
            .await;
        assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    }
    let half = app
        .post(
            &format!("/referrals/{id}/outcomes"),
            &mut vcse,
            &[("stage", "follow_up"), ("life_satisfaction", "11")],
        )
        .await;
    assert_eq!(half.status, StatusCode::UNPROCESSABLE_ENTITY);
    let during = app.get(&format!("/referrals/{id}"), &mut clinician).await;
    assert!(
        during.body.contains("Life satisfaction 4 (low)"),
        "{}",
        during.body
    );
    assert!(during.body.contains("Anxiety 7 (high)"));
    assert!(during
        .body
        .contains("8 on a scale of 3 to 9 (higher loneliness"));
    assert!(during.body.contains("4 on a scale of 3 to 9 (3 to 5)"));
    assert!(during.body.contains("Go with her to the first session"));

    let done = move_to(&app, &mut vcse, &id, &[("status", "completed")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    // Once it has ended the service no longer sees who it was about; the referrer still does.
    let gone = app.get(&format!("/referrals/{id}"), &mut vcse).await;
    assert_eq!(gone.status, StatusCode::FORBIDDEN);
    assert!(!gone.body.contains("Ada"));
    assert!(!app
        .get("/referrals", &mut vcse)
        .await
        .body
        .contains("Ada Lovelace"));
    let outcome = app.get(&format!("/referrals/{id}"), &mut clinician).await;
    assert!(outcome.body.contains(">Completed<"));

    // Every view was audited, naming the referral, never the person.
    assert!(audited(&app, "referral.view").await >= 4);
    assert!(audited(&app, "referral.list").await >= 2);
    let entries = sqlx::query_scalar::<_, String>(
        "SELECT detail FROM audit_log WHERE action LIKE 'referral.%'",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert!(
        entries
            .iter()
            .all(|d| !d.contains("Ada") && !d.contains(ADA)),
        "{entries:?}"
    );
}

#[tokio::test]
async fn swemwbs_is_recorded_only_where_the_system_holds_its_licence() {
    let (mut app, service) = app().await;
    let mut clinician = app.browser("clinician").await;
    let id = refer(&app, &mut clinician, ADA, &service).await;
    let mut vcse = app.browser("vcse").await;
    for step in [
        vec![("status", "received")],
        vec![("status", "accepted"), ("capacity", "capacity")],
    ] {
        let moved = move_to(&app, &mut vcse, &id, &step).await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    }
    let mut answers = vec![("stage", "first_contact")];
    let names = [
        "swemwbs_1",
        "swemwbs_2",
        "swemwbs_3",
        "swemwbs_4",
        "swemwbs_5",
        "swemwbs_6",
        "swemwbs_7",
    ];
    answers.extend(names.into_iter().zip(["3", "4", "2", "5", "1", "3", "4"]));
    let page = app.get(&format!("/referrals/{id}"), &mut vcse).await;
    assert!(!page.body.contains("SWEMWBS statement 1"), "not offered");
    let refused = app
        .post(&format!("/referrals/{id}/outcomes"), &mut vcse, &answers)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("SWEMWBS is not switched on"),
        "{}",
        refused.body
    );

    // The system switches it on with its licence and the table that came with it (made up here:
    // metric = raw / 2 + 3.5, not the licence-holders' table).
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("swemwbs.csv");
    let mut text = String::from("raw,metric\n");
    for raw in 7..=35u32 {
        text.push_str(&format!("{raw},{:.2}\n", f64::from(raw) / 2.0 + 3.5));
    }
    std::fs::write(&table, text).unwrap();
    let mut state = concord_web::AppState::new(app.store.clone(), "Riverside and Vale ICS");
    state.refer = std::sync::Arc::new(
        concord_app::refer::settings::ReferSettings::load(Some("TEST-LICENCE-1"), Some(&table))
            .unwrap(),
    );
    app.router = concord_web::router(state);
    let page = app.get(&format!("/referrals/{id}"), &mut vcse).await;
    assert!(page.body.contains("SWEMWBS statement 1"));
    let half = app
        .post(
            &format!("/referrals/{id}/outcomes"),
            &mut vcse,
            &[
                ("stage", "first_contact"),
                ("swemwbs_1", "3"),
                ("swemwbs_2", "6"),
            ],
        )
        .await;
    assert_eq!(half.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(half.body.contains("Answer every SWEMWBS statement"));
    let recorded = app
        .post(&format!("/referrals/{id}/outcomes"), &mut vcse, &answers)
        .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let stored: Option<String> =
        sqlx::query_scalar("SELECT swemwbs_answers FROM referral_outcomes WHERE referral_id = $1")
            .bind(&id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(stored.as_deref(), Some("3425134"));
    // Hand-worked: raw 3+4+2+5+1+3+4 = 22; 22 / 2 + 3.5 = 14.50.
    let shown = app.get(&format!("/referrals/{id}"), &mut clinician).await;
    assert!(
        shown.body.contains(
            "metric score 14.50 on a scale of 7 to 35 (raw score 22; used under licence TEST-LICENCE-1)"
        ),
        "{}",
        shown.body
    );
}

#[tokio::test]
async fn closed_referrals_go_nowhere_and_nobody_else_sees_one() {
    let (app, service) = app().await;
    let mut clinician = app.browser("clinician").await;
    let mut vcse = app.browser("vcse").await;
    let id = refer(&app, &mut clinician, ALAN, &service).await;

    // Declining needs a reason.
    let bare = move_to(&app, &mut vcse, &id, &[("status", "rejected")]).await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    let declined = move_to(
        &app,
        &mut vcse,
        &id,
        &[
            ("status", "rejected"),
            ("reason", "no_capacity"),
            ("note", "Full until March"),
        ],
    )
    .await;
    assert_eq!(declined.status, StatusCode::SEE_OTHER);
    let seen = app.get(&format!("/referrals/{id}"), &mut clinician).await;
    assert!(seen.body.contains("No places available"));
    assert!(seen.body.contains("Full until March"));
    // A declined referral cannot be completed, reopened or cancelled.
    for status in ["completed", "in_progress", "cancelled"] {
        let refused = move_to(
            &app,
            &mut clinician,
            &id,
            &[("status", status), ("reason", "other")],
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{status}");
        assert!(
            refused
                .body
                .contains("A referral that is declined cannot be marked"),
            "{}",
            refused.body
        );
    }
    let by_service = move_to(&app, &mut vcse, &id, &[("status", "completed")]).await;
    assert_eq!(by_service.status, StatusCode::FORBIDDEN);

    // A second referral, open: nobody but the two sides may see it, not even an administrator.
    let open = refer(&app, &mut clinician, ADA, &service).await;
    for other in ["admin", "analyst", "lead", "otherlead", "programme"] {
        let mut b = app.browser(other).await;
        let page = app.get(&format!("/referrals/{open}"), &mut b).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{other}");
        assert!(!page.body.contains("Ada"), "{other}");
        let list = app.get("/referrals", &mut b).await;
        assert_eq!(list.status, StatusCode::FORBIDDEN, "{other}");
        let act = move_to(
            &app,
            &mut b,
            &open,
            &[("status", "accepted"), ("capacity", "capacity")],
        )
        .await;
        assert_eq!(act.status, StatusCode::FORBIDDEN, "{other}");
    }
    // A draft is not the service's to see, and is sent only with the person's agreement.
    let kept = app
        .post(
            "/referrals",
            &mut clinician,
            &[
                ("nhs_number", ALAN),
                ("service_id", &service),
                ("reason", "Company"),
                ("phone", "01632 960 001"),
                ("contact_preference", "phone"),
                ("save_as_draft", "true"),
            ],
        )
        .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);
    let draft = kept
        .location()
        .trim_start_matches("/referrals/")
        .to_string();
    assert_eq!(
        app.get(&format!("/referrals/{draft}"), &mut vcse)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let unagreed = move_to(&app, &mut clinician, &draft, &[("status", "requested")]).await;
    assert_eq!(unagreed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unagreed.body.contains("before sending it"));
    let sent = move_to(
        &app,
        &mut clinician,
        &draft,
        &[("status", "requested"), ("consent", "true")],
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&format!("/referrals/{draft}"), &mut vcse)
            .await
            .status,
        StatusCode::OK
    );

    // The referrer may cancel with a reason; then the service no longer sees it.
    let cancelled = move_to(
        &app,
        &mut clinician,
        &open,
        &[("status", "cancelled"), ("reason", "circumstances_changed")],
    )
    .await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&format!("/referrals/{open}"), &mut vcse)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_view_that_cannot_be_audited_shows_nothing() {
    let (app, service) = app().await;
    let mut clinician = app.browser("clinician").await;
    let id = refer(&app, &mut clinician, ADA, &service).await;
    sqlx::query("ALTER TABLE audit_log RENAME TO audit_log_gone")
        .execute(app.store.pool())
        .await
        .unwrap();
    for path in [format!("/referrals/{id}"), "/referrals".to_string()] {
        let page = app.get(&path, &mut clinician).await;
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(!page.body.contains("Ada"), "{path}");
    }
}

#[tokio::test]
async fn a_person_can_ask_a_service_for_help_themselves() {
    let (app, service) = app().await;
    let mut public = Browser::default();
    let form = app
        .get(&format!("/services/{service}/refer-yourself"), &mut public)
        .await;
    assert_eq!(form.status, StatusCode::OK);
    public.csrf = common::csrf_in(&form.body);
    let missing = app
        .post(
            &format!("/services/{service}/refer-yourself"),
            &mut public,
            &[("given_name", "Grace"), ("family_name", "Hopper")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(referrals(&app).await, 0);
    let sent = app
        .post(
            &format!("/services/{service}/refer-yourself"),
            &mut public,
            &[
                ("given_name", "Grace"),
                ("family_name", "Hopper"),
                ("age", "79"),
                ("postcode", "RV2 1AA"),
                ("ethnic_group", "asian"),
                ("reason", "I don't see anyone most days"),
                ("email", "grace@example.org"),
                ("contact_preference", "email"),
                ("consent", "true"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(
        sent.location(),
        format!("/services/{service}/refer-yourself/sent")
    );
    let told = app.get(sent.location(), &mut public).await;
    assert!(told.body.contains("Your request has been sent"));
    assert!(
        told.body.contains("The referral has been sent")
            || told
                .body
                .contains("You do not need to send another request")
    );
    let mut vcse = app.browser("vcse").await;
    let list = app.get("/referrals", &mut vcse).await;
    assert!(list.body.contains("Grace Hopper"));
    assert!(list.body.contains("Self-referral"));
    // Only its district is kept.
    let district: Option<String> = sqlx::query_scalar("SELECT postcode_district FROM referrals")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(district.as_deref(), Some("RV2"));
    let group: Option<String> = sqlx::query_scalar("SELECT ethnicity FROM referrals")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(group.as_deref(), Some("asian"), "as the person gave it");
    assert!(form.body.contains("I would rather not say"));
    // A council's service (no partner's) takes no referrals through Concord.
    let council = directory::services(
        &app.store,
        &ServiceFilter::default(),
        PageRequest {
            page: 1,
            per_page: 200,
        },
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .find(|s| s.partner_organisation_id.is_none())
    .unwrap();
    let refused = app
        .post(
            &format!("/services/{}/refer-yourself", council.id),
            &mut public,
            &[
                ("given_name", "Grace"),
                ("family_name", "Hopper"),
                ("reason", "Help"),
                ("email", "grace@example.org"),
                ("contact_preference", "email"),
                ("consent", "true"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .body
        .contains("does not take referrals through Concord"));
    // One computer may send five in a quarter of an hour (these two among them); then it waits.
    let again = |n: usize| {
        let name = format!("Person{n}");
        let service = service.clone();
        let app = &app;
        let mut public = public.clone();
        async move {
            app.post(
                &format!("/services/{service}/refer-yourself"),
                &mut public,
                &[
                    ("given_name", name.as_str()),
                    ("family_name", "Example"),
                    ("reason", "Company"),
                    ("email", "person@example.org"),
                    ("contact_preference", "email"),
                    ("consent", "true"),
                ],
            )
            .await
        }
    };
    for n in 0..3 {
        assert_eq!(again(n).await.status, StatusCode::SEE_OTHER, "{n}");
    }
    let flooded = again(3).await;
    assert_eq!(flooded.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        flooded
            .body
            .contains("Several requests have just been sent"),
        "{}",
        flooded.body
    );
    assert_eq!(referrals(&app).await, 4, "Grace and three more");
}

#[tokio::test]
async fn the_api_speaks_concord_json_and_fhir_r4() {
    let (app, service) = app().await;
    let clinician = app.token("clinician").await;
    let vcse = app.token("vcse").await;
    let made = app
        .api(
            Method::POST,
            "/api/v1/referrals",
            Some(&clinician),
            Some(json!({ "nhs_number": ADA, "service_id": service, "reason": "Company", "phone": "01632 960 001", "contact_preference": "phone", "consent": true })),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.json()["id"].as_str().unwrap().to_string();

    let theirs = app
        .api(
            Method::GET,
            &format!("/api/v1/referrals/{id}"),
            Some(&vcse),
            None,
        )
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert_eq!(
        theirs.json()["person"]["nhs_number"],
        serde_json::Value::Null
    );
    let ours = app
        .api(
            Method::GET,
            &format!("/api/v1/referrals/{id}"),
            Some(&clinician),
            None,
        )
        .await;
    assert_eq!(ours.json()["person"]["nhs_number"], ADA);

    let task = app
        .api(
            Method::GET,
            &format!("/api/v1/fhir/Task/{id}"),
            Some(&clinician),
            None,
        )
        .await;
    assert_eq!(task.status, StatusCode::OK);
    assert_eq!(task.headers["content-type"], "application/fhir+json");
    let task = task.json();
    assert_eq!(task["status"], "requested");
    assert_eq!(task["for"]["identifier"]["value"], ADA);
    let for_service = app
        .api(
            Method::GET,
            &format!("/api/v1/fhir/Task/{id}"),
            Some(&vcse),
            None,
        )
        .await
        .json();
    assert!(
        for_service["for"].get("identifier").is_none(),
        "{for_service}"
    );

    // The service accepts by PUT of the Task; a move the lifecycle forbids is refused naming it.
    let accepted = app
        .api(
            Method::PUT,
            &format!("/api/v1/fhir/Task/{id}"),
            Some(&vcse),
            Some(json!({ "resourceType": "Task", "id": id, "status": "accepted", "intent": "order",
                "businessStatus": { "coding": [{ "system": "urn:concord:fhir:CodeSystem:capacity-reply", "code": "waitlist" }] } })),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert_eq!(
        accepted.json()["businessStatus"]["coding"][0]["code"],
        "waitlist"
    );
    let completed = app
        .api(
            Method::PUT,
            &format!("/api/v1/fhir/Task/{id}"),
            Some(&vcse),
            Some(json!({ "resourceType": "Task", "id": id, "status": "completed", "intent": "order" })),
        )
        .await;
    assert_eq!(completed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        completed
            .body
            .contains("A referral that is accepted cannot be marked completed"),
        "{}",
        completed.body
    );
    let bogus = app
        .api(
            Method::PUT,
            &format!("/api/v1/fhir/Task/{id}"),
            Some(&vcse),
            Some(json!({ "resourceType": "Task", "status": "ready" })),
        )
        .await;
    assert_eq!(bogus.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Someone else's token sees nothing.
    let analyst = app.token("analyst").await;
    let refused = app
        .api(
            Method::GET,
            &format!("/api/v1/fhir/ServiceRequest/{id}"),
            Some(&analyst),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let caseload = app
        .api(Method::GET, "/api/v1/referrals", Some(&vcse), None)
        .await
        .json();
    assert_eq!(caseload["received"].as_array().unwrap().len(), 1);
}

/// The FHIR R4 schemas of Task and ServiceRequest (HL7's JSON schema, vendored under
/// `data/fhir-r4`), compiled for `definition`.
fn fhir_schema(definition: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/fhir-r4/referral.schema.json"
    ))
    .expect("the vendored FHIR schema");
    let mut schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    schema["$ref"] = json!(format!("#/definitions/{definition}"));
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft6)
        .build(&schema)
        .expect("the FHIR schema compiles")
}

/// What R4 requires beyond the JSON schema (which checks no cardinality), and what HL7's SDOH
/// referral-management profile of Task adds.
fn assert_r4_task(task: &serde_json::Value) {
    const STATUSES: [&str; 12] = [
        "draft",
        "requested",
        "received",
        "accepted",
        "rejected",
        "ready",
        "cancelled",
        "in-progress",
        "on-hold",
        "failed",
        "completed",
        "entered-in-error",
    ];
    assert!(
        STATUSES.contains(&task["status"].as_str().unwrap()),
        "{task}"
    );
    assert_eq!(task["intent"], "order");
    assert_eq!(
        task["code"]["coding"][0]["system"],
        "http://hl7.org/fhir/CodeSystem/task-code"
    );
    assert_eq!(task["code"]["coding"][0]["code"], "fulfill");
    assert!(task["focus"]["reference"]
        .as_str()
        .unwrap()
        .starts_with("ServiceRequest/"));
    for element in ["for", "authoredOn", "requester", "owner"] {
        assert!(
            task.get(element).is_some(),
            "Task.{element} missing: {task}"
        );
    }
    if ["rejected", "cancelled", "on-hold", "failed"].contains(&task["status"].as_str().unwrap()) {
        assert!(
            task["statusReason"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty()),
            "{task}"
        );
    }
    // inv-1: lastModified >= authoredOn.
    assert!(task["lastModified"].as_str().unwrap() >= task["authoredOn"].as_str().unwrap());
}

fn assert_r4_service_request(request: &serde_json::Value) {
    const STATUSES: [&str; 7] = [
        "draft",
        "active",
        "on-hold",
        "revoked",
        "completed",
        "entered-in-error",
        "unknown",
    ];
    assert!(
        STATUSES.contains(&request["status"].as_str().unwrap()),
        "{request}"
    );
    assert_eq!(request["intent"], "order");
    assert!(request.get("subject").is_some());
    assert!(["routine", "urgent", "asap", "stat"].contains(&request["priority"].as_str().unwrap()));
    // prr-1: orderDetail only with a code (we send no orderDetail, and always a code).
    assert_eq!(
        request["code"]["coding"][0]["system"],
        "http://snomed.info/sct"
    );
    assert_eq!(request["code"]["coding"][0]["code"], "871731000000106");
}

#[tokio::test]
async fn a_gp_system_sends_a_referral_as_a_fhir_service_request() {
    let (app, service) = app().await;
    let clinician = app.token("clinician").await;
    let vcse = app.token("vcse").await;
    let request = |nhs: &str, consent: &str| {
        json!({
            "resourceType": "ServiceRequest",
            "status": "active",
            "intent": "order",
            "priority": "routine",
            "contained": [
                { "resourceType": "Patient", "id": "person", "telecom": [
                    { "system": "phone", "value": "01632 960 001", "rank": 1 } ] },
                { "resourceType": "Consent", "id": "agreed", "status": consent,
                  "scope": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy" }] },
                  "category": [{ "coding": [{ "system": "http://loinc.org", "code": "59284-0" }] }],
                  "policyRule": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN" }] } }
            ],
            "subject": { "identifier": { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs } },
            "performer": [{ "reference": format!("HealthcareService/{service}") }],
            "note": [{ "text": "Would like company on weekday afternoons" }],
            "supportingInfo": [{ "reference": "#agreed" }]
        })
    };
    // Not the person's agreement, not on the list, not a ServiceRequest: refused by element.
    let unagreed = app
        .api(
            Method::POST,
            "/api/v1/fhir/ServiceRequest",
            Some(&clinician),
            Some(request(ADA, "inactive")),
        )
        .await;
    assert_eq!(unagreed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unagreed.body.contains("supportingInfo"),
        "{}",
        unagreed.body
    );
    let stranger = app
        .api(
            Method::POST,
            "/api/v1/fhir/ServiceRequest",
            Some(&clinician),
            Some(request("4010232137", "active")),
        )
        .await;
    assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        stranger.body.contains("subject.identifier"),
        "{}",
        stranger.body
    );
    let task = app
        .api(
            Method::POST,
            "/api/v1/fhir/ServiceRequest",
            Some(&clinician),
            Some(json!({ "resourceType": "Task" })),
        )
        .await;
    assert_eq!(task.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(referrals(&app).await, 0, "nothing was made");
    // A service may not send referrals.
    let by_service = app
        .api(
            Method::POST,
            "/api/v1/fhir/ServiceRequest",
            Some(&vcse),
            Some(request(ADA, "active")),
        )
        .await;
    assert_eq!(by_service.status, StatusCode::FORBIDDEN);

    let made = app
        .api(
            Method::POST,
            "/api/v1/fhir/ServiceRequest",
            Some(&clinician),
            Some(request(ADA, "active")),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.headers["content-type"], "application/fhir+json");
    let body = made.json();
    let id = body["id"].as_str().unwrap().to_string();
    assert_eq!(made.location(), format!("/api/v1/fhir/ServiceRequest/{id}"));
    assert_eq!(body["status"], "active");
    assert_eq!(body["subject"]["identifier"]["value"], ADA);
    assert_eq!(referrals(&app).await, 1);
    // The service has it to act on, with the person's words and how to reach them.
    let theirs = app
        .api(
            Method::GET,
            &format!("/api/v1/fhir/Task/{id}"),
            Some(&vcse),
            None,
        )
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert_eq!(theirs.json()["status"], "requested");
    let referral = app
        .api(
            Method::GET,
            &format!("/api/v1/referrals/{id}"),
            Some(&vcse),
            None,
        )
        .await
        .json();
    assert_eq!(
        referral["person"]["reason"],
        "Would like company on weekday afternoons"
    );
    assert_eq!(referral["person"]["phone"], "01632 960 001");
    // The same person cannot be sent twice to the same service.
    let again = app
        .api(
            Method::POST,
            "/api/v1/fhir/ServiceRequest",
            Some(&clinician),
            Some(request(ADA, "active")),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("performer[0]"), "{}", again.body);
}

#[tokio::test]
async fn fhir_task_and_service_request_validate_against_r4_at_every_state() {
    let (app, service) = app().await;
    let task_schema = fhir_schema("Task");
    let request_schema = fhir_schema("ServiceRequest");
    let clinician = app.token("clinician").await;
    let vcse = app.token("vcse").await;
    let check = |value: &serde_json::Value, validator: &jsonschema::Validator, what: &str| {
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} does not validate: {errors:#?}\n{value}"
        );
    };
    // The schema itself refuses what R4 does not allow.
    let mut wrong = json!({ "resourceType": "Task", "status": "waiting", "intent": "order" });
    assert!(!task_schema.is_valid(&wrong));
    wrong["status"] = json!("requested");
    assert!(task_schema.is_valid(&wrong));
    wrong["colour"] = json!("red");
    assert!(!task_schema.is_valid(&wrong));

    let make = |nhs: &'static str| {
        let app = &app;
        let service = service.clone();
        let clinician = clinician.clone();
        async move {
            app.api(
                Method::POST,
                "/api/v1/referrals",
                Some(&clinician),
                Some(json!({ "nhs_number": nhs, "service_id": service, "reason": "Company", "phone": "01632 960 001",
                    "email": "ada@example.org", "contact_preference": "phone", "consent": true, "priority": "urgent" })),
            )
            .await
            .json()["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let first = make(ADA).await;
    let second = make(ALAN).await;
    let moves: Vec<(&str, serde_json::Value)> = vec![
        (&first, json!({ "status": "received" })),
        (
            &first,
            json!({ "status": "accepted", "capacity": "additional_assessment_required" }),
        ),
        (&first, json!({ "status": "in_progress" })),
        (
            &first,
            json!({ "status": "on_hold", "reason": "other", "note": "In hospital" }),
        ),
        (
            &second,
            json!({ "status": "rejected", "reason": "not_eligible" }),
        ),
    ];
    let mut seen = 0;
    for change in std::iter::once(None).chain(moves.into_iter().map(Some)) {
        if let Some((id, change)) = &change {
            let moved = app
                .api(
                    Method::POST,
                    &format!("/api/v1/referrals/{id}/status"),
                    Some(&vcse),
                    Some(change.clone()),
                )
                .await;
            assert_eq!(moved.status, StatusCode::OK, "{change}: {}", moved.body);
        }
        for id in [&first, &second] {
            for (path, validator, r4) in [
                (
                    "Task",
                    &task_schema,
                    assert_r4_task as fn(&serde_json::Value),
                ),
                ("ServiceRequest", &request_schema, assert_r4_service_request),
            ] {
                let reply = app
                    .api(
                        Method::GET,
                        &format!("/api/v1/fhir/{path}/{id}"),
                        Some(&clinician),
                        None,
                    )
                    .await;
                let value = reply.json();
                check(&value, validator, path);
                r4(&value);
                seen += 1;
            }
        }
    }
    assert_eq!(seen, 24);
    let rejected = app
        .api(
            Method::GET,
            &format!("/api/v1/fhir/Task/{second}"),
            Some(&clinician),
            None,
        )
        .await
        .json();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(
        rejected["statusReason"]["text"],
        "Not eligible for this service"
    );
    let held = app
        .api(
            Method::GET,
            &format!("/api/v1/fhir/ServiceRequest/{first}"),
            Some(&clinician),
            None,
        )
        .await
        .json();
    assert_eq!(held["status"], "on-hold");
    assert_eq!(
        held["subject"]["identifier"]["system"],
        "https://fhir.nhs.uk/Id/nhs-number"
    );
}

#[tokio::test]
async fn the_demo_year_of_referrals_loads_through_the_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_population(dir.path(), 4_000).await;
    concord_demo::seed_directory(&app.store).await.unwrap();
    let config = concord_web::population::PopulationConfig {
        store: dir.path().join("population"),
        key_file: dir.path().join("population.key"),
        ..Default::default()
    };
    let loaded = concord_demo::seed_referrals(&app.store, config.clone())
        .await
        .unwrap();
    assert!(loaded > 20, "{loaded} referrals");
    // A second load adds nothing.
    assert_eq!(
        concord_demo::seed_referrals(&app.store, config)
            .await
            .unwrap(),
        0
    );
    let statuses: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM referrals GROUP BY status ORDER BY status")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    eprintln!("{loaded} referrals: {statuses:?}");
    let of = |s: &str| statuses.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
    assert!(of("completed") > 0 && of("rejected") > 0, "{statuses:?}");
    // Each referral carries the broad ethnic group of the category on the practice's list (the
    // NHS Data Dictionary's headings: A-C White, D-G Mixed, H-L Asian, M-P Black, R-S Other).
    let pairs: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT p.ethnic_category, r.ethnicity FROM referrals r JOIN registered_patients p \
         ON p.practice_id = r.referring_organisation_id AND p.nhs_number = r.nhs_number",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert_eq!(
        pairs.len() as i64,
        statuses.iter().map(|s| s.1).sum::<i64>()
    );
    let stated = pairs.iter().filter(|p| p.0.is_some()).count();
    assert!(stated * 10 > pairs.len() * 8, "{stated} of {}", pairs.len());
    for (category, group) in &pairs {
        let expected = category.as_deref().map(|c| match c {
            "A" | "B" | "C" => "white",
            "D" | "E" | "F" | "G" => "mixed",
            "H" | "J" | "K" | "L" => "asian",
            "M" | "N" | "P" => "black",
            _ => "other",
        });
        assert_eq!(group.as_deref(), expected, "{category:?}");
    }
    // Every referral's events replay through the lifecycle to its status.
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, status FROM referrals")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    for (id, status) in rows {
        let events = concord_store::referrals::events(&app.store, &id)
            .await
            .unwrap();
        assert_eq!(events.last().unwrap().to.as_str(), status);
        for pair in events.windows(2) {
            assert_eq!(pair[1].from, Some(pair[0].to));
            assert!(pair[1].at >= pair[0].at);
        }
    }
    // A referral made now carries the deprivation decile of the person's neighbourhood, read
    // from the population picture (never shown; for the figures on equity).
    let practice = app.login_for("clinician").organisation_id.clone();
    let code: String = sqlx::query_scalar("SELECT code FROM organisations WHERE id = $1")
        .bind(&practice)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let service: String = sqlx::query_scalar(
        "SELECT id FROM directory_services WHERE partner_organisation_id IS NOT NULL \
         AND status = 'active' ORDER BY id LIMIT 1",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    let nhs: String = sqlx::query_scalar(
        "SELECT nhs_number FROM registered_patients p WHERE practice_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM referrals r WHERE r.nhs_number = p.nhs_number AND r.service_id = $2) \
         ORDER BY nhs_number LIMIT 1",
    )
    .bind(&practice)
    .bind(&service)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    let population =
        concord_app::population::Population::new(concord_web::population::PopulationConfig {
            store: dir.path().join("population"),
            key_file: dir.path().join("population.key"),
            ..Default::default()
        });
    let expected = concord_app::population::worklists::deprivation_decile(&population, &code, &nhs)
        .await
        .unwrap();
    assert!(
        expected.is_some_and(|d| (1..=10).contains(&d)),
        "{expected:?}"
    );
    let mut clinician = app.browser("clinician").await;
    let sent = app
        .post(
            "/referrals",
            &mut clinician,
            &[
                ("nhs_number", nhs.as_str()),
                ("service_id", service.as_str()),
                ("reason", "Would like company"),
                ("phone", "01632 960 001"),
                ("contact_preference", "phone"),
                ("consent", "true"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let carried: Option<i64> = sqlx::query_scalar(
        "SELECT deprivation_decile FROM referrals WHERE nhs_number = $1 AND service_id = $2",
    )
    .bind(&nhs)
    .bind(&service)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(carried, expected.map(i64::from));
    // A stranger's number is no one's decile.
    assert_eq!(
        concord_app::population::worklists::deprivation_decile(&population, "X99999", &nhs)
            .await
            .unwrap(),
        None
    );

    // The referral measures are in the catalogue, computed from the history: each complete
    // month's referrals sent for the whole system is that month's count (by SQL) under the rule.
    // This small population refers a few people a month, so the test's rule is a low one.
    let sent = concord_store::metrics::get(&app.store, "concord_referrals_sent")
        .await
        .unwrap();
    let whole_system = |series: Vec<concord_store::metrics::Series>| {
        series
            .into_iter()
            .find(|s| s.place_id.is_none() && s.organisation_id.is_none())
            .expect("a whole-system series")
    };
    let rule = concord_population::disclosure::DisclosureRule {
        suppress_below: 3,
        round_to: 1,
    };
    let system = Actor::system("test");
    let published = concord_app::refer::measures::publish(&app.store, &system, &rule)
        .await
        .unwrap();
    assert!(published.is_some(), "a lower threshold publishes more");
    let again = concord_app::refer::measures::publish(&app.store, &system, &rule)
        .await
        .unwrap();
    assert_eq!(again, None, "nothing changed, so nothing is loaded");
    let series = whole_system(
        concord_store::metrics::series(&app.store, Some(&sent.id))
            .await
            .unwrap(),
    );
    let values = concord_store::metrics::values(&app.store, &series.id)
        .await
        .unwrap();
    assert!(values.len() >= 12, "{} months", values.len());
    for value in &values {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM referrals WHERE sent_at IS NOT NULL AND status <> 'entered_in_error' AND substr(sent_at, 1, 7) = $1",
        )
        .bind(&value.period[..7])
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert_eq!(value.value, n as f64, "{}", value.period);
    }
    // Under a stricter rule, what it no longer publishes is withdrawn: every value left is one
    // the rule publishes (none, or at least 10 and a multiple of 5).
    let strict = concord_population::disclosure::DisclosureRule::default();
    let tightened = concord_app::refer::measures::publish(&app.store, &system, &strict)
        .await
        .unwrap()
        .expect("the stricter rule changes what is published");
    assert!(tightened.withdrawn > 0, "{tightened:?}");
    for value in concord_store::metrics::values(&app.store, &series.id)
        .await
        .unwrap()
    {
        assert!(
            value.value == 0.0 || (value.value >= 10.0 && value.value % 5.0 == 0.0),
            "{value:?}"
        );
    }
    concord_app::refer::measures::publish(&app.store, &system, &rule)
        .await
        .unwrap();
    // Nobody may make or load a metric with a code kept for the measures Concord computes.
    let analyst = concord_store::Actor {
        person_id: Some(app.login_for("analyst").person_id.clone()),
        ..Actor::system("analyst")
    };
    let forged = concord_domain::metric::MetricDraft {
        code: "concord_referrals_declined".into(),
        name: "Referrals declined".into(),
        definition: "Made up".into(),
        unit: "referrals".into(),
        improvement_direction: "decrease".into(),
        owner_organisation_id: app.login_for("analyst").organisation_id.clone(),
        source: concord_app::refer::measures::SOURCE.into(),
        frequency: "monthly".into(),
        category: "community".into(),
        ..Default::default()
    };
    let refused = concord_store::metrics::create(&app.store, &analyst, &forged).await;
    assert!(
        matches!(&refused, Err(concord_store::StoreError::Invalid(e)) if e.for_field("code").is_some()),
        "{refused:?}"
    );
    let typed = concord_store::metric_load::load(
        &app.store,
        &analyst,
        &[concord_store::metric_load::ValueRow {
            at: "line 2".into(),
            metric: "concord_referrals_sent".into(),
            period: "2026-01-01".into(),
            value: "3".into(),
            ..Default::default()
        }],
        "values.csv",
        "file",
        &|_| true,
    )
    .await;
    assert!(
        matches!(typed, Err(concord_store::StoreError::Invalid(_))),
        "{typed:?}"
    );
    // The social prescribing programme's benefit reads the wait measure's whole-system values.
    let wait = concord_store::metrics::get(&app.store, "concord_referral_wait")
        .await
        .unwrap();
    let waits = concord_store::metrics::values(
        &app.store,
        &whole_system(
            concord_store::metrics::series(&app.store, Some(&wait.id))
                .await
                .unwrap(),
        )
        .id,
    )
    .await
    .unwrap();
    let programme = concord_store::lookups::programmes(&app.store)
        .await
        .unwrap()
        .into_iter()
        .find(|(_, name)| name == "Social isolation and social prescribing")
        .unwrap()
        .0;
    let benefits = concord_store::delivery::benefits_of(&app.store, &programme)
        .await
        .unwrap();
    let benefit = benefits
        .iter()
        .find(|b| b.metric_id.as_deref() == Some(wait.id.as_str()))
        .expect("a benefit shown by the catalogue metric");
    let readings: Vec<(String, f64)> = benefit
        .readings
        .iter()
        .map(|r| (r.measured_on.clone(), r.value))
        .collect();
    let expected: Vec<(String, f64)> = waits.iter().map(|v| (v.period.clone(), v.value)).collect();
    assert!(!expected.is_empty());
    assert_eq!(readings, expected);
    assert_eq!(benefit.unit, "working days");
    // Its readings are not typed.
    let typed = concord_store::delivery::record_reading(
        &app.store,
        &Actor::system("test"),
        &programme,
        &benefit.id,
        &concord_domain::programme::MeasurementDraft {
            measured_on: "2026-01-31".into(),
            value: "2".into(),
        },
    )
    .await;
    assert!(
        matches!(typed, Err(concord_store::StoreError::Invalid(_))),
        "{typed:?}"
    );

    // The demo's clinician sees their practice's referrals; the VCSE worker those with Age UK
    // Riverside's services now.
    let mut clinician = app.browser("clinician").await;
    let page = app.get("/referrals?closed=yes", &mut clinician).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("data-testid=\"referral-row\""),
        "the clinician's practice made referrals"
    );
}
