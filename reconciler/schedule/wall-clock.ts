// Wall-clock times in an IANA zone to instants, with one documented rule for DST gaps and overlaps.
import { DateTime, IANAZone } from "luxon";

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

function zoneOf(name: string): IANAZone {
  const z = IANAZone.create(name);
  if (!z.isValid) throw new Error(`unknown time zone ${name}`);
  return z;
}

/** The wall time as if it were UTC, in milliseconds: a number to add days and hours to without DST. */
export function floating(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
}

export function fromFloating(ms: number): WallTime {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  };
}

/**
 * The instant of a wall-clock time in a zone.
 * - In a repeated hour (clocks go back) it is the first occurrence.
 * - In a skipped hour (clocks go forward) it is the first valid instant after the gap, i.e. the transition itself.
 */
export function instantOf(zoneName: string, w: WallTime): number {
  const zone = zoneOf(zoneName);
  const f = floating(w);
  const before = zone.offset(f - DAY);
  const after = zone.offset(f + DAY);
  const candidates: number[] = [];
  for (const off of new Set([before, after, zone.offset(f)])) {
    const t = f - off * MINUTE;
    if (zone.offset(t) === off) candidates.push(t);
  }
  if (candidates.length > 0) return Math.min(...candidates);
  // A gap: the wall time does not exist. Find the transition between the two readings.
  let lo = f - Math.max(before, after) * MINUTE;
  let hi = f - Math.min(before, after) * MINUTE;
  const offLo = zone.offset(lo);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (zone.offset(mid) === offLo) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The wall-clock reading of an instant in a zone. */
export function wallTimeOf(zoneName: string, instant: number): WallTime & { second: number; millisecond: number } {
  const d = DateTime.fromMillis(instant, { zone: zoneName });
  return {
    year: d.year,
    month: d.month,
    day: d.day,
    hour: d.hour,
    minute: d.minute,
    second: d.second,
    millisecond: d.millisecond,
  };
}

/** ISO-8601 of an instant in UTC, without milliseconds (e.g. 2026-12-12T12:00:00Z). */
export function isoUtc(instant: number): string {
  return new Date(instant).toISOString().replace(/\.000Z$/, "Z");
}

/** ISO-8601 of an instant as wall-clock time in a zone, with its offset. */
export function isoLocal(zoneName: string, instant: number): string {
  return DateTime.fromMillis(instant, { zone: zoneName }).toISO({ suppressMilliseconds: true }) ?? isoUtc(instant);
}

/** Parses an ISO-8601 instant; a date alone means midnight UTC. NaN when it is not one. */
export function parseInstant(text: string): number {
  const d = DateTime.fromISO(text, { zone: "utc", setZone: true });
  return d.isValid ? d.toMillis() : Number.NaN;
}
