//! The partnership directory: searching organisations, an organisation's page, and editing it.

use super::people::person_fields;
use crate::auth::Visitor;
use crate::authz::{Permit, Rule, Target};
use crate::error::PageError;
use crate::extract::Context;
use crate::extract::PageForm;
use crate::extract::Params;
use crate::ui::filters;
use crate::ui::form::{self, form_page, settle, Fields, FormDef};
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::{
    grantable_role_choices, org_type_choices, page_link, render, showing, Choice, Layout,
};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concord_domain::grants;
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
    // Changing a type is a grant (a direct-care type opens direct-care roles), so only an
    // administrator is offered other types once an organisation exists; the store asks the same rule.
    let may_change_type = editing.is_none()
        || permit
            .principal
            .as_ref()
            .is_some_and(|p| grants::may_change_organisation_type(p).is_ok());
    let (types, type_hint) = if may_change_type {
        (org_type_choices(), "")
    } else {
        let current = org_type_choices()
            .into_iter()
            .filter(|(code, _)| *code == form.org_type)
            .collect();
        (
            current,
            "Only a system administrator can change an organisation's type.",
        )
    };
    let (heading, action, back) = match editing {
        Some(id) => (
            format!("Edit {}", form.name),
            format!("/organisations/{id}/edit"),
            format!("/organisations/{id}"),
        ),
        None => (
            "Add an organisation".to_string(),
            "/organisations".to_string(),
            "/directory".to_string(),
        ),
    };
    let def = FormDef {
        warning: None,
        heading: heading.clone(),
        caption: "Directory".into(),
        intro: String::new(),
        back: (back, "Back".into()),
        action,
        submit: "Save".into(),
        fields: Fields::new(&form)
            .text("name", "Name", "")
            .select_with_hint("org_type", "Type", type_hint, types, "Select a type")
            .text(
                "code",
                "Code",
                "ODS code for NHS bodies (a GP practice is a letter and five digits, a PCN is U and \
                 five digits); council code or charity number otherwise",
            )
            .select("parent_id", "Part of", parents, "Not part of another organisation")
            .url("website", "Website", "")
            .textarea("description", "About the organisation", "")
            .build(),
    };
    Ok(form_page(
        Layout::new(state, visitor, permit, heading, "directory"),
        def,
        errors,
    ))
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
        |id| Next::to(format!("/organisations/{id}"), Notice::OrganisationSaved),
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
        Ok(()) => Ok(confirmed(Next::to(
            format!("/organisations/{id}"),
            Notice::OrganisationSaved,
        ))),
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

/// The places-served form: one `place_id` per ticked place.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PlacesServed {
    place_id: Vec<String>,
}

/// `GET /organisations/{id}/places`: which places and neighbourhoods it serves.
pub async fn places_form(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let org = organisations::get(&state.store, &id).await?;
    let served = PlacesServed {
        place_id: organisations::places_served(&state.store, &id)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect(),
    };
    let choices: Vec<Choice> = places::list(&state.store)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let heading = format!("Places {} serves", org.name);
    let def = FormDef {
        warning: None,
        heading: heading.clone(),
        caption: org.name,
        intro: String::new(),
        back: (
            format!("/organisations/{id}"),
            "Back to the organisation".into(),
        ),
        action: format!("/organisations/{id}/places"),
        submit: "Save places".into(),
        fields: Fields::new(&served)
            .checkboxes(
                "place_id",
                "Which places and neighbourhoods does it serve?",
                "",
                choices,
            )
            .build(),
    };
    Ok(form_page(
        Layout::new(&state, &visitor, &permit, heading, "directory"),
        def,
        ValidationErrors::default(),
    ))
}

/// `POST /organisations/{id}/places`: the places this organisation serves (checkboxes).
pub async fn set_places(
    Context(state, _, permit): Context,
    Path(id): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let served: PlacesServed = form::parse(&fields, &["place_id"])?;
    organisations::set_places_served(&state.store, &permit.actor, &id, &served.place_id).await?;
    Ok(confirmed(Next::to(
        format!("/organisations/{id}"),
        Notice::OrganisationSaved,
    )))
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
        Ok(()) => Ok(confirmed(Next::to(
            format!("/organisations/{id}"),
            Notice::MemberAdded,
        ))),
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
    Ok(confirmed(Next::to(
        format!("/organisations/{}", membership.organisation_id),
        Notice::MemberRemoved,
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
        warning: None,
        intro: String::new(),
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
        Ok(person_id) => Ok(confirmed(Next::to(
            format!("/people/{person_id}"),
            Notice::PersonSaved,
        ))),
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
