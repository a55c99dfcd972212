//! Routes of "Measure": the system dashboard, the metric catalogue, SPC charts, loading values,
//! and system finance.

use super::api;
use super::pages::{finance, measure, measure_edit};
use crate::authz::Rule;
use crate::routes::{def, RouteDef};
use axum::http::Method;

/// The pages of measuring performance: everyone in the system may see them; changes are checked
/// against the organisation they touch.
fn measure_pages() -> Vec<RouteDef> {
    use Method as M;
    use Rule as R;
    vec![
        def(M::GET, "/measure", R::SignedIn, measure::dashboard),
        def(
            M::GET,
            "/measure/upload",
            R::ContributeData,
            measure_edit::upload_form,
        ),
        def(
            M::POST,
            "/measure/upload",
            R::ContributeData,
            measure_edit::upload,
        )
        .upload(),
        def(
            M::GET,
            "/metrics/new",
            R::ContributeData,
            measure_edit::new_metric,
        ),
        def(
            M::POST,
            "/metrics/new",
            R::ContributeData,
            measure_edit::create_metric,
        ),
        def(M::GET, "/metrics/{id}", R::SignedIn, measure::metric),
        def(
            M::GET,
            "/metrics/{id}/edit",
            R::EditMetric,
            measure_edit::edit_metric,
        ),
        def(
            M::POST,
            "/metrics/{id}/edit",
            R::EditMetric,
            measure_edit::update_metric,
        ),
        def(M::GET, "/series/{id}", R::SignedIn, measure::series),
        def(
            M::POST,
            "/series/{id}/rebases",
            R::RebaseSeries,
            measure_edit::add_rebase,
        ),
        def(
            M::POST,
            "/series/{id}/rebases/remove",
            R::RebaseSeries,
            measure_edit::remove_rebase,
        ),
    ]
}

/// The pages of system finance: open to everyone in the system, as the partnership manages its
/// money collectively; returns are loaded per organisation, years set up by administrators.
fn finance_pages() -> Vec<RouteDef> {
    use Method as M;
    use Rule as R;
    vec![
        def(M::GET, "/finance", R::SignedIn, finance::latest),
        def(M::GET, "/finance/setup", R::ManageFinance, finance::setup),
        def(
            M::POST,
            "/finance/years",
            R::ManageFinance,
            finance::save_year,
        ),
        def(
            M::POST,
            "/finance/pools",
            R::ManageFinance,
            finance::create_pool,
        ),
        def(
            M::GET,
            "/finance/upload",
            R::ContributeData,
            finance::upload_form,
        ),
        def(
            M::POST,
            "/finance/upload",
            R::ContributeData,
            finance::upload,
        )
        .upload(),
        def(M::GET, "/finance/{id}", R::SignedIn, finance::overview),
        def(
            M::GET,
            "/finance/{id}/organisations/{organisation_id}",
            R::SignedIn,
            finance::body,
        ),
    ]
}

/// The API of measuring and finance.
fn measure_api() -> Vec<RouteDef> {
    use Method as M;
    use Rule as R;
    vec![
        def(M::GET, "/api/v1/metrics", R::SignedIn, api::list_metrics),
        def(
            M::POST,
            "/api/v1/metrics",
            R::ContributeData,
            api::create_metric,
        ),
        def(M::GET, "/api/v1/metrics/{id}", R::SignedIn, api::get_metric),
        def(
            M::PUT,
            "/api/v1/metrics/{id}",
            R::EditMetric,
            api::update_metric,
        ),
        def(M::GET, "/api/v1/series/{id}", R::SignedIn, api::get_series),
        def(
            M::POST,
            "/api/v1/metric-values",
            R::ContributeData,
            api::load_values,
        ),
        def(
            M::POST,
            "/api/v1/series/{id}/rebases",
            R::RebaseSeries,
            api::add_rebase,
        ),
        def(
            M::DELETE,
            "/api/v1/series/{id}/rebases/{starts_on}",
            R::RebaseSeries,
            api::remove_rebase,
        ),
        def(
            M::GET,
            "/api/v1/finance/years",
            R::SignedIn,
            api::list_years,
        ),
        def(
            M::PUT,
            "/api/v1/finance/years",
            R::ManageFinance,
            api::save_year,
        ),
        def(
            M::GET,
            "/api/v1/finance/years/{id}",
            R::SignedIn,
            api::year_overview,
        ),
        def(
            M::GET,
            "/api/v1/finance/years/{id}/organisations/{organisation_id}",
            R::SignedIn,
            api::body_year,
        ),
        def(
            M::GET,
            "/api/v1/finance/years/{id}/pooled-budgets",
            R::SignedIn,
            api::list_pools,
        ),
        def(
            M::POST,
            "/api/v1/finance/pooled-budgets",
            R::ManageFinance,
            api::create_pool,
        ),
        def(
            M::POST,
            "/api/v1/finance/returns/{id}",
            R::ContributeData,
            api::load_return,
        ),
    ]
}

/// The capability's routes: its pages, then its API.
pub fn routes() -> Vec<RouteDef> {
    let mut routes = Vec::new();
    routes.extend(measure_pages());
    routes.extend(finance_pages());
    routes.extend(measure_api());
    routes
}
