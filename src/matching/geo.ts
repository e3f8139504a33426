import type { Point } from './types';

/** Mean Earth radius (IUGG), km. */
export const EARTH_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180;

/** Great-circle distance in km between two points given in degrees (haversine formula). */
export function haversineKm(a: Point, b: Point): number {
  return haversineRadKm(a.lat * RAD, a.lng * RAD, b.lat * RAD, b.lng * RAD);
}

/** The same from coordinates already in radians (the scoring hot path). */
export function haversineRadKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const sLat = Math.sin((lat2 - lat1) / 2);
  const sLng = Math.sin((lng2 - lng1) / 2);
  const h = sLat * sLat + Math.cos(lat1) * Math.cos(lat2) * sLng * sLng;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A usable point: finite numbers within the coordinate ranges. */
export function isValidPoint(p: Point | undefined): p is Point {
  return (
    p !== undefined &&
    Number.isFinite(p.lat) &&
    Number.isFinite(p.lng) &&
    Math.abs(p.lat) <= 90 &&
    Math.abs(p.lng) <= 180
  );
}

export const DEG_TO_RAD = RAD;
