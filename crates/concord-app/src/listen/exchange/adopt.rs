//! Adopting a peer's case study as a programme template: the new programme's form comes filled
//! with the case study's title and what they did, and once saved the programme takes the case
//! study's milestones (a month apart from its start, for its manager to re-plan) and a note in
//! its history of exactly which signed version it came from, all in the transaction that creates
//! it. The programme is created through Deliver's own pipeline and rules; nothing of the peer's
//! is trusted beyond its words.

use concord_exchange::content::{CaseStudy, Content};
use concord_exchange::Signed;
use concord_store::exchange::{received_versions, Received};
use concord_store::{Store, StoreError};

/// The most milestones a template brings.
pub const MAX_TEMPLATE_MILESTONES: usize = 30;

/// A case study as a programme template, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// The received document's id at the peer.
    pub document_id: String,
    /// The peer's id.
    pub peer_id: String,
    /// The programme's name to start from.
    pub name: String,
    /// Its summary to start from.
    pub summary: String,
    /// The case study's milestones.
    pub milestones: Vec<String>,
    /// Where it came from, in words: peer, title, version, hash.
    pub provenance: String,
}

fn case_study(received: &Received) -> Option<CaseStudy> {
    let signed: Signed = serde_json::from_str(&received.arrival.signed).ok()?;
    match Content::read(signed.document.kind, &signed.document.content).ok()? {
        Content::CaseStudy(c) => Some(*c),
        _ => None,
    }
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

/// The template from the latest version kept of peer `peer_id`'s case study `document_id`.
pub async fn template(
    store: &Store,
    peer_id: &str,
    document_id: &str,
) -> Result<Template, StoreError> {
    let versions = received_versions(store, peer_id, document_id).await?;
    let latest = versions
        .first()
        .ok_or_else(|| StoreError::not_found("case study", document_id))?;
    let study = case_study(latest).ok_or_else(|| {
        StoreError::invalid(
            "template",
            "Only a peer's case study can be adopted as a programme",
        )
    })?;
    let provenance = format!(
        "Adopted from {}'s case study \"{}\" (version {}, signed and verified; SHA-256 {}).",
        latest.peer_name, study.title, latest.arrival.version, latest.arrival.hash
    );
    let summary = cut(
        &format!(
            "{} What they did: {}",
            study.problem.trim(),
            study.intervention.trim()
        ),
        1_500,
    );
    Ok(Template {
        document_id: document_id.to_string(),
        peer_id: peer_id.to_string(),
        name: cut(study.title.trim(), 200),
        summary,
        milestones: study
            .milestones
            .iter()
            .map(|m| cut(m.trim(), 200))
            .filter(|m| !m.is_empty())
            .take(MAX_TEMPLATE_MILESTONES)
            .collect(),
        provenance,
    })
}

impl Template {
    /// What the new programme takes from the template, written with it in one transaction.
    pub fn adoption(&self) -> concord_store::programmes::Adoption {
        concord_store::programmes::Adoption {
            milestones: self.milestones.clone(),
            note: self.provenance.clone(),
        }
    }
}
