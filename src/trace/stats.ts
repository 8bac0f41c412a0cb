import tQuantile from "@stdlib/stats-base-dists-t-quantile";

/** Mean, standard error and a 95% confidence interval (Student's t) of numeric values. */
export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly sem: number;
  readonly ciLow: number;
  readonly ciHigh: number;
}

/** Summarizes finite numbers (booleans count as 0/1; other values are skipped). n < 2 gives a zero-width interval. */
export function summarize(values: Iterable<unknown>): Summary {
  const xs: number[] = [];
  for (const v of values) {
    if (typeof v === "boolean") xs.push(v ? 1 : 0);
    else if (typeof v === "number" && Number.isFinite(v)) xs.push(v);
  }
  const n = xs.length;
  if (n === 0) return { n: 0, mean: NaN, sem: NaN, ciLow: NaN, ciHigh: NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, sem: 0, ciLow: mean, ciHigh: mean };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  const sem = Math.sqrt(variance / n);
  const half = tQuantile(0.975, n - 1) * sem;
  return { n, mean, sem, ciLow: mean - half, ciHigh: mean + half };
}
