//! Routes of "Refer": finding a service, for anyone signed in; importing services, for a
//! partner's lead and VCSE workers (their own) and administrators; and the Open Referral UK API,
//! open to anyone (no sign-in, no key), as the UK profile requires.

use super::capacity;
use super::figures;
use super::open_referral as oruk;
use super::pages;
use super::{referral_api as api, referral_forms as forms, referral_pages as referrals};
use crate::authz::Rule;
use crate::routes::{def, RouteDef};
use axum::http::Method;

/// The capability's routes.
pub fn routes() -> Vec<RouteDef> {
    use Method as M;
    use Rule as R;
    vec![
        def(M::GET, "/services", R::SignedIn, pages::find),
        def(
            M::GET,
            "/services/import",
            R::ManageServices,
            pages::import_form,
        ),
        def(
            M::POST,
            "/services/import",
            R::ManageServices,
            pages::import,
        )
        .upload(),
        def(M::GET, "/services/export.json", R::SignedIn, pages::export),
        def(
            M::GET,
            "/services/export.zip",
            R::SignedIn,
            pages::export_package,
        ),
        def(M::GET, "/services/{id}", R::SignedIn, pages::show),
        def(
            M::GET,
            "/services/{id}/capacity",
            R::KeepService,
            capacity::edit,
        ),
        def(
            M::POST,
            "/services/{id}/capacity",
            R::KeepService,
            capacity::save,
        ),
        def(
            M::PUT,
            "/api/v1/services/{id}/capacity",
            R::KeepService,
            capacity::put,
        ),
        def(
            M::GET,
            "/services/{id}/refer-yourself",
            R::SelfRefer,
            forms::self_referral,
        ),
        def(
            M::POST,
            "/services/{id}/refer-yourself",
            R::SelfRefer,
            forms::self_refer,
        ),
        def(
            M::GET,
            "/services/{id}/refer-yourself/sent",
            R::SelfRefer,
            forms::self_referral_sent,
        ),
        def(
            M::GET,
            "/referrals",
            R::WorkOnReferrals,
            referrals::caseload,
        ),
        def(M::POST, "/referrals", R::MakeReferral, forms::create),
        def(M::GET, "/referrals/new", R::MakeReferral, forms::new),
        def(M::POST, "/referrals/new", R::MakeReferral, forms::new_for),
        def(M::GET, "/referrals/figures", R::SignedIn, figures::page),
        def(
            M::GET,
            "/api/v1/referrals/figures",
            R::SignedIn,
            figures::api,
        ),
        def(M::GET, "/referrals/{id}", R::SeeReferral, referrals::show),
        def(
            M::POST,
            "/referrals/{id}/status",
            R::SeeReferral,
            referrals::change_status,
        ),
        def(
            M::POST,
            "/referrals/{id}/contacts",
            R::SeeReferral,
            referrals::add_contact,
        ),
        def(
            M::POST,
            "/referrals/{id}/outcomes",
            R::SeeReferral,
            referrals::record_outcome,
        ),
        def(
            M::GET,
            "/api/v1/referrals",
            R::WorkOnReferrals,
            api::caseload,
        ),
        def(M::POST, "/api/v1/referrals", R::MakeReferral, api::create),
        def(M::GET, "/api/v1/referrals/{id}", R::SeeReferral, api::get),
        def(
            M::POST,
            "/api/v1/referrals/{id}/status",
            R::SeeReferral,
            api::change_status,
        ),
        def(
            M::POST,
            "/api/v1/referrals/{id}/contacts",
            R::SeeReferral,
            api::add_contact,
        ),
        def(
            M::POST,
            "/api/v1/referrals/{id}/outcomes",
            R::SeeReferral,
            api::record_outcome,
        ),
        def(
            M::GET,
            "/api/v1/fhir/Task/{id}",
            R::SeeReferral,
            api::fhir_task,
        ),
        def(
            M::PUT,
            "/api/v1/fhir/Task/{id}",
            R::SeeReferral,
            api::fhir_update_task,
        ),
        def(
            M::POST,
            "/api/v1/fhir/ServiceRequest",
            R::MakeReferral,
            api::fhir_create_service_request,
        ),
        def(
            M::GET,
            "/api/v1/fhir/ServiceRequest/{id}",
            R::SeeReferral,
            api::fhir_service_request,
        ),
        def(M::GET, "/openreferral", R::Public, oruk::root),
        def(M::GET, "/openreferral/services", R::Public, oruk::services),
        def(
            M::GET,
            "/openreferral/services/{id}",
            R::Public,
            oruk::service,
        ),
        def(
            M::GET,
            "/openreferral/service_at_locations",
            R::Public,
            oruk::service_at_locations,
        ),
        def(
            M::GET,
            "/openreferral/service_at_locations/{id}",
            R::Public,
            oruk::service_at_location,
        ),
        def(
            M::GET,
            "/openreferral/taxonomies",
            R::Public,
            oruk::taxonomies,
        ),
        def(
            M::GET,
            "/openreferral/taxonomies/{id}",
            R::Public,
            oruk::taxonomy,
        ),
        def(
            M::GET,
            "/openreferral/taxonomy_terms",
            R::Public,
            oruk::taxonomy_terms,
        ),
        def(
            M::GET,
            "/openreferral/taxonomy_terms/{id}",
            R::Public,
            oruk::taxonomy_term,
        ),
    ]
}
