// The call-cache benchmark's shared core: the same measurements in Node (LMDB) and in
// headless Chromium (IndexedDB); only the store and the call context carrier differ.
import type { KvStore } from "../../src/store/index.ts";
import { CallCache } from "../../src/trace/index.ts";
import { toCanonical } from "../../src/base/index.ts";
import { type ContextCarrier } from "../../src/trace/index.ts";
import { callKey } from "../../src/trace/index.ts";
import { type ActiveCall } from "../../src/trace/index.ts";
import { createTracing } from "../../src/trace/index.ts";
import { forgetLeafKeys, Vary } from "../../src/trace/index.ts";

/** What differs between Node and the browser. */
export interface Platform {
  readonly now: () => number;
  /** Opens a new, empty store; `tag` makes its name readable. */
  readonly openStore: (tag: string) => Promise<KvStore>;
  /** Closes and removes a store opened by `openStore`. */
  readonly dropStore: (store: KvStore) => Promise<void>;
  readonly context?: ContextCarrier<ActiveCall>;
}

/** Sizes; the defaults are the brief's. */
export interface Sizes {
  /** Calls in the lookup benchmark (also split over two op versions). */
  readonly keys: number;
  /** Rows of the table vary (× 2 ops × 5 trials leaves). */
  readonly rows: number;
  /** Leaves of the no-op overhead vary. */
  readonly noopLeaves: number;
  /** Repetitions per figure (the median is reported). */
  readonly reps: number;
}

export const DEFAULT_SIZES: Sizes = { keys: 10_000, rows: 1_000, noopLeaves: 10_000, reps: 9 };

/** Batched lookups: computing the keys, then `load` + one `get` per key in a fresh CallCache. */
export interface LookupResult {
  readonly label: string;
  readonly versions: number;
  readonly keys: number;
  readonly hits: number;
  /** Store round trips of the fresh cache (`cache.reads`). */
  readonly reads: number;
  /** Computing the keys from the rows: canonical JSON of each row + SHA-256 (`callKey`). */
  readonly keyMs: number;
  readonly loadMs: number;
  readonly getMs: number;
  /** Keys per second end to end: computing them, load and gets (the median of keyMs + loadMs + getMs over the reps). */
  readonly endToEndKeysPerSec: number;
  /** Keys per second with the keys already computed: load and gets only. */
  readonly keysPerSec: number;
  /** Bytes of the stored chunks as JSON, for context. */
  readonly chunkBytes: number;
}

/** Re-materializing a fully cached vary as a table. */
export interface TableResult {
  readonly leaves: number;
  readonly fillMs: number;
  readonly constructMs: number;
  readonly planMs: number;
  readonly executeMs: number;
  readonly tableMs: number;
  readonly totalMs: number;
  /** Leaves per second from the spec to the table: leaves / totalMs (the headline). */
  readonly leavesPerSec: number;
  readonly cached: number;
  readonly opCalls: number;
  readonly reads: number;
  readonly tableRows: number;
}

/** The engine's cost per leaf on a no-op op. */
export interface NoopResult {
  readonly leaves: number;
  readonly noCacheMs: number;
  readonly withCacheMs: number;
  readonly noCacheUsPerLeaf: number;
  readonly withCacheUsPerLeaf: number;
  readonly flushMs: number;
}

export interface CacheBenchResult {
  readonly platform: string;
  readonly lookups: LookupResult[];
  readonly table: TableResult;
  readonly noop: NoopResult;
}

/** Rows that look like a small eval set: an id, a question and an expected answer. */
export function makeRows(n: number, salt = ""): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i,
    question: `${salt}Question ${i}: what is the capital of the country listed as number ${i} in the atlas?`,
    expected: `City ${i}`,
  }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function tracing(p: Platform) {
  return createTracing(p.context ? { context: p.context } : {});
}

