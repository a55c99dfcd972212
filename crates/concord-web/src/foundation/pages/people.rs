//! People: searching, a person's page, and editing their details.

use crate::auth::Visitor;
use crate::authz::{Permit, Rule, Target};
use crate::error::PageError;
use crate::extract::Context;
use crate::extract::PageForm;
use crate::extract::Params;
use crate::ui::form::{form_page, settle, Fields, FormDef};
use crate::ui::notice::{Next, Notice};
use crate::ui::{page_link, render, role_choices, showing, Choice, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concord_domain::{PersonDraft, ValidationErrors};
use concord_store::boards::{self, BoardMember};
use concord_store::people::{self, Membership, Person, PersonSearch};
use concord_store::{Page, PageRequest};
use serde::Deserialize;

/// The people search's query string.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct PeopleQuery {
    q: String,
    role: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "foundation/people.html")]
struct PeoplePage {
    layout: Layout,
    query: PeopleQuery,
    results: Page<Person>,
    showing: String,
    role_choices: Vec<Choice>,
    prev: String,
    next: String,
}

/// `GET /people`.
pub async fn people_list(
    Context(state, visitor, permit): Context,
    Params(query): Params<PeopleQuery>,
) -> Result<Response, PageError> {
    let search = PersonSearch {
        q: Some(query.q.clone()),
        role: Some(query.role.clone()),
        organisation_id: None,
    };
    let results = people::list(
        &state.store,
        &search,
        PageRequest::new(query.page, Some(50)),
    )
    .await?;
    let params = [("q", query.q.as_str()), ("role", query.role.as_str())];
    let prev = if results.page > 1 {
        page_link(&params, results.page - 1)
    } else {
        String::new()
    };
    let next = if results.has_next() {
        page_link(&params, results.page + 1)
    } else {
        String::new()
    };
    let page = PeoplePage {
        layout: Layout::new(&state, &visitor, &permit, "People", "people"),
        showing: showing(&results),
        results,
        role_choices: role_choices(),
        prev,
        next,
        query,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "foundation/person.html")]
struct PersonPage {
    layout: Layout,
    person: Person,
    memberships: Vec<Membership>,
    seats: Vec<BoardMember>,
    can_edit: bool,
    /// For administrators: whether the person can sign in, and the account form's state.
    can_manage_accounts: bool,
    username: Option<String>,
    account_errors: ValidationErrors,
    account_username: String,
}

/// `GET /people/{id}`.
pub async fn person(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    person_page(
        &state,
        &visitor,
        &permit,
        &id,
        ValidationErrors::default(),
        String::new(),
    )
    .await
}

async fn person_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    account_errors: ValidationErrors,
    account_username: String,
) -> Result<Response, PageError> {
    let id = id.to_string();
    let person = people::get(&state.store, &id).await?;
    let memberships = people::memberships_of_person(&state.store, &id).await?;
    let page = PersonPage {
        layout: Layout::new(state, visitor, permit, person.full_name(), "people"),
        can_edit: permit.may(state, Rule::EditPerson, Target::id(&id)).await?,
        seats: boards::seats_of_person(&state.store, &id).await?,
        can_manage_accounts: permit
            .may(state, Rule::ManageAccounts, Target::NONE)
            .await?,
        username: concord_store::accounts::username_of(&state.store, &id).await?,
        memberships,
        person,
        account_errors,
        account_username,
    };
    let status = if page.account_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)).into_response())
}

/// The new-account form's fields.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AccountFields {
    username: String,
    password: String,
}

/// `POST /people/{id}/account`: an administrator gives a person a sign-in (with a first password to
/// pass on securely).
pub async fn create_account(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<AccountFields>,
) -> Result<Response, PageError> {
    settle(
        concord_store::accounts::create_account(
            &state.store,
            &permit.actor,
            &id,
            &form.username,
            &form.password,
        )
        .await,
        |()| Next::to(format!("/people/{id}"), Notice::AccountCreated),
        |errors| person_page(&state, &visitor, &permit, &id, errors, form.username),
    )
    .await
}

/// A person's fields, the same on every form that asks for them.
pub(crate) fn person_fields(fields: Fields) -> Fields {
    fields
        .text("given_name", "Given name", "")
        .text("family_name", "Family name", "")
        .email("email", "Work email address", "")
        .text("job_title", "Job title", "")
        .telephone("phone", "Work telephone (optional)", "")
}

fn edit_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    form: PersonDraft,
    errors: ValidationErrors,
) -> Response {
    let heading = format!("Edit {} {}", form.given_name, form.family_name);
    let def = FormDef {
        warning: None,
        intro: String::new(),
        caption: "People".into(),
        back: (
            format!("/people/{id}"),
            format!("{} {}", form.given_name, form.family_name),
        ),
        action: format!("/people/{id}/edit"),
        submit: "Save".into(),
        fields: person_fields(Fields::new(&form)).build(),
        heading: heading.clone(),
    };
    form_page(
        Layout::new(state, visitor, permit, heading, "people"),
        def,
        errors,
    )
}

/// `GET /people/{id}/edit`.
pub async fn edit_person(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let p = people::get(&state.store, &id).await?;
    let form = PersonDraft {
        given_name: p.given_name,
        family_name: p.family_name,
        email: p.email,
        job_title: Some(p.job_title),
        phone: p.phone,
    };
    Ok(edit_form(
        &state,
        &visitor,
        &permit,
        &id,
        form,
        ValidationErrors::default(),
    ))
}

/// `POST /people/{id}/edit`.
pub async fn update_person(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<PersonDraft>,
) -> Result<Response, PageError> {
    settle(
        people::update(&state.store, &permit.actor, &id, &form).await,
        |()| Next::to(format!("/people/{id}"), Notice::PersonSaved),
        |errors| std::future::ready(Ok(edit_form(&state, &visitor, &permit, &id, form, errors))),
    )
    .await
}
