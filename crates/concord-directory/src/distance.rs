//! How far a place is from a point: the great-circle distance (haversine) on a sphere of the
//! Earth's mean radius, and the flat approximation a database can compute with arithmetic alone
//! (within 0.5% of it at the scale of a town). Both take degrees and give metres.

/// The Earth's mean radius (IUGG), in metres.
pub const EARTH_RADIUS_METRES: f64 = 6_371_008.8;

/// Metres in one degree of latitude on that sphere (about 111 km).
pub const METRES_PER_DEGREE: f64 = EARTH_RADIUS_METRES * std::f64::consts::PI / 180.0;

/// A position in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
}

impl Position {
    /// A position on the globe, or None for anything else (not a number, or out of range).
    pub fn new(latitude: f64, longitude: f64) -> Option<Position> {
        ((-90.0..=90.0).contains(&latitude) && (-180.0..=180.0).contains(&longitude)).then_some(
            Position {
                latitude,
                longitude,
            },
        )
    }
}

/// The great-circle distance between `a` and `b`, in metres.
pub fn metres_between(a: Position, b: Position) -> f64 {
    let (phi1, phi2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let d_phi = phi2 - phi1;
    let d_lambda = (b.longitude - a.longitude).to_radians();
    let h = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_METRES * h.sqrt().min(1.0).asin()
}

/// Metres in one degree of longitude at `centre`'s latitude: the flat approximation's scale
/// east-west (north-south it is [`METRES_PER_DEGREE`]).
pub fn metres_per_degree_east(centre: Position) -> f64 {
    METRES_PER_DEGREE * centre.latitude.to_radians().cos()
}

/// The flat (equirectangular) approximation of the distance from `centre` to `point`, in metres:
/// what the store computes in SQL to find places near a point.
pub fn approximate_metres(centre: Position, point: Position) -> f64 {
    let north = (point.latitude - centre.latitude) * METRES_PER_DEGREE;
    let east = (point.longitude - centre.longitude) * metres_per_degree_east(centre);
    (north * north + east * east).sqrt()
}

/// A distance for people: "350 m", "1.2 km", "12 km".
pub fn words(metres: f64) -> String {
    if metres < 950.0 {
        format!("{} m", ((metres / 50.0).round() * 50.0).max(50.0) as i64)
    } else if metres < 9_950.0 {
        format!("{:.1} km", metres / 1000.0)
    } else {
        format!("{} km", (metres / 1000.0).round() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(latitude: f64, longitude: f64) -> Position {
        Position::new(latitude, longitude).unwrap()
    }

    #[test]
    fn great_circle_distances_match_published_ones() {
        // A quarter of the way round the equator: pi/2 * R.
        let quarter = metres_between(at(0.0, 0.0), at(0.0, 90.0));
        assert!((quarter - EARTH_RADIUS_METRES * std::f64::consts::FRAC_PI_2).abs() < 1e-6);
        // London (51.5074 N, 0.1278 W) to Paris (48.8566 N, 2.3522 E): 343.5 km by the
        // haversine formula on a 6,371 km sphere, as commonly published.
        let london_paris = metres_between(at(51.5074, -0.1278), at(48.8566, 2.3522));
        assert!(
            (london_paris / 1000.0 - 343.5).abs() < 0.5,
            "{london_paris}"
        );
        assert_eq!(metres_between(at(53.8, -1.55), at(53.8, -1.55)), 0.0);
    }

    #[test]
    fn positions_off_the_globe_are_refused() {
        assert!(Position::new(91.0, 0.0).is_none());
        assert!(Position::new(0.0, -181.0).is_none());
        assert!(Position::new(f64::NAN, 0.0).is_none());
        assert!(Position::new(0.0, f64::INFINITY).is_none());
    }

    #[test]
    fn distances_in_words() {
        assert_eq!(words(10.0), "50 m");
        assert_eq!(words(349.0), "350 m");
        assert_eq!(words(1_234.0), "1.2 km");
        assert_eq!(words(12_400.0), "12 km");
    }

    proptest! {
        /// Within 20 km of a point in Great Britain, the flat approximation is within 0.5% of
        /// the great-circle distance (and so a search radius is honoured to within metres).
        #[test]
        fn the_flat_approximation_is_close_at_a_towns_scale(
            lat in 50.0f64..58.6, lon in -6.0f64..1.7,
            d_north in -0.18f64..0.18, d_east in -0.28f64..0.28,
        ) {
            let centre = at(lat, lon);
            let point = at(lat + d_north, lon + d_east);
            let exact = metres_between(centre, point);
            prop_assume!(exact < 20_000.0 && exact > 10.0);
            let flat = approximate_metres(centre, point);
            prop_assert!((flat - exact).abs() / exact < 0.005, "{flat} vs {exact}");
        }
    }
}
