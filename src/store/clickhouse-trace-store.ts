// The scale-out production trace store: the same `TraceStore` on a ClickHouse server (Debian's
// 18.16 or a current release), through the official client. Writes are group-committed by a
// bounded queue (`trace-write-queue.ts`) and merged by id in JS (`clickhouse-trace-writer.ts`);
// an acknowledged write is in ClickHouse. Every query is built by `trace-sql.ts` with the
// ClickHouse dialect and runs on the server: filters, `$expr`, stats with quantiles,
// children, samples and pages. Nothing is aggregated here.

import type { Call, PriceTable } from "../base/index.ts";
import { TraceClickHouse, type ClickHouseServerInfo } from "./clickhouse-trace-client.ts";
import { migrateClickHouseTraceStore } from "./clickhouse-trace-schema.ts";
import { parseClickHouseUrl } from "./clickhouse-trace-url.ts";
import { ClickHouseCallWriter } from "./clickhouse-trace-writer.ts";
import { clickHouseDialect, type ClickHouseDedupe, type SqlDialect } from "./trace-dialect.ts";
import { resolveBucket, validateFilter, validateQuery, validateStats, type NormalizedFilter } from "./trace-filter.ts";
import { validatePatches } from "./trace-merge.ts";
import { buildCount, buildQuery, buildStats, buildTimeRange, decodeCall, decodeStatsRow } from "./trace-sql.ts";
import { FilterError, type CallFilter, type CallPatch, type CallQuery, type StatsRow, type StatsSpec, type TraceStore, type WriteResult } from "./trace-store.ts";
import { WriteQueue } from "./trace-write-queue.ts";

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
}

/** At most this many patches per insert group (a larger single batch still goes alone). */
const MAX_GROUP_PATCHES = 32_768;

/** The open ClickHouse trace store, with what the server is. */
export interface ClickHouseTraceStore extends TraceStore {
  readonly server: ClickHouseServerInfo;
}

/** Opens the trace store in the database of `clickhouse://user:password@host:8123/db`, creating and migrating its tables; errors never show the password. */
export async function openClickHouseTraceStore(url: string, options: ClickHouseTraceStoreOptions = {}): Promise<ClickHouseTraceStore> {
  const target = parseClickHouseUrl(url);
  const ch = await TraceClickHouse.connect(target, options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs });
  try {
    await migrateClickHouseTraceStore({ command: (sql) => ch.command(sql), column: (sql) => ch.column({ sql, params: [] }) }, `trace store ${target.location}`);
    return new ClickHouseStore(target.location, ch, options);
  } catch (error) {
    await ch.close();
    throw error;
  }
}

/** Refuses a filter on feedback, which this store does not keep (yet): a FilterError naming it, not an SQL error. */
function noFeedback(f: NormalizedFilter, at: string): NormalizedFilter {
  const here = at ? `${at}.` : "";
  if (f.feedback) throw new FilterError(`${here}feedback`, "the ClickHouse trace store keeps no feedback; filter on feedback in the embedded (DuckDB) store");
  if (f.parent) noFeedback(f.parent, `${here}parent`);
  return f;
}

class ClickHouseStore implements ClickHouseTraceStore {
  readonly kind = "clickhouse";
  private closed = false;
  private readonly queue: WriteQueue;
  private readonly dialect: SqlDialect;
  private readonly now: () => number;
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

  get server(): ClickHouseServerInfo {
    return this.ch.info;
  }

  async write(patches: readonly CallPatch[]): Promise<WriteResult> {
    this.assertOpen();
    const valid = validatePatches(patches);
    if (valid.length === 0) return { patches: 0, inserted: 0, merged: 0 };
    return this.queue.push(valid);
  }

  async query(query: CallQuery): Promise<Call[]> {
    const q = validateQuery(query, this.now());
    noFeedback(q.filter, "filter");
    const built = buildQuery(this.dialect, q);
    return (await this.read(() => this.ch.rows(built))).map(decodeCall);
  }

  async count(filter?: CallFilter): Promise<number> {
    const f = noFeedback(validateFilter(filter, this.now()), "");
    const [n] = await this.read(() => this.ch.column(buildCount(this.dialect, f)));
    return Number(n);
  }

  async stats(filter: CallFilter | undefined, spec: StatsSpec): Promise<StatsRow[]> {
    const now = this.now();
    const f = noFeedback(validateFilter(filter, now), "");
    const s = validateStats(spec);
    const bucket = await resolveBucket(f, s.bucket, now, async () => {
      const [row] = await this.read(() => this.ch.rows(buildTimeRange(this.dialect, f)));
      return row && [row[0], row[1]];
    });
    const built = buildStats(this.dialect, f, { ...s, bucket });
    return (await this.read(() => this.ch.rows(built))).map((values) => decodeStatsRow(built.columns, values));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.idle();
    await Promise.allSettled([...this.reads]);
    await this.ch.close();
  }

  private async read<T>(run: () => Promise<T>): Promise<T> {
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
