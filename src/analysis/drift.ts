import { Random } from "ml-random";
import { checkSeed } from "./random.ts";
import { centroid, checkInteger, checkMetric, checkSameDims, checkVectors, describe, distance, pack, type Metric, type Vectors } from "./vectors.ts";

/** Options of the nearest-neighbour distances. */
export interface NearestOptions {
  readonly metric: Metric;
}

/** Options of `leaveOneOutDistances`: the metric, and for a large reference a seeded sample of it to compute distances for. */
export interface LeaveOneOutOptions extends NearestOptions {
  /** Compute the distances of at most this many reference vectors (drawn with `seed`), each still against the whole reference: n × sample work instead of n². */
  readonly sample?: number;
  /** Seeds the sample's draw (required with `sample`). */
  readonly seed?: number;
}

/**
 * Each query's distance to its nearest reference vector, exact, by brute force: every query
 * against every reference vector (vectors held as 32-bit floats, so distances are exact to
 * about 1e-7). Chosen over k-NN index packages with bench/analysis/knn.ts (bench/RESULTS.md,
 * "Analysis"): 2.5 ms a query against 10,000 vectors of 384 dimensions, 27 ms against 100,000.
 */
export function nearestDistances(reference: Vectors, queries: Vectors, options: NearestOptions): number[] {
  const fn = "nearestDistances";
  const dims = checkVectors(fn, "reference", reference);
  checkSameDims(fn, "reference", dims, "queries", checkVectors(fn, "queries", queries));
  const metric = checkMetric(fn, options?.metric);
  return nearest(packFor(reference, dims, metric), reference.length, packFor(queries, dims, metric), queries.length, dims, metric, null);
}

/**
 * Each reference vector's distance to its nearest other reference vector (leave-one-out: a
 * vector is not its own neighbour; an exact duplicate is at 0), exact by brute force. With
 * `sample`, only for a seeded sample of the reference (still against all of it), which is
 * what `driftThreshold` needs of a large reference.
 */
export function leaveOneOutDistances(reference: Vectors, options: LeaveOneOutOptions): number[] {
  const fn = "leaveOneOutDistances";
  const dims = checkVectors(fn, "reference", reference);
  const metric = checkMetric(fn, options?.metric);
  const n = reference.length;
  if (n < 2) throw new RangeError(`${fn}: reference must have at least 2 vectors to have neighbours, got ${n}`);
  const packed = packFor(reference, dims, metric);
  let rows: number[] | null = null;
  if (options?.sample !== undefined) {
    checkInteger(fn, "sample", options.sample, 1);
    if (options.sample < n) rows = new Random(checkSeed(fn, options.seed)).choice(n, { size: options.sample, replace: false }).sort((a, b) => a - b);
  }
  if (!rows) return nearest(packed, n, packed, n, dims, metric, Int32Array.from({ length: n }, (_, i) => i));
  const queries = new Float32Array(rows.length * dims);
  rows.forEach((row, i) => queries.set(packed.subarray(row * dims, (row + 1) * dims), i * dims));
  return nearest(packed, n, queries, rows.length, dims, metric, Int32Array.from(rows));
}

/**
 * The drift threshold: the q-th percentile of the reference's own nearest-neighbour distances
 * (from `leaveOneOutDistances`), by linear interpolation between order statistics (numpy's
 * default, R's type 7). A query farther than this from every reference vector is flagged;
 * for queries from the reference's distribution, about (100 − q)% are.
 */
