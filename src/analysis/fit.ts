import { Random } from "ml-random";
import { kmeans, representatives } from "./cluster.ts";
import { ctfidf, type Keyword } from "./ctfidf.ts";
import { projectSteps, type Projection2d } from "./project.ts";
import { checkInteger, checkSameDims, checkVectors, describe, distance, type Vectors } from "./vectors.ts";

/** What `fitClusters` fits: the embeddings, their texts (for keywords), and the options. */
export interface FitInput {
  readonly vectors: Vectors;
  readonly texts: readonly string[];
  /** The number of clusters (at most the number of vectors). */
  readonly k: number;
  /** Seeds k-means and UMAP: the same input gives the same fit. */
  readonly seed: number;
  /** Keywords per cluster (default 8). */
  readonly keywords?: number;
  /** Representative samples per cluster, nearest to its centroid first, distinct texts (default 5). */
  readonly representatives?: number;
  /** UMAP's neighbourhood size (default 15). */
  readonly nNeighbors?: number;
  /** UMAP's minimum distance (default 0.1). */
  readonly minDist?: number;
  /**
   * Above this many vectors (default 10,000), k-means and UMAP are fitted on a seeded sample of
   * this many; every vector then joins its nearest centroid, and the others are placed by UMAP's
   * transform. At 100,000 rows a whole fit takes ~10 minutes and 9 GiB (bench/analysis).
   */
  readonly sample?: number;
}

/** The default sample size of a fit. */
export const FIT_SAMPLE = 10_000;

/** A fitted clustering with its picture and its explanation. */
export interface ClusterFit {
  /** Each vector's 2-D position. */
  readonly points: Array<[number, number]>;
  /** Each vector's cluster, 0 … k−1. */
  readonly labels: number[];
  /** Each cluster's centroid in the (unit-normalized) embedding space. */
  readonly centroids: number[][];
  /** Each cluster's keywords by c-TF-IDF. */
  readonly keywords: Keyword[][];
  /** Each cluster's representative vectors (indices), nearest to its centroid first. */
  readonly representatives: number[][];
  /** How the 2-D picture was made (UMAP, or PCA for few vectors). */
  readonly method: "umap" | "pca" | "single";
  /** The sample k-means and UMAP were fitted on, when there were more vectors than the sample size; null when all were. */
  readonly sampled: number | null;
}

/** The stages of a fit, in order, for progress. */
export type FitStage = "clustering" | "projecting" | "keywords";

/** Progress of a fit: the stage and how much of it is done. Throwing from it stops the fit (a cancel). */
export type FitProgress = (stage: FitStage, done: number, total: number) => void;

/**
 * Fits clusters to embeddings: k-means (seeded, k-means++) on the unit-normalized vectors, a
 * seeded 2-D UMAP projection for the picture, c-TF-IDF keywords per cluster from the texts, and
 * each cluster's representatives. Deterministic for the same input; `progress` is called after
 * each stage and every tenth UMAP epoch.
 */
export function fitClusters(input: FitInput, progress: FitProgress = () => {}): ClusterFit {
  const steps = fitSteps(input);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    progress(step.value.stage, step.value.done, step.value.total);
  }
}

/** One step of a fit: the stage and how much of it is done. */
export interface FitStep {
  readonly stage: FitStage;
  readonly done: number;
  readonly total: number;
}

/** `fitClusters` one step at a time (each stage, every tenth UMAP epoch), so a caller can pause between steps or stop. */
export function* fitSteps(input: FitInput): Generator<FitStep, ClusterFit> {
  const fn = "fitClusters";
  if (!input || typeof input !== "object") throw new TypeError(`${fn}: input must be an object with vectors, texts, k and seed, got ${describe(input)}`);
  checkVectors(fn, "vectors", input.vectors);
  if (!Array.isArray(input.texts) || input.texts.length !== input.vectors.length) throw new RangeError(`${fn}: texts must have one text per vector (${input.vectors.length}), got ${describe(input.texts)}`);
  const k = checkInteger(fn, "k", input.k, 1, input.vectors.length, " (the number of vectors)");
  const vectors = input.vectors.map(unit);
  const sample = checkInteger(fn, "sample", input.sample ?? FIT_SAMPLE, Math.max(k, 2));
  yield { stage: "clustering", done: 0, total: 1 };
  const clustering = vectors.length > sample ? kmeansOnSample(vectors, k, input.seed, sample) : kmeans(vectors, { k, seed: input.seed });
  yield { stage: "clustering", done: 1, total: 1 };
  const projection = yield* tenthEpochs(
    projectSteps(vectors, {
      seed: input.seed,
      metric: "euclidean",
      ...(input.nNeighbors !== undefined ? { nNeighbors: input.nNeighbors } : {}),
      ...(input.minDist !== undefined ? { minDist: input.minDist } : {}),
      ...(vectors.length > sample ? { sample } : {}),
    }),
  );
  yield { stage: "keywords", done: 0, total: 1 };
  const docs: string[][] = clustering.centroids.map(() => []);
  clustering.labels.forEach((label, i) => docs[label]!.push(String(input.texts[i])));
  const keywords = ctfidf(docs, { topN: checkInteger(fn, "keywords", input.keywords ?? 8, 1) });
  const reps = representatives(vectors, clustering.labels, clustering.centroids, checkInteger(fn, "representatives", input.representatives ?? 5, 1), { keys: input.texts.map(String) });
  yield { stage: "keywords", done: 1, total: 1 };
  return { points: projection.points, labels: clustering.labels, centroids: clustering.centroids, keywords, representatives: reps, method: projection.method, sampled: vectors.length > sample ? sample : null };
}

