//! Board packs as circulated: issuing freezes a pack (HTML and PDF, with the PDF's hash); later
//! changes leave an issued version byte for byte as it was, and issuing again makes a new version.
//! Packs open with apologies, declarations of interest and the previous minutes for approval.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use concord_domain::meeting::AgendaItemDraft;
use concord_store::board_packs::{self, sha256_hex, Edition};
use concord_store::{boards, meetings, Actor};

/// A demo meeting with an earlier meeting of the same board: (meeting id, previous meeting id).
async fn meeting_with_a_previous(app: &TestApp) -> (String, String) {
    for board in boards::list(&app.store, None).await.unwrap() {
        let list = meetings::meetings_of(&app.store, &board.id).await.unwrap();
        if list.len() >= 2 {
            return (list[0].id.clone(), list[1].id.clone());
        }
    }
    panic!("the demo has a board with two meetings");
}

#[tokio::test]
async fn an_issued_pack_never_changes_and_reissuing_makes_a_new_version() {
    let app = TestApp::new().await;
    let (meeting_id, _) = meeting_with_a_previous(&app).await;
    let mut admin = app.browser("admin").await;

    let draft = app
        .get(&format!("/meetings/{meeting_id}/pack"), &mut admin)
        .await;
    assert_eq!(draft.status, StatusCode::OK);
    assert!(draft.body.contains("Draft, not issued"));
    assert!(draft.body.contains("Opening business"));
    assert!(draft.body.contains("Apologies"));

    let issued = app
        .post(
            &format!("/meetings/{meeting_id}/pack/issue"),
            &mut admin,
            &[],
        )
        .await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}", issued.body);
    let versions = board_packs::issues(&app.store, &meeting_id).await.unwrap();
    assert_eq!(versions.len(), 1);
    let first = &versions[0];
    let page = app
        .get(&format!("/meetings/{meeting_id}/pack"), &mut admin)
        .await;
    assert!(page.body.contains("Board pack – version 1"));
    assert!(page.body.contains(&first.open_sha256) || page.body.contains(&first.members_sha256));

    let pdf_path = format!("/meetings/{meeting_id}/pack/versions/1/pdf");
    let pdf = app.send_raw(&pdf_path, &mut admin).await;
    assert!(pdf.starts_with(b"%PDF"));
    let hash = sha256_hex(&pdf);
    assert!(hash == first.open_sha256 || hash == first.members_sha256);

    // Later changes: a declaration and a new agenda item.
    let shown = app
        .get(
            &format!("/meetings/{meeting_id}/declarations/new"),
            &mut admin,
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    let member = boards::members(
        &app.store,
        &meetings::get(&app.store, &meeting_id)
            .await
            .unwrap()
            .board_id,
    )
    .await
    .unwrap()
    .remove(0);
    let declared = app
        .post(
            &format!("/meetings/{meeting_id}/declarations"),
            &mut admin,
            &[
                ("person_id", member.person_id.as_str()),
                ("agenda_item_id", ""),
                (
                    "interest",
                    "Trustee of Riverside Carers, a provider under discussion",
                ),
            ],
        )
        .await;
    assert_eq!(declared.status, StatusCode::SEE_OTHER, "{}", declared.body);
    meetings::add_agenda_item(
        &app.store,
        &Actor::system("test"),
        &meeting_id,
        &AgendaItemDraft {
            title: "Late paper on winter beds".into(),
            purpose: "decision".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();

    // Version 1 is exactly as issued.
    assert_eq!(app.send_raw(&pdf_path, &mut admin).await, pdf);
    let v1 = app
        .get(
            &format!("/meetings/{meeting_id}/pack/versions/1"),
            &mut admin,
        )
        .await;
    assert!(!v1.body.contains("Late paper on winter beds"));
    assert!(!v1.body.contains("Trustee of Riverside Carers"));
    let live = app
        .get(&format!("/meetings/{meeting_id}/pack/draft"), &mut admin)
        .await;
    assert!(live.body.contains("Late paper on winter beds"));
    assert!(live.body.contains("Trustee of Riverside Carers"));

    // Issued again: a new version with the changes; the first unchanged.
    let again = app
        .post(
            &format!("/meetings/{meeting_id}/pack/issue"),
            &mut admin,
            &[("note", "Late paper added")],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let versions = board_packs::issues(&app.store, &meeting_id).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [2, 1]
    );
    assert_ne!(versions[0].open_sha256, versions[1].open_sha256);
    let latest = app
        .get(&format!("/meetings/{meeting_id}/pack"), &mut admin)
        .await;
    assert!(latest.body.contains("Late paper on winter beds"));
    assert!(latest.body.contains("Late paper added"));
    assert_eq!(app.send_raw(&pdf_path, &mut admin).await, pdf);
    let (_, stored) = board_packs::read(&app.store, &meeting_id, 1, Edition::Open)
        .await
        .unwrap();
    assert_eq!(sha256_hex(&stored.pdf), versions[1].open_sha256);

    // Only those who build the agenda may issue.
    let mut analyst = app.browser("analyst").await;
    let refused = app
        .post(
            &format!("/meetings/{meeting_id}/pack/issue"),
            &mut analyst,
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn confidential_items_are_only_in_the_members_edition() {
    let app = TestApp::new().await;
    let (meeting_id, _) = meeting_with_a_previous(&app).await;
    meetings::add_agenda_item(
        &app.store,
        &Actor::system("test"),
        &meeting_id,
        &AgendaItemDraft {
            title: "Provider failure contingency".into(),
            purpose: "discussion".into(),
            confidential: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut admin = app.browser("admin").await;
    let issued = app
        .post(
            &format!("/meetings/{meeting_id}/pack/issue"),
            &mut admin,
            &[],
        )
        .await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER);
    let (_, members) = board_packs::read(&app.store, &meeting_id, 1, Edition::Members)
        .await
        .unwrap();
    let (_, open) = board_packs::read(&app.store, &meeting_id, 1, Edition::Open)
        .await
        .unwrap();
    assert!(members.html.contains("Provider failure contingency"));
    assert!(!open.html.contains("Provider failure contingency"));
    assert!(open.html.contains("withheld"));
}

#[tokio::test]
async fn previous_minutes_are_approved_once_written_and_then_kept_as_approved() {
    let app = TestApp::new().await;
    let (meeting_id, previous_id) = meeting_with_a_previous(&app).await;
    let mut admin = app.browser("admin").await;
    meetings::write_minutes(
        &app.store,
        &Actor::system("test"),
        &previous_id,
        &concord_domain::meeting::MinutesDraft {
            minutes: "Present: the chair and five members. The board agreed the winter plan."
                .into(),
        },
    )
    .await
    .unwrap();
    let pack = app
        .get(&format!("/meetings/{meeting_id}/pack/draft"), &mut admin)
        .await;
    assert!(pack.body.contains("for approval as a true record"));
    assert!(pack.body.contains("The board agreed the winter plan."));

    let approved = app
        .post(
            &format!("/meetings/{meeting_id}/minutes/approve-previous"),
            &mut admin,
            &[],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let previous = meetings::get(&app.store, &previous_id).await.unwrap();
    let held_on = meetings::get(&app.store, &meeting_id)
        .await
        .unwrap()
        .held_on;
    assert_eq!(
        previous.minutes_approved_on.as_deref(),
        Some(held_on.as_str())
    );
    let pack = app
        .get(&format!("/meetings/{meeting_id}/pack/draft"), &mut admin)
        .await;
    assert!(pack.body.contains("were approved as a true record on"));

    // Approved minutes are the record: they can no longer be changed.
    let changed = app
        .post(
            &format!("/meetings/{previous_id}/minutes"),
            &mut admin,
            &[("minutes", "Rewritten afterwards.")],
        )
        .await;
    assert_eq!(changed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(changed.body.contains("approved as a true record"));

    // Apologies only from the board's members.
    let board_id = meetings::get(&app.store, &meeting_id)
        .await
        .unwrap()
        .board_id;
    let members = boards::members(&app.store, &board_id).await.unwrap();
    let outsider = ["vcse", "analyst", "clinician", "programme", "lead"]
        .iter()
        .map(|u| app.login_for(u).person_id.clone())
        .find(|p| !members.iter().any(|m| &m.person_id == p))
        .expect("a demo user who is not on the board");
    let refused = app
        .post(
            &format!("/meetings/{meeting_id}/apologies"),
            &mut admin,
            &[("person_id", outsider.as_str())],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}
