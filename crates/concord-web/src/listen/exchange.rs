//! The exchange's pages: what this system publishes and what its peers publish (`/exchange`),
//! choosing a catalogue metric's definition or benchmark series, reading exactly what would be
//! signed and publishing it (administrators), and each published document with its versions.

use super::document::DocumentView;
use crate::authz::{Rule, Target};
use crate::error::{PageError, Problem};
use crate::extract::{Context, PageForm};
use crate::ui::form::Posted;
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::{filters, render, Layout};
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concord_app::listen::exchange::publish::{self, kind_label, Offer};
use concord_store::exchange::{self as store, Peer, Published, Received};
use concord_store::metrics::{self, Metric};
use concord_store::StoreError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "listen/exchange.html")]
struct ExchangePage {
    layout: Layout,
    published: Vec<Published>,
    received: Vec<Received>,
    peers: Vec<Peer>,
    may_manage: bool,
    key_id: Option<String>,
    index_url: String,
}

/// `GET /exchange`: what this system publishes, what its peers publish, and its peers.
pub async fn overview(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let may_manage = permit
        .may(&state, Rule::ManageExchange, Target::NONE)
        .await?;
    Ok(render(&ExchangePage {
        layout: Layout::new(
            &state,
            &visitor,
            &permit,
            "Exchange with other systems",
            "exchange",
        ),
        published: store::latest_published(&state.store).await?,
        received: store::latest_received(&state.store).await?,
        peers: store::peers(&state.store).await?,
        may_manage,
        key_id: state.exchange.public_key().map(|k| k.kid()),
        index_url: format!("{}/index.json", state.exchange.publisher.url),
    }))
}

/// What the publish page is asked: a kind and a metric.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PublishQuery {
    /// `metric_definition` or `benchmark_series`.
    #[serde(rename = "type")]
    kind: String,
    /// The metric's code.
    metric: String,
}

impl PublishQuery {
    fn offer(&self) -> Option<Offer> {
        let metric = self.metric.clone();
        match self.kind.as_str() {
            "metric_definition" => Some(Offer::MetricDefinition { metric }),
            "benchmark_series" => Some(Offer::BenchmarkSeries { metric }),
            _ => None,
        }
    }
}

#[derive(Template)]
#[template(path = "listen/publish.html")]
struct PublishPage {
    layout: Layout,
    metrics: Vec<Metric>,
    chosen: Option<Chosen>,
}

/// A chosen document, ready to sign, or why it cannot be published.
struct Chosen {
    kind: String,
    metric: String,
    kind_label: &'static str,
    preview: Result<(DocumentView, u64), String>,
}

/// A prepared document drawn as it will read once signed (the same envelope, unsigned), with the
/// version it will be.
pub(super) async fn preview(
    state: &crate::AppState,
    prepared: &publish::Prepared,
) -> Result<Option<(DocumentView, u64)>, PageError> {
    let version =
        store::next_version(&state.store, &state.exchange.document_id(&prepared.slug)).await?;
    let draft = serde_json::json!({
        "document": {
            "type": publish::kind_code(prepared.content.kind()),
            "id": state.exchange.document_id(&prepared.slug),
            "version": version,
            "published_at": concord_store::now_utc(),
            "publisher": state.exchange.publisher,
            "content": prepared.content.to_value(),
        },
        "hash": "(made when it is signed)",
        "signature": "(made when it is signed)",
    });
    Ok(DocumentView::of(&draft.to_string()).map(|view| (view, version)))
}

/// `GET /exchange/publish`: the catalogue's metrics to choose from; with `type` and `metric`,
/// exactly what would be signed and published, and the button that does it.
pub async fn publish_form(
    Context(state, visitor, permit): Context,
    Query(query): Query<PublishQuery>,
) -> Result<Response, PageError> {
    let chosen = match query.offer() {
        None => None,
        Some(offer) => {
            let rule = state.population.rule();
            let preview = match publish::prepare(&state.store, &rule, &offer).await {
                Ok(prepared) => preview(&state, &prepared)
                    .await?
                    .ok_or_else(|| "The document could not be drawn".to_string()),
                Err(StoreError::Invalid(errors)) => Err(errors
                    .0
                    .iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join(" ")),
                Err(other) => return Err(other.into()),
            };
            Some(Chosen {
                kind: query.kind.clone(),
                metric: query.metric.clone(),
                kind_label: kind_label(&query.kind),
                preview,
            })
        }
    };
    let mut layout = Layout::new(
        &state,
        &visitor,
        &permit,
        "Publish to other systems",
        "exchange",
    );
    if matches!(
        &chosen,
        Some(Chosen {
            preview: Err(_),
            ..
        })
    ) {
        layout.has_errors = true;
    }
    Ok(render(&PublishPage {
        layout,
        metrics: metrics::list(&state.store).await?,
        chosen,
    }))
}

/// `POST /exchange/publish`: signs and publishes the chosen document as its next version.
pub async fn publish(
    Context(state, visitor, permit): Context,
    PageForm(form): PageForm<Posted>,
) -> Result<Response, PageError> {
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let query = PublishQuery {
        kind: field("type"),
        metric: field("metric"),
    };
    let Some(offer) = query.offer() else {
        return Err(PageError(Problem::new(
            StatusCode::BAD_REQUEST,
            "exchange",
            "Choose what to publish",
            "Choose a metric's definition or its benchmark series",
        )));
    };
    let rule = state.population.rule();
    match publish::publish(
        &state.store,
        &state.exchange,
        permit.person(),
        &permit.actor,
        &rule,
        &offer,
    )
    .await
    {
        Ok(publication) => Ok(confirmed(Next::to(
            format!("/exchange/published/{}", publication.slug),
            Notice::DocumentPublished,
        ))),
        // Shown again with what stopped it.
        Err(StoreError::Invalid(_)) => publish_form(Context(state, visitor, permit), Query(query))
            .await
            .map(|page| (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()),
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "listen/published.html")]
struct PublishedPage {
    layout: Layout,
    view: Option<DocumentView>,
    versions: Vec<Published>,
    address: String,
}

/// `GET /exchange/published/{slug}`: a document this system published, with its versions.
pub async fn published(
    Context(state, visitor, permit): Context,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let versions = store::published_versions(&state.store, &slug).await?;
    let latest = versions
        .first()
        .ok_or_else(|| StoreError::not_found("published document", &slug))?;
    let view = DocumentView::of(&latest.publication.signed);
    Ok(render(&PublishedPage {
        layout: Layout::new(
            &state,
            &visitor,
            &permit,
            latest.publication.title.clone(),
            "exchange",
        ),
        address: format!("{}/documents/{slug}.json", state.exchange.publisher.url),
        view,
        versions,
    }))
}

impl ExchangePage {
    fn kind_of(&self, code: &str) -> &'static str {
        kind_label(code)
    }
}
