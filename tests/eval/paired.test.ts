import { describe, expect, test } from "vitest";
import { pairedTest } from "../../src/eval/index.ts";

/** Rounds every finite number to 4 decimals so floating-point noise does not matter. */
const round = (value: object) => Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "number" && Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : v]));

describe("pairedTest", () => {
  test("differences 1..5 give mean 3, t = 4.2426 on 4 df and p = 0.0132", () => {
    expect(round(pairedTest([0, 0, 0, 0, 0], [1, 2, 3, 4, 5]))).toEqual({ n: 5, meanA: 0, meanB: 3, meanDiff: 3, sem: 0.7071, ciLow: 1.0368, ciHigh: 4.9632, t: 4.2426, df: 4, p: 0.0132 });
  });

  test("Student's sleep data matches R's paired t.test (t = 4.0621, p = 0.002833, CI 0.7001 to 2.4599)", () => {
    const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    expect(round(pairedTest(drug1, drug2))).toEqual({ n: 10, meanA: 0.75, meanB: 2.33, meanDiff: 1.58, sem: 0.389, ciLow: 0.7001, ciHigh: 2.4599, t: 4.0621, df: 9, p: 0.0028 });
  });

  test("the sign follows b − a: a worse b gives a negative difference and t", () => {
    expect(round(pairedTest([1, 2, 3, 4, 5], [0, 0, 0, 0, 0]))).toEqual({ n: 5, meanA: 3, meanB: 0, meanDiff: -3, sem: 0.7071, ciLow: -4.9632, ciHigh: -1.0368, t: -4.2426, df: 4, p: 0.0132 });
  });

  test("fewer than two pairs give the means but no test (NaN sem, CI, t and p)", () => {
    expect([pairedTest([], []), pairedTest([1], [3])]).toEqual([
      { n: 0, meanA: NaN, meanB: NaN, meanDiff: NaN, sem: NaN, ciLow: NaN, ciHigh: NaN, t: NaN, df: 0, p: NaN },
      { n: 1, meanA: 1, meanB: 3, meanDiff: 2, sem: NaN, ciLow: NaN, ciHigh: NaN, t: NaN, df: 0, p: NaN },
    ]);
  });

  test("zero variance: all differences 0 give p = 1; all equal and non-zero give p = 0", () => {
    expect([pairedTest([1, 0, 1], [1, 0, 1]), pairedTest([0, 1, 2], [1, 2, 3]), pairedTest([0.1, 0.2, 0.3], [0.2, 0.3, 0.4])].map(({ sem, ciLow, ciHigh, t, p }) => round({ sem, ciLow, ciHigh, t, p }))).toEqual([
      { sem: 0, ciLow: 0, ciHigh: 0, t: 0, p: 1 },
      { sem: 0, ciLow: 1, ciHigh: 1, t: Infinity, p: 0 },
      { sem: 0, ciLow: 0.1, ciHigh: 0.1, t: Infinity, p: 0 },
    ]);
  });

  test("pairs with a non-finite value on either side are dropped", () => {
    expect(round(pairedTest([0, NaN, 0, 0, 0, 0, 7], [1, 5, 2, 3, 4, 5, Infinity]))).toEqual(round(pairedTest([0, 0, 0, 0, 0], [1, 2, 3, 4, 5])));
  });

  test("samples of different lengths are rejected", () => {
    expect(() => pairedTest([1, 2], [1])).toThrow("pairedTest: a has 2 values, b has 1; paired samples need the same length");
  });
});
