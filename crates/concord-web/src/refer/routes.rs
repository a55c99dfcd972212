//! Routes of "Refer": the Open Referral UK API, open to anyone (no sign-in, no key), as the UK
//! profile requires.

use super::open_referral as oruk;
use crate::authz::Rule;
use crate::routes::{def, RouteDef};
use axum::http::Method;

/// The capability's routes.
pub fn routes() -> Vec<RouteDef> {
    use Method as M;
    use Rule as R;
    vec![
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
