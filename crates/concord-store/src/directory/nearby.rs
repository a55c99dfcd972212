//! Finding services near a point: the middle of a postcode district (the median position of
//! the directory's own places in it, as no district centroids are shipped; a median, so a few
//! places given far-off positions cannot move it) and the SQL that keeps
//! places within a distance of a point, by the flat approximation of
//! [`concord_directory::distance`] (arithmetic only, so SQLite and PostgreSQL compute the same).

use crate::rows::RowExt;
use crate::{Store, StoreError};
use concord_directory::distance::{metres_per_degree_east, Position, METRES_PER_DEGREE};

/// The farthest a search reaches, in metres.
pub const MAX_METRES: f64 = 100_000.0;

/// Places within `metres` of `centre`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    centre: Position,
    metres: f64,
}

impl Near {
    /// Within `metres` (more than 0, at most [`MAX_METRES`]) of `centre`; None otherwise. Its
    /// numbers are written into SQL, so only a checked position and a finite distance are taken.
    pub fn new(centre: Position, metres: f64) -> Option<Near> {
        let centre = Position::new(centre.latitude, centre.longitude)?;
        (metres.is_finite() && metres > 0.0 && metres <= MAX_METRES)
            .then_some(Near { centre, metres })
    }

    /// The point.
    pub fn centre(&self) -> Position {
        self.centre
    }

    /// The distance, in metres.
    pub fn metres(&self) -> f64 {
        self.metres
    }

    /// SQL for the squared distance, in square metres, from the centre to the place whose
    /// position is in columns `latitude` and `longitude`.
    pub(super) fn squared_metres_sql(&self, latitude: &str, longitude: &str) -> String {
        let (lat, lon) = (self.centre.latitude, self.centre.longitude);
        let north = METRES_PER_DEGREE;
        let east = metres_per_degree_east(self.centre);
        format!(
            "((({latitude}) - ({lat:.8})) * {north:.6}) * ((({latitude}) - ({lat:.8})) * {north:.6}) + \
             ((({longitude}) - ({lon:.8})) * {east:.6}) * ((({longitude}) - ({lon:.8})) * {east:.6})"
        )
    }

    /// SQL true when the place in columns `latitude` and `longitude` is within the distance.
    pub(super) fn within_sql(&self, latitude: &str, longitude: &str) -> String {
        format!(
            "{latitude} IS NOT NULL AND {longitude} IS NOT NULL AND {} <= {:.3}",
            self.squared_metres_sql(latitude, longitude),
            self.metres * self.metres
        )
    }
}

/// The most places of one district read to find its middle.
const MAX_PLACES_READ: i64 = 20_000;

/// The middle of postcode district `district`: the median latitude and longitude of the
/// directory's places in it, and how many places that is; None when none has a position.
pub async fn district_centre(
    store: &Store,
    district: &str,
) -> Result<Option<(Position, i64)>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT latitude, longitude FROM directory_service_places WHERE postcode_district = $1 \
         AND latitude IS NOT NULL AND longitude IS NOT NULL LIMIT {MAX_PLACES_READ}"
    ))
    .bind(district.trim().to_ascii_uppercase())
    .fetch_all(store.pool())
    .await?;
    let mut latitudes = Vec::with_capacity(rows.len());
    let mut longitudes = Vec::with_capacity(rows.len());
    for row in &rows {
        if let (Some(lat), Some(lon)) = (row.opt_num("latitude")?, row.opt_num("longitude")?) {
            if Position::new(lat, lon).is_some() {
                latitudes.push(lat);
                longitudes.push(lon);
            }
        }
    }
    let (Some(latitude), Some(longitude)) = (median(&mut latitudes), median(&mut longitudes))
    else {
        return Ok(None);
    };
    Ok(Position::new(latitude, longitude).map(|p| (p, latitudes.len() as i64)))
}

