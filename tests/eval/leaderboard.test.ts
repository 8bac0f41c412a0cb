import * as aq from "arquero";
import { describe, expect, test } from "vitest";
import { leaderboard, type LeaderboardEntry } from "../../src/eval/index.ts";

const r4 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : x);

/** Three variants: A and B tie on accuracy, B is faster; C is fastest but least accurate and has no cost. */
const rows = [
  ...[true, true, false, true].map((c, i) => ({ op: "A", row: i, "score.correct": c, "score.judge.reason": "ok", latency_ms: [100, 200, 300, 200][i], cost: 0.01 })),
  ...[true, false, true, true].map((c, i) => ({ op: "B", row: i, "score.correct": c, "score.judge.reason": "ok", latency_ms: 100, cost: 0.02 })),
  ...[false, false, true, false].map((c, i) => ({ op: "C", row: i, "score.correct": c, "score.judge.reason": "ok", latency_ms: 50, cost: null })),
];

/** Each entry as [group label, overall rank, {metric: [mean, rank]}]. */
const brief = (entries: LeaderboardEntry[]) =>
  entries.map((e) => [Object.values(e.group).join("/"), e.rank, Object.fromEntries(Object.entries(e.metrics).map(([m, s]) => [m, [r4(s.mean), s.rank]]))]);

const errorOf = (fn: () => unknown) => {
  try {
    fn();
    return "no error";
  } catch (e) {
    return (e as Error).message;
  }
};

describe("leaderboard", () => {
  test("by default scores are maximized, latency and cost minimized, and a tie on the first metric breaks on the next", () => {
    expect(brief(leaderboard(rows))).toEqual([
      ["B", 1, { "score.correct": [0.75, 1], latency_ms: [100, 2], cost: [0.02, 2] }],
      ["A", 2, { "score.correct": [0.75, 1], latency_ms: [200, 3], cost: [0.01, 1] }],
      ["C", 3, { "score.correct": [0.25, 3], latency_ms: [50, 1], cost: [NaN, null] }],
    ]);
  });

  test("each metric carries n, mean, sem, a 95% t interval, its direction and rank", () => {
    const a = leaderboard(rows, { metrics: { "score.correct": "max", latency_ms: "min" } }).find((e) => e.group.op === "A")!;
    const standing = Object.fromEntries(Object.entries(a.metrics).map(([m, s]) => [m, { ...s, mean: r4(s.mean), sem: r4(s.sem), ciLow: r4(s.ciLow), ciHigh: r4(s.ciHigh) }]));
    expect({ group: a.group, rank: a.rank, n: a.n, metrics: standing }).toEqual({
      group: { op: "A" },
      rank: 2,
      n: 4,
      metrics: {
        "score.correct": { n: 4, mean: 0.75, sem: 0.25, ciLow: -0.0456, ciHigh: 1.5456, direction: "max", rank: 1, best: true },
        latency_ms: { n: 4, mean: 200, sem: 40.8248, ciLow: 70.0772, ciHigh: 329.9228, direction: "min", rank: 3, best: false },
      },
    });
  });

  test("sortBy orders by the chosen metric first, the others breaking ties", () => {
    expect(brief(leaderboard(rows, { metrics: { "score.correct": "max", latency_ms: "min" }, sortBy: "latency_ms" }))).toEqual([
      ["C", 1, { "score.correct": [0.25, 3], latency_ms: [50, 1] }],
      ["B", 2, { "score.correct": [0.75, 1], latency_ms: [100, 2] }],
      ["A", 3, { "score.correct": [0.75, 1], latency_ms: [200, 3] }],
    ]);
  });

  test("variants equal on every metric share an overall rank and keep first-seen order", () => {
    expect(brief(leaderboard(rows, { metrics: { "score.correct": "max" } }))).toEqual([
      ["A", 1, { "score.correct": [0.75, 1] }],
      ["B", 1, { "score.correct": [0.75, 1] }],
      ["C", 3, { "score.correct": [0.25, 3] }],
    ]);
  });

  test("grouping by several columns gives one entry per combination", () => {
    const withModel = rows.map((r) => ({ ...r, model: r.row < 2 ? "m1" : "m2" }));
    expect(brief(leaderboard(withModel, { by: ["op", "model"], metrics: { latency_ms: "min" } }))).toEqual([
      ["C/m1", 1, { latency_ms: [50, 1] }],
      ["C/m2", 1, { latency_ms: [50, 1] }],
      ["B/m1", 3, { latency_ms: [100, 3] }],
      ["B/m2", 3, { latency_ms: [100, 3] }],
      ["A/m1", 5, { latency_ms: [150, 5] }],
      ["A/m2", 6, { latency_ms: [250, 6] }],
    ]);
  });

  test("an arquero table gives the same leaderboard as its row objects", () => {
    expect(leaderboard(aq.from(rows))).toEqual(leaderboard(rows));
  });

  test("unknown columns, bad directions and sort keys that are not metrics are rejected with specific messages", () => {
    expect([
      errorOf(() => leaderboard(rows, { by: "model" })),
      errorOf(() => leaderboard(rows, { metrics: { "score.nope": "max" } })),
      errorOf(() => leaderboard(rows, { metrics: { latency_ms: "up" as "min" } })),
      errorOf(() => leaderboard(rows, { metrics: { latency_ms: "min" }, sortBy: "cost" })),
      errorOf(() => leaderboard([{ op: "A", output: "x" }])),
    ]).toEqual([
      "leaderboard: no column 'model' to group by; columns are: op, row, score.correct, score.judge.reason, latency_ms, cost",
      "leaderboard: no column 'score.nope'; columns are: op, row, score.correct, score.judge.reason, latency_ms, cost",
      "leaderboard: invalid direction for 'latency_ms': 'up' (expected 'max' or 'min')",
      "leaderboard: cannot sort by 'cost': not a metric; metrics are: latency_ms",
      "leaderboard: no metrics (no score.*, latency_ms or cost columns with numbers); pass metrics",
    ]);
  });
});

describe("the best mark", () => {
  test("variants whose latency differs by noise are all best on it, whichever is faster on this load; a clearly faster one alone is best", () => {
    const load = (shift: number) => ["v1", "v2"].flatMap((op, k) => Array.from({ length: 30 }, (_, row) => ({ op, row, "score.correct": true, latency_ms: 0.25 + ((row * 13 + k * shift) % 7) / 100 })));
    for (const shift of [1, 2, 3]) {
      const board = leaderboard(load(shift), { metrics: { latency_ms: "min" } });
      expect(board.map((e) => e.metrics.latency_ms!.best)).toEqual([true, true]);
    }
    const clear = leaderboard([...load(1).filter((r) => r.op === "v1"), ...load(1).filter((r) => r.op === "v2").map((r) => ({ ...r, latency_ms: r.latency_ms + 40 }))], { metrics: { latency_ms: "min" } });
    expect(clear.map((e) => [e.group.op, e.metrics.latency_ms!.best])).toEqual([["v1", true], ["v2", false]]);
  });
});
