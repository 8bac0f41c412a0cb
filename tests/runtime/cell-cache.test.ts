import { describe, expect, test } from "vitest";
import { harness, js, MapCache } from "./harness.ts";

describe("the per-cell cache", () => {
  const notebook = () => [js("a", "const a = [1, 2, 3]"), js("f", "function f(x) { return x * 2 }"), js("b", "const b = a.map(f)"), js("c", "b.length")];

  test("a second runtime restores unchanged cells without running them", async () => {
    const cache = new MapCache();
    const first = harness({ cache });
    await first.sync(notebook());
    expect(first.runs("a", "f", "b", "c")).toEqual({ a: 1, f: 1, b: 1, c: 1 });
    first.runtime.dispose();
    const second = harness({ cache });
    await second.sync(notebook());
    // f's value is a function: not serializable, so it runs again; b and c restore.
    expect(second.statuses("a", "f", "b", "c")).toEqual({ a: "cached", f: "fulfilled", b: "cached", c: "cached" });
    expect(second.runs("a", "f", "b", "c")).toEqual({ a: 0, f: 1, b: 0, c: 0 });
    expect(second.state("b").value).toEqual({ b: [2, 4, 6] });
  });

  test("editing a function cell changes the key of the cells that use it", async () => {
    const cache = new MapCache();
    const first = harness({ cache });
    await first.sync(notebook());
    first.runtime.dispose();
    const cells = notebook();
    cells[1] = js("f", "function f(x) { return x * 3 }");
    const second = harness({ cache });
    await second.sync(cells);
    expect(second.statuses("a", "b", "c")).toEqual({ a: "cached", b: "fulfilled", c: "fulfilled" });
    expect(second.state("b").value).toEqual({ b: [3, 6, 9] });
  });

  test("a cell whose value the cache cannot hold (a function, an element) is not looked up again on its next runs, until it is redefined", async () => {
    const cache = new MapCache();
    const h = harness({ cache });
    await h.sync([js("a", "const a = 1"), js("f", "const f = () => a")]);
    const first = cache.gets;
    expect(first).toBe(2); // a and f, once each
    await h.sync([js("a", "const a = 2"), js("f", "const f = () => a")]);
    await h.sync([js("a", "const a = 3"), js("f", "const f = () => a")]);
    expect(cache.gets - first).toBe(2); // a's lookups only: f's value is a function
    await h.sync([js("a", "const a = 3"), js("f", "const f = () => a + 1")]);
    expect(cache.gets - first).toBe(3); // the new definition of f looks up once
  });

  test("a data input is digested by content, so an equal value hits", async () => {
    const cache = new MapCache();
    const first = harness({ cache });
    await first.sync([js("a", "const a = 1 + 1"), js("b", "a * 10")]);
    first.runtime.dispose();
    const second = harness({ cache });
    await second.sync([js("a", "const a = 2"), js("b", "a * 10")]);
    expect(second.statuses("a", "b")).toEqual({ a: "fulfilled", b: "cached" });
  });

  test("nocache cells and cells using time or randomness are never cached", async () => {
    const cache = new MapCache();
    const h = harness({ cache });
    await h.sync([js("n", "const n = 1", { nocache: true }), js("r", "Math.random() < 2"), js("t", "new Date().getFullYear() > 0"), js("k", "const k = 7")]);
    expect([...cache.map.values()]).toEqual([{ k: 7 }]);
  });

  test("a value that cannot be serialized is not cached and nothing breaks", async () => {
    const cache = new MapCache();
    const h = harness({ cache });
    await h.sync([js("m", "const m = new (class Point { constructor() { this.x = 1 } })()"), js("d", "m.x + 1")]);
    expect(h.statuses("m", "d")).toEqual({ m: "fulfilled", d: "fulfilled" });
    expect(cache.puts).toBe(1);
  });

  test("a failing cache write is a warning on the cell, not an error", async () => {
    const cache = new MapCache();
    cache.failPuts = true;
    const h = harness({ cache });
    await h.sync([js("a", "const a = 1")]);
    await new Promise((r) => setTimeout(r, 10));
    expect(h.state("a").status).toBe("fulfilled");
    expect(h.state("a").cacheWarning).toBe("not cached: quota exceeded");
    expect(h.reports).toEqual(["not cached: quota exceeded"]);
  });
});

