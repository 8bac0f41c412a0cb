// Stored dataset versions over control documents: a version writes only the rows it adds
// (content-addressed), commits to one dataset go one at a time (none lost when two race), the
// stored version digest is the eval Dataset's, and rule validation names the field.
import { describe, expect, it } from "vitest";
import { dataset } from "../../src/eval/index.ts";
import { datasetVersions, validateRule } from "../../src/prod/index.ts";
import { memoryControlStore, type ControlStore, type DocChange } from "../../src/store/index.ts";

/** A control store that records every change it is asked to make. */
function recording(): ControlStore & { changes: DocChange[] } {
  const inner = memoryControlStore();
  const changes: DocChange[] = [];
  return { changes, docs: (k) => inner.docs(k), doc: (k, id) => inner.doc(k, id), changeDocs: (c, now) => (changes.push(...c), inner.changeDocs(c, now)) };
}

describe("dataset versions", () => {
  it("a new version writes only its new rows; the version digest is the eval Dataset's", async () => {
    const control = recording();
    const v = datasetVersions(control, () => 1);
    await v.commit("d", { rows: [{ q: "a", source_call: "1" }, { q: "b", source_call: "2" }], message: "m1", author: "t", columns: null });
    control.changes.length = 0;
    const second = await v.commit("d", { rows: [{ q: "a", source_call: "1" }, { q: "c", source_call: "3" }], message: "m2", author: "t", columns: null });
    expect(control.changes.filter((c) => c.kind === "dataset-row:d")).toHaveLength(1);
    expect(second).toMatchObject({ added: 1, skipped: 1, version: { n: 2, count: 3 } });
    const expected = dataset("d", [{ q: "a", source_call: "1" }, { q: "b", source_call: "2" }, { q: "c", source_call: "3" }]);
    expect(second.version!.version).toBe(expected.version);
  });

  it("commits that race on one dataset go one at a time: no row is lost", async () => {
    const v = datasetVersions(memoryControlStore(), () => 1);
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => v.commit("race", { rows: [{ source_call: `c${i}` }], message: `m${i}`, author: "t", columns: null })));
    expect(results.map((r) => r.version?.n).sort()).toEqual([1, 2, 3, 4, 5]);
    expect((await v.rows("race")).total).toBe(5);
  });

  it("rule validation names the field at fault", () => {
    const good = { name: "r", dataset: "d", columns: { q: "inputs" } };
    expect(validateRule(good, 0)).toEqual({ ...good, filter: {}, sample: 1, dedupeKey: "source_call" });
    expect(() => validateRule({ ...good, filter: { since: "soon" } }, 0)).toThrow(/^filter\.since: /);
    expect(() => validateRule({ ...good, columns: { source_call: "id" } }, 0)).toThrow(/^columns\.source_call: source_call is kept/);
    expect(() => validateRule({ ...good, sample: 0 }, 0)).toThrow(/^sample: /);
    expect(() => validateRule("r", 0)).toThrow(/^rule: expected an object/);
  });
});
