import * as aq from "arquero";
import { describe, expect, test } from "vitest";
import { compare, compareResults, type Comparison } from "../../src/eval/index.ts";
import { wordDiff } from "../../src/eval/index.ts";

type Leaf = [op: string, row: number, trial: number, correct: boolean, sim: number, output: string];

const leaf = ([op, row, trial, correct, sim, output]: Leaf) => ({
  op, id: `q${row}`, row, trial, status: "ok", output, error: null, latency_ms: 100, cost: 0.01, "score.correct": correct, "score.sim": sim, call: `${op}-${row}-${trial}`,
});

/**
 * Rows 0–2 run under both ops, two trials each; row 3 only under "base".
 * Per-row means of score.correct: base [1, 0, 0.5], new [0, 1, 1]; of score.sim: base [0.9, 0.3, 0.7], new [0.5, 0.8, 0.8].
 * Row 2 is flaky under "base" (correct, then not); its sim also varies, but only booleans count.
 */
const rows = ([
  ["base", 0, 0, true, 0.9, "the cat sat"],
  ["base", 0, 1, true, 0.9, "the cat sat"],
  ["base", 1, 0, false, 0.2, "no idea"],
  ["base", 1, 1, false, 0.4, "no idea"],
  ["base", 2, 0, true, 0.8, "blue"],
  ["base", 2, 1, false, 0.6, "green"],
  ["base", 3, 0, true, 1, "four"],
  ["new", 0, 0, false, 0.5, "the dog sat"],
  ["new", 0, 1, false, 0.5, "a dog sat"],
  ["new", 1, 1, true, 0.7, "it is paris"],
  ["new", 1, 0, true, 0.9, "paris"],
  ["new", 2, 0, true, 0.8, "blue"],
  ["new", 2, 1, true, 0.8, "blue"],
] satisfies Leaf[]).map(leaf);

/** Rounds finite numbers anywhere in a value to 4 decimals. */
const round = (v: unknown): unknown =>
  typeof v === "number" ? (Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : v) : Array.isArray(v) ? v.map(round) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)])) : v;

/** The comparison without its examples' details: keys only. */
const outline = (c: Comparison) => ({ ...c, metrics: c.metrics.map(({ metric, delta, improved, regressed }) => ({ metric, delta: round(delta), improved, regressed })), examples: c.examples.map((e) => e.key) });

const errorOf = (fn: () => unknown) => {
  try {
    fn();
    return "no error";
  } catch (e) {
    return (e as Error).message;
  }
};

