import { fitting } from "./fitting-packages.ts";
import { checkSeed } from "./random.ts";
import { checkInteger, checkMetric, checkSameDims, checkVectors, describe, distance, toArrays, type Metric, type Vectors } from "./vectors.ts";

/** Options of `kmeans`. */
export interface KMeansOptions {
  /** The number of clusters, from 1 to the number of vectors. */
  readonly k: number;
  /** Seeds the k-means++ initialization: the same vectors and seed give the same clusters. */
  readonly seed: number;
  /** Lloyd iterations at most (default 100). */
  readonly maxIterations?: number;
}

/** A clustering: each vector's cluster (0 … k−1) and each cluster's centroid. */
export interface Clustering {
  readonly labels: number[];
  readonly centroids: number[][];
  readonly iterations: number;
  readonly converged: boolean;
}

/** Clusters vectors with k-means (ml-kmeans: k-means++ initialization seeded by `seed`, squared Euclidean distance). */
export function kmeans(vectors: Vectors, options: KMeansOptions): Clustering {
  const fn = "kmeans";
  checkVectors(fn, "vectors", vectors);
  if (!options || typeof options !== "object") throw new TypeError(`${fn}: options must be an object with k and seed, got ${describe(options)}`);
  const k = checkInteger(fn, "k", options.k, 1, vectors.length, ` (the number of vectors)`);
  const seed = checkSeed(fn, options.seed);
  const maxIterations = checkInteger(fn, "maxIterations", options.maxIterations ?? 100, 1);
  const result = fitting().kmeans(toArrays(vectors), k, { initialization: "kmeans++", seed, maxIterations });
  return { labels: result.clusters, centroids: result.centroids, iterations: result.iterations, converged: result.converged };
}

/**
 * For each centroid, the indices of up to `n` vectors labelled with its cluster, nearest to it
 * first (ties by index); labels outside 0 … centroids−1, such as −1 for noise, are skipped. With
 * `keys` (one per vector, e.g. its text), only the nearest vector of each key is taken, so the
 * representatives are distinct even when the data repeats itself.
 */
export function representatives(vectors: Vectors, labels: readonly number[], centroids: Vectors, n: number, options: { readonly metric?: Metric; readonly keys?: readonly string[] } = {}): number[][] {
  const fn = "representatives";
  const dims = checkVectors(fn, "vectors", vectors);
  if (!Array.isArray(labels) || labels.length !== vectors.length) throw new RangeError(`${fn}: labels must have one label per vector (${vectors.length}), got ${describe(labels)}`);
  checkSameDims(fn, "vectors", dims, "centroids", checkVectors(fn, "centroids", centroids));
  checkInteger(fn, "n", n, 1);
  const metric = checkMetric(fn, options.metric ?? "euclidean");
  const members: Array<Array<{ index: number; d: number }>> = centroids.map(() => []);
  labels.forEach((label, index) => {
    if (typeof label !== "number" || !Number.isInteger(label)) throw new TypeError(`${fn}: labels[${index}] must be an integer cluster index, got ${describe(label)}`);
    const cluster = members[label];
    if (cluster) cluster.push({ index, d: distance(vectors[index]!, centroids[label]!, metric) });
  });
  const keys = options.keys;
  if (keys !== undefined && (!Array.isArray(keys) || keys.length !== vectors.length)) throw new RangeError(`${fn}: keys must have one key per vector (${vectors.length}), got ${describe(keys)}`);
  return members.map((cluster) => {
    const sorted = cluster.sort((a, b) => a.d - b.d || a.index - b.index);
    if (!keys) return sorted.slice(0, n).map((m) => m.index);
    const seen = new Set<string>();
    const out: number[] = [];
    for (const m of sorted) {
      if (out.length >= n) break;
      if (seen.has(keys[m.index]!)) continue;
      seen.add(keys[m.index]!);
      out.push(m.index);
    }
    return out;
  });
}
