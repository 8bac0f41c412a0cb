import { expect, test } from "vitest";
import { snapshotStore } from "../../src/store/index.ts";

test("a snapshot store serves its records as they are (no copies), keeps writes, and refuses use after close", async () => {
  const chunk = { calls: [1, 2, 3] };
  const store = snapshotStore({ callcache: [["c/1", chunk]] });
  expect(await store.get("callcache", "c/1")).toBe(chunk);
  expect(await store.getMany("callcache", ["c/1", "c/2"])).toEqual([chunk, undefined]);
  await store.putMany("callcache", [["c/2", { calls: [] }]]);
  expect(await store.keys("callcache")).toEqual(["c/1", "c/2"]);
  expect(await store.get("cells", "x")).toBeUndefined();
  await store.close();
  await expect(store.get("callcache", "c/1")).rejects.toThrow(/closed/);
});
