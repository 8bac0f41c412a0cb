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
});
