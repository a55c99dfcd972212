//! Notifications: worked out from each person's work, shown in Concord with a count in the header,
//! and e-mailed through a real SMTP server (aiosmtpd from PyPI) — delivered once, kept and retried
//! while the server is down, never sent twice; each person's settings and the e-mail's unsubscribe
//! link are obeyed.

use crate::common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::smtp::{header, SmtpSink};
use common::TestApp;
use concord_app::notify::mail::{deliver_due, MailSettings, Mailer};
use concord_app::notify::sweep;
use concord_domain::meeting::ActionDraft;
use concord_store::{mail_queue, meetings, notifications, Actor};

fn mailer(sink: &SmtpSink) -> Mailer {
    Mailer::new(&MailSettings {
        server: sink.url(),
        from: "Concord <concord@riverside.example>".into(),
        public_url: "https://concord.riverside.example".into(),
        system_name: "Riverside and Vale ICS".into(),
    })
    .unwrap()
}

/// Gives `person_id` a new action due in a week; returns its title.
async fn assign_action(app: &TestApp, person_id: &str, title: &str) {
    let due = (Utc::now() + Duration::days(7))
        .format("%Y-%m-%d")
        .to_string();
    meetings::set_action(
        &app.store,
        &Actor::system("test"),
        None,
        &ActionDraft {
            title: title.into(),
            owner_person_id: person_id.into(),
            due_on: due,
            programme_id: String::new(),
        },
    )
    .await
    .unwrap();
}

fn unread_in_header(body: &str) -> Option<String> {
    let link = body.split("data-testid=\"notifications-link\"").nth(1)?;
    let count = link.split("class=\"concord-count\">").nth(1)?;
    Some(count.split('<').next()?.to_string())
}