describe("snapshots of a computation still in progress", () => {
  // A stand-in for a streaming vary: each value says its content (CONTENT_DIGEST), its run
  // (RUN_TOKEN) and whether the run is still going (IN_PROGRESS).
  const source = (finalSame: boolean) => `const s = (function* () {
    const run = {};
    const snap = (n, going) => ({ n, [Symbol.for("weft.contentDigest")]: () => "content-" + n, [Symbol.for("weft.runToken")]: () => run, [Symbol.for("weft.inProgress")]: () => going });
    for (let n = 1; n <= 4; n++) yield snap(n, true);
    yield snap(${finalSame ? 4 : 5}, false);
  })()`;

  test("cells computed from them are not written to the cell cache; the finished snapshot's are, and restore", async () => {
    const cache = new MapCache();
    const h = harness({ cache });
    h.runtime.sync([js("s", source(false)), js("d", "const d = s.n * 10"), js("e", "const e = d + 1")]);
    await expect.poll(() => h.state("e").value, { timeout: 2000 }).toEqual({ e: 51 });
    await h.runtime.idle();
    // Only the finished snapshot's dependents: d and e once each, not once per snapshot.
    expect([...cache.map.values()]).toEqual(expect.arrayContaining([{ d: 50 }, { e: 51 }]));
    expect(cache.map.size).toBe(2);
    h.runtime.dispose();
    const again = harness({ cache });
    again.runtime.sync([js("s", source(false)), js("d", "const d = s.n * 10"), js("e", "const e = d + 1")]);
    await expect.poll(() => again.state("e").value, { timeout: 2000 }).toEqual({ e: 51 });
    await again.runtime.idle();
    expect(cache.map.size).toBe(2);
  });

  test("a nocache cell computed from them never asks for their content digest (a 10,000-leaf vary's costs tens of ms), and counts one run", async () => {
    const h = harness({ cache: new MapCache() });
    const counted = `const s = (function* () {
      const run = {};
      globalThis.__digests = 0;
      const snap = (n, going) => ({ n, [Symbol.for("weft.contentDigest")]: () => (globalThis.__digests++, "content-" + n), [Symbol.for("weft.runToken")]: () => run, [Symbol.for("weft.inProgress")]: () => going });
      for (let n = 1; n <= 3; n++) yield snap(n, true);
      yield snap(4, false);
    })()`;
    h.runtime.sync([js("s", counted), js("d", "const d = s.n * 10", { nocache: true })]);
    await expect.poll(() => h.state("d").value, { timeout: 2000 }).toEqual({ d: 40 });
    await h.runtime.idle();
    expect((globalThis as { __digests?: number }).__digests).toBe(0);
    expect(h.runs("d")).toEqual({ d: 1 });
    // A cached cell reading the same snapshots does digest them: its key needs their content.
    h.runtime.sync([js("s", counted), js("d", "const d = s.n * 10")]);
    await expect.poll(() => (globalThis as { __digests?: number }).__digests ?? 0, { timeout: 2000 }).toBeGreaterThan(0);
  });

  test("a nocache cell that uses a per-cell builtin still gets its key (an op's version context): the same in every runtime", async () => {
    const keys: (string | null)[] = [];
    const cellBuiltins = { keyOf: (run: { key: string | null }) => (keys.push(run.key), run.key) };
    for (let i = 0; i < 2; i++) await harness({ cellBuiltins }).sync([js("a", "const a = 2"), js("k", "const k = keyOf + a", { nocache: true })]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  test("a finished snapshot with the content of the last one in progress writes the value computed from it", async () => {
    const cache = new MapCache();
    const h = harness({ cache });
    h.runtime.sync([js("s", source(true)), js("d", "const d = s.n * 10")]);
    // Written only once the finished snapshot (same content, nothing recomputed) has arrived.
    await expect.poll(() => [...cache.map.values()], { timeout: 2000 }).toEqual([{ d: 40 }]);
    expect(h.state("d").value).toEqual({ d: 40 });
    expect(h.runs("d")).toEqual({ d: 1 });
  });
});
