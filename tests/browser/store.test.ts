import { describe, expect, it } from "vitest";
import { openIdbStore, WEFT_SCHEMA, type Entry } from "../../src/store/index.ts";
import { storeContract } from "../store/contract.ts";

// Real IndexedDB in Chromium. Each browser run starts from a fresh profile, and each test
// uses its own database name.
let n = 0;
const freshName = () => `weft-browser-${n++}`;
// Incompressible text, so that Chromium's value compression cannot hide the size.
const noise = (length: number) => {
  let x = (Math.random() * 2 ** 31) | 1;
  let out = "";
  while (out.length < length) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out += (x >>> 0).toString(36);
  }
  return out.slice(0, length);
};
// Storage Buckets (Chromium 122+) is not in TypeScript's DOM types yet.
interface StorageBucket {
  readonly name: string;
  readonly indexedDB: IDBFactory;
}
interface StorageBucketManager {
  open(name: string, options?: { quota?: number }): Promise<StorageBucket>;
  delete(name: string): Promise<void>;
}
const record = (i: number) => ({ id: i, text: `output ${i} `.padEnd(360, "x"), score: i / 7 });

storeContract("idb (Chromium)", () => {
  const name = freshName();
  return (schema) => openIdbStore(name, { schema });
});

describe("idb store in Chromium", () => {
  it("data survives closing and reopening the database, as after a reload", async () => {
    const name = freshName();
    const entries = Array.from({ length: 2000 }, (_, i): Entry => [`cell-${i}`, record(i)]);
    const first = await openIdbStore(name);
    await first.putMany("cells", entries);
    await first.close();
    const reloaded = await openIdbStore(name);
    const values = await reloaded.getMany("cells", entries.map(([k]) => k));
    expect({ version: reloaded.version, values }).toEqual({ version: WEFT_SCHEMA.version, values: entries.map(([, v]) => v) });
    await reloaded.close();
  });

  it("getMany of 10,000 keys returns every value in one call", async ({ annotate }) => {
    const store = await openIdbStore(freshName());
    const entries = Array.from({ length: 10_000 }, (_, i): Entry => [`call-${String(i).padStart(5, "0")}`, record(i)]);
    let t = performance.now();
    await store.putMany("cells", entries);
    const putMs = performance.now() - t;
    const keys = [...entries.map(([k]) => k)].reverse();
    keys.splice(5000, 0, "missing");
    t = performance.now();
    const values = await store.getMany("cells", keys);
    const getMs = performance.now() - t;
    await annotate(`putMany 10,000 records: ${putMs.toFixed(0)} ms; getMany 10,001 keys: ${getMs.toFixed(0)} ms`);
    const expected = [...entries].reverse().map(([, v]) => v);
    expected.splice(5000, 0, undefined as never);
    expect(values).toEqual(expected);
    await store.close();
  });

  // A storage bucket with a small quota gives a real QuotaExceededError. (Overriding the
  // origin's quota over CDP is unreliable: Chromium caches the space it may grant for 30 s.)
  it("a write refused for quota is a clear error, and batches committed before stay", async () => {
    const buckets = (navigator as Navigator & { storageBuckets: StorageBucketManager }).storageBuckets;
    const bucket = await buckets.open(`quota-${Date.now()}`, { quota: 300 * 1024 });
    const name = freshName();
    const store = await openIdbStore(name, { indexedDB: bucket.indexedDB });
    const batch = (tag: string, count: number) => Array.from({ length: count }, (_, i): Entry => [`${tag}-${i}`, { text: noise(2_000) }]);
    const first = batch("first", 20);
    await store.putMany("cells", first);
    const error = await store.putMany("cells", batch("refused", 200)).then(() => "written", (e: Error) => e.message);
    const keys = await store.keys("cells");
    expect({
      error,
      first: await store.getMany("cells", first.map(([k]) => k)),
      refused: keys.filter((k) => k.startsWith("refused-")).length,
    }).toEqual({
      error: `storage quota exceeded while writing 200 records to 'cells' in indexeddb '${name}'; records committed before are kept; this batch was not written`,
      first: first.map(([, v]) => v),
      refused: 0,
    });
    await store.close();
    await buckets.delete(bucket.name);
  });




});
