//! Signing a document for publication, and verifying one a peer published.

use crate::document::{depth, hash_of, Document};
use crate::jws::{sign_detached, verify_detached};
use crate::keys::{PublicKey, SystemKey};
use crate::{ExchangeError, MAX_DEPTH, MAX_DOCUMENT_BYTES};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A document as published: the document, its content hash and its detached signature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signed {
    /// The document.
    pub document: Document,
    /// `sha256:` and the hex SHA-256 of the document's canonical JSON.
    pub hash: String,
    /// The detached JWS over the document's canonical JSON.
    pub signature: String,
}

/// What a subscriber already keeps of a document: its version and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// The version kept.
    pub version: u64,
    /// Its hash.
    pub hash: String,
}

/// A document that verified.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The signed document, as received.
    pub signed: Signed,
    /// Whether it is the version already kept (nothing new).
    pub already_kept: bool,
}

/// Signs `document` with the system's key, after checking it.
pub fn sign(document: Document, key: &SystemKey) -> Result<Signed, ExchangeError> {
    document.check()?;
    let bytes = document.canonical_bytes();
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(ExchangeError::TooLarge);
    }
    Ok(Signed {
        hash: hash_of(&bytes),
        signature: sign_detached(key, &bytes),
        document,
    })
}

/// Verifies a signed document's text with the publisher's key, against what is already kept of
/// it (if anything): size and depth, shape, hash, signature, then version.
pub fn verify(
    text: &[u8],
    publisher: &PublicKey,
    kept: Option<&Kept>,
) -> Result<Verified, ExchangeError> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(ExchangeError::TooLarge);
    }
    // serde_json stops at 128 levels itself; the value is then held to the document's limit.
    let value: Value = serde_json::from_slice(text)
        .map_err(|e| ExchangeError::Malformed(format!("not JSON ({e})")))?;
    if depth(&value) > MAX_DEPTH + 3 {
        return Err(ExchangeError::TooDeep);
    }
    let signed: Signed =
        serde_json::from_value(value).map_err(|e| ExchangeError::Malformed(e.to_string()))?;
    signed.document.check()?;
    let bytes = signed.document.canonical_bytes();
    if hash_of(&bytes) != signed.hash {
        return Err(ExchangeError::HashMismatch);
    }
    verify_detached(&signed.signature, &bytes, publisher)?;
    let already_kept = match kept {
        Some(kept) if signed.document.version < kept.version => {
            return Err(ExchangeError::Replayed {
                offered: signed.document.version,
                kept: kept.version,
            })
        }
        Some(kept) if signed.document.version == kept.version => {
            if kept.hash != signed.hash {
                return Err(ExchangeError::VersionReused(kept.version));
            }
            true
        }
        _ => false,
    };
    Ok(Verified {
        signed,
        already_kept,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DocumentKind, Publisher};
    use proptest::prelude::*;
    use serde_json::json;

    fn document(version: u64, content: Value) -> Document {
        Document {
            kind: DocumentKind::CaseStudy,
            id: "urn:example:case-study:fcp".into(),
            version,
            published_at: "2026-12-01T09:00:00Z".into(),
            publisher: Publisher {
                name: "Northmoor and Dale ICS".into(),
                url: "https://northmoor.example/.well-known/concord/documents".into(),
            },
            content,
        }
    }

    fn text(signed: &Signed) -> Vec<u8> {
        serde_json::to_vec(signed).unwrap()
    }

    #[test]
    fn a_signed_document_verifies_and_a_changed_byte_does_not() {
        let key = SystemKey::generate();
        let signed = sign(document(1, json!({ "problem": "Long MSK waits" })), &key).unwrap();
        let verified = verify(&text(&signed), &key.public(), None).unwrap();
        assert_eq!(verified.signed, signed);
        assert!(!verified.already_kept);
        // A changed word in the content: the hash no longer matches.
        let changed = String::from_utf8(text(&signed))
            .unwrap()
            .replace("Long MSK waits", "Long MSK waitz");
        assert_eq!(
            verify(changed.as_bytes(), &key.public(), None),
            Err(ExchangeError::HashMismatch)
        );
        // Changed with its hash made again: the signature no longer matches.
        let mut forged = signed.clone();
        forged.document.content = json!({ "problem": "Long MSK waitz" });
        forged.hash = forged.document.hash();
        assert_eq!(
            verify(&text(&forged), &key.public(), None),
            Err(ExchangeError::BadSignature)
        );
        // Another system's key.
        assert!(matches!(
            verify(&text(&signed), &SystemKey::generate().public(), None),
            Err(ExchangeError::WrongKey { .. })
        ));
    }

    #[test]
    fn an_older_version_is_a_replay_and_a_reused_version_is_refused() {
        let key = SystemKey::generate();
        let first = sign(document(1, json!({ "cost": 100 })), &key).unwrap();
        let second = sign(document(2, json!({ "cost": 120 })), &key).unwrap();
        let kept = Kept {
            version: 2,
            hash: second.hash.clone(),
        };
        assert_eq!(
            verify(&text(&first), &key.public(), Some(&kept)),
            Err(ExchangeError::Replayed {
                offered: 1,
                kept: 2
            })
        );
        assert!(
            verify(&text(&second), &key.public(), Some(&kept))
                .unwrap()
                .already_kept
        );
        let reused = sign(document(2, json!({ "cost": 999 })), &key).unwrap();
        assert_eq!(
            verify(&text(&reused), &key.public(), Some(&kept)),
            Err(ExchangeError::VersionReused(2))
        );
        let third = sign(document(3, json!({ "cost": 130 })), &key).unwrap();
        assert!(
            !verify(&text(&third), &key.public(), Some(&kept))
                .unwrap()
                .already_kept
        );
    }

    #[test]
    fn malformed_unsigned_large_and_deep_documents_are_refused_clearly() {
        let key = SystemKey::generate();
        let signed = sign(document(1, json!({})), &key).unwrap();
        let mut unsigned: Value = serde_json::to_value(&signed).unwrap();
        unsigned.as_object_mut().unwrap().remove("signature");
        let error = verify(unsigned.to_string().as_bytes(), &key.public(), None).unwrap_err();
        assert!(error.to_string().contains("signature"), "{error}");
        assert!(matches!(
            verify(b"{not json", &key.public(), None),
            Err(ExchangeError::Malformed(_))
        ));
        let big = vec![b' '; MAX_DOCUMENT_BYTES + 1];
        assert_eq!(
            verify(&big, &key.public(), None),
            Err(ExchangeError::TooLarge)
        );
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(
            verify(deep.as_bytes(), &key.public(), None),
            Err(ExchangeError::TooDeep)
        );
        let mut zero = document(1, json!({}));
        zero.version = 0;
        assert!(matches!(sign(zero, &key), Err(ExchangeError::Malformed(_))));
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            (-1e12f64..1e12).prop_map(Value::from),
            "\\PC{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                prop::collection::btree_map("\\PC{0,8}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_content_round_trips_and_any_flipped_signature_byte_fails(
            content in json_value(),
            flip in 0usize..64,
        ) {
            let key = SystemKey::generate();
            let signed = sign(document(1, content), &key).unwrap();
            let verified = verify(&text(&signed), &key.public(), None).unwrap();
            prop_assert_eq!(&verified.signed.hash, &signed.hash);
            // Flip one byte of the signature itself.
            use base64::Engine;
            let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
            let (header, signature) = signed.signature.split_once("..").unwrap();
            let mut bytes = b64.decode(signature).unwrap();
            bytes[flip] ^= 0x01;
            let mut tampered = signed.clone();
            tampered.signature = format!("{header}..{}", b64.encode(bytes));
            prop_assert_eq!(
                verify(&text(&tampered), &key.public(), None),
                Err(ExchangeError::BadSignature)
            );
        }
    }
}
