import tCdf from "@stdlib/stats-base-dists-t-cdf";
import type { Summary } from "../trace/index.ts";
import type { Direction } from "./leaderboard.ts";

/** The significance level a change must reach to be called better or worse (two-sided). */
export const DEFAULT_ALPHA = 0.05;

/** Minimum effects: one number for every metric, or per metric (the rest keep their default). */
export type MinEffect = number | Readonly<Record<string, number>>;

/** How a metric moved: better or worse by at least the minimum effect and significant at `alpha`, or neither. */
export type Verdict = "improved" | "regressed" | "no significant change";

/**
 * The smallest change of a metric that counts, in its own units: any change of a score; for
 * latency 10% of the baseline and at least 1 ms (sub-millisecond jitter is noise); for cost
 * 10% of the baseline; for other columns any change. `given` overrides it.
 */
export function minEffectOf(metric: string, baseline: number, given?: MinEffect): number {
  if (typeof given === "number") return given;
  if (given && typeof given[metric] === "number") return given[metric]!;
  const base = Number.isFinite(baseline) ? Math.abs(baseline) : 0;
  if (metric === "latency_ms") return Math.max(1, 0.1 * base);
  if (metric === "cost") return 0.1 * base;
  return 0;
}

/** Whether a change `delta` (b − a) is at least the minimum effect in the better (+1) or worse (−1) direction, else 0. */
export function effectSign(delta: number, direction: Direction, minEffect: number): -1 | 0 | 1 {
  const gain = direction === "max" ? delta : -delta;
  if (!Number.isFinite(gain) || gain === 0 || Math.abs(gain) < minEffect) return 0;
  return gain > 0 ? 1 : -1;
}

/** The verdict on a change: it needs both p < alpha and an effect of at least `minEffect`. */
export function verdictOf(delta: number, p: number, direction: Direction, minEffect: number, alpha = DEFAULT_ALPHA): Verdict {
  const sign = effectSign(delta, direction, minEffect);
  if (sign === 0 || !(p < alpha)) return "no significant change";
  return sign > 0 ? "improved" : "regressed";
}

/** Two-sided p-value of Welch's t-test between two independent summaries (mean, sem, n); 1 when either has no values. */
export function welchP(a: Summary, b: Summary): number {
  if (a.n === 0 || b.n === 0 || !Number.isFinite(a.mean) || !Number.isFinite(b.mean)) return 1;
  const va = a.sem ** 2;
  const vb = b.sem ** 2;
  const diff = a.mean - b.mean;
  if (va + vb === 0) return diff === 0 ? 1 : 0;
  const t = diff / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / ((a.n > 1 ? va ** 2 / (a.n - 1) : 0) + (b.n > 1 ? vb ** 2 / (b.n - 1) : 0) || Number.EPSILON);
  return Math.min(1, 2 * tCdf(-Math.abs(t), Math.max(1, df)));
}
