//! VCSE provision by place, for commissioners: the partners' active services in each place the
//! partner serves, the places they have free now and at most as each provider last said (and
//! how many said it long ago), and who funds them (the sources in their HSDS records). Nothing
//! here is about a person, so counts are exact; each figure says what it counts.

use chrono::{DateTime, Utc};
use concord_domain::directory::MAX_PLACES;
use concord_domain::format::{parse_stored, Stored};
use concord_store::directory::{self, StoredService};
use concord_store::{organisations, Store, StoreError};
use std::collections::{BTreeMap, BTreeSet};

/// Places said more than this many days ago are counted, and flagged as old.
pub const STALE_DAYS: i64 = 30;

/// The unit summed across services: other units are not added to it.
pub const UNIT: &str = "places";

/// Where a partner serving no recorded place is shown.
pub const NO_PLACE: &str = "No place recorded";

/// One place's VCSE provision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceProvision {
    /// The place.
    pub place: String,
    /// Partners serving it with at least one active service.
    pub partners: usize,
    /// Their active services.
    pub services: usize,
    /// Of those, the services that say how many places they have.
    pub counting: usize,
    /// Places free now, summed over those.
    pub available: u64,
    /// Places at most, summed over those that say a maximum.
    pub maximum: u64,
    /// Services full now (none free).
    pub full: usize,
    /// Services whose count was said more than [`STALE_DAYS`] days ago.
    pub stale: usize,
    /// Who funds the services: each source with how many services it funds.
    pub funders: Vec<(String, usize)>,
    /// Services naming no funder.
    pub unfunded: usize,
}

/// Provision by place at `now`: each place the partners serve (a partner serving several is
/// counted in each), by name, then [`NO_PLACE`].
pub async fn by_place(
    store: &Store,
    now: DateTime<Utc>,
) -> Result<Vec<PlaceProvision>, StoreError> {
    let services: Vec<StoredService> = directory::partner_services(store)
        .await?
        .into_iter()
        .filter(|s| s.status == "active")
        .collect();
    let partners: BTreeSet<String> = services
        .iter()
        .filter_map(|s| s.partner_organisation_id.clone())
        .collect();
    let mut served: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for partner in &partners {
        let places: Vec<String> = organisations::places_served(store, partner)
            .await?
            .into_iter()
            .map(|p| p.name)
            .collect();
        served.insert(
            partner.clone(),
            if places.is_empty() {
                vec![NO_PLACE.to_string()]
            } else {
                places
            },
        );
    }
    let stale_before = now - chrono::Duration::days(STALE_DAYS);
    let mut by_place: BTreeMap<String, (BTreeSet<String>, Vec<&StoredService>)> = BTreeMap::new();
    for service in &services {
        let Some(partner) = &service.partner_organisation_id else {
            continue;
        };
        for place in &served[partner] {
            let entry = by_place.entry(place.clone()).or_default();
            entry.0.insert(partner.clone());
            entry.1.push(service);
        }
    }
    let mut rows: Vec<PlaceProvision> = by_place
        .into_iter()
        .map(|(place, (partners, services))| {
            provision(place, partners.len(), &services, stale_before)
        })
        .collect();
    // The partners with no place recorded last.
    rows.sort_by_key(|r| (r.place == NO_PLACE, r.place.clone()));
    Ok(rows)
}

fn provision(
    place: String,
    partners: usize,
    services: &[&StoredService],
    stale_before: DateTime<Utc>,
) -> PlaceProvision {
    let mut row = PlaceProvision {
        place,
        partners,
        services: services.len(),
        ..PlaceProvision::default()
    };
    let mut funders: BTreeMap<String, usize> = BTreeMap::new();
    for service in services {
        if let Some((available, maximum, unit, updated)) = &service.capacity {
            if unit.eq_ignore_ascii_case(UNIT) || unit.is_empty() {
                row.counting += 1;
                // A provider's count is at most what the domain lets anyone say (an imported
                // feed could say anything), and the sums never overflow.
                let bounded = |x: f64| x.clamp(0.0, f64::from(MAX_PLACES)).round() as u64;
                let free = bounded(*available);
                row.available = row.available.saturating_add(free);
                row.maximum = row.maximum.saturating_add(maximum.map_or(0, bounded));
                if free == 0 {
                    row.full += 1;
                }
                // HSDS says a date or a moment; a date counts from its start.
                let said = match parse_stored(updated) {
                    Some(Stored::Instant(at)) => Some(at),
                    Some(Stored::Date(day)) => day.and_hms_opt(0, 0, 0).map(|t| t.and_utc()),
                    None => None,
                };
                if said.is_none_or(|at| at < stale_before) {
                    row.stale += 1;
                }
            }
        }
        let sources: BTreeSet<String> = service
            .service
            .funding
            .iter()
            .flatten()
            .filter_map(|f| f.source.as_deref().map(str::trim).filter(|s| !s.is_empty()))
            .map(str::to_string)
            .collect();
        if sources.is_empty() {
            row.unfunded += 1;
        }
        for source in sources {
            *funders.entry(source).or_default() += 1;
        }
    }
    let mut funders: Vec<(String, usize)> = funders.into_iter().collect();
    funders.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    row.funders = funders;
    row
}
