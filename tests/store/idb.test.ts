import "fake-indexeddb/auto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openIdbStore } from "../../src/store/index.ts";
import { idbWriteError } from "../../src/store/idb.ts";
import { storeContract, V1, V2 } from "./contract.ts";

let n = 0;
const freshName = () => `weft-test-${n++}`;

storeContract("idb (fake-indexeddb)", () => {
  const name = freshName();
  return (schema) => openIdbStore(name, { schema });
});

describe("idb store", () => {
  afterEach(() => vi.restoreAllMocks());

  it("getMany of many keys opens one transaction", async () => {
    const store = await openIdbStore(freshName());
    const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
    await store.putMany("cells", keys.map((k, i) => [k, i]));
    const transaction = vi.spyOn(IDBDatabase.prototype, "transaction");
    const values = await store.getMany("cells", [...keys, "missing"]);
    expect({ transactions: transaction.mock.calls.length, values }).toEqual({ transactions: 1, values: [...keys.map((_, i) => i), undefined] });
    await store.close();
  });

  it("a quota error during putMany is a clear error and leaves earlier commits in place", async () => {
    const store = await openIdbStore(freshName());
    await store.put("cells", "before", 1);
    const put = IDBObjectStore.prototype.put;
    let calls = 0;
    vi.spyOn(IDBObjectStore.prototype, "put").mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (++calls === 3) throw new DOMException("the quota has been exceeded", "QuotaExceededError");
      return put.call(this, value, key);
    });
    const error = await store.putMany("cells", [["a", 1], ["b", 2], ["c", 3]]).then(() => "written", (e: Error) => e.message);
    vi.restoreAllMocks();
    expect({ error, values: await store.getMany("cells", ["before", "a", "b", "c"]) }).toEqual({
      error: "storage quota exceeded while writing 3 records to 'cells' in indexeddb 'weft-test-" + (n - 1) + "'; records committed before are kept; this batch was not written",
      values: [1, undefined, undefined, undefined],
    });
    await store.close();
  });

  it("maps a QuotaExceededError and keeps other causes in the message", () => {
    const quota = new DOMException("quota", "QuotaExceededError");
    const other = new DOMException("disk gone", "UnknownError");
    expect([idbWriteError(quota, 1, "cells", "indexeddb 'w'"), idbWriteError(other, 2, "cells", "indexeddb 'w'")].map((e) => [e.message, e.cause === quota || e.cause === other])).toEqual([
      ["storage quota exceeded while writing 1 record to 'cells' in indexeddb 'w'; records committed before are kept; this batch was not written", true],
      ["failed writing 2 records to 'cells' in indexeddb 'w': disk gone; records committed before are kept; this batch was not written", true],
    ]);
  });

  it("an open connection steps aside when a newer schema opens the same database elsewhere", async () => {
    const name = freshName();
    const old = await openIdbStore(name, { schema: V1 });
    await old.put("cells", "a", 1);
    const next = await openIdbStore(name, { schema: V2 });
    const error = await old.get("cells", "a").then(() => "read", (e: Error) => e.message);
    expect({ error, a: await next.get("cells", "a") }).toEqual({
      error: `indexeddb '${name}' was closed because a newer version of it was opened elsewhere; reload`,
      a: { value: 1, wrapped: true },
    });
    await next.close();
  });
});
