//! Board packs as circulated. Before issue a meeting's pack is a draft generated from live data;
//! issuing freezes it ([`concord_store::board_packs`]): the pack as the board's members read it
//! and as everyone else may (confidential items withheld), each as HTML and as its printed PDF,
//! with the PDF's SHA-256. Later changes never alter an issued version; issuing again makes the
//! next. A reader sees the members' edition only if they sit on the board.
//!
//! Who may do what: anyone signed in reads packs (confidential items only in the members'
//! edition, for members); issuing is for those who build the meeting's agenda (Rule::ManageMeeting).

use super::programmes::scope;
use crate::auth::Visitor;
use crate::authz::{Permit, Rule, Target};
use crate::error::PageError;
use crate::extract::{Context, PageForm};
use crate::ui::filters;
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::{render, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use concord_domain::meeting::ConfidentialityScope;
use concord_store::board_packs::{self, Edition, Frozen, PackIssue};
use concord_store::meetings::{self, Meeting};
use concord_store::reports::{self, BoardPack};

#[derive(Template)]
#[template(path = "deliver/pack.html")]
struct DraftPage {
    layout: Layout,
    pack: BoardPack,
    issue: Option<PackIssue>,
    issues: Vec<PackIssue>,
    can_issue: bool,
}

#[derive(Template)]
#[template(path = "deliver/pack_issued.html")]
struct IssuedPage {
    layout: Layout,
    meeting: Meeting,
    issue: PackIssue,
    members_edition: bool,
    body: String,
    issues: Vec<PackIssue>,
    can_issue: bool,
}

#[derive(Template)]
#[template(path = "deliver/pack_fragment.html")]
struct PackFragment {
    pack: BoardPack,
    issue: Option<PackIssue>,
}

#[derive(Template)]
#[template(path = "deliver/pack_print.html")]
struct PackPrint {
    system_name: String,
    pack: BoardPack,
    issue: Option<PackIssue>,
}

/// The board pack as a standalone HTML document for printing (`issue`: the version it is).
pub fn pack_document(
    system_name: &str,
    pack: BoardPack,
    issue: Option<PackIssue>,
) -> Result<String, askama::Error> {
    PackPrint {
        system_name: system_name.into(),
        pack,
        issue,
    }
    .render()
}

fn title(meeting: &Meeting) -> String {
    format!("Board pack – {}", meeting.title)
}

/// The edition a person reads: the members' if they sit on the board.
fn edition_for(viewer: &ConfidentialityScope, board_id: &str) -> Edition {
    if viewer.board_ids.iter().any(|b| b == board_id) {
        Edition::Members
    } else {
        Edition::Open
    }
}

async fn draft_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    issues: Vec<PackIssue>,
) -> Result<Response, PageError> {
    let viewer = scope(state, permit).await?;
    let pack = reports::board_pack(&state.store, &viewer, id, chrono::Utc::now()).await?;
    Ok(render(&DraftPage {
        layout: Layout::new(state, visitor, permit, title(&pack.meeting), "boards"),
        can_issue: permit
            .may(state, Rule::ManageMeeting, Target::id(id))
            .await?,
        pack,
        issue: None,
        issues,
    }))
}

async fn issued_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    version: i64,
    issues: Vec<PackIssue>,
) -> Result<Response, PageError> {
    let meeting = meetings::get(&state.store, id).await?;
    let edition = edition_for(&scope(state, permit).await?, &meeting.board_id);
    let (issue, frozen) = board_packs::read(&state.store, id, version, edition).await?;
    Ok(render(&IssuedPage {
        layout: Layout::new(state, visitor, permit, title(&meeting), "boards"),
        can_issue: permit
            .may(state, Rule::ManageMeeting, Target::id(id))
            .await?,
        meeting,
        issue,
        members_edition: edition == Edition::Members,
        body: frozen.html,
        issues,
    }))
}

/// `GET /meetings/{id}/pack`: the latest issued version, or the draft if none is issued.
pub async fn pack(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let issues = board_packs::issues(&state.store, &id).await?;
    match issues.first().map(|i| i.version) {
        Some(latest) => issued_page(&state, &visitor, &permit, &id, latest, issues).await,
        None => draft_page(&state, &visitor, &permit, &id, issues).await,
    }
}

/// `GET /meetings/{id}/pack/draft`: the pack generated from live data now.
pub async fn draft(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let issues = board_packs::issues(&state.store, &id).await?;
    draft_page(&state, &visitor, &permit, &id, issues).await
}

