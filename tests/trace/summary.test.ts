import { describe, expect, test } from "vitest";
import { defaultSummary, perRow, summarize } from "../../src/trace/index.ts";

describe("summary maths", () => {
  test("mean, sem and a Student's t 95% CI match known values", () => {
    // x = 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample sd 2.138, sem 0.7559, t(0.975, 7) = 2.3646
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.n).toBe(8);
    expect(s.mean).toBe(5);
    expect(s.sem).toBeCloseTo(0.755929, 6);
    expect(s.ciLow).toBeCloseTo(5 - 2.364624 * 0.755929, 5);
    expect(s.ciHigh).toBeCloseTo(5 + 2.364624 * 0.755929, 5);
  });

  test("booleans summarize as the true fraction; other values are skipped; small n is explicit", () => {
    expect(summarize([true, false, true, true, null, "x"]).mean).toBe(0.75);
    expect(summarize([]).n).toBe(0);
    expect(summarize([3])).toEqual({ n: 1, mean: 3, sem: 0, ciLow: 3, ciHigh: 3 });
  });

  test("the default summary groups by variant over rows × trials; per row, a row that passes and fails across trials is flaky", () => {
    const rows = [
      { op: "a", row: 0, trial: 0, status: "done", "score.ok": true },
      { op: "a", row: 0, trial: 1, status: "done", "score.ok": false },
      { op: "a", row: 1, trial: 0, status: "done", "score.ok": true },
      { op: "a", row: 1, trial: 1, status: "done", "score.ok": true },
      { op: "b", row: 0, trial: 0, status: "error", "score.ok": null },
    ];
    const summary = defaultSummary(rows, ["op"]).objects() as Record<string, unknown>[];
    // A group with no successful leaf has no statistics: null ("no data"), not NaN.
    expect(summary.map((r) => [r.op, r.n, r.errors, r["score.ok.mean"], r["score.ok.ci_low"]])).toEqual([["a", 4, 0, 0.75, expect.any(Number)], ["b", 1, 1, null, null]]);
    const per = perRow(rows, ["op"]).objects() as Record<string, unknown>[];
    expect(per.map((r) => [r.op, r.row, r.trials, r.flaky, r["score.ok.mean"]])).toEqual([["a", 0, 2, true, 0.5], ["a", 1, 2, false, 1], ["b", 0, 1, false, null]]);
  });
});
