//! Local sign-in accounts: argon2id password hashes and sign-in throttling.
//!
//! Throttling is keyed on (username, client) and on the client alone, never on the username alone, so
//! an attacker elsewhere cannot lock a person out of their own account; unknown usernames are throttled
//! and answered exactly like known ones (and a dummy hash is verified), so responses do not reveal which
//! accounts exist.

use crate::audit::{Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::throttle;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use concord_domain::ValidationErrors;
use std::sync::OnceLock;

/// Argon2id with OWASP's minimum: 19 MiB of memory, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters"),
    )
}

/// Hashes a password as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`).
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| StoreError::Hashing(e.to_string()))?;
    Ok(hasher()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| StoreError::Hashing(e.to_string()))?
        .to_string())
}

/// True if `password` matches the PHC string `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_password(&hex::encode(rand::random::<[u8; 16]>())).expect("hashing a random password")
    })
}

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;

/// Checks a new password against the policy: 12 to 256 characters, not one character repeated.
pub fn check_password(field: &str, password: &str) -> Result<(), ValidationErrors> {
    let n = password.chars().count();
    let mut errors = ValidationErrors::default();
    if n < MIN_PASSWORD_LEN {
        errors.add(
            field,
            format!("Password must be at least {MIN_PASSWORD_LEN} characters"),
        );
    } else if n > 256 {
        errors.add(field, "Password must be 256 characters or fewer");
    } else if password.chars().all(|c| password.starts_with(c)) {
        errors.add(field, "Password must not be one character repeated");
    }
    errors.into_result()
}

/// Creates a local account for an existing person.
pub async fn create_account(
    store: &Store,
    actor: &Actor,
    person_id: &str,
    username: &str,
    password: &str,
) -> Result<(), StoreError> {
    let username = username.trim().to_ascii_lowercase();
    let entry = AuditEntry::success(
        actor,
        "account.create",
        "person",
        Some(person_id),
        format!("username {username}"),
    );
    store
        .audited(entry, async |entry| {
            let mut errors = ValidationErrors::default();
            if username.is_empty() || username.len() > 254 || username.contains(char::is_whitespace) {
                errors.add("username", "Enter a username of up to 254 characters without spaces");
            }
            if let Err(e) = check_password("password", password) {
                errors.0.extend(e.0);
            }
            errors.into_result()?;
            let hash = hash_password(password)?;
            let mut tx = store.begin_write().await?;
            let person: Option<String> = sqlx::query_scalar("SELECT id FROM people WHERE id = $1").bind(person_id).fetch_optional(tx.conn()).await?;
            if person.is_none() {
                return Err(StoreError::not_found("person", person_id));
            }
            let taken: Option<String> = sqlx::query_scalar("SELECT person_id FROM accounts WHERE username = $1 OR person_id = $2")
                .bind(&username)
                .bind(person_id)
                .fetch_optional(tx.conn())
                .await?;
            if taken.is_some() {
                return Err(StoreError::invalid("username", "That person already has an account, or the username is taken"));
            }
            sqlx::query("INSERT INTO accounts (person_id, username, password_hash, disabled, created_at) VALUES ($1, $2, $3, 0, $4)")
                .bind(person_id)
                .bind(&username)
                .bind(&hash)
                .bind(crate::now_utc())
                .execute(tx.conn())
                .await?;
            tx.commit(entry).await
        })
        .await
}

/// The username of a person's account, if they have one.
pub async fn username_of(store: &Store, person_id: &str) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT username FROM accounts WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(store.pool())
            .await?,
    )
}

/// How a sign-in attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// The password matched: this person signed in.
    Success {
        /// The person who signed in.
        person_id: String,
    },
    /// Wrong username or password (deliberately not saying which).
    Failed,
    /// Too many recent failures from this client, or for this username from this client.
    Throttled,
}

/// Failures allowed for one (username, client) pair before a wait is imposed.
const PAIR_FREE_FAILURES: i64 = 5;
/// Failures allowed from one client across all usernames before it must wait.
const CLIENT_FREE_FAILURES: i64 = 30;

