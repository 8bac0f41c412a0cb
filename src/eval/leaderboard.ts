import { groupRows, summarize, type Summary } from "../trace/index.ts";
import { DEFAULT_ALPHA, minEffectOf, welchP, type MinEffect } from "./effect.ts";

/** Which way a metric is better: "max" (higher wins, e.g. a score) or "min" (lower wins, e.g. latency or cost). */
export type Direction = "max" | "min";

/** Anything with arquero's `objects()`, such as `VaryResult.table()`. */
export interface TableSource {
  objects(): object[];
}

/** Result rows: an arquero table or an array of row objects. */
export type EvalRows = TableSource | readonly Readonly<Record<string, unknown>>[];

/** Options for `leaderboard`. */
export interface LeaderboardOptions {
  /** The column (or columns) naming a variant; default "op". */
  readonly by?: string | readonly string[];
  /** Metric column → direction; default every numeric or boolean score.* column "max", plus latency_ms and cost "min" when they hold numbers. */
  readonly metrics?: Readonly<Record<string, Direction>>;
  /** Metrics to order by first (each in its own direction); the remaining metrics break ties in their listed order. */
  readonly sortBy?: string | readonly string[];
  /** Significance level a variant must be worse at to lose the "best" mark; default 0.05. */
  readonly alpha?: number;
  /** Smallest difference that counts, per metric or for all (default: any for scores, 10% and ≥ 1 ms of latency, 10% of cost). */
  readonly minEffect?: MinEffect;
}

/**
 * One metric of one variant: its summary over the variant's rows, its direction, its rank among
 * variants (null when it has no values), and whether it is among the best: not worse than the
 * top variant by at least the minimum effect with significance (Welch's t-test at alpha). Noise
 * cannot move this mark from one load to the next.
 */
export interface MetricStanding extends Summary {
  readonly direction: Direction;
  readonly rank: number | null;
  readonly best: boolean;
}

/** One variant on the leaderboard: its `by` values, overall rank (ties share a rank), row count and metric standings. */
export interface LeaderboardEntry {
  readonly group: Readonly<Record<string, unknown>>;
  readonly rank: number;
  readonly n: number;
  readonly metrics: Readonly<Record<string, MetricStanding>>;
}

/**
 * One entry per variant, best first. Each metric is summarized over all of the variant's rows
 * (trials included, as `VaryResult.rollup` does). Ranks are competition ranks ("1, 2, 2, 4"):
 * equal means share a rank. Variants with no values for a metric sort after all others on it.
 */
