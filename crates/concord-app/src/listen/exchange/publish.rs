//! Publishing: a metric's definition and its whole-system benchmark series from the catalogue,
//! or a case study, signed with the system's key and kept as served. Only an explicit, audited
//! publish action by an administrator publishes anything; content that could identify a person
//! is refused (naming the field, never repeating what was found), and counts pass the system's
//! disclosure rule before they leave it.

use super::ExchangeSettings;
use crate::authz::{self, Rule, Target};
use concord_domain::metric::{counts_people_or_events, ScopeKind};
use concord_domain::Principal;
use concord_exchange::content::{screen, BenchmarkSeries, CaseStudy, MetricDefinition, Point};
use concord_exchange::{sign, Content, Document};
use concord_population::disclosure::{DisclosureRule, Shown};
use concord_store::exchange::{self as store, Publication};
use concord_store::metrics::{self, Metric};
use concord_store::{Actor, AuditEntry, Store, StoreError};
use serde::Deserialize;

/// What to publish.
#[derive(Debug, Clone, PartialEq, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Offer {
    /// A catalogue metric's definition.
    MetricDefinition {
        /// The metric's id or code.
        metric: String,
    },
    /// A catalogue metric's whole-system values, through the disclosure rule.
    BenchmarkSeries {
        /// The metric's id or code.
        metric: String,
    },
    /// A case study.
    CaseStudy {
        /// The last part of its address: 3 to 80 lower-case letters, digits and hyphens. Publishing
        /// again at the same address makes its next version.
        slug: String,
        /// What it says.
        #[schema(value_type = Object)]
        content: serde_json::Value,
    },
}

/// A document ready to sign: where it goes, what it is made from, and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The last part of its address.
    pub slug: String,
    /// What it was made from, for people.
    pub source: String,
    /// What it says.
    pub content: Content,
}

fn metric_definition(metric: &Metric) -> MetricDefinition {
    MetricDefinition {
        code: metric.code.clone(),
        name: metric.name.clone(),
        definition: metric.definition.clone(),
        unit: metric.unit.clone(),
        improvement_direction: metric.improvement_direction.as_str().to_string(),
        frequency: metric.frequency.as_str().to_string(),
        source: metric.source.clone(),
    }
}

/// A metric's whole-system values as they would be published: counts of people or events pass
/// the disclosure rule one by one (a series publishes no total that could narrow a month), other
/// measures go as the catalogue holds them.
pub async fn benchmark_series(
    store: &Store,
    metric: &Metric,
    rule: &DisclosureRule,
) -> Result<BenchmarkSeries, StoreError> {
    let series = metrics::series(store, Some(&metric.id))
        .await?
        .into_iter()
        .find(|s| s.scope_kind == ScopeKind::System)
        .ok_or_else(|| {
            StoreError::invalid(
                "metric",
                format!("{} has no whole-system values to publish", metric.name),
            )
        })?;
    let values = metrics::values(store, &series.id).await?;
    if values.is_empty() {
        return Err(StoreError::invalid(
            "metric",
            format!("{} has no whole-system values to publish", metric.name),
        ));
    }
    let counts = counts_people_or_events(&metric.unit);
    let points = values
        .iter()
        .map(|v| {
            if !counts {
                return Point {
                    period: v.period.clone(),
                    value: Some(v.value),
                    withheld: None,
                };
            }
            match rule.protect_count(v.value.max(0.0).round() as u64) {
                Shown::Count(n) => Point {
                    period: v.period.clone(),
                    value: Some(n as f64),
                    withheld: None,
                },
                shown => Point {
                    period: v.period.clone(),
                    value: None,
                    withheld: Some(shown.to_string()),
                },
            }
        })
        .collect();
    let disclosure_rule = if counts {
        rule.describe_alone()
    } else {
        format!(
            "Not counts of people ({}): published as the catalogue holds them.",
            if metric.unit.trim().is_empty() {
                "no unit"
            } else {
                metric.unit.trim()
            }
        )
    };
    Ok(BenchmarkSeries {
        metric: metric_definition(metric),
        scope: "the whole system".into(),
        population: None,
        disclosure_rule,
        points,
    })
}