/// The median of `values` (the mean of the middle two when their number is even).
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::{self, ImportRequest, ServiceFilter};
    use crate::testing::fresh_store;
    use crate::{Actor, PageRequest};
    use concord_directory::distance::metres_between;
    use concord_directory::hsds::Service;
    use concord_directory::Directory;

    /// A service offered at one place, (`north`, `east`) metres from 53.8 N, 1.55 W, or at
    /// a place with no position.
    fn service(n: u8, name: &str, postcode: &str, offset: Option<(f64, f64)>) -> Service {
        let id = |kind: u8| format!("{kind:08x}-0000-4000-8000-{n:012x}");
        let (latitude, longitude) = match offset {
            Some((north, east)) => (
                serde_json::json!(53.8 + north / METRES_PER_DEGREE),
                serde_json::json!(
                    -1.55 + east / metres_per_degree_east(Position::new(53.8, -1.55).unwrap())
                ),
            ),
            None => (serde_json::Value::Null, serde_json::Value::Null),
        };
        let mut service = serde_json::json!({
            "id": id(1),
            "name": name,
            "status": "active",
            "service_at_locations": [{
                "id": id(2),
                "location": {
                    "id": id(3),
                    "location_type": "physical",
                    "latitude": latitude,
                    "longitude": longitude,
                    "addresses": [{
                        "id": id(4),
                        "address_1": "1 High Street",
                        "city": "Leeds",
                        "state_province": "West Yorkshire",
                        "postal_code": postcode,
                        "country": "GB",
                        "address_type": "physical"
                    }]
                }
            }]
        });
        if offset.is_none() {
            let location = &mut service["service_at_locations"][0]["location"];
            let location = location.as_object_mut().unwrap();
            location.remove("latitude");
            location.remove("longitude");
        }
        serde_json::from_value(service).unwrap()
    }

    #[tokio::test]
    async fn services_near_a_district_nearest_first_within_the_distance() {
        let store = fresh_store().await.unwrap();
        let services = vec![
            service(1, "In the middle", "LS6 1AA", Some((0.0, 0.0))),
            service(2, "Two km east", "LS6 2BB", Some((0.0, 2_000.0))),
            service(3, "Five km north", "LS7 3CC", Some((5_000.0, 0.0))),
            service(4, "No position", "LS6 4DD", None),
        ];
        directory::import(
            &store,
            &Actor::system("test"),
            ImportRequest {
                file_name: "feed.json",
                kind: "services",
                partner_organisation_id: None,
                file_sha256: "00",
            },
            &Directory {
                services,
                ..Directory::default()
            },
        )
        .await
        .unwrap();
        // LS6's middle is the median of its two placed services: 1 km east of the first.
        let (centre, places) = district_centre(&store, "ls6").await.unwrap().unwrap();
        assert_eq!(places, 2);
        let origin = Position::new(53.8, -1.55).unwrap();
        let from_origin = metres_between(origin, centre);
        assert!((from_origin - 1_000.0).abs() < 5.0, "{from_origin}");
        assert_eq!(district_centre(&store, "LS9").await.unwrap(), None);

        let names = |page: crate::Page<directory::StoredService>| -> Vec<String> {
            page.items.into_iter().map(|s| s.name).collect()
        };
        let within = |metres: f64| ServiceFilter {
            near: Near::new(centre, metres),
            ..ServiceFilter::default()
        };
        let near = directory::services(&store, &within(1_100.0), PageRequest::default())
            .await
            .unwrap();
        let mut both = names(near);
        both.sort();
        assert_eq!(both, ["In the middle", "Two km east"], "both 1 km away");
        let near = directory::services(&store, &within(900.0), PageRequest::default())
            .await
            .unwrap();
        assert!(near.items.is_empty(), "nothing within 900 m of the middle");
        // Five km north of the first is sqrt(5^2 + 1^2) = 5.10 km from the middle.
        let far = directory::services(&store, &within(5_150.0), PageRequest::default())
            .await
            .unwrap();
        assert_eq!(names(far)[2], "Five km north", "the farthest last");
        let not_quite = directory::services(&store, &within(5_050.0), PageRequest::default())
            .await
            .unwrap();
        assert_eq!(not_quite.total, 2);
        let places =
            directory::service_at_locations(&store, &within(5_150.0), PageRequest::default())
                .await
                .unwrap();
        assert_eq!(
            places.total, 3,
            "the place without a position is never near"
        );
        assert!(Near::new(centre, 0.0).is_none());
        assert!(Near::new(centre, f64::NAN).is_none());
        assert!(Near::new(centre, MAX_METRES + 1.0).is_none());
    }
}
