// The feedback contract every trace store that keeps feedback passes with the same answers
// (the embedded DuckDB store and ClickHouse): rows given again replace their value and keep
// their first time, reads in order, declared annotations, the `feedback` filter of calls()
// (counts, pages, stats, a parent's feedback), and `feedbackStats` computed in the store: the
// mean of a monitor's score (at a field, booleans as 1/0, errors left out), the share of a
// label, a time range on the feedback, a filter on the calls, and the calls behind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallFilter, CallPatch, Feedback, FeedbackStore, TraceStore } from "../../src/store/index.ts";

type Store = TraceStore & FeedbackStore;

const T = Date.UTC(2026, 11, 2);

const row = (callId: string, name: string, value: unknown, at = T): Feedback => ({ id: `${callId}:${name}`, callId, kind: "annotation", name, value: value as never, author: `monitor:${name}`, authorKind: "code", createdAt: at, updatedAt: at });
const call = (id: string, extra: Partial<CallPatch> = {}): CallPatch => ({ id, traceId: id, parentId: null, op: "chat", startedAt: T, endedAt: T + 1, inputs: {}, output: null, error: null, attributes: {}, ...extra });

/** `open()` gives a new, empty store. */
export function feedbackStoreContract(name: string, open: () => Promise<Store>): void {
  const withStore = async (f: (store: Store) => Promise<void>) => {
    const store = await open();
    try {
      await f(store);
    } finally {
      await store.close();
    }
  };

  describe(`${name}: feedbackStats`, () => {
    let store: Store;
    const range = { since: T - 60_000, until: T + 60_000 };

    beforeAll(async () => {
      store = await open();
      await store.write(["a", "b", "c", "d", "e"].map((id) => call(id, { op: id === "e" ? "other" : "chat" })));
      await store.writeFeedback([
        row("a", "judge", { score: 0.9, label: "good", pass: true }),
        row("b", "judge", { score: 0.2, label: "bad", pass: false }),
        row("c", "judge", { score: 0.4, label: "bad", pass: false }),
        row("d", "judge", { error: "timed out" }),
        row("e", "judge", { score: 0, label: "bad", pass: false }),
        row("a", "tone", "neutral"),
        row("b", "tone", "angry"),
        row("c", "tone", "angry", T - 3_600_000),
        // Types that are neither a score nor a label, and a string that only looks like a number.
        row("a", "odd", { score: "0.5", label: 7, nested: { score: 1 } }),
        row("b", "odd", { score: null, label: ["x"] }),
      ]);
    });

    afterAll(async () => store?.close());

    it("means a score at a field over the calls a filter selects, leaving errors out", async () => {
      const s = await store.feedbackStats({ op: "chat" }, { name: "judge", field: "score", ...range, calls: { limit: 2, order: "asc" } });
      expect(s).toMatchObject({ rows: 4, scored: 3, labeled: 0, share: null, calls: ["b", "c"] });
      expect(s.mean).toBeCloseTo(0.5, 10);
      const all = await store.feedbackStats(undefined, { name: "judge", field: "score", ...range, calls: { limit: 3, order: "desc" } });
      expect(all).toMatchObject({ scored: 4, calls: ["a", "c", "b"] });
      expect(all.mean).toBeCloseTo(0.375, 10);
    });

    it("counts booleans as 1 or 0, and shares labels (of strings and booleans)", async () => {
      const pass = await store.feedbackStats({ op: "chat" }, { name: "judge", field: "pass", label: "false", ...range });
      expect(pass).toMatchObject({ scored: 3, labeled: 3, matching: 2 });
      expect(pass.mean).toBeCloseTo(1 / 3, 10);
      const bad = await store.feedbackStats({ op: "chat" }, { name: "judge", field: "label", label: "bad", ...range, calls: { limit: 10, order: "label" } });
      expect(bad).toMatchObject({ scored: 0, mean: null, labeled: 3, matching: 2 });
      expect([...bad.calls].sort()).toEqual(["b", "c"]);
    });

    it("reads whole values and keeps to the time range", async () => {
      const tone = await store.feedbackStats(undefined, { name: "tone", label: "angry", ...range });
      expect(tone).toMatchObject({ rows: 2, labeled: 2, matching: 1, share: 0.5 });
      const wider = await store.feedbackStats(undefined, { name: "tone", label: "angry", since: T - 7_200_000, until: T + 1 });
      expect(wider.share).toBeCloseTo(2 / 3, 10);
      expect(await store.feedbackStats(undefined, { name: "nothing", ...range })).toEqual({ rows: 0, scored: 0, mean: null, labeled: 0, matching: 0, share: null, calls: [] });
    });

    it("takes a string as a label, never a score; a number as a score, never a label; nothing of objects, arrays and nulls", async () => {
      expect(await store.feedbackStats(undefined, { name: "odd", field: "score", label: "0.5", ...range })).toEqual({ rows: 2, scored: 0, mean: null, labeled: 1, matching: 1, share: 1, calls: [] });
      expect(await store.feedbackStats(undefined, { name: "odd", field: "label", label: "7", ...range })).toMatchObject({ rows: 2, scored: 1, mean: 7, labeled: 0 });
      expect(await store.feedbackStats(undefined, { name: "odd", field: "nested", ...range })).toMatchObject({ rows: 2, scored: 0, labeled: 0 });
      expect(await store.feedbackStats(undefined, { name: "odd", ...range })).toMatchObject({ rows: 2, scored: 0, labeled: 0 });
      expect(await store.feedbackStats(undefined, { name: "odd", field: "missing", ...range })).toMatchObject({ rows: 2, scored: 0, labeled: 0 });
    });

    it("refuses a bad filter naming the part", async () => {
      await expect(store.feedbackStats({ status: "nope" } as never, { name: "judge", ...range })).rejects.toThrow(/status/);
    });
  });

  describe(`${name}: feedback rows`, () => {
    it("replaces a row given again (value, time, source, author kind), keeping its call, author and first time", async () => {
      await withStore(async (store) => {
        await store.write([call("a"), call("b")]);
        const label: Feedback = { id: "a:annotation:label:ana", callId: "a", kind: "annotation", name: "label", value: "bug", author: "ana", authorKind: "human", createdAt: T + 3, updatedAt: T + 3 };
        await store.writeFeedback([
          { id: "a:reaction:ana:👍", callId: "a", kind: "reaction", name: "👍", value: "👍", author: "ana", authorKind: "human", createdAt: T + 1, updatedAt: T + 1 },
          { id: "custom-note", callId: "a", kind: "note", name: "note", value: "first words", author: "bo", authorKind: "human", createdAt: T + 2, updatedAt: T + 2 },
          label,
        ]);
        await store.writeFeedback([{ ...label, value: "billing", authorKind: "llm", source: "judge:v2", createdAt: T + 9, updatedAt: T + 9 }]);
        // A note given again under its id keeps its call, as the id names one row.
        await store.writeFeedback([{ id: "custom-note", callId: "b", kind: "note", name: "note", value: "second words", author: "bo", authorKind: "human", createdAt: T + 10, updatedAt: T + 10 }]);
        expect(await store.feedback(["b"])).toEqual([]);
        const rows = await store.feedback(["a", "nope"]);
        expect(rows).toEqual([
          { id: "a:reaction:ana:👍", callId: "a", kind: "reaction", name: "👍", value: "👍", author: "ana", authorKind: "human", createdAt: T + 1, updatedAt: T + 1 },
          { id: "custom-note", callId: "a", kind: "note", name: "note", value: "second words", author: "bo", authorKind: "human", createdAt: T + 2, updatedAt: T + 10 },
          { ...label, value: "billing", authorKind: "llm", source: "judge:v2", createdAt: T + 3, updatedAt: T + 9 },
        ]);
        // Given again without a source, it has none; the last of an id within one write wins.
        await store.writeFeedback([
          { ...label, value: "other", createdAt: T + 11, updatedAt: T + 11 },
          { ...label, value: "bug", createdAt: T + 12, updatedAt: T + 12 },
        ]);
        expect((await store.feedback(["a"])).at(-1)).toEqual({ ...label, value: "bug", createdAt: T + 3, updatedAt: T + 12 });
        expect(await store.feedback([])).toEqual([]);
      });
    });

    it("keeps JSON values whole, and reads many calls' feedback oldest first", async () => {
      await withStore(async (store) => {
        const values = [{ score: 0.25, reasons: ["a", "b"], nested: { "weird key": "x'\"\\" } }, [1, "two", null], null, true, -3.5e-7, "ünï©ødé 🦆"];
        await store.writeFeedback(values.map((value, i) => ({ ...row(`v${i}`, "value", value), id: `v${i}:value` })));
        expect((await store.feedback(values.map((_, i) => `v${i}`))).map((f) => f.value)).toEqual(values);
        // More calls than one read takes, given in two writes at once, out of order.
        const many = Array.from({ length: 1_200 }, (_, i) => row(`m${i}`, "n", i, T + ((i * 7919) % 1_200)));
        await Promise.all([store.writeFeedback(many.slice(0, 600)), store.writeFeedback(many.slice(600))]);
        const read = await store.feedback(many.map((f) => f.callId));
        expect(read).toHaveLength(1_200);
        expect(read.map((f) => f.createdAt)).toEqual([...many.map((f) => f.createdAt)].sort((a, b) => a - b));
      });
    });

    it("declares and redeclares annotations, listed by name", async () => {
      await withStore(async (store) => {
        expect(await store.annotationSchemas()).toEqual([]);
        await store.declareAnnotation({ name: "topic", type: "label", labels: ["billing", "bug"] });
        await store.declareAnnotation({ name: "score", type: "number", min: 0, max: 1, description: "how good" });
        await store.declareAnnotation({ name: "topic", type: "label", labels: ["billing", "bug", "other"] });
        expect(await store.annotationSchemas()).toEqual([
          { name: "score", type: "number", min: 0, max: 1, description: "how good" },
          { name: "topic", type: "label", labels: ["billing", "bug", "other"] },
        ]);
      });
    });
  });

  describe(`${name}: the feedback filter of calls`, () => {
    it("selects calls by their current feedback, in counts, pages, stats, parents and feedbackStats", async () => {
      await withStore(async (store) => {
        await store.write([call("a"), call("b"), call("c", { op: "other" }), call("a1", { parentId: "a", traceId: "a" }), call("b1", { parentId: "b", traceId: "b" })]);
        const reaction = (callId: string, emoji: string, author: string, at: number): Feedback => ({ id: `${callId}:reaction:${author}:${emoji}`, callId, kind: "reaction", name: emoji, value: emoji, author, authorKind: "human", createdAt: at, updatedAt: at });
        const topic = (callId: string, value: string, at: number): Feedback => ({ id: `${callId}:annotation:topic:ana`, callId, kind: "annotation", name: "topic", value, author: "ana", authorKind: "human", createdAt: at, updatedAt: at });
        await store.writeFeedback([reaction("a", "👎", "ana", T), reaction("b", "👍", "bo", T + 10), reaction("c", "👎", "cy", T + 20), topic("b", "bug", T), topic("c", "bug", T)]);
        // b's topic changes: only its current value counts.
        await store.writeFeedback([topic("b", "billing", T + 30)]);
        const ids = async (filter: CallFilter) => (await store.query({ filter, orderBy: [{ field: "id" }] })).map((c) => c.id);
        const cases: [CallFilter, string[]][] = [
          [{ feedback: { kind: "reaction", name: "👎" } }, ["a", "c"]],
          [{ feedback: { kind: "reaction", name: "👎", since: T + 5 } }, ["c"]],
          [{ feedback: { value: "bug" } }, ["c"]],
          [{ feedback: { name: "topic", value: "billing", author: "ana", authorKind: "human" } }, ["b"]],
          [{ feedback: { author: "nobody" } }, []],
          [{ feedback: { authorKind: "code" } }, []],
          [{ feedback: { kind: "annotation" }, op: "chat" }, ["b"]],
          [{ feedback: {} }, ["a", "b", "c"]],
          [{ parent: { feedback: { name: "👍" } } }, ["b1"]],
          [{ feedback: { name: "👎" }, where: { $eq: [{ $getField: "op_name" }, "other"] } }, ["c"]],
          [{ feedback: { name: "👎" }, text: "nothing" }, []],
        ];
        for (const [filter, expected] of cases) {
          expect([filter, await ids(filter)]).toEqual([filter, expected]);
          expect(await store.count(filter)).toBe(expected.length);
        }
        expect((await store.stats({ feedback: { name: "👎" } }, { by: ["op"], metrics: {} })).map((r) => [r.op, r.count])).toEqual([["chat", 1], ["other", 1]]);
        const topics = await store.feedbackStats({ feedback: { kind: "reaction", name: "👎" } }, { name: "topic", label: "bug", since: T - 1, until: T + 100 });
        expect(topics).toMatchObject({ rows: 1, labeled: 1, matching: 1 });
        const all = await store.feedbackStats(undefined, { name: "topic", label: "bug", since: T - 1, until: T + 100, calls: { limit: 5, order: "label" } });
        expect(all).toMatchObject({ rows: 2, labeled: 2, matching: 1, share: 0.5, calls: ["c"] });
      });
    });
  });
}
