import { expect, test } from "vitest";
import { openMemoryStore } from "../../src/store/index.ts";
import { ObjectStore } from "../../src/trace/index.ts";

test("objects are written once per digest, in one transaction, and read back", async () => {
  const store = await openMemoryStore();
  let batches = 0;
  const putMany = store.putMany.bind(store);
  store.putMany = async (...args) => (batches++, putMany(...args));
  const objects = new ObjectStore(store);
  objects.put("op", "v1", { name: "classify", source: "({text}) => text" });
  objects.put("op", "v1", { name: "ignored", source: "" });
  objects.put("dataset", "d1", { name: "t", rows: [{ a: 1 }] });
  await objects.flush();
  await objects.flush();
  expect(batches).toBe(1);
  expect(await store.keys("objects")).toEqual(["dataset/d1", "op/v1"]);
  expect(await objects.get("op", "v1")).toEqual({ name: "classify", source: "({text}) => text" });
});

test("an object given as a function is encoded when written or read, not when put; one that throws is reported, the others written", async () => {
  const store = await openMemoryStore();
  const reports: string[] = [];
  const objects = new ObjectStore(store, (m) => reports.push(m));
  let encoded = 0;
  objects.put("dataset", "d1", () => (encoded++, { name: "t", rows: [{ a: 1 }] }));
  objects.put("dataset", "d1", () => (encoded++, { name: "again", rows: [] }));
  objects.put("dataset", "bad", () => {
    throw new Error("not data");
  });
  expect(encoded).toBe(0);
  expect(await objects.get("dataset", "d1")).toEqual({ name: "t", rows: [{ a: 1 }] });
  await objects.flush();
  expect(encoded).toBe(2); // read once, written once; the second put was skipped
  expect(await store.keys("objects")).toEqual(["dataset/d1"]);
  expect(reports).toEqual(["object dataset/bad not saved: not data"]);
});
