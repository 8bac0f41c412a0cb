// The scale-out production trace store: the same `TraceStore` on a ClickHouse server (Debian's
// 18.16 or a current release), through the official client. Writes are group-committed by a
// bounded queue (`trace-write-queue.ts`) and merged by id in JS (`clickhouse-trace-writer.ts`);
// an acknowledged write is in ClickHouse. Every query is built by `trace-sql.ts` with the
// ClickHouse dialect and runs on the server: filters (feedback too), `$expr`, stats with
// quantiles, children, samples and pages. Nothing is aggregated here. Feedback
// (`clickhouse-feedback.ts`) and control documents (`clickhouse-control.ts`) are kept beside
// the calls, so the production services run on this store as on the embedded one.

import type { Call, PriceTable } from "../base/index.ts";
import { clickHouseControl } from "./clickhouse-control.ts";
import { clickHouseFeedback } from "./clickhouse-feedback.ts";
import { TraceClickHouse, type ClickHouseConnection, type ClickHouseServerInfo } from "./clickhouse-trace-client.ts";
import { migrateClickHouseTraceStore } from "./clickhouse-trace-schema.ts";
import { parseClickHouseUrl } from "./clickhouse-trace-url.ts";
import { ClickHouseCallWriter } from "./clickhouse-trace-writer.ts";
import { clickHouseDialect, type ClickHouseDedupe, type SqlDialect } from "./trace-dialect.ts";
import { resolveBucket, validateFilter, validateQuery, validateStats } from "./trace-filter.ts";
import { validatePatches } from "./trace-merge.ts";
import { buildCount, buildQuery, buildStats, buildTimeRange, decodeCall, decodeStatsRow } from "./trace-sql.ts";
import type { CallFilter, CallPatch, CallQuery, StatsRow, StatsSpec, TraceStore, WriteResult } from "./trace-store.ts";
import { WriteQueue } from "./trace-write-queue.ts";
import type { ControlStore } from "./control-store.ts";
import type { FeedbackStore } from "./feedback.ts";
import { withParts } from "./store-parts.ts";

/** Options of `openClickHouseTraceStore`. */
export interface ClickHouseTraceStoreOptions {
  /** Prices for the cost of patches that bring usage but no cost. */
  readonly prices?: PriceTable;
  /** The clock for relative times in filters (default `Date.now`). */
  readonly now?: () => number;
  /** How reads pick each call's newest version (default `final`, the faster in bench/clickhouse). */
  readonly dedupe?: ClickHouseDedupe;
  /** How many write batches may be pending before `write` rejects (default 64). */
  readonly maxPendingWrites?: number;
  /** Inserts start at least this many ms apart; batches arriving meanwhile share one (default 50). */
  readonly minInsertIntervalMs?: number;
  /** Rows of running calls kept to merge their later patches without a read (default 20,000). */
  readonly cacheRows?: number;
  /** How long one request to the server may take (default 60 s). */
  readonly requestTimeoutMs?: number;
  /** A connection to use instead of HTTP to the URL's server (see `ClickHouseConnectOptions.connection`). */
  readonly connection?: ClickHouseConnection;
}

/** At most this many patches per insert group (a larger single batch still goes alone). */
const MAX_GROUP_PATCHES = 32_768;

/** The open ClickHouse trace store, with its feedback and control documents, and what the server is. */
export interface ClickHouseTraceStore extends TraceStore, FeedbackStore, ControlStore {
  readonly server: ClickHouseServerInfo;
}

/** Opens the trace store in the database of `clickhouse://user:password@host:8123/db`, creating and migrating its tables; errors never show the password. */
export async function openClickHouseTraceStore(url: string, options: ClickHouseTraceStoreOptions = {}): Promise<ClickHouseTraceStore> {
  const target = parseClickHouseUrl(url);
  const ch = await TraceClickHouse.connect(target, { ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }), ...(options.connection ? { connection: options.connection } : {}) });
  try {
    await migrateClickHouseTraceStore({ command: (sql) => ch.command(sql), column: (sql) => ch.column({ sql, params: [] }) }, `trace store ${target.location}`);
    const calls = new ClickHouseStore(target.location, ch, options);
    const guard = <T>(run: () => Promise<T>) => calls.guard(run);
    const feedback = clickHouseFeedback({ ch, dialect: calls.dialect, now: calls.now, guard, location: target.location, ...(options.maxPendingWrites === undefined ? {} : { maxPendingWrites: options.maxPendingWrites }), ...(options.minInsertIntervalMs === undefined ? {} : { minInsertIntervalMs: options.minInsertIntervalMs }) });
    return withParts(calls, feedback, clickHouseControl(ch, guard), { server: ch.info });
  } catch (error) {
    await ch.close();
    throw error;
  }
}

/** The calls part of the store. */
class ClickHouseStore implements TraceStore {
  readonly kind = "clickhouse";
  private closed = false;
  private readonly queue: WriteQueue;
  readonly dialect: SqlDialect;
  readonly now: () => number;
  private readonly reads = new Set<Promise<unknown>>();

  constructor(
    readonly location: string,
    private readonly ch: TraceClickHouse,
    options: ClickHouseTraceStoreOptions,
  ) {
    const writer = new ClickHouseCallWriter(ch, options.prices, options.cacheRows ?? 20_000);
    this.queue = new WriteQueue((batches) => writer.write(batches), {
      maxPending: options.maxPendingWrites ?? 64,
      maxGroupPatches: MAX_GROUP_PATCHES,
      minIntervalMs: options.minInsertIntervalMs ?? 50,
      location,
    });
    this.dialect = clickHouseDialect(options.dedupe ?? "final");
    this.now = options.now ?? Date.now;
  }

  async write(patches: readonly CallPatch[]): Promise<WriteResult> {
    this.assertOpen();
    const valid = validatePatches(patches);
    if (valid.length === 0) return { patches: 0, inserted: 0, merged: 0 };
    return this.queue.push(valid);
  }

  async query(query: CallQuery): Promise<Call[]> {
    const q = validateQuery(query, this.now());
    const built = buildQuery(this.dialect, q);
    return (await this.guard(() => this.ch.rows(built))).map(decodeCall);
  }

  async count(filter?: CallFilter): Promise<number> {
    const f = validateFilter(filter, this.now());
    const [n] = await this.guard(() => this.ch.column(buildCount(this.dialect, f)));
    return Number(n);
  }

  async stats(filter: CallFilter | undefined, spec: StatsSpec): Promise<StatsRow[]> {
    const now = this.now();
    const f = validateFilter(filter, now);
    const s = validateStats(spec);
    const bucket = await resolveBucket(f, s.bucket, now, async () => {
      const [row] = await this.guard(() => this.ch.rows(buildTimeRange(this.dialect, f)));
      return row && [row[0], row[1]];
    });
    const built = buildStats(this.dialect, f, { ...s, bucket });
    return (await this.guard(() => this.ch.rows(built))).map((values) => decodeStatsRow(built.columns, values));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.idle();
    await Promise.allSettled([...this.reads]);
    await this.ch.close();
  }

  /** Runs a request unless the store is closed; `close` waits for the requests in flight. */
  async guard<T>(run: () => Promise<T>): Promise<T> {
    this.assertOpen();
    const p = run();
    this.reads.add(p);
    try {
      return await p;
    } finally {
      this.reads.delete(p);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the trace store ${this.location} is closed`);
  }
}
