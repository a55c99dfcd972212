//! The home page: what Concord is for visitors, a summary of the partnership for signed-in people.

use crate::error::PageError;
use crate::extract::Context;
use crate::ui::{render, Layout};
use askama::Template;
use axum::response::Response;
use concord_store::{boards, organisations, people, places};

#[derive(Template)]
#[template(path = "foundation/home.html")]
struct HomePage {
    layout: Layout,
    counts: Option<[(&'static str, &'static str, usize); 4]>,
}

/// `GET /`.
pub async fn home(Context(state, visitor, permit): Context) -> Result<Response, PageError> {
    let counts = match &permit.principal {
        None => None,
        Some(_) => Some([
            (
                "Organisations",
                "/directory",
                organisations::count(&state.store).await? as usize,
            ),
            (
                "People",
                "/people",
                people::count(&state.store).await? as usize,
            ),
            (
                "Places and neighbourhoods",
                "/places",
                places::list(&state.store).await?.len(),
            ),
            (
                "Boards",
                "/boards",
                boards::list(&state.store, None).await?.len(),
            ),
        ]),
    };
    let layout = Layout::new(&state, &visitor, &permit, "Home", "home");
    Ok(render(&HomePage { layout, counts }))
}
