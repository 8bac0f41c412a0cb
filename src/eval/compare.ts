import { groupBy } from "../trace/index.ts";
import { columnsOf, numeric, rowsOf, scoreColumnsOf, type Direction, type EvalRows } from "./leaderboard.ts";
import { pairedTest, type PairedTest } from "./paired.ts";
import { DEFAULT_ALPHA, effectSign, minEffectOf, verdictOf, type MinEffect, type Verdict } from "./effect.ts";
import { wordDiff, type WordDiffPart } from "./word-diff.ts";

type Row = Readonly<Record<string, unknown>>;

/** Which examples a comparison lists: all shared rows, or those that regressed, improved or are flaky on some metric. */
export type CompareFilter = "all" | "regressions" | "improvements" | "flaky";

/** Options shared by `compare` and `compareResults`. */
export interface PairingOptions {
  /** The variant column; default "op". */
  readonly by?: string;
  /** Metric columns (all "max"), or column → direction; default every numeric or boolean score.* column, "max". */
  readonly metrics?: readonly string[] | Readonly<Record<string, Direction>>;
  /** Column(s) identifying an example; default "row". Other dimensions not listed here are averaged with the trials. */
  readonly rowKey?: string | readonly string[];
  /** Which examples to list; default "all". Metric summaries always cover every shared row. */
  readonly only?: CompareFilter;
  /** Significance level a metric's change must reach to be improved or regressed; default 0.05. */
  readonly alpha?: number;
  /** Smallest change that counts, per metric or for all (default: any change of a score, 10% and ≥ 1 ms of latency, 10% of cost). */
  readonly minEffect?: MinEffect;
}

/** Options for `compare`: the two variants (values of the `by` column) to compare. */
export interface CompareOptions extends PairingOptions {
  readonly a: unknown;
  readonly b: unknown;
}

/** Options for `compareResults`: optionally one variant from each table; without them each variant is paired with itself. */
export interface CompareResultsOptions extends PairingOptions {
  readonly a?: unknown;
  readonly b?: unknown;
}

/**
 * One metric over the shared rows: means of the per-row means, delta = b − a, the paired test,
 * the verdict (improved or regressed only when significant at alpha and at least the minimum
 * effect), and the keys of rows that got better or worse by at least the minimum effect.
 */
export interface MetricComparison {
  readonly metric: string;
  readonly direction: Direction;
  readonly a: number;
  readonly b: number;
  readonly delta: number;
  readonly test: PairedTest;
  readonly verdict: Verdict;
  readonly minEffect: number;
  readonly improved: unknown[];
  readonly regressed: unknown[];
}

/** One side of an example: the first trial's output, error and call, the trial count and each metric's per-row mean (null without values). */
export interface ExampleSide {
  readonly output: unknown;
  readonly error: unknown;
  readonly call: unknown;
  readonly trials: number;
  readonly scores: Readonly<Record<string, number | null>>;
}

/** One shared example side by side: the word diff of the outputs, the metrics it improved or regressed on, and its flaky boolean metrics per side. */
export interface ExampleComparison {
  readonly key: unknown;
  readonly a: ExampleSide;
  readonly b: ExampleSide;
  readonly diff: WordDiffPart[];
  readonly improved: string[];
  readonly regressed: string[];
  readonly flaky: { readonly a: string[]; readonly b: string[] };
}

/** The comparison of b against a. Keys are the row key's value, or an array of values when pairing by several columns. */
export interface Comparison {
  readonly a: unknown;
  readonly b: unknown;
  readonly by: string;
  readonly rowKey: readonly string[];
  readonly shared: number;
  readonly onlyA: unknown[];
  readonly onlyB: unknown[];
  readonly flaky: unknown[];
  readonly metrics: MetricComparison[];
  readonly examples: ExampleComparison[];
}

/** Compares variants a and b (values of `by`) of one result table over the rows both have, pairing rows by `rowKey`. */
export function compare(rows: EvalRows, options: CompareOptions): Comparison {
  const objects = rowsOf(rows);
  const columns = columnsOf(objects);
  const by = options.by ?? "op";
  if (!columns.includes(by)) throw new Error(`compare: no column '${by}'; columns are: ${columns.join(", ")}`);
  const side = (v: unknown) => {
    const picked = objects.filter((r) => r[by] === v);
    if (picked.length === 0) throw new Error(`compare: no rows with ${by} = '${String(v)}'; variants are: ${variantsOf(objects, by)}`);
    return picked;
  };
  const keys = keyColumns("compare", options.rowKey, [columns]);
  const metrics = metricsOf("compare", options.metrics, [objects]);
  const pairing = `${by} '${String(options.a)}' and '${String(options.b)}'`;
  return { a: options.a, b: options.b, by, ...comparePaired("compare", side(options.a), side(options.b), keys, metrics, filterOf("compare", options.only), pairing, options) };
}

