//! Places and neighbourhoods: the list, a place's page (who serves it, its boards), and editing.

use crate::auth::Visitor;
use crate::authz::{Permit, Rule, Target};
use crate::error::PageError;
use crate::extract::Context;
use crate::extract::PageForm;
use crate::ui::filters;
use crate::ui::form::{form_page, settle, Fields, FormDef};
use crate::ui::notice::{Next, Notice};
use crate::ui::{render, Choice, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use concord_domain::{PlaceDraft, PlaceKind, ValidationErrors};
use concord_store::boards::{self, Board};
use concord_store::organisations::{self, Organisation, OrganisationSearch};
use concord_store::places::{self, Place};
use concord_store::PageRequest;

#[derive(Template)]
#[template(path = "foundation/places.html")]
struct PlacesPage {
    layout: Layout,
    places: Vec<Place>,
    total_population: i64,
    can_manage: bool,
}

/// `GET /places`.
pub async fn places_list(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let places = places::list(&state.store).await?;
    let total_population = places
        .iter()
        .filter(|p| p.kind == PlaceKind::Place)
        .filter_map(|p| p.population)
        .sum();
    let page = PlacesPage {
        layout: Layout::new(
            &state,
            &visitor,
            &permit,
            "Places and neighbourhoods",
            "places",
        ),
        places,
        total_population,
        can_manage: permit.may(&state, Rule::ManagePlaces, Target::NONE).await?,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "foundation/place.html")]
struct PlacePage {
    layout: Layout,
    place: Place,
    neighbourhoods: Vec<Place>,
    serving: Vec<Organisation>,
    serving_total: i64,
    boards: Vec<Board>,
    can_manage: bool,
}

/// `GET /places/{id}`.
pub async fn place(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let place = places::get(&state.store, &id).await?;
    let serving = organisations::list(
        &state.store,
        &OrganisationSearch {
            place_id: Some(id.clone()),
            ..Default::default()
        },
        PageRequest::new(Some(1), Some(200)),
    )
    .await?;
    let page = PlacePage {
        layout: Layout::new(&state, &visitor, &permit, place.name.clone(), "places"),
        neighbourhoods: places::neighbourhoods(&state.store, &id).await?,
        serving_total: serving.total,
        serving: serving.items,
        boards: boards::list_for_place(&state.store, &id).await?,
        can_manage: permit.may(&state, Rule::ManagePlaces, Target::NONE).await?,
        place,
    };
    Ok(render(&page))
}

async fn place_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    editing: Option<&str>,
    form: PlaceDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let parents: Vec<Choice> = places::list(&state.store)
        .await?
        .into_iter()
        .filter(|p| p.kind == PlaceKind::Place && Some(p.id.as_str()) != editing)
        .map(|p| (p.id, p.name))
        .collect();
    let kinds: Vec<Choice> = PlaceKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), k.label().to_string()))
        .collect();
    let (heading, action, back) = match editing {
        Some(id) => (
            format!("Edit {}", form.name),
            format!("/places/{id}/edit"),
            (format!("/places/{id}"), form.name.clone()),
        ),
        None => (
            "Add a place or neighbourhood".to_string(),
            "/places".to_string(),
            ("/places".to_string(), "Places".to_string()),
        ),
    };
    let def = FormDef {
        warning: None,
        intro: String::new(),
        caption: "Places and neighbourhoods".into(),
        back,
        action,
        submit: "Save".into(),
        fields: Fields::new(&form)
            .text("name", "Name", "")
            .select("kind", "Kind", kinds, "Select place or neighbourhood")
            .select(
                "parent_id",
                "Within (for a neighbourhood)",
                parents,
                "Not within another place",
            )
            .number("population", "Population", "Residents, as a whole number")
            .textarea("description", "About the area", "")
            .build(),
        heading: heading.clone(),
    };
    Ok(form_page(
        Layout::new(state, visitor, permit, heading, "places"),
        def,
        errors,
    ))
}

/// `GET /places/new`.
pub async fn new_place(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    place_form(
        &state,
        &visitor,
        &permit,
        None,
        PlaceDraft::default(),
        ValidationErrors::default(),
    )
    .await
}

/// `POST /places`.
pub async fn create_place(
    Context(state, visitor, permit): Context,
    PageForm(form): PageForm<PlaceDraft>,
) -> Result<Response, PageError> {
    settle(
        places::create(&state.store, &permit.actor, &form).await,
        |id| Next::to(format!("/places/{id}"), Notice::PlaceSaved),
        |errors| place_form(&state, &visitor, &permit, None, form, errors),
    )
    .await
}

/// `GET /places/{id}/edit`.
pub async fn edit_place(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let p = places::get(&state.store, &id).await?;
    let form = PlaceDraft {
        name: p.name,
        kind: p.kind.as_str().into(),
        parent_id: p.parent_id,
        population: p.population.map(|n| n.to_string()),
        description: Some(p.description),
    };
    place_form(
        &state,
        &visitor,
        &permit,
        Some(&id),
        form,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /places/{id}/edit`.
pub async fn update_place(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<PlaceDraft>,
) -> Result<Response, PageError> {
    settle(
        places::update(&state.store, &permit.actor, &id, &form).await,
        |()| Next::to(format!("/places/{id}"), Notice::PlaceSaved),
        |errors| place_form(&state, &visitor, &permit, Some(&id), form, errors),
    )
    .await
}
