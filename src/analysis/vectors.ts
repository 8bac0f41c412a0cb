/** One vector: a plain array or a typed array of numbers (an embedding). */
export type Vector = ArrayLike<number>;

/** A list of vectors of one dimension. */
export type Vectors = readonly Vector[];

/** How two vectors are compared: `cosine` is 1 − cosine similarity (1 when either is all zeros), `euclidean` the straight-line distance. */
export type Metric = "cosine" | "euclidean";

/** The dimension of `vectors`, after checking they are a non-empty list of equal-length vectors of finite numbers; errors name the function and the argument. */
export function checkVectors(fn: string, arg: string, vectors: Vectors): number {
  if (!Array.isArray(vectors)) throw new TypeError(`${fn}: ${arg} must be an array of vectors, got ${describe(vectors)}`);
  if (vectors.length === 0) throw new RangeError(`${fn}: ${arg} must not be empty`);
  let dims = -1;
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i];
    if (!isVector(v)) throw new TypeError(`${fn}: ${arg}[${i}] must be an array or typed array of numbers, got ${describe(v)}`);
    if (dims === -1) {
      if (v.length === 0) throw new RangeError(`${fn}: ${arg}[0] has no dimensions`);
      dims = v.length;
    } else if (v.length !== dims) {
      throw new RangeError(`${fn}: ${arg} are ragged: ${arg}[${i}] has ${v.length} dimensions, ${arg}[0] has ${dims}`);
    }
    for (let j = 0; j < dims; j++) {
      const x = v[j];
      if (typeof x !== "number" || !Number.isFinite(x)) throw new TypeError(`${fn}: ${arg}[${i}][${j}] is ${describe(x)}, not a finite number`);
    }
  }
  return dims;
}

/** Checks that two sets of vectors share a dimension, naming both arguments when they do not. */
export function checkSameDims(fn: string, a: string, aDims: number, b: string, bDims: number): void {
  if (aDims !== bDims) throw new RangeError(`${fn}: ${b} have ${bDims} dimensions, ${a} have ${aDims}`);
}

/** Checks that `metric` is one of the supported metrics. */
export function checkMetric(fn: string, metric: unknown): Metric {
  if (metric !== "cosine" && metric !== "euclidean") throw new RangeError(`${fn}: metric must be "cosine" or "euclidean", got ${describe(metric)}`);
  return metric;
}

/** Checks that `value` is an integer from `min` to `max` (inclusive), naming the argument. */
export function checkInteger(fn: string, arg: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER, why = ""): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}${why}`;
    throw new RangeError(`${fn}: ${arg} must be ${range}, got ${describe(value)}`);
  }
  return value;
}

/** The vectors as plain `number[][]`, as umap-js and ml-kmeans take them (plain arrays are passed through, typed arrays copied). */
export function toArrays(vectors: Vectors): number[][] {
  return vectors.map((v) => (Array.isArray(v) ? (v as number[]) : Array.from(v)));
}

/** The vectors packed row by row into one Float32Array (n × dims), for tight distance loops. */
export function pack(vectors: Vectors, dims: number): Float32Array {
  const out = new Float32Array(vectors.length * dims);
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i]!;
    for (let j = 0; j < dims; j++) out[i * dims + j] = v[j]!;
  }
  return out;
}

/** The mean of the vectors, dimension by dimension. */
export function centroid(vectors: Vectors): number[] {
  const dims = checkVectors("centroid", "vectors", vectors);
  const sum = new Array<number>(dims).fill(0);
  for (const v of vectors) for (let j = 0; j < dims; j++) sum[j]! += v[j]!;
  return sum.map((s) => s / vectors.length);
}

/** The distance between two vectors of equal length under `metric`. */
export function distance(a: Vector, b: Vector, metric: Metric): number {
  if (metric === "euclidean") {
    let s = 0;
    for (let j = 0; j < a.length; j++) {
      const d = a[j]! - b[j]!;
      s += d * d;
    }
    return Math.sqrt(s);
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < a.length; j++) {
    dot += a[j]! * b[j]!;
    na += a[j]! * a[j]!;
    nb += b[j]! * b[j]!;
  }
  return cosineFrom(dot, na, nb);
}

/** Cosine distance from a dot product and two squared norms: 1 − similarity clamped to [0, 2]; 1 when either vector is all zeros. */
export function cosineFrom(dot: number, squaredNormA: number, squaredNormB: number): number {
  if (squaredNormA === 0 || squaredNormB === 0) return 1;
  const similarity = Math.max(-1, Math.min(1, dot / Math.sqrt(squaredNormA * squaredNormB)));
  return 1 - similarity;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value;
}

function isVector(v: unknown): v is Vector {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView) && typeof (v as { length?: unknown }).length === "number" && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array));
}
