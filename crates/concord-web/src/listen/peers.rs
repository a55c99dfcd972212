//! The systems this one learns from: adding one with its key pinned, its page (what it
//! published, checking its address, bringing its documents as files), and one of its documents
//! drawn with where it came from and, for a measure, set beside this system's own.

use super::document::{DocumentView, SeriesView};
use crate::authz::{Rule, Target};
use crate::error::PageError;
use crate::extract::{Context, PageForm};
use crate::ui::form::{form_page, parse, settle, Fields, FormDef, Posted};
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::upload::{file_problems, read_upload, upload_page, FileField, Outcome, UploadDef};
use crate::ui::{filters, render, Layout};
use crate::AppState;
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::response::Response;
use concord_app::listen::exchange::compare::{self, Likeness};
use concord_app::listen::exchange::publish::{benchmark_series, kind_label};
use concord_app::listen::exchange::subscribe::{self, PeerDraft};
use concord_domain::ValidationErrors;
use concord_store::exchange::{self as store, Peer, Received};
use concord_store::metrics::{self, Metric};
use concord_store::StoreError;
use serde::Deserialize;

fn peer_form(
    state: &AppState,
    visitor: &crate::auth::Visitor,
    permit: &crate::authz::Permit,
    draft: &PeerDraft,
    errors: ValidationErrors,
) -> Response {
    let fields = Fields::new(draft)
        .text("name", "The system's name", "For example Northmoor and Dale ICS")
        .url(
            "url",
            "Its Concord's address (optional)",
            "Such as https://concord.northmoor.example. Leave it blank if its documents will come to you as files.",
        )
        .textarea(
            "public_key",
            "Its public key",
            "Paste the key exactly as the system's administrators sent it to you (a JWK beginning {\"crv\":\"Ed25519\" …). Check its thumbprint with them: only documents signed with this key will be kept.",
        )
        .build();
    form_page(
        Layout::new(state, visitor, permit, "Add a system to learn from", "exchange"),
        FormDef {
            heading: "Add a system to learn from".into(),
            caption: "Listen and learn".into(),
            intro: "Another Concord system's case studies, metric definitions and benchmark series can be kept here once you have its public key. Get the key from its administrators, not from its website alone, so nobody can stand in for it.".into(),
            warning: None,
            back: ("/exchange".into(), "Exchange with other systems".into()),
            action: "/exchange/peers".into(),
            submit: "Add the system".into(),
            fields,
        },
        errors,
    )
}

/// `GET /exchange/peers/new`: the form to add a peer.
pub async fn new(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    Ok(peer_form(
        &state,
        &visitor,
        &permit,
        &PeerDraft::default(),
        ValidationErrors::default(),
    ))
}

/// `POST /exchange/peers`: adds the peer with its key pinned.
pub async fn add(
    Context(state, visitor, permit): Context,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let draft: PeerDraft = parse(&form, &[])?;
    settle(
        subscribe::add_peer(&state.store, permit.person(), &permit.actor, &draft).await,
        |id| Next::to(format!("/exchange/peers/{id}"), Notice::PeerAdded),
        |errors| async { Ok(peer_form(&state, &visitor, &permit, &draft, errors)) },
    )
    .await
}

#[derive(Template)]
#[template(path = "listen/peer.html")]
struct PeerPage {
    layout: Layout,
    peer: Peer,
    documents: Vec<Received>,
    may_manage: bool,
}

impl PeerPage {
    fn kind_of(&self, code: &str) -> &'static str {
        kind_label(code)
    }
}

/// `GET /exchange/peers/{id}`: a peer, its pinned key, and what is kept of its documents.
pub async fn show(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let peer = store::peer(&state.store, &id).await?;
    let documents = store::latest_received(&state.store)
        .await?
        .into_iter()
        .filter(|r| r.peer_id == peer.id)
        .collect();
    let may_manage = permit
        .may(&state, Rule::ManageExchange, Target::NONE)
        .await?;
    Ok(render(&PeerPage {
        layout: Layout::new(&state, &visitor, &permit, peer.name.clone(), "exchange"),
        peer,
        documents,
        may_manage,
    }))
}

/// `POST /exchange/peers/{id}/check`: fetches what is new at the peer's address and keeps it if
/// every document verifies; a refusal is shown on the peer's page.
pub async fn check(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    match subscribe::check_peer(&state.store, permit.person(), &permit.actor, &id).await {
        Ok(_) => Ok(confirmed(Next::to(
            format!("/exchange/peers/{id}"),
            Notice::PeerChecked,
        ))),
        // The peer's page says why (its last outcome).
        Err(StoreError::Invalid(_)) => Ok(confirmed(Next::to(
            format!("/exchange/peers/{id}"),
            Notice::PeerCheckRefused,
        ))),
        Err(other) => Err(other.into()),
    }
}

fn import_def(peer: &Peer) -> UploadDef {
    UploadDef {
        heading: format!("Bring in {}'s documents", peer.name),
        action: format!("/exchange/peers/{}/import", peer.id),
        help: vec![
            format!("Signed documents as {} published them: each a JSON file holding the document, its hash and its signature (what a Concord serves at its well-known address).", peer.name),
            format!("Each is checked against the key pinned for {} (thumbprint {}), and against what is already kept: a changed byte, another key, or an older version than the one kept is refused. If any file is refused, none is kept.", peer.name, peer.key_id),
        ],
        datasets: Vec::new(),
        chosen: String::new(),
        choice_label: String::new(),
        back: (format!("/exchange/peers/{}", peer.id), peer.name.clone()),
        second: None,
        file: FileField {
            label: "Signed documents".into(),
            hint: "One or more JSON files, each at most 1 MB.".into(),
            accept: ".json,application/json".into(),
            multiple: true,
        },
    }
}

