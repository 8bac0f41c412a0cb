// Scorer keys are built from a row form encoded once per row and an input encoded once per leaf; they
// must equal the keys of the naive encoding (the whole scorer input, canonical twice) for every
// kind of row, output and call fact, or every cached score made before would miss.
import { describe, expect, it, vi } from "vitest";
import { toCanonical, type Call } from "../../src/base/index.ts";
import { createTracing } from "../../src/trace/index.ts";
import { buildLeaves } from "../../src/trace/leaves.ts";
import { ScoreKeys, scoreKeyNaive, type ScoredLeaf } from "../../src/trace/score-keys.ts";

const { op } = createTracing();
const plain = op("plain", (x: Record<string, unknown>) => x.output);
const withFacts = op("facts", (x: Record<string, unknown>) => x.latency_ms, { callFacts: ["latency_ms", "cost", "tokens"] });
const ops = op("subject", (row: unknown) => row);

const rows: Record<string, unknown>[] = [
  { question: "What is 2 + 2?", expected: "4" },
  { when: new Date("2026-12-02T10:00:00Z"), tags: new Set(["a", "b"]), n: Number.NaN, m: new Map([["k", [1, 2]]]) },
  { "10": "ten", "2": "two", b: 1, a: 0, output: "a row's own output column", latency_ms: 5 },
  { ["__proto__"]: { polluted: true }, nested: { $: "date", v: "x" }, arr: [1, , 3] },
  { $: "a dollar column", v: 1 },
  { text: "é ü 😀 \u0000 \"quoted\" \u2028", big: 10n, neg0: -0, undef: undefined },
  { fn: () => 1, keep: "a function column makes the input not data" },
  { output: () => 1, note: "a function in the output column is replaced by the output" },
  Object.assign(Object.create(null), { nullProto: true }),
  {},
];
const outputs: unknown[] = ["text", { z: [1, 2, { y: new Date(5) }], a: null, $: "tag" }, undefined, 1.5e-7, [new Set([1]), 10n], null, () => "not data"];

function call(i: number): Call {
  return { id: `c${i}`, key: "k", traceId: `c${i}`, parentId: null, op: "subject:1", inputs: null, output: null, error: null, startedAt: 1000, endedAt: 1000 + i, attributes: {}, usage: { m: { requests: 1, inputTokens: i, outputTokens: 2 } }, cost: i % 2 ? 0.001 * i : null } as unknown as Call;
}

describe("scorer keys", () => {
  it("equal the naive encoding for rows with tagged values, $ and integer keys, __proto__, own output columns, non-data, and every params and trial", () => {
    const built = buildLeaves({ data: rows, ops: { ops }, params: { t: [0, 0.5], when: [new Date(0)] }, trials: 2 });
    const keys = new ScoreKeys();
    let compared = 0;
    let nulls = 0;
    built.leaves.forEach((spec, i) => {
      const output = outputs[i % outputs.length];
      const leaf: ScoredLeaf = { spec, call: i % 3 ? call(i) : null, output };
      for (const scorer of [plain, withFacts]) {
        const naive = scoreKeyNaive(leaf, scorer);
        expect(keys.key(leaf, scorer), `leaf ${i} (row ${spec.rowIndex}), scorer ${scorer.opName}`).toBe(naive);
        // Asked again (the leaf's input reused), the same.
        expect(keys.key(leaf, scorer)).toBe(naive);
        compared++;
        if (naive === null) nulls++;
      }
    });
    expect(compared).toBe(rows.length * 2 * 2 * 2);
    expect(nulls).toBeGreaterThan(0);
    expect(nulls).toBeLessThan(compared);
  });

  it("a scorer whose facts differ from another's of the same version gets its own key", () => {
    const [spec] = buildLeaves({ data: [{ q: 1 }], ops: { ops } }).leaves;
    const leaf: ScoredLeaf = { spec: spec!, call: call(7), output: toCanonical("x") };
    const keys = new ScoreKeys();
    const a = op("same", (x: unknown) => x);
    const b = op("same", (x: unknown) => x, { callFacts: ["cost"] });
    expect(keys.key(leaf, a)).toBe(scoreKeyNaive(leaf, a));
    expect(keys.key(leaf, b)).toBe(scoreKeyNaive(leaf, b));
    expect(keys.key(leaf, a)).not.toBe(keys.key(leaf, b));
  });
});

describe("scorer keys by call", () => {
  it("a leaf keyed again as a new object with the same call (restored, then scored) is not encoded again", () => {
    const built = buildLeaves({ data: [{ q: "a", want: "A" }], ops: { ops }, trials: 1 });
    const spec = built.leaves[0]!;
    const scored = call(3);
    const keys = new ScoreKeys();
    const compute = vi.spyOn(keys as unknown as { compute: (...args: unknown[]) => unknown }, "compute");
    const first = keys.key({ spec, call: scored, output: "A" }, plain);
    const again = keys.key({ spec, call: scored, output: "A" }, plain);
    expect(again).toBe(first);
    expect(again).toBe(scoreKeyNaive({ spec, call: scored, output: "A" }, plain));
    expect(compute).toHaveBeenCalledTimes(1);
    // Another scorer, or another call, is keyed on its own.
    expect(keys.key({ spec, call: scored, output: "A" }, withFacts)).toBe(scoreKeyNaive({ spec, call: scored, output: "A" }, withFacts));
    expect(keys.key({ spec, call: call(4), output: "B" }, plain)).toBe(scoreKeyNaive({ spec, call: call(4), output: "B" }, plain));
    expect(compute).toHaveBeenCalledTimes(3);
  });
});
