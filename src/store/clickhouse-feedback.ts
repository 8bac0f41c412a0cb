// Feedback in the ClickHouse trace store (schema version 2): `feedback` and
// `annotation_schemas`, ReplacingMergeTrees on a version, read with FINAL. ClickHouse cannot
// update a row, so giving feedback again is read, then insert a newer version: the stored
// row's call, kind, name, author and first time are kept (as the embedded store's ON CONFLICT
// keeps them) and its value, time, source and author kind replaced. Writes are grouped as the
// calls' are (`trace-write-queue.ts`): the rows given while one INSERT is in flight share the
// next, so monitors writing a score per call make few parts. A write resolves once ClickHouse
// has acknowledged its INSERT. The aggregates of `feedbackStats` run on the server
// (`feedback-sql.ts`), on the value's type and text stored beside its JSON.

import type { Json } from "../base/index.ts";
import type { TraceClickHouse } from "./clickhouse-trace-client.ts";
import { VersionClock } from "./clickhouse-trace-rows.ts";
import { withParams } from "./clickhouse-trace-writer.ts";
import type { AnnotationSchema, Feedback, FeedbackStore } from "./feedback.ts";
import { buildFeedbackCalls, buildFeedbackStats, decodeFeedback, decodeFeedbackStats, FEEDBACK_COLUMNS, feedbackOrder } from "./feedback-sql.ts";
import type { SqlDialect } from "./trace-dialect.ts";
import { validateFilter } from "./trace-filter.ts";
import { WriteQueue } from "./trace-write-queue.ts";
import { oneAtATime } from "./store-parts.ts";

/** Ids per lookup query, to stay far below the server's query size. */
const IDS_PER_QUERY = 1000;

/** What the feedback part needs of the store: its connection and dialect, the clock, and `guard`, which refuses work once the store is closed and lets its close wait for work in flight. */
export interface ClickHouseFeedbackOptions {
  readonly ch: TraceClickHouse;
  readonly dialect: SqlDialect;
  readonly now: () => number;
  readonly guard: <T>(run: () => Promise<T>) => Promise<T>;
  readonly location: string;
  /** Feedback writes pending before `writeFeedback` rejects (default 64). */
  readonly maxPendingWrites?: number;
  /** Inserts start at least this many ms apart (default 50). */
  readonly minInsertIntervalMs?: number;
}

/** What a stored feedback id keeps when it is given again, and its newest version. */
interface StoredFeedback {
  readonly callId: string;
  readonly kind: Feedback["kind"];
  readonly name: string;
  readonly author: string;
  readonly createdAt: number;
  readonly version: number;
}

/** The type and text of a value, whole (key '') and at each top-level key of an object (the key's JSON text), as `clickHouseDialect().feedbackValue` reads them. */
export function valueLeaves(value: Json): { value_keys: string[]; value_types: string[]; value_texts: string[] } {
  const keys = [""];
  const types = [typeOf(value)];
  const texts = [textOf(value)];
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      keys.push(JSON.stringify(k));
      types.push(typeOf(v));
      texts.push(textOf(v));
    }
  }
  return { value_keys: keys, value_types: types, value_texts: texts };
}

function typeOf(v: Json): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

function textOf(v: Json): string {
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? JSON.stringify(v) : "";
}

