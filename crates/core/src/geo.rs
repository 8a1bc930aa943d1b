//! Points on the Earth: reading a latitude/longitude pair as clients write it, and the
//! great-circle distance used for the nearest-location order and the clock-in geofence.

/// Mean Earth radius in metres.
const EARTH_RADIUS: f64 = 6_371_008.8;

/// A (lat, lon) pair in degrees from the text a client sent, when both read as numbers
/// within range.
pub fn point(lat: &str, lon: &str) -> Option<(f64, f64)> {
    let lat = lat.trim().parse::<f64>().ok()?;
    let lon = lon.trim().parse::<f64>().ok()?;
    (lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0)
        .then_some((lat, lon))
}

/// The great-circle distance in metres between two (lat, lon) points in degrees.
pub fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_is_metres_on_the_sphere() {
        // Tashkent to Samarkand is about 270 km.
        let d = distance((41.2995, 69.2401), (39.6542, 66.9597));
        assert!((260_000.0..280_000.0).contains(&d), "{d}");
        assert_eq!(distance((41.0, 69.0), (41.0, 69.0)), 0.0);
    }

    #[test]
    fn points_must_read_and_be_in_range() {
        assert_eq!(point(" 41.5", "69.25"), Some((41.5, 69.25)));
        assert_eq!(point("91", "69"), None);
        assert_eq!(point("", "69"), None);
        assert_eq!(point("NaN", "69"), None);
    }
}