/** 1. Fills `store` with calls of `versions` op versions (keys split evenly), then times load + gets in fresh caches. */
async function lookups(p: Platform, label: string, versionCount: number, keys: number, reps: number): Promise<LookupResult> {
  const store = await p.openStore(`lookup-${versionCount}`);
  try {
    const { op } = tracing(p);
    const ops = Array.from({ length: versionCount }, (_, v) => op(`answer${v}`, (row: Record<string, unknown>, _params: Record<string, unknown>) => `The answer to ${String(row.question).length} is ${String(row.expected)}`));
    const perVersion = keys / versionCount;
    const rows = makeRows(perVersion);
    const filler = new CallCache(store);
    const lookupsOf: [string, string][] = [];
    let chunkBytes = 0;
    for (const o of ops) {
      for (const row of rows) {
        const key = callKey(o.version, [toCanonical(row), {}], 0);
        const { call } = await o.invoke([row, {}], { key, parent: null, attributes: { trial: 0, attempt: 1 } });
        filler.add(o.version, call);
        chunkBytes += JSON.stringify(call).length + 1;
        lookupsOf.push([o.version, key]);
      }
    }
    await filler.flush();
    const versions = ops.map((o) => o.version);

    const runs: { keyMs: number; loadMs: number; getMs: number; hits: number; reads: number }[] = [];
    for (let r = 0; r < reps; r++) {
      // The keys are computed again from fresh rows (nothing memoized), as a lookup by a new run must.
      const freshRows = makeRows(perVersion);
      const cache = new CallCache(store);
      const tk = p.now();
      const wanted: [string, string][] = [];
      for (const o of ops) for (const row of freshRows) wanted.push([o.version, callKey(o.version, [toCanonical(row), {}], 0)]);
      const t0 = p.now();
      await cache.load(versions);
      const t1 = p.now();
      let hits = 0;
      for (const [v, k] of wanted) if (cache.get(v, k)) hits++;
      const t2 = p.now();
      if (wanted.some(([, k], j) => k !== lookupsOf[j]![1])) throw new Error("recomputed keys differ from the stored ones");
      runs.push({ keyMs: t0 - tk, loadMs: t1 - t0, getMs: t2 - t1, hits, reads: cache.reads });
    }
    const total = median(runs.map((r) => r.loadMs + r.getMs));
    const endToEnd = median(runs.map((r) => r.keyMs + r.loadMs + r.getMs));
    return {
      label,
      versions: versionCount,
      keys,
      hits: Math.min(...runs.map((r) => r.hits)),
      reads: Math.max(...runs.map((r) => r.reads)),
      keyMs: median(runs.map((r) => r.keyMs)),
      loadMs: median(runs.map((r) => r.loadMs)),
      getMs: median(runs.map((r) => r.getMs)),
      endToEndKeysPerSec: keys / (endToEnd / 1000),
      keysPerSec: keys / (total / 1000),
      chunkBytes,
    };
  } finally {
    await p.dropStore(store);
  }
}

/** 2. A rows × 2 ops × 5 trials vary: executed once to fill the cache, then re-materialized as a table with fresh caches. */
async function tableBench(p: Platform, rowCount: number, reps: number): Promise<TableResult> {
  const store = await p.openStore("table");
  try {
    const { op } = tracing(p);
    let opCalls = 0;
    const a = op("a", (row: Record<string, unknown>) => {
      opCalls++;
      return `A: ${String(row.expected)}`;
    });
    const b = op("b", (row: Record<string, unknown>) => {
      opCalls++;
      return { text: `B: ${String(row.expected)}`, confidence: (Number(row.id) % 10) / 10 };
    });
    const data = makeRows(rowCount);
    const spec = { data, ops: { a, b }, trials: 5 };
    let t = p.now();
    const first = await new Vary(spec, { cache: new CallCache(store) }).execute();
    const fillMs = p.now() - t;
    if (first.progress.opCalls !== rowCount * 10) throw new Error(`fill made ${first.progress.opCalls} op calls, expected ${rowCount * 10}`);

    const runs: TableResult[] = [];
    for (let r = 0; r < reps; r++) {
      opCalls = 0;
      // Every leaf's key is computed, as in a fresh process: not the keys the last rep computed.
      forgetLeafKeys();
      const cache = new CallCache(store);
      const t0 = p.now();
      const vary = new Vary(spec, { cache });
      const t1 = p.now();
      await vary.plan();
      const t2 = p.now();
      const result = await vary.execute();
      const t3 = p.now();
      const table = result.table();
      const t4 = p.now();
      runs.push({
        leaves: result.leaves.length,
        fillMs,
        constructMs: t1 - t0,
        planMs: t2 - t1,
        executeMs: t3 - t2,
        tableMs: t4 - t3,
        totalMs: t4 - t0,
        leavesPerSec: result.leaves.length / ((t4 - t0) / 1000),
        cached: result.progress.cached,
        opCalls: opCalls + result.progress.opCalls,
        reads: cache.reads,
        tableRows: table.numRows(),
      });
    }
    const m = (f: (r: TableResult) => number) => median(runs.map(f));
    return {
      leaves: runs[0]!.leaves,
      fillMs,
      constructMs: m((r) => r.constructMs),
      planMs: m((r) => r.planMs),
      executeMs: m((r) => r.executeMs),
      tableMs: m((r) => r.tableMs),
      totalMs: m((r) => r.totalMs),
      leavesPerSec: runs[0]!.leaves / (m((r) => r.totalMs) / 1000),
      cached: Math.min(...runs.map((r) => r.cached)),
      opCalls: Math.max(...runs.map((r) => r.opCalls)),
      reads: Math.max(...runs.map((r) => r.reads)),
      tableRows: Math.min(...runs.map((r) => r.tableRows)),
    };
  } finally {
    await p.dropStore(store);
  }
}

