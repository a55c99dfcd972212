//! The envelope every exchanged document has, its canonical bytes and its content hash.

use crate::{ExchangeError, MAX_DEPTH};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// A case study: problem, population, partners, intervention, before and after, costs,
    /// what the system would do differently.
    CaseStudy,
    /// A metric's definition, so systems compare like with like.
    MetricDefinition,
    /// A catalogue metric's published values.
    BenchmarkSeries,
}

/// Who published a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    /// The system's name, for example "Northmoor and Dale ICS".
    pub name: String,
    /// Where the system publishes its documents (its well-known index's address).
    pub url: String,
}

/// A document as published: the envelope and its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// What it is.
    #[serde(rename = "type")]
    pub kind: DocumentKind,
    /// Its id, stable across versions (a URN or URL the publisher owns).
    pub id: String,
    /// Its version, from 1, raised by every change.
    pub version: u64,
    /// When this version was published (RFC 3339).
    pub published_at: String,
    /// Who published it.
    pub publisher: Publisher,
    /// What it says; its shape depends on its kind.
    pub content: Value,
}

impl Document {
    /// The document as RFC 8785 canonical JSON: the bytes its hash and signature cover.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        serde_json_canonicalizer::to_vec(self).expect("a document is always JSON")
    }

    /// Its content hash: `sha256:` and the hex SHA-256 of its canonical bytes.
    pub fn hash(&self) -> String {
        hash_of(&self.canonical_bytes())
    }

    /// Checks what every document must have: an id, a version from 1, a publisher, and no
    /// nesting deeper than [`MAX_DEPTH`].
    pub fn check(&self) -> Result<(), ExchangeError> {
        let malformed = |m: &str| Err(ExchangeError::Malformed(m.to_string()));
        if self.id.trim().is_empty() || self.id.len() > 500 {
            return malformed("its id must be 1 to 500 characters");
        }
        if self.version == 0 {
            return malformed("its version must be 1 or more");
        }
        if self.publisher.name.trim().is_empty() || self.publisher.url.trim().is_empty() {
            return malformed("its publisher must have a name and an address");
        }
        if depth(&self.content) > MAX_DEPTH {
            return Err(ExchangeError::TooDeep);
        }
        Ok(())
    }
}

/// The content hash of canonical bytes already made.
pub(crate) fn hash_of(canonical: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(canonical)))
}

/// How deeply arrays and objects nest in `value` (a scalar is 0).
pub(crate) fn depth(value: &Value) -> usize {
    // Iterative, so a deep value cannot exhaust the stack.
    let mut deepest = 0;
    let mut stack = vec![(value, 0usize)];
    while let Some((v, d)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(map) => Box::new(map.values()),
            _ => continue,
        };
        deepest = deepest.max(d + 1);
        stack.extend(children.map(|c| (c, d + 1)));
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document() -> Document {
        Document {
            kind: DocumentKind::MetricDefinition,
            id: "urn:example:metric:ae-4h".into(),
            version: 1,
            published_at: "2026-12-01T09:00:00Z".into(),
            publisher: Publisher {
                name: "Northmoor and Dale ICS".into(),
                url: "https://northmoor.example/.well-known/concord/documents".into(),
            },
            content: json!({ "name": "A&E within 4 hours", "unit": "%", "b": 1.5, "a": [1, 2] }),
        }
    }

    #[test]
    fn canonical_bytes_sort_keys_and_write_numbers_as_rfc_8785_does() {
        let text = String::from_utf8(document().canonical_bytes()).unwrap();
        // Keys in code-point order at every level, no spaces.
        assert!(
            text.starts_with(r#"{"content":{"a":[1,2],"b":1.5,"name":"A&E within 4 hours","unit":"%"},"id":"urn:example:metric:ae-4h","#),
            "{text}"
        );
        // RFC 8785's own example of number serialisation (section 3.2.2.3).
        let numbers: Value = serde_json::from_str("[1E30, 4.50, 2e-3, 0.000001, 1e-7]").unwrap();
        assert_eq!(
            serde_json_canonicalizer::to_string(&numbers).unwrap(),
            "[1e+30,4.5,0.002,0.000001,1e-7]"
        );
    }

    #[test]
    fn the_hash_is_the_sha256_of_the_canonical_bytes_and_any_change_moves_it() {
        let d = document();
        // The same document written with its keys in another order has the same hash.
        let reordered: Document = serde_json::from_str(
            &serde_json::to_string(&json!({
                "version": 1, "type": "metric_definition", "content": { "unit": "%", "a": [1, 2], "b": 1.5, "name": "A&E within 4 hours" },
                "publisher": { "url": "https://northmoor.example/.well-known/concord/documents", "name": "Northmoor and Dale ICS" },
                "published_at": "2026-12-01T09:00:00Z", "id": "urn:example:metric:ae-4h"
            }))
            .unwrap(),
        )
        .unwrap();
        assert_eq!(reordered.hash(), d.hash());
        assert_eq!(d.hash().len(), "sha256:".len() + 64);
        let mut changed = d.clone();
        changed.content["unit"] = json!("percent");
        assert_ne!(changed.hash(), d.hash());
    }

    #[test]
    fn depth_is_counted_without_recursion() {
        assert_eq!(depth(&json!(1)), 0);
        assert_eq!(depth(&json!([])), 1);
        assert_eq!(depth(&json!({ "a": [{ "b": [] }] })), 4);
        let mut deep = json!(0);
        for _ in 0..(MAX_DEPTH + 1) {
            deep = json!([deep]);
        }
        let mut d = document();
        d.content = deep;
        assert_eq!(d.check(), Err(ExchangeError::TooDeep));
    }
}