export function driftThreshold(referenceNNDistances: readonly number[], q = 99): number {
  const fn = "driftThreshold";
  if (!Array.isArray(referenceNNDistances) || referenceNNDistances.length === 0) throw new RangeError(`${fn}: referenceNNDistances must be a non-empty array of distances, got ${describe(referenceNNDistances)}`);
  if (typeof q !== "number" || !(q > 0 && q <= 100)) throw new RangeError(`${fn}: q must be a percentile in (0, 100], got ${describe(q)}`);
  referenceNNDistances.forEach((d, i) => {
    if (typeof d !== "number" || !Number.isFinite(d) || d < 0) throw new TypeError(`${fn}: referenceNNDistances[${i}] must be a finite distance ≥ 0, got ${describe(d)}`);
  });
  const sorted = Float64Array.from(referenceNNDistances).sort();
  const h = (sorted.length - 1) * (q / 100);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * The population stability index of two distributions over the same bins (cluster shares):
 * Σ (actual − expected) × ln(actual / expected), each share floored at `epsilon` so that an
 * empty bin stays finite. 0 for identical shares; by a common rule of thumb, < 0.1 is stable
 * and > 0.25 a major shift.
 */
export function populationStabilityIndex(expectedShares: readonly number[], actualShares: readonly number[], epsilon = 1e-4): number {
  const fn = "populationStabilityIndex";
  checkShares(fn, "expectedShares", expectedShares);
  checkShares(fn, "actualShares", actualShares);
  if (actualShares.length !== expectedShares.length) throw new RangeError(`${fn}: actualShares has ${actualShares.length} bins, expectedShares has ${expectedShares.length}`);
  if (typeof epsilon !== "number" || !(epsilon > 0 && epsilon < 1)) throw new RangeError(`${fn}: epsilon must be in (0, 1), got ${describe(epsilon)}`);
  let psi = 0;
  for (let i = 0; i < expectedShares.length; i++) {
    const e = Math.max(expectedShares[i]!, epsilon);
    const a = Math.max(actualShares[i]!, epsilon);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** The distance between the centroids (means) of two sets of vectors, e.g. a reference and a time bucket (default metric `euclidean`). */
export function centroidDistance(a: Vectors, b: Vectors, options: { readonly metric?: Metric } = {}): number {
  const fn = "centroidDistance";
  const dims = checkVectors(fn, "a", a);
  checkSameDims(fn, "a", dims, "b", checkVectors(fn, "b", b));
  return distance(centroid(a), centroid(b), checkMetric(fn, options.metric ?? "euclidean"));
}

function checkShares(fn: string, arg: string, shares: readonly number[]): void {
  if (!Array.isArray(shares) || shares.length === 0) throw new RangeError(`${fn}: ${arg} must be a non-empty array of shares, got ${describe(shares)}`);
  let sum = 0;
  shares.forEach((s, i) => {
    if (typeof s !== "number" || !Number.isFinite(s) || s < 0) throw new TypeError(`${fn}: ${arg}[${i}] must be a share ≥ 0, got ${describe(s)}`);
    sum += s;
  });
  if (Math.abs(sum - 1) > 1e-6) throw new RangeError(`${fn}: ${arg} must sum to 1 (shares, not counts), they sum to ${sum}`);
}

/**
 * The nearest distance from each of `m` packed queries to `n` packed reference rows; with
 * `self`, query i skips reference row self[i] (leave-one-out). Cosine rows are unit vectors
 * (see `packFor`), so their distance is 1 − dot. Queries go four at a time against each
 * reference row, with two sums each over alternate dimensions: eight independent sums keep the
 * CPU busy where one sum per pair waits on every addition (twice as fast at 100,000 reference
 * vectors of 384 dimensions, bench/analysis/knn.ts).
 */
function nearest(ref: Float32Array, n: number, queries: Float32Array, m: number, dims: number, metric: Metric, self: Int32Array | null): number[] {
  const groups = Math.ceil(m / 4);
  // Pad to whole groups of four by repeating the last query; the padding's results are dropped.
  const q = new Float32Array(groups * 4 * dims);
  q.set(queries.subarray(0, m * dims));
  for (let k = m; k < groups * 4; k++) q.copyWithin(k * dims, (m - 1) * dims, m * dims);
  const skip = new Int32Array(groups * 4).fill(-1);
  if (self) skip.set(self.subarray(0, m));
  const best = new Float64Array(groups * 4).fill(Infinity);
  for (let g = 0; g < groups * 4; g += 4) scan(ref, n, q, g, dims, metric === "cosine", skip, best);
  return Array.from(best.subarray(0, m), (d) => (metric === "cosine" ? d : Math.sqrt(d)));
}

/**
 * Lowers best[g … g+3] to the distances of queries g … g+3 to their nearest reference row (a
 * row in `skip` left out): 1 − dot for unit vectors (`cosine`), else the squared Euclidean
 * distance.
 */
function scan(ref: Float32Array, n: number, q: Float32Array, g: number, dims: number, cosine: boolean, skip: Int32Array, best: Float64Array): void {
  const a = g * dims, b = a + dims, c = b + dims, e = c + dims;
  const even = dims - (dims % 2);
  for (let i = 0, base = 0; i < n; i++, base += dims) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    if (cosine) {
      for (let j = 0; j < even; j += 2) {
        const r = ref[base + j]!, r2 = ref[base + j + 1]!;
        s0 += q[a + j]! * r; s1 += q[b + j]! * r; s2 += q[c + j]! * r; s3 += q[e + j]! * r;
        t0 += q[a + j + 1]! * r2; t1 += q[b + j + 1]! * r2; t2 += q[c + j + 1]! * r2; t3 += q[e + j + 1]! * r2;
      }
      if (even < dims) {
        const r = ref[base + even]!;
        s0 += q[a + even]! * r; s1 += q[b + even]! * r; s2 += q[c + even]! * r; s3 += q[e + even]! * r;
      }
      lower(best, skip, g, i, 1 - clamp(s0 + t0), 1 - clamp(s1 + t1), 1 - clamp(s2 + t2), 1 - clamp(s3 + t3));
    } else {
      for (let j = 0; j < even; j += 2) {
        const r = ref[base + j]!, r2 = ref[base + j + 1]!;
        const d0 = q[a + j]! - r, d1 = q[b + j]! - r, d2 = q[c + j]! - r, d3 = q[e + j]! - r;
        const f0 = q[a + j + 1]! - r2, f1 = q[b + j + 1]! - r2, f2 = q[c + j + 1]! - r2, f3 = q[e + j + 1]! - r2;
        s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
        t0 += f0 * f0; t1 += f1 * f1; t2 += f2 * f2; t3 += f3 * f3;
      }
      if (even < dims) {
        const r = ref[base + even]!;
        const d0 = q[a + even]! - r, d1 = q[b + even]! - r, d2 = q[c + even]! - r, d3 = q[e + even]! - r;
        s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
      }
      lower(best, skip, g, i, s0 + t0, s1 + t1, s2 + t2, s3 + t3);
    }
  }
}

/** Keeps the smaller of best[g + k] and dk for the four queries of a group, unless reference row i is the query itself. */
function lower(best: Float64Array, skip: Int32Array, g: number, i: number, d0: number, d1: number, d2: number, d3: number): void {
  if (d0 < best[g]! && skip[g] !== i) best[g] = d0;
  if (d1 < best[g + 1]! && skip[g + 1] !== i) best[g + 1] = d1;
  if (d2 < best[g + 2]! && skip[g + 2] !== i) best[g + 2] = d2;
  if (d3 < best[g + 3]! && skip[g + 3] !== i) best[g + 3] = d3;
}

/** A dot product of unit vectors clamped to [−1, 1] against rounding. */
function clamp(dot: number): number {
  return dot > 1 ? 1 : dot < -1 ? -1 : dot;
}

/** Vectors packed for `nearest`: as they are for `euclidean`; scaled to unit length for `cosine` (an all-zero vector stays zero, at distance 1 from everything). */
function packFor(vectors: Vectors, dims: number, metric: Metric): Float32Array {
  const packed = pack(vectors, dims);
  if (metric === "euclidean") return packed;
  vectors.forEach((v, i) => {
    let s = 0;
    for (let j = 0; j < dims; j++) s += v[j]! * v[j]!;
    const norm = Math.sqrt(s);
    if (norm > 0) for (let j = 0; j < dims; j++) packed[i * dims + j] = v[j]! / norm;
  });
  return packed;
}
