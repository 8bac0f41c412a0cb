import { Random } from "ml-random";
import { assignToFit, ctfidf, FIT_SAMPLE, representatives, unit, type ClusterFit } from "../../analysis/index.ts";
import { base64Of, bytesOfBase64, digest, mapInSlices, type Call, type Json } from "../../base/index.ts";
import { OFFLINE_EMBEDDER, type Embeddings, type EmbedOptions } from "../../eval/index.ts";
import type { CallCache, VaryResult, VarySpec } from "../../trace/index.ts";
import { labelOp, type ClusterLabel, type LabelLlm, type LabelOptions, type LabelRow, type MakeOp } from "./cluster-labels.ts";
import { ClusterResult, type ClusterPoint, type ClusterRunInfo } from "./cluster-result.ts";
import { rowsOf } from "./analysis-rows.ts";
import { resolveTextOption, textOfRow, type TextOption } from "./cluster-text.ts";
import { analysisCancelled, analysisProgress, runWithProgress, type AnalysisRunner } from "./analysis-runner.ts";

/** Options of `cluster(data, options)`. */
export interface ClusterOptions {
  /** Which text of a row is embedded: a column path (`inputs`, `inputs.text`) or a function of the row (default: `inputs`, `input`, `text`, … whichever the rows have). */
  readonly text?: TextOption;
  /** The embedding model (`{model: "text-embedding-3-small"}`); absent, the offline hashing embedder. */
  readonly embed?: EmbedOptions;
  /** The number of clusters (default √(n/2), from 2 to 12). */
  readonly k?: number;
  /** Seeds k-means and UMAP (default 0): the same calls and seed give the same picture. */
  readonly seed?: number;
  /** An LLM label and summary per cluster (`{model}`), as a cached op with a plan before spending. */
  readonly label?: LabelOptions;
  /** Fit again from scratch instead of placing new calls into the previous fit. */
  readonly refit?: boolean;
  /** Keywords per cluster (default 8). */
  readonly keywords?: number;
  /** Representative samples per cluster (default 5). */
  readonly representatives?: number;
  /** UMAP's neighbourhood size and minimum distance. */
  readonly nNeighbors?: number;
  readonly minDist?: number;
  /** Above this many rows (default 10,000), k-means and UMAP fit a seeded sample of this many, and the other rows are placed (nearest centroid, UMAP's transform). */
  readonly sample?: number;
  /** Dollars the labels may cost before the plan asks (the notebook's default budget otherwise). */
  readonly budget?: number;
  /** Not offered: see the error it gives. */
  readonly minClusterSize?: number;
}

/** What `cluster` needs from its host. */
export interface ClusterDeps {
  readonly embed: (texts: readonly string[], options?: EmbedOptions) => Promise<Embeddings>;
  readonly cache: CallCache | null;
  readonly runner: AnalysisRunner;
  /** The cell's `vary`, for the labels (plan, approval, cache). */
  readonly vary: (spec: VarySpec) => AsyncGenerator<VaryResult>;
  readonly makeOp: MakeOp;
  readonly llm: LabelLlm;
  readonly newId: () => string;
  readonly now: () => number;
}

/** The most rows `cluster` takes at once. */
export const MAX_CLUSTER_ROWS = 100_000;

/** A stored fit: enough to show it again without recomputing, and to place new rows into it. */
interface FitRecord {
  readonly ids: string[];
  readonly x: number[];
  readonly y: number[];
  readonly labels: number[];
  readonly centroids: string[];
  readonly keywords: string[][];
  readonly reps: string[][];
  readonly method: ClusterFit["method"];
  /** The sample the fit was made on (null: all rows); absent in records made before it was kept. */
  readonly sampled?: number | null;
  readonly fitted: number;
  readonly assigned: number;
}

/**
 * `cluster(data, options)`: embeds each row's text (cached), clusters and projects it (in the
 * host's runner: a worker in the browser), explains each cluster (keywords, representatives,
 * and an LLM label when asked). It yields `ClusterResult`s: running ones (no rows, with the
 * progress) while it computes, then the clusters, with the labels' vary while it runs (its plan
 * waits for approval like any vary), and finally the labelled clusters. The fit is kept in the call
 * cache: the same rows again recompute nothing; new rows are placed into the previous fit
 * unless `refit`.
 */
