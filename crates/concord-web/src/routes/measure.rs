//! Routes of "Measure": the system dashboard, the metric catalogue and SPC charts.

use super::{def, RouteDef};
use crate::authz::Rule;
use crate::pages::measure;
use axum::http::Method;

/// The pages of measuring performance: everyone in the system may see them.
pub fn measure_pages() -> Vec<RouteDef> {
    vec![
        def(Method::GET, "/measure", Rule::SignedIn, measure::dashboard),
        def(
            Method::GET,
            "/metrics/{id}",
            Rule::SignedIn,
            measure::metric,
        ),
        def(Method::GET, "/series/{id}", Rule::SignedIn, measure::series),
    ]
}