/// `GET /meetings/{id}/pack/versions/{version}`: one issued version, as issued.
pub async fn version(
    Context(state, visitor, permit): Context,
    Path((id, version)): Path<(String, i64)>,
) -> Result<Response, PageError> {
    let issues = board_packs::issues(&state.store, &id).await?;
    issued_page(&state, &visitor, &permit, &id, version, issues).await
}

fn pdf_response(meeting: &Meeting, version: Option<i64>, pdf: Vec<u8>) -> Response {
    let label = match version {
        Some(v) => format!("{} {} board pack v{v}", meeting.board_name, meeting.held_on),
        None => format!(
            "{} {} board pack draft",
            meeting.board_name, meeting.held_on
        ),
    };
    crate::pdf::respond(Ok(pdf), &crate::pdf::filename(&label))
}

/// `GET /meetings/{id}/pack/versions/{version}/pdf`: the PDF circulated, byte for byte.
pub async fn version_pdf(
    Context(state, _, permit): Context,
    Path((id, version)): Path<(String, i64)>,
) -> Result<Response, PageError> {
    let meeting = meetings::get(&state.store, &id).await?;
    let edition = edition_for(&scope(&state, &permit).await?, &meeting.board_id);
    let (_, frozen) = board_packs::read(&state.store, &id, version, edition).await?;
    Ok(pdf_response(&meeting, Some(version), frozen.pdf))
}

/// `GET /meetings/{id}/pack.pdf`: the latest issued PDF, or the draft printed now.
pub async fn pack_pdf(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    if let Some(latest) = board_packs::issues(&state.store, &id).await?.first() {
        return version_pdf(Context(state, visitor, permit), Path((id, latest.version))).await;
    }
    let viewer = scope(&state, &permit).await?;
    let pack = reports::board_pack(&state.store, &viewer, &id, chrono::Utc::now()).await?;
    let meeting = pack.meeting.clone();
    let html = pack_document(&state.system_name, pack, None)
        .map_err(|e| PageError::internal(e.to_string()))?;
    match crate::pdf::print(html).await {
        Ok(pdf) => Ok(pdf_response(&meeting, None, pdf)),
        Err(err) => Ok(crate::pdf::respond(Err(err), "board-pack.pdf")),
    }
}

/// The issue form: what changed, for a re-issue.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct IssueForm {
    note: String,
}

/// One edition frozen at `now` for `viewer`: the pack's body and its printed PDF.
async fn freeze(
    state: &AppState,
    viewer: &ConfidentialityScope,
    id: &str,
    issue: &PackIssue,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Frozen, PageError> {
    let pack = reports::board_pack(&state.store, viewer, id, now).await?;
    let html = PackFragment {
        pack: pack.clone(),
        issue: Some(issue.clone()),
    }
    .render()
    .map_err(|e| PageError::internal(e.to_string()))?;
    let document = pack_document(&state.system_name, pack, Some(issue.clone()))
        .map_err(|e| PageError::internal(e.to_string()))?;
    let pdf = crate::pdf::print(document).await.map_err(|err| {
        PageError(crate::error::Problem::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "pdf-unavailable",
            "The pack could not be issued",
            format!("Its PDF could not be made, so nothing was issued: {err}"),
        ))
    })?;
    Ok(Frozen { html, pdf })
}

/// `POST /meetings/{id}/pack/issue`: freezes the pack as the next version.
pub async fn issue(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<IssueForm>,
) -> Result<Response, PageError> {
    let meeting = meetings::get(&state.store, &id).await?;
    let version = board_packs::issues(&state.store, &id)
        .await?
        .first()
        .map_or(1, |i| i.version + 1);
    let now = chrono::Utc::now();
    let issue = PackIssue {
        meeting_id: id.clone(),
        version,
        issued_at: concord_store::format_timestamp(now),
        issued_by: permit.actor.name.clone(),
        note: form.note.trim().to_string(),
        members_sha256: String::new(),
        open_sha256: String::new(),
    };
    let members = ConfidentialityScope {
        board_ids: vec![meeting.board_id.clone()],
        programme_ids: Vec::new(),
    };
    let members = freeze(&state, &members, &id, &issue, now).await?;
    let open = freeze(&state, &ConfidentialityScope::default(), &id, &issue, now).await?;
    board_packs::issue(&state.store, &permit.actor, &issue, &members, &open).await?;
    Ok(confirmed(Next::to(
        format!("/meetings/{id}/pack"),
        Notice::PackIssued,
    )))
}