/// True when `slug` can be a document's address: 3 to 80 lower-case letters, digits, hyphens and
/// underscores, starting with a letter.
pub fn is_slug(slug: &str) -> bool {
    (3..=80).contains(&slug.len())
        && slug.starts_with(|c: char| c.is_ascii_lowercase())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// What `offer` would publish, checked: the content read and bounded, and screened for anything
/// that could identify a person.
pub async fn prepare(
    store: &Store,
    rule: &DisclosureRule,
    offer: &Offer,
) -> Result<Prepared, StoreError> {
    let prepared = match offer {
        Offer::MetricDefinition { metric } => {
            let metric = metrics::get(store, metric).await?;
            Prepared {
                slug: format!("metric-{}", metric.code),
                source: format!("the catalogue's definition of {}", metric.name),
                content: Content::MetricDefinition(metric_definition(&metric)),
            }
        }
        Offer::BenchmarkSeries { metric } => {
            let metric = metrics::get(store, metric).await?;
            Prepared {
                slug: format!("benchmark-{}", metric.code),
                source: format!("the whole-system values of {}", metric.name),
                content: Content::BenchmarkSeries(benchmark_series(store, &metric, rule).await?),
            }
        }
        Offer::CaseStudy { slug, content } => {
            if !is_slug(slug) {
                return Err(StoreError::invalid(
                    "slug",
                    "Give the address as 3 to 80 lower-case letters, digits and hyphens, starting with a letter",
                ));
            }
            let study: CaseStudy = serde_json::from_value(content.clone())
                .map_err(|e| StoreError::invalid("content", format!("content: {e}")))?;
            Prepared {
                slug: format!("case-study-{slug}"),
                source: "a case study written for publication".into(),
                content: Content::CaseStudy(Box::new(study)),
            }
        }
    };
    prepared
        .content
        .check()
        .map_err(|e| StoreError::invalid(&e.field, format!("{}: {}", e.field, e.problem)))?;
    let found = screen(&prepared.content.to_value());
    if let Some((field, kind)) = found.first() {
        return Err(StoreError::invalid(
            field,
            format!(
                "{field} holds what looks like {}: nothing that could identify a person is published. Take it out and publish again.",
                kind.label()
            ),
        ));
    }
    Ok(prepared)
}

/// Publishes `offer`: prepares it, signs it as the next version with the system's key, and keeps
/// it as served. Administrators only; refusals are audited.
pub async fn publish(
    store: &Store,
    settings: &ExchangeSettings,
    principal: &Principal,
    actor: &Actor,
    rule: &DisclosureRule,
    offer: &Offer,
) -> Result<Publication, StoreError> {
    let refused = |detail: &str| {
        AuditEntry::success(actor, "exchange.publish", "exchange_document", None, detail)
    };
    if !authz::may(store, Some(principal), Rule::ManageExchange, Target::NONE).await? {
        return store
            .audit_rejection(
                Err(StoreError::Forbidden(
                    "Only a system administrator may publish for the system".into(),
                )),
                refused("publishing refused"),
            )
            .await;
    }
    let Some(key) = settings.key() else {
        return Err(StoreError::invalid(
            "key",
            "This system has no signing key, so it cannot publish: start it with --exchange-key",
        ));
    };
    let prepared = match prepare(store, rule, offer).await {
        Ok(prepared) => prepared,
        Err(e) => return store.audit_rejection(Err(e), refused("refused")).await,
    };
    let document_id = settings.document_id(&prepared.slug);
    let version = store::next_version(store, &document_id).await?;
    let document = Document {
        kind: prepared.content.kind(),
        id: document_id.clone(),
        version,
        published_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        publisher: settings.publisher.clone(),
        content: prepared.content.to_value(),
    };
    let signed = sign(document, key).map_err(|e| StoreError::invalid("content", e.to_string()))?;
    let publication = Publication {
        document_id,
        version,
        kind: kind_code(prepared.content.kind()).into(),
        slug: prepared.slug,
        title: prepared.content.title(),
        source: prepared.source,
        signed: serde_json::to_string(&signed).expect("a signed document is JSON"),
        hash: signed.hash.clone(),
        published_at: signed.document.published_at.clone(),
    };
    store::publish(store, actor, &publication).await?;
    Ok(publication)
}

/// A kind's code, as stored and listed.
pub fn kind_code(kind: concord_exchange::DocumentKind) -> &'static str {
    match kind {
        concord_exchange::DocumentKind::CaseStudy => "case_study",
        concord_exchange::DocumentKind::MetricDefinition => "metric_definition",
        concord_exchange::DocumentKind::BenchmarkSeries => "benchmark_series",
    }
}

/// A kind's name, for people.
pub fn kind_label(code: &str) -> &'static str {
    match code {
        "case_study" => "Case study",
        "metric_definition" => "Metric definition",
        "benchmark_series" => "Benchmark series",
        _ => "Document",
    }
}

/// The well-known index of what this system publishes: each document's latest version and where
/// to fetch it.
pub async fn index(
    store: &Store,
    settings: &ExchangeSettings,
) -> Result<serde_json::Value, StoreError> {
    let published = store::latest_published(store).await?;
    let base = &settings.publisher.url;
    let documents: Vec<serde_json::Value> = published
        .iter()
        .map(|p| {
            let p = &p.publication;
            serde_json::json!({
                "id": p.document_id,
                "type": p.kind,
                "version": p.version,
                "title": p.title,
                "hash": p.hash,
                "published_at": p.published_at,
                "href": format!("{base}/documents/{}/{}.json", p.slug, p.version),
            })
        })
        .collect();
    Ok(serde_json::json!({
        "publisher": settings.publisher,
        "key": format!("{base}/key.json"),
        "key_id": settings.public_key().map(|k| k.kid()),
        "documents": documents,
    }))
}
