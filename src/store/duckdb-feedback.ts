// Feedback in the DuckDB trace store: one row per feedback id beside `calls` (schema version
// 2), and the declared annotations. Feedback is written on its own connection, one write at a
// time, so it never waits behind a large batch of calls; DuckDB commits it durably before the
// promise resolves.

import { VARCHAR, BIGINT, BOOLEAN, DOUBLE, type DuckDBConnection, type DuckDBInstance, type DuckDBType, type DuckDBValue } from "@duckdb/node-api";
import type { AnnotationSchema, Feedback, FeedbackStore } from "./feedback.ts";
import { buildFeedbackCalls, buildFeedbackStats, decodeFeedback, decodeFeedbackStats, FEEDBACK_COLUMNS, feedbackOrder } from "./feedback-sql.ts";
import { DUCKDB_DIALECT, type SqlParam } from "./trace-dialect.ts";
import { validateFilter } from "./trace-filter.ts";
import type { BuiltSql } from "./trace-sql.ts";

/** The statements of schema version 2: feedback and annotation schemas. */
export const FEEDBACK_MIGRATION: readonly string[] = [
  "CREATE TABLE feedback (id VARCHAR PRIMARY KEY, call_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, name VARCHAR NOT NULL, value VARCHAR NOT NULL, author VARCHAR NOT NULL, author_kind VARCHAR NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, source VARCHAR)",
  "CREATE INDEX feedback_call ON feedback (call_id)",
  "CREATE TABLE annotation_schemas (name VARCHAR PRIMARY KEY, schema VARCHAR NOT NULL)",
];

const TYPES: Readonly<Record<SqlParam["type"], DuckDBType>> = { text: VARCHAR, double: DOUBLE, bigint: BIGINT, boolean: BOOLEAN };

/** Runs built SQL (`trace-sql.ts`, `feedback-sql.ts`) on a connection, its parameters bound with their types; the rows as JS values. */
export async function runBuilt(conn: DuckDBConnection, built: BuiltSql): Promise<unknown[][]> {
  const values: DuckDBValue[] = built.params.map((p) => (p.type === "bigint" ? BigInt(Math.trunc(p.value as number)) : p.value));
  const reader = await conn.runAndReadAll(built.sql, values, built.params.map((p) => TYPES[p.type]));
  return reader.getRowsJS() as unknown[][];
}

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
          const reader = await conn.runAndReadAll(`SELECT ${FEEDBACK_COLUMNS.join(", ")} FROM feedback WHERE call_id IN (${placeholders}) ORDER BY created_at, id`, [...slice], slice.map(() => VARCHAR));
          out.push(...reader.getRows().map(decodeFeedback));
        }
        return callIds.length > READ_SLICE ? out.sort(feedbackOrder) : out;
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
        const [row] = await runBuilt(conn, buildFeedbackStats(DUCKDB_DIALECT, calls, spec));
        const picking = buildFeedbackCalls(DUCKDB_DIALECT, calls, spec);
        return decodeFeedbackStats(row, picking ? (await runBuilt(conn, picking)).map(([id]) => id) : []);
      });
    },
    /** Waits for the feedback operations in flight, then closes the connection. */
    close: async () => {
      await chain;
      conn.closeSync();
    },
  };
}