describe("compare", () => {
  test("each score metric gets the means of a and b, the delta and a paired test over per-row means", () => {
    expect(round(compare(rows, { a: "base", b: "new" }).metrics)).toEqual([
      {
        metric: "score.correct", direction: "max", a: 0.5, b: 0.6667, delta: 0.1667, verdict: "no significant change", minEffect: 0, improved: [1, 2], regressed: [0],
        test: { n: 3, meanA: 0.5, meanB: 0.6667, meanDiff: 0.1667, sem: 0.6009, ciLow: -2.4189, ciHigh: 2.7522, t: 0.2774, df: 2, p: 0.8075 },
      },
      {
        metric: "score.sim", direction: "max", a: 0.6333, b: 0.7, delta: 0.0667, verdict: "no significant change", minEffect: 0, improved: [1, 2], regressed: [0],
        test: { n: 3, meanA: 0.6333, meanB: 0.7, meanDiff: 0.0667, sem: 0.2603, ciLow: -1.0535, ciHigh: 1.1868, t: 0.2561, df: 2, p: 0.8218 },
      },
    ]);
  });

  test("a regressed example shows both first trials side by side with a word diff of the outputs", () => {
    expect(round(compare(rows, { a: "base", b: "new", only: "regressions" }).examples)).toEqual([
      {
        key: 0,
        a: { output: "the cat sat", error: null, call: "base-0-0", trials: 2, scores: { "score.correct": 1, "score.sim": 0.9 } },
        b: { output: "the dog sat", error: null, call: "new-0-0", trials: 2, scores: { "score.correct": 0, "score.sim": 0.5 } },
        diff: [
          { text: "the ", kind: "same" },
          { text: "cat", kind: "removed" },
          { text: "dog", kind: "added" },
          { text: " sat", kind: "same" },
        ],
        improved: [],
        regressed: ["score.correct", "score.sim"],
        flaky: { a: [], b: [] },
      },
    ]);
  });

  test("the first trial is the lowest trial number, whatever the row order", () => {
    const e = compare(rows, { a: "base", b: "new", only: "improvements" }).examples.find((x) => x.key === 1)!;
    expect([e.b.output, e.b.call, e.b.trials]).toEqual(["paris", "new-1-0", 2]);
  });

  test("only filters the examples to all, regressions, improvements or flaky rows; summaries always cover every shared row", () => {
    const runs = (["all", "regressions", "improvements", "flaky"] as const).map((only) => compare(rows, { a: "base", b: "new", only }));
    expect(runs.map((c) => [c.examples.map((e) => e.key), c.shared, c.metrics[0]!.test.n])).toEqual([
      [[0, 1, 2], 3, 3],
      [[0], 3, 3],
      [[1, 2], 3, 3],
      [[2], 3, 3],
    ]);
  });

  test("flaky rows are those whose boolean score disagrees across trials of one variant; varying numbers are not flaky", () => {
    const c = compare(rows, { a: "base", b: "new" });
    expect([c.flaky, c.examples.map((e) => e.flaky)]).toEqual([[2], [{ a: [], b: [] }, { a: [], b: [] }, { a: ["score.correct"], b: [] }]]);
  });

  test("the outline lists shared rows and rows only one variant has", () => {
    expect(outline(compare(rows, { a: "base", b: "new", metrics: ["score.correct"] }))).toEqual({
      a: "base", b: "new", by: "op", rowKey: ["row"], shared: 3, onlyA: [3], onlyB: [], flaky: [2],
      metrics: [{ metric: "score.correct", delta: 0.1667, improved: [1, 2], regressed: [0] }],
      examples: [0, 1, 2],
    });
  });

  test("a 'min' metric counts a drop as an improvement while delta stays b − a", () => {
    const timed = rows.map((r) => ({ ...r, latency_ms: r.op === "base" ? 100 : r.row === 2 ? 120 : 80 }));
    expect(outline(compare(timed, { a: "base", b: "new", metrics: { latency_ms: "min" } })).metrics).toEqual([{ metric: "latency_ms", delta: -6.6667, improved: [0, 1], regressed: [2] }]);
  });

  test("rowKey pairs by user columns; dimensions left out of it are averaged with the trials", () => {
    const models = rows.flatMap((r) => [{ ...r, model: "m1" }, { ...r, model: "m2", "score.correct": true }]);
    const byId = compare(models, { a: "base", b: "new", rowKey: "id", metrics: ["score.correct"] });
    const byIdModel = compare(models, { a: "base", b: "new", rowKey: ["id", "model"], metrics: ["score.correct"] });
    expect([outline(byId).metrics, byIdModel.shared, outline(byIdModel).metrics]).toEqual([
      [{ metric: "score.correct", delta: 0.0833, improved: ["q1", "q2"], regressed: ["q0"] }],
      6,
      [{ metric: "score.correct", delta: 0.0833, improved: [["q1", "m1"], ["q2", "m1"]], regressed: [["q0", "m1"]] }],
    ]);
  });

  test("an arquero table gives the same comparison as its row objects", () => {
    expect(compare(aq.from(rows), { a: "base", b: "new" })).toEqual(compare(rows, { a: "base", b: "new" }));
  });

  test("unknown variants, metrics and key columns, disjoint rows and bad filters are rejected with specific messages", () => {
    const disjoint = rows.map((r) => (r.op === "new" ? { ...r, row: r.row + 10 } : r));
    expect([
      errorOf(() => compare(rows, { a: "base", b: "x" })),
      errorOf(() => compare(rows, { a: "base", b: "new", metrics: ["score.nope"] })),
      errorOf(() => compare(disjoint, { a: "base", b: "new" })),
      errorOf(() => compare(rows, { a: "base", b: "new", rowKey: "uid" })),
      errorOf(() => compare(rows.map(({ op, row, output }) => ({ op, row, output })), { a: "base", b: "new" })),
      errorOf(() => compare(rows, { a: "base", b: "new", only: "worse" as "flaky" })),
    ]).toEqual([
      "compare: no rows with op = 'x'; variants are: base, new",
      "compare: no column 'score.nope'; score columns are: score.correct, score.sim",
      "compare: op 'base' and 'new' share no rows (paired by row)",
      "compare: no column 'uid' to pair rows by; columns are: op, id, row, trial, status, output, error, latency_ms, cost, score.correct, score.sim, call",
      "compare: no score.* columns with numbers or booleans to compare; pass metrics",
      "compare: invalid filter 'worse' (expected 'all', 'regressions', 'improvements' or 'flaky')",
    ]);
  });
});

