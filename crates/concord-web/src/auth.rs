//! Who is making this request: a session cookie (pages) or a bearer token (API), or nobody.
//!
//! Identity is settled here once per request and carried in a [`Visitor`]; nothing downstream reads
//! cookies or tokens. A new way to sign in (an OIDC provider such as NHS CIS2 or Entra ID) only needs
//! a handler that ends in [`start_session`]; sessions, authorisation and audit stay as they are.

use crate::error::Problem;
use crate::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use concord_domain::Principal;
use concord_store::{notifications, people, sessions, StoreError};
use std::net::SocketAddr;

/// The session cookie. `__Host-` binds it to this host, path `/`, and HTTPS (or localhost).
pub const SESSION_COOKIE: &str = "__Host-concord_session";
/// The cookie carrying the CSRF token for forms shown before sign-in (double-submit).
pub const PRE_SESSION_CSRF_COOKIE: &str = "__Host-concord_csrf";

/// The signed-in session behind a page request.
#[derive(Debug, Clone)]
pub struct SessionRef {
    /// The cookie's token (to end or rotate the session).
    pub token: String,
    /// The token every state-changing form must carry.
    pub csrf_token: String,
}

/// Who is asking, as settled by [`authenticate`].
#[derive(Debug, Clone, Default)]
pub struct Visitor {
    /// The person, if signed in (or holding a valid API token).
    pub principal: Option<Principal>,
    /// The browser session, for page requests.
    pub session: Option<SessionRef>,
    /// The client's address, for throttling and audit.
    pub client: String,
    /// The pre-sign-in CSRF cookie's value, if the browser sent one.
    pub pre_session_csrf: Option<String>,
    /// What the action before this page did, to confirm it ([`crate::ui::notice`]).
    pub notice: Option<crate::ui::notice::Notice>,
    /// How many notifications the signed-in person has not read (pages only).
    pub unread_notifications: i64,
}

/// For a page with a form shown before sign-in (the sign-in form, an unsubscribe link): gives
/// the visitor a pre-session CSRF token if they have none, and returns it, for
/// [`set_pre_session_cookie`] to send.
pub fn pre_session_token(visitor: &mut Visitor) -> Option<String> {
    let token = visitor
        .pre_session_csrf
        .is_none()
        .then(sessions::random_token)?;
    visitor.pre_session_csrf = Some(token.clone());
    Some(token)
}

/// Sends the pre-session CSRF cookie [`pre_session_token`] made, if it made one.
pub fn set_pre_session_cookie(response: &mut axum::response::Response, token: Option<String>) {
    if let Some(token) = token {
        response.headers_mut().append(
            header::SET_COOKIE,
            host_cookie(PRE_SESSION_CSRF_COOKIE, &token, Some(7200)),
        );
    }
}

/// A page whose form anyone may post, signed in or not (a self-referral, a consultation's
/// response): someone not signed in gets a pre-session CSRF token for it, and its cookie.
pub fn public_form(
    visitor: &Visitor,
    page: impl FnOnce(&Visitor) -> axum::response::Response,
) -> axum::response::Response {
    let mut visitor = visitor.clone();
    let new_cookie = if visitor.session.is_none() {
        pre_session_token(&mut visitor)
    } else {
        None
    };
    let mut response = page(&visitor);
    set_pre_session_cookie(&mut response, new_cookie);
    response
}

/// True for JSON API paths, which use bearer tokens and problem+json.
pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/") || path == "/openreferral" || path.starts_with("/openreferral/")
}

/// The value of cookie `name` in `headers`.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value for a `__Host-` cookie: Secure, HttpOnly, SameSite=Lax, path `/`.
pub fn host_cookie(name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let age = max_age
        .map(|s| format!("; Max-Age={s}"))
        .unwrap_or_default();
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Secure; HttpOnly; SameSite=Lax{age}"
    ))
    .expect("cookie is ASCII")
}

