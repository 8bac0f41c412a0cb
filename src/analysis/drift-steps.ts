import { kmeans } from "./cluster.ts";
import { driftThreshold, leaveOneOutDistances, nearestDistances } from "./drift.ts";
import { unit } from "./fit.ts";
import { checkInteger, checkVectors, checkSameDims, describe, distance, type Vectors } from "./vectors.ts";

/** What `driftSteps` computes drift of: reference and current embeddings, and the options. */
export interface DriftInput {
  readonly reference: Vectors;
  readonly current: Vectors;
  /** The percentile of the reference's own nearest-neighbour distances above which a current vector is flagged (default 99). */
  readonly q?: number;
  /** Clusters of the reference whose shares the PSI compares (default 8, at most the reference's size). */
  readonly k?: number;
  /** Seeds the threshold's sample and the clusters. */
  readonly seed: number;
  /** Reference vectors whose leave-one-out distance sets the threshold (default 2,000; all when fewer). */
  readonly sample?: number;
}

/** Drift of the current vectors against the reference. */
export interface DriftComputation {
  /** A current vector farther than this (cosine distance) from every reference vector is flagged. */
  readonly threshold: number;
  /** Each current vector's cosine distance to its nearest reference vector. */
  readonly distances: number[];
  /** Each current vector's nearest reference cluster. */
  readonly clusters: number[];
  /** Each reference cluster's share of the reference. */
  readonly referenceShares: number[];
}

/** One step of a drift computation. */
export interface DriftStep {
  readonly stage: "threshold" | "nearest" | "clusters";
  readonly done: number;
  readonly total: number;
}

/** Current vectors compared per step (a step stays short enough to pause between). */
const CHUNK = 64;

/**
 * Drift, one step at a time: the threshold (the q-th percentile of the reference's own
 * leave-one-out nearest-neighbour distances, on a seeded sample), each current vector's nearest
 * reference distance (exact, brute force, 64 vectors a step), and each current vector's nearest
 * reference cluster (seeded k-means of the reference) for the PSI of cluster shares.
 */
export function* driftSteps(input: DriftInput): Generator<DriftStep, DriftComputation> {
  const fn = "drift";
  if (!input || typeof input !== "object") throw new TypeError(`${fn}: input must be an object with reference, current and seed, got ${describe(input)}`);
  const dims = checkVectors(fn, "reference", input.reference);
  if (input.reference.length < 2) throw new RangeError(`${fn}: the reference must have at least 2 rows to have neighbours, got ${input.reference.length}`);
  if (input.current.length) checkSameDims(fn, "reference", dims, "current", checkVectors(fn, "current", input.current));
  const reference = input.reference.map(unit);
  const current = input.current.map(unit);
  const sample = checkInteger(fn, "sample", input.sample ?? 2_000, 2);
  yield { stage: "threshold", done: 0, total: 1 };
  const own = leaveOneOutDistances(reference, { metric: "cosine", ...(sample < reference.length ? { sample, seed: input.seed } : {}) });
  const threshold = driftThreshold(own, input.q ?? 99);
  yield { stage: "threshold", done: 1, total: 1 };
  const distances: number[] = [];
  for (let i = 0; i < current.length; i += CHUNK) {
    distances.push(...nearestDistances(reference, current.slice(i, i + CHUNK), { metric: "cosine" }));
    yield { stage: "nearest", done: Math.min(i + CHUNK, current.length), total: current.length };
  }
  const k = Math.min(checkInteger(fn, "k", input.k ?? 8, 1), reference.length);
  const clustering = kmeans(reference, { k, seed: input.seed });
  const counts = new Array<number>(k).fill(0);
  for (const l of clustering.labels) counts[l]!++;
  const clusters = current.map((v) => {
    let best = 0;
    let bestD = Infinity;
    clustering.centroids.forEach((c, i) => {
      const d = distance(v, c, "euclidean");
      if (d < bestD) [best, bestD] = [i, d];
    });
    return best;
  });
  yield { stage: "clusters", done: 1, total: 1 };
  return { threshold, distances, clusters, referenceShares: counts.map((c) => c / reference.length) };
}