#[tokio::test]
async fn people_are_told_in_concord_once_and_can_read_what_they_were_told() {
    let app = TestApp::new().await;
    let person_id = app.login_for("programme").person_id.clone();
    assign_action(&app, &person_id, "Send the discharge data to the ICB").await;

    let first = sweep(&app.store, Utc::now(), false).await.unwrap();
    assert!(first.notifications > 0);
    assert_eq!(first.emails, 0, "no mail server: nothing is queued");
    let again = sweep(&app.store, Utc::now(), false).await.unwrap();
    assert_eq!(
        again.notifications, 0,
        "the same occasions are never told twice"
    );

    let mut browser = app.browser("programme").await;
    let page = app.get("/notifications", &mut browser).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("Action for you: Send the discharge data to the ICB"));
    let unread = notifications::unread_count(&app.store, &person_id)
        .await
        .unwrap();
    assert!(unread > 0);
    let home = app.get("/", &mut browser).await;
    assert_eq!(
        unread_in_header(&home.body).as_deref(),
        Some(unread.to_string().as_str())
    );

    // Opening one marks it read and goes to where it is acted on.
    let listed = notifications::list(&app.store, &person_id).await.unwrap();
    let action = listed
        .iter()
        .find(|n| n.title.contains("Send the discharge data"))
        .unwrap();
    let opened = app
        .post(
            &format!("/notifications/{}/open", action.id),
            &mut browser,
            &[],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    assert_eq!(opened.location(), action.link);
    assert_eq!(
        notifications::unread_count(&app.store, &person_id)
            .await
            .unwrap(),
        unread - 1
    );

    // Somebody else's notification is not theirs to open.
    let mut other = app.browser("analyst").await;
    let refused = app
        .post(
            &format!("/notifications/{}/open", action.id),
            &mut other,
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    let all = app.post("/notifications/read", &mut browser, &[]).await;
    assert_eq!(all.status, StatusCode::SEE_OTHER);
    assert_eq!(
        notifications::unread_count(&app.store, &person_id)
            .await
            .unwrap(),
        0
    );
    let home = app.get("/", &mut browser).await;
    assert_eq!(
        unread_in_header(&home.body),
        None,
        "no count once all are read"
    );

    // The API gives the same list.
    let token = app.token("programme").await;
    let api = app
        .api(
            axum::http::Method::GET,
            "/api/v1/me/notifications",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.json()["unread"], 0);
    assert_eq!(
        api.json()["notifications"].as_array().unwrap().len(),
        listed.len()
    );
}

#[tokio::test]
async fn emails_reach_the_mail_server_once_survive_it_being_down_and_obey_unsubscribe() {
    let app = TestApp::new().await;
    let mut sink = SmtpSink::start();
    let mailer = mailer(&sink);
    let person_id = app.login_for("programme").person_id.clone();
    assign_action(
        &app,
        &person_id,
        "Book the community physiotherapy workshop",
    )
    .await;

    let swept = sweep(&app.store, Utc::now(), true).await.unwrap();
    assert!(swept.emails > 0);
    let delivered = deliver_due(&app.store, &mailer, Utc::now()).await.unwrap();
    assert_eq!(delivered.sent, swept.emails);
    assert_eq!(delivered.failed, 0);
    let messages = sink.messages();
    assert_eq!(messages.len(), swept.emails);
    let ours = messages
        .iter()
        .find(|m| {
            header(m, "Subject").is_some_and(|s| s.contains("Book the community physiotherapy"))
        })
        .expect("the action's e-mail was delivered");
    assert!(header(ours, "To").unwrap().contains('@'));
    let unsubscribe = header(ours, "List-Unsubscribe").unwrap();
    assert!(
        unsubscribe.starts_with("<https://concord.riverside.example/notifications/unsubscribe/")
    );

    // Sending again sends nothing: every e-mail went once.
    let none = deliver_due(&app.store, &mailer, Utc::now()).await.unwrap();
    assert_eq!((none.sent, none.failed), (0, 0));
    assert_eq!(sink.messages().len(), swept.emails);

    // The mail server goes down: the new e-mail is kept, its failure shown to administrators.
    sink.stop();
    assign_action(&app, &person_id, "Chase the falls pathway audit").await;
    let swept = sweep(&app.store, Utc::now(), true).await.unwrap();
    assert_eq!(swept.emails, 1);
    let now = Utc::now();
    let down = deliver_due(&app.store, &mailer, now).await.unwrap();
    assert_eq!((down.sent, down.failed), (0, 1));
    let queue = mail_queue::waiting(&app.store, now).await.unwrap();
    assert_eq!(queue.waiting.len(), 1);
    assert_eq!(queue.waiting[0].attempts, 1);
    assert!(!queue.waiting[0].last_error.is_empty());
    let mut admin = app.browser("admin").await;
    let page = app.get("/admin/mail", &mut admin).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("1 e-mail is waiting"), "{}", page.body);
    // Not tried again before its wait is over.
    let early = deliver_due(&app.store, &mailer, now + Duration::seconds(30))
        .await
        .unwrap();
    assert_eq!((early.sent, early.failed), (0, 0));

    // Back up: delivered once, after the wait.
    sink.resume();
    let later = now + Duration::minutes(2);
    let back = deliver_due(&app.store, &mailer, later).await.unwrap();
    assert_eq!((back.sent, back.failed), (1, 0));
    let after = deliver_due(&app.store, &mailer, later + Duration::hours(7))
        .await
        .unwrap();
    assert_eq!((after.sent, after.failed), (0, 0));
    let messages = sink.messages();
    let chased: Vec<_> = messages
        .iter()
        .filter(|m| header(m, "Subject").is_some_and(|s| s.contains("Chase the falls pathway")))
        .collect();
    assert_eq!(chased.len(), 1, "delivered exactly once");
    let mut ids: Vec<String> = messages
        .iter()
        .map(|m| header(m, "Message-ID").unwrap())
        .collect();
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "no message was sent twice");

    // The unsubscribe link works without signing in, and only stops e-mail of its kind.
    let token = unsubscribe
        .trim_end_matches('>')
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let mut stranger = common::Browser::default();
    let shown = app
        .get(
            &format!("/notifications/unsubscribe/{token}"),
            &mut stranger,
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("An action is assigned to you"));
    stranger.csrf = common::csrf_in(&shown.body);
    let done = app
        .post(
            &format!("/notifications/unsubscribe/{token}"),
            &mut stranger,
            &[],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assign_action(&app, &person_id, "Share the frailty worklist results").await;
    let swept = sweep(&app.store, Utc::now(), true).await.unwrap();
    assert_eq!(swept.notifications, 1, "still told in Concord");
    assert_eq!(swept.emails, 0, "but no longer by e-mail");
    let wrong = app
        .get(
            &format!("/notifications/unsubscribe/{}", "0".repeat(48)),
            &mut stranger,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn each_person_chooses_what_they_are_told_and_only_their_own_choices() {
    let app = TestApp::new().await;
    let person_id = app.login_for("lead").person_id.clone();
    let mut browser = app.browser("lead").await;
    let form = app.get("/notifications/settings", &mut browser).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("No mail server is set up"));

    // Keep only reports in Concord, and nothing by e-mail.
    let saved = app
        .post(
            "/notifications/settings",
            &mut browser,
            &[("in_app", "report_due")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assign_action(&app, &person_id, "Draft the winter plan summary").await;
    sweep(&app.store, Utc::now(), false).await.unwrap();
    let shown = notifications::list(&app.store, &person_id).await.unwrap();
    assert!(
        shown
            .iter()
            .all(|n| n.kind == concord_domain::notification::NotificationKind::ReportDue),
        "{shown:?}"
    );

    // A made-up kind is refused on its field, keeping what was ticked.
    let refused = app
        .post(
            "/notifications/settings",
            &mut browser,
            &[("in_app", "report_due"), ("email", "everything")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("is not a kind of notification"));

    // The queue is for administrators only.
    let queue = app.get("/admin/mail", &mut browser).await;
    assert_eq!(queue.status, StatusCode::FORBIDDEN);
}