fn unauthenticated_api(detail: &str) -> Response {
    let mut response = Problem::new(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "Not signed in",
        detail,
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// Paths served the same to everyone, for which looking up the visitor would only cost queries.
fn needs_no_identity(path: &str) -> bool {
    path.starts_with("/assets/") || path == "/healthz"
}

/// The client's address: the socket's peer, unless the peer is a trusted proxy, in which case the
/// nearest address in `X-Forwarded-For` that is not itself a trusted proxy (addresses further left
/// were written by the client and could be anything).
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    headers: &axum::http::HeaderMap,
    trusted_proxies: &[std::net::IpAddr],
) -> String {
    let Some(peer) = peer.map(|ip| ip.to_canonical()) else {
        return "local".into();
    };
    if !trusted_proxies.iter().any(|p| p.to_canonical() == peer) {
        return peer.to_string();
    }
    let parts: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    parts
        .iter()
        .rev()
        .map_while(|part| forwarded_address(part.trim()))
        .find(|ip| !trusted_proxies.iter().any(|p| p.to_canonical() == *ip))
        .unwrap_or(peer)
        .to_string()
}

/// One `X-Forwarded-For` entry as an address: `a.b.c.d`, `a.b.c.d:port`, `v6` or `[v6]:port`.
fn forwarded_address(entry: &str) -> Option<std::net::IpAddr> {
    if let Ok(ip) = entry.parse::<std::net::IpAddr>() {
        return Some(ip.to_canonical());
    }
    entry
        .parse::<std::net::SocketAddr>()
        .ok()
        .map(|s| s.ip().to_canonical())
}

/// Middleware: settles the [`Visitor`] and puts it in the request's extensions.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if needs_no_identity(req.uri().path()) {
        req.extensions_mut().insert(Visitor::default());
        return next.run(req).await;
    }
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = client_address(peer, req.headers(), &state.trusted_proxies);
    let mut visitor = Visitor {
        client,
        ..Visitor::default()
    };
    let api = is_api_path(req.uri().path());
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let session_cookie = cookie(req.headers(), SESSION_COOKIE);
    visitor.pre_session_csrf = cookie(req.headers(), PRE_SESSION_CSRF_COOKIE);
    visitor.notice = crate::ui::notice::carried(req.headers());
    let found: Result<(), StoreError> = async {
        if api {
            if let Some(secret) = bearer {
                match sessions::authenticate_api_token(&state.store, secret.trim()).await? {
                    Some(person_id) => {
                        visitor.principal = people::principal(&state.store, &person_id).await?
                    }
                    None => visitor.principal = None,
                }
                if visitor.principal.is_none() {
                    return Err(StoreError::invalid(
                        "authorization",
                        "The API token is not valid, has expired or was revoked",
                    ));
                }
            }
        } else {
            if let Some(token) = session_cookie {
                if let Some(session) = sessions::load(&state.store, &token).await? {
                    visitor.principal = people::principal(&state.store, &session.person_id).await?;
                    visitor.unread_notifications =
                        notifications::unread_count(&state.store, &session.person_id).await?;
                    visitor.session = Some(SessionRef {
                        token,
                        csrf_token: session.csrf_token,
                    });
                }
            }
        }
        Ok(())
    }
    .await;
    match found {
        Ok(()) => {}
        Err(StoreError::Invalid(errors)) => {
            return unauthenticated_api(errors.0[0].message.as_str())
        }
        Err(err) => return crate::error::PageError::from(err).into_response(),
    }
    req.extensions_mut().insert(visitor);
    next.run(req).await
}

/// Starts a session for `person_id` (after any successful sign-in), ending the visitor's old one, and
/// returns the `Set-Cookie` header carrying the new token: the token is rotated at every sign-in.
pub async fn start_session(
    state: &AppState,
    visitor: &Visitor,
    person_id: &str,
    method: &str,
) -> Result<HeaderValue, StoreError> {
    let old = visitor.session.as_ref().map(|s| s.token.as_str());
    let session = sessions::create(&state.store, person_id, method, old).await?;
    Ok(host_cookie(SESSION_COOKIE, &session.token, None))
}

#[cfg(test)]
mod tests {
    use super::client_address;
    use axum::http::HeaderMap;

    #[test]
    fn forwarded_addresses_count_only_from_a_trusted_proxy() {
        let proxy = "10.0.0.1".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().unwrap());
        assert_eq!(
            client_address(Some(proxy), &headers, &[proxy]),
            "203.0.113.7"
        );
        assert_eq!(client_address(Some(proxy), &headers, &[]), "10.0.0.1");
        let other = "198.51.100.2".parse().unwrap();
        assert_eq!(
            client_address(Some(other), &headers, &[proxy]),
            "198.51.100.2"
        );
        assert_eq!(
            client_address(Some(proxy), &HeaderMap::new(), &[proxy]),
            "10.0.0.1"
        );
        headers.insert("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(client_address(Some(proxy), &headers, &[proxy]), "10.0.0.1");
        headers.insert(
            "x-forwarded-for",
            "6.6.6.6, 203.0.113.8:4711".parse().unwrap(),
        );
        assert_eq!(
            client_address(Some(proxy), &headers, &[proxy]),
            "203.0.113.8"
        );
        let mapped = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(
            client_address(Some(mapped), &headers, &[proxy]),
            "203.0.113.8"
        );
        headers.insert(
            "x-forwarded-for",
            "6.6.6.6, junk, 203.0.113.9".parse().unwrap(),
        );
        assert_eq!(
            client_address(Some(proxy), &headers, &[proxy]),
            "203.0.113.9"
        );
    }
}
