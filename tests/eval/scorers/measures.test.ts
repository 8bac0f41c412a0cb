import { describe, expect, test } from "vitest";
import { createScorers, rougeLScore } from "../../../src/eval/index.ts";
import { tracing } from "../../trace/harness.ts";

const scorers = () => createScorers({ op: tracing().op });

describe("rougeL and numeric", () => {
  test("rougeL is the F1 of the longest common token subsequence", async () => {
    const s = scorers().rougeL();
    expect([s.opName, s.options.columns]).toEqual(["rouge_l", ["expected"]]);
    const cases: [unknown, unknown][] = [
      ["the cat sat on the mat", "the cat sat on the mat"],
      ["dogs bark loudly", "the cat sat"],
      // LCS "the cat on the mat" = 5 of 6 tokens each way: P = R = F = 5/6.
      ["the cat lay on the mat", "the cat sat on the mat"],
      // LCS "a c" = 2: P = 2/2, R = 2/4, F = 2·1·0.5 / 1.5 = 2/3.
      ["a c", "a b c d"],
      // Case and punctuation do not count: "Hello, World!" is [hello, world].
      ["Hello, World!", "hello world"],
      ["", ""],
      ["", "something"],
      ["...", "!!!"],
      ["Größe über alles", "größe ÜBER"],
      [42, "the answer is 42"],
    ];
    const results = await Promise.all(cases.map(([output, expected]) => s({ output, expected })));
    expect(results).toEqual([1, 0, 5 / 6, 2 / 3, 1, 1, 0, 1, 0.8, 0.4]);
    expect(rougeLScore("b a", "a b")).toBe(0.5);
  });

  test("numeric reads the first number of a text and compares it within an absolute or relative tolerance", async () => {
    const { numeric } = scorers();
    const exact = numeric();
    expect([exact.opName, exact.options.columns]).toEqual(["numeric", ["expected"]]);
    const cases: [unknown, unknown][] = [
      [42, 42],
      ["The answer is 42.", 42],
      ["about 1,234.5 km", "1234.5"],
      ["-3.5e2 degrees", -350],
      [".5", 0.5],
      ["43", 42],
      ["no number here", 42],
      ["", 0],
      [NaN, 0],
      [Infinity, 0],
      [true, 1],
      [10n, 10],
      ["٤٢", 42],
    ];
    expect(await Promise.all(cases.map(([output, expected]) => exact({ output, expected })))).toEqual([
      true, true, true, true, true, false, false, false, false, false, false, true, false,
    ]);
    expect(await Promise.all(["41.5", "40", "43"].map((output) => numeric({ tolerance: 0.5 })({ output, expected: 42 })))).toEqual([true, false, false]);
    expect(await Promise.all(["105", "111", "-100"].map((output) => numeric({ tolerance: 0.1, relative: true })({ output, expected: 100 })))).toEqual([true, false, false]);
  });

  test("numeric fails on an expected value that is not a number, and on a negative tolerance", async () => {
    const { numeric } = scorers();
    await expect(numeric()({ output: "1", expected: "one" })).rejects.toThrow(`numeric: column 'expected' is not a number: "one"`);
    await expect(numeric()({ output: "1", expected: NaN })).rejects.toThrow("numeric: column 'expected' is not a number");
    expect(() => numeric({ tolerance: -1 })).toThrow("numeric: tolerance must be a finite number >= 0, got -1");
  });

  test("rougeL and numeric versions change with their options", () => {
    const { rougeL, numeric } = scorers();
    const versions = [rougeL().version, rougeL({ expected: "reference" }).version, numeric().version, numeric({ tolerance: 1 }).version, numeric({ tolerance: 1, relative: true }).version, numeric({ expected: "y" }).version];
    expect(new Set(versions).size).toBe(versions.length);
  });
});
