// The boundary of every trace query: loose input (a filter from a notebook, a query body
// from HTTP) is checked and normalized once here, so the SQL builder only ever sees arrays,
// epoch ms, canonical field names and expressions of known shape. Anything else is a
// `FilterError` naming the part at fault; nothing malformed reaches the database.

import { validateWhere, isObject, type NormalizedExpr } from "./trace-expr.ts";
import { describe, fieldName, parseField, quote } from "./trace-fields.ts";
import { FilterError, type Aggregate, type CallStatus, type GroupKey, type Measure } from "./trace-store.ts";
import { parseDuration, parseTime, UNIT_MS } from "./trace-time.ts";

/** A filter after validation: lists instead of single values, epoch ms, a normalized `where`. Still a valid `CallFilter`. */
export interface NormalizedFilter {
  readonly op?: readonly string[];
  readonly since?: number;
  readonly until?: number;
  readonly ids?: readonly string[];
  readonly traceId?: readonly string[];
  /** `null`: root calls only. */
  readonly parentId?: null | readonly string[];
  readonly status?: readonly CallStatus[];
  readonly model?: readonly string[];
  readonly text?: string;
  readonly where?: NormalizedExpr;
  readonly parent?: NormalizedFilter;
  /** Calls with at least one feedback row matching all of these (`value` as its JSON text). */
  readonly feedback?: NormalizedFeedbackFilter;
}

/** A feedback condition after validation. */
export interface NormalizedFeedbackFilter {
  readonly kind?: string;
  readonly name?: string;
  readonly value?: string;
  readonly author?: string;
  readonly authorKind?: string;
  readonly since?: number;
}

/** An order key after validation: a canonical field name and a direction. */
export interface NormalizedOrder {
  readonly field: string;
  readonly direction: "asc" | "desc";
}

/** A query after validation, with the defaults filled in. */
export interface NormalizedQuery {
  readonly filter: NormalizedFilter;
  readonly orderBy: readonly NormalizedOrder[];
  readonly limit: number;
  readonly offset: number;
  readonly sample?: { readonly n: number; readonly seed: number };
}

/** A stats spec after validation: a bucket in ms, `auto`, or none; group keys; (measure, aggregate) pairs in order. */
export interface NormalizedStats {
  readonly bucket: number | "auto" | null;
  readonly by: readonly GroupKey[];
  readonly metrics: readonly (readonly [Measure, Aggregate])[];
}

/** Default page size. */
export const DEFAULT_LIMIT = 100;
/** The largest page or sample a query may ask for. */
export const MAX_LIMIT = 10_000;

const FILTER_KEYS = ["op", "since", "until", "ids", "traceId", "parentId", "status", "model", "text", "where", "parent", "feedback", "prompt"] as const;
const STATUSES: readonly CallStatus[] = ["ok", "error", "running"];
const MAX_PARENT_DEPTH = 8;
const MAX_LIST = 10_000;
/** What stats may group by. */
export const GROUP_KEYS: readonly GroupKey[] = ["op", "model", "status", "trace_id", "parent_id"];
/** What stats may aggregate. */
export const MEASURES: readonly Measure[] = ["latency_ms", "input_tokens", "output_tokens", "tokens", "cost"];
/** How stats may aggregate a measure. */
export const AGGREGATES: readonly Aggregate[] = ["sum", "avg", "min", "max", "p50", "p95", "p99"];
/** The metrics of a stats query that names none. */
export const DEFAULT_METRICS: readonly (readonly [Measure, Aggregate])[] = [["latency_ms", "avg"], ["latency_ms", "p50"], ["latency_ms", "p95"], ["latency_ms", "p99"], ["tokens", "sum"], ["cost", "sum"]];
/** The bucket sizes `bucket: "auto"` chooses from. */
export const AUTO_BUCKETS: readonly number[] = [UNIT_MS.m, 5 * UNIT_MS.m, 15 * UNIT_MS.m, UNIT_MS.h, 6 * UNIT_MS.h, UNIT_MS.d, UNIT_MS.w];
/** How many buckets `bucket: "auto"` stays under. */
export const AUTO_MAX_BUCKETS = 200;

/** Validates a filter (undefined is the empty filter) and normalizes it; throws a `FilterError` naming the part at fault. */
export function validateFilter(filter: unknown, now: number): NormalizedFilter {
  return filterAt(filter, "", now, 0);
}