export async function* runCluster(deps: ClusterDeps, data: unknown, options: ClusterOptions = {}, cellSignal?: AbortSignal): AsyncGenerator<ClusterResult> {
  const fn = "cluster";
  if (options === null || typeof options !== "object") throw new TypeError(`${fn}: options must be an object, got ${JSON.stringify(options)}`);
  if (options.minClusterSize !== undefined) throw new Error(`${fn}: minClusterSize (HDBSCAN) is not offered: the JavaScript HDBSCAN packages measured (bench/analysis) take cubic time and split known clusters; give k`);
  const controller = new AbortController();
  const signal = cellSignal ? AbortSignal.any([cellSignal, controller.signal]) : controller.signal;
  let rowsCount = 0;
  // While it runs, the cell's value is a running result (no rows yet) carrying the progress, so cells using it wait with an empty table, not an error.
  const progress = (stage: string, done: number, total: number) => ClusterResult.running(analysisProgress("cluster", stage, done, total, rowsCount, controller));
  const check = () => {
    if (signal.aborted) throw analysisCancelled("fit");
  };
  yield progress("reading", 0, 1);
  const { rows, source } = await rowsOf(fn, data);
  if (rows.length > MAX_CLUSTER_ROWS) throw new Error(`${fn}: ${rows.length} rows, more than the ${MAX_CLUSTER_ROWS} clustered at once; sample them`);
  check();
  rowsCount = rows.length;
  const textOption = resolveTextOption(fn, rows, options.text);
  const texts = await mapInSlices(rows, (r) => textOfRow(r, textOption));
  const ids = await idsOf(rows, texts);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new TypeError(`${fn}: seed must be an integer, got ${JSON.stringify(seed)}`);
  const k = options.k ?? Math.max(2, Math.min(12, Math.round(Math.sqrt(rows.length / 2))));
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`${fn}: k must be a positive integer, got ${JSON.stringify(options.k)}`);
  if (k > rows.length) throw new RangeError(`${fn}: k is ${k} but there are only ${rows.length} rows; give a k of at most ${rows.length}`);
  const embedOptions = options.embed ?? {};
  const embedder = embedOptions.model ?? OFFLINE_EMBEDDER;
  const fitOptions = { keywords: options.keywords ?? 8, representatives: options.representatives ?? 5, ...(options.nNeighbors !== undefined ? { nNeighbors: options.nNeighbors } : {}), ...(options.minDist !== undefined ? { minDist: options.minDist } : {}), ...(options.sample !== undefined ? { sample: options.sample } : {}) };
  const version = digest(["weft:cluster.fit@1", embedder, embedOptions.dimensions ?? null, k, seed, typeof textOption === "function" ? textOption.toString() : textOption, fitOptions]);
  const key = digest(["rows", [...ids].sort()]);
  const cache = deps.cache;
  if (cache) await cache.load([version]);
  let record = !options.refit && cache ? recordOf(cache.get(version, key)) : null;
  let embeddings: Embeddings | null = null;
  let computed = false;
  if (!record) {
    yield progress("embedding", 0, rows.length);
    embeddings = await deps.embed(texts, embedOptions);
    check();
    const previous = !options.refit && cache ? latestRecord(cache, version) : null;
    const overlap = previous ? countPresent(previous.ids, new Set(ids)) : 0;
    if (previous && overlap >= rows.length / 2 && previous.centroids.length === k) {
      record = placeIntoPrevious(previous, ids, texts, embeddings.vectors, fitOptions.keywords);
    } else {
      let fit: ClusterFit | undefined;
      for await (const step of runWithProgress(deps.runner, { kind: "fit", input: { vectors: embeddings.vectors, texts, k, seed, ...fitOptions } }, signal)) {
        if ("output" in step) fit = step.output as ClusterFit;
        else yield progress(step.stage, step.done, step.total);
      }
      record = recordOfFit(fit!, ids);
      computed = true;
    }
    if (cache) {
      cache.add(version, fitCall(deps, version, key, record));
      cache.add(version, fitCall(deps, version, "latest", { key }));
      await cache.flush();
    }
  }
  const points: ClusterPoint[] = record.ids.map((id, i) => ({ id, x: record!.x[i]!, y: record!.y[i]!, cluster: record!.labels[i]!, text: "", row: {} }));
  const index = new Map(ids.map((id, i) => [id, i]));
  const placed = points.map((p) => {
    const i = index.get(p.id)!;
    return { ...p, text: texts[i]!, row: rows[i]! };
  });
  const textOfId = (id: string) => texts[index.get(id)!] ?? "";
  const info: ClusterRunInfo = {
    embedder,
    k,
    seed,
    method: record.method,
    sampled: record.sampled ?? null,
    fitted: record.fitted,
    assigned: record.assigned,
    embedded: embeddings?.embedded ?? 0,
    cached: embeddings?.cached ?? 0,
    computed,
  };
  const fitted = record;
  const result = (labels: ReadonlyArray<ClusterLabel | null>, labelling: VaryResult | null, labelError: string | null = null) =>
    new ClusterResult(
      placed,
      fitted.centroids.map((_, c) => ({
        cluster: c,
        size: fitted.labels.filter((l) => l === c).length,
        label: labels[c]?.label ?? null,
        summary: labels[c]?.summary ?? null,
        keywords: fitted.keywords[c] ?? [],
        representatives: (fitted.reps[c] ?? []).map(textOfId),
        representativeIds: fitted.reps[c] ?? [],
      })),
      info,
      source,
      labelling,
      null,
      labelError,
    );
  if (!options.label) {
    yield result([], null);
    return;
  }
  const model = options.label.model;
  if (typeof model !== "string" || !model) throw new TypeError(`${fn}: label needs a model: {label: {model: "…"}}, got ${JSON.stringify(options.label)}`);
  const labelRows = labelRowsOf(record, textOfId, options.label);
  let last: VaryResult | null = null;
  // The clusters show at once; the labels' run (its plan, its approval, its progress) shows with them until it is done.
  for await (const snapshot of deps.vary({ data: labelRows as unknown as Record<string, unknown>[], ops: { label: labelOp(deps.makeOp, deps.llm, model) }, ...(options.budget !== undefined ? { budget: options.budget } : {}) })) {
    last = snapshot;
    if (snapshot.phase !== "done") yield result([], snapshot);
  }
  // Labels that could not be made leave the clusters standing, with the reason.
  if (!last || last.phase !== "done") {
    const reason = last?.phase === "blocked" ? (last.plan?.groups.find((g) => g.unavailable)?.unavailable ?? `no provider serves model '${model}'`) : `the labels' run ended ${last?.phase ?? "before it started"}`;
    yield result([], null, `no LLM labels: ${reason}`);
    return;
  }
  const labels = labelRows.map((_, c) => (last!.leaves.find((l) => l.spec.rowIndex === c && l.status !== "error")?.output as ClusterLabel | undefined) ?? null);
  const failed = last.leaves.filter((l) => l.status === "error");
  yield result(labels, null, failed.length ? `${failed.length} of ${labelRows.length} LLM labels failed: ${failed[0]!.error ?? failed[0]!.call?.error?.message ?? "unknown error"}` : null);
}

