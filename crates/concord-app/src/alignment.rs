//! Agree's use case: a round's alignment report, computed by the `concord-align` engine from the
//! partners' stored views (shared by the round's page and the API).

use concord_align::{alignment_report, AlignmentReport, Profile};
use concord_domain::organisation::Sector;
use concord_store::strategy::{self, PartnerView, Round, ServiceArea};
use concord_store::{Store, StoreError};
use std::collections::BTreeMap;

/// A round with its areas, views and the report computed from them.
pub struct RoundAlignment {
    /// The round.
    pub round: Round,
    /// Its service areas.
    pub areas: Vec<ServiceArea>,
    /// Every partner's view.
    pub views: Vec<PartnerView>,
    /// The consensus, agreement and contested areas, with partners and areas named.
    pub report: AlignmentReport,
}

/// The group a partner's type falls in, for agreement by partner type.
pub fn sector_label(sector: Sector) -> &'static str {
    match sector {
        Sector::Nhs => "NHS",
        Sector::Council => "Council",
        Sector::Vcse => "VCSE",
        Sector::Other => "Other",
    }
}

/// Loads a round and computes its alignment report (partners and areas by name).
pub async fn for_round(store: &Store, round_id: &str) -> Result<RoundAlignment, StoreError> {
    let round = strategy::get(store, round_id).await?;
    let areas = strategy::areas(store, round_id).await?;
    let views = strategy::views(store, round_id).await?;
    let names: BTreeMap<&str, &str> = areas
        .iter()
        .map(|a| (a.id.as_str(), a.name.as_str()))
        .collect();
    let mut profile = Profile::new(areas.iter().map(|a| a.name.clone()));
    let mut groups = BTreeMap::new();
    for view in &views {
        profile.rank(
            &view.organisation_name,
            view.ranks.iter().filter_map(|(area, rank)| {
                names.get(area.as_str()).map(|n| (n.to_string(), *rank))
            }),
        );
        groups.insert(
            view.organisation_name.clone(),
            sector_label(view.org_type.sector()).to_string(),
        );
    }
    let report = alignment_report(&profile, &groups);
    Ok(RoundAlignment {
        round,
        areas,
        views,
        report,
    })
}
