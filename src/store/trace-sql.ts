// The one place trace queries become SQL. Input is already validated (`trace-filter.ts`):
// names in SQL text come only from the column whitelist, JSON paths go through the dialect as
// bound parameters, and every user value is a bound parameter, never part of the text.

import type { Call, CallError, Json, ModelUsage } from "../base/index.ts";
import type { NormalizedExpr, NormalizedOperand } from "./trace-expr.ts";
import { parseField, type Column, type FieldRef } from "./trace-fields.ts";
import type { NormalizedFeedbackFilter, NormalizedFilter, NormalizedOrder, NormalizedQuery, NormalizedStats } from "./trace-filter.ts";
import type { Bind, SqlDialect, SqlParam, SqlType } from "./trace-dialect.ts";
import type { Aggregate, GroupKey, Measure, StatsRow } from "./trace-store.ts";
import { opName, type TraceRow } from "./trace-merge.ts";

/** SQL text and its parameters, in placeholder order. */
export interface BuiltSql {
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

/** The table of calls. */
export const CALLS_TABLE = "calls";

/** The columns a `Call` is read from, in the order `decodeCall` expects. */
export const CALL_COLUMNS = ["id", "trace_id", "parent_id", "op", "started_at", "ended_at", "inputs", "output", "error", "attributes", "usage", "cost"] as const;

const COLUMN_SQL: Readonly<Record<Column, string>> = {
  id: "id", trace_id: "trace_id", parent_id: "parent_id", op_name: "op_name", op: "op", started_at: "started_at", ended_at: "ended_at",
  latency_ms: "latency_ms", model: "model", status: "status", input_tokens: "input_tokens", output_tokens: "output_tokens",
  tokens: "(input_tokens + output_tokens)", cost: "cost",
};
const MEASURE_SQL: Readonly<Record<Measure, string>> = { latency_ms: "latency_ms", input_tokens: "input_tokens", output_tokens: "output_tokens", tokens: "(input_tokens + output_tokens)", cost: "cost" };
const GROUP_SQL: Readonly<Record<GroupKey, string>> = { op: "op_name", model: "model", status: "status", trace_id: "trace_id", parent_id: "parent_id" };
const QUANTILE: Readonly<Partial<Record<Aggregate, number>>> = { p50: 0.5, p95: 0.95, p99: 0.99 };

/** Collects bound parameters while a statement is built. */
export class Params {
  readonly list: SqlParam[] = [];
  constructor(readonly dialect: SqlDialect) {}
  readonly bind: Bind = (value, type) => {
    const t: SqlType = type ?? (typeof value === "string" ? "text" : typeof value === "boolean" ? "boolean" : "double");
    this.list.push({ value, type: t });
    return this.dialect.placeholder(this.list.length, t);
  };
}

/** A page or a seeded sample of calls, decoded with `decodeCall`. */
export function buildQuery(d: SqlDialect, q: NormalizedQuery): BuiltSql {
  const p = new Params(d);
  const from = fromWhere(p, q.filter);
  const order = orderSql(p, q.orderBy);
  const cols = CALL_COLUMNS.join(", ");
  const page = q.sample ? `ORDER BY ${d.sampleKey("id", q.sample.seed, p.bind)}, id LIMIT ${p.bind(q.sample.n, "bigint")}` : `ORDER BY ${order} LIMIT ${p.bind(q.limit, "bigint")} OFFSET ${p.bind(q.offset, "bigint")}`;
  if (d.rowKey) {
    // Late materialization: the page's rows are found on narrow columns, then read whole.
    const key = d.rowKey.join(", ");
    const chosen = `(${key}) IN (SELECT ${key} ${from} ${page})`;
    const source = d.source?.([chosen]) ?? { from: CALLS_TABLE, where: [chosen] };
    const rows = `SELECT ${cols} FROM ${source.from} WHERE ${source.where.join(" AND ")}`;
    return { sql: `${rows} ORDER BY ${q.sample ? order : orderSql(p, q.orderBy)}`, params: p.list };
  }
  if (q.sample) return { sql: `SELECT ${cols} FROM (SELECT * ${from} ${page}) AS sampled ORDER BY ${order}`, params: p.list };
  return { sql: `SELECT ${cols} ${from} ${page}`, params: p.list };
}

/** The ids of the calls a filter selects, as a subquery (`SELECT id FROM … WHERE …`), its values bound through `p`. */
export function callIdsSql(p: Params, f: NormalizedFilter): string {
  return `SELECT id ${fromWhere(p, f)}`;
}

/** How many calls match; one row, one column. */
export function buildCount(d: SqlDialect, f: NormalizedFilter): BuiltSql {
  const p = new Params(d);
  return { sql: `SELECT count(*) ${fromWhere(p, f)}`, params: p.list };
}

/** The first and last start time of the matching calls (for `bucket: "auto"`); one row, two columns, NULL when none match. */
export function buildTimeRange(d: SqlDialect, f: NormalizedFilter): BuiltSql {
  const p = new Params(d);
  return { sql: `SELECT min(started_at), max(started_at) ${fromWhere(p, f)}`, params: p.list };
}

/** Where each output column of a stats query comes from: a result column, or one element of a quantile list. */
export interface StatsColumn {
  readonly name: string;
  readonly index: number;
  readonly item?: number;
}

/** A stats query with the map from its result columns to `StatsRow` columns. */
export interface BuiltStats extends BuiltSql {
  readonly columns: readonly StatsColumn[];
}

/** Aggregates per bucket (a fixed size in ms, or none) and group, ordered by bucket then group keys. */
export function buildStats(d: SqlDialect, f: NormalizedFilter, s: NormalizedStats & { readonly bucket: number | null }): BuiltStats {
  const p = new Params(d);
  const from = fromWhere(p, f);
  const inner: string[] = [`${s.bucket === null ? "0" : d.bucket("started_at", s.bucket, p.bind)} AS b`, "status = 'error' AS is_error"];
  s.by.forEach((key, i) => inner.push(`${GROUP_SQL[key]} AS g${i}`));
  const measures = [...new Set(s.metrics.map(([m]) => m))];
  measures.forEach((m, i) => inner.push(`${MEASURE_SQL[m]} AS m${i}`));
  if (d.statsRowKey && measures.length) inner.push(`${d.statsRowKey} AS rk`);
  const outer: string[] = ["b", ...s.by.map((_, i) => `g${i}`), "count(*)", d.countIf("is_error")];
  const columns: StatsColumn[] = [{ name: "bucket", index: 0 }, ...s.by.map((key, i) => ({ name: key, index: 1 + i })), { name: "count", index: 1 + s.by.length }, { name: "errors", index: 2 + s.by.length }];
  const quantileLists = new Map<Measure, { index: number; qs: number[] }>();
  for (const [m, agg] of s.metrics) {
    const col = `m${measures.indexOf(m)}`;
    const q = QUANTILE[agg];
    if (q === undefined) {
      columns.push({ name: `${m}.${agg}`, index: outer.length });
      outer.push(`${agg}(${col})`);
      continue;
    }
    let list = quantileLists.get(m);
    if (!list) quantileLists.set(m, (list = { index: outer.length, qs: [] }));
    if (list.qs.length === 0) outer.push(""); // filled in below, once every quantile of this measure is known
    columns.push({ name: `${m}.${agg}`, index: list.index, item: list.qs.length });
    list.qs.push(q);
  }
  for (const [m, list] of quantileLists) outer[list.index] = d.quantiles(`m${measures.indexOf(m)}`, list.qs);
  const time = s.bucket === null ? "" : " AND started_at IS NOT NULL";
  const groups = ["b", ...s.by.map((_, i) => `g${i}`)];
  const sql = `SELECT ${outer.join(", ")} FROM (SELECT ${inner.join(", ")} ${from}${time}) AS rows GROUP BY ${groups.join(", ")} ORDER BY ${groups.map((g) => `${g} NULLS FIRST`).join(", ")}`;
  return { sql, params: p.list, columns };
}

/** A stats result row (as the engine returns it: numbers, bigints, lists) as a `StatsRow`. */
export function decodeStatsRow(columns: readonly StatsColumn[], values: readonly unknown[]): StatsRow {
  const row: Record<string, string | number | null> = {};
  for (const c of columns) {
    let v = values[c.index];
    if (c.item !== undefined) v = Array.isArray(v) ? v[c.item] : null;
    row[c.name] = typeof v === "bigint" ? Number(v) : typeof v === "number" || typeof v === "string" ? v : v === null || v === undefined ? null : String(v);
  }
  return row as unknown as StatsRow;
}

/** A result row of `CALL_COLUMNS` as a `Call`. */
export function decodeCall(values: readonly unknown[]): Call {
  const [id, traceId, parentId, op, startedAt, endedAt, inputs, output, error, attributes, usage, cost] = values;
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const json = <T>(v: unknown, empty: T): T => (typeof v === "string" ? (JSON.parse(v) as T) : empty);
  return {
    id: String(id),
    traceId: typeof traceId === "string" ? traceId : "",
    parentId: typeof parentId === "string" ? parentId : null,
    op: typeof op === "string" ? op : "",
    inputs: json<Json>(inputs, {}),
    output: json<Json | null>(output, null),
    error: json<CallError | null>(error, null),
    startedAt: num(startedAt) ?? num(endedAt) ?? 0,
    endedAt: num(endedAt),
    attributes: json<{ [key: string]: Json }>(attributes, {}),
    usage: json<{ [model: string]: ModelUsage }>(usage, {}),
    cost: num(cost),
  };
}

/** A result row of `CALL_COLUMNS` as the row patches merge into (nulls kept, unlike a `Call`). */
export function decodeTraceRow(values: readonly unknown[]): TraceRow {
  const [id, traceId, parentId, op, startedAt, endedAt, inputs, output, error, attributes, usage, cost] = values;
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const parse = <T>(v: unknown, empty: T): T => (typeof v === "string" ? (JSON.parse(v) as T) : empty);
  return {
    id: String(id), traceId: str(traceId), parentId: str(parentId), op: str(op), startedAt: num(startedAt), endedAt: num(endedAt),
    inputs: parse<Json>(inputs, {}), output: parse<Json | null>(output, null), error: parse<CallError | null>(error, null),
    attributes: parse<{ [key: string]: Json }>(attributes, {}), usage: parse<{ [model: string]: ModelUsage }>(usage, {}), cost: num(cost),
  };
}

const TRUE = (p: Params) => p.dialect.trueSql ?? "TRUE";
const FALSE = (p: Params) => p.dialect.falseSql ?? "FALSE";

/** `FROM … WHERE …` of the calls a filter matches, through the dialect's source when it has one. */
function fromWhere(p: Params, f: NormalizedFilter): string {
  const keys: string[] = [];
  let where = filterSql(p, f, keys);
  const version = p.dialect.versionKey;
  if (version && (f.text !== undefined || (f.where !== undefined && readsJson(f.where)))) {
    // Wide columns are filtered on every stored version, without deduplication; the source then keeps the current versions among those.
    const cols = version.join(", ");
    where = `(${cols}) IN (SELECT ${cols} FROM ${CALLS_TABLE} WHERE ${[...keys, where].join(" AND ")})`;
  }
  const source = p.dialect.source?.(keys) ?? { from: CALLS_TABLE, where: [] };
  return `FROM ${source.from} WHERE ${[...source.where, where].join(" AND ")}`;
}

/** Whether an expression reads a JSON column. */
function readsJson(e: NormalizedExpr): boolean {
  const json = (o: NormalizedOperand) => "$getField" in o && parseField(o.$getField, "").kind === "json";
  if ("$and" in e) return e.$and.some(readsJson);
  if ("$or" in e) return e.$or.some(readsJson);
  if ("$not" in e) return readsJson(e.$not[0]);
  if ("$in" in e) return json(e.$in[0]) || e.$in[1].some(json);
  if ("$contains" in e) return json(e.$contains.input) || json(e.$contains.substr);
  const [a, b] = "$eq" in e ? e.$eq : "$gt" in e ? e.$gt : e.$gte;
  return json(a) || json(b);
}

/** The condition of a filter: its parts joined with AND; `TRUE` for the empty filter. Conditions on the dialect's key columns that the filter implies go into `keys`. */
function filterSql(p: Params, f: NormalizedFilter, keys: string[]): string {
  const parts: string[] = [];
  const key = p.dialect.keyColumns;
  const list = (values: readonly string[]) => values.map((v) => p.bind(v, "text")).join(", ");
  const anyOf = (col: string, values: readonly string[]) => (values.length === 0 ? FALSE(p) : `${col} IN (${list(values)})`);
  if (f.op) parts.push(f.op.length === 0 ? FALSE(p) : `(op IN (${list(f.op)}) OR op_name IN (${list(f.op)}))`);
  // `op` or `op_name` in the list implies an op name among the list and the names of its `name:version`s.
  if (f.op && key) keys.push(anyOf(key.op, [...new Set([...f.op, ...f.op.map(opName)])]));
  if (f.since !== undefined) {
    const since = p.bind(f.since, "bigint");
    parts.push(`started_at >= ${since}`);
    if (key) keys.push(`${key.time} >= ${since}`);
  }
  if (f.until !== undefined) {
    const until = p.bind(f.until, "bigint");
    parts.push(`started_at < ${until}`);
    if (key) keys.push(`${key.time} < ${until}`);
  }
  if (f.ids) parts.push(anyOf("id", f.ids));
  if (f.traceId) parts.push(anyOf("trace_id", f.traceId));
  if (f.parentId === null) parts.push("parent_id IS NULL");
  else if (f.parentId) parts.push(anyOf("parent_id", f.parentId));
  if (f.status) parts.push(anyOf("status", f.status));
  if (f.model) parts.push(anyOf("model", f.model));
  if (f.text !== undefined) parts.push(p.dialect.contains("search", p.bind(f.text.toLowerCase(), "text")));
  if (f.where) parts.push(exprSql(p, f.where));
  if (f.parent) parts.push(`parent_id IN (SELECT id ${fromWhere(p, f.parent)})`);
  if (f.feedback) parts.push(feedbackSql(p, f.feedback));
  return parts.length ? parts.join(" AND ") : TRUE(p);
}

function orderSql(p: Params, keys: readonly NormalizedOrder[]): string {
  const parts: string[] = [];
  for (const { field, direction } of keys) {
    const dir = direction === "desc" ? "DESC" : "ASC";
    const ref = parseField(field, "orderBy");
    if (ref.kind === "column") parts.push(`${COLUMN_SQL[ref.column]} ${dir} NULLS LAST`);
    else {
      const text = jsonSql(p, ref);
      parts.push(`${p.dialect.toNumber(text)} ${dir} NULLS LAST`, `${text} ${dir} NULLS LAST`);
    }
  }
  if (!keys.some((k) => k.field === "id")) parts.push("id ASC");
  return parts.join(", ");
}

/** The text of a JSON field; an attribute path of names is also tried as one dotted key (`service.name`), as OpenTelemetry keys are flat. */
function jsonSql(p: Params, ref: Extract<FieldRef, { kind: "json" }>): string {
  const nested = p.dialect.jsonText(ref.root, ref.path, p.bind);
  if (ref.root !== "attributes" || ref.path.length < 2 || ref.path.some((s) => typeof s !== "string")) return nested;
  return `coalesce(${p.dialect.jsonText(ref.root, [ref.path.join(".")], p.bind)}, ${nested})`;
}

/** An operand as SQL and what kind of value it is. */
interface Value {
  readonly sql: string;
  readonly kind: "text" | "number" | "json" | "boolean" | "null";
}

function value(p: Params, o: NormalizedOperand): Value {
  if ("$literal" in o) {
    const v = o.$literal;
    if (v === null) return { sql: "NULL", kind: "null" };
    if (typeof v === "boolean") return { sql: p.bind(v, "boolean"), kind: "boolean" };
    return typeof v === "number" ? { sql: p.bind(v, "double"), kind: "number" } : { sql: p.bind(v, "text"), kind: "text" };
  }
  const ref = parseField(o.$getField, "");
  if (ref.kind === "json") return { sql: jsonSql(p, ref), kind: "json" };
  return { sql: COLUMN_SQL[ref.column], kind: ref.type === "text" ? "text" : "number" };
}

/** A comparison: numeric when either side is a number, JSON text against `true`/`false` for booleans, else text. */
function compare(p: Params, op: "=" | ">" | ">=", a: NormalizedOperand, b: NormalizedOperand): string {
  const isNull = (o: NormalizedOperand) => "$literal" in o && o.$literal === null;
  if (isNull(a)) return isNull(b) ? TRUE(p) : `(${value(p, b).sql} IS NULL)`;
  if (isNull(b)) return `(${value(p, a).sql} IS NULL)`;
  const isBool = (o: NormalizedOperand) => "$literal" in o && typeof o.$literal === "boolean";
  const bool = isBool(a) || isBool(b);
  // Against a JSON field a boolean is compared as the JSON text `true` or `false`.
  const side = (o: NormalizedOperand): Value => (bool && isBool(o) ? { sql: p.bind(String((o as { $literal: boolean }).$literal), "text"), kind: "text" } : value(p, o));
  let x = side(a);
  let y = side(b);
  if (!bool && (x.kind === "number" || y.kind === "number")) {
    if (x.kind === "json") x = { sql: p.dialect.toNumber(x.sql), kind: "number" };
    if (y.kind === "json") y = { sql: p.dialect.toNumber(y.sql), kind: "number" };
  }
  return `(${x.sql} ${op} ${y.sql})`;
}

function textOf(p: Params, o: NormalizedOperand): string {
  const v = value(p, o);
  return v.kind === "number" || v.kind === "boolean" ? p.dialect.toText(v.sql) : v.sql;
}

function exprSql(p: Params, e: NormalizedExpr): string {
  if ("$and" in e) return e.$and.length ? `(${e.$and.map((x) => exprSql(p, x)).join(" AND ")})` : TRUE(p);
  if ("$or" in e) return e.$or.length ? `(${e.$or.map((x) => exprSql(p, x)).join(" OR ")})` : FALSE(p);
  if ("$not" in e) return `(NOT coalesce(${exprSql(p, e.$not[0])}, ${FALSE(p)}))`;
  if ("$eq" in e) return compare(p, "=", e.$eq[0], e.$eq[1]);
  if ("$gt" in e) return compare(p, ">", e.$gt[0], e.$gt[1]);
  if ("$gte" in e) return compare(p, ">=", e.$gte[0], e.$gte[1]);
  if ("$in" in e) {
    const [left, list] = e.$in;
    if (list.length === 0) return FALSE(p);
    const kinds = new Set(list.map((o) => ("$literal" in o ? (o.$literal === null ? "null" : typeof o.$literal) : "field")));
    const only = kinds.size === 1 ? [...kinds][0] : null;
    if (only !== "string" && only !== "number") return `(${list.map((o) => compare(p, "=", left, o)).join(" OR ")})`;
    // One kind of literal: one IN list over the left side, converted once.
    const x = value(p, left);
    const sql = only === "number" && x.kind === "json" ? p.dialect.toNumber(x.sql) : x.sql;
    return `(${sql} IN (${list.map((o) => value(p, o).sql).join(", ")}))`;
  }
  const { input, substr, case_insensitive } = e.$contains;
  const hay = textOf(p, input);
  const needle = textOf(p, substr);
  return case_insensitive ? p.dialect.contains(p.dialect.lower(hay), p.dialect.lower(needle)) : p.dialect.contains(hay, needle);
}

/** Calls with a feedback row matching every field of the condition (the `feedback` table beside `calls`, each id's current row). */
function feedbackSql(p: Params, f: NormalizedFeedbackFilter): string {
  const conds: string[] = [];
  for (const [field, column] of [["kind", "kind"], ["name", "name"], ["value", "value"], ["author", "author"], ["authorKind", "author_kind"]] as const) {
    const v = f[field];
    if (v !== undefined) conds.push(`${column} = ${p.bind(v, "text")}`);
  }
  if (f.since !== undefined) conds.push(`updated_at >= ${p.bind(f.since, "bigint")}`);
  return `id IN (SELECT call_id FROM ${p.dialect.feedbackTable ?? "feedback"}${conds.length ? ` WHERE ${conds.join(" AND ")}` : ""})`;
}