/** Each row's id: its call ref, else its text's digest and its occurrence among equal texts. */
function idsOf(rows: readonly Record<string, unknown>[], texts: readonly string[]): Promise<string[]> {
  const seen = new Map<string, number>();
  return mapInSlices(rows, (row, i) => {
    if (typeof row.call === "string" && row.call) return row.call;
    const d = digest(texts[i]!).slice(0, 24);
    const n = seen.get(d) ?? 0;
    seen.set(d, n + 1);
    return `text:${d}:${n}`;
  });
}

/** A fit as stored: positions, clusters, centroids (32-bit floats, base64), keywords and representatives by id. */
function recordOfFit(fit: ClusterFit, ids: readonly string[]): FitRecord {
  return {
    ids: [...ids],
    x: fit.points.map((p) => p[0]),
    y: fit.points.map((p) => p[1]),
    labels: [...fit.labels],
    centroids: fit.centroids.map(encodeVector),
    keywords: fit.keywords.map((words) => words.map((w) => w.term)),
    reps: fit.representatives.map((r) => r.map((i) => ids[i]!)),
    method: fit.method,
    sampled: fit.sampled,
    fitted: ids.length,
    assigned: 0,
  };
}

/**
 * Places the rows into a previous fit: rows it held keep their place and cluster; new rows join
 * the nearest centroid at a position among their nearest fitted neighbours. Keywords are
 * recomputed over all rows; the representatives stay the previous ones still present (so cached
 * labels still answer).
 */
