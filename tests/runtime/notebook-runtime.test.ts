import { describe, expect, test, vi } from "vitest";
import { CONTENT_DIGEST, RUN_TOKEN } from "../../src/runtime/index.ts";
import { harness, js, MapCache } from "./harness.ts";

describe("reactivity", () => {
  test("redefining a cell re-runs exactly it and its dependents", async () => {
    const h = harness();
    const cells = [js("a", "const a = 1"), js("b", "const b = a + 1"), js("c", "const c = b * 10"), js("d", "const d = a - 1"), js("e", "const e = 5")];
    await h.sync(cells);
    expect(h.runs("a", "b", "c", "d", "e")).toEqual({ a: 1, b: 1, c: 1, d: 1, e: 1 });
    cells[1] = js("b", "const b = a + 2");
    await h.sync(cells);
    expect(h.runs("a", "b", "c", "d", "e")).toEqual({ a: 1, b: 2, c: 2, d: 1, e: 1 });
    expect(h.state("c").exports).toEqual({ c: 30 });
  });

  test("syncing unchanged cells runs nothing", async () => {
    const h = harness();
    const cells = [js("a", "const a = 1"), js("b", "a + 1")];
    await h.sync(cells);
    await h.sync([js("a", "const a = 1"), js("b", "a + 1")]);
    expect(h.runs("a", "b")).toEqual({ a: 1, b: 1 });
  });

  test("deleting a cell deletes its names", async () => {
    const h = harness();
    await h.sync([js("a", "const a = 1"), js("b", "a + 1")]);
    await h.sync([js("b", "a + 1")]);
    expect(h.state("b").status).toBe("error");
    expect(h.state("b").error?.message).toBe("a is not defined");
    expect(h.runtime.state("a" as never)).toBeUndefined();
  });

  test("a cell exporting several names feeds each dependent", async () => {
    const h = harness();
    await h.sync([js("ab", "const a = 2, b = 3; function f(x) { return x * a }"), js("u", "f(b)")]);
    expect(h.state("u").value).toBe(6);
    expect(h.state("ab").names).toEqual(["a", "b", "f"]);
  });

  test("display collects values and view streams an input", async () => {
    const values: unknown[] = [];
    const h = harness();
    await h.sync([js("d", "display(1); display('two'); const x = 3")]);
    expect(h.state("d").displays).toEqual([1, "two"]);
    expect(values).toEqual([]);
  });
});

describe("errors stay in their cells", () => {
  test("a syntax error is an error state with line:column, and other cells run", async () => {
    const h = harness();
    await h.sync([js("bad", "const x = 1;\nconst y = ;"), js("ok", "const z = 2"), js("dep", "z * 2")]);
    expect(h.statuses("bad", "ok", "dep")).toEqual({ bad: "error", ok: "fulfilled", dep: "fulfilled" });
    expect(h.state("bad").error).toEqual({ message: "Unexpected token", line: 2, column: 10 });
  });

  test("a circular definition errors both cells only", async () => {
    const h = harness();
    await h.sync([js("p", "const p = q + 1"), js("q", "const q = p + 1"), js("r", "const r = 1")]);
    expect(h.statuses("p", "q", "r")).toEqual({ p: "error", q: "error", r: "fulfilled" });
    expect(h.state("p").error?.message).toBe("circular definition");
  });

  test("a duplicate name errors both definers until one goes", async () => {
    const h = harness();
    const cells = [js("x1", "const x = 1"), js("x2", "const x = 2"), js("use", "x + 1"), js("other", "const o = 1")];
    await h.sync(cells);
    expect(h.statuses("x1", "x2", "use", "other")).toEqual({ x1: "error", x2: "error", use: "error", other: "fulfilled" });
    expect(h.state("x1").error?.message).toBe("x is defined more than once");
    await h.sync([cells[0]!, cells[2]!, cells[3]!]);
    expect(h.statuses("x1", "use")).toEqual({ x1: "fulfilled", use: "fulfilled" });
    expect(h.state("use").value).toBe(2);
  });

  test("a thrown error is the cell's error and its dependents see it", async () => {
    const h = harness();
    await h.sync([js("t", "const t = (() => { throw new Error('boom') })()"), js("u", "t + 1"), js("v", "1")]);
    expect(h.statuses("t", "u", "v")).toEqual({ t: "error", u: "error", v: "fulfilled" });
    expect(h.state("t").error?.message).toBe("boom");
  });
});

describe("invalidation and generators", () => {
  test("redefining a cell aborts its in-flight work through signal", async () => {
    const log: string[] = [];
    const h = harness({ builtins: { log } });
    const slow = js("s", "const s = await new Promise((resolve, reject) => { signal.addEventListener('abort', () => { log.push('aborted'); reject(signal.reason) }) })");
    h.runtime.sync([slow]);
    await new Promise((r) => setTimeout(r, 20));
    expect(h.state("s").status).toBe("running");
    await h.sync([js("s", "const s = 1")]);
    expect(log).toEqual(["aborted"]);
    expect(h.state("s").exports).toEqual({ s: 1 });
  });

  test("a generator cell streams its values to dependents", async () => {
    const h = harness();
    const seen: unknown[] = [];
    h.runtime.subscribe((id, s) => {
      if (id === "sq" && s.status === "fulfilled") seen.push(s.value);
    });
    h.runtime.sync([js("g", "const g = (function* () { yield 1; yield 2; yield 3 })()"), js("sq", "g * g")]);
    await expect.poll(() => seen.at(-1), { timeout: 2000 }).toBe(9);
    expect(seen).toEqual([1, 4, 9]);
  });
});

