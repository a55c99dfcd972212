//! Partnership's routes: public pages, sign-in and the account, organisations, people, places,
//! boards, the audit log, and their JSON API.

use super::api::{directory as api_dir, governance as api_gov};
use super::pages::{
    account, audit, boards, directory, help, home, notifications, people, places, search,
};
use crate::assets;
use crate::authz::Rule;
use crate::routes::healthz;
use crate::routes::{def, RouteDef};
use axum::http::Method;

/// The capability's routes: its pages, then its API.
pub fn routes() -> Vec<RouteDef> {
    use Method as M;
    use Rule as R;
    vec![
        // Public.
        def(M::GET, "/", R::Public, home::home),
        def(M::GET, "/healthz", R::Public, healthz),
        def(M::GET, "/help", R::Public, help::help),
        def(M::GET, "/help/glossary", R::Public, help::glossary),
        def(M::GET, "/accessibility", R::Public, help::accessibility),
        def(M::GET, "/privacy", R::Public, help::privacy),
        def(M::GET, "/contact", R::Public, help::contact),
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
        // Notifications: the person's own (every query keyed by the signed-in person), the
        // unsubscribe link from an e-mail (its secret names one person and kind), and the queue.
        def(M::GET, "/notifications", R::OwnAccount, notifications::list),
        def(
            M::POST,
            "/notifications/read",
            R::OwnAccount,
            notifications::read_all,
        ),
        def(
            M::GET,
            "/notifications/settings",
            R::OwnAccount,
            notifications::settings,
        ),
        def(
            M::POST,
            "/notifications/settings",
            R::OwnAccount,
            notifications::save_settings,
        ),
        def(
            M::POST,
            "/notifications/{id}/open",
            R::OwnAccount,
            notifications::open,
        ),
        def(
            M::GET,
            "/notifications/unsubscribe/{token}",
            R::Public,
            notifications::unsubscribe_page,
        ),
        def(
            M::POST,
            "/notifications/unsubscribe/{token}",
            R::Public,
            notifications::unsubscribe,
        ),
        def(
            M::GET,
            "/admin/mail",
            R::ManageMailQueue,
            notifications::queue,
        ),
        def(
            M::POST,
            "/admin/mail/retry",
            R::ManageMailQueue,
            notifications::retry,
        ),
        // Organisations.
        def(M::GET, "/directory", R::SignedIn, directory::directory),
        def(M::GET, "/search", R::SignedIn, search::search),
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
            M::GET,
            "/organisations/{id}/places",
            R::EditOrganisation,
            directory::places_form,
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
        // Audit.
        def(M::GET, "/audit", R::ViewAudit, audit::audit_log),
        def(M::GET, "/audit/export.csv", R::ViewAudit, audit::export),
        // JSON API.
        def(M::GET, "/api/v1/me", R::OwnAccount, api_gov::me),
        def(
            M::GET,
            "/api/v1/me/notifications",
            R::OwnAccount,
            api_gov::my_notifications,
        ),
        def(
            M::GET,
            "/api/v1/organisations",
            R::SignedIn,
            api_dir::list_organisations,
        ),
        def(M::GET, "/api/v1/search", R::SignedIn, api_dir::search),
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
    ]
}
