/** Mean Earth radius, km (the IUGG figure): distances within 0.5 % of the ellipsoid's. */
const EARTH_RADIUS_KM = 6371.0088;
const RADIANS = Math.PI / 180;

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

/** Great-circle distance in km (haversine: accurate at all distances, including tiny ones). */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = (b.latitude - a.latitude) * RADIANS;
  const dLon = (b.longitude - a.longitude) * RADIANS;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * RADIANS) * Math.cos(b.latitude * RADIANS) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * A latitude/longitude box holding every point within `km` of `center`, for an indexed first cut
 * before the exact distance. Near the poles, or when the circle crosses the antimeridian, the box
 * takes every longitude (`minLongitude` -180, `maxLongitude` 180) rather than wrapping.
 */
export function boundingBox(center: GeoPoint, km: number): { minLatitude: number; maxLatitude: number; minLongitude: number; maxLongitude: number } {
  const dLat = km / EARTH_RADIUS_KM / RADIANS;
  const minLatitude = Math.max(-90, center.latitude - dLat);
  const maxLatitude = Math.min(90, center.latitude + dLat);
  const widest = Math.max(Math.abs(minLatitude), Math.abs(maxLatitude));
  if (widest >= 89.9) return { minLatitude, maxLatitude, minLongitude: -180, maxLongitude: 180 };
  const dLon = Math.asin(Math.min(1, Math.sin(km / EARTH_RADIUS_KM) / Math.cos(widest * RADIANS))) / RADIANS;
  const minLongitude = center.longitude - dLon;
  const maxLongitude = center.longitude + dLon;
  if (minLongitude < -180 || maxLongitude > 180) return { minLatitude, maxLatitude, minLongitude: -180, maxLongitude: 180 };
  return { minLatitude, maxLatitude, minLongitude, maxLongitude };
}
