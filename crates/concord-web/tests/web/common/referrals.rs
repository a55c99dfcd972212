//! What the referral tests share: the demo with its directory and two people on the clinician's
//! practice's list, and steps of a referral over HTTP.

use super::{Browser, TestApp};
use axum::http::StatusCode;
use concord_store::audit::{self, AuditFilter};
use concord_store::directory::{self, ServiceFilter};
use concord_store::population::{self, RegisteredPatient};
use concord_store::{Actor, PageRequest};

pub const ADA: &str = "9434765919";
pub const ALAN: &str = "9434765870";

pub fn patient(nhs: &str, given: &str, family: &str) -> RegisteredPatient {
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
pub async fn app() -> (TestApp, String) {
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

pub async fn referrals(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM referrals")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

pub async fn audited(app: &TestApp, action: &str) -> usize {
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
pub async fn refer(app: &TestApp, clinician: &mut Browser, nhs: &str, service: &str) -> String {
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

pub async fn move_to(
    app: &TestApp,
    who: &mut Browser,
    id: &str,
    fields: &[(&str, &str)],
) -> super::Reply {
    app.post(&format!("/referrals/{id}/status"), who, fields)
        .await
}