function placeIntoPrevious(previous: FitRecord, ids: readonly string[], texts: readonly string[], vectors: readonly Float32Array[], keywords: number): FitRecord {
  const position = new Map(previous.ids.map((id, i) => [id, i]));
  const kept = ids.map((id, i) => ({ id, i, p: position.get(id) })).filter((r): r is { id: string; i: number; p: number } => r.p !== undefined);
  const fresh = ids.map((id, i) => ({ id, i })).filter((r) => !position.has(r.id));
  const centroids = previous.centroids.map(decodeVector);
  // Neighbours are looked for among at most FIT_SAMPLE fitted rows (a seeded sample): brute force over 100,000 took ~2 minutes for 1,000 new rows.
  const pool = kept.length > FIT_SAMPLE ? new Random(kept.length).choice(kept.length, { size: FIT_SAMPLE, replace: false }).map((j) => kept[j]!) : kept;
  const placed = assignToFit({ vectors: pool.map((r) => vectors[r.i]!), points: pool.map((r) => [previous.x[r.p]!, previous.y[r.p]!] as [number, number]), centroids }, fresh.map((r) => vectors[r.i]!));
  const x = new Array<number>(ids.length);
  const y = new Array<number>(ids.length);
  const labels = new Array<number>(ids.length);
  for (const r of kept) [x[r.i], y[r.i], labels[r.i]] = [previous.x[r.p]!, previous.y[r.p]!, previous.labels[r.p]!];
  fresh.forEach((r, j) => ([x[r.i], y[r.i], labels[r.i]] = [placed.points[j]![0], placed.points[j]![1], placed.labels[j]!]));
  const docs: string[][] = centroids.map(() => []);
  labels.forEach((c, i) => docs[c]!.push(texts[i]!));
  const present = new Set(ids);
  const previousReps = previous.reps.map((r) => r.filter((id) => present.has(id)));
  const units = vectors.map(unit);
  const shown = Math.max(1, ...previous.reps.map((r) => r.length));
  const nearest = representatives(units, labels, centroids, shown, { keys: texts }).map((r) => r.map((i) => ids[i]!));
  return {
    ids: [...ids],
    x,
    y,
    labels,
    centroids: previous.centroids,
    keywords: ctfidf(docs, { topN: keywords }).map((words) => words.map((w) => w.term)),
    reps: previousReps.map((r, c) => (r.length ? r : (nearest[c] ?? []))),
    method: previous.method,
    sampled: previous.sampled ?? null,
    fitted: kept.length,
    assigned: fresh.length,
  };
}

/** The rows the label op reads: per cluster, its representatives' texts, and for contrast representatives of the other clusters in turn. */
function labelRowsOf(record: FitRecord, textOf: (id: string) => string, options: LabelOptions): LabelRow[] {
  const samples = options.samples ?? 8;
  const contrast = options.contrast ?? 6;
  return record.centroids.map((_, c) => {
    const others: string[] = [];
    const pools = record.reps.filter((_, o) => o !== c);
    for (let round = 0; others.length < contrast && pools.some((p) => p.length > round); round++) {
      for (const pool of pools) if (others.length < contrast && pool[round] !== undefined) others.push(textOf(pool[round]!));
    }
    return { cluster: c, keywords: record.keywords[c] ?? [], samples: (record.reps[c] ?? []).slice(0, samples).map(textOf), contrast: others };
  });
}

/** The latest fit stored for these options, or null. */
function latestRecord(cache: CallCache, version: string): FitRecord | null {
  const pointer = cache.get(version, "latest")?.output as { key?: unknown } | null | undefined;
  return typeof pointer?.key === "string" ? recordOf(cache.get(version, pointer.key)) : null;
}

function countPresent(ids: readonly string[], present: ReadonlySet<string>): number {
  let n = 0;
  for (const id of ids) if (present.has(id)) n++;
  return n;
}

/** A stored fit record, or null when the call is missing or not one. */
function recordOf(call: Call | undefined): FitRecord | null {
  const o = call?.output as Partial<FitRecord> | null | undefined;
  return o && Array.isArray(o.ids) && Array.isArray(o.x) && Array.isArray(o.labels) && Array.isArray(o.centroids) ? (o as FitRecord) : null;
}

/** A fit (or the pointer to the latest) as a call-cache record. */
function fitCall(deps: Pick<ClusterDeps, "newId" | "now">, version: string, key: string, output: object): Call {
  const id = deps.newId();
  const now = deps.now();
  return { id, traceId: id, parentId: null, op: `cluster.fit:${version}`, inputs: null, output: output as unknown as Json, error: null, startedAt: now, endedAt: now, attributes: {}, usage: {}, cost: null, key };
}

function encodeVector(v: readonly number[]): string {
  const f = Float32Array.from(v);
  return base64Of(new Uint8Array(f.buffer));
}

function decodeVector(text: string): number[] {
  const bytes = bytesOfBase64(text);
  if (!bytes || bytes.length % 4) throw new Error("cluster: a stored centroid is damaged; run with {refit: true}");
  return Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)));
}