/// `GET /exchange/peers/{id}/import`: the page to bring a peer's signed documents as files.
pub async fn import_form(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let peer = store::peer(&state.store, &id).await?;
    Ok(upload_page(
        Layout::new(&state, &visitor, &permit, "Bring in documents", "exchange"),
        import_def(&peer),
        Outcome::Blank,
    ))
}

/// `POST /exchange/peers/{id}/import`: verifies every file and keeps them all, or none.
pub async fn import(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, PageError> {
    let peer = store::peer(&state.store, &id).await?;
    let form = read_upload(&headers, body).await?;
    let layout = Layout::new(&state, &visitor, &permit, "Bring in documents", "exchange");
    let files: Vec<(String, Vec<u8>)> = form
        .files
        .into_iter()
        .filter(|(_, b)| !b.is_empty())
        .collect();
    if files.is_empty() {
        return Ok(upload_page(
            layout,
            import_def(&peer),
            file_problems(["Choose the signed documents to bring in".to_string()]),
        ));
    }
    match subscribe::import_files(&state.store, permit.person(), &permit.actor, &id, &files).await {
        Ok(imported) => Ok(upload_page(
            layout,
            import_def(&peer),
            Outcome::Loaded(format!(
                "Verified and kept: {}.",
                imported.describe().to_lowercase()
            )),
        )),
        Err(StoreError::Invalid(errors)) => Ok(upload_page(
            layout,
            import_def(&peer),
            file_problems(errors.0.into_iter().map(|e| e.message)),
        )),
        Err(other) => Err(other.into()),
    }
}

/// What the document page is asked: the document's id, and one of our metrics to set beside it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocumentQuery {
    /// The document's id.
    id: String,
    /// The code of our metric to compare with.
    ours: String,
}

/// Ours beside theirs.
struct Beside {
    ours: Metric,
    likeness: Likeness,
    series: Option<SeriesView>,
    why_not: Option<String>,
}

#[derive(Template)]
#[template(path = "listen/received.html")]
struct ReceivedPage {
    layout: Layout,
    peer: Peer,
    received: Received,
    view: Option<DocumentView>,
    versions: Vec<Received>,
    metrics: Vec<Metric>,
    chosen: String,
    beside: Option<Beside>,
    adopt_for: Vec<(String, String)>,
}

/// `GET /exchange/peers/{id}/document?id=…`: a peer's document as kept, with where it came from;
/// with `ours`, one of this system's metrics beside it when the two are comparable.
pub async fn document(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    Query(query): Query<DocumentQuery>,
) -> Result<Response, PageError> {
    let peer = store::peer(&state.store, &id).await?;
    let versions = store::received_versions(&state.store, &id, &query.id).await?;
    let received = versions
        .first()
        .cloned()
        .ok_or_else(|| StoreError::not_found("document", &query.id))?;
    let mut view = DocumentView::of(&received.arrival.signed);
    // Who published it is the peer whose key verified it, whatever name the document gives.
    if let Some(view) = view.as_mut().filter(|v| v.publisher_name != peer.name) {
        view.publisher_name = format!(
            "{} (the document calls it {})",
            peer.name, view.publisher_name
        );
    }
    let metrics = metrics::list(&state.store).await?;
    let beside = match (
        view.as_ref().and_then(DocumentView::metric_defined),
        metrics.iter().find(|m| m.code == query.ours),
    ) {
        (Some(theirs), Some(ours)) => {
            let likeness = compare::likeness(theirs, ours);
            let (series, why_not) = match likeness {
                Likeness::Unlike(_) => (None, None),
                _ => match benchmark_series(&state.store, ours, &state.population.rule()).await {
                    Ok(series) => (Some(SeriesView::of(&series, None)), None),
                    Err(StoreError::Invalid(e)) => (None, e.0.first().map(|f| f.message.clone())),
                    Err(other) => return Err(other.into()),
                },
            };
            Some(Beside {
                ours: ours.clone(),
                likeness,
                series,
                why_not,
            })
        }
        _ => None,
    };
    let title = received.arrival.title.clone();
    // The organisations the reader may start a programme for (a case study is a template).
    let mut adopt_for = Vec::new();
    if let Some(principal) = permit.principal.as_ref() {
        for g in &principal.grants {
            if !adopt_for
                .iter()
                .any(|(id, _): &(String, String)| *id == g.organisation_id)
                && permit
                    .may(
                        &state,
                        Rule::CreateProgramme,
                        Target::id(&g.organisation_id),
                    )
                    .await?
            {
                adopt_for.push((g.organisation_id.clone(), g.organisation_name.clone()));
            }
        }
    }
    Ok(render(&ReceivedPage {
        adopt_for,
        layout: Layout::new(&state, &visitor, &permit, title, "exchange"),
        chosen: query.ours,
        peer,
        received,
        view,
        versions,
        metrics,
        beside,
    }))
}
