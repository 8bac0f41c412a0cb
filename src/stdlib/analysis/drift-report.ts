import * as aq from "arquero";
import { centroidDistance, populationStabilityIndex, unit, type DriftComputation } from "../../analysis/index.ts";
import { withCallSource, type CallSource } from "../../base/index.ts";
import type { Embeddings, EmbedOptions } from "../../eval/index.ts";
import { parseDuration } from "../../store/index.ts";
import { analysisCancelled, analysisProgress, runWithProgress, type AnalysisProgress, type AnalysisRunner } from "./analysis-runner.ts";
import { rowsOf } from "./analysis-rows.ts";
import { resolveTextOption, textOfRow, type TextOption } from "./cluster-text.ts";

/** Options of `drift(reference, current, options)`. */
export interface DriftOptions {
  /** Which text of a row is embedded (as for `cluster`). */
  readonly text?: TextOption;
  /** The embedding model; absent, the offline hashing embedder. */
  readonly embed?: EmbedOptions;
  /** A current row is flagged when farther from every reference row than this percentile of the reference's own nearest-neighbour distances (default 99). */
  readonly q?: number;
  /** Reference clusters whose shares the PSI compares (default 8). */
  readonly k?: number;
  /** Seeds the threshold's sample and the clusters (default 0). */
  readonly seed?: number;
  /** Reference rows whose own distance sets the threshold (default 2,000). */
  readonly sample?: number;
  /** Time buckets of the current rows: "1h", "1d", or milliseconds (default "1h"). */
  readonly every?: string | number;
  /** The time column of the current rows (default `started_at`). */
  readonly time?: string;
}

/** What `drift` needs from its host: the cached embedder and the runner (a worker in the browser). */
export interface DriftDeps {
  readonly embed: (texts: readonly string[], options?: EmbedOptions) => Promise<Embeddings>;
  readonly runner: AnalysisRunner;
}

const REPORT = Symbol.for("weft.drift");

/** Whether a value is the result of `drift(...)`. */
export function isDriftReport(value: unknown): value is DriftReport {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[REPORT] === true;
}

/** One current row's drift. */
interface DriftRow {
  readonly row: Readonly<Record<string, unknown>>;
  readonly text: string;
  readonly time: number;
  readonly distance: number;
  readonly drifted: boolean;
  readonly cluster: number;
}

/**
 * The result of `drift(reference, current)`: each current row's distance to its nearest
 * reference row and whether it is past the threshold, and per time bucket the share flagged,
 * the distance between the bucket's centroid and the reference's, and the PSI of the shares of
 * the reference's clusters.
 */
export class DriftReport {
  readonly [REPORT] = true;

  constructor(
    readonly threshold: number,
    readonly q: number,
    readonly referenceSize: number,
    private readonly current: readonly DriftRow[],
    private readonly bucketRows: readonly Record<string, unknown>[],
    private readonly source: CallSource | null,
    /** While it computes: the stage, how far, and Cancel (the tables are empty until it is done). */
    readonly progress: AnalysisProgress | null = null,
  ) {}

  /** A drift check still computing: empty tables, its progress. */
  static running(progress: AnalysisProgress, q: number): DriftReport {
    return new DriftReport(NaN, q, 0, [], [], null, progress);
  }

  /** Current rows flagged. */
  get flaggedCount(): number {
    return this.current.filter((r) => r.drifted).length;
  }

  /** Every current row: its own columns, then `distance`, `drifted`, `cluster` (its nearest reference cluster) and `text`; charts of it drill down to the calls. */
  table(): aq.ColumnTable {
    const rows = this.current.map((r) => ({ ...r.row, distance: r.distance, drifted: r.drifted, cluster: r.cluster, text: r.text }));
    const table = aq.from(rows.length ? rows : [{ distance: null, drifted: null, cluster: null, text: null }]).slice(0, rows.length);
    return this.source ? withCallSource(table, this.source) : table;
  }

  /** The flagged rows only, farthest first. */
  flagged(): aq.ColumnTable {
    const table = this.table().filter((d: { drifted: boolean }) => d.drifted).orderby(aq.desc("distance"));
    return this.source ? withCallSource(table, this.source) : table;
  }

  /** Per time bucket: `bucket`, `calls`, `flagged`, `flagged_share`, `centroid_distance` and `psi`. */
  buckets(): aq.ColumnTable {
    return aq.from(this.bucketRows.length ? this.bucketRows : [{ bucket: null, calls: null, flagged: null, flagged_share: null, centroid_distance: null, psi: null }]).slice(0, this.bucketRows.length);
  }
}

