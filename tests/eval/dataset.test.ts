import { describe, expect, test } from "vitest";
import * as aq from "arquero";
import { dataset, parseDataset, parseJsonl, requireColumns } from "../../src/eval/index.ts";
import { createTracing } from "../../src/trace/index.ts";
import { buildLeaves } from "../../src/trace/leaves.ts";

describe("datasets", () => {
  test("a vary over a dataset reuses its rows' encoding and has the same leaf keys as over the plain rows", () => {
    const { op } = createTracing();
    const subject = op("subject", (row: unknown) => row);
    const rows = [{ q: "a", when: new Date(0), tags: new Set(["x"]) }, { $: "dollar", n: -0, big: 10n }, { "2": "two", "10": "ten" }];
    const ds = dataset("t", rows);
    expect(ds.rowJson).toHaveLength(3);
    const keys = (data: typeof rows | typeof ds) => buildLeaves({ data, ops: { subject }, params: { t: [0, 1] }, trials: 2 }).leaves.map((l) => l.key);
    expect(keys(ds)).toEqual(keys(rows));
    expect(keys(ds).every((k) => typeof k === "string")).toBe(true);
  });

  test("adding rows makes a new version and keeps the digests of unchanged rows", () => {
    const v1 = dataset("t", [{ q: "a" }, { q: "b" }]);
    const v2 = v1.add([{ q: "c" }]);
    expect(v2.version).not.toBe(v1.version);
    expect(v2.digests.slice(0, 2)).toEqual(v1.digests);
    expect(dataset("t", [{ q: "a" }, { q: "b" }]).version).toBe(v1.version);
    expect(v2.columns()).toEqual(["q"]);
  });

  test("an arquero table or a file of any supported format gives the same rows", () => {
    const rows = [{ id: 1, text: "x" }, { id: 2, text: "y" }];
    const expected = dataset("t", rows).digests;
    expect(dataset("t", aq.from(rows)).digests).toEqual(expected);
    expect(parseDataset("t.jsonl", rows.map((r) => JSON.stringify(r)).join("\n") + "\n\n").digests).toEqual(expected);
    expect(parseDataset("t.json", JSON.stringify(rows)).digests).toEqual(expected);
    expect(parseDataset("t.csv", "id,text\n1,x\n2,y\n").digests).toEqual(expected);
  });

  test("a malformed JSONL line is an error naming the line", () => {
    expect(() => parseJsonl("t.jsonl", '{"a": 1}\n\n{"a": 2,}\n')).toThrow(/^dataset t\.jsonl: line 3 is not valid JSON: /);
    expect(() => parseJsonl("t.jsonl", '{"a": 1}\n[1, 2]\n')).toThrow("dataset t.jsonl: line 2 is not a JSON object");
    expect(() => parseDataset("t.xlsx", "")).toThrow("dataset t.xlsx: unknown format; use .jsonl, .json or .csv");
  });

  test("a row without a column a scorer needs is an error naming its line and the column", () => {
    const ds = parseJsonl("t.jsonl", '{"text": "a", "label": "x"}\n{"text": "b"}\n');
    expect(() => requireColumns(ds, ["label"], "scorer exact_match")).toThrow("dataset t.jsonl: line 2 has no column 'label' (needed by scorer exact_match)");
  });
});
