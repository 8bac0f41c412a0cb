// Times and durations as trace filters and stats queries accept them, turned into epoch
// milliseconds once at the boundary.

import { describe } from "./trace-fields.ts";
import { FilterError } from "./trace-store.ts";

/** Milliseconds per duration unit. */
export const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

const RELATIVE = /^-(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const DURATION = /^(\d+)(ms|s|m|h|d|w)$/;
// A calendar date, optionally with a time and a zone: what `Date.parse` reads the same everywhere.
const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;
/** Latest time accepted: the year 9999. */
const MAX_TIME = 253_402_300_799_999;

/** Epoch ms from epoch ms, an ISO date or time (UTC unless it names a zone), `now`, or a time relative to `now` (`-1h`, `-30m`, `-7d`, `-2w`); throws a `FilterError` otherwise. */
export function parseTime(value: unknown, at: string, now: number): number {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value >= 0 && value <= MAX_TIME) return Math.round(value);
    throw new FilterError(at, `invalid time ${describe(value)} (use epoch ms, an ISO date or -1h)`);
  }
  if (typeof value !== "string") throw new FilterError(at, `expected a time (epoch ms, an ISO date or -1h), got ${describe(value)}`);
  const text = value.trim();
  if (text === "now") return now;
  const rel = RELATIVE.exec(text);
  if (rel) return Math.round(now - Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS]);
  const iso = ISO.exec(text);
  if (iso) {
    // A time without a zone is UTC, as a date alone is, whatever the host's zone.
    const ms = Date.parse(iso[2] ? `${iso[1]}T${iso[2]}${iso[3] ?? "Z"}` : iso[1]!);
    if (Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIME) return ms;
  }
  throw new FilterError(at, `invalid time ${describe(value)} (use epoch ms, an ISO date or -1h)`);
}

/** A positive duration in ms from ms or `30s`, `5m`, `1h`, `1d`, `2w`; throws a `FilterError` otherwise. */
export function parseDuration(value: unknown, at: string): number {
  if (typeof value === "number") {
    if (Number.isInteger(value) && value > 0 && value <= MAX_TIME) return value;
  } else if (typeof value === "string") {
    const m = DURATION.exec(value.trim());
    if (m && Number(m[1]) > 0) return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  }
  throw new FilterError(at, `invalid duration ${describe(value)} (use ms or 30s, 5m, 1h, 1d, 2w)`);
}
