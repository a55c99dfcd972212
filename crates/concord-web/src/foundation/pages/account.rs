//! Signing in and out, and a person's own account: their roles and API tokens.

use crate::auth::{
    host_cookie, pre_session_token, set_pre_session_cookie, start_session, Visitor, SESSION_COOKIE,
};
use crate::authz::Permit;
use crate::error::PageError;
use crate::extract::Context;
use crate::extract::PageForm;
use crate::extract::Params;
use crate::ui::filters;
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::{render, see_other, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use concord_domain::ValidationErrors;
use concord_store::accounts::{self, SignIn};
use concord_store::people::{self, Membership};
use concord_store::sessions::{self, ApiToken};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "foundation/login.html")]
struct LoginPage {
    layout: Layout,
    username: String,
    next: String,
    errors: ValidationErrors,
    notice: Option<&'static str>,
}

/// Query parameters of the sign-in page.
#[derive(Debug, Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

/// `GET /login`: the sign-in form. Sets the pre-session CSRF cookie if the browser has none.
pub async fn login_form(
    State(state): State<AppState>,
    Extension(mut visitor): Extension<Visitor>,
    Extension(permit): Extension<Permit>,
    Params(query): Params<LoginQuery>,
) -> Response {
    let new_cookie = pre_session_token(&mut visitor);
    let page = LoginPage {
        layout: Layout::new(&state, &visitor, &permit, "Sign in", "login"),
        username: String::new(),
        next: safe_next(query.next.as_deref()).to_string(),
        errors: ValidationErrors::default(),
        notice: query.signed_out.is_some().then_some("You have signed out."),
    };
    let mut response = render(&page);
    set_pre_session_cookie(&mut response, new_cookie);
    response
}

/// Only local paths are followed after sign-in (no open redirects): a path that starts with one
/// `/`, then anything but another `/` or `\`, with no control character, space or backslash
/// anywhere (browsers drop tabs and newlines and read `\` as `/`, so `/\t/evil.example` would
/// leave the site), at most 2,000 characters.
pub fn safe_next(next: Option<&str>) -> &str {
    let local = |n: &str| {
        n.len() <= 2_000
            && n.starts_with('/')
            && !n[1..].starts_with(['/', '\\'])
            && !n
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    };
    match next {
        Some(n) if local(n) => n,
        _ => "/",
    }
}

/// The sign-in form's fields.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    username: String,
    password: String,
    next: String,
}

/// `POST /login`.
pub async fn login(
    Context(state, visitor, permit): Context,
    PageForm(form): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    let mut errors = ValidationErrors::default();
    if form.username.trim().is_empty() {
        errors.add("username", "Enter your username");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    let status = if errors.is_empty() {
        match accounts::authenticate(
            &state.store,
            &form.username,
            &form.password,
            &visitor.client,
        )
        .await?
        {
            SignIn::Success { person_id } => {
                let cookie = start_session(&state, &visitor, &person_id, "local-password").await?;
                let mut response = see_other(safe_next(Some(&form.next)));
                response.headers_mut().append(header::SET_COOKIE, cookie);
                return Ok(response);
            }
            SignIn::Failed => {
                errors.add("username", "Enter a correct username and password");
                StatusCode::UNAUTHORIZED
            }
            SignIn::Throttled => {
                errors.add(
                    "username",
                    "Too many sign-in attempts. Wait 15 minutes, then try again.",
                );
                StatusCode::TOO_MANY_REQUESTS
            }
        }
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = LoginPage {
        layout: Layout::new(&state, &visitor, &permit, "Sign in", "login").with_errors(&errors),
        username: form.username.chars().take(254).collect(),
        next: safe_next(Some(&form.next)).to_string(),
        errors,
        notice: None,
    };
    Ok((status, render(&page)).into_response())
}

/// `POST /logout`: ends the session and clears the cookie.
pub async fn logout(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    if let Some(session) = &visitor.session {
        sessions::end(&state.store, &session.token).await?;
        let entry = concord_store::AuditEntry::success(
            &permit.actor,
            "session.sign_out",
            "session",
            None,
            "signed out",
        );
        state.store.audit_only(entry).await?;
    }
    let mut response = see_other("/login?signed_out=1");
    response
        .headers_mut()
        .append(header::SET_COOKIE, host_cookie(SESSION_COOKIE, "", Some(0)));
    Ok(response)
}

#[derive(Template)]
#[template(path = "foundation/account.html")]
struct AccountPage {
    layout: Layout,
    username: Option<String>,
    memberships: Vec<Membership>,
    tokens: Vec<ApiToken>,
    new_token: Option<String>,
    errors: ValidationErrors,
}

async fn account_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    new_token: Option<String>,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let person_id = &permit.person().person_id;
    let page = AccountPage {
        layout: Layout::new(state, visitor, permit, "Your account", "account").with_errors(&errors),
        username: accounts::username_of(&state.store, person_id).await?,
        memberships: people::memberships_of_person(&state.store, person_id).await?,
        tokens: sessions::list_api_tokens(&state.store, person_id).await?,
        new_token,
        errors,
    };
    Ok(render(&page))
}

/// `GET /account`.
pub async fn account(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    account_page(&state, &visitor, &permit, None, ValidationErrors::default()).await
}

/// The new-token form's fields.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    name: String,
    days: String,
}

/// `POST /account/tokens`: issues a token and shows it once.
pub async fn create_token(
    Context(state, visitor, permit): Context,
    PageForm(form): PageForm<TokenForm>,
) -> Result<Response, PageError> {
    let days = form.days.trim().parse::<i64>().unwrap_or(0);
    match sessions::create_api_token(
        &state.store,
        &permit.actor,
        &permit.person().person_id,
        &form.name,
        days,
    )
    .await
    {
        Ok((_, secret)) => {
            account_page(
                &state,
                &visitor,
                &permit,
                Some(secret),
                ValidationErrors::default(),
            )
            .await
        }
        Err(concord_store::StoreError::Invalid(errors)) => {
            let response = account_page(&state, &visitor, &permit, None, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

/// `POST /account/tokens/{id}/revoke`.
pub async fn revoke_token(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    sessions::revoke_api_token(&state.store, &permit.actor, &permit.person().person_id, &id)
        .await?;
    Ok(confirmed(Next::to("/account", Notice::TokenRevoked)))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_survive_whatever_control_characters_they_carry() {
        for good in ["/", "/programmes", "/people?q=a%20b&page=2", "/a/b#c"] {
            assert_eq!(safe_next(Some(good)), good);
        }
        let mut bad: Vec<String> = [
            "//evil.example/",
            "/\\evil.example/",
            "https://evil.example/",
            "evil.example",
            "",
            "/ /evil.example",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every control character, before the second slash and later in the path.
        for c in (0u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32) {
            bad.push(format!("/{c}/evil.example/"));
            bad.push(format!("/ok{c}path"));
        }
        bad.push("/\u{2028}/evil.example".into());
        bad.push(format!("/{}", "a".repeat(2_001)));
        for next in &bad {
            assert_eq!(safe_next(Some(next)), "/", "{next:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
