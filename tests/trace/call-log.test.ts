import { describe, expect, test } from "vitest";
import type { Call } from "../../src/base/index.ts";
import { CallLog } from "../../src/trace/tracer.ts";

const call = (id: string, startedAt = 0): Call => ({ id, traceId: "t", parentId: null, op: "noop:00000000", inputs: [], startedAt, output: 0, error: null, endedAt: startedAt, attributes: {}, usage: {}, cost: null });

describe("CallLog", () => {
  test("keeps the most recent calls up to its capacity, evicting the oldest first, over many turns", () => {
    const log = new CallLog(3);
    for (let i = 0; i < 10; i++) log.ended(call(`c${i}`, i));
    expect(log.trace("t").map((c) => c.id)).toEqual(["c7", "c8", "c9"]);
    // A call recorded again (the same id) is replaced in place, not counted twice.
    log.ended({ ...call("c8", 8), output: 1 });
    expect(log.get("c8")?.output).toBe(1);
    log.ended(call("c10", 10));
    expect(log.trace("t").map((c) => c.id)).toEqual(["c8", "c9", "c10"]);
    // Thousands of turns past capacity keep exactly the last ones.
    for (let i = 11; i < 5_000; i++) log.ended(call(`c${i}`, i));
    expect(log.trace("t").map((c) => c.id)).toEqual(["c4997", "c4998", "c4999"]);
    expect(log.get("c4996")).toBeUndefined();
  });
});
