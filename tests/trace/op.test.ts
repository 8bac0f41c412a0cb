import { describe, expect, test } from "vitest";
import { opVersion } from "../../src/trace/index.ts";
import { asyncCarrier, tracing } from "./harness.ts";

describe("op", () => {
  test("a call records its op ref, inputs, output, timing, usage and cost", async () => {
    const { op, log } = tracing();
    const upper = op("upper", (s: string) => s.toUpperCase());
    expect(await upper("abc")).toBe("ABC");
    const [call] = log.trace("call-1");
    expect(call).toEqual({
      id: "call-1", traceId: "call-1", parentId: null, op: upper.ref, inputs: ["abc"], output: "ABC", error: null,
      startedAt: 1005, endedAt: 1010, attributes: {}, usage: {}, cost: null,
    });
    expect(upper.ref).toMatch(/^upper:[0-9a-f]{8}$/);
  });

  test("a thrown error is recorded with message and stack, and rethrown to the caller", async () => {
    const { op, log } = tracing();
    const boom = op("boom", async () => {
      throw Object.assign(new Error("provider said no"), { status: 503 });
    });
    await expect(boom()).rejects.toThrow("provider said no");
    const call = log.get("call-1")!;
    expect(call.error).toMatchObject({ message: "provider said no", status: 503 });
    expect(call.error!.stack).toContain("provider said no");
    expect(call.output).toBeNull();
  });

  test("nested calls form a tree, across awaits, and children's usage and cost roll up", async () => {
    const { op, log, platform } = tracing(asyncCarrier());
    const llm = op("llm", async (prompt: string) => {
      platform.context.get()!.addUsage("m1", { requests: 1, inputTokens: prompt.length, outputTokens: 2 }, 0.01);
      return `<${prompt}>`;
    });
    const pipeline = op("pipeline", async (x: string) => {
      const a = await llm(x);
      await new Promise((r) => setTimeout(r, 1));
      const b = await llm(a);
      return b;
    });
    expect(await pipeline("hi")).toBe("<<hi>>");
    const calls = log.trace("call-1");
    expect(calls.map((c) => [c.id, c.parentId, c.op.split(":")[0]])).toEqual([
      ["call-1", null, "pipeline"],
      ["call-2", "call-1", "llm"],
      ["call-3", "call-1", "llm"],
    ]);
    expect(log.get("call-1")!.usage).toEqual({ m1: { requests: 2, inputTokens: 6, outputTokens: 4, cost: expect.closeTo(0.02, 12) } });
    expect(log.get("call-1")!.cost).toBeCloseTo(0.02);
  });

  test("with the synchronous carrier a call after an await becomes a root, never a wrong child", async () => {
    const { op, log } = tracing();
    const leaf = op("leaf", (x: number) => x + 1);
    const parent = op("parent", async (x: number) => {
      const a = await leaf(x);
      await Promise.resolve();
      return leaf(a);
    });
    await Promise.all([parent(1), parent(10)]);
    const byId = Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`call-${i}`, log.get(`call-${i}`)!]));
    const leaves = Object.values(byId).filter((c) => c.op.startsWith("leaf"));
    for (const c of leaves) if (c.parentId) expect(byId[c.parentId]!.op.startsWith("parent")).toBe(true);
    expect(leaves.filter((c) => c.parentId).length).toBe(2);
  });

  test("the version changes with the source, the name and the context, and only with them", () => {
    const f = (x: number) => x * 2;
    const g = (x: number) => x * 3;
    const v = opVersion("double", f);
    expect(opVersion("double", f)).toBe(v);
    expect(opVersion("double", (x: number) => x * 2)).toBe(v);
    expect(new Set([v, opVersion("double", g), opVersion("twice", f), opVersion("double", f, "cell-key-2"), opVersion("double", f, undefined, { prompt: "x" })]).size).toBe(5);
  });

  test("invokeEager gives a synchronous function's outcome directly, an async one's as a promise, and records a thrown error either way", async () => {
    const { op, log } = tracing();
    const double = op("double", (n: number) => n * 2);
    const outcome = double.invokeEager([21]);
    expect(outcome).not.toBeInstanceOf(Promise);
    expect((outcome as { output: number }).output).toBe(42);
    const boom = op("boom", () => {
      throw new Error("sync failure");
    });
    const failed = boom.invokeEager([]) as { call: { error: { message: string } | null }; output: unknown };
    expect([failed.call.error?.message, failed.output]).toEqual(["sync failure", undefined]);
    const later = op("later", async (n: number) => n + 1).invokeEager([1]);
    expect(later).toBeInstanceOf(Promise);
    expect((await later).output).toBe(2);
    expect(await double.invoke([2])).toMatchObject({ output: 4 });
    expect(log.trace(log.get("call-2")!.traceId).map((c) => c.error?.message)).toEqual(["sync failure"]);
  });

  test("op needs a name and a function", () => {
    const { op } = tracing();
    expect(() => op("", () => 1)).toThrow("op needs a name: op(name, fn)");
    expect(() => op("x", 5 as never)).toThrow("op x needs a function: op(name, fn)");
  });
});
