// Feedback in the DuckDB trace store: one row per feedback id beside `calls` (schema version
// 2), and the declared annotations. Feedback is written on its own connection, one write at a
// time, so it never waits behind a large batch of calls; DuckDB commits it durably before the
// promise resolves.

import { VARCHAR, BIGINT, BOOLEAN, DOUBLE, type DuckDBInstance } from "@duckdb/node-api";
import type { Json } from "../base/index.ts";
import type { AnnotationSchema, Feedback, FeedbackStats, FeedbackStatsSpec, FeedbackStore } from "./feedback.ts";
import type { TraceStore } from "./trace-store.ts";
import { DUCKDB_DIALECT, duckdbJsonPath } from "./trace-dialect.ts";
import { validateFilter } from "./trace-filter.ts";
import { callIdsSql, Params } from "./trace-sql.ts";
import type { ControlStore } from "./control-store.ts";

/** The statements of schema version 2: feedback and annotation schemas. */
export const FEEDBACK_MIGRATION: readonly string[] = [
  "CREATE TABLE feedback (id VARCHAR PRIMARY KEY, call_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, name VARCHAR NOT NULL, value VARCHAR NOT NULL, author VARCHAR NOT NULL, author_kind VARCHAR NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, source VARCHAR)",
  "CREATE INDEX feedback_call ON feedback (call_id)",
  "CREATE TABLE annotation_schemas (name VARCHAR PRIMARY KEY, schema VARCHAR NOT NULL)",
];

/** Most ids one `feedback(ids)` read takes; more are read in slices. */
const READ_SLICE = 500;

/** The feedback part of the DuckDB trace store, on its own connection of the store's instance. */
export async function duckDbFeedback(instance: DuckDBInstance, now: () => number = Date.now): Promise<FeedbackStore & { close(): Promise<void> }> {
  const conn = await instance.connect();
  let chain: Promise<unknown> = Promise.resolve();
  /** Runs `fn` after every earlier feedback operation: one at a time on this connection. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };
  return {
    writeFeedback: (rows) =>
      serial(async () => {
        if (!rows.length) return;
        await conn.run("BEGIN TRANSACTION");
        try {
          // One statement per slice of rows; an id twice in one write keeps the last (DuckDB refuses to update a row twice in one statement).
          const unique = [...new Map(rows.map((r) => [r.id, r])).values()];
          for (let i = 0; i < unique.length; i += READ_SLICE) {
            const slice = unique.slice(i, i + READ_SLICE);
            const values = slice.map((_, j) => `(${Array.from({ length: 10 }, (_, k) => `$${j * 10 + k + 1}`).join(", ")})`).join(", ");
            // An id given again keeps its first time: an annotation updated in place.
            await conn.run(
              `INSERT INTO feedback VALUES ${values} ON CONFLICT (id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, source = excluded.source, author_kind = excluded.author_kind`,
              slice.flatMap((r) => [r.id, r.callId, r.kind, r.name, JSON.stringify(r.value), r.author, r.authorKind, r.createdAt, r.updatedAt, r.source ?? null]),
              slice.flatMap(() => [VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, BIGINT, BIGINT, VARCHAR]),
            );
          }
          await conn.run("COMMIT");
        } catch (error) {
          await conn.run("ROLLBACK").catch(() => undefined);
          throw error;
        }
      }),
    feedback: (callIds) =>
      serial(async () => {
        const out: Feedback[] = [];
        for (let i = 0; i < callIds.length; i += READ_SLICE) {
          const slice = callIds.slice(i, i + READ_SLICE);
          const placeholders = slice.map((_, j) => `$${j + 1}`).join(", ");
          const reader = await conn.runAndReadAll(`SELECT id, call_id, kind, name, value, author, author_kind, created_at, updated_at, source FROM feedback WHERE call_id IN (${placeholders}) ORDER BY created_at, id`, [...slice], slice.map(() => VARCHAR));
          for (const row of reader.getRows()) {
            const [id, callId, kind, name, value, author, authorKind, createdAt, updatedAt, source] = row;
            out.push({
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
            });
          }
        }
        return out;
      }),
    annotationSchemas: () =>
      serial(async () => {
        const reader = await conn.runAndReadAll("SELECT schema FROM annotation_schemas ORDER BY name");
        return reader.getRows().map(([schema]) => JSON.parse(String(schema)) as AnnotationSchema);
      }),
    declareAnnotation: (schema) =>
      serial(async () => {
        await conn.run("INSERT INTO annotation_schemas VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET schema = excluded.schema", [schema.name, JSON.stringify(schema)], [VARCHAR, VARCHAR]);
      }),
    feedbackStats: async (filter, spec) => {
      // Validated before it queues, so a bad filter is refused at once.
      const calls = filter === undefined ? null : validateFilter(filter, now());
      return serial(async () => {
        const run = async (select: (p: Params) => string) => {
          const p = new Params(DUCKDB_DIALECT);
          const sql = select(p);
          const reader = await conn.runAndReadAll(sql, p.list.map((x) => (x.type === "bigint" ? BigInt(Math.trunc(x.value as number)) : x.value)), p.list.map((x) => (x.type === "bigint" ? BIGINT : x.type === "double" ? DOUBLE : x.type === "boolean" ? BOOLEAN : VARCHAR)));
          return reader.getRowsJS() as unknown[][];
        };
        const [row] = await run((p) => `${scoredFeedbackSql(p, calls, spec)} SELECT count(*), count(num), avg(num), count(lbl), count_if(lbl = ${p.bind(spec.label ?? "", "text")}) FROM v`);
        const [rows, scored, mean, labeled, matching] = row!.map((x) => (x === null ? null : Number(x)));
        let ids: string[] = [];
        if (spec.calls && spec.calls.limit > 0) {
          const { order, limit } = spec.calls;
          const picked = await run((p) => {
            const cte = scoredFeedbackSql(p, calls, spec);
            const where = order === "label" ? `lbl = ${p.bind(spec.label ?? "", "text")}` : "num IS NOT NULL";
            const by = order === "label" ? "updated_at DESC" : `num ${order === "asc" ? "ASC" : "DESC"}, updated_at DESC`;
            return `${cte} SELECT call_id FROM (SELECT call_id, ${order === "label" ? "max(updated_at) AS updated_at" : `${order === "asc" ? "min" : "max"}(num) AS num, max(updated_at) AS updated_at`} FROM v WHERE ${where} GROUP BY call_id) ORDER BY ${by}, call_id LIMIT ${p.bind(limit, "bigint")}`;
          });
          ids = picked.map(([id]) => String(id));
        }
        return { rows: rows ?? 0, scored: scored ?? 0, mean, labeled: labeled ?? 0, matching: matching ?? 0, share: labeled ? (matching ?? 0) / labeled : null, calls: ids } satisfies FeedbackStats;
      });
    },
    /** Waits for the feedback operations in flight, then closes the connection. */
    close: async () => {
      await chain;
      conn.closeSync();
    },
  };
}