describe("cancellation", () => {
  test("cancelling a running cell aborts its signal, errors it and its dependents, and a later run recovers", async () => {
    const log: string[] = [];
    const h = harness({ builtins: { log } });
    const slow = js("s", "const s = await new Promise((resolve, reject) => signal.addEventListener('abort', () => { log.push('aborted'); reject(signal.reason) }))");
    const dep = js("d", "s + 1");
    h.runtime.sync([slow, dep]);
    await new Promise((r) => setTimeout(r, 20));
    h.runtime.cancel(slow.id);
    await h.runtime.idle();
    expect(log).toEqual(["aborted"]);
    expect(h.statuses("s", "d")).toEqual({ s: "error", d: "error" });
    expect(h.state("s").error?.message).toBe("cancelled");
    await h.sync([js("s", "const s = 41"), dep]);
    expect(h.state("d").value).toBe(42);
  });
});

describe("streams", () => {
  test("a cell streams until its generator ends, and rerun runs an unchanged cell again", async () => {
    const h = harness();
    const seen: boolean[] = [];
    h.runtime.subscribe((id, s) => {
      if (id === "g" && seen.at(-1) !== s.streaming) seen.push(s.streaming);
    });
    h.runtime.sync([js("g", "const g = (async function* () { yield 1; await new Promise((r) => setTimeout(r, 20)); yield 2 })()")]);
    await expect.poll(() => h.state("g").exports.g, { timeout: 2000 }).toBe(2);
    await expect.poll(() => h.state("g").streaming, { timeout: 2000 }).toBe(false);
    expect(seen).toEqual([false, true, false]);
    h.runtime.rerun("g" as never);
    await expect.poll(() => h.state("g").runs, { timeout: 2000 }).toBe(2);
  });
});

describe("run counts and statuses tell the truth", () => {
  // A stand-in for a vary result: content digested by `n`, every snapshot of one run sharing its token.
  const snapshot = (run: object, n: number) => ({ n, [CONTENT_DIGEST]: () => `snapshot-${n}`, [RUN_TOKEN]: () => run });
  const streaming = () =>
    js("s", "const s = (async function* () { const run = {}; yield snapshot(run, 1); await sleep(10); yield snapshot(run, 2); await sleep(10); yield snapshot(run, 2); })()");
  const builtins = { snapshot, sleep: (ms: number) => new Promise((r) => setTimeout(r, ms)) };

  test("snapshots of one upstream run are one run of a dependent, and the last snapshot with unchanged content runs nothing", async () => {
    const h = harness({ builtins, cache: new MapCache() });
    await h.sync([streaming(), js("d", "const d = s.n * 10"), js("e", "const e = d + 1"), js("f", "display(e)")]);
    await expect.poll(() => h.state("e").exports.e, { timeout: 2000 }).toBe(21);
    await h.runtime.idle();
    expect(h.statuses("d", "e", "f")).toEqual({ d: "fulfilled", e: "fulfilled", f: "fulfilled" });
    // Cells downstream of the dependent, cached or not, are part of the same run too.
    expect(h.runs("d", "e", "f")).toEqual({ d: 1, e: 1, f: 1 });
  });

  test("a cold load counts one run; a load that restores every value shows cached with runs 0", async () => {
    const cache = new MapCache();
    const cold = harness({ cache });
    await cold.sync([js("a", "const a = [1, 2, 3]"), js("b", "const b = a.length")]);
    expect([cold.statuses("a", "b"), cold.runs("a", "b")]).toEqual([{ a: "fulfilled", b: "fulfilled" }, { a: 1, b: 1 }]);
    const warm = harness({ cache });
    await warm.sync([js("a", "const a = [1, 2, 3]"), js("b", "const b = a.length")]);
    expect([warm.statuses("a", "b"), warm.runs("a", "b")]).toEqual([{ a: "cached", b: "cached" }, { a: 0, b: 0 }]);
  });

  test("a new upstream run is a new run of its dependents; an input recomputed to the same value runs nothing", async () => {
    const h = harness({ builtins });
    await h.sync([streaming(), js("d", "const d = s.n * 10")]);
    await expect.poll(() => h.state("d").exports.d, { timeout: 2000 }).toBe(20);
    h.runtime.rerun("s" as never);
    await expect.poll(() => h.state("d").runs, { timeout: 2000 }).toBe(2);
    const cells = [js("a", "const a = 1 + 1"), js("b", "const b = a * 10")];
    await h.sync(cells);
    await h.sync([js("a", "const a = 2"), cells[1]!]);
    expect([h.state("b").runs, h.state("b").status, h.state("b").exports.b]).toEqual([1, "fulfilled", 20]);
  });
});

