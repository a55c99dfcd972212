//! Routes of "Listen and learn". The exchange: what this system publishes is open to anyone at
//! `/.well-known/concord/` (as any published document); reading what it and its peers publish
//! needs sign-in; publishing, adding peers and bringing in their documents are for system
//! administrators, who speak for the whole system.

use super::{consultation_api as capi, consultations as c, respond, tagging};
use super::{exchange, exchange_api as api, peers, well_known};
use crate::authz::Rule;
use crate::routes::{def, RouteDef};
use axum::http::Method;

/// The capability's routes.
pub fn routes() -> Vec<RouteDef> {
    use Method as M;
    use Rule as R;
    vec![
        def(M::GET, "/have-your-say", R::Public, respond::list),
        def(M::GET, "/have-your-say/{id}", R::Public, respond::show),
        def(M::POST, "/have-your-say/{id}", R::Public, respond::respond),
        def(
            M::GET,
            "/have-your-say/{id}/thanks",
            R::Public,
            respond::thanks,
        ),
        def(
            M::GET,
            "/have-your-say/{id}/you-said-we-did",
            R::Public,
            respond::you_said,
        ),
        def(M::GET, "/consultations", R::SignedIn, c::list),
        def(M::GET, "/consultations/new", R::StartConsultation, c::new),
        def(M::POST, "/consultations", R::StartConsultation, c::create),
        def(M::GET, "/consultations/{id}", R::SignedIn, c::show),
        def(
            M::GET,
            "/consultations/{id}/questions/new",
            R::RunConsultation,
            c::new_question,
        ),
        def(
            M::POST,
            "/consultations/{id}/questions",
            R::RunConsultation,
            c::add_question,
        ),
        def(
            M::POST,
            "/consultations/{id}/publish",
            R::RunConsultation,
            c::publish,
        ),
        def(
            M::POST,
            "/consultations/{id}/close",
            R::RunConsultation,
            c::close,
        ),
        def(
            M::GET,
            "/consultations/{id}/themes/new",
            R::RunConsultation,
            c::new_theme,
        ),
        def(
            M::POST,
            "/consultations/{id}/themes",
            R::RunConsultation,
            c::add_theme,
        ),
        def(
            M::GET,
            "/consultations/{id}/themes/{theme_id}/answer",
            R::RunConsultation,
            c::answer_form,
        ),
        def(
            M::POST,
            "/consultations/{id}/themes/{theme_id}/answer",
            R::RunConsultation,
            c::answer,
        ),
        def(
            M::GET,
            "/consultations/{id}/responses/new",
            R::RunConsultation,
            c::new_response,
        ),
        def(
            M::POST,
            "/consultations/{id}/responses",
            R::RunConsultation,
            c::enter_response,
        ),
        def(
            M::GET,
            "/consultations/{id}/tag",
            R::AnalyseConsultation,
            tagging::next,
        ),
        def(
            M::POST,
            "/consultations/{id}/tag",
            R::AnalyseConsultation,
            tagging::tag,
        ),
        def(M::GET, "/api/v1/consultations", R::SignedIn, capi::list),
        def(M::GET, "/api/v1/consultations/{id}", R::SignedIn, capi::get),
        def(
            M::GET,
            "/api/v1/consultations/{id}/figures",
            R::SignedIn,
            capi::figures,
        ),
        def(
            M::POST,
            "/api/v1/consultations/{id}/responses",
            R::RunConsultation,
            capi::enter,
        ),
        def(
            M::GET,
            "/.well-known/concord/index.json",
            R::Public,
            well_known::index,
        ),
        def(
            M::GET,
            "/.well-known/concord/key.json",
            R::Public,
            well_known::key,
        ),
        def(
            M::GET,
            "/.well-known/concord/documents/{file}",
            R::Public,
            well_known::latest,
        ),
        def(
            M::GET,
            "/.well-known/concord/documents/{slug}/{file}",
            R::Public,
            well_known::version,
        ),
        def(M::GET, "/exchange", R::SignedIn, exchange::overview),
        def(
            M::GET,
            "/exchange/publish",
            R::ManageExchange,
            exchange::publish_form,
        ),
        def(
            M::POST,
            "/exchange/publish",
            R::ManageExchange,
            exchange::publish,
        ),
        def(
            M::GET,
            "/exchange/published/{slug}",
            R::SignedIn,
            exchange::published,
        ),
        def(M::GET, "/exchange/peers/new", R::ManageExchange, peers::new),
        def(M::POST, "/exchange/peers", R::ManageExchange, peers::add),
        def(M::GET, "/exchange/peers/{id}", R::SignedIn, peers::show),
        def(
            M::POST,
            "/exchange/peers/{id}/check",
            R::ManageExchange,
            peers::check,
        ),
        def(
            M::GET,
            "/exchange/peers/{id}/import",
            R::ManageExchange,
            peers::import_form,
        ),
        def(
            M::POST,
            "/exchange/peers/{id}/import",
            R::ManageExchange,
            peers::import,
        )
        .upload(),
        def(
            M::GET,
            "/exchange/peers/{id}/document",
            R::SignedIn,
            peers::document,
        ),
        def(
            M::GET,
            "/api/v1/exchange/published",
            R::SignedIn,
            api::list_published,
        ),
        def(
            M::POST,
            "/api/v1/exchange/published",
            R::ManageExchange,
            api::publish,
        ),
        def(
            M::GET,
            "/api/v1/exchange/peers",
            R::SignedIn,
            api::list_peers,
        ),
        def(
            M::POST,
            "/api/v1/exchange/peers",
            R::ManageExchange,
            api::add_peer,
        ),
        def(
            M::POST,
            "/api/v1/exchange/peers/{id}/documents",
            R::ManageExchange,
            api::import_document,
        ),
        def(
            M::POST,
            "/api/v1/exchange/peers/{id}/check",
            R::ManageExchange,
            api::check_peer,
        ),
        def(
            M::GET,
            "/api/v1/exchange/received",
            R::SignedIn,
            api::list_received,
        ),
    ]
}
