// The control documents contract (rules, monitors, alerts, dataset versions): the same in
// memory, in the DuckDB file and on ClickHouse.
import { describe, expect, it } from "vitest";
import type { ControlStore } from "../../src/store/index.ts";

/** `open()` gives a new, empty control store. */
export function controlStoreContract(name: string, open: () => Promise<ControlStore & { close?(): Promise<void> }>): void {
  describe(`control documents: ${name}`, () => {
    it("puts, replaces, lists by kind in id order, and deletes", async () => {
      const s = await open();
      await s.changeDocs([{ kind: "rule", id: "b", value: { n: 1 } }, { kind: "rule", id: "a", value: { n: 2 } }, { kind: "alert", id: "a", value: [1, 2] }], 10);
      await s.changeDocs([{ kind: "rule", id: "b", value: { n: 3 } }], 20);
      expect((await s.docs("rule")).map((d) => [d.id, d.value, d.updatedAt])).toEqual([["a", { n: 2 }, 10], ["b", { n: 3 }, 20]]);
      expect((await s.doc("alert", "a"))?.value).toEqual([1, 2]);
      expect(await s.doc("alert", "zz")).toBeUndefined();
      await s.changeDocs([{ kind: "rule", id: "a", value: undefined }], 30);
      expect((await s.docs("rule")).map((d) => d.id)).toEqual(["b"]);
      expect(await s.doc("rule", "a")).toBeUndefined();
      await s.close?.();
    });

    it("applies the last change of an id in a batch", async () => {
      const s = await open();
      await s.changeDocs([{ kind: "k", id: "x", value: 1 }, { kind: "k", id: "x", value: 2 }, { kind: "k", id: "y", value: 1 }, { kind: "k", id: "y", value: undefined }], 1);
      expect((await s.docs("k")).map((d) => [d.id, d.value])).toEqual([["x", 2]]);
      await s.close?.();
    });

    it("puts a deleted document again, applies batches in call order, and keeps JSON and ids whole", async () => {
      const s = await open();
      const odd = "it's \"quoted\" \\ ünï 🦆";
      await s.changeDocs([{ kind: "k", id: odd, value: { text: odd, list: [1, null, true], n: -0.5 } }, { kind: "k", id: "gone", value: null }], 1);
      await s.changeDocs([{ kind: "k", id: "gone", value: undefined }], 2);
      await s.changeDocs([{ kind: "k", id: "gone", value: "back" }], 3);
      // Batches started at once land in order: the last one wins.
      await Promise.all(Array.from({ length: 10 }, (_, i) => s.changeDocs([{ kind: "k", id: "race", value: i }], 10 + i)));
      expect(await s.docs("k")).toEqual([
        { kind: "k", id: "gone", value: "back", updatedAt: 3 },
        { kind: "k", id: odd, value: { text: odd, list: [1, null, true], n: -0.5 }, updatedAt: 1 },
        { kind: "k", id: "race", value: 9, updatedAt: 19 },
      ]);
      // A large batch (a dataset version's rows) commits whole.
      await s.changeDocs(Array.from({ length: 2_500 }, (_, i) => ({ kind: "row", id: String(i).padStart(5, "0"), value: { i } })), 50);
      const rows = await s.docs("row");
      expect(rows).toHaveLength(2_500);
      expect(rows[2_499]).toEqual({ kind: "row", id: "02499", value: { i: 2_499 }, updatedAt: 50 });
      expect(await s.docs("nothing")).toEqual([]);
      await s.close?.();
    });
  });
}
