// The drift detector's pure parts: its options refused with errors naming the field, defaults
// filled and checked options passing again unchanged (so the collector rebuilds the same
// version), the text taken from an input or a row, the result, the notebook op's version, and
// the math: the sliced threshold equals the analysis layer's, and batched scoring gives each
// query its nearest reference vector.
import { describe, expect, it } from "vitest";
import { driftThreshold, leaveOneOutDistances, nearestDistances } from "../../src/analysis/index.ts";
import { checkDriftOptions, driftDetector, driftResult, driftText, driftTextAt, monitorOpOf, referenceFilter, DRIFT_SOURCE } from "../../src/prod/index.ts";
import { driftScorer, fitDrift } from "../../src/prod/drift-model.ts";
import { asyncCarrier } from "../../src/server/async-carrier.ts";
import { createOp } from "../../src/trace/index.ts";

const op = createOp({ now: Date.now, newId: () => crypto.randomUUID(), context: asyncCarrier(), sink: { ended() {} } });
const WINDOW = { since: "2026-12-01T00:00:00Z", until: "2026-12-08T00:00:00Z" };

describe("drift detector options", () => {
  it("fills the defaults, takes a bare filter as a calls reference, and passes checked options again unchanged", () => {
    const checked = checkDriftOptions({ reference: WINDOW, text: "inputs" });
    expect(checked).toEqual({ reference: { filter: WINDOW }, text: "inputs", q: 99, model: null, metric: "cosine", sample: null });
    expect(checkDriftOptions(JSON.parse(JSON.stringify(checked)))).toEqual(checked);
    expect(checkDriftOptions({ reference: { dataset: "golden", version: 3 }, text: "question", q: 100, model: "text-embedding-3-small", sample: 500 })).toEqual({ reference: { dataset: "golden", version: 3 }, text: "question", q: 100, model: "text-embedding-3-small", metric: "cosine", sample: 500 });
    // The offline embedder named is no model.
    expect(checkDriftOptions({ reference: WINDOW, text: "inputs", model: "weft-hashing-512" }).model).toBeNull();
  });

  it.each([
    [null, /^driftDetector: expected the options \{reference/],
    [{ reference: WINDOW, text: "inputs", k: 3 }, /^driftDetector\.k: unknown option \(options: reference, text, q, model, metric, sample\)/],
    [{ text: "inputs" }, /^driftDetector\.reference: expected the reference calls/],
    [{ reference: { since: "2026-12-01" }, text: "inputs" }, /^driftDetector\.reference\.until: required: the reference is a fixed window/],
    [{ reference: { filter: { op: "chat" } }, text: "inputs" }, /^driftDetector\.reference\.filter\.until: required/],
    [{ reference: { since: "-7d", until: "2026-12-08" }, text: "inputs" }, /^driftDetector\.reference\.since: "-7d" is relative to now, so the reference would move/],
    [{ reference: { since: "2026-12-01", until: "now" }, text: "inputs" }, /^driftDetector\.reference\.until: "now" is relative to now/],
    [{ reference: { until: "yesterday" }, text: "inputs" }, /^driftDetector\.reference\.until: invalid time "yesterday"/],
    [{ reference: { until: "2026-12-08", colour: "red" }, text: "inputs" }, /^driftDetector\.reference: unknown key "colour"/],
    [{ reference: { filter: { until: "2026-12-08" }, extra: 1 }, text: "inputs" }, /^driftDetector\.reference\.extra: unknown field of a calls reference/],
    [{ reference: { dataset: "no spaces allowed" }, text: "q" }, /^driftDetector\.reference\.dataset: a dataset name is letters/],
    [{ reference: { dataset: "golden", version: 0 }, text: "q" }, /^driftDetector\.reference\.version: expected a version number \(1, 2, …\) or a digest/],
    [{ reference: { dataset: "golden", since: "2026-12-01" }, text: "q" }, /^driftDetector\.reference\.since: unknown field of a dataset reference/],
    [{ reference: WINDOW }, /^driftDetector\.text: expected the path of the text in the monitor's input, such as "inputs"/],
    [{ reference: WINDOW, text: "inputs..messages" }, /^driftDetector\.text: invalid path "inputs..messages": use names/],
    [{ reference: WINDOW, text: "inputs", q: 0 }, /^driftDetector\.q: expected a percentile in \(0, 100\], such as 99 .*got 0$/],
    [{ reference: WINDOW, text: "inputs", q: 101 }, /^driftDetector\.q: .*got 101$/],
    [{ reference: WINDOW, text: "inputs", q: "99" }, /^driftDetector\.q: .*got "99"$/],
    [{ reference: WINDOW, text: "inputs", model: "" }, /^driftDetector\.model: expected an embedding model name/],
    [{ reference: WINDOW, text: "inputs", metric: "manhattan" }, /^driftDetector\.metric: expected "cosine" or "euclidean", got "manhattan"$/],
    [{ reference: WINDOW, text: "inputs", sample: 1 }, /^driftDetector\.sample: expected how many reference texts make the threshold, an integer from 2 to 10,000, got 1$/],
    [{ reference: WINDOW, text: "inputs", sample: 2.5 }, /^driftDetector\.sample: .*got 2\.5$/],
  ])("refuses %j naming the field", (input, message) => {
    expect(() => checkDriftOptions(input)).toThrow(message);
  });

  it("lays a calls reference over the monitor's filter, and keeps ended-without-error calls unless a status is named", () => {
    expect(referenceFilter({ filter: WINDOW }, { op: "chat" })).toEqual({ status: "ok", op: "chat", ...WINDOW });
    expect(referenceFilter({ filter: { ...WINDOW, op: "other", status: "error" } }, { op: "chat", model: "m" })).toEqual({ status: "error", op: "other", model: "m", ...WINDOW });
  });
});

describe("the drift detector op", () => {
  it("is saved by its library source with its options, so another reference is another version", () => {
    const a = driftDetector(op, { reference: WINDOW, text: "inputs" });
    const b = driftDetector(op, { reference: { ...WINDOW, until: "2026-12-09T00:00:00Z" }, text: "inputs" });
    const again = driftDetector(op, { reference: WINDOW, text: "inputs", q: 99, metric: "cosine" });
    expect(a.sourceText).toBe(DRIFT_SOURCE);
    expect(a.version).toMatch(/^[0-9a-f]{64}$/);
    expect(b.version).not.toBe(a.version);
    expect(again.version).toBe(a.version);
    const saved = monitorOpOf(a);
    expect(saved).toMatchObject({ name: "drift", source: DRIFT_SOURCE, captures: { detector: "drift", options: { reference: { filter: WINDOW }, text: "inputs", q: 99 } } });
    expect(() => driftDetector(op, { reference: WINDOW })).toThrow(/driftDetector\.text/);
  });

  it("says where it runs when called in a notebook", async () => {
    const { call } = await driftDetector(op, { reference: WINDOW, text: "inputs" }).invoke([{ inputs: {} }]);
    expect(call.error?.message).toMatch(/runs in the collector/);
  });
});

describe("the text embedded", () => {
  it("reads chat messages as the user's contents, objects as their values, and a path of an input or row", () => {
    const inputs = { messages: [{ role: "system", content: "Classify." }, { role: "user", content: "My invoice is wrong" }] };
    expect(driftText(inputs)).toBe("My invoice is wrong");
    expect(driftText([{ role: "assistant", content: "Hi" }])).toBe("Hi");
    expect(driftText({ a: "one", b: { c: 2, d: null } })).toBe("one\n2");
    expect(driftText(null)).toBe("");
    expect(driftText("x".repeat(9_000))).toHaveLength(8_000);
    expect(driftTextAt({ inputs, output: null }, "inputs")).toBe("My invoice is wrong");
    expect(driftTextAt({ inputs, output: null }, "inputs.messages[-1].content")).toBe("My invoice is wrong");
    expect(driftTextAt({ question: "Where is my order?" }, "question")).toBe("Where is my order?");
    expect(driftTextAt({ inputs }, "output.content")).toBeUndefined();
  });

  it("flags a distance beyond the threshold, not one within float rounding of it", () => {
    expect(driftResult(0.31, 0.2, "c9")).toEqual({ distance: 0.31, threshold: 0.2, drifted: true, nearest: "c9" });
    expect(driftResult(3.7e-8, 3.3e-8)).toEqual({ distance: 3.7e-8, threshold: 3.3e-8, drifted: false });
  });
});

describe("the drift math", () => {
  const rng = (seed: number) => () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const random = rng(7);
  const vectors = Array.from({ length: 300 }, () => Float32Array.from({ length: 16 }, () => random() - 0.5));

  it("computes the threshold slice by slice exactly as leaveOneOutDistances does whole, and refuses a reference of one", async () => {
    let pauses = 0;
    for (const metric of ["cosine", "euclidean"] as const) {
      const fit = await fitDrift(vectors, { q: 99, metric, sample: 1_000, seed: 1 }, async () => void pauses++);
      expect(fit.sampled).toBe(300);
      expect(fit.threshold).toBeCloseTo(driftThreshold(leaveOneOutDistances(vectors, { metric }), 99), 6);
    }
    expect(pauses).toBeGreaterThan(0);
    // Duplicates are each other's nearest, at 0.
    expect((await fitDrift([vectors[0]!, vectors[0]!], { q: 100, metric: "cosine", sample: 10, seed: 1 })).threshold).toBeLessThan(1e-6);
    const sampled = await fitDrift(vectors, { q: 90, metric: "cosine", sample: 50, seed: 3 });
    expect(sampled.sampled).toBe(50);
    await expect(fitDrift([vectors[0]!], { q: 99, metric: "cosine", sample: 10, seed: 1 })).rejects.toThrow(/the reference has 1 text; a drift threshold needs at least 2/);
  });

  it("scores queries asked together in one batch, each with its nearest reference vector", async () => {
    const turns: (() => void)[] = [];
    const score = driftScorer(vectors, "cosine", (run) => turns.push(run));
    const queries = [vectors[5]!, vectors[123]!, Float32Array.from(vectors[42]!, (x) => x * 3 + 0.001)];
    const results = Promise.all(queries.map(score));
    expect(turns).toHaveLength(1);
    turns.shift()!();
    const got = await results;
    expect(got.map((r) => r.index)).toEqual([5, 123, 42]);
    const expected = nearestDistances(vectors, queries, { metric: "cosine" });
    got.forEach((r, i) => expect(r.distance).toBeCloseTo(expected[i]!, 9));
    const ragged = driftScorer(vectors, "cosine", (run) => run());
    await expect(ragged(new Float32Array(3))).rejects.toThrow(/dimensions/);
  });
});