/**
 * Compares two evaluations (two result tables, b against a). With `a` and/or `b` (a variant of
 * each table; one given means the same in both) rows pair by `rowKey` within those variants.
 * Without them rows pair by `rowKey` and variant, each variant with itself, and keys include it.
 */
export function compareResults(rowsA: EvalRows, rowsB: EvalRows, options: CompareResultsOptions = {}): Comparison {
  const objectsA = rowsOf(rowsA);
  const objectsB = rowsOf(rowsB);
  const colsA = columnsOf(objectsA);
  const colsB = columnsOf(objectsB);
  const by = options.by ?? "op";
  const metrics = metricsOf("compareResults", options.metrics, [objectsA, objectsB]);
  const only = filterOf("compareResults", options.only);
  if (options.a === undefined && options.b === undefined) {
    const withBy = colsA.includes(by) || colsB.includes(by);
    const keys = keyColumns("compareResults", options.rowKey, [colsA, colsB]);
    return { a: null, b: null, by, ...comparePaired("compareResults", objectsA, objectsB, withBy ? [...keys, by] : keys, metrics, only, "the two tables", options) };
  }
  const a = options.a === undefined ? options.b : options.a;
  const b = options.b === undefined ? options.a : options.b;
  const side = (objects: readonly Row[], cols: readonly string[], v: unknown, which: string) => {
    if (!cols.includes(by)) throw new Error(`compareResults: no column '${by}' in the ${which} table; columns are: ${cols.join(", ")}`);
    const picked = objects.filter((r) => r[by] === v);
    if (picked.length === 0) throw new Error(`compareResults: no rows with ${by} = '${String(v)}' in the ${which} table; variants are: ${variantsOf(objects, by)}`);
    return picked;
  };
  const keys = keyColumns("compareResults", options.rowKey, [colsA, colsB]);
  const pairing = `${by} '${String(a)}' (first table) and '${String(b)}' (second table)`;
  return { a, b, by, ...comparePaired("compareResults", side(objectsA, colsA, a, "first"), side(objectsB, colsB, b, "second"), keys, metrics, only, pairing, options) };
}

interface Group {
  readonly key: unknown;
  readonly rows: Row[];
}

/* The shared core: group each side's rows by key, average every metric per group (trials and
   any dimension outside the key together), then test the per-row means pairwise. */
function comparePaired(fn: string, rowsA: readonly Row[], rowsB: readonly Row[], keys: readonly string[], metrics: Readonly<Record<string, Direction>>, only: CompareFilter, pairing: string, effect: Pick<PairingOptions, "alpha" | "minEffect">): Omit<Comparison, "a" | "b" | "by"> {
  const groupsA = groupsOf(rowsA, keys);
  const groupsB = groupsOf(rowsB, keys);
  const shared = [...groupsA.keys()].filter((id) => groupsB.has(id));
  if (shared.length === 0) throw new Error(`${fn}: ${pairing} share no rows (paired by ${keys.join(", ")})`);
  const names = Object.keys(metrics);
  const sides = shared.map((id) => ({ key: groupsA.get(id)!.key, a: sideOf(groupsA.get(id)!.rows, names), b: sideOf(groupsB.get(id)!.rows, names) }));
  const tests = new Map(names.map((m) => {
    const paired = sides.filter((s) => s.a.scores[m] !== null && s.b.scores[m] !== null);
    return [m, pairedTest(paired.map((s) => s.a.scores[m]!), paired.map((s) => s.b.scores[m]!))];
  }));
  const minEffect = new Map(names.map((m) => [m, minEffectOf(m, tests.get(m)!.meanA, effect.minEffect)]));
  // A row got better (+1) or worse (−1) on a metric when it moved by at least the minimum effect.
  const moved = (m: string, x: number | null | undefined, y: number | null | undefined) => (x == null || y == null ? 0 : effectSign(y - x, metrics[m]!, minEffect.get(m)!));

  const metricResults = names.map((m): MetricComparison => {
    const test = tests.get(m)!;
    return {
      metric: m,
      direction: metrics[m]!,
      a: test.meanA,
      b: test.meanB,
      delta: test.meanDiff,
      test,
      verdict: verdictOf(test.meanDiff, test.p, metrics[m]!, minEffect.get(m)!, effect.alpha ?? DEFAULT_ALPHA),
      minEffect: minEffect.get(m)!,
      improved: sides.filter((s) => moved(m, s.a.scores[m], s.b.scores[m]) > 0).map((s) => s.key),
      regressed: sides.filter((s) => moved(m, s.a.scores[m], s.b.scores[m]) < 0).map((s) => s.key),
    };
  });

  const examples = sides.map((s, i): ExampleComparison => {
    const id = shared[i]!;
    return {
      key: s.key,
      a: s.a,
      b: s.b,
      diff: wordDiff(s.a.output, s.b.output),
      improved: names.filter((m) => moved(m, s.a.scores[m], s.b.scores[m]) > 0),
      regressed: names.filter((m) => moved(m, s.a.scores[m], s.b.scores[m]) < 0),
      flaky: { a: flakyMetrics(groupsA.get(id)!.rows, names), b: flakyMetrics(groupsB.get(id)!.rows, names) },
    };
  });
  const isFlaky = (e: ExampleComparison) => e.flaky.a.length > 0 || e.flaky.b.length > 0;
  const keep = (e: ExampleComparison) =>
    only === "all" || (only === "regressions" ? e.regressed.length > 0 : only === "improvements" ? e.improved.length > 0 : isFlaky(e));
  return {
    rowKey: keys,
    shared: shared.length,
    onlyA: [...groupsA.keys()].filter((id) => !groupsB.has(id)).map((id) => groupsA.get(id)!.key),
    onlyB: [...groupsB.keys()].filter((id) => !groupsA.has(id)).map((id) => groupsB.get(id)!.key),
    flaky: examples.filter(isFlaky).map((e) => e.key),
    metrics: metricResults,
    examples: examples.filter(keep),
  };
}

