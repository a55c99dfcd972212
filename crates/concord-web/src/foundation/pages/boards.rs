//! Boards: the list, a board's page with its members, and managing both.

use crate::auth::Visitor;
use crate::authz::{Permit, Rule, Target};
use crate::error::PageError;
use crate::extract::Context;
use crate::extract::PageForm;
use crate::ui::filters;
use crate::ui::form::{form_page, settle, Fields, FormDef};
use crate::ui::notice::{confirmed, Next, Notice};
use crate::ui::{render, Choice, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use concord_domain::{BoardDraft, BoardKind, BoardRole, ValidationErrors};
use concord_store::boards::{self, Board, BoardMember, BoardMemberDraft};
use concord_store::{organisations, people, places, StoreError};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "foundation/boards.html")]
struct BoardsPage {
    layout: Layout,
    boards: Vec<Board>,
}

/// `GET /boards`.
pub async fn boards_list(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let page = BoardsPage {
        layout: Layout::new(&state, &visitor, &permit, "Boards", "boards"),
        boards: boards::list(&state.store, None).await?,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "foundation/board.html")]
struct BoardPage {
    layout: Layout,
    board: Board,
    members: Vec<BoardMember>,
    can_manage: bool,
    /// May change who sits on the board (its chair, the host's lead, an administrator).
    can_seat: bool,

    seat_choices: Vec<Choice>,
    errors: ValidationErrors,
    email: String,
    seat: String,
    meetings: Vec<concord_store::meetings::Meeting>,
    programmes: Vec<concord_store::programmes::Programme>,
    can_schedule: bool,
}

async fn board_page(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    id: &str,
    errors: ValidationErrors,
    email: String,
    seat: String,
) -> Result<Response, PageError> {
    let board = boards::get(&state.store, id).await?;
    let page = BoardPage {
        meetings: concord_store::meetings::meetings_of(&state.store, id).await?,
        programmes: concord_store::programmes::governed_by(&state.store, id).await?,
        can_schedule: permit
            .may(state, Rule::ScheduleMeeting, Target::id(id))
            .await?,
        layout: Layout::new(state, visitor, permit, board.name.clone(), "boards"),
        members: boards::members(&state.store, id).await?,
        can_manage: permit.may(state, Rule::ManageBoard, Target::id(id)).await?,
        can_seat: permit
            .may(state, Rule::ManageBoardMembers, Target::id(id))
            .await?,
        seat_choices: BoardRole::ALL
            .iter()
            .map(|r| (r.as_str().to_string(), r.label().to_string()))
            .collect(),
        board,
        errors,
        email,
        seat,
    };
    Ok(render(&page))
}

/// `GET /boards/{id}`.
pub async fn board(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    board_page(
        &state,
        &visitor,
        &permit,
        &id,
        ValidationErrors::default(),
        String::new(),
        "member".into(),
    )
    .await
}

async fn board_form(
    state: &AppState,
    visitor: &Visitor,
    permit: &Permit,
    action: String,
    heading: String,
    form: BoardDraft,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    let places: Vec<Choice> = places::list(&state.store)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let kinds: Vec<Choice> = BoardKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), k.label().to_string()))
        .collect();
    // Back to where the form was opened from: the organisation (a new board) or the board.
    let back = action
        .strip_suffix("/boards")
        .or_else(|| action.strip_suffix("/edit"))
        .unwrap_or("/boards")
        .to_string();
    let def = FormDef {
        warning: None,
        intro: String::new(),
        caption: "Boards".into(),
        back: (back, "Back".into()),
        action,
        submit: "Save".into(),
        fields: Fields::new(&form)
            .text("name", "Name", "")
            .select("kind", "Kind of board", kinds, "Select a kind")
            .select("place_id", "Place it serves", places, "The whole system")
            .textarea("description", "Purpose, in brief", "")
            .textarea("terms_of_reference", "Terms of reference", "")
            .build(),
        heading: heading.clone(),
    };
    Ok(form_page(
        Layout::new(state, visitor, permit, heading, "boards"),
        def,
        errors,
    ))
}