/**
 * `WITH f AS (…), v AS (…)`: the feedback rows of a spec with their score `num` (numbers;
 * booleans as 1 or 0) and label `lbl` (strings; booleans as `true`/`false`), read at the
 * spec's field (or the whole value), on the calls `calls` selects (all without a filter).
 */
function scoredFeedbackSql(p: Params, calls: ReturnType<typeof validateFilter> | null, spec: FeedbackStatsSpec): string {
  const path = p.bind(duckdbJsonPath(spec.field === undefined ? [] : [spec.field]), "text");
  const conds = [`name = ${p.bind(spec.name, "text")}`, `updated_at >= ${p.bind(spec.since, "bigint")}`, `updated_at < ${p.bind(spec.until, "bigint")}`];
  if (calls) conds.push(`call_id IN (${callIdsSql(p, calls)})`);
  const f = `SELECT call_id, updated_at, json_type(value, ${path}) AS t, json_extract_string(value, ${path}) AS s FROM feedback WHERE ${conds.join(" AND ")}`;
  const num = "CASE WHEN t = 'BOOLEAN' THEN (CASE WHEN s = 'true' THEN 1.0 ELSE 0.0 END) WHEN t IN ('DOUBLE', 'BIGINT', 'UBIGINT') THEN TRY_CAST(s AS DOUBLE) END";
  return `WITH f AS (${f}), v AS (SELECT call_id, updated_at, ${num} AS num, CASE WHEN t IN ('VARCHAR', 'BOOLEAN') THEN s END AS lbl FROM f)`;
}

/** A trace store with the feedback and control parts added: the store's own methods, theirs, and a close that closes all (the parts first). */
export function withFeedback(store: TraceStore, feedback: FeedbackStore & { close(): Promise<void> }, control: ControlStore & { close(): Promise<void> }): TraceStore & FeedbackStore & ControlStore {
  return {
    kind: store.kind,
    location: store.location,
    write: (patches) => store.write(patches),
    query: (q) => store.query(q),
    count: (f) => store.count(f),
    stats: (f, spec) => store.stats(f, spec),
    writeFeedback: (rows) => feedback.writeFeedback(rows),
    feedback: (ids) => feedback.feedback(ids),
    annotationSchemas: () => feedback.annotationSchemas(),
    declareAnnotation: (schema) => feedback.declareAnnotation(schema),
    feedbackStats: (filter, spec) => feedback.feedbackStats(filter, spec),
    docs: (kind) => control.docs(kind),
    doc: (kind, id) => control.doc(kind, id),
    changeDocs: (changes, now) => control.changeDocs(changes, now),
    async close() {
      await feedback.close();
      await control.close();
      await store.close();
    },
  };
}
