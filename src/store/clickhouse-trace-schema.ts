// The ClickHouse trace store's tables and their migrations, in the store's database.
//
// `calls` has one row per call and version: a ReplacingMergeTree on `version`, ordered by
// (key_op, key_time, id) and partitioned by the month of key_time, where key_op is the op
// name ('' when unknown) and key_time the start (0 when unknown). A call whose op name or
// start changes moves: the writer inserts it under its new key and a copy marked
// `superseded` under the old one, so each key holds one current version after dedupe and a
// retried batch never doubles a call. `call_keys` maps each id to its current key and
// version (ordered by id, with small granules, so the writer finds stored calls without
// scanning `calls`). Feedback and control documents came with version 2 (below).
// `weft_trace_schema` holds the versions applied. Statements are
// idempotent (ClickHouse has no transactions), so collectors opening at once agree.

import type { TraceMigration } from "./duckdb-trace-schema.ts";
import { newerVersionError } from "./kv.ts";

/** The columns of `calls` at schema version 1, in order, with their ClickHouse types. */
export const CLICKHOUSE_CALL_COLUMNS: readonly (readonly [string, string])[] = [
  ["key_op", "String"],
  ["key_time", "Int64"],
  ["id", "String"],
  ["version", "UInt64"],
  ["superseded", "UInt8"],
  ["trace_id", "Nullable(String)"],
  ["parent_id", "Nullable(String)"],
  ["op", "Nullable(String)"],
  ["op_name", "Nullable(String)"],
  ["model", "Nullable(String)"],
  ["status", "String"],
  ["started_at", "Nullable(Int64)"],
  ["ended_at", "Nullable(Int64)"],
  ["latency_ms", "Nullable(Int64)"],
  ["input_tokens", "Nullable(Int64)"],
  ["output_tokens", "Nullable(Int64)"],
  ["cost", "Nullable(Float64)"],
  ["inputs", "String"],
  ["output", "Nullable(String)"],
  ["error", "Nullable(String)"],
  ["attributes", "String"],
  ["usage", "String"],
  ["search", "String"],
  ["json_paths", "Array(String)"],
  ["json_values", "Array(Nullable(String))"],
  ["json_arrays", "Array(String)"],
  ["json_lengths", "Array(UInt32)"],
];

const callsDdl =
  `CREATE TABLE IF NOT EXISTS calls (${CLICKHOUSE_CALL_COLUMNS.map(([n, t]) => `${n} ${t}`).join(", ")}) ` +
  "ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(toDateTime(intDiv(key_time, 1000))) ORDER BY (key_op, key_time, id) " +
  // Rows are wide (JSON): smaller granules make the reads of a page's or a merge's rows cheap.
  "SETTINGS index_granularity = 2048";
const keysDdl = "CREATE TABLE IF NOT EXISTS call_keys (id String, key_op String, key_time Int64, version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY id SETTINGS index_granularity = 256";

// Version 2: feedback, the declared annotations and the control documents, each a
// ReplacingMergeTree on `version` (the writer's microsecond clock, above the stored version),
// read with FINAL. `feedback` is ordered by (call_id, id), so a call's feedback is a range;
// beside the value's JSON it keeps the value's type and text, whole (key '') and at each
// top-level key of an object (the key's JSON text), which `feedbackStats` reads (18.16 has no
// JSON functions). A control document is deleted by a newer version with `deleted = 1`.
const feedbackDdl =
  "CREATE TABLE IF NOT EXISTS feedback (id String, call_id String, kind String, name String, value String, author String, author_kind String, created_at Int64, updated_at Int64, source Nullable(String), " +
  "value_keys Array(String), value_types Array(String), value_texts Array(String), version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY (call_id, id) SETTINGS index_granularity = 1024";
const schemasDdl = "CREATE TABLE IF NOT EXISTS annotation_schemas (name String, schema String, version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY name";
const controlDdl = "CREATE TABLE IF NOT EXISTS control_docs (kind String, id String, value String, updated_at Int64, deleted UInt8, version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY (kind, id) SETTINGS index_granularity = 1024";

/** Every migration of the ClickHouse trace store, oldest first. */
export const CLICKHOUSE_TRACE_MIGRATIONS: readonly TraceMigration[] = [
  { version: 1, statements: [callsDdl, keysDdl] },
  { version: 2, statements: [feedbackDdl, schemasDdl, controlDdl] },
];

/** The schema version this Weft writes to ClickHouse. */
export const CLICKHOUSE_TRACE_SCHEMA_VERSION = CLICKHOUSE_TRACE_MIGRATIONS[CLICKHOUSE_TRACE_MIGRATIONS.length - 1]!.version;

/** What migrating needs of the server: statements without an answer, and the first column of a query's rows. */
export interface SchemaConnection {
  command(sql: string): Promise<void>;
  column(sql: string): Promise<unknown[]>;
}

/** The version the store's database is at (0 when new), without changing it. */
export async function clickHouseSchemaVersion(conn: SchemaConnection): Promise<number> {
  const tables = await conn.column("SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = 'weft_trace_schema'");
  if (Number(tables[0]) === 0) return 0;
  const [v] = await conn.column("SELECT max(version) FROM weft_trace_schema");
  return v === null || v === undefined ? 0 : Number(v);
}

/** Brings the store's database to the latest version; refuses a database newer than this Weft. Returns the version. */
export async function migrateClickHouseTraceStore(conn: SchemaConnection, where: string, migrations: readonly TraceMigration[] = CLICKHOUSE_TRACE_MIGRATIONS): Promise<number> {
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  const found = await clickHouseSchemaVersion(conn);
  if (found > latest) throw newerVersionError(where, found, latest);
  if (found === latest) return latest;
  await conn.command("CREATE TABLE IF NOT EXISTS weft_trace_schema (version UInt32) ENGINE = MergeTree ORDER BY version");
  for (const m of migrations.filter((m) => m.version > found)) {
    try {
      for (const sql of m.statements) await conn.command(sql);
      await conn.command(`INSERT INTO weft_trace_schema (version) VALUES (${m.version})`);
    } catch (error) {
      throw new Error(`migration of ${where} to schema version ${m.version} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return latest;
}