/**
 * `drift(reference, current, options)`: embeds both (cached), computes the threshold and each
 * current row's nearest reference distance in the host's runner (a worker in the browser),
 * and yields running reports (with the progress), then the `DriftReport`. The reference is any rows: a pinned window of
 * calls (`calls({since, until})`) or a dataset version.
 */
export async function* runDrift(deps: DriftDeps, reference: unknown, current: unknown, options: DriftOptions = {}, cellSignal?: AbortSignal): AsyncGenerator<DriftReport> {
  const fn = "drift";
  if (options === null || typeof options !== "object") throw new TypeError(`${fn}: options must be an object, got ${JSON.stringify(options)}`);
  const controller = new AbortController();
  const signal = cellSignal ? AbortSignal.any([cellSignal, controller.signal]) : controller.signal;
  let rows = 0;
  // While it runs, the cell's value is a running report (empty tables) carrying the progress.
  const progress = (stage: string, done: number, total: number) => DriftReport.running(analysisProgress("drift", stage, done, total, rows, controller), typeof options.q === "number" ? options.q : 99);
  yield progress("reading", 0, 1);
  const ref = await rowsOf(`${fn}: reference`, reference);
  const cur = await rowsOf(`${fn}: current`, current, { allowEmpty: true });
  if (signal.aborted) throw analysisCancelled("drift");
  rows = cur.rows.length;
  if (ref.rows.length < 2) throw new RangeError(`${fn}: the reference must have at least 2 rows to have neighbours, got ${ref.rows.length}`);
  const q = options.q ?? 99;
  if (typeof q !== "number" || !(q > 0 && q <= 100)) throw new RangeError(`${fn}: q must be a percentile in (0, 100], got ${JSON.stringify(q)}`);
  const seed = options.seed ?? 0;
  const every = parseDuration(options.every ?? "1h", `${fn}: every`);
  const timeColumn = options.time ?? "started_at";
  const textOption = resolveTextOption(fn, ref.rows, options.text);
  const refTexts = ref.rows.map((r) => textOfRow(r, textOption));
  const curTexts = cur.rows.map((r) => textOfRow(r, textOption));
  const times = cur.rows.map((r, i) => {
    const t = r[timeColumn];
    const ms = t instanceof Date ? t.getTime() : typeof t === "number" ? t : typeof t === "string" ? Date.parse(t) : NaN;
    if (!Number.isFinite(ms)) throw new Error(`${fn}: current row ${i} has no time in column '${timeColumn}' (give {time: "column"})`);
    return ms;
  });
  yield progress("embedding", 0, ref.rows.length + cur.rows.length);
  const [refEmb, curEmb] = [await deps.embed(refTexts, options.embed ?? {}), await deps.embed(curTexts, options.embed ?? {})];
  if (signal.aborted) throw analysisCancelled("drift");
  let computed: DriftComputation | undefined;
  const task = { kind: "drift" as const, input: { reference: refEmb.vectors, current: curEmb.vectors, q, seed, ...(options.k !== undefined ? { k: options.k } : {}), ...(options.sample !== undefined ? { sample: options.sample } : {}) } };
  for await (const step of runWithProgress(deps.runner, task, signal)) {
    if ("output" in step) computed = step.output as DriftComputation;
    else yield progress(step.stage, step.done, step.total);
  }
  const c = computed!;
  const driftRows: DriftRow[] = cur.rows.map((row, i) => ({ row, text: curTexts[i]!, time: times[i]!, distance: c.distances[i]!, drifted: c.distances[i]! > c.threshold, cluster: c.clusters[i]! }));
  const refUnits = refEmb.vectors.map(unit);
  const byBucket = new Map<number, number[]>();
  driftRows.forEach((r, i) => {
    const b = Math.floor(r.time / every) * every;
    byBucket.set(b, [...(byBucket.get(b) ?? []), i]);
  });
  const buckets = [...byBucket.keys()].sort((a, b) => a - b).map((b) => {
    const members = byBucket.get(b)!;
    const shares = c.referenceShares.map(() => 0);
    for (const i of members) shares[driftRows[i]!.cluster]! += 1 / members.length;
    const flagged = members.filter((i) => driftRows[i]!.drifted).length;
    return {
      bucket: new Date(b),
      calls: members.length,
      flagged,
      flagged_share: flagged / members.length,
      centroid_distance: centroidDistance(refUnits, members.map((i) => unit(curEmb.vectors[i]!))),
      psi: populationStabilityIndex(c.referenceShares, normalize(shares)),
    };
  });
  yield new DriftReport(c.threshold, q, ref.rows.length, driftRows, buckets, cur.source);
}

/** Shares that sum to exactly 1 (floating sums of 1/n drift by an ulp or two). */
function normalize(shares: number[]): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  return shares.map((s) => s / sum);
}
