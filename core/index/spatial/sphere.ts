// Great-circle distance on a spherical earth: one definition for st_distance_sphere_m and the spatial index's radius probe.

/** Mean earth radius in metres (IUGG, 6371.0088 km), the radius GreptimeDB's haversine uses. */
export const EARTH_RADIUS_M = 6371008.8;

const RAD = Math.PI / 180;

/** Haversine distance in metres between (lat1, lng1) and (lat2, lng2) in degrees. */
export function haversineM(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const dLat = (lat2 - lat1) * RAD, dLng = (lng2 - lng1) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