fn pair_key(username: &str, client: &str) -> String {
    format!("pair:{username}|{client}")
}

fn client_key(client: &str) -> String {
    format!("client:{client}")
}

/// Checks a username and password from `client` (an IP address), applying throttling; audits the attempt.
pub async fn authenticate(
    store: &Store,
    username: &str,
    password: &str,
    client: &str,
) -> Result<SignIn, StoreError> {
    // No username is longer than an e-mail address; a longer one is cut, so no key grows unbounded.
    let username: String = username
        .trim()
        .to_ascii_lowercase()
        .chars()
        .take(254)
        .collect();
    let now = crate::now_utc();
    let (pair, client_key) = (pair_key(&username, client), client_key(client));
    let attempt = |outcome: &str, person_id: Option<String>, detail: String| AuditEntry {
        actor: Actor {
            person_id,
            ..Actor::system(&format!(
                "sign-in as '{}'",
                username.chars().take(80).collect::<String>()
            ))
        },
        action: "session.sign_in".into(),
        object_type: "session".into(),
        object_id: None,
        outcome: outcome.into(),
        detail,
    };
    // Both counters are reserved before the password is checked, so parallel guesses cannot
    // outrun the count; a blocked key stops the attempt unchecked.
    // The client is reserved first, so a blocked client writes nothing more however many
    // usernames it tries.
    let client_open = throttle::reserve(store, &client_key, CLIENT_FREE_FAILURES).await?;
    let pair_open = client_open && throttle::reserve(store, &pair, PAIR_FREE_FAILURES).await?;
    if client_open && !pair_open {
        throttle::release(store, &client_key, CLIENT_FREE_FAILURES).await?;
    }
    if !pair_open {
        store
            .audit_only(attempt(
                crate::audit::outcome::DENIED,
                None,
                format!("throttled: too many failures from {client}"),
            ))
            .await?;
        return Ok(SignIn::Throttled);
    }
    let account: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT person_id, password_hash, disabled FROM accounts WHERE username = $1",
    )
    .bind(&username)
    .fetch_optional(store.pool())
    .await?;
    let verified = match &account {
        Some((_, hash, disabled)) => verify_password(password, hash) && *disabled == 0,
        None => {
            verify_password(password, dummy_hash());
            false
        }
    };
    match account {
        Some((person_id, _, _)) if verified => {
            sqlx::query("DELETE FROM throttle_counters WHERE throttle_key = $1")
                .bind(&pair)
                .execute(store.pool())
                .await?;
            throttle::release(store, &client_key, CLIENT_FREE_FAILURES).await?;
            throttle::forget_expired(store).await?;
            sqlx::query("UPDATE accounts SET last_sign_in_at = $1 WHERE person_id = $2")
                .bind(&now)
                .bind(&person_id)
                .execute(store.pool())
                .await?;
            let mut entry = attempt(
                crate::audit::outcome::SUCCESS,
                Some(person_id.clone()),
                format!("signed in from {client}"),
            );
            entry.actor.name = username.clone();
            store.audit_only(entry).await?;
            Ok(SignIn::Success { person_id })
        }
        account => {
            let detail = if account.is_some() {
                "wrong password"
            } else {
                "no such username"
            };
            store
                .audit_only(attempt(
                    crate::audit::outcome::REJECTED,
                    None,
                    format!("{detail}, from {client}"),
                ))
                .await?;
            Ok(SignIn::Failed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_the_required_parameters() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse battery!", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert_ne!(
            hash,
            hash_password("correct horse battery").unwrap(),
            "salts differ"
        );
    }

    #[test]
    fn password_policy() {
        assert!(check_password("p", "short").is_err());
        assert!(check_password("p", "aaaaaaaaaaaaaaaa").is_err());
        assert!(check_password("p", "riverside-vale-2026").is_ok());
    }
}