/** The feedback part of the ClickHouse trace store, on the store's connection. */
export function clickHouseFeedback(options: ClickHouseFeedbackOptions): FeedbackStore & { close(): Promise<void> } {
  const { ch, dialect, guard } = options;
  const versions = new VersionClock();
  const declaring = oneAtATime();

  /** Each id's stored row: found at its call (the key's prefix), or anywhere for ids not made from their call's id (notes given an id). */
  async function stored(rows: readonly Feedback[]): Promise<Map<string, StoredFeedback>> {
    const found = new Map<string, StoredFeedback>();
    const keep = (values: readonly unknown[]) => {
      const [id, callId, kind, name, author, createdAt, version] = values;
      const had = found.get(String(id));
      if (had && had.version >= Number(version)) return;
      found.set(String(id), { callId: String(callId), kind: String(kind) as Feedback["kind"], name: String(name), author: String(author), createdAt: Number(createdAt), version: Number(version) });
    };
    const columns = "id, call_id, kind, name, author, created_at, version";
    for (let i = 0; i < rows.length; i += IDS_PER_QUERY) {
      const chunk = rows.slice(i, i + IDS_PER_QUERY);
      for (const values of await ch.rows(withParams((bind) => `SELECT ${columns} FROM feedback WHERE (call_id, id) IN (${chunk.map((r) => `(${bind(r.callId, "text")}, ${bind(r.id, "text")})`).join(", ")})`))) keep(values);
    }
    const elsewhere = rows.filter((r) => !found.has(r.id) && !r.id.startsWith(`${r.callId}:`)).map((r) => r.id);
    for (let i = 0; i < elsewhere.length; i += IDS_PER_QUERY) {
      const chunk = elsewhere.slice(i, i + IDS_PER_QUERY);
      for (const values of await ch.rows(withParams((bind) => `SELECT ${columns} FROM feedback WHERE id IN (${chunk.map((id) => bind(id, "text")).join(", ")})`))) keep(values);
    }
    return found;
  }

  /** Writes a group of batches as one INSERT: within it, the last row of an id wins. */
  async function writeGroup(batches: readonly (readonly Feedback[])[]): Promise<void[]> {
    const rows = [...new Map(batches.flat().map((r) => [r.id, r])).values()];
    const before = await stored(rows);
    const version = versions.next(Math.max(0, ...[...before.values()].map((s) => s.version)));
    const records = rows.map((r) => {
      const s = before.get(r.id);
      const row = s ? { ...r, callId: s.callId, kind: s.kind, name: s.name, author: s.author, createdAt: s.createdAt } : r;
      return {
        id: row.id, call_id: row.callId, kind: row.kind, name: row.name, value: JSON.stringify(row.value), author: row.author, author_kind: row.authorKind,
        created_at: row.createdAt, updated_at: row.updatedAt, source: row.source ?? null, ...valueLeaves(row.value), version,
      };
    });
    await ch.insert("feedback", records);
    return batches.map(() => undefined);
  }

  const queue = new WriteQueue<Feedback, void>((batches) => guard(() => writeGroup(batches)), {
    maxPending: options.maxPendingWrites ?? 64,
    maxGroupPatches: 10_000,
    minIntervalMs: options.minInsertIntervalMs ?? 50,
    location: options.location,
  });

  return {
    async writeFeedback(rows) {
      if (!rows.length) return;
      // Refused at once when the store is closed, not after it queued.
      await guard(async () => undefined);
      await queue.push(rows);
    },
    feedback: (callIds) =>
      guard(async () => {
        const out: Feedback[] = [];
        for (let i = 0; i < callIds.length; i += IDS_PER_QUERY) {
          const chunk = callIds.slice(i, i + IDS_PER_QUERY);
          const sql = withParams((bind) => `SELECT ${FEEDBACK_COLUMNS.join(", ")} FROM feedback FINAL WHERE call_id IN (${chunk.map((id) => bind(id, "text")).join(", ")}) ORDER BY created_at, id`);
          out.push(...(await ch.rows(sql)).map(decodeFeedback));
        }
        return callIds.length > IDS_PER_QUERY ? out.sort(feedbackOrder) : out;
      }),
    annotationSchemas: () => guard(async () => (await ch.rows({ sql: "SELECT schema FROM annotation_schemas FINAL ORDER BY name", params: [] })).map(([schema]) => JSON.parse(String(schema)) as AnnotationSchema)),
    declareAnnotation(schema) {
      // One at a time, in call order: a later declaration gets the later version.
      return declaring.run(() =>
        guard(async () => {
          const [newest] = await ch.column(withParams((bind) => `SELECT max(version) FROM annotation_schemas WHERE name = ${bind(schema.name, "text")}`));
          await ch.insert("annotation_schemas", [{ name: schema.name, schema: JSON.stringify(schema), version: versions.next(Number(newest ?? 0)) }]);
        }),
      );
    },
    async feedbackStats(filter, spec) {
      const calls = filter === undefined ? null : validateFilter(filter, options.now());
      return guard(async () => {
        const [row] = await ch.rows(buildFeedbackStats(dialect, calls, spec));
        const picking = buildFeedbackCalls(dialect, calls, spec);
        return decodeFeedbackStats(row, picking ? await ch.column(picking) : []);
      });
    },
    /** Waits for the feedback writes and declarations in flight. */
    close: async () => {
      await queue.idle();
      await declaring.idle();
    },
  };
}
