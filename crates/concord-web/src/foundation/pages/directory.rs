//! The partnership directory: searching organisations, an organisation's page, and editing it.

use super::people::person_fields;
use crate::auth::Visitor;
use crate::authz::{Permit, Rule, Target};
use crate::error::PageError;
use crate::extract::Context;
use crate::extract::PageForm;
use crate::extract::Params;
use crate::ui::form::{form_page, settle, Fields, FormDef};
use crate::ui::{
    grantable_role_choices, org_type_choices, page_link, render, see_other, showing, Choice, Layout,
};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concord_domain::{MembershipDraft, OrganisationDraft, PersonDraft, ValidationErrors};
use concord_store::organisations::{self, Organisation, OrganisationSearch, PlaceRef};
use concord_store::people::{self, Membership};
use concord_store::{boards, places, Page, PageRequest, StoreError};
use serde::{Deserialize, Serialize};

/// The directory's query string.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct DirectoryQuery {
    q: String,
    org_type: String,
    place_id: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "foundation/directory.html")]
struct DirectoryPage {
    layout: Layout,
    query: DirectoryQuery,
    results: Page<Organisation>,
    showing: String,
    type_choices: Vec<Choice>,
    place_choices: Vec<Choice>,
    prev: String,
    next: String,
    can_create: bool,
}

async fn place_choices(state: &AppState) -> Result<Vec<Choice>, StoreError> {
    Ok(places::list(&state.store)
        .await?
        .into_iter()
        .map(|p| {
            (
                p.id,
                if p.parent_id.is_some() {
                    format!("– {}", p.name)
                } else {
                    p.name
                },
            )
        })
        .collect())
}

/// `GET /directory`: search and filter organisations.
pub async fn directory(
    Context(state, visitor, permit): Context,
    Params(query): Params<DirectoryQuery>,
) -> Result<Response, PageError> {
    let search = OrganisationSearch {
        q: Some(query.q.clone()),
        org_type: Some(query.org_type.clone()),
        place_id: Some(query.place_id.clone()),
        parent_id: None,
    };
    let results = organisations::list(
        &state.store,
        &search,
        PageRequest::new(query.page, Some(50)),
    )
    .await?;
    let counts = organisations::count_by_type(&state.store).await?;
    let type_choices = counts
        .into_iter()
        .map(|(t, n)| (t.as_str().to_string(), format!("{} ({n})", t.label())))
        .collect();
    let params = [
        ("q", query.q.as_str()),
        ("org_type", query.org_type.as_str()),
        ("place_id", query.place_id.as_str()),
    ];
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
    let page = DirectoryPage {
        layout: Layout::new(&state, &visitor, &permit, "Organisations", "directory"),
        showing: showing(&results),
        results,
        type_choices,
        place_choices: place_choices(&state).await?,
        prev,
        next,
        can_create: permit
            .may(&state, Rule::CreateOrganisation, Target::NONE)
            .await?,
        query,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "foundation/organisation.html")]
struct OrganisationPage {
    layout: Layout,
    org: Organisation,
    places: Vec<PlaceRef>,
    children: Page<Organisation>,
    members: Vec<Membership>,
    boards: Vec<boards::Board>,
    can_edit: bool,
    role_choices: Vec<Choice>,
    errors: ValidationErrors,
    member_email: String,
    member_role: String,
}

async fn organisation_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    errors: ValidationErrors,
    member: (String, String),
) -> Result<Response, PageError> {
    let org = organisations::get(&state.store, id).await?;
    let children = organisations::list(
        &state.store,
        &OrganisationSearch {
            parent_id: Some(id.to_string()),
            ..Default::default()
        },
        PageRequest::new(Some(1), Some(200)),
    )
    .await?;
    let page = OrganisationPage {
        layout: Layout::new(state, visitor, permit, org.name.clone(), "directory"),
        places: organisations::places_served(&state.store, id).await?,
        members: people::memberships_of_organisation(&state.store, id).await?,
        boards: boards::list(&state.store, Some(id)).await?,
        can_edit: permit
            .may(state, Rule::EditOrganisation, Target::id(id))
            .await?,
        role_choices: grantable_role_choices(permit, id, org.org_type),
        children,
        org,
        errors,
        member_email: member.0,
        member_role: member.1,
    };
    Ok(render(&page))
}

