//! Detached JWS with EdDSA: RFC 7515's compact serialisation with the payload left out
//! (`header..signature`, its appendix F), signed by Ed25519 (RFC 8037).

use crate::keys::{PublicKey, SystemKey};
use crate::ExchangeError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer};
use serde_json::Value;

/// The longest JWS header read, in bytes (base64url).
const MAX_HEADER: usize = 2048;

/// Signs `payload`, returning the detached compact JWS.
pub(crate) fn sign_detached(key: &SystemKey, payload: &[u8]) -> String {
    let header = format!(
        r#"{{"alg":"EdDSA","kid":"{}","typ":"concord-document+json"}}"#,
        key.public().kid()
    );
    let header = B64.encode(header);
    let input = format!("{header}.{}", B64.encode(payload));
    let signature = key.signing().sign(input.as_bytes());
    format!("{header}..{}", B64.encode(signature.to_bytes()))
}

/// The key id a detached JWS names, after checking its header asks for EdDSA and nothing this
/// reader does not understand.
pub(crate) fn header_kid(jws: &str) -> Result<String, ExchangeError> {
    let malformed = |m: &str| ExchangeError::Malformed(format!("the signature {m}"));
    let mut parts = jws.split('.');
    let (Some(header), Some(middle), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed(
            "is not a compact JWS (three parts joined by dots)",
        ));
    };
    if !middle.is_empty() {
        return Err(malformed(
            "carries its payload: a detached signature leaves it out",
        ));
    }
    if header.len() > MAX_HEADER {
        return Err(malformed("header is too long"));
    }
    let header: Value = B64
        .decode(header)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .filter(Value::is_object)
        .ok_or_else(|| malformed("header is not base64url JSON"))?;
    match header.get("alg").and_then(Value::as_str) {
        Some("EdDSA") => {}
        other => {
            return Err(ExchangeError::Algorithm(
                other.unwrap_or("none").to_string(),
            ))
        }
    }
    // A critical extension (RFC 7515 4.1.11), or an unencoded payload (RFC 7797), would change
    // what the signature means; none is understood here.
    if header.get("crit").is_some() || header.get("b64").is_some() {
        return Err(malformed(
            "header asks for extensions this system does not support",
        ));
    }
    header
        .get("kid")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| malformed("header names no key (kid)"))
}

/// Checks a detached JWS over `payload` with `key`: the header as [`header_kid`] requires, the
/// key it names, and the Ed25519 signature (strictly: no malleable or small-order forms).
pub(crate) fn verify_detached(
    jws: &str,
    payload: &[u8],
    key: &PublicKey,
) -> Result<(), ExchangeError> {
    let kid = header_kid(jws)?;
    if kid != key.kid() {
        return Err(ExchangeError::WrongKey {
            expected: key.kid(),
            found: kid.chars().take(64).collect(),
        });
    }
    let (header, signature) = jws.split_once("..").expect("checked by header_kid");
    let signature = B64
        .decode(signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b.as_slice()).ok())
        .ok_or(ExchangeError::BadSignature)?;
    let input = format!("{header}.{}", B64.encode(payload));
    key.verifying()
        .verify_strict(input.as_bytes(), &Signature::from_bytes(&signature))
        .map_err(|_| ExchangeError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_8037s_example_signature_is_reproduced() {
        // RFC 8037 appendix A.1 and A.4: the example key signs "Example of Ed25519 signing"
        // under the header {"alg":"EdDSA"}.
        let key = SystemKey::from_private_jwk(
            r#"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
        )
        .unwrap();
        let input = format!(
            "{}.{}",
            B64.encode(r#"{"alg":"EdDSA"}"#),
            B64.encode("Example of Ed25519 signing")
        );
        assert_eq!(
            input,
            "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
        );
        let signature = B64.encode(key.signing().sign(input.as_bytes()).to_bytes());
        assert_eq!(
            signature,
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        );
    }

    #[test]
    fn a_detached_signature_verifies_only_over_its_payload_with_its_key() {
        let key = SystemKey::generate();
        let jws = sign_detached(&key, b"the payload");
        assert!(jws.contains(".."), "detached: {jws}");
        assert_eq!(verify_detached(&jws, b"the payload", &key.public()), Ok(()));
        assert_eq!(
            verify_detached(&jws, b"the payloaD", &key.public()),
            Err(ExchangeError::BadSignature)
        );
        let other = SystemKey::generate();
        assert!(matches!(
            verify_detached(&jws, b"the payload", &other.public()),
            Err(ExchangeError::WrongKey { .. })
        ));
        // Another key's signature under this key's id: the signature fails.
        let forged = sign_detached(&other, b"the payload");
        let (_, other_signature) = forged.split_once("..").unwrap();
        let (header, _) = jws.split_once("..").unwrap();
        assert_eq!(
            verify_detached(
                &format!("{header}..{other_signature}"),
                b"the payload",
                &key.public()
            ),
            Err(ExchangeError::BadSignature)
        );
    }

    #[test]
    fn headers_asking_for_another_algorithm_or_extensions_are_refused() {
        let key = SystemKey::generate();
        let kid = key.public().kid();
        let (_, signature) = sign_detached(&key, b"p")
            .split_once("..")
            .map(|(h, s)| (h.to_string(), s.to_string()))
            .unwrap();
        for (header, expected) in [
            (format!(r#"{{"alg":"none","kid":"{kid}"}}"#), "algorithm"),
            (format!(r#"{{"alg":"HS256","kid":"{kid}"}}"#), "algorithm"),
            (format!(r#"{{"kid":"{kid}"}}"#), "algorithm"),
            (
                format!(r#"{{"alg":"EdDSA","kid":"{kid}","b64":false,"crit":["b64"]}}"#),
                "extensions",
            ),
            (r#"{"alg":"EdDSA"}"#.to_string(), "names no key"),
        ] {
            let jws = format!("{}..{signature}", B64.encode(header));
            let error = verify_detached(&jws, b"p", &key.public()).unwrap_err();
            assert!(error.to_string().contains(expected), "{error}");
        }
        for shape in ["abc", "a.b", "a.b.c.d", "e30.cA.sig"] {
            assert!(matches!(
                verify_detached(shape, b"p", &key.public()),
                Err(ExchangeError::Malformed(_))
            ));
        }
    }
}
