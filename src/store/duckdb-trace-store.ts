// The embedded production trace store: one DuckDB file, one writer connection fed by a
// bounded queue, and a small pool of reader connections so queries run while a write is in
// flight. Writes are group-committed: the batches that queue while a transaction is in flight
// share the next one, and each resolves once it has committed. A transaction merges its
// patches per id in JS (`trace-merge.ts`) and writes the rows with the appender
// (`duckdb-trace-staging.ts`): new ids straight into
// `calls`, ids already stored through a staging table and INSERT OR REPLACE, after reading
// them back (or finding them among the recent rows of running calls). Queries are built by
// `trace-sql.ts` and run on the readers.

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import type { Call, PriceTable } from "../base/index.ts";
import { duckDbFeedback, runBuilt } from "./duckdb-feedback.ts";
import { duckDbControl } from "./duckdb-control.ts";
import type { ControlStore } from "./control-store.ts";
import { migrateTraceStore } from "./duckdb-trace-schema.ts";
import { withParts } from "./store-parts.ts";
import { DuckDbCallWriter } from "./duckdb-trace-staging.ts";
import { RecentRows } from "./recent-rows.ts";
import { groupResults, patchesById, WriteQueue } from "./trace-write-queue.ts";
import { DUCKDB_DIALECT } from "./trace-dialect.ts";
import { chooseBucket, validateFilter, validateQuery, validateStats } from "./trace-filter.ts";
import { applyPatch, emptyRow, validatePatches, type TraceRow } from "./trace-merge.ts";
import { buildCount, buildQuery, buildStats, buildTimeRange, decodeCall, decodeStatsRow, type BuiltSql } from "./trace-sql.ts";
import type { FeedbackStore } from "./feedback.ts";
import type { CallFilter, CallPatch, CallQuery, StatsRow, StatsSpec, TraceStore, WriteResult } from "./trace-store.ts";

/** Options of `openDuckDbTraceStore`. */
export interface DuckDbTraceStoreOptions {
  /** Prices for the cost of patches that bring usage but no cost; without them such costs come only from usage entries that carry one. */
  readonly prices?: PriceTable;
  /** How many write batches may be pending (running or waiting) before `write` rejects (default 64). */
  readonly maxPendingWrites?: number;
  /** Idle reader connections kept for reuse (default 4). */
  readonly idleReaders?: number;
  /** How many rows of running calls to keep in memory, so that their later patches merge without reading them back (default 20,000). */
  readonly recentRows?: number;
  /** The clock for relative times in filters (default `Date.now`). */
  readonly now?: () => number;
  /**
   * How large the write-ahead log may grow before DuckDB checkpoints it into the file (default
   * "256MB", about 230,000 calls). Every commit is durable in the log either way; a checkpoint
   * recompresses the table's last, partly filled row group, so at DuckDB's default of 16MB
   * (a checkpoint every ~15,000 calls) each row was compressed several times over and
   * checkpoints took most of the write time. A larger log costs replay time when a store that
   * was not closed is opened again.
   */
  readonly checkpointThreshold?: string;
}

const open = new Set<string>();

/** See `DuckDbTraceStoreOptions.checkpointThreshold`. */
const DEFAULT_CHECKPOINT_THRESHOLD = "256MB";

/** Opens (creating if needed, migrating if older) the DuckDB trace store at `path`; rejects a newer file and a file another process holds, with a clear message. */
export async function openDuckDbTraceStore(path: string, options: DuckDbTraceStoreOptions = {}): Promise<TraceStore & FeedbackStore & ControlStore> {
  if (open.has(path)) throw new Error(`the trace store ${path} is already open in this process; share that store instead of opening it twice`);
  let instance: DuckDBInstance;
  try {
    mkdirSync(dirname(path), { recursive: true });
    instance = await DuckDBInstance.create(path, { checkpoint_threshold: options.checkpointThreshold ?? DEFAULT_CHECKPOINT_THRESHOLD });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/could not set lock|conflicting lock/i.test(message)) {
      throw new Error(`the trace store ${path} is in use by another process (a running collector?); ask it instead with --url http://127.0.0.1:4318`, { cause: error });
    }
    throw new Error(`cannot open the trace store ${path}: ${message}`, { cause: error });
  }
  open.add(path);
  try {
    const writer = await instance.connect();
    await migrateTraceStore(writer, `trace store ${path}`);
    const calls = new DuckDbTraceStore(path, instance, writer, await DuckDbCallWriter.create(writer), options);
    return withParts(calls, await duckDbFeedback(instance, options.now), await duckDbControl(instance), {});
  } catch (error) {
    open.delete(path);
    instance.closeSync();
    throw error;
  }
}

/** At most this many patches go into one group-commit transaction (a single larger batch still goes alone). */
const MAX_GROUP_PATCHES = 32_768;

class DuckDbTraceStore implements TraceStore {
  readonly kind = "duckdb";
  private closed = false;
  /** Group commit: batches that arrive while a transaction is in flight share the next one. */
  private readonly queue: WriteQueue;
  private readonly idle: DuckDBConnection[] = [];
  private readonly reads = new Set<Promise<unknown>>();
  private readonly now: () => number;
  /** Committed rows of running calls: their later patches merge without reading the row back. */
  private readonly recent: RecentRows;

