//! Referrals across organisations over HTTP: a GP practice's clinician refers a person on its
//! registered list to a VCSE partner's service; the service sees them (never their NHS number)
//! only while the referral is with it; each side makes only its own moves; every view of a
//! referral is audited before it is served, and nothing is served when it cannot be.

use crate::common;

use axum::http::StatusCode;
use common::referrals::*;
use common::Browser;
use concord_store::directory::{self, ServiceFilter};
use concord_store::PageRequest;

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
