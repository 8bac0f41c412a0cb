import { describe, expect, test } from "vitest";
import { createScorers } from "../../../src/eval/index.ts";
import { tracing } from "../../trace/harness.ts";

const scorers = () => createScorers({ op: tracing().op });

/** Scores each [output, expected] pair with one scorer. */
async function scoreAll(scorer: (input: Record<string, unknown>) => Promise<unknown>, cases: [unknown, unknown][]) {
  return Promise.all(cases.map(([output, expected]) => scorer({ output, expected })));
}

describe("text scorers", () => {
  test("exactMatch trims and is case-sensitive by default, compares NFC text, and reads non-string outputs as text", async () => {
    const { exactMatch } = scorers();
    const s = exactMatch();
    expect(s.opName).toBe("exact_match");
    expect(s.options.columns).toEqual(["expected"]);
    const results = await scoreAll(s, [
      ["Paris", "Paris"],
      ["  Paris\n", "Paris"],
      ["paris", "Paris"],
      ["Pari", "Paris"],
      ["", ""],
      ["caf\u0065\u0301", "caf\u00e9"],
      [42, "42"],
      [42, 42],
      [NaN, "NaN"],
      [null, ""],
      [{ a: 1 }, '{"a":1}'],
      [true, "true"],
    ]);
    expect(results).toEqual([true, true, false, false, true, true, true, true, true, true, true, true]);
    expect(await scoreAll(exactMatch({ caseSensitive: false, trim: false }), [["paris", "Paris"], [" Paris", "Paris"]])).toEqual([true, false]);
  });

  test("exactMatch reads the column its expected option names, and fails specifically when it is missing", async () => {
    const { exactMatch } = scorers();
    const s = exactMatch({ expected: "answer" });
    expect(s.options.columns).toEqual(["answer"]);
    expect(await s({ output: "4", answer: "4" })).toBe(true);
    await expect(s({ output: "4", expected: "4" })).rejects.toThrow("exact_match: the row has no column 'answer'");
    // An empty expected value means "no answer expected": only an empty output matches it.
    expect([await s({ output: "4", answer: null }), await s({ output: null, answer: null }), await s({ output: "", answer: null })]).toEqual([false, true, true]);
    await expect(s({ answer: "4" })).rejects.toThrow("exact_match: the input has no output");
    await expect(s("4" as never)).rejects.toThrow("exact_match: expected the scorer input {...row, output}, got string");
    expect(() => exactMatch({ expected: "" })).toThrow('exact_match: expected must name a row column, got ""');
  });

  test("contains is case-insensitive by default and treats an empty expected text as contained", async () => {
    const { contains } = scorers();
    expect(contains().opName).toBe("contains");
    expect(await scoreAll(contains(), [["The answer is PARIS.", "paris"], ["The answer is Lyon", "Paris"], ["", "x"], ["anything", ""], ["naïve café", "CAFÉ"], [12345, 234]])).toEqual([
      true, false, false, true, true, true,
    ]);
    expect(await scoreAll(contains({ caseSensitive: true }), [["PARIS", "paris"], ["paris", "paris"]])).toEqual([false, true]);
  });

  test("regex matches anywhere, takes flags, drops g and y so repeated calls agree, and rejects a bad pattern at creation", async () => {
    const { regex } = scorers();
    const s = regex(/^\d{3}-\d{4}$/);
    expect([s.opName, s.options.columns]).toEqual(["regex", undefined]);
    expect(await scoreAll(s, [["555-1234", null], ["call 555-1234", null], ["", null], [5551234, null]])).toEqual([true, false, false, false]);
    const global = regex(/yes/g);
    expect(await Promise.all([global({ output: "yes" }), global({ output: "yes" }), global({ output: "yes" })])).toEqual([true, true, true]);
    expect(await scoreAll(regex("yes", { flags: "i" }), [["YES", null], ["no", null]])).toEqual([true, false]);
    expect(await regex("\\p{Emoji_Presentation}", { flags: "u" })({ output: "ok 👍" })).toBe(true);
    expect(() => regex("(")).toThrow(/^regex: invalid pattern \/\(\/: /);
  });

  test("regex versions follow source and flags, so an equal RegExp and string give the same version", () => {
    const { regex } = scorers();
    expect(regex(/a+/i).version).toBe(regex("a+", { flags: "i" }).version);
    expect(regex(/a+/gi).version).toBe(regex(/a+/i).version);
    expect(new Set([regex("a+").version, regex("a+", { flags: "i" }).version, regex("b+").version]).size).toBe(3);
  });

  test("levenshtein is 1 - distance / longer length, counting code points", async () => {
    const { levenshtein } = scorers();
    expect(levenshtein().opName).toBe("levenshtein");
    const results = await scoreAll(levenshtein(), [
      ["kitten", "kitten"],
      ["kitten", "sitting"],
      ["", ""],
      ["abc", ""],
      ["abc", "xyz"],
      ["😀a", "😀b"],
      ["日本語", "日本"],
      [123, "124"],
    ]);
    expect(results.map((r) => Math.round((r as number) * 1e6) / 1e6)).toEqual([1, 0.571429, 1, 0, 0, 0.5, 0.666667, 0.666667]);
  });

  test("changing an option changes the version; the same options give the same version", () => {
    const { exactMatch, contains, levenshtein } = scorers();
    const versions = [
      exactMatch().version,
      exactMatch({ caseSensitive: false }).version,
      exactMatch({ trim: false }).version,
      exactMatch({ expected: "answer" }).version,
      contains().version,
      contains({ caseSensitive: true }).version,
      levenshtein().version,
      levenshtein({ expected: "answer" }).version,
    ];
    expect(new Set(versions).size).toBe(versions.length);
    expect(exactMatch({ expected: "expected", caseSensitive: true, trim: true }).version).toBe(exactMatch().version);
    expect(createScorers({ op: tracing().op }).exactMatch().version).toBe(exactMatch().version);
  });
});
