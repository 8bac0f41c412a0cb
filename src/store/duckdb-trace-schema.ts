// The DuckDB trace store's tables and their migrations. One row per call in `calls`: typed
// columns for what is filtered and aggregated, JSON text for the rest. Times are BIGINT epoch ms,
// so a time bucket is one integer division. `weft_trace_schema` holds the version; opening
// runs the pending migrations in order in one transaction and refuses a newer file.

import type { DuckDBConnection } from "@duckdb/node-api";
import { newerVersionError } from "./kv.ts";
import { FEEDBACK_MIGRATION } from "./duckdb-feedback.ts";
import { CONTROL_MIGRATION } from "./duckdb-control.ts";

/** A stored column: its name and DuckDB type, in table order. JSON is kept as VARCHAR text (valid JSON, written by `JSON.stringify`), which DuckDB's JSON functions read as they read the JSON type, without a cast on every write. */
export interface StoredColumn {
  readonly name: string;
  readonly type: "VARCHAR" | "BIGINT" | "DOUBLE";
}

/** The columns of `calls` at schema version 1, in order; the staging table and the appender use the same order. */
export const STORED_COLUMNS: readonly StoredColumn[] = [
  { name: "id", type: "VARCHAR" },
  { name: "trace_id", type: "VARCHAR" },
  { name: "parent_id", type: "VARCHAR" },
  { name: "op", type: "VARCHAR" },
  { name: "op_name", type: "VARCHAR" },
  { name: "model", type: "VARCHAR" },
  { name: "status", type: "VARCHAR" },
  { name: "started_at", type: "BIGINT" },
  { name: "ended_at", type: "BIGINT" },
  { name: "latency_ms", type: "BIGINT" },
  { name: "input_tokens", type: "BIGINT" },
  { name: "output_tokens", type: "BIGINT" },
  { name: "cost", type: "DOUBLE" },
  { name: "inputs", type: "VARCHAR" },
  { name: "output", type: "VARCHAR" },
  { name: "error", type: "VARCHAR" },
  { name: "attributes", type: "VARCHAR" },
  { name: "usage", type: "VARCHAR" },
  { name: "search", type: "VARCHAR" },
];

/** One schema step: statements run in order inside the opening transaction. */
export interface TraceMigration {
  readonly version: number;
  readonly statements: readonly string[];
}

const columnsDdl = STORED_COLUMNS.map((c) => (c.name === "id" ? "id VARCHAR PRIMARY KEY" : c.name === "status" ? "status VARCHAR NOT NULL" : `${c.name} ${c.type}`)).join(", ");

/** Every migration of the trace store, oldest first. */
export const TRACE_MIGRATIONS: readonly TraceMigration[] = [
  { version: 1, statements: [`CREATE TABLE calls (${columnsDdl})`] },
  // Feedback on calls (reactions, notes, annotations) and the declared annotations.
  { version: 2, statements: FEEDBACK_MIGRATION },
  // Control documents: curation rules, monitors, alert rules and their state, dataset versions.
  { version: 3, statements: CONTROL_MIGRATION },
];

/** The schema version this Weft writes. */
export const TRACE_SCHEMA_VERSION = TRACE_MIGRATIONS[TRACE_MIGRATIONS.length - 1]!.version;

/** The version a store file is at (0 when new), without changing it. */
export async function traceSchemaVersion(conn: DuckDBConnection): Promise<number> {
  const tables = await conn.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'weft_trace_schema'");
  if (Number(tables.getRows()[0]![0]) === 0) return 0;
  const found = await conn.runAndReadAll("SELECT max(version) FROM weft_trace_schema");
  const v = found.getRows()[0]![0];
  return v === null || v === undefined ? 0 : Number(v);
}

/** Brings a store file to the latest version in one transaction; refuses a file newer than this Weft. Returns the version. */
export async function migrateTraceStore(conn: DuckDBConnection, where: string, migrations: readonly TraceMigration[] = TRACE_MIGRATIONS): Promise<number> {
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  await conn.run("BEGIN TRANSACTION");
  try {
    const found = await traceSchemaVersion(conn);
    if (found > latest) throw newerVersionError(where, found, latest);
    if (found < latest) {
      await conn.run("CREATE TABLE IF NOT EXISTS weft_trace_schema (version INTEGER NOT NULL)");
      for (const m of migrations.filter((m) => m.version > found)) {
        try {
          for (const sql of m.statements) await conn.run(sql);
        } catch (error) {
          throw new Error(`migration of ${where} to schema version ${m.version} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
      }
      await conn.run("DELETE FROM weft_trace_schema");
      await conn.run("INSERT INTO weft_trace_schema VALUES ($1)", [latest]);
    }
    await conn.run("COMMIT");
    return latest;
  } catch (error) {
    await conn.run("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
