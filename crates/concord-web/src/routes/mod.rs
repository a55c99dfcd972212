//! The route table: every route, its method, and the [`Rule`] its guard enforces.
//!
//! [`route_table`] is the single list from which the router is built, so a route cannot exist without
//! a rule; the authorisation-matrix test walks the same list, so a route cannot escape the test.

use crate::api::{
    agree_writes as api_agree, directory as api_dir, governance as api_gov,
    strategy as api_strategy,
};
mod delivery;
mod measure;
mod population;

use crate::authz::{guard, Rule};
use crate::pages::{
    account, audit, boards, commitments, consent, directory, home, people, places, rounds, vision,
};
use crate::{assets, auth, security, AppState};
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;

/// One route: method, path pattern (axum syntax), the rule it requires, and its handler.
pub struct RouteDef {
    /// The HTTP method.
    pub method: Method,
    /// The path pattern, for example `/organisations/{id}/edit`.
    pub path: &'static str,
    /// What the route requires.
    pub rule: Rule,
    /// The most a request's body may hold: [`security::MAX_FORM_BYTES`] for a page,
    /// [`crate::extract::MAX_JSON_BYTES`] for the API, or for a file upload
    /// [`security::MAX_UPLOAD_BYTES`]. Nothing reads a body before the guard has let it through.
    pub body_limit: usize,
    handler: MethodRouter<AppState>,
}

impl RouteDef {
    /// Marks the route as a file upload (a multipart form of up to 20 MB).
    pub fn upload(mut self) -> RouteDef {
        self.body_limit = security::MAX_UPLOAD_BYTES;
        self
    }
}

fn def<H, T>(method: Method, path: &'static str, rule: Rule, handler: H) -> RouteDef
where
    H: axum::handler::Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("standard method");
    RouteDef {
        method,
        path,
        rule,
        body_limit: if crate::auth::is_api_path(path) {
            crate::extract::MAX_JSON_BYTES
        } else {
            security::MAX_FORM_BYTES
        },
        handler: on(filter, handler),
    }
}

/// Every route Concord serves.
pub fn route_table() -> Vec<RouteDef> {
    let mut routes = foundation_and_agree();
    routes.extend(delivery::delivery_pages());
    routes.extend(delivery::delivery_api());
    routes.extend(measure::measure_pages());
    routes.extend(measure::finance_pages());
    routes.extend(measure::measure_api());
    routes.extend(population::population_pages());
    routes.extend(population::population_api());
    routes
}

