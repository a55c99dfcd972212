//! Notifications: the person's list (the header shows how many are unread), opening one, marking
//! all read, their settings (where they are told about each kind), the unsubscribe link from an
//! e-mail, and the administrators' view of the e-mail queue.
//!
//! Who may do what: a person sees and changes only their own notifications and settings (every
//! query is keyed by the signed-in person, so another's id is simply not found); an unsubscribe
//! link needs no sign-in, and its 48-character secret can only stop e-mails of one kind for the
//! one person it was sent to; the queue is for system administrators and shows whom and what
//! kind, never what the e-mail says.

use crate::error::PageError;
use crate::extract::{Context, PageForm};
use crate::ui::filters;
use crate::ui::form::{form_page, parse, settle, Fields, FormDef, Posted};
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::{render, Layout};
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use concord_domain::notification::{ChoicesDraft, NotificationKind};
use concord_domain::ValidationErrors;
use concord_store::mail_queue::{self, QueueState};
use concord_store::notifications::{self, Notification};

#[derive(Template)]
#[template(path = "foundation/notifications.html")]
struct ListPage {
    layout: Layout,
    notifications: Vec<Notification>,
    unread: usize,
    limit: i64,
}

/// `GET /notifications`: the person's notifications, newest first, unread marked.
pub async fn list(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let person_id = &permit.person().person_id;
    let notifications = notifications::list(&state.store, person_id).await?;
    Ok(render(&ListPage {
        layout: Layout::new(&state, &visitor, &permit, "Notifications", ""),
        unread: notifications.iter().filter(|n| n.read_at.is_none()).count(),
        notifications,
        limit: notifications::LIST_LIMIT,
    }))
}

/// `POST /notifications/{id}/open`: marks one read and goes to its page.
pub async fn open(
    Context(state, _visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let link = notifications::mark_read(&state.store, &permit.person().person_id, Some(&id))
        .await?
        .filter(|l| l.starts_with('/') && !l.starts_with("//") && !l.contains('\\'))
        .unwrap_or_else(|| "/notifications".into());
    Ok(crate::ui::see_other(&link))
}

/// `POST /notifications/read`: marks all read.
pub async fn read_all(Context(state, _visitor, permit): Context) -> Result<Response, PageError> {
    notifications::mark_read(&state.store, &permit.person().person_id, None).await?;
    Ok(confirmed(Next::to(
        "/notifications",
        Notice::NotificationsRead,
    )))
}

fn kind_choices() -> Vec<(String, String)> {
    NotificationKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), k.label().to_string()))
        .collect()
}

fn settings_form(
    state: &crate::AppState,
    visitor: &crate::auth::Visitor,
    permit: &crate::authz::Permit,
    draft: &ChoicesDraft,
    errors: ValidationErrors,
) -> Response {
    let email_hint = if state.mail_configured {
        "Sent to your work e-mail address. Every e-mail has a link to stop e-mails of its kind."
    } else {
        "No mail server is set up on this Concord yet, so for now you are told in Concord only. \
         Your choice is kept for when one is."
    };
    let def = FormDef {
        heading: "Notification settings".into(),
        caption: "Your account".into(),
        intro: "Choose what Concord tells you about, and where. You are told once about each \
                occasion: a proposal, an action, a report or review falling due, a risk reaching \
                your board."
            .into(),
        warning: None,
        back: ("/notifications".into(), "Back to notifications".into()),
        action: "/notifications/settings".into(),
        submit: "Save settings".into(),
        fields: Fields::new(draft)
            .checkboxes(
                "in_app",
                "Tell me in Concord about",
                "Shown under Notifications, with the number unread at the top of every page.",
                kind_choices(),
            )
            .checkboxes("email", "E-mail me about", email_hint, kind_choices())
            .build(),
    };
    form_page(
        Layout::new(state, visitor, permit, "Notification settings", ""),
        def,
        errors,
    )
}

