// The write path of the DuckDB trace store, on the writer connection only, through the
// appender (data chunks, never a statement per row). A write is one transaction (`begin` …
// `commit`): rows of new ids are appended straight into `calls`, where the primary key
// refuses the chunk if an id is stored already; rows that replace stored ones go through a
// staging table into `calls` with one INSERT OR REPLACE.

import { DOUBLE, DuckDBDataChunk, VARCHAR, type DuckDBAppender, type DuckDBConnection, type DuckDBType, type DuckDBValue } from "@duckdb/node-api";
import type { Json } from "../base/index.ts";
import { STORED_COLUMNS } from "./duckdb-trace-schema.ts";
import { derive, type TraceRow } from "./trace-merge.ts";
import { CALL_COLUMNS, CALLS_TABLE, decodeTraceRow } from "./trace-sql.ts";

const STAGING = "calls_staging";
const IDS = "ids_staging";
/** Rows per data chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;
/** Up to this many ids are read back through the index (one placeholder each); more by one scan of the id column. */
const POINT_READS = 256;
// Numbers travel as DOUBLE (exact for integer epoch ms) and are cast to BIGINT on the way in.
const CHUNK_TYPES: readonly DuckDBType[] = STORED_COLUMNS.map((c) => (c.type === "VARCHAR" ? VARCHAR : DOUBLE));
const SELECT = `SELECT ${CALL_COLUMNS.join(", ")} FROM ${CALLS_TABLE}`;

/** The appenders and staging tables of the one writer connection. */
export class DuckDbCallWriter {
  private constructor(
    private readonly conn: DuckDBConnection,
    private calls: DuckDBAppender,
    private readonly staging: DuckDBAppender,
    private readonly ids: DuckDBAppender,
  ) {}

  /** Creates the staging tables (temporary: in memory, outside the file) and the appenders. */
  static async create(conn: DuckDBConnection): Promise<DuckDbCallWriter> {
    const cols = STORED_COLUMNS.map((c) => `${c.name} ${c.type === "VARCHAR" ? "VARCHAR" : "DOUBLE"}`).join(", ");
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${STAGING} (${cols}); CREATE OR REPLACE TEMP TABLE ${IDS} (id VARCHAR)`);
    const [calls, staging, ids] = await Promise.all([conn.createAppender(CALLS_TABLE), conn.createAppender(STAGING, "main", "temp"), conn.createAppender(IDS, "main", "temp")]);
    return new DuckDbCallWriter(conn, calls, staging, ids);
  }

  /** Opens the write's transaction. */
  async begin(): Promise<void> {
    await this.conn.run("BEGIN TRANSACTION");
  }

  /** Appends rows of ids believed new; false when one is stored already, and then the transaction is rolled back and nothing is kept. */
  async appendNew(rows: readonly TraceRow[]): Promise<boolean> {
    try {
      await append(this.calls, CHUNK_TYPES, rows.length, (from, to) => columnsOf(rows, from, to));
      return true;
    } catch (error) {
      await this.abandon();
      if (/duplicate key|constraint/i.test(error instanceof Error ? error.message : String(error))) return false;
      throw error;
    }
  }

  /** The stored rows of these ids, read inside the open transaction. */
  async readStored(ids: readonly string[]): Promise<Map<string, TraceRow>> {
    let result;
    if (ids.length <= POINT_READS) {
      result = await this.conn.runAndReadAll(`${SELECT} WHERE id IN (${ids.map((_, i) => `$${i + 1}`).join(", ")})`, [...ids]);
    } else {
      await append(this.ids, [VARCHAR], ids.length, (from, to) => [ids.slice(from, to) as DuckDBValue[]]);
      result = await this.conn.runAndReadAll(`${SELECT} WHERE id IN (SELECT id FROM ${IDS})`);
      await this.conn.run(`DELETE FROM ${IDS}`);
    }
    return new Map(result.getRowsJS().map((values) => decodeTraceRow(values)).map((row) => [row.id, row]));
  }

  /** Writes rows over the stored ones with the same ids (inserting the others), then commits. */
  async replaceAndCommit(rows: readonly TraceRow[]): Promise<void> {
    await append(this.staging, CHUNK_TYPES, rows.length, (from, to) => columnsOf(rows, from, to));
    await this.conn.run(`INSERT OR REPLACE INTO ${CALLS_TABLE} SELECT * FROM ${STAGING}; DELETE FROM ${STAGING}; COMMIT`);
  }

  /** Commits the write: once this resolves it is durable. */
  async commit(): Promise<void> {
    await this.conn.run("COMMIT");
  }

  /** Abandons a write: rolls back when a transaction is open and empties the appenders and staging tables. */
  async abandon(): Promise<void> {
    await this.conn.run("ROLLBACK").catch(() => undefined);
    for (const a of [this.staging, this.ids]) a.clear();
    // An appender whose flush failed keeps the refused rows; a new one starts clean.
    this.calls.clear();
    this.calls.closeSync();
    this.calls = await this.conn.createAppender(CALLS_TABLE);
    await this.conn.run(`DELETE FROM ${STAGING}; DELETE FROM ${IDS}`).catch(() => undefined);
  }

  /** Closes the appenders. */
  close(): void {
    for (const a of [this.calls, this.staging, this.ids]) a.closeSync();
  }
}

/** Appends `count` rows chunk by chunk, flushing each (into the open transaction, if any) and letting the event loop run between chunks. */
async function append(appender: DuckDBAppender, types: readonly DuckDBType[], count: number, columns: (from: number, to: number) => DuckDBValue[][]): Promise<void> {
  for (let from = 0; from < count; from += CHUNK_ROWS) {
    if (from > 0) await new Promise((resolve) => setImmediate(resolve));
    const to = Math.min(count, from + CHUNK_ROWS);
    const chunk = DuckDBDataChunk.create(types, to - from);
    chunk.setColumns(columns(from, to));
    appender.appendDataChunk(chunk);
    appender.flushSync();
  }
}

const json = (v: Json | null): string | null => (v === null ? null : JSON.stringify(v));

/** Rows `from` to `to` as the columns of `STORED_COLUMNS`, in order. */
function columnsOf(rows: readonly TraceRow[], from: number, to: number): DuckDBValue[][] {
  const n = to - from;
  const cols: DuckDBValue[][] = STORED_COLUMNS.map(() => new Array<DuckDBValue>(n));
  for (let i = 0; i < n; i++) {
    const row = rows[from + i]!;
    const d = derive(row);
    let c = 0;
    for (const v of [row.id, row.traceId, row.parentId, row.op, d.opName, d.model, d.status, row.startedAt, row.endedAt, d.latencyMs, d.inputTokens, d.outputTokens, row.cost, JSON.stringify(row.inputs), json(row.output), json(row.error as Json | null), JSON.stringify(row.attributes), JSON.stringify(row.usage), d.search]) cols[c++]![i] = v;
  }
  return cols;
}