/// `GET /organisations/{id}/boards/new`.
pub async fn new_board(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let org = organisations::get(&state.store, &id).await?;
    let form = BoardDraft {
        organisation_id: id.clone(),
        ..Default::default()
    };
    board_form(
        &state,
        &visitor,
        &permit,
        format!("/organisations/{id}/boards"),
        format!("Add a board hosted by {}", org.name),
        form,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /organisations/{id}/boards`: the host is the organisation in the path, whatever the form says.
pub async fn create_board(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(mut form): PageForm<BoardDraft>,
) -> Result<Response, PageError> {
    form.organisation_id = id.clone();
    settle(
        boards::create(&state.store, &permit.actor, &form).await,
        |board_id| Next::to(format!("/boards/{board_id}"), Notice::BoardSaved),
        |errors| {
            board_form(
                &state,
                &visitor,
                &permit,
                format!("/organisations/{id}/boards"),
                "Add a board".into(),
                form,
                errors,
            )
        },
    )
    .await
}

/// `GET /boards/{id}/edit`.
pub async fn edit_board(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let b = boards::get(&state.store, &id).await?;
    let form = BoardDraft {
        name: b.name.clone(),
        kind: b.kind.as_str().into(),
        organisation_id: b.organisation_id,
        place_id: b.place_id,
        description: Some(b.description),
        terms_of_reference: Some(b.terms_of_reference),
    };
    board_form(
        &state,
        &visitor,
        &permit,
        format!("/boards/{id}/edit"),
        format!("Edit {}", b.name),
        form,
        ValidationErrors::default(),
    )
    .await
}

/// `POST /boards/{id}/edit`: the host organisation cannot be changed here.
pub async fn update_board(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(mut form): PageForm<BoardDraft>,
) -> Result<Response, PageError> {
    form.organisation_id = boards::get(&state.store, &id).await?.organisation_id;
    settle(
        boards::update(&state.store, &permit.actor, &id, &form).await,
        |()| Next::to(format!("/boards/{id}"), Notice::BoardSaved),
        |errors| {
            board_form(
                &state,
                &visitor,
                &permit,
                format!("/boards/{id}/edit"),
                "Edit board".into(),
                form,
                errors,
            )
        },
    )
    .await
}

/// The seat-someone form's fields.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct SeatForm {
    email: String,
    board_role: String,
}

/// `POST /boards/{id}/members`: seats someone (found by e-mail) on the board.
pub async fn add_board_member(
    Context(state, visitor, permit): Context,
    Path(id): Path<String>,
    PageForm(form): PageForm<SeatForm>,
) -> Result<Response, PageError> {
    let result = match people::find_by_email(&state.store, &form.email).await? {
        None => Err(StoreError::invalid(
            "email",
            "There is no one with that email address in the directory",
        )),
        Some(person) => {
            boards::set_member(
                &state.store,
                &permit.actor,
                &id,
                &BoardMemberDraft {
                    person_id: person.id,
                    board_role: form.board_role.clone(),
                },
            )
            .await
        }
    };
    match result {
        Ok(()) => Ok(confirmed(Next::to(
            format!("/boards/{id}"),
            Notice::MemberAdded,
        ))),
        Err(err @ (StoreError::Invalid(_) | StoreError::Forbidden(_))) => {
            let (status, errors) = match err {
                StoreError::Forbidden(why) => (
                    StatusCode::FORBIDDEN,
                    ValidationErrors::single("email", why),
                ),
                StoreError::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
                _ => unreachable!("matched above"),
            };
            let response = board_page(
                &state,
                &visitor,
                &permit,
                &id,
                errors,
                form.email,
                form.board_role,
            )
            .await?;
            Ok((status, response).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

/// `POST /boards/{id}/members/{person_id}/delete`.
pub async fn remove_board_member(
    Context(state, _, permit): Context,
    Path((id, person_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    boards::remove_member(&state.store, &permit.actor, &id, &person_id).await?;
    Ok(confirmed(Next::to(
        format!("/boards/{id}"),
        Notice::MemberRemoved,
    )))
}
