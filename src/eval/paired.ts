import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";

/** A paired t-test of b − a: the mean difference, its standard error, a 95% CI, t, df and the two-sided p-value. */
export interface PairedTest {
  /** Pairs used (pairs where either value is not a finite number are dropped). */
  readonly n: number;
  readonly meanA: number;
  readonly meanB: number;
  /** Mean of the differences b − a. */
  readonly meanDiff: number;
  readonly sem: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly t: number;
  readonly df: number;
  readonly p: number;
}

/**
 * Paired t-test of b − a over pairs at the same index (Student's t, n − 1 df, two-sided).
 *
 * Edge cases: n = 0 gives NaN everywhere; n = 1 gives the means and meanDiff with NaN for
 * sem, CI, t and p (no variance to test against). With n ≥ 2 and every difference equal,
 * sem is 0 and the CI has zero width: all differences 0 gives t = 0 and p = 1; all equal
 * and non-zero gives t = ±Infinity and p = 0. Throws when a and b differ in length.
 */
export function pairedTest(a: readonly number[], b: readonly number[]): PairedTest {
  if (a.length !== b.length) throw new Error(`pairedTest: a has ${a.length} values, b has ${b.length}; paired samples need the same length`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      xs.push(x);
      ys.push(y);
    }
  }
  const n = xs.length;
  const df = Math.max(n - 1, 0);
  const meanA = mean(xs);
  const meanB = mean(ys);
  const diffs = xs.map((x, i) => ys[i]! - x);
  const meanDiff = mean(diffs);
  if (n < 2) return { n, meanA, meanB, meanDiff, sem: NaN, ciLow: NaN, ciHigh: NaN, t: NaN, df, p: NaN };
  const variance = diffs.reduce((s, d) => s + (d - meanDiff) ** 2, 0) / (n - 1);
  // Differences that are equal up to rounding have a variance of a few ulps; treat it as zero.
  const sem = variance <= Number.EPSILON * meanDiff * meanDiff ? 0 : Math.sqrt(variance / n);
  if (sem === 0) {
    const t = meanDiff === 0 ? 0 : Math.sign(meanDiff) * Infinity;
    return { n, meanA, meanB, meanDiff, sem, ciLow: meanDiff, ciHigh: meanDiff, t, df, p: meanDiff === 0 ? 1 : 0 };
  }
  const half = tQuantile(0.975, df) * sem;
  const t = meanDiff / sem;
  const p = Math.min(1, 2 * tCdf(-Math.abs(t), df));
  return { n, meanA, meanB, meanDiff, sem, ciLow: meanDiff - half, ciHigh: meanDiff + half, t, df, p };
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}
