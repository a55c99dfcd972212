//! The authorisation layer every route passes through.
//!
//! Each route is registered in [`crate::routes`] with a [`Rule`]; [`guard`] runs before its handler,
//! takes the rule's [`Target`] from the path, asks the one authoriser ([`concord_app::authorise`]),
//! records refusals in the audit log, and only then lets the request through with a [`Permit`]. A
//! route cannot be added without a rule. Pages ask the same authoriser what to offer, through
//! [`Permit::may`].

use crate::auth::{is_api_path, Visitor};
use crate::error::Problem;
use crate::AppState;
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use concord_domain::{Decision, Principal};
use concord_store::audit::outcome;
use concord_store::{Actor, AuditEntry, StoreError};

pub use concord_app::authz::{Rule, Target};

/// What a handler receives once the guard has let a request through.
#[derive(Debug, Clone)]
pub struct Permit {
    /// The signed-in person, if any.
    pub principal: Option<Principal>,
    /// Who to record in the audit log for anything this request writes.
    pub actor: Actor,
}

impl Permit {
    /// The signed-in person; only for routes whose rule requires sign-in.
    pub fn person(&self) -> &Principal {
        self.principal
            .as_ref()
            .expect("this route's rule requires a signed-in person")
    }

    /// Whether this visitor may do what `rule` describes to `target`: the question the guard
    /// asks, put by a page deciding what to offer or a handler checking a target its body names.
    pub async fn may(
        &self,
        state: &AppState,
        rule: Rule,
        target: Target<'_>,
    ) -> Result<bool, StoreError> {
        concord_app::may(&state.store, self.principal.as_ref(), rule, target).await
    }
}

/// Why a request could not be authorised.
enum Refusal {
    SignIn,
    Forbidden(String),
    Lookup(StoreError),
}

/// Middleware for one route: lets the request through only if `rule` allows this visitor.
pub async fn guard(
    State((state, rule)): State<(AppState, Rule)>,
    req: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let visitor = parts
        .extensions
        .get::<Visitor>()
        .cloned()
        .unwrap_or_default();
    let params = RawPathParams::from_request_parts(&mut parts, &state)
        .await
        .ok();
    let param = |name: &str| {
        params.as_ref().and_then(|p| {
            p.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    };
    let (id, organisation_param) = (param("id"), param("organisation_id"));
    let api = is_api_path(parts.uri.path());
    let principal = visitor.principal.as_ref();
    let target = Target {
        id: id.as_deref(),
        organisation_id: organisation_param.as_deref(),
    };
    let outcome = match concord_app::authorise(&state.store, principal, rule, target).await {
        Ok(Decision::Allowed { via }) => {
            let actor = match principal {
                Some(p) => Actor::person(p, via.as_ref()),
                None => Actor::system(&format!("visitor from {}", visitor.client)),
            };
            Ok(Permit {
                principal: visitor.principal.clone(),
                actor,
            })
        }
        Ok(Decision::NeedsSignIn) => Err(Refusal::SignIn),
        Ok(Decision::Denied) => Err(Refusal::Forbidden(format!(
            "{} {}",
            parts.method,
            parts.uri.path()
        ))),
        Err(err) => Err(Refusal::Lookup(err)),
    };
    match outcome {
        Ok(permit) => {
            parts.extensions.insert(permit);
            next.run(Request::from_parts(parts, body)).await
        }
        Err(Refusal::SignIn) if api => {
            let mut response = Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Not signed in",
                "Send an API token: Authorization: Bearer <token>",
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            response
        }
        Err(Refusal::SignIn) => {
            let next_path = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let target = if parts.method == axum::http::Method::GET {
                next_path
            } else {
                "/"
            };
            Redirect::to(&format!("/login?next={}", urlencode(target))).into_response()
        }
        Err(Refusal::Forbidden(what)) => {
            let principal = principal.expect("only signed-in visitors are denied");
            let entry = AuditEntry {
                outcome: outcome::DENIED.into(),
                ..AuditEntry::success(
                    &Actor::person(principal, None),
                    "authz.denied",
                    "route",
                    id.as_deref(),
                    what,
                )
            };
            if let Err(err) = state.store.audit_only(entry).await {
                return crate::error::PageError::from(err).into_response();
            }
            let problem = Problem::new(StatusCode::FORBIDDEN, "forbidden", "You do not have permission", "Your roles do not allow this. Ask your organisation's partner lead or a system administrator.");
            if api {
                problem.into_response()
            } else {
                crate::ui::error_page(&problem)
            }
        }
        Err(Refusal::Lookup(err)) => {
            let problem = crate::error::problem_for(&err);
            if api {
                problem.into_response()
            } else {
                crate::ui::error_page(&problem)
            }
        }
    }
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e[1..].to_string())
        .unwrap_or_default()
}
