//! What finding a service needs to know of it, worked out from the service as HSDS gives it: its
//! words, its taxonomy terms, where it is offered (postcode district and position), its capacity
//! and when it last changed.

use crate::hsds::{Location, Service, ServiceCapacity};

/// A service's index entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceIndex {
    /// The organization that provides it (HSDS id), nested or named by `organization_id`.
    pub organization_id: Option<String>,
    /// That organization's name, when nested.
    pub organization_name: Option<String>,
    /// Lower-case words of its name, other name, description, organization and terms.
    pub search_text: String,
    /// The taxonomy terms it is described by (ids).
    pub taxonomy_term_ids: Vec<String>,
    /// Where it is offered: one for each service at a location.
    pub places: Vec<Place>,
    /// Its most recently updated capacity.
    pub capacity: Option<ServiceCapacity>,
    /// Its youngest and oldest ages, when given.
    pub ages: (Option<i64>, Option<i64>),
}

/// One place a service is offered.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The service at location's id.
    pub service_at_location_id: String,
    /// The location's id.
    pub location_id: Option<String>,
    /// The location's name.
    pub name: Option<String>,
    /// The postcode district of its first address with a UK postcode (`LS6` of `LS6 2AB`).
    pub postcode_district: Option<String>,
    /// Its position, when on the globe.
    pub latitude: Option<f64>,
    /// Its position, when on the globe.
    pub longitude: Option<f64>,
}

/// The index entry of `service`.
pub fn of(service: &Service) -> ServiceIndex {
    let organization = service.organization.as_deref();
    let mut words = vec![service.name.as_str()];
    words.extend(service.alternate_name.as_deref());
    words.extend(service.description.as_deref());
    words.extend(organization.map(|o| o.name.as_str()));
    let mut taxonomy_term_ids = Vec::new();
    for attribute in service.attributes.iter().flatten() {
        match (&attribute.taxonomy_term, &attribute.taxonomy_term_id) {
            (Some(term), _) => {
                taxonomy_term_ids.push(term.id.clone());
                words.push(&term.name);
            }
            (None, Some(id)) => taxonomy_term_ids.push(id.clone()),
            (None, None) => {}
        }
    }
    taxonomy_term_ids.sort();
    taxonomy_term_ids.dedup();
    let places = service
        .service_at_locations
        .iter()
        .flatten()
        .map(|at| {
            let location = at.location.as_deref();
            let (latitude, longitude) = location.map_or((None, None), position);
            Place {
                service_at_location_id: at.id.clone(),
                location_id: location
                    .map(|l| l.id.clone())
                    .or_else(|| at.location_id.clone()),
                name: location.and_then(|l| l.name.clone()),
                postcode_district: location.and_then(|l| {
                    l.addresses
                        .iter()
                        .flatten()
                        .find_map(|a| postcode_district(&a.postal_code))
                }),
                latitude,
                longitude,
            }
        })
        .collect();
    let capacity = service
        .capacities
        .iter()
        .flatten()
        .max_by(|a, b| a.updated.cmp(&b.updated))
        .cloned();
    ServiceIndex {
        organization_id: organization
            .map(|o| o.id.clone())
            .or_else(|| service.organization_id.clone()),
        organization_name: organization.map(|o| o.name.clone()),
        search_text: words.join(" ").to_lowercase(),
        taxonomy_term_ids,
        places,
        capacity,
        ages: (
            service.minimum_age.as_ref().and_then(|n| n.as_i64()),
            service.maximum_age.as_ref().and_then(|n| n.as_i64()),
        ),
    }
}

/// A location's position, when it is on the globe (the schema allows any number).
fn position(location: &Location) -> (Option<f64>, Option<f64>) {
    let latitude = location.latitude.as_ref().and_then(|n| n.as_f64());
    let longitude = location.longitude.as_ref().and_then(|n| n.as_f64());
    match (latitude, longitude) {
        (Some(lat), Some(lon))
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
        {
            (Some(lat), Some(lon))
        }
        _ => (None, None),
    }
}

/// The district of a UK postcode (`LS6 2AB` → `LS6`), or of a district on its own (`LS6`);
/// None for anything else.
pub fn postcode_district(text: &str) -> Option<String> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if !compact.is_ascii() {
        return None;
    }
    let outward_ok = |s: &str| {
        let b = s.as_bytes();
        let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        (1..=2).contains(&letters)
            && b.len() > letters
            && b[letters].is_ascii_digit()
            && b.len() - letters <= 2
            && b[letters..].iter().all(|c| c.is_ascii_alphanumeric())
    };
    let inward_ok = |s: &str| {
        let b = s.as_bytes();
        b.len() == 3
            && b[0].is_ascii_digit()
            && b[1].is_ascii_alphabetic()
            && b[2].is_ascii_alphabetic()
    };
    if compact.len() >= 5 && compact.len() <= 7 {
        let (outward, inward) = compact.split_at(compact.len() - 3);
        if outward_ok(outward) && inward_ok(inward) {
            return Some(outward.to_string());
        }
    }
    (compact.len() <= 4 && outward_ok(&compact)).then_some(compact)
}

/// The distance in kilometres between two positions (haversine, on a sphere of the Earth's
/// mean radius).
pub fn distance_km(from: (f64, f64), to: (f64, f64)) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6_371.008_8;
    let (lat1, lon1) = (from.0.to_radians(), from.1.to_radians());
    let (lat2, lon2) = (to.0.to_radians(), to.1.to_radians());
    let a = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcode_districts() {
        assert_eq!(postcode_district("LS6 2AB").as_deref(), Some("LS6"));
        assert_eq!(postcode_district("sw1a 1aa").as_deref(), Some("SW1A"));
        assert_eq!(postcode_district("M1 1AE").as_deref(), Some("M1"));
        assert_eq!(postcode_district("B33 8TH").as_deref(), Some("B33"));
        assert_eq!(postcode_district("EC1A1BB").as_deref(), Some("EC1A"));
        assert_eq!(postcode_district("LS6").as_deref(), Some("LS6"));
        assert_eq!(postcode_district("ABC 1234"), None);
        assert_eq!(postcode_district("90210"), None);
        assert_eq!(postcode_district(""), None);
        // Not a panic on letters outside ASCII, wherever they fall.
        assert_eq!(postcode_district("A\u{e9}12"), None);
        assert_eq!(postcode_district("\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}"), None);
    }

    #[test]
    fn distances_match_published_great_circle_figures() {
        // London (51.5074, -0.1278) to Leeds (53.8008, -1.5491): about 272 km as the crow flies.
        let d = distance_km((51.5074, -0.1278), (53.8008, -1.5491));
        assert!((d - 272.0).abs() < 2.0, "{d}");
        assert_eq!(distance_km((53.8, -1.55), (53.8, -1.55)), 0.0);
    }
}
