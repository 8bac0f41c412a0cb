import { describe, expect, it } from "vitest";
import type { Json, KvStore, Schema } from "../../src/store/index.ts";
import { WEFT_SCHEMA } from "../../src/store/index.ts";

/** Opens the store at one location; calling it again reopens the same data. */
export type Opener = (schema?: Schema) => Promise<KvStore>;

/** Schemas for the migration tests: v1 has "cells"; v2 adds "calls" and rewrites every cell. */
export const V1: Schema = { version: 1, migrations: [{ version: 1, create: ["cells"] }] };
export const V2: Schema = {
  version: 2,
  migrations: [
    ...V1.migrations,
    {
      version: 2,
      create: ["calls"],
      async migrate(tx) {
        for (const key of await tx.keys("cells")) {
          const value = (await tx.get("cells", key)) ?? null;
          await tx.put("cells", key, { value, wrapped: true });
          await tx.put("calls", `call:${key}`, key);
        }
      },
    },
  ],
};
/** v3 drops "calls" again. */
export const V3: Schema = { version: 3, migrations: [...V2.migrations, { version: 3, drop: ["calls"] }] };

/** The behaviours every KvStore backend guarantees; `location()` gives a fresh, empty location. */
export function storeContract(backend: string, location: () => Opener | Promise<Opener>): void {
  const withStore = async (schema?: Schema) => {
    const open = await location();
    return { open, store: await open(schema) };
  };

  describe(`${backend} store contract`, () => {
    it("get returns what put wrote and undefined for a missing key", async () => {
      const { store } = await withStore();
      const values: Record<string, Json> = { a: 1, "": "empty key", "ключ/✓": { nested: [1, "two", null, { x: true }] }, nil: null, neg: -1.5e-7 };
      for (const [key, value] of Object.entries(values)) await store.put("cells", key, value);
      const got: Record<string, Json | undefined> = {};
      for (const key of [...Object.keys(values), "missing"]) got[key] = await store.get("cells", key);
      expect(got).toEqual({ ...values, missing: undefined });
      await store.close();
    });

    it("getMany returns values in the order of the keys, undefined where missing", async () => {
      const { store } = await withStore();
      await store.putMany("cells", [["b", 2], ["a", 1], ["c", null]]);
      const results = [await store.getMany("cells", ["c", "zz", "a", "b", "a", ""]), await store.getMany("cells", [])];
      expect(results).toEqual([[null, undefined, 1, 2, 1, undefined], []]);
      await store.close();
    });

    it("getMany of many keys, dense or sparse in the key range, returns values in order", async () => {
      const { store } = await withStore();
      const key = (i: number) => `k${String(i).padStart(4, "0")}`;
      await store.putMany("cells", Array.from({ length: 1000 }, (_, i): [string, Json] => [key(i), i]));
      const dense = [key(999), "k0500x", key(0), key(0), ...Array.from({ length: 300 }, (_, i) => key(300 + i))];
      const sparse = [...Array.from({ length: 40 }, (_, i) => key(i * 25)), "zz"];
      expect([await store.getMany("cells", dense), await store.getMany("cells", sparse)]).toEqual([
        [999, undefined, 0, 0, ...Array.from({ length: 300 }, (_, i) => 300 + i)],
        [...Array.from({ length: 40 }, (_, i) => i * 25), undefined],
      ]);
      await store.close();
    });

    it("putMany writes every record and keys lists them in ascending order", async () => {
      const { store } = await withStore();
      const entries = Array.from({ length: 500 }, (_, i): [string, Json] => [`k${String(i).padStart(3, "0")}`, { i }]);
      await store.putMany("cells", [...entries].reverse());
      const keys = await store.keys("cells");
      const values = await store.getMany("cells", keys);
      expect({ keys, values }).toEqual({ keys: entries.map(([k]) => k), values: entries.map(([, v]) => v) });
      await store.close();
    });

    it("putMany with a record that is not JSON writes nothing of the batch", async () => {
      const { store } = await withStore();
      await store.put("cells", "k0", "old");
      const bad = [["k0", "new"], ["k1", 1], ["k2", { fn: () => 1 }], ["k3", 3]] as unknown as [string, Json][];
      const error = await store.putMany("cells", bad).then(() => undefined, (e: Error) => e.message);
      expect({ error, values: await store.getMany("cells", ["k0", "k1", "k2", "k3"]) }).toEqual({
        error: "cannot store record 'k2' in 'cells': a function is not JSON at fn",
        values: ["old", undefined, undefined, undefined],
      });
      await store.close();
    });

    it("put rejects values that are not JSON, naming the path", async () => {
      const { store } = await withStore();
      class Point {}
      const bad: Record<string, unknown> = { nan: NaN, inf: [1, Infinity], undef: { a: { b: undefined } }, point: { p: new Point() }, big: 1n };
      const errors: Record<string, string> = {};
      for (const [key, value] of Object.entries(bad)) errors[key] = await store.put("cells", key, value as Json).then(() => "stored", (e: Error) => e.message);
      expect({ errors, keys: await store.keys("cells") }).toEqual({
        errors: {
          nan: "cannot store record 'nan' in 'cells': NaN is not a JSON number at the top level",
          inf: "cannot store record 'inf' in 'cells': Infinity is not a JSON number at [1]",
          undef: "cannot store record 'undef' in 'cells': undefined is not JSON at a.b",
          point: "cannot store record 'point' in 'cells': a Point is not JSON at p",
          big: "cannot store record 'big' in 'cells': a bigint is not JSON at the top level",
        },
        keys: [],
      });
      await store.close();
    });

    it("delete removes a record, and deleting a missing key is not an error", async () => {
      const { store } = await withStore();
      await store.putMany("cells", [["a", 1], ["b", 2]]);
      await store.delete("cells", "a");
      await store.delete("cells", "never");
      expect({ keys: await store.keys("cells"), a: await store.get("cells", "a") }).toEqual({ keys: ["b"], a: undefined });
      await store.close();
    });

    it("values are copied in and out, so later mutation does not reach the store", async () => {
      const { store } = await withStore();
      const value = { list: [1, 2] };
      await store.put("cells", "v", value);
      value.list.push(3);
      const read = (await store.get("cells", "v")) as { list: number[] };
      read.list.push(4);
      expect(await store.get("cells", "v")).toEqual({ list: [1, 2] });
      await store.close();
    });

    it("data survives closing and reopening", async () => {
      const { open, store } = await withStore();
      await store.putMany("cells", [["a", { deep: ["x"] }], ["b", 2]]);
      await store.put("cells", "c", "three");
      await store.delete("cells", "b");
      await store.close();
      const again = await open();
      expect({ version: again.version, keys: await again.keys("cells"), values: await again.getMany("cells", ["a", "b", "c"]) }).toEqual({
        version: WEFT_SCHEMA.version,
        keys: ["a", "c"],
        values: [{ deep: ["x"] }, undefined, "three"],
      });
      await again.close();
    });

    it("calls after close reject with a clear error", async () => {
      const { store } = await withStore();
      await store.close();
      await expect(store.get("cells", "a")).rejects.toThrow(/is closed/);
    });

    it("an object store the schema does not have is a clear error", async () => {
      const { store } = await withStore(V1);
      await expect(store.get("calls", "a")).rejects.toThrow("unknown object store 'calls' at schema version 1 (it has: cells)");
      await store.close();
    });

    it("opening a v1 store with the v2 schema runs the migration once", async () => {
      const { open, store } = await withStore(V1);
      await store.putMany("cells", [["a", 1], ["b", [2]]]);
      await store.close();
      const v2 = await open(V2);
      await v2.close();
      const again = await open(V2);
      expect({
        version: again.version,
        cells: await again.getMany("cells", ["a", "b"]),
        calls: await again.keys("calls"),
        call: await again.get("calls", "call:a"),
      }).toEqual({
        version: 2,
        cells: [{ value: 1, wrapped: true }, { value: [2], wrapped: true }],
        calls: ["call:a", "call:b"],
        call: "a",
      });
      await again.close();
    });

    it("a v2 store opened with the v3 schema loses the dropped store and keeps the rest", async () => {
      const { open, store } = await withStore(V2);
      await store.put("calls", "x", 1);
      await store.put("cells", "a", 1);
      await store.close();
      const v3 = await open(V3);
      const error = await v3.get("calls", "x").then(() => "", (e: Error) => e.message);
      expect({ version: v3.version, error, a: await v3.get("cells", "a") }).toEqual({
        version: 3,
        error: "unknown object store 'calls' at schema version 3 (it has: cells)",
        a: 1,
      });
      await v3.close();
    });

    it("a migration that throws leaves the store at its old version with its data", async () => {
      const { open, store } = await withStore(V1);
      await store.put("cells", "a", 1);
      await store.close();
      const failing: Schema = {
        version: 2,
        migrations: [...V1.migrations, {
          version: 2,
          create: ["calls"],
          async migrate(tx) {
            await tx.put("cells", "a", "half-done");
            throw new Error("bad data");
          },
        }],
      };
      const error = await open(failing).then(() => "opened", (e: Error) => e.message);
      const again = await open(V1);
      expect({ error, version: again.version, a: await again.get("cells", "a") }).toEqual({
        error: "migration to schema version 2 failed: bad data",
        version: 1,
        a: 1,
      });
      await again.close();
    });

    it("opening a store written by a newer schema fails with a clear error", async () => {
      const { open, store } = await withStore(V2);
      await store.close();
      await expect(open(V1)).rejects.toThrow(/has schema version 2, newer than version 1 that this weft supports/);
    });
  });
}
