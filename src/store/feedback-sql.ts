// Feedback as SQL, for every engine: the columns a `Feedback` is read from, and the aggregates
// of `feedbackStats` (mean score, share of a label, the calls behind), built once through the
// dialect, so the embedded and the ClickHouse store compute them the same way, in the store.

import type { Json } from "../base/index.ts";
import type { Feedback, FeedbackStats, FeedbackStatsSpec } from "./feedback.ts";
import type { SqlDialect } from "./trace-dialect.ts";
import type { NormalizedFilter } from "./trace-filter.ts";
import { callIdsSql, Params, type BuiltSql } from "./trace-sql.ts";

/** The columns a `Feedback` is read from, in the order `decodeFeedback` expects. */
export const FEEDBACK_COLUMNS = ["id", "call_id", "kind", "name", "value", "author", "author_kind", "created_at", "updated_at", "source"] as const;

/** A result row of `FEEDBACK_COLUMNS` as a `Feedback`. */
export function decodeFeedback(row: readonly unknown[]): Feedback {
  const [id, callId, kind, name, value, author, authorKind, createdAt, updatedAt, source] = row;
  return {
    id: String(id),
    callId: String(callId),
    kind: String(kind) as Feedback["kind"],
    name: String(name),
    value: JSON.parse(String(value)) as Json,
    author: String(author),
    authorKind: String(authorKind) as Feedback["authorKind"],
    createdAt: Number(createdAt),
    updatedAt: Number(updatedAt),
    ...(source === null || source === undefined ? {} : { source: String(source) }),
  };
}

/** Oldest first, then by id in the engines' order (bytes of UTF-8, that is code points): how reads of several slices of ids are merged. */
export function feedbackOrder(a: Feedback, b: Feedback): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  const x = [...a.id].map((c) => c.codePointAt(0)!);
  const y = [...b.id].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/**
 * The feedback rows of a spec with their score `num` (numbers; booleans as 1 or 0) and label
 * `lbl` (strings; booleans as `true`/`false`), read at the spec's field (or the whole value),
 * on the calls `calls` selects (all without a filter): a subquery of (call_id, updated_at, num, lbl).
 */
function scoredFeedbackSql(p: Params, calls: NormalizedFilter | null, spec: FeedbackStatsSpec): string {
  const d = p.dialect;
  const { type, text } = d.feedbackValue(spec.field, p.bind);
  const conds = [`name = ${p.bind(spec.name, "text")}`, `updated_at >= ${p.bind(spec.since, "bigint")}`, `updated_at < ${p.bind(spec.until, "bigint")}`];
  if (calls) conds.push(`call_id IN (${callIdsSql(p, calls)})`);
  const f = `SELECT call_id, updated_at, ${type} AS t, ${text} AS s FROM ${d.feedbackTable ?? "feedback"} WHERE ${conds.join(" AND ")}`;
  const num = `CASE WHEN t = 'boolean' THEN (CASE WHEN s = 'true' THEN 1.0 ELSE 0.0 END) WHEN t = 'number' THEN ${d.toNumber("s")} END`;
  return `(SELECT call_id, updated_at, ${num} AS num, CASE WHEN t IN ('string', 'boolean') THEN s END AS lbl FROM (${f}) AS f) AS v`;
}

/** The aggregates of a spec: one row of rows, scored, mean, labeled, matching (see `decodeFeedbackStats`). */
export function buildFeedbackStats(d: SqlDialect, calls: NormalizedFilter | null, spec: FeedbackStatsSpec): BuiltSql {
  const p = new Params(d);
  const from = scoredFeedbackSql(p, calls, spec);
  return { sql: `SELECT count(*), count(num), avg(num), count(lbl), ${d.countIf(`lbl = ${p.bind(spec.label ?? "", "text")}`)} FROM ${from}`, params: p.list };
}

/** The ids of the calls behind a spec's aggregate (`spec.calls`), one column; null when none are asked for. */
export function buildFeedbackCalls(d: SqlDialect, calls: NormalizedFilter | null, spec: FeedbackStatsSpec): BuiltSql | null {
  if (!spec.calls || spec.calls.limit <= 0) return null;
  const { order, limit } = spec.calls;
  const p = new Params(d);
  const from = scoredFeedbackSql(p, calls, spec);
  const where = order === "label" ? `lbl = ${p.bind(spec.label ?? "", "text")}` : "num IS NOT NULL";
  // Aliases other than the columns' names: an aggregate aliased to its own column's name is a cyclic alias in ClickHouse.
  const score = order === "label" ? "" : `${order === "asc" ? "min" : "max"}(num) AS score, `;
  const by = order === "label" ? "latest DESC" : `score ${order === "asc" ? "ASC" : "DESC"}, latest DESC`;
  const sql = `SELECT call_id FROM (SELECT call_id, ${score}max(updated_at) AS latest FROM ${from} WHERE ${where} GROUP BY call_id) AS picked ORDER BY ${by}, call_id LIMIT ${p.bind(limit, "bigint")}`;
  return { sql, params: p.list };
}

/** The answer of `feedbackStats` from the row of `buildFeedbackStats` and the ids of `buildFeedbackCalls`. */
export function decodeFeedbackStats(row: readonly unknown[] | undefined, calls: readonly unknown[]): FeedbackStats {
  const [rows, scored, mean, labeled, matching] = (row ?? []).map((x) => (x === null || x === undefined ? null : Number(x)));
  return {
    rows: rows ?? 0,
    scored: scored ?? 0,
    // An engine may answer NaN for the mean of nothing.
    mean: scored && mean !== null && mean !== undefined && Number.isFinite(mean) ? mean : null,
    labeled: labeled ?? 0,
    matching: matching ?? 0,
    share: labeled ? (matching ?? 0) / labeled : null,
    calls: calls.map(String),
  };
}