/** The projection's epochs as fit steps, every tenth and the last. */
function* tenthEpochs(steps: Generator<[number, number], Projection2d>): Generator<FitStep, Projection2d> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    const [done, total] = step.value;
    if (done === total || done % 10 === 0) yield { stage: "projecting", done, total };
  }
}

/** k-means on a seeded sample of `sample` vectors; then every vector joins its nearest centroid. */
function kmeansOnSample(vectors: number[][], k: number, seed: number, sample: number): { labels: number[]; centroids: number[][] } {
  const rows = new Random(seed).choice(vectors.length, { size: sample, replace: false }).sort((a, b) => a - b);
  const { centroids } = kmeans(rows.map((i) => vectors[i]!), { k, seed });
  const labels = vectors.map((v) => {
    let best = 0;
    let bestD = Infinity;
    centroids.forEach((c, i) => {
      const d = distance(v, c, "euclidean");
      if (d < bestD) [best, bestD] = [i, d];
    });
    return best;
  });
  return { labels, centroids };
}

/** What `assignToFit` places new vectors against: a fit's vectors (in fit order), their 2-D points and the centroids. */
export interface FittedSpace {
  readonly vectors: Vectors;
  readonly points: ReadonlyArray<readonly [number, number]>;
  readonly centroids: Vectors;
}

/**
 * Places new vectors in an existing fit without re-fitting: each joins the cluster of its
 * nearest centroid, and its 2-D position is the inverse-distance-weighted mean of the positions
 * of its `neighbors` nearest fitted vectors (as UMAP's own transform initializes new points), so
 * the picture of the fitted points does not move.
 */
export function assignToFit(space: FittedSpace, fresh: Vectors, options: { readonly neighbors?: number } = {}): { labels: number[]; points: Array<[number, number]> } {
  const fn = "assignToFit";
  const dims = checkVectors(fn, "space.vectors", space.vectors);
  if (!Array.isArray(space.points) || space.points.length !== space.vectors.length) throw new RangeError(`${fn}: space.points must have one point per fitted vector (${space.vectors.length}), got ${describe(space.points)}`);
  checkSameDims(fn, "space.vectors", dims, "space.centroids", checkVectors(fn, "space.centroids", space.centroids));
  if (fresh.length === 0) return { labels: [], points: [] };
  checkSameDims(fn, "space.vectors", dims, "fresh", checkVectors(fn, "fresh", fresh));
  const neighbors = Math.min(checkInteger(fn, "neighbors", options.neighbors ?? 5, 1), space.vectors.length);
  const fitted = space.vectors.map(unit);
  const labels: number[] = [];
  const points: Array<[number, number]> = [];
  for (const raw of fresh) {
    const v = unit(raw);
    let best = 0;
    let bestD = Infinity;
    space.centroids.forEach((c, i) => {
      const d = distance(v, c, "euclidean");
      if (d < bestD) [best, bestD] = [i, d];
    });
    labels.push(best);
    // The `neighbors` nearest fitted vectors, kept sorted in a short list.
    const near: Array<{ i: number; d: number }> = [];
    fitted.forEach((f, i) => {
      const d = distance(v, f, "euclidean");
      if (near.length < neighbors || d < near[near.length - 1]!.d) {
        near.push({ i, d });
        near.sort((a, b) => a.d - b.d || a.i - b.i);
        if (near.length > neighbors) near.pop();
      }
    });
    const exact = near.find((n) => n.d === 0);
    if (exact) {
      const p = space.points[exact.i]!;
      points.push([p[0], p[1]]);
      continue;
    }
    let wx = 0;
    let wy = 0;
    let w = 0;
    for (const n of near) {
      const p = space.points[n.i]!;
      wx += p[0] / n.d;
      wy += p[1] / n.d;
      w += 1 / n.d;
    }
    points.push([wx / w, wy / w]);
  }
  return { labels, points };
}

/** A vector scaled to length 1 (a zero vector stays zero). */
export function unit(v: ArrayLike<number>): number[] {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
  norm = Math.sqrt(norm);
  return Array.from(v, (x) => (norm > 0 ? x / norm : 0));
}