/** 3. A cold execute of `leaves` no-op leaves (rows × 5 trials), without a cache and with one (flush included). */
async function noopBench(p: Platform, leaves: number, reps: number): Promise<NoopResult> {
  const trials = 5;
  const rows = leaves / trials;
  const noCache: number[] = [];
  const withCache: number[] = [];
  const flushes: number[] = [];
  // Run 0 is a warm-up at a tenth of the size and is not reported.
  for (let r = 0; r <= reps; r++) {
    const n = r === 0 ? rows / 10 : rows;
    const data = makeRows(n, `run ${r} `);
    {
      const { op } = tracing(p);
      const noop = op("noop", () => 0);
      const t0 = p.now();
      const result = await new Vary({ data, ops: { noop }, trials }, { cache: null }).execute();
      const ms = p.now() - t0;
      if (result.progress.opCalls !== n * trials) throw new Error(`noop run made ${result.progress.opCalls} calls`);
      if (r > 0) noCache.push(ms);
    }
    {
      const store = await p.openStore(`noop-${r}`);
      try {
        const { op } = tracing(p);
        const noop = op("noop", () => 0);
        const cache = new CallCache(store);
        const originalFlush = cache.flush.bind(cache);
        let flushMs = 0;
        cache.flush = async () => {
          const f0 = p.now();
          await originalFlush();
          flushMs += p.now() - f0;
        };
        const t0 = p.now();
        const result = await new Vary({ data, ops: { noop }, trials }, { cache }).execute();
        const ms = p.now() - t0;
        if (result.progress.opCalls !== n * trials || cache.pending() !== 0) throw new Error(`noop run with cache: ${result.progress.opCalls} calls, ${cache.pending()} unflushed`);
        if (r > 0) {
          withCache.push(ms);
          flushes.push(flushMs);
        }
      } finally {
        await p.dropStore(store);
      }
    }
  }
  const noCacheMs = median(noCache);
  const withCacheMs = median(withCache);
  return { leaves, noCacheMs, withCacheMs, noCacheUsPerLeaf: (noCacheMs * 1000) / leaves, withCacheUsPerLeaf: (withCacheMs * 1000) / leaves, flushMs: median(flushes) };
}

/** Runs the three measurements on one platform. */
export async function runAll(platform: string, p: Platform, sizes: Sizes = DEFAULT_SIZES, log: (s: string) => void = () => {}): Promise<CacheBenchResult> {
  log(`${platform}: lookups`);
  const one = await lookups(p, "1 version", 1, sizes.keys, sizes.reps);
  const two = await lookups(p, "2 versions", 2, sizes.keys, sizes.reps);
  log(`${platform}: table`);
  const table = await tableBench(p, sizes.rows, Math.max(1, Math.min(3, sizes.reps)));
  log(`${platform}: noop`);
  const noop = await noopBench(p, sizes.noopLeaves, Math.max(1, Math.min(3, sizes.reps)));
  return { platform, lookups: [one, two], table, noop };
}

/** Targets from the brief / DESIGN.md. */
export const TARGETS = { node: 500_000, chromium: 100_000 } as const;

