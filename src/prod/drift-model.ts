// The drift detector's math on embedded reference texts (pure; the distances are
// src/analysis's): the threshold, the q-th percentile of the reference's own leave-one-out
// nearest-neighbour distances; and the scoring of new texts by their nearest reference text.
// Both run in the collector's thread beside ingest, so both are cut into pieces of about 10⁸
// multiply-adds (a tenth of a second) with a yield between: the threshold is computed a slice
// of reference rows at a time, and queries that arrive together are scored in batches (the
// reference is checked and packed once per batch, not once per call).

import { Random } from "ml-random";
import { driftThreshold, leaveOneOutDistances, nearestDistances, type Metric, type Vectors } from "../analysis/index.ts";

/** The threshold of a reference and how it was computed. */
export interface DriftFit {
  readonly threshold: number;
  /** How many reference vectors' leave-one-out distances it was computed from. */
  readonly sampled: number;
}

/** Multiply-adds of distance work between two yields. */
const WORK = 1e8;

/** Rows (or queries) of `dims` dimensions against `n` reference vectors that make one piece of work, from `min` to `max`. */
function pieceSize(n: number, dims: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.floor(WORK / Math.max(1, n * dims))));
}

/**
 * The drift threshold of a reference: `driftThreshold` (the q-th percentile) of the
 * leave-one-out distances of a seeded sample of `sample` reference vectors (all of them when
 * there are fewer), each against the whole reference. Computed a slice of rows at a time,
 * awaiting `pause` between slices: a row's distance to the rest is the smaller of its distance
 * to the vectors outside its slice (`nearestDistances`) and to the others in its slice
 * (`leaveOneOutDistances`), so the result is exact.
 */
export async function fitDrift(reference: Vectors, options: { readonly q: number; readonly metric: Metric; readonly sample: number; readonly seed: number }, pause: () => Promise<void> = () => Promise.resolve()): Promise<DriftFit> {
  const n = reference.length;
  if (n < 2) throw new RangeError(`the reference has ${n} text${n === 1 ? "" : "s"}; a drift threshold needs at least 2 (each is compared with its nearest other)`);
  const rows = options.sample < n ? new Random(options.seed).choice(n, { size: options.sample, replace: false }).sort((a, b) => a - b) : Array.from({ length: n }, (_, i) => i);
  const size = pieceSize(n, reference[0]!.length, 8, 256);
  const distances: number[] = [];
  for (let start = 0; start < rows.length; start += size) {
    const slice = rows.slice(start, start + size);
    const inSlice = new Set(slice);
    const vectors = slice.map((i) => reference[i]!);
    const rest = reference.filter((_, i) => !inSlice.has(i));
    const outside = rest.length ? nearestDistances(rest, vectors, { metric: options.metric }) : vectors.map(() => Infinity);
    const inside = vectors.length >= 2 ? leaveOneOutDistances(vectors, { metric: options.metric }) : [Infinity];
    for (let k = 0; k < slice.length; k++) distances.push(Math.min(outside[k]!, inside[k]!));
    await pause();
  }
  return { threshold: driftThreshold(distances, options.q), sampled: rows.length };
}

/** One query's nearest reference vector: its distance and its index. */
export interface Nearest {
  readonly distance: number;
  readonly index: number;
}

/**
 * Scores queries against a reference as they come. Queries asked for before the next
 * `schedule`d turn are scored together: their distances by one `nearestDistances` batch, and
 * the index of each one's nearest reference vector by a scan (`nearestDistances` gives no
 * index). Batches are bounded (about 10⁸ multiply-adds) and the next waits for the next turn.
 */
export function driftScorer(reference: readonly Float32Array[], metric: Metric, schedule: (run: () => void) => void = (run) => void setTimeout(run, 0)): (query: ArrayLike<number>) => Promise<Nearest> {
  const dims = reference[0]?.length ?? 0;
  const batchSize = pieceSize(reference.length, dims, 4, 64);
  const norms = metric === "cosine" ? reference.map((v) => Math.sqrt(dot(v, v))) : null;
  let pending: { query: ArrayLike<number>; resolve: (n: Nearest) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;
  const flush = () => {
    const batch = pending.slice(0, batchSize);
    pending = pending.slice(batchSize);
    scheduled = pending.length > 0;
    if (scheduled) schedule(flush);
    let distances: number[];
    try {
      distances = nearestDistances(reference, batch.map((p) => p.query), { metric });
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, k) => p.resolve({ distance: distances[k]!, index: nearestIndex(reference, norms, p.query) }));
  };
  return (query) =>
    new Promise<Nearest>((resolve, reject) => {
      pending.push({ query, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    });
}

/** The index of the reference vector nearest the query (the first of equals): the largest cosine similarity when `norms` are given, else the smallest squared Euclidean distance. */
function nearestIndex(reference: readonly Float32Array[], norms: readonly number[] | null, query: ArrayLike<number>): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let i = 0; i < reference.length; i++) {
    const v = reference[i]!;
    let score: number;
    if (norms) score = norms[i]! > 0 ? dot(v, query) / norms[i]! : -Infinity;
    else {
      let s = 0;
      for (let j = 0; j < v.length; j++) {
        const d = v[j]! - query[j]!;
        s += d * d;
      }
      score = -s;
    }
    if (score > bestScore) [best, bestScore] = [i, score];
  }
  return best;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
}