function filterAt(filter: unknown, at: string, now: number, depth: number): NormalizedFilter {
  const path = (key: string) => (at ? `${at}.${key}` : key);
  if (filter === undefined) return {};
  if (!isObject(filter)) throw new FilterError(at || "filter", `expected an object, got ${describe(filter)}`);
  for (const key of Object.keys(filter)) {
    if (!(FILTER_KEYS as readonly string[]).includes(key)) throw new FilterError(at, `unknown key ${quote(key)} (keys: ${FILTER_KEYS.join(", ")})`);
  }
  const out: { -readonly [K in keyof NormalizedFilter]: NormalizedFilter[K] } = {};
  const f = filter as Record<(typeof FILTER_KEYS)[number], unknown>;
  if (f.op !== undefined) out.op = strings(f.op, path("op"));
  if (f.since !== undefined) out.since = parseTime(f.since, path("since"), now);
  if (f.until !== undefined) out.until = parseTime(f.until, path("until"), now);
  if (out.since !== undefined && out.until !== undefined && out.since > out.until) throw new FilterError(path("since"), `since (${new Date(out.since).toISOString()}) is after until (${new Date(out.until).toISOString()})`);
  if (f.ids !== undefined) out.ids = strings(f.ids, path("ids"));
  if (f.traceId !== undefined) out.traceId = strings(f.traceId, path("traceId"));
  if (f.parentId !== undefined) out.parentId = f.parentId === null ? null : strings(f.parentId, path("parentId"));
  if (f.status !== undefined) {
    out.status = strings(f.status, path("status")).map((s, i) => {
      if (!(STATUSES as readonly string[]).includes(s)) throw new FilterError(Array.isArray(f.status) ? `${path("status")}[${i}]` : path("status"), `unknown status ${quote(s)} (statuses: ${STATUSES.join(", ")})`);
      return s as CallStatus;
    });
  }
  if (f.model !== undefined) out.model = strings(f.model, path("model"));
  if (f.text !== undefined) {
    if (typeof f.text !== "string") throw new FilterError(path("text"), `expected a string, got ${describe(f.text)}`);
    if (f.text !== "") out.text = f.text;
  }
  if (f.where !== undefined) out.where = validateWhere(f.where, path("where"), now);
  if (f.prompt !== undefined) out.where = out.where ? { $and: [out.where, promptWhere(f.prompt, path("prompt"))] } : promptWhere(f.prompt, path("prompt"));
  if (f.parent !== undefined) {
    if (depth >= MAX_PARENT_DEPTH) throw new FilterError(path("parent"), `parent filters nested deeper than ${MAX_PARENT_DEPTH} levels`);
    out.parent = filterAt(f.parent, path("parent"), now, depth + 1);
  }
  if (f.feedback !== undefined) out.feedback = feedbackFilterAt(f.feedback, path("feedback"), now);
  return out;
}

const FEEDBACK_KEYS = ["kind", "name", "value", "author", "authorKind", "since"] as const;

/** A feedback condition: which kind, name, value, author or time a call's feedback must have. */
function feedbackFilterAt(value: unknown, at: string, now: number): NormalizedFeedbackFilter {
  if (!isObject(value)) throw new FilterError(at, `expected an object such as {kind: "reaction", name: "👎"}, got ${describe(value)}`);
  const f = value as Record<string, unknown>;
  for (const key of Object.keys(f)) if (!(FEEDBACK_KEYS as readonly string[]).includes(key)) throw new FilterError(`${at}.${key}`, `unknown feedback field (fields: ${FEEDBACK_KEYS.join(", ")})`);
  const out: { -readonly [K in keyof NormalizedFeedbackFilter]: NormalizedFeedbackFilter[K] } = {};
  for (const key of ["name", "author"] as const) {
    if (f[key] === undefined) continue;
    if (typeof f[key] !== "string") throw new FilterError(`${at}.${key}`, `expected a string, got ${describe(f[key])}`);
    out[key] = f[key] as string;
  }
  if (f.kind !== undefined) {
    if (!["reaction", "note", "annotation"].includes(f.kind as string)) throw new FilterError(`${at}.kind`, `expected reaction, note or annotation, got ${describe(f.kind)}`);
    out.kind = f.kind as string;
  }
  if (f.authorKind !== undefined) {
    if (!["human", "llm", "code"].includes(f.authorKind as string)) throw new FilterError(`${at}.authorKind`, `expected human, llm or code, got ${describe(f.authorKind)}`);
    out.authorKind = f.authorKind as string;
  }
  if (f.value !== undefined) {
    if (f.value === null || (typeof f.value !== "string" && typeof f.value !== "number" && typeof f.value !== "boolean")) throw new FilterError(`${at}.value`, `expected a string, number or boolean, got ${describe(f.value)}`);
    out.value = JSON.stringify(f.value);
  }
  if (f.since !== undefined) out.since = parseTime(f.since, `${at}.since`, now);
  return out;
}