/** Formats both platforms side by side as fixed-width tables. */
export function format(results: CacheBenchResult[]): string {
  const col = 16;
  const lab = 34;
  const line = (label: string, cells: string[]) => label.padEnd(lab) + cells.map((c) => c.padStart(col)).join("");
  const f = (x: number, d = 2) => x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  const i = (x: number) => Math.round(x).toLocaleString("en-US");
  const head = line("", results.map((r) => r.platform));
  const rule = "-".repeat(lab + col * results.length);
  const out: string[] = [];
  const target = (r: CacheBenchResult) => TARGETS[r.platform as keyof typeof TARGETS] ?? 0;

  const T = (r: CacheBenchResult) => r.table;
  out.push(`HEADLINE: a fully cached vary of ${i(T(results[0]!).leaves)} leaves, end to end from its spec to its answers (the table), fresh CallCache`, rule, head);
  out.push(line("end-to-end leaves/s", results.map((r) => i(T(r).leavesPerSec))));
  out.push(line("  spec to table ms", results.map((r) => f(T(r).totalMs))));
  out.push(line("  target leaves/s (the keys/s one)", results.map((r) => `${i(target(r))} ${T(r).leavesPerSec >= target(r) ? "met" : "MISSED"}`)));
  out.push(line("  op calls (must be 0)", results.map((r) => `${T(r).opCalls} ${T(r).opCalls === 0 ? "ok" : "FAIL"}`)));
  out.push("");
  out.push("1. batched lookups: compute the keys, then load + get per key, fresh CallCache", rule, head);
  for (let k = 0; k < results[0]!.lookups.length; k++) {
    const L = (r: CacheBenchResult) => r.lookups[k]!;
    const label = `${i(L(results[0]!).keys)} keys, ${L(results[0]!).label}`;
    out.push(line(`${label}: keys/s`, results.map((r) => i(L(r).endToEndKeysPerSec))));
    out.push(line("  compute keys ms", results.map((r) => f(L(r).keyMs))));
    out.push(line("  load ms", results.map((r) => f(L(r).loadMs))));
    out.push(line("  gets ms", results.map((r) => f(L(r).getMs))));
    out.push(line("  keys/s without computing the keys", results.map((r) => i(L(r).keysPerSec))));
    out.push(line("  store round trips (reads)", results.map((r) => String(L(r).reads))));
    out.push(line("  hits", results.map((r) => i(L(r).hits))));
    out.push(line("  target keys/s (with the keys)", results.map((r) => `${i(target(r))} ${L(r).endToEndKeysPerSec >= target(r) ? "met" : "MISSED"}`)));
  }
  out.push(line("stored calls, JSON bytes", results.map((r) => i(r.lookups[0]!.chunkBytes))));
  out.push("");
  out.push(`2. the headline's parts (${i(results[0]!.table.leaves)} leaves)`, rule, head);
  out.push(line("new Vary (leaves + keys) ms", results.map((r) => f(r.table.constructMs))));
  out.push(line("plan (load + restore) ms", results.map((r) => f(r.table.planMs))));
  out.push(line("execute ms", results.map((r) => f(r.table.executeMs))));
  out.push(line("table() ms", results.map((r) => f(r.table.tableMs))));
  out.push(line("total ms", results.map((r) => f(r.table.totalMs))));
  out.push(line("cached leaves / table rows", results.map((r) => `${i(r.table.cached)}/${i(r.table.tableRows)}`)));
  out.push(line("store round trips (reads)", results.map((r) => String(r.table.reads))));
  out.push(line("first (filling) execute ms", results.map((r) => f(r.table.fillMs))));
  out.push("");
  out.push(`3. engine overhead per leaf, cold execute of ${i(results[0]!.noop.leaves)} no-op leaves`, rule, head);
  out.push(line("no cache: µs/leaf", results.map((r) => f(r.noop.noCacheUsPerLeaf))));
  out.push(line("with cache + flush: µs/leaf", results.map((r) => f(r.noop.withCacheUsPerLeaf))));
  out.push(line("  no cache, total ms", results.map((r) => f(r.noop.noCacheMs))));
  out.push(line("  with cache, total ms", results.map((r) => f(r.noop.withCacheMs))));
  out.push(line("  of which flushes ms", results.map((r) => f(r.noop.flushMs))));
  out.push("");
  out.push("headline: a fresh CallCache over the filled store; new Vary builds the leaves and computes every leaf's key, plan() loads and restores them, execute() runs nothing, table() builds the arquero table; leaves/s = leaves / that total.");
  out.push("keys/s: cache keys answered per second from the rows: computing each key (canonical JSON + SHA-256), one load() of the op versions (two batched store reads), one in-memory get() per key; \"without computing the keys\" is the old figure.");
  const nl = results[0]!.noop.leaves;
  out.push(`µs/leaf: wall time of new Vary + execute() of op("noop", () => 0) over ${i(nl)} leaves (${i(nl / 5)} rows × 5 trials) divided by the leaves; with cache it includes add() and the flush into an empty store.`);
  out.push("Figures are medians: lookups over 9 fresh caches, the others over up to 3 runs (no-op runs after a warm-up).");
  return out.join("\n");
}
