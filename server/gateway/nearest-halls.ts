// Location step from the chat: the nearest service halls of every department, nearest first.
import type { BuiltHall } from '../builder/index.js';
import { isOpenAt } from '../calendar/index.js';
import { type HallOutage, outageAt, outageText } from '../loop/index.js';
import type { Calendar } from '../model/index.js';

const EARTH_RADIUS_M = 6371008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres. GCJ-02 offsets cancel out at city scale. */
export function haversineMeters(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface NearbyHall {
  hall: BuiltHall;
  meters: number;
  open: boolean;
  /** 临时闭厅（全天）：… when a short-notice closure covers now. */
  outage?: string;
}

export function nearestHalls(
  halls: BuiltHall[],
  from: { lat: number; lng: number },
  at: Date,
  calendar: Calendar,
  limit = 3,
  outages: readonly HallOutage[] = [],
): NearbyHall[] {
  return halls
    .map((hall) => ({ hall, meters: haversineMeters(from, hall) }))
    .sort((a, b) => a.meters - b.meters || a.hall.ref.localeCompare(b.hall.ref))
    .slice(0, limit)
    .map((n) => {
      const outage = outageAt(outages, n.hall.ref, at);
      return { ...n, open: !outage && isOpenAt(n.hall.hours, at, { closedDates: n.hall.closedDates, calendar }), ...(outage && { outage: outageText(outage) }) };
    });
}

/** Nearer than this to some hall is never "outside the city", however small the city. */
const FAR_AT_LEAST_M = 50_000;

/**
 * Beyond this distance from the nearest hall a point is not in the city: the diagonal of the box
 * around all halls (the city's extent), but at least 50 km.
 */
export function farAwayMeters(halls: BuiltHall[]): number {
  if (halls.length === 0) return Infinity;
  const lats = halls.map((h) => h.lat);
  const lngs = halls.map((h) => h.lng);
  const diagonal = haversineMeters({ lat: Math.min(...lats), lng: Math.min(...lngs) }, { lat: Math.max(...lats), lng: Math.max(...lngs) });
  return Math.max(FAR_AT_LEAST_M, diagonal);
}

export function formatDistance(meters: number): string {
  if (meters < 1000) return `${Math.max(10, Math.round(meters / 10) * 10)} 米`;
  return `${(meters / 1000).toFixed(meters < 10000 ? 1 : 0)} 公里`;
}