/** Rows grouped by the key columns (a missing value is null); a group's key is the one value, or the array of values. */
function groupsOf(rows: readonly Row[], keys: readonly string[]): Map<string, Group> {
  const groups = groupBy(rows, (row) => keys.map((k) => row[k] ?? null));
  return new Map([...groups].map(([id, g]) => [id, { key: keys.length === 1 ? g.key[0] : g.key, rows: g.rows }]));
}

/** The first trial's output, error and call (lowest `trial`, else first seen), and each metric's mean over the group. */
function sideOf(rows: readonly Row[], metrics: readonly string[]): ExampleSide {
  const first = rows.reduce((best, r) => ((numeric(r.trial) ?? Infinity) < (numeric(best.trial) ?? Infinity) ? r : best), rows[0]!);
  const scores: Record<string, number | null> = {};
  for (const m of metrics) {
    const xs = rows.map((r) => numeric(r[m])).filter((x): x is number => x !== null);
    scores[m] = xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length;
  }
  return { output: first.output ?? null, error: first.error ?? null, call: first.call ?? null, trials: rows.length, scores };
}

/** Metrics whose boolean values disagree across the group's trials. */
function flakyMetrics(rows: readonly Row[], metrics: readonly string[]): string[] {
  return metrics.filter((m) => new Set(rows.map((r) => r[m]).filter((v) => typeof v === "boolean")).size > 1);
}

function keyColumns(fn: string, rowKey: string | readonly string[] | undefined, tables: readonly (readonly string[])[]): string[] {
  const keys = typeof rowKey === "string" ? [rowKey] : [...(rowKey ?? ["row"])];
  if (keys.length === 0) throw new Error(`${fn}: rowKey names no columns`);
  for (const cols of tables) for (const k of keys) if (!cols.includes(k)) throw new Error(`${fn}: no column '${k}' to pair rows by; columns are: ${cols.join(", ")}`);
  return keys;
}

function metricsOf(fn: string, metrics: CompareOptions["metrics"], tables: readonly (readonly Row[])[]): Record<string, Direction> {
  const columns = tables.map((rows) => columnsOf(rows));
  const scoreCols = scoreColumnsOf(tables.flat(), [...new Set(columns.flat())]).filter((c) => columns.every((cols) => cols.includes(c)));
  const spec: Record<string, Direction> = metrics === undefined ? Object.fromEntries(scoreCols.map((c) => [c, "max" as const])) : isNames(metrics) ? Object.fromEntries(metrics.map((m) => [m, "max" as const])) : { ...metrics };
  const listed = scoreCols.length ? scoreCols.join(", ") : "(none)";
  if (Object.keys(spec).length === 0) throw new Error(`${fn}: no score.* columns with numbers or booleans to compare; pass metrics`);
  for (const [m, d] of Object.entries(spec)) {
    if (!columns.every((cols) => cols.includes(m))) throw new Error(`${fn}: no column '${m}'${tables.length > 1 ? " in both tables" : ""}; score columns are: ${listed}`);
    if (d !== "max" && d !== "min") throw new Error(`${fn}: invalid direction for '${m}': '${String(d)}' (expected 'max' or 'min')`);
  }
  return spec;
}

function isNames(metrics: NonNullable<CompareOptions["metrics"]>): metrics is readonly string[] {
  return Array.isArray(metrics);
}

function filterOf(fn: string, only: CompareFilter | undefined): CompareFilter {
  const f = only ?? "all";
  if (!["all", "regressions", "improvements", "flaky"].includes(f)) throw new Error(`${fn}: invalid filter '${String(f)}' (expected 'all', 'regressions', 'improvements' or 'flaky')`);
  return f;
}

function variantsOf(rows: readonly Row[], by: string): string {
  return [...new Set(rows.map((r) => String(r[by])))].join(", ");
}