describe("compareResults", () => {
  /** A second evaluation: "base" unchanged; under "new", row 0 is fixed and row 1 broken. */
  const after = rows.map((r) => (r.op === "new" && r.row < 2 ? { ...r, "score.correct": r.row === 0, output: r.row === 0 ? "the cat sat" : "rome" } : r));

  test("without variants, rows pair by row key and variant, each variant with itself", () => {
    expect(outline(compareResults(rows, after, { metrics: ["score.correct"] }))).toEqual({
      a: null, b: null, by: "op", rowKey: ["row", "op"], shared: 7, onlyA: [], onlyB: [], flaky: [[2, "base"]],
      metrics: [{ metric: "score.correct", delta: 0, improved: [[0, "new"]], regressed: [[1, "new"]] }],
      examples: [[0, "base"], [1, "base"], [2, "base"], [3, "base"], [0, "new"], [1, "new"], [2, "new"]],
    });
  });

  test("with a variant, that variant is compared across the two tables, pairing by a user id", () => {
    const c = compareResults(rows, after, { a: "new", rowKey: "id", only: "improvements" });
    expect(round({ ...outline(c), diff: c.examples[0]!.diff })).toEqual({
      a: "new", b: "new", by: "op", rowKey: ["id"], shared: 3, onlyA: [], onlyB: [], flaky: [],
      metrics: [
        { metric: "score.correct", delta: 0, improved: ["q0"], regressed: ["q1"] },
        { metric: "score.sim", delta: 0, improved: [], regressed: [] },
      ],
      examples: ["q0"],
      diff: [
        { text: "the ", kind: "same" },
        { text: "dog", kind: "removed" },
        { text: "cat", kind: "added" },
        { text: " sat", kind: "same" },
      ],
    });
  });

  test("a variant missing from one table and metrics missing from one table are rejected", () => {
    expect([
      errorOf(() => compareResults(rows, after, { a: "base", b: "x" })),
      errorOf(() => compareResults(rows, after.map(({ "score.sim": _, ...r }) => r), { metrics: ["score.sim"] })),
    ]).toEqual([
      "compareResults: no rows with op = 'x' in the second table; variants are: base, new",
      "compareResults: no column 'score.sim' in both tables; score columns are: score.correct",
    ]);
  });
});

describe("wordDiff", () => {
  test("marks same, added and removed words, stringifying non-strings and treating null as empty", () => {
    expect([wordDiff("a b c", "a x c"), wordDiff({ n: 1 }, { n: 2 }), wordDiff(null, "hi")]).toEqual([
      [
        { text: "a ", kind: "same" },
        { text: "b", kind: "removed" },
        { text: "x", kind: "added" },
        { text: " c", kind: "same" },
      ],
      [
        { text: '{"n":', kind: "same" },
        { text: "1", kind: "removed" },
        { text: "2", kind: "added" },
        { text: "}", kind: "same" },
      ],
      [{ text: "hi", kind: "added" }],
    ]);
  });
});

describe("significance and minimum effects", () => {
  // Two fast variants whose latencies differ by sub-millisecond jitter on every row.
  const jitter = (op: string, seed: number) => Array.from({ length: 40 }, (_, row) => ({ op, row, trial: 0, output: "x", latency_ms: 0.2 + (((row * 7 + seed) % 10) / 100), "score.correct": row % 4 !== 0 }));
  const noisy = [...jitter("v1", 3), ...jitter("v2", 5)];

  test("sub-millisecond latency noise is no regression: no verdict and no regressed rows", () => {
    const [latency] = compare(noisy, { a: "v1", b: "v2", metrics: { latency_ms: "min" } }).metrics;
    expect([latency!.verdict, latency!.regressed.length, latency!.improved.length, latency!.minEffect]).toEqual(["no significant change", 0, 0, 1]);
  });

  test("a change is regressed only when significant at alpha and at least the minimum effect", () => {
    const slower = noisy.map((r) => (r.op === "v2" ? { ...r, latency_ms: r.latency_ms + 50 + (r.row % 3) } : r));
    const [latency] = compare(slower, { a: "v1", b: "v2", metrics: { latency_ms: "min" } }).metrics;
    expect([latency!.verdict, latency!.regressed.length]).toEqual(["regressed", 40]);
    // The same change with a minimum effect above it is not a regression.
    const [big] = compare(slower, { a: "v1", b: "v2", metrics: { latency_ms: "min" }, minEffect: { latency_ms: 100 } }).metrics;
    expect([big!.verdict, big!.regressed.length]).toEqual(["no significant change", 0]);
  });

  test("p = 0.8 is not significant, whatever the sign of the change", () => {
    const [correct] = compare(rows, { a: "base", b: "new", metrics: ["score.correct"] }).metrics;
    expect([round(correct!.test.p), correct!.verdict]).toEqual([0.8075, "no significant change"]);
  });
});
