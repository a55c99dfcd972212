//! The directory as the Open Referral UK API serves it (HSDS 3.0's read-only API): services as
//! HSDS 3.0 nests them, services at locations with their location and service, and pages of them
//! in HSDS's `Page` object.
//!
//! HSDS 3.0 has no field for capacity (HSDS 3.1 adds `capacities`), and its schema refuses any
//! field it does not name, so capacity is left out here; Concord's own pages and API show it.

use crate::hsds::{Service, ServiceAtLocation};
use serde::Serialize;
use serde_json::{json, Value};

/// The HSDS version the API serves.
pub const HSDS_VERSION: &str = "3.0";

/// Where HSDS 3.0's own description of the API is published.
pub const OPENAPI_URL: &str =
    "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json";

/// The API's root: what it serves.
pub fn root(profile: &str) -> Value {
    json!({
        "version": HSDS_VERSION,
        "profile": profile,
        "openapi_url": OPENAPI_URL,
    })
}

/// A service as HSDS 3.0 gives it: everything but its capacity.
pub fn service(service: &Service) -> Service {
    Service {
        capacities: None,
        ..service.clone()
    }
}

/// The service at location `id` of `service`, with its location and its service (without the
/// service's list of places, which it is one of).
pub fn service_at_location(service: &Service, id: &str) -> Option<ServiceAtLocation> {
    let at = service
        .service_at_locations
        .iter()
        .flatten()
        .find(|at| at.id == id)?;
    let mut whole = crate::api::service(service);
    whole.service_at_locations = None;
    Some(ServiceAtLocation {
        service: Some(Box::new(whole)),
        ..at.clone()
    })
}

/// One page of `contents` as HSDS's `Page` object: `total_items` across all pages, the page's
/// number (from 1) and its size.
pub fn page<T: Serialize>(
    contents: &[T],
    total_items: i64,
    page_number: u32,
    per_page: u32,
) -> Value {
    let per_page = i64::from(per_page.max(1));
    let total_pages = (total_items + per_page - 1) / per_page;
    let number = i64::from(page_number.max(1));
    json!({
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": number,
        "size": contents.len(),
        "first_page": number == 1,
        "last_page": number >= total_pages,
        "empty": contents.is_empty(),
        "contents": contents,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_say_where_they_are() {
        let first = page(&[1, 2], 5, 1, 2);
        assert_eq!(first["total_pages"], 3);
        assert_eq!(first["first_page"], true);
        assert_eq!(first["last_page"], false);
        assert_eq!(first["size"], 2);
        let last = page(&[5], 5, 3, 2);
        assert_eq!(last["last_page"], true);
        assert_eq!(last["first_page"], false);
        let none: Value = page::<u8>(&[], 0, 1, 50);
        assert_eq!(none["total_pages"], 0);
        assert_eq!(none["empty"], true);
        assert_eq!(none["first_page"], true);
        assert_eq!(none["last_page"], true);
        let past = page::<u8>(&[], 5, 9, 2);
        assert_eq!(past["empty"], true);
        assert_eq!(past["last_page"], true);
    }
}
