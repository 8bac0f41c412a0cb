import { fitting } from "./fitting-packages.ts";
import { Random } from "ml-random";
import { checkSeed, seededRandom } from "./random.ts";
import { checkInteger, checkMetric, checkVectors, describe, distance, toArrays, type Metric, type Vectors } from "./vectors.ts";

/** Options of `project2d`. */
export interface ProjectOptions {
  /** Seeds UMAP's random number generator: the same vectors and seed give the same coordinates. */
  readonly seed: number;
  /** UMAP's neighbourhood size (default 15): larger keeps more global structure. */
  readonly nNeighbors?: number;
  /** UMAP's minimum distance between embedded points (default 0.1): smaller clumps clusters tighter. */
  readonly minDist?: number;
  /** How input vectors are compared (default `cosine`, as for text embeddings). */
  readonly metric?: Metric;
  /** UMAP's optimization epochs (default: umap-js's, 500 up to 2,500 points and fewer above). */
  readonly nEpochs?: number;
  /** Called after each UMAP epoch with the epochs done and the total, for progress. */
  readonly onEpoch?: (done: number, total: number) => void;
  /**
   * Above this many vectors, UMAP is fitted on a seeded sample of this many and the others are
   * placed with UMAP's own `transform`, in chunks (default: all vectors are fitted). UMAP's
   * graph and epochs grow faster than the rows: 100,000 rows take ~10 minutes and 9 GiB fitted
   * whole (bench/analysis).
   */
  readonly sample?: number;
}

/** Vectors placed by UMAP's `transform` per step (a step stays short enough to pause between). */
const TRANSFORM_CHUNK = 1_000;

/** A 2-D projection: one `[x, y]` per input vector, and how it was made. */
export interface Projection2d {
  readonly points: Array<[number, number]>;
  /**
   * `umap`: UMAP (umap-js), when there are more vectors than `nNeighbors`;
   * `pca`: the first two principal components (ml-pca), the fallback for fewer vectors than
   * UMAP needs (a missing component, for rank-1 data, is 0); `single`: one vector, at the origin.
   */
  readonly method: "umap" | "pca" | "single";
  /** How many vectors UMAP was fitted on (the others were placed by its transform); all of them without a sample. */
  readonly fitted: number;
}

/** Projects vectors to 2-D with seeded UMAP, falling back to PCA when there are no more vectors than `nNeighbors`. */
export function project2d(vectors: Vectors, options: ProjectOptions): Projection2d {
  const steps = projectSteps(vectors, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    options.onEpoch?.(step.value[0], step.value[1]);
  }
}

/**
 * `project2d` one UMAP epoch at a time: yields `[done, total]` after each epoch and returns the
 * projection, so a caller can pause between epochs (to keep a page responsive) or stop.
 */
export function* projectSteps(vectors: Vectors, options: Omit<ProjectOptions, "onEpoch">): Generator<[number, number], Projection2d> {
  const fn = "project2d";
  checkVectors(fn, "vectors", vectors);
  if (!options || typeof options !== "object") throw new TypeError(`${fn}: options must be an object with a seed, got ${describe(options)}`);
  const random = seededRandom(fn, options.seed);
  const nNeighbors = checkInteger(fn, "nNeighbors", options.nNeighbors ?? 15, 2);
  const minDist = options.minDist ?? 0.1;
  if (typeof minDist !== "number" || !(minDist >= 0)) throw new RangeError(`${fn}: minDist must be a number ≥ 0, got ${describe(minDist)}`);
  const metric = checkMetric(fn, options.metric ?? "cosine");
  const nEpochs = options.nEpochs === undefined ? undefined : checkInteger(fn, "nEpochs", options.nEpochs, 1);
  const data = toArrays(vectors);
  if (data.length === 1) return { points: [[0, 0]], method: "single", fitted: 1 };
  if (data.length <= nNeighbors) return { points: pca2d(data), method: "pca", fitted: data.length };
  const sample = options.sample === undefined ? data.length : checkInteger(fn, "sample", options.sample, nNeighbors + 1);
  // The rows UMAP is fitted on: all, or a seeded sample (drawn before UMAP uses the generator).
  const fittedRows = sample >= data.length ? null : new Random(checkSeed(fn, options.seed)).choice(data.length, { size: sample, replace: false }).sort((a, b) => a - b);
  const umap = new (fitting().UMAP)({ nComponents: 2, nNeighbors, minDist, random, distanceFn: (a, b) => distance(a, b, metric), ...(nEpochs ? { nEpochs } : {}) });
  const epochs = umap.initializeFit(fittedRows ? fittedRows.map((i) => data[i]!) : data);
  const fittedSet = new Set(fittedRows ?? []);
  const rest = fittedRows ? data.map((_, i) => i).filter((i) => !fittedSet.has(i)) : [];
  const total = epochs + Math.ceil(rest.length / TRANSFORM_CHUNK);
  for (let epoch = 0; epoch < epochs; epoch++) {
    umap.step();
    yield [epoch + 1, total];
  }
  const fittedPoints = umap.getEmbedding();
  if (!fittedRows) return { points: fittedPoints.map((p) => [p[0]!, p[1]!]), method: "umap", fitted: data.length };
  const points = new Array<[number, number]>(data.length);
  fittedRows.forEach((row, i) => (points[row] = [fittedPoints[i]![0]!, fittedPoints[i]![1]!]));
  for (let start = 0; start < rest.length; start += TRANSFORM_CHUNK) {
    const chunk = rest.slice(start, start + TRANSFORM_CHUNK);
    const placed = umap.transform(chunk.map((i) => data[i]!));
    chunk.forEach((row, i) => (points[row] = [placed[i]![0]!, placed[i]![1]!]));
    yield [epochs + start / TRANSFORM_CHUNK + 1, total];
  }
  return { points, method: "umap", fitted: fittedRows.length };
}

/** The first two principal components (centered, SVD), a 0 where the data has fewer. */
function pca2d(data: number[][]): Array<[number, number]> {
  const projected = new (fitting().PCA)(data, { method: "SVD", center: true }).predict(data).to2DArray();
  return projected.map((row) => [row[0] ?? 0, row[1] ?? 0]);
}