/**
 * `prompt: "name"` or `"name:v3"` (or a list of them): calls that rendered that prompt (or that
 * version), as the `where` on `attributes.prompt` that SDK and notebook calls record.
 */
function promptWhere(value: unknown, at: string): NormalizedExpr {
  const field = (key: string) => ({ $getField: `attributes.prompt.${key}` });
  const list = strings(value, at).map((ref, i): NormalizedExpr => {
    const m = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,127}?)(?::v([1-9][0-9]{0,8}))?$/.exec(ref);
    if (!m) throw new FilterError(Array.isArray(value) ? `${at}[${i}]` : at, `expected a prompt name or name:vN (such as support:v2), got ${quote(ref)}`);
    const name: NormalizedExpr = { $eq: [field("name"), { $literal: m[1]! }] };
    return m[2] ? { $and: [name, { $eq: [field("version"), { $literal: Number(m[2]) }] }] } : name;
  });
  return list.length === 1 ? list[0]! : { $or: list };
}

/** A string or a list of strings as a list; every element a string. */
function strings(value: unknown, at: string): string[] {
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) throw new FilterError(at, `expected a string or a list of strings, got ${describe(value)}`);
  if (value.length > MAX_LIST) throw new FilterError(at, `more than ${MAX_LIST} values`);
  value.forEach((v, i) => {
    if (typeof v !== "string") throw new FilterError(`${at}[${i}]`, `expected a string, got ${describe(v)}`);
  });
  return value as string[];
}

/** Validates a query (undefined: the first page of everything) and fills in defaults; throws a `FilterError` naming the part at fault. */
export function validateQuery(query: unknown, now: number): NormalizedQuery {
  if (query === undefined) query = {};
  if (!isObject(query)) throw new FilterError("query", `expected an object, got ${describe(query)}`);
  for (const key of Object.keys(query)) {
    if (!["filter", "orderBy", "limit", "offset", "sample"].includes(key)) throw new FilterError("", `unknown query key ${quote(key)} (keys: filter, orderBy, limit, offset, sample)`);
  }
  const filter = filterAt(query.filter, "filter", now, 0);
  const limit = integer(query.limit ?? DEFAULT_LIMIT, "limit", 0, MAX_LIMIT);
  const offset = integer(query.offset ?? 0, "offset", 0, Number.MAX_SAFE_INTEGER);
  const orderBy = query.orderBy === undefined ? [{ field: "started_at", direction: "desc" as const }] : orders(query.orderBy);
  if (query.sample === undefined) return { filter, orderBy, limit, offset };
  if (!isObject(query.sample)) throw new FilterError("sample", `expected {n, seed?}, got ${describe(query.sample)}`);
  for (const key of Object.keys(query.sample)) if (key !== "n" && key !== "seed") throw new FilterError("sample", `unknown key ${quote(key)} (keys: n, seed)`);
  if (query.offset !== undefined && query.offset !== 0) throw new FilterError("offset", "a sample has no pages; leave offset out");
  const n = integer(query.sample.n, "sample.n", 1, MAX_LIMIT);
  const seed = integer(query.sample.seed ?? 0, "sample.seed", -(2 ** 31), 2 ** 31 - 1);
  return { filter, orderBy, limit: n, offset: 0, sample: { n, seed } };
}

function orders(value: unknown): NormalizedOrder[] {
  if (!Array.isArray(value)) throw new FilterError("orderBy", `expected a list of {field, direction?}, got ${describe(value)}`);
  if (value.length > 16) throw new FilterError("orderBy", "more than 16 keys");
  return value.map((key, i) => {
    const at = `orderBy[${i}]`;
    if (!isObject(key)) throw new FilterError(at, `expected {field, direction?}, got ${describe(key)}`);
    for (const k of Object.keys(key)) if (k !== "field" && k !== "direction") throw new FilterError(at, `unknown key ${quote(k)} (keys: field, direction)`);
    const direction = key.direction ?? "asc";
    if (direction !== "asc" && direction !== "desc") throw new FilterError(`${at}.direction`, `expected "asc" or "desc", got ${describe(direction)}`);
    return { field: fieldName(parseField(key.field, `${at}.field`)), direction };
  });
}

