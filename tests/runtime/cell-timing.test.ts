import { describe, expect, test } from "vitest";
import { harness, js, MapCache } from "./harness.ts";

// A cell's `ms` is its own body's time, not the time it then waits while the runtime computes
// other cells (issue 10: `const other = seed + 1` reported 1,500 ms).

const busy = (ms: number) => `(() => { const t = Date.now(); while (Date.now() - t < ${ms}) {} return 1 })()`;

describe("cell timing", () => {
  test("cells computed in one pass beside slow synchronous cells each report their own body's time", async () => {
    for (const cache of [undefined, new MapCache()]) {
      const h = harness(cache ? { cache } : {});
      await h.sync([
        js("seed", "const seed = 1"),
        js("other", "const other = seed + 1"),
        js("slow1", `const slow1 = ${busy(300)}`),
        js("x", "const x = seed + 2"),
        js("slow2", `const slow2 = ${busy(300)}`),
      ]);
      expect(Object.values(h.statuses("seed", "other", "slow1", "x", "slow2"))).toEqual(Array(5).fill("fulfilled"));
      for (const id of ["slow1", "slow2"]) {
        expect(h.state(id).ms).toBeGreaterThanOrEqual(290);
        // Not its own 300 ms plus the other slow cell's.
        expect(h.state(id).ms).toBeLessThan(500);
      }
      for (const id of ["seed", "other", "x"]) expect(h.state(id).ms).toBeLessThan(100);
      h.runtime.dispose();
    }
  });

  test("an asynchronous cell is timed until its promise settles", async () => {
    const h = harness({ builtins: { sleep: (ms: number) => new Promise((r) => setTimeout(r, ms)) } });
    await h.sync([js("a", "await sleep(200); const a = 1")]);
    expect(h.state("a").ms).toBeGreaterThanOrEqual(190);
    h.runtime.dispose();
  });
});