/// `GET /notifications/settings`.
pub async fn settings(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let chosen = notifications::choices(&state.store, &permit.person().person_id).await?;
    let pick = |email: bool| {
        chosen
            .iter()
            .filter(|(_, c)| if email { c.email } else { c.in_app })
            .map(|(k, _)| k.as_str().to_string())
            .collect()
    };
    let draft = ChoicesDraft {
        in_app: pick(false),
        email: pick(true),
    };
    Ok(settings_form(
        &state,
        &visitor,
        &permit,
        &draft,
        ValidationErrors::default(),
    ))
}

/// `POST /notifications/settings`: one `in_app` and one `email` per ticked kind.
pub async fn save_settings(
    Context(state, visitor, permit): Context,
    PageForm(fields): PageForm<Posted>,
) -> Result<Response, PageError> {
    let draft: ChoicesDraft = parse(&fields, &["in_app", "email"])?;
    let person_id = permit.person().person_id.clone();
    settle(
        notifications::set_choices(&state.store, &permit.actor, &person_id, &draft).await,
        |()| Next::to("/notifications", Notice::NotificationChoicesSaved),
        |errors| async { Ok(settings_form(&state, &visitor, &permit, &draft, errors)) },
    )
    .await
}

#[derive(Template)]
#[template(path = "foundation/unsubscribe.html")]
struct UnsubscribePage {
    layout: Layout,
    token: String,
    kind: NotificationKind,
    name: String,
    stopped: bool,
}

fn unknown_link() -> PageError {
    PageError(crate::error::Problem::new(
        axum::http::StatusCode::NOT_FOUND,
        "not-found",
        "This unsubscribe link is not recognised",
        "Check that the whole link was copied from the e-mail, or sign in and change your \
         notification settings.",
    ))
}

/// `GET /notifications/unsubscribe/{token}`: says what the link stops and asks to confirm (a
/// link followed by a mail scanner changes nothing).
pub async fn unsubscribe_page(
    Context(state, mut visitor, permit): Context,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let link = mail_queue::unsubscribe_link(&state.store, &token)
        .await?
        .ok_or_else(unknown_link)?;
    let stopped = notifications::choices(&state.store, &link.person_id)
        .await?
        .into_iter()
        .any(|(kind, channels)| kind == link.kind && !channels.email);
    let new_cookie = crate::auth::pre_session_token(&mut visitor);
    let mut response = render(&UnsubscribePage {
        layout: Layout::new(&state, &visitor, &permit, "Stop these e-mails", ""),
        token,
        kind: link.kind,
        name: link.name,
        stopped,
    });
    crate::auth::set_pre_session_cookie(&mut response, new_cookie);
    Ok(response)
}

/// `POST /notifications/unsubscribe/{token}`: stops e-mails of the link's kind.
pub async fn unsubscribe(
    Context(state, _visitor, _permit): Context,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    match mail_queue::unsubscribe(&state.store, &token).await {
        Ok(_) => Ok(confirmed(Next::to(
            format!("/notifications/unsubscribe/{token}"),
            Notice::Unsubscribed,
        ))),
        Err(concord_store::StoreError::NotFound { .. }) => Err(unknown_link()),
        Err(err) => Err(err.into()),
    }
}

#[derive(Template)]
#[template(path = "foundation/mail_queue.html")]
struct QueuePage {
    layout: Layout,
    queue: QueueState,
    mail_configured: bool,
}

/// `GET /admin/mail`: e-mails waiting or failing, for administrators.
pub async fn queue(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let queue = mail_queue::waiting(&state.store, chrono::Utc::now()).await?;
    Ok(render(&QueuePage {
        layout: Layout::new(&state, &visitor, &permit, "Notification e-mails", "audit"),
        queue,
        mail_configured: state.mail_configured,
    }))
}

/// `POST /admin/mail/retry`: tries every waiting e-mail again now.
pub async fn retry(Context(state, _visitor, permit): Context) -> Result<Response, PageError> {
    mail_queue::retry_now(&state.store, &permit.actor).await?;
    Ok(confirmed(Next::to("/admin/mail", Notice::MailRetried)))
}
