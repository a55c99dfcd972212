//! Measure's use cases: the metric catalogue and loaded values.

use crate::authz::{may_act_for, ActFor};
use concord_domain::metric::ImprovementDirection;
use concord_domain::Principal;
use concord_measure::spc::{self, SpcOptions, XmrChart};
use concord_store::metrics::{Metric, Rebase, SeriesValue};
use concord_store::StoreError;

/// The SPC engine's direction for a catalogue metric.
fn direction(metric: &Metric) -> spc::ImprovementDirection {
    match metric.improvement_direction {
        ImprovementDirection::Increase => spc::ImprovementDirection::Increase,
        ImprovementDirection::Decrease => spc::ImprovementDirection::Decrease,
        ImprovementDirection::Neutral => spc::ImprovementDirection::Neutral,
    }
}

/// A series' XmR chart under the default methodology profile, with its rebases and the metric's
/// target and direction; none if it has too few values to chart. The one place a stored series
/// becomes a chart, for the dashboard, the series page and the API.
pub fn series_chart(
    metric: &Metric,
    values: &[SeriesValue],
    rebases: &[Rebase],
) -> Option<XmrChart> {
    let numbers: Vec<f64> = values.iter().map(|v| v.value).collect();
    let rebase_at = rebases
        .iter()
        .filter_map(|r| values.iter().position(|v| v.period == r.starts_on))
        .filter(|at| *at > 0)
        .collect();
    spc::xmr(
        &numbers,
        &SpcOptions {
            improvement: direction(metric),
            target: metric.target,
            rebase_at,
            ..SpcOptions::default()
        },
    )
    .ok()
}

/// Whether `principal` may own metrics for `organisation_id`: an error on the owner field if not
/// (an empty owner is left for the draft's own validation to name).
pub fn check_metric_owner(
    principal: Option<&Principal>,
    organisation_id: &str,
) -> Result<(), StoreError> {
    if organisation_id.trim().is_empty()
        || may_act_for(principal, ActFor::OwnMetric, organisation_id)
    {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "owner_organisation_id",
            "You may add metrics only for an organisation where you are an analyst or the partner lead",
        ))
    }
}