describe("errors from inputs", () => {
  test("a dependent of a cell in error says which input is in error and which cell defines it", async () => {
    const h = harness();
    await h.sync([js("p", "const points = pointz.map((d) => d)"), js("q", "const total = points.length"), js("r", "total * 2")]);
    expect(h.state("p").error?.message).toBe("pointz is not defined");
    expect(h.state("q").error).toEqual({ message: "input points is in error", input: { name: "points", cell: "p" } });
    expect(h.state("r").error).toEqual({ message: "input total is in error", input: { name: "total", cell: "q" } });
  });

  test("a name nobody defines is still 'not defined'", async () => {
    const h = harness();
    await h.sync([js("q", "const total = nowhere.length")]);
    expect(h.state("q").error).toEqual({ message: "nowhere is not defined" });
  });
});

describe("scaling", () => {
  /** Counts the cells the runtime reads by iterating its table of cells (an O(n) pass each time it scans them). */
  function countScans(runtime: object): { visited: number } {
    const counter = { visited: 0 };
    const entries = (runtime as unknown as { entries: Map<unknown, unknown> }).entries;
    const counted = <T>(it: IterableIterator<T>): IterableIterator<T> => {
      const next = it.next.bind(it);
      return Object.assign(it, {
        next: () => {
          const r = next();
          if (!r.done) counter.visited++;
          return r;
        },
      });
    };
    for (const method of ["entries", "values", "keys", Symbol.iterator] as const) {
      const own = (entries as unknown as Record<PropertyKey, () => IterableIterator<unknown>>)[method]!.bind(entries);
      Object.defineProperty(entries, method, { value: () => counted(own()), configurable: true });
    }
    const forEach = entries.forEach.bind(entries);
    Object.defineProperty(entries, "forEach", { value: (f: (v: unknown, k: unknown, m: Map<unknown, unknown>) => void) => forEach((v, k, m) => (counter.visited++, f(v, k, m))), configurable: true });
    return counter;
  }

  // A chain settles one cell at a time, and each settled cell wakes idle(); a builtin input is
  // looked up by name. Neither may look at every cell, or a run is quadratic in the cells
  // (a 20,000-cell chain took minutes). The bound is linear; a scan per cell visits n²/2.
  test("running a chain of n cells that read a builtin visits the cells O(n) times, not once per settled cell", async () => {
    const n = 400;
    const h = harness({ builtins: { k: 1 } });
    const scans = countScans(h.runtime);
    await h.sync(Array.from({ length: n }, (_, i) => js(`c${i}`, i === 0 ? "const a0 = k" : `const a${i} = a${i - 1} + k`)));
    expect(h.state(`c${n - 1}`).exports).toEqual({ [`a${n - 1}`]: n });
    expect(scans.visited).toBeLessThanOrEqual(4 * n);
    // Editing the leaf re-runs one cell and scans no more than the sync's one pass.
    scans.visited = 0;
    await h.sync(Array.from({ length: n }, (_, i) => js(`c${i}`, i === 0 ? "const a0 = k" : i === n - 1 ? `const a${i} = a${i - 1} + 2 * k` : `const a${i} = a${i - 1} + k`)));
    expect(h.state(`c${n - 1}`).runs).toBe(2);
    expect(scans.visited).toBeLessThanOrEqual(2 * n);
  });
});

describe("compiling cell bodies", () => {
  test("the bodies of the cells a sync defines are evaluated in one script; a body that fails there fails only its own cell", async () => {
    const evalSpy = vi.spyOn(globalThis, "eval");
    try {
      const h = harness();
      await h.sync([js("a", "const a = 1"), js("b", "const b = a + 1"), js("c", "const c = b * 10")]);
      expect(evalSpy).toHaveBeenCalledTimes(1);
      expect(h.state("c").exports).toEqual({ c: 20 });
      // One changed cell is evaluated alone.
      await h.sync([js("a", "const a = 2"), js("b", "const b = a + 1"), js("c", "const c = b * 10")]);
      expect(evalSpy).toHaveBeenCalledTimes(2);
      expect(h.state("c").exports).toEqual({ c: 30 });
      // A body the engine rejects (the compiler accepted its source): the batch fails, each body is evaluated alone.
      const good = js("d", "const d = c + 1");
      const bad = { ...js("e", "const e = 1"), compiled: { type: "definition" as const, definition: { body: "() => {", inputs: [], outputs: ["e"], autodisplay: false } } };
      await h.sync([js("a", "const a = 2"), js("b", "const b = a + 1"), js("c", "const c = b * 10"), good, bad]);
      expect(evalSpy).toHaveBeenCalledTimes(5);
      expect(h.state("d").exports).toEqual({ d: 31 });
      expect(h.state("e").status).toBe("error");
      expect(h.state("e").error?.message).toMatch(/Unexpected (end of input|token)/);
    } finally {
      evalSpy.mockRestore();
    }
  });
});
