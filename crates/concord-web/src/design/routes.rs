//! Routes of "Design": scenarios and their runs for everyone signed in to read; building,
//! changing and running them for their owner's analysts, partner leads and programme managers.

use super::{api, pages};
use crate::authz::Rule;
use crate::routes::{def, RouteDef};
use axum::http::Method;

/// The capability's routes: its pages, then its API.
pub fn routes() -> Vec<RouteDef> {
    use Method as M;
    use Rule as R;
    vec![
        def(M::GET, "/design", R::SignedIn, pages::list),
        def(M::GET, "/design/scenarios/new", R::SaveScenario, pages::new),
        def(M::POST, "/design/scenarios", R::SaveScenario, pages::create),
        def(
            M::GET,
            "/design/pathways/msk",
            R::SaveScenario,
            pages::msk_form,
        ),
        def(
            M::POST,
            "/design/pathways/msk",
            R::SaveScenario,
            pages::build_msk,
        ),
        def(M::GET, "/design/scenarios/{id}", R::SignedIn, pages::show),
        def(
            M::GET,
            "/design/scenarios/{id}/edit",
            R::EditScenario,
            pages::edit,
        ),
        def(
            M::POST,
            "/design/scenarios/{id}/edit",
            R::EditScenario,
            pages::update,
        ),
        def(
            M::POST,
            "/design/scenarios/{id}/runs",
            R::EditScenario,
            pages::request_run,
        ),
        def(M::GET, "/design/runs/{id}", R::SignedIn, pages::run_page),
        def(M::GET, "/api/v1/design/scenarios", R::SignedIn, api::list),
        def(
            M::POST,
            "/api/v1/design/scenarios",
            R::SaveScenario,
            api::create,
        ),
        def(
            M::GET,
            "/api/v1/design/scenarios/{id}",
            R::SignedIn,
            api::get,
        ),
        def(
            M::PUT,
            "/api/v1/design/scenarios/{id}",
            R::EditScenario,
            api::update,
        ),
        def(
            M::POST,
            "/api/v1/design/scenarios/{id}/runs",
            R::EditScenario,
            api::request_run,
        ),
        def(M::GET, "/api/v1/design/runs/{id}", R::SignedIn, api::run),
        def(
            M::POST,
            "/api/v1/meetings/{id}/scenarios",
            R::ManageMeeting,
            api::link_to_agenda_item,
        ),
    ]
}