fn foundation_and_agree() -> Vec<RouteDef> {
    use Method as M;
    use Rule as R;
    vec![
        // Public.
        def(M::GET, "/", R::Public, home::home),
        def(M::GET, "/healthz", R::Public, healthz),
        def(M::GET, "/assets/{*path}", R::Public, assets::serve),
        def(M::GET, "/login", R::Public, account::login_form),
        def(M::POST, "/login", R::Public, account::login),
        def(
            M::GET,
            "/api/openapi.json",
            R::Public,
            crate::api::openapi_json,
        ),
        // Own account.
        def(M::POST, "/logout", R::OwnAccount, account::logout),
        def(M::GET, "/account", R::OwnAccount, account::account),
        def(
            M::POST,
            "/account/tokens",
            R::OwnAccount,
            account::create_token,
        ),
        def(
            M::POST,
            "/account/tokens/{id}/revoke",
            R::OwnAccount,
            account::revoke_token,
        ),
        // Organisations.
        def(M::GET, "/directory", R::SignedIn, directory::directory),
        def(
            M::GET,
            "/organisations/new",
            R::CreateOrganisation,
            directory::new_organisation,
        ),
        def(
            M::POST,
            "/organisations",
            R::CreateOrganisation,
            directory::create_organisation,
        ),
        def(
            M::GET,
            "/organisations/{id}",
            R::SignedIn,
            directory::organisation,
        ),
        def(
            M::GET,
            "/organisations/{id}/edit",
            R::EditOrganisation,
            directory::edit_organisation,
        ),
        def(
            M::POST,
            "/organisations/{id}/edit",
            R::EditOrganisation,
            directory::update_organisation,
        ),
        def(
            M::POST,
            "/organisations/{id}/places",
            R::EditOrganisation,
            directory::set_places,
        ),
        def(
            M::POST,
            "/organisations/{id}/memberships",
            R::EditOrganisation,
            directory::add_member,
        ),
        def(
            M::GET,
            "/organisations/{id}/people/new",
            R::EditOrganisation,
            directory::new_person,
        ),
        def(
            M::POST,
            "/organisations/{id}/people",
            R::EditOrganisation,
            directory::create_person,
        ),
        def(
            M::GET,
            "/organisations/{id}/boards/new",
            R::CreateBoard,
            boards::new_board,
        ),
        def(
            M::POST,
            "/organisations/{id}/boards",
            R::CreateBoard,
            boards::create_board,
        ),
        def(
            M::POST,
            "/memberships/{id}/delete",
            R::RemoveMembership,
            directory::remove_member,
        ),
        // People.
        def(M::GET, "/people", R::SignedIn, people::people_list),
        def(M::GET, "/people/{id}", R::SignedIn, people::person),
        def(
            M::GET,
            "/people/{id}/edit",
            R::EditPerson,
            people::edit_person,
        ),
        def(
            M::POST,
            "/people/{id}/edit",
            R::EditPerson,
            people::update_person,
        ),
        def(
            M::POST,
            "/people/{id}/account",
            R::ManageAccounts,
            people::create_account,
        ),
        // Places.
        def(M::GET, "/places", R::SignedIn, places::places_list),
        def(M::GET, "/places/new", R::ManagePlaces, places::new_place),
        def(M::POST, "/places", R::ManagePlaces, places::create_place),
        def(M::GET, "/places/{id}", R::SignedIn, places::place),
        def(
            M::GET,
            "/places/{id}/edit",
            R::ManagePlaces,
            places::edit_place,
        ),
        def(
            M::POST,
            "/places/{id}/edit",
            R::ManagePlaces,
            places::update_place,
        ),
        // Boards.
        def(M::GET, "/boards", R::SignedIn, boards::boards_list),
        def(M::GET, "/boards/{id}", R::SignedIn, boards::board),
        def(
            M::GET,
            "/boards/{id}/edit",
            R::ManageBoard,
            boards::edit_board,
        ),
        def(
            M::POST,
            "/boards/{id}/edit",
            R::ManageBoard,
            boards::update_board,
        ),
        def(
            M::POST,
            "/boards/{id}/members",
            R::ManageBoardMembers,
            boards::add_board_member,
        ),
        def(
            M::POST,
            "/boards/{id}/members/{person_id}/delete",
            R::ManageBoardMembers,
            boards::remove_board_member,
        ),
        // Agree: strategy rounds.
        def(M::GET, "/rounds", R::SignedIn, rounds::rounds_list),
        def(M::GET, "/rounds/{id}", R::SignedIn, rounds::round),
        def(
            M::GET,
            "/rounds/{id}/alignment",
            R::SignedIn,
            rounds::alignment,
        ),
        def(
            M::GET,
            "/boards/{id}/rounds/new",
            R::ManageBoard,
            rounds::new_round,
        ),
        def(
            M::POST,
            "/boards/{id}/rounds",
            R::ManageBoard,
            rounds::create_round,
        ),
        def(
            M::GET,
            "/rounds/{id}/edit",
            R::ManageRound,
            rounds::edit_round,
        ),
        def(
            M::POST,
            "/rounds/{id}/edit",
            R::ManageRound,
            rounds::update_round,
        ),
        def(
            M::POST,
            "/rounds/{id}/areas",
            R::ManageRound,
            rounds::add_area,
        ),
        def(
            M::GET,
            "/rounds/{id}/views/{organisation_id}",
            R::EditPartnerView,
            rounds::edit_view,
        ),
        def(
            M::POST,
            "/rounds/{id}/views/{organisation_id}",
            R::EditPartnerView,
            rounds::save_view,
        ),
        def(
            M::GET,
            "/rounds/{id}/priorities",
            R::ManageRound,
            commitments::priorities,
        ),
        def(
            M::POST,
            "/rounds/{id}/areas/{area_id}/priority",
            R::ManageRound,
            commitments::set_priority,
        ),
        def(
            M::GET,
            "/rounds/{id}/objectives/new",
            R::ManageRound,
            commitments::new_objective,
        ),
        def(
            M::POST,
            "/rounds/{id}/objectives",
            R::ManageRound,
            commitments::create_objective,
        ),
        def(M::GET, "/public", R::Public, commitments::public_index),
        def(
            M::GET,
            "/public/rounds/{id}",
            R::Public,
            commitments::public_round,
        ),
        def(
            M::GET,
            "/rounds/{id}/proposals/new",
            R::ManageRound,
            consent::new_proposal,
        ),
        def(
            M::POST,
            "/rounds/{id}/proposals",
            R::ManageRound,
            consent::create_proposal,
        ),
        def(M::GET, "/proposals/{id}", R::SignedIn, consent::proposal),
        def(
            M::GET,
            "/proposals/{id}/amend",
            R::ManageProposal,
            consent::amend_form,
        ),
        def(
            M::POST,
            "/proposals/{id}/amend",
            R::ManageProposal,
            consent::amend,
        ),
        def(
            M::POST,
            "/proposals/{id}/decision",
            R::ManageProposal,
            consent::decide_proposal,
        ),
        def(
            M::POST,
            "/proposals/{id}/responses/{organisation_id}",
            R::RespondToProposal,
            consent::respond,
        ),
        def(M::GET, "/rounds/{id}/vision", R::SignedIn, vision::vision),
        def(
            M::GET,
            "/rounds/{id}/vision/edit",
            R::ManageRound,
            vision::edit_vision,
        ),
        def(
            M::POST,
            "/rounds/{id}/vision",
            R::ManageRound,
            vision::save_vision,
        ),
        def(
            M::GET,
            "/rounds/{id}/vision/diff",
            R::SignedIn,
            vision::diff,
        ),
        def(
            M::POST,
            "/rounds/{id}/vision/comments",
            R::Comment,
            vision::comment,
        ),
        // Audit.
        def(M::GET, "/audit", R::ViewAudit, audit::audit_log),
        def(M::GET, "/audit/export.csv", R::ViewAudit, audit::export),
        // JSON API.
        def(M::GET, "/api/v1/me", R::OwnAccount, api_gov::me),
        def(
            M::GET,
            "/api/v1/organisations",
            R::SignedIn,
            api_dir::list_organisations,
        ),
        def(
            M::POST,
            "/api/v1/organisations",
            R::CreateOrganisation,
            api_dir::create_organisation,
        ),
        def(
            M::GET,
            "/api/v1/organisations/{id}",
            R::SignedIn,
            api_dir::get_organisation,
        ),
        def(
            M::PUT,
            "/api/v1/organisations/{id}",
            R::EditOrganisation,
            api_dir::update_organisation,
        ),
        def(
            M::PUT,
            "/api/v1/organisations/{id}/places",
            R::EditOrganisation,
            api_dir::set_places,
        ),
        def(
            M::GET,
            "/api/v1/organisations/{id}/memberships",
            R::SignedIn,
            api_dir::list_memberships,
        ),
        def(
            M::POST,
            "/api/v1/organisations/{id}/memberships",
            R::EditOrganisation,
            api_dir::add_membership,
        ),
        def(
            M::POST,
            "/api/v1/organisations/{id}/people",
            R::EditOrganisation,
            api_dir::create_person,
        ),
        def(
            M::POST,
            "/api/v1/organisations/{id}/boards",
            R::CreateBoard,
            api_gov::create_board,
        ),
        def(
            M::DELETE,
            "/api/v1/memberships/{id}",
            R::RemoveMembership,
            api_dir::remove_membership,
        ),
        def(M::GET, "/api/v1/places", R::SignedIn, api_dir::list_places),
        def(
            M::POST,
            "/api/v1/places",
            R::ManagePlaces,
            api_dir::create_place,
        ),
        def(
            M::GET,
            "/api/v1/places/{id}",
            R::SignedIn,
            api_dir::get_place,
        ),
        def(
            M::PUT,
            "/api/v1/places/{id}",
            R::ManagePlaces,
            api_dir::update_place,
        ),
        def(M::GET, "/api/v1/people", R::SignedIn, api_gov::list_people),
        def(
            M::GET,
            "/api/v1/people/{id}",
            R::SignedIn,
            api_gov::get_person,
        ),
        def(
            M::PUT,
            "/api/v1/people/{id}",
            R::EditPerson,
            api_gov::update_person,
        ),
        def(M::GET, "/api/v1/boards", R::SignedIn, api_gov::list_boards),
        def(
            M::GET,
            "/api/v1/boards/{id}",
            R::SignedIn,
            api_gov::get_board,
        ),
        def(
            M::PUT,
            "/api/v1/boards/{id}",
            R::ManageBoard,
            api_gov::update_board,
        ),
        def(
            M::GET,
            "/api/v1/boards/{id}/members",
            R::SignedIn,
            api_gov::list_board_members,
        ),
        def(
            M::POST,
            "/api/v1/boards/{id}/members",
            R::ManageBoardMembers,
            api_gov::set_board_member,
        ),
        def(
            M::DELETE,
            "/api/v1/boards/{id}/members/{person_id}",
            R::ManageBoardMembers,
            api_gov::remove_board_member,
        ),
        def(M::GET, "/api/v1/audit", R::ViewAudit, api_gov::list_audit),
        def(
            M::GET,
            "/api/v1/rounds",
            R::SignedIn,
            api_strategy::list_rounds,
        ),
        def(
            M::GET,
            "/api/v1/rounds/{id}/alignment",
            R::SignedIn,
            api_strategy::alignment,
        ),
        def(
            M::PUT,
            "/api/v1/rounds/{id}/views/{organisation_id}",
            R::EditPartnerView,
            api_strategy::set_view,
        ),
        def(
            M::GET,
            "/api/v1/rounds/{id}",
            R::SignedIn,
            api_strategy::get_round,
        ),
        def(
            M::PUT,
            "/api/v1/rounds/{id}/areas/{area_id}/priority",
            R::ManageRound,
            api_strategy::set_priority,
        ),
        def(
            M::POST,
            "/api/v1/rounds/{id}/objectives",
            R::ManageRound,
            api_strategy::create_objective,
        ),
        def(
            M::GET,
            "/api/v1/proposals/{id}",
            R::SignedIn,
            api_strategy::get_proposal,
        ),
        def(
            M::PUT,
            "/api/v1/proposals/{id}/responses/{organisation_id}",
            R::RespondToProposal,
            api_strategy::respond,
        ),
        def(
            M::POST,
            "/api/v1/boards/{id}/rounds",
            R::ManageBoard,
            api_agree::create_round,
        ),
        def(
            M::PUT,
            "/api/v1/rounds/{id}",
            R::ManageRound,
            api_agree::update_round,
        ),
        def(
            M::POST,
            "/api/v1/rounds/{id}/areas",
            R::ManageRound,
            api_agree::add_area,
        ),
        def(
            M::GET,
            "/api/v1/rounds/{id}/vision",
            R::SignedIn,
            api_agree::get_vision,
        ),
        def(
            M::POST,
            "/api/v1/rounds/{id}/vision",
            R::ManageRound,
            api_agree::save_vision,
        ),
        def(
            M::POST,
            "/api/v1/rounds/{id}/vision/comments",
            R::Comment,
            api_agree::comment,
        ),
        def(
            M::POST,
            "/api/v1/rounds/{id}/proposals",
            R::ManageRound,
            api_agree::create_proposal,
        ),
        def(
            M::PUT,
            "/api/v1/proposals/{id}",
            R::ManageProposal,
            api_agree::amend_proposal,
        ),
        def(
            M::POST,
            "/api/v1/proposals/{id}/decision",
            R::ManageProposal,
            api_agree::decide_proposal,
        ),
    ]
}

async fn healthz() -> &'static str {
    "ok"
}

async fn not_found(req: axum::extract::Request) -> axum::response::Response {
    let problem = crate::error::Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "Page not found",
        "If you typed the web address, check it is correct.",
    );
    if auth::is_api_path(req.uri().path()) {
        problem.into_response()
    } else {
        crate::pages::error_page(&problem)
    }
}

/// The whole application: authentication and secure headers around everything; then, for each
/// route that matched, its guard, then the CSRF check (the first thing that reads a body, up to the
/// route's own limit), then the handler. An unknown path or a refused visitor never has its body read.
pub fn router(state: AppState) -> Router {
    let mut router: Router<AppState> = Router::new();
    for route in route_table() {
        let guarded = route
            .handler
            .layer(DefaultBodyLimit::max(route.body_limit))
            .route_layer(from_fn_with_state(route.body_limit, security::csrf))
            .route_layer(from_fn_with_state((state.clone(), route.rule), guard));
        router = router.route(route.path, guarded);
    }
    router
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), auth::authenticate))
        .layer(from_fn(security::secure_headers))
        .with_state(state)
}
