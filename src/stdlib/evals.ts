import { compare as compareRows, compareResults, leaderboard as rank, type Comparison, type CompareOptions, type CompareResultsOptions, type LeaderboardEntry, type LeaderboardOptions } from "../eval/index.ts";
import { isVaryResult, type VaryResult } from "../trace/index.ts";

const COMPARE = Symbol.for("weft.compare");
const LEADERBOARD = Symbol.for("weft.leaderboard");

/** A comparison as a cell value: the editor renders it as the compare view. */
export interface CompareValue {
  readonly [COMPARE]: true;
  readonly comparison: Comparison;
  /** The results compared, to open calls from the view. */
  readonly sources: readonly VaryResult[];
}

/** A leaderboard as a cell value: the editor renders it sortable, and opens a compare view from a row. */
export interface LeaderboardValue {
  readonly [LEADERBOARD]: true;
  readonly entries: readonly LeaderboardEntry[];
  readonly by: string;
  readonly metrics: Readonly<Record<string, "max" | "min">>;
  /** Compares two variants of the same result (what a click on a row opens). */
  compare(a: unknown, b: unknown): CompareValue;
}

/** Whether a value is a compare view value. */
export function isCompareValue(value: unknown): value is CompareValue {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[COMPARE] === true;
}

/** Whether a value is a leaderboard value. */
export function isLeaderboardValue(value: unknown): value is LeaderboardValue {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[LEADERBOARD] === true;
}

type Rows = Parameters<typeof compareRows>[0];

function rowsOf(x: unknown): { rows: Rows; source: VaryResult | null } {
  if (isVaryResult(x)) return { rows: x.table(), source: x };
  return { rows: x as Rows, source: null };
}

/**
 * `compare(result, {a, b})` compares two variants of one evaluation; `compare(resultA, resultB,
 * {a?, b?})` two evaluations: summary deltas with a paired test, improved and regressed rows,
 * outputs side by side with a word diff, and filters.
 */
export function compare(first: unknown, second: unknown, third?: unknown): CompareValue {
  if (third !== undefined || isVaryResult(second) || Array.isArray(second) || (second && typeof (second as { objects?: unknown }).objects === "function")) {
    const a = rowsOf(first);
    const b = rowsOf(second);
    const comparison = compareResults(a.rows, b.rows, (third ?? {}) as CompareResultsOptions);
    return { [COMPARE]: true, comparison, sources: [a.source, b.source].filter((s): s is VaryResult => !!s) };
  }
  const { rows, source } = rowsOf(first);
  return { [COMPARE]: true, comparison: compareRows(rows, second as CompareOptions), sources: source ? [source] : [] };
}

/** `leaderboard(result, {metrics: {"score.correct": "max", latency_ms: "min"}})`: variants ranked by their metrics. */
export function leaderboard(result: unknown, options: LeaderboardOptions = {}): LeaderboardValue {
  const { rows, source } = rowsOf(result);
  const entries = rank(rows, options);
  const by = typeof options.by === "string" ? options.by : options.by?.[0] ?? "op";
  const metrics = entries[0] ? Object.fromEntries(Object.entries(entries[0].metrics).map(([m, s]) => [m, s.direction])) : options.metrics ?? {};
  return {
    [LEADERBOARD]: true,
    entries,
    by,
    metrics,
    compare: (a, b) => ({ [COMPARE]: true, comparison: compareRows(rows, { a, b, by, metrics }), sources: source ? [source] : [] }),
  };
}
