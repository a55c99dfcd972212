//! Routes of "Understand": the population overview, cohorts and their results for everyone signed
//! in (counts only, through the disclosure rule); saving cohorts for analysts; identifiable worklists
//! for a GP practice's own clinicians; break glass with a reason; registered lists for practices.

use super::api;
use super::pages::{cohorts, population, worklist_actions, worklists};
use crate::authz::Rule;
use crate::routes::{def, RouteDef};
use axum::http::Method;

/// The pages of the population picture.
fn population_pages() -> Vec<RouteDef> {
    use Method as M;
    use Rule as R;
    vec![
        def(M::GET, "/population", R::SignedIn, population::page),
        def(M::GET, "/population/cohorts", R::SignedIn, cohorts::list),
        def(
            M::POST,
            "/population/cohorts",
            R::SaveCohort,
            cohorts::create,
        ),
        def(
            M::GET,
            "/population/cohorts/new",
            R::SaveCohort,
            cohorts::new,
        ),
        def(
            M::POST,
            "/population/cohorts/preview",
            R::SaveCohort,
            cohorts::preview,
        ),
        def(
            M::GET,
            "/population/cohorts/{id}",
            R::SignedIn,
            cohorts::show,
        ),
        def(
            M::GET,
            "/population/cohorts/{id}/results.csv",
            R::SignedIn,
            cohorts::csv,
        ),
        def(
            M::GET,
            "/population/cohorts/{id}/edit",
            R::EditCohort,
            cohorts::edit,
        ),
        def(
            M::POST,
            "/population/cohorts/{id}/edit",
            R::EditCohort,
            cohorts::update,
        ),
        def(
            M::GET,
            "/population/cohorts/{id}/worklist",
            R::ViewWorklist,
            worklists::worklist,
        ),
        def(
            M::GET,
            "/population/cohorts/{id}/worklist.csv",
            R::ViewWorklist,
            worklist_actions::export,
        ),
        def(
            M::POST,
            "/population/cohorts/{id}/worklist/marks/{organisation_id}",
            R::MarkWorklist,
            worklist_actions::mark,
        ),
        def(
            M::GET,
            "/population/cohorts/{id}/break-glass",
            R::BreakGlass,
            worklists::break_glass_form,
        ),
        def(
            M::POST,
            "/population/cohorts/{id}/break-glass",
            R::BreakGlass,
            worklists::break_glass,
        ),
        def(
            M::GET,
            "/population/break-glass",
            R::ReviewBreakGlass,
            worklists::reviews,
        ),
        def(
            M::POST,
            "/population/break-glass/{id}/review",
            R::ReviewBreakGlass,
            worklists::review,
        ),
        def(
            M::GET,
            "/population/registered-list",
            R::LoadRegisteredList,
            worklists::registered_list_form,
        ),
        def(
            M::POST,
            "/population/registered-list",
            R::LoadRegisteredList,
            worklists::registered_list,
        )
        .upload(),
    ]
}

/// The population API: counts only, never identities.
fn population_api() -> Vec<RouteDef> {
    use Method as M;
    use Rule as R;
    vec![
        def(M::GET, "/api/v1/population", R::SignedIn, api::overview),
        def(M::GET, "/api/v1/population/cohorts", R::SignedIn, api::list),
        def(
            M::POST,
            "/api/v1/population/cohorts",
            R::SaveCohort,
            api::create,
        ),
        def(
            M::GET,
            "/api/v1/population/cohorts/{id}",
            R::SignedIn,
            api::get,
        ),
        def(
            M::PUT,
            "/api/v1/population/cohorts/{id}",
            R::EditCohort,
            api::update,
        ),
        def(
            M::POST,
            "/api/v1/population/counts",
            R::SaveCohort,
            api::count,
        ),
    ]
}

/// The capability's routes: its pages, then its API.
pub fn routes() -> Vec<RouteDef> {
    let mut routes = Vec::new();
    routes.extend(population_pages());
    routes.extend(population_api());
    routes
}