function integer(value: unknown, at: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value)) throw new FilterError(at, `expected an integer, got ${describe(value)}`);
  if (value < min || value > max) throw new FilterError(at, `${value} is out of range (${min} to ${max.toLocaleString("en-US")})`);
  return value;
}

/** Validates a stats spec and fills in the default metrics; throws a `FilterError` naming the part at fault. */
export function validateStats(spec: unknown): NormalizedStats {
  if (spec === undefined) spec = {};
  if (!isObject(spec)) throw new FilterError("spec", `expected an object, got ${describe(spec)}`);
  for (const key of Object.keys(spec)) if (!["bucket", "by", "metrics"].includes(key)) throw new FilterError("", `unknown stats key ${quote(key)} (keys: bucket, by, metrics)`);
  const bucket = spec.bucket === undefined ? null : spec.bucket === "auto" ? "auto" : parseDuration(spec.bucket, "bucket");
  const by: GroupKey[] = [];
  if (spec.by !== undefined) {
    const list = typeof spec.by === "string" ? [spec.by] : spec.by;
    if (!Array.isArray(list)) throw new FilterError("by", `expected a list of group keys, got ${describe(spec.by)}`);
    list.forEach((key, i) => {
      if (!(GROUP_KEYS as readonly unknown[]).includes(key)) throw new FilterError(`by[${i}]`, `unknown group key ${describe(key)} (keys: ${GROUP_KEYS.join(", ")})`);
      if (by.includes(key as GroupKey)) throw new FilterError(`by[${i}]`, `${quote(key as string)} appears twice`);
      by.push(key as GroupKey);
    });
  }
  if (spec.metrics === undefined) return { bucket, by, metrics: DEFAULT_METRICS };
  if (!isObject(spec.metrics)) throw new FilterError("metrics", `expected {measure: [aggregates]}, got ${describe(spec.metrics)}`);
  const metrics: [Measure, Aggregate][] = [];
  for (const [measure, aggs] of Object.entries(spec.metrics)) {
    if (!(MEASURES as readonly string[]).includes(measure)) throw new FilterError("metrics", `unknown measure ${quote(measure)} (measures: ${MEASURES.join(", ")})`);
    const list = typeof aggs === "string" ? [aggs] : aggs;
    if (!Array.isArray(list)) throw new FilterError(`metrics.${measure}`, `expected a list of aggregates, got ${describe(aggs)}`);
    list.forEach((agg, i) => {
      if (!(AGGREGATES as readonly unknown[]).includes(agg)) throw new FilterError(`metrics.${measure}[${i}]`, `unknown aggregate ${describe(agg)} (aggregates: ${AGGREGATES.join(", ")})`);
      if (!metrics.some(([m, a]) => m === measure && a === agg)) metrics.push([measure as Measure, agg as Aggregate]);
    });
  }
  return { bucket, by, metrics };
}

/** The smallest auto bucket that cuts [from, to] into at most 200 buckets; beyond the largest, a multiple of a week that does. */
export function chooseBucket(from: number, to: number): number {
  const count = (b: number) => Math.floor(to / b) - Math.floor(from / b) + 1;
  for (const b of AUTO_BUCKETS) if (count(b) <= AUTO_MAX_BUCKETS) return b;
  const week = AUTO_BUCKETS[AUTO_BUCKETS.length - 1]!;
  let b = week * Math.ceil((to - from) / week / (AUTO_MAX_BUCKETS - 1));
  while (count(b) > AUTO_MAX_BUCKETS) b += week;
  return b;
}

/** The bucket of a stats query in ms, or null for none: `auto` is chosen from the filter's range, completed by the first and last start of the matching calls, which `range` asks the store for only when the filter leaves an end open. */
export async function resolveBucket(f: NormalizedFilter, bucket: number | "auto" | null, now: number, range: () => Promise<readonly [unknown, unknown] | undefined>): Promise<number | null> {
  if (bucket !== "auto") return bucket;
  let from = f.since ?? null;
  let to = f.until ?? null;
  if (from === null || to === null) {
    const [min, max] = (await range()) ?? [null, null];
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    from ??= num(min) ?? now;
    to ??= f.since !== undefined ? now : (num(max) ?? now);
  }
  return chooseBucket(from, Math.max(from, to));
}
