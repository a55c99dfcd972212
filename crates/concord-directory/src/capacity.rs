//! A service's capacity now, as its provider says it between imports: how many places it has
//! free and at most, kept in the service's own HSDS 3.1 `service_capacity` so the directory,
//! its export and its next import agree.

use crate::hsds::{Service, ServiceCapacity, Unit};
use serde_json::Number;

/// What a provider says about its capacity now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapacityNow {
    /// Places free now.
    pub available: u32,
    /// Places at most, when the provider keeps a count.
    pub maximum: Option<u32>,
    /// What is counted ("places", "sessions").
    pub unit: String,
    /// When it was said (RFC 3339).
    pub updated: String,
}

/// A hyphenated version-4 UUID from 16 random bytes, for the records this module adds.
pub fn uuid_from(random: [u8; 16]) -> String {
    uuid::Builder::from_random_bytes(random)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// Sets `service`'s capacity to `now`. The capacity of the same unit is updated in place (its
/// ids kept); with none of that unit, one is added, its ids made from `random`. Other units'
/// capacities are left as they were, so the index reads the newest, this one.
pub fn set(service: &mut Service, now: &CapacityNow, random: [u8; 32]) {
    let capacities = service.capacities.get_or_insert_with(Vec::new);
    let existing = capacities
        .iter_mut()
        .find(|c| c.unit.name.eq_ignore_ascii_case(&now.unit));
    let available = Number::from(now.available);
    let maximum = now.maximum.map(Number::from);
    match existing {
        Some(capacity) => {
            capacity.available = available;
            capacity.maximum = maximum;
            capacity.updated = now.updated.clone();
        }
        None => {
            let (capacity_id, unit_id) = random.split_at(16);
            let unit_id = uuid_from(unit_id.try_into().expect("16 bytes"));
            capacities.push(ServiceCapacity {
                id: uuid_from(capacity_id.try_into().expect("16 bytes")),
                service_id: Some(service.id.clone()),
                unit: Box::new(Unit {
                    id: unit_id.clone(),
                    name: now.unit.clone(),
                    scheme: None,
                    identifier: None,
                    uri: None,
                    attributes: None,
                    metadata: None,
                }),
                unit_id: Some(unit_id),
                available,
                maximum,
                description: None,
                updated: now.updated.clone(),
                attributes: None,
                metadata: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check, index, Directory};

    fn service() -> Service {
        serde_json::from_value(serde_json::json!({
            "id": "ac148810-d857-441c-9679-408f346de14b",
            "name": "Befriending",
            "status": "active"
        }))
        .unwrap()
    }

    fn now(available: u32, maximum: Option<u32>, unit: &str, updated: &str) -> CapacityNow {
        CapacityNow {
            available,
            maximum,
            unit: unit.into(),
            updated: updated.into(),
        }
    }

    #[test]
    fn a_first_capacity_is_added_and_passes_the_directory_checks() {
        let mut s = service();
        set(
            &mut s,
            &now(3, Some(20), "places", "2026-12-03T10:00:00Z"),
            [7; 32],
        );
        let capacity = index::of(&s).capacity.expect("a capacity");
        assert_eq!(capacity.available.as_u64(), Some(3));
        assert_eq!(capacity.maximum.and_then(|m| m.as_u64()), Some(20));
        assert_eq!(capacity.service_id.as_deref(), Some(s.id.as_str()));
        let directory = Directory {
            services: vec![s],
            ..Directory::default()
        };
        check::check("capacity", &directory).expect("a valid HSDS service");
    }

    #[test]
    fn the_same_unit_is_updated_in_place_and_another_unit_is_kept() {
        let mut s = service();
        set(
            &mut s,
            &now(3, Some(20), "places", "2026-12-01T10:00:00Z"),
            [1; 32],
        );
        set(
            &mut s,
            &now(5, None, "sessions", "2026-12-02T10:00:00Z"),
            [2; 32],
        );
        let first_id = s.capacities.as_ref().unwrap()[0].id.clone();
        set(
            &mut s,
            &now(0, Some(20), "Places", "2026-12-03T10:00:00Z"),
            [3; 32],
        );
        let capacities = s.capacities.as_ref().unwrap();
        assert_eq!(capacities.len(), 2);
        assert_eq!(capacities[0].id, first_id, "updated in place");
        assert_eq!(capacities[0].available.as_u64(), Some(0));
        assert_eq!(
            capacities[1].available.as_u64(),
            Some(5),
            "another unit kept"
        );
        let newest = index::of(&s).capacity.unwrap();
        assert_eq!(
            newest.unit.name, "places",
            "the newest is the one the index reads"
        );
    }

    #[test]
    fn ids_are_hyphenated_uuids() {
        let id = uuid_from([0xab; 16]);
        assert_eq!(id.len(), 36);
        assert!(uuid::Uuid::try_parse(&id).is_ok());
        assert_eq!(&id[14..15], "4", "version 4");
    }
}
