import { centroidDistance, populationStabilityIndex, unit, type DriftComputation } from "../../analysis/index.ts";
import { parseDuration } from "../../store/index.ts";
import { analysisCancelled, analysisProgress, runWithProgress } from "./analysis-runner.ts";
import { rowsOf } from "./analysis-rows.ts";
import { resolveTextOption, textOfRow } from "./cluster-text.ts";
import { DriftReport, type DriftDeps, type DriftOptions, type DriftRow } from "./drift-report.ts";

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