/// `GET /organisations/{id}`.
pub async fn organisation(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    organisation_page(
        &state,
        &visitor,
        &permit,
        &id,
        ValidationErrors::default(),
        Default::default(),
    )
    .await
}

#[derive(Template)]
#[template(path = "foundation/organisation_form.html")]
struct OrganisationForm {
    layout: Layout,
    action: String,
    heading: String,
    form: OrganisationDraft,
    errors: ValidationErrors,
    type_choices: Vec<Choice>,
    parent_choices: Vec<Choice>,
    place_choices: Vec<(String, String, bool)>,
    editing_id: Option<String>,
}

async fn organisation_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    editing: Option<&str>,
    form: OrganisationDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let all = organisations::list(
        &state.store,
        &OrganisationSearch::default(),
        PageRequest::new(Some(1), Some(200)),
    )
    .await?;
    let mut parents: Vec<Choice> = all
        .items
        .into_iter()
        .filter(|o| {
            o.org_type != concord_domain::OrgType::GpPractice && Some(o.id.as_str()) != editing
        })
        .map(|o| (o.id, format!("{} ({})", o.name, o.org_type.label())))
        .collect();
    parents.sort_by(|a, b| a.1.cmp(&b.1));
    let served: Vec<String> = match editing {
        Some(id) => organisations::places_served(&state.store, id)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect(),
        None => Vec::new(),
    };
    let place_choices = places::list(&state.store)
        .await?
        .into_iter()
        .map(|p| (p.id.clone(), p.name, served.contains(&p.id)))
        .collect();
    let (title, action) = match editing {
        Some(id) => (
            format!("Edit {}", form.name),
            format!("/organisations/{id}/edit"),
        ),
        None => (
            "Add an organisation".to_string(),
            "/organisations".to_string(),
        ),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = OrganisationForm {
        layout: Layout::new(state, visitor, permit, title.clone(), "directory"),
        action,
        heading: title,
        form,
        errors,
        type_choices: org_type_choices(),
        parent_choices: parents,
        place_choices,
        editing_id: editing.map(str::to_string),
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /organisations/new`.
pub async fn new_organisation(
    Context(state, visitor, permit): Context,
) -> Result<Response, PageError> {
    organisation_form(
        &state,
        &visitor,
        &permit,
        None,
        OrganisationDraft::default(),
        ValidationErrors::default(),
    )
    .await
}

/// `POST /organisations`.
pub async fn create_organisation(
    Context(state, visitor, permit): Context,
    PageForm(form): PageForm<OrganisationDraft>,
) -> Result<Response, PageError> {
    settle(
        organisations::create(&state.store, &permit.actor, &form).await,
        |id| format!("/organisations/{id}"),
        |errors| organisation_form(&state, &visitor, &permit, None, form, errors),
    )
    .await
}

/// `GET /organisations/{id}/edit`.
pub async fn edit_organisation(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let org = organisations::get(&state.store, &id).await?;
    let form = OrganisationDraft {
        name: org.name,
        code: org.code,
        org_type: org.org_type.as_str().to_string(),
        parent_id: org.parent_id,
        website: org.website,
        description: Some(org.description),
    };
    organisation_form(
        &state,
        &visitor,
        &permit,
        Some(&id),
        form,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /organisations/{id}/edit`.
pub async fn update_organisation(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<OrganisationDraft>,
) -> Result<Response, PageError> {
    match organisations::update(&state.store, &permit.actor, &id, &form).await {
        Ok(()) => Ok(see_other(&format!("/organisations/{id}"))),
        Err(StoreError::Invalid(errors)) => {
            organisation_form(&state, &visitor, &permit, Some(&id), form, errors).await
        }
        Err(StoreError::Forbidden(why)) => {
            let errors = ValidationErrors::single("org_type", why);
            let page =
                organisation_form(&state, &visitor, &permit, Some(&id), form, errors).await?;
            Ok((StatusCode::FORBIDDEN, page).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

/// `POST /organisations/{id}/places`: the places this organisation serves (checkboxes).
pub async fn set_places(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let place_ids: Vec<String> = fields
        .into_iter()
        .filter(|(k, _)| k == "place_id")
        .map(|(_, v)| v)
        .collect();
    organisations::set_places_served(&state.store, &permit.actor, &id, &place_ids).await?;
    Ok(see_other(&format!("/organisations/{id}")))
}

/// The add-someone-existing form's fields.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct MemberForm {
    email: String,
    role: String,
}

/// `POST /organisations/{id}/memberships`: gives an existing person (found by e-mail) a role here.
pub async fn add_member(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<MemberForm>,
) -> Result<Response, PageError> {
    let person = people::find_by_email(&state.store, &form.email).await?;
    let result = match person {
        None => Err(StoreError::invalid("email", "There is no one with that email address in the directory: add them as a new person instead")),
        Some(person) => people::add_membership(&state.store, &permit.actor, &id, &MembershipDraft { person_id: person.id, role: form.role.clone() }).await.map(|_| ()),
    };
    let (status, result) = match result {
        Err(StoreError::Forbidden(why)) => (
            StatusCode::FORBIDDEN,
            Err(StoreError::Invalid(ValidationErrors::single("role", why))),
        ),
        other => (StatusCode::UNPROCESSABLE_ENTITY, other),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/organisations/{id}"))),
        Err(StoreError::Invalid(mut errors)) => {
            for e in &mut errors.0 {
                if e.field == "person_id" {
                    e.field = "email".into();
                }
            }
            let response = organisation_page(
                &state,
                &visitor,
                &permit,
                &id,
                errors,
                (form.email, form.role),
            )
            .await?;
            Ok((status, response).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

/// `POST /memberships/{id}/delete`.
pub async fn remove_member(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let membership = people::membership(&state.store, &id).await?;
    people::remove_membership(&state.store, &permit.actor, &id).await?;
    Ok(see_other(&format!(
        "/organisations/{}",
        membership.organisation_id
    )))
}

/// The new-person form's fields: the person and their role here.
#[derive(Debug, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct NewPersonFields {
    #[serde(flatten)]
    person: PersonDraft,
    role: String,
}

async fn new_person_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    fields: NewPersonFields,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let org = organisations::get(&state.store, id).await?;
    let heading = format!("Add a person to {}", org.name);
    let def = FormDef {
        caption: org.name.clone(),
        back: (format!("/organisations/{id}"), org.name.clone()),
        action: format!("/organisations/{id}/people"),
        submit: "Save".into(),
        fields: person_fields(Fields::new(&fields))
            .select(
                "role",
                "Role in Concord",
                grantable_role_choices(permit, id, org.org_type),
                "Select a role",
            )
            .build(),
        heading: heading.clone(),
    };
    Ok(form_page(
        Layout::new(state, visitor, permit, heading, "directory"),
        def,
        errors,
    ))
}

/// `GET /organisations/{id}/people/new`.
pub async fn new_person(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    new_person_page(
        &state,
        &visitor,
        &permit,
        &id,
        NewPersonFields::default(),
        ValidationErrors::default(),
    )
    .await
}

/// `POST /organisations/{id}/people`.
pub async fn create_person(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(fields): PageForm<NewPersonFields>,
) -> Result<Response, PageError> {
    match people::create_in_organisation(
        &state.store,
        &permit.actor,
        &id,
        &fields.person,
        &fields.role,
    )
    .await
    {
        Ok(person_id) => Ok(see_other(&format!("/people/{person_id}"))),
        Err(StoreError::Invalid(errors)) => {
            new_person_page(&state, &visitor, &permit, &id, fields, errors).await
        }
        Err(StoreError::Forbidden(why)) => {
            let errors = ValidationErrors::single("role", why);
            let page = new_person_page(&state, &visitor, &permit, &id, fields, errors).await?;
            Ok((StatusCode::FORBIDDEN, page).into_response())
        }
        Err(err) => Err(err.into()),
    }
}