export function leaderboard(rows: EvalRows, options: LeaderboardOptions = {}): LeaderboardEntry[] {
  const objects = rowsOf(rows);
  const columns = columnsOf(objects);
  const by = typeof options.by === "string" ? [options.by] : [...(options.by ?? ["op"])];
  for (const b of by) if (!columns.includes(b)) throw new Error(`leaderboard: no column '${b}' to group by; columns are: ${columns.join(", ")}`);
  const metrics = options.metrics ?? defaultMetrics(objects, columns);
  const names = Object.keys(metrics);
  if (names.length === 0) throw new Error("leaderboard: no metrics (no score.*, latency_ms or cost columns with numbers); pass metrics");
  for (const m of names) {
    if (!columns.includes(m)) throw new Error(`leaderboard: no column '${m}'; columns are: ${columns.join(", ")}`);
    const d = metrics[m];
    if (d !== "max" && d !== "min") throw new Error(`leaderboard: invalid direction for '${m}': '${String(d)}' (expected 'max' or 'min')`);
  }
  const sortBy = typeof options.sortBy === "string" ? [options.sortBy] : [...(options.sortBy ?? [])];
  for (const m of sortBy) if (!names.includes(m)) throw new Error(`leaderboard: cannot sort by '${m}': not a metric; metrics are: ${names.join(", ")}`);
  const order = [...sortBy, ...names.filter((m) => !sortBy.includes(m))];

  const summaries = groupRows(objects, by).map((g) => ({
    group: Object.fromEntries(by.map((b, i) => [b, g.key[i]])),
    n: g.rows.length,
    stats: Object.fromEntries(names.map((m) => [m, summarize(g.rows.map((r) => r[m]))])),
  }));

  const better = (m: string) => (x: number, y: number) => compareMeans(x, y, metrics[m]!);
  const metricRanks = Object.fromEntries(names.map((m) => [m, competitionRanks(summaries.map((s) => s.stats[m]!.mean), better(m))]));
  const tuples = summaries.map((s) => order.map((m) => s.stats[m]!.mean));
  const byTuple = (x: number[], y: number[]) => {
    for (let i = 0; i < order.length; i++) {
      const c = better(order[i]!)(x[i]!, y[i]!);
      if (c !== 0) return c;
    }
    return 0;
  };
  const overall = competitionRanks(tuples, byTuple);
  const tops = Object.fromEntries(names.map((m) => [m, summaries[metricRanks[m]!.indexOf(1)]?.stats[m]]));
  const isBest = (m: string, st: Summary) => {
    const top = tops[m];
    if (!top || Number.isNaN(st.mean)) return false;
    const worse = metrics[m] === "max" ? top.mean - st.mean : st.mean - top.mean;
    return worse < minEffectOf(m, top.mean, options.minEffect) || !(welchP(top, st) < (options.alpha ?? DEFAULT_ALPHA));
  };
  const entries = summaries.map((s, i) => ({
    group: s.group,
    rank: overall[i]!,
    n: s.n,
    metrics: Object.fromEntries(
      names.map((m) => {
        const st = s.stats[m]!;
        return [m, { ...st, direction: metrics[m]!, rank: Number.isNaN(st.mean) ? null : metricRanks[m]![i]!, best: isBest(m, st) }];
      }),
    ),
  }));
  // Stable: variants that tie keep the order in which they first appear.
  return entries.map((e, i) => ({ e, i })).sort((x, y) => x.e.rank - y.e.rank || x.i - y.i).map(({ e }) => e);
}

/** The rows of an arquero table or an array of row objects, as objects. */
export function rowsOf(rows: EvalRows): readonly Readonly<Record<string, unknown>>[] {
  if (!("objects" in rows)) return rows;
  // arquero types its row objects as `object`; they are plain column → value records.
  return rows.objects() as Record<string, unknown>[];
}

/** The union of the rows' keys, in first-seen order. */
export function columnsOf(rows: readonly Readonly<Record<string, unknown>>[]): string[] {
  const cols = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) cols.add(k);
  return [...cols];
}

/** score.* columns holding at least one boolean or finite number. */
export function scoreColumnsOf(rows: readonly Readonly<Record<string, unknown>>[], columns: readonly string[]): string[] {
  return columns.filter((c) => c.startsWith("score.") && hasNumbers(rows, c));
}

/** A boolean as 0/1, a finite number as itself, anything else as null. */
export function numeric(value: unknown): number | null {
  if (typeof value === "boolean") return value ? 1 : 0;
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function defaultMetrics(rows: readonly Readonly<Record<string, unknown>>[], columns: readonly string[]): Record<string, Direction> {
  const out: Record<string, Direction> = {};
  for (const c of scoreColumnsOf(rows, columns)) out[c] = "max";
  for (const c of ["latency_ms", "cost"]) if (columns.includes(c) && hasNumbers(rows, c)) out[c] = "min";
  return out;
}

function hasNumbers(rows: readonly Readonly<Record<string, unknown>>[], column: string): boolean {
  return rows.some((r) => numeric(r[column]) !== null);
}

/** Negative when x is better than y in the given direction; NaN is worse than any number. */
function compareMeans(x: number, y: number, direction: Direction): number {
  const xn = Number.isNaN(x);
  const yn = Number.isNaN(y);
  if (xn || yn) return xn === yn ? 0 : xn ? 1 : -1;
  return direction === "max" ? y - x : x - y;
}

/** Competition ranks (1-based) of items under a comparator where negative means "ranks before". */
function competitionRanks<T>(items: readonly T[], cmp: (x: T, y: T) => number): number[] {
  return items.map((x) => 1 + items.filter((y) => cmp(y, x) < 0).length);
}
