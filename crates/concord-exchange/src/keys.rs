//! A system's Ed25519 key, and the public half others hold, as JWKs (RFC 8037) named by their
//! RFC 7638 thumbprint.

use crate::ExchangeError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The publishing system's own key. Kept apart from the database, like the pseudonym key.
pub struct SystemKey {
    signing: SigningKey,
}

impl std::fmt::Debug for SystemKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the private half.
        f.debug_struct("SystemKey")
            .field("kid", &self.public().kid())
            .finish()
    }
}

impl SystemKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> SystemKey {
        SystemKey {
            signing: SigningKey::generate(&mut rand::rngs::OsRng),
        }
    }

    /// The key as a private JWK (`kty` OKP, `crv` Ed25519, `x` and `d`), for its owner's file.
    pub fn to_private_jwk(&self) -> String {
        let mut jwk = self.public().jwk();
        jwk["d"] = json!(B64.encode(self.signing.to_bytes()));
        jwk.to_string()
    }

    /// Reads a private JWK written by [`SystemKey::to_private_jwk`].
    pub fn from_private_jwk(text: &str) -> Result<SystemKey, ExchangeError> {
        let jwk: Value = serde_json::from_str(text)
            .map_err(|_| ExchangeError::Malformed("the key file is not a JWK".into()))?;
        let d = okp_bytes(&jwk, "d")?;
        let key = SystemKey {
            signing: SigningKey::from_bytes(&d),
        };
        // The public half, if written, must be this key's.
        if jwk.get("x").is_some() && okp_bytes(&jwk, "x")? != key.signing.verifying_key().to_bytes()
        {
            return Err(ExchangeError::Malformed(
                "the key file's public and private halves do not belong together".into(),
            ));
        }
        Ok(key)
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        PublicKey {
            verifying: self.signing.verifying_key(),
        }
    }

    pub(crate) fn signing(&self) -> &SigningKey {
        &self.signing
    }
}

/// A publisher's public key, as a subscriber holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    verifying: VerifyingKey,
}

impl PublicKey {
    /// The key as a public JWK.
    pub fn jwk(&self) -> Value {
        json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": B64.encode(self.verifying.to_bytes()),
            "kid": self.kid(),
            "use": "sig",
            "alg": "EdDSA",
        })
    }

    /// Reads a public JWK (`kty` OKP, `crv` Ed25519, `x`).
    pub fn from_jwk(jwk: &Value) -> Result<PublicKey, ExchangeError> {
        let x = okp_bytes(jwk, "x")?;
        let verifying = VerifyingKey::from_bytes(&x)
            .map_err(|_| ExchangeError::Malformed("the key's x is not an Ed25519 point".into()))?;
        if verifying.is_weak() {
            return Err(ExchangeError::Malformed(
                "the key is a weak Ed25519 key".into(),
            ));
        }
        Ok(PublicKey { verifying })
    }

    /// The key's RFC 7638 thumbprint: base64url SHA-256 of `{"crv","kty","x"}` in that order.
    pub fn kid(&self) -> String {
        let members = format!(
            r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
            B64.encode(self.verifying.to_bytes())
        );
        B64.encode(Sha256::digest(members.as_bytes()))
    }

    pub(crate) fn verifying(&self) -> &VerifyingKey {
        &self.verifying
    }
}

/// A 32-byte member of an Ed25519 JWK.
fn okp_bytes(jwk: &Value, member: &str) -> Result<[u8; 32], ExchangeError> {
    let malformed = |m: String| ExchangeError::Malformed(m);
    if jwk.get("kty").and_then(Value::as_str) != Some("OKP")
        || jwk.get("crv").and_then(Value::as_str) != Some("Ed25519")
    {
        return Err(malformed(
            "the key must be an Ed25519 JWK (kty OKP, crv Ed25519)".into(),
        ));
    }
    let text = jwk
        .get(member)
        .and_then(Value::as_str)
        .ok_or_else(|| malformed(format!("the key has no {member}")))?;
    B64.decode(text)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
        .ok_or_else(|| malformed(format!("the key's {member} is not 32 bytes of base64url")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_survives_its_file_and_its_thumbprint_is_rfc_7638s() {
        let key = SystemKey::generate();
        let again = SystemKey::from_private_jwk(&key.to_private_jwk()).unwrap();
        assert_eq!(again.public(), key.public());
        assert!(!format!("{key:?}").contains(&B64.encode(key.signing.to_bytes())));
        let public = PublicKey::from_jwk(&key.public().jwk()).unwrap();
        assert_eq!(public.kid(), key.public().kid());
        // RFC 8037 appendix A.3: the thumbprint of its example key.
        let example = serde_json::json!({
            "kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
        });
        assert_eq!(
            PublicKey::from_jwk(&example).unwrap().kid(),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }

    #[test]
    fn a_key_of_another_kind_is_refused() {
        for bad in [
            serde_json::json!({ "kty": "RSA", "n": "x", "e": "AQAB" }),
            serde_json::json!({ "kty": "OKP", "crv": "X25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" }),
            serde_json::json!({ "kty": "OKP", "crv": "Ed25519", "x": "short" }),
        ] {
            assert!(PublicKey::from_jwk(&bad).is_err(), "{bad}");
        }
        let key = SystemKey::generate();
        let other = SystemKey::generate();
        let mut mixed: Value = serde_json::from_str(&key.to_private_jwk()).unwrap();
        mixed["x"] = other.public().jwk()["x"].clone();
        assert!(SystemKey::from_private_jwk(&mixed.to_string()).is_err());
    }
}
