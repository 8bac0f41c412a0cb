import { describe, expect, expectTypeOf, it } from "vitest";
import type { CellCache as RuntimeCellCache } from "../../src/runtime/index.ts";
import { type Json as TraceJson } from "../../src/base/index.ts";
import { cellCache, memoryDisk, openMemoryStore, type CellCache, type Json } from "../../src/store/index.ts";

describe("cellCache", () => {
  it("keeps cell values in the store's 'cells' object store, across reopen", async () => {
    const disk = memoryDisk();
    const store = await openMemoryStore({ disk });
    const cache: RuntimeCellCache = cellCache(store);
    await cache.put("key-1", { rows: [1, 2] });
    await store.close();
    const again = await openMemoryStore({ disk });
    expect({ cached: await cellCache(again).get("key-1"), missing: await cellCache(again).get("key-2"), raw: await again.get("cells", "key-1") }).toEqual({
      cached: { rows: [1, 2] },
      missing: undefined,
      raw: { rows: [1, 2] },
    });
  });

  it("has the runtime's CellCache shape and the trace layer's Json type", () => {
    expectTypeOf<CellCache>().toEqualTypeOf<RuntimeCellCache>();
    expectTypeOf<Json>().toEqualTypeOf<TraceJson>();
  });

  it("with a session, reads the cells a notebook used last time in one batch before the first lookup; other notebooks and new keys still work", async () => {
    const disk = memoryDisk();
    const store = await openMemoryStore({ disk });
    let name = "a.md";
    const first = cellCache(store, { session: () => name, rememberEveryMs: 5 });
    for (let i = 0; i < 50; i++) await first.put(`k${i}`, { i });
    name = "b.md";
    await first.put("other", { other: true });
    await new Promise((r) => setTimeout(r, 40));
    await store.close();

    const again = await openMemoryStore({ disk });
    const counts = { get: 0, getMany: 0, keys: 0 };
    const counting = new Proxy(again, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop === "get" || prop === "getMany") return (...args: unknown[]) => (counts[prop]++, (value as (...a: unknown[]) => unknown).apply(target, args));
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    name = "a.md";
    const warm = cellCache(counting, { session: () => name, rememberEveryMs: 5 });
    // A chain's lookups, one after the other: one read of the remembered keys and one batched read, then no store round trip.
    for (let i = 0; i < 50; i++) expect(await warm.get(`k${i}`)).toEqual({ i });
    expect(counts).toEqual({ get: 1, getMany: 1, keys: 0 });
    // A key not read ahead (another notebook's, or new) goes to the store.
    expect(await warm.get("other")).toEqual({ other: true });
    expect(await warm.get("missing")).toBeUndefined();
    expect(counts.get).toBe(3);
    await again.close();
  });

  it("with a session, a broken list of remembered keys only means no read-ahead", async () => {
    const store = await openMemoryStore();
    await store.put("cells", "session:a.md", { not: "a list" });
    await store.put("cells", "k", 1);
    expect(await cellCache(store, { session: () => "a.md" }).get("k")).toBe(1);
  });
});