  constructor(
    readonly location: string,
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly calls: DuckDbCallWriter,
    private readonly options: DuckDbTraceStoreOptions,
  ) {
    this.queue = new WriteQueue((batches) => this.writeNow(batches), { maxPending: options.maxPendingWrites ?? 64, maxGroupPatches: MAX_GROUP_PATCHES, location });
    this.now = options.now ?? Date.now;
    this.recent = new RecentRows(options.recentRows ?? 20_000);
  }

  async write(patches: readonly CallPatch[]): Promise<WriteResult> {
    this.assertOpen();
    const valid = validatePatches(patches);
    if (valid.length === 0) return { patches: 0, inserted: 0, merged: 0 };
    return this.queue.push(valid);
  }

  /**
   * One transaction for one or more batches, folded in order as if written one after the
   * other. Patches are folded per id in JS: over the committed row when it is a recent running
   * one, else over an empty row, appended as new. When the primary key refuses that append (the
   * id is stored, but not among the recent rows), the write starts over and reads the stored
   * rows back first. Returns each batch's result: an id is inserted by the first batch that
   * has it when it was not stored before, and merged everywhere else.
   */
  private async writeNow(batches: readonly (readonly CallPatch[])[]): Promise<WriteResult[]> {
    const byId = patchesById(batches);
    const fold = (row: TraceRow, id: string) => byId.get(id)!.reduce((r, p) => applyPatch(r, p, this.options.prices), row);
    const ids = [...byId.keys()];
    const unknown = ids.filter((id) => !this.recent.get(id));
    const w = this.calls;
    try {
      await w.begin();
      const fresh = unknown.map((id) => fold(emptyRow(id), id));
      const appended = await w.appendNew(fresh);
      let stored: ReadonlyMap<string, TraceRow> = new Map();
      if (!appended) {
        await w.begin();
        stored = await w.readStored(unknown);
      }
      // Rows written over stored ones: the recent ones, and every other one once the append was refused.
      const replace: TraceRow[] = [];
      for (const id of ids) {
        const recent = this.recent.get(id);
        if (recent) replace.push(fold(recent, id));
        else if (!appended) replace.push(fold(stored.get(id) ?? emptyRow(id), id));
      }
      if (replace.length) await w.replaceAndCommit(replace);
      else await w.commit();
      this.recent.add(appended ? [...fresh, ...replace] : replace);
      if (batches.length === 1) {
        const merged = ids.length - unknown.length + stored.size;
        return [{ patches: batches[0]!.length, inserted: ids.length - merged, merged }];
      }
      return groupResults(batches, new Set(unknown.filter((id) => !stored.has(id))));
    } catch (error) {
      // Memory may no longer match the file (a commit that failed late): forget the recent rows.
      this.recent.clear();
      await w.abandon();
      throw error;
    }
  }

  async query(query: CallQuery): Promise<Call[]> {
    const built = buildQuery(DUCKDB_DIALECT, validateQuery(query, this.now()));
    return (await this.read(built)).map(decodeCall);
  }

  async count(filter?: CallFilter): Promise<number> {
    const rows = await this.read(buildCount(DUCKDB_DIALECT, validateFilter(filter, this.now())));
    return Number(rows[0]![0]);
  }

  async stats(filter: CallFilter | undefined, spec: StatsSpec): Promise<StatsRow[]> {
    const now = this.now();
    const f = validateFilter(filter, now);
    const s = validateStats(spec);
    let bucket = s.bucket;
    if (bucket === "auto") {
      let from = f.since ?? null;
      let to = f.until ?? null;
      if (from === null || to === null) {
        const [min, max] = (await this.read(buildTimeRange(DUCKDB_DIALECT, f)))[0]!;
        from ??= min === null ? now : Number(min);
        to ??= f.since !== undefined ? now : max === null ? now : Number(max);
      }
      bucket = chooseBucket(from, Math.max(from, to));
    }
    const built = buildStats(DUCKDB_DIALECT, f, { ...s, bucket });
    return (await this.read(built)).map((values) => decodeStatsRow(built.columns, values));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.idle();
    await Promise.allSettled([...this.reads]);
    this.calls.close();
    for (const c of this.idle.splice(0)) c.closeSync();
    this.writer.closeSync();
    this.instance.closeSync();
    open.delete(this.location);
  }

  /** Runs a query on a reader connection (never the writer), so it does not wait for writes. */
  private async read(built: BuiltSql): Promise<unknown[][]> {
    this.assertOpen();
    const run = (async () => {
      const conn = this.idle.pop() ?? (await this.instance.connect());
      try {
        return await runBuilt(conn, built);
      } finally {
        if (!this.closed && this.idle.length < (this.options.idleReaders ?? 4)) this.idle.push(conn);
        else conn.closeSync();
      }
    })();
    this.reads.add(run);
    try {
      return await run;
    } finally {
      this.reads.delete(run);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the trace store ${this.location} is closed`);
  }
}
