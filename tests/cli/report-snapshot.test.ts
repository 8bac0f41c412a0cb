import path from "node:path";
import { expect, test } from "vitest";
import { snapshotNotebook } from "../../src/cli/build-snapshot.ts";
import { readFileSync } from "node:fs";
import { readReportSnapshot, REPORT_FORMAT_VERSION, ReportSnapshotError, shareColumns } from "../../src/stdlib/index.ts";
import type { Json } from "../../src/store/index.ts";
import { golden } from "../notebook/golden.ts";

/** The snapshot of the golden notebook as `weft build` writes it, its build time fixed. */
async function goldenSnapshot(): Promise<string> {
  const { snapshot } = await snapshotNotebook(path.resolve("tests/fixtures/report/golden-notebook.md"), {
    name: "golden-notebook.md", cacheDir: null, yes: false, hideCode: false, timeoutMs: 30_000, providers: [{ name: "stub", baseURL: "http://127.0.0.1:9/v1", models: ["stub-mini"], defaultModel: "stub-mini" }],
  });
  return `${JSON.stringify({ ...snapshot, builtAt: "2026-01-01T00:00:00.000Z" }, null, 2)}\n`;
}

test("the snapshot format (version 2) is stable: pinned values as canonical JSON, compiled cells, modes, an input's driving, a build error, the providers without keys", async () => {
  const actual = await goldenSnapshot();
  expect(actual).toBe(golden("report-snapshot-v2.json", actual));
  const snapshot = readReportSnapshot(JSON.parse(actual));
  expect(snapshot.version).toBe(2);
  expect(snapshot.cells.map((c) => c.mode)).toEqual(["run", "pinned", "run", "run", "run", "pinned", "failed"]);
  expect(snapshot.cells.find((c) => c.source.includes("secretSauce"))!.hidden).toBe(true);
  expect(snapshot.cells.find((c) => c.source.includes("const broken"))!.reason).toMatch(/Cannot read properties of undefined/);
});

test("the reader refuses a newer version, another format and malformed cells, each saying what is wrong", async () => {
  const good = JSON.parse(await goldenSnapshot()) as Record<string, unknown>;
  expect(() => readReportSnapshot({ ...good, version: REPORT_FORMAT_VERSION + 1 })).toThrow(
    new ReportSnapshotError(`this report was built by a newer Weft (snapshot format version ${REPORT_FORMAT_VERSION + 1}; this reader knows up to ${REPORT_FORMAT_VERSION}): rebuild it with this version (weft build), or open it with the Weft that built it`),
  );
  expect(() => readReportSnapshot({ ...good, format: "observable" })).toThrow(/not a Weft report snapshot: format is "observable"/);
  expect(() => readReportSnapshot(null)).toThrow(/not a Weft report snapshot/);
  expect(() => readReportSnapshot({ ...good, version: "1" })).toThrow(/version "1" is not a version number/);
  const cells = good.cells as Record<string, unknown>[];
  expect(() => readReportSnapshot({ ...good, cells: [{ ...cells[0], mode: "magic" }] })).toThrow(/cell c1 has an unknown mode "magic"/);
  expect(() => readReportSnapshot({ ...good, cells: [{ ...cells[1], value: undefined }].map(({ value: _v, ...c }) => c) })).toThrow(/pinned cell c2 has no value/);
  expect(() => readReportSnapshot({ ...good, stores: [] })).toThrow(/"stores" must be an object/);
});

test("a version 1 snapshot (before shared columns) is still read", () => {
  const v1 = readReportSnapshot(JSON.parse(readFileSync("tests/golden/report-snapshot-v1.json", "utf8")));
  expect(v1.version).toBe(1);
  expect(v1.cells.map((c) => c.mode)).toEqual(["run", "pinned", "run", "run", "run", "pinned", "failed"]);
});

test("columns several records hold alike are written once and put back by the reader; a shared column naming no record is refused", async () => {
  const inputs: Json[] = Array.from({ length: 200 }, (_, i): Json => [{ id: `R${i}`, text: `row ${i}` }, {}]);
  const chunk = (op: string, output: Json[]) => ({ v: 3, op, inputs: structuredClone(inputs), output, key: ["k"] });
  const stores: Record<string, [string, Json][]> = {
    callcache: [
      ["m/a", { chunks: ["1"] }],
      ["k/a/1", chunk("a", ["x"])],
      ["k/b/1", chunk("b", ["y"])],
      ["k/c/1", chunk("c", ["z"])],
    ],
  };
  const before = structuredClone(stores);
  const shared = shareColumns(stores);
  expect(shared).toEqual([["callcache", "k/b/1", "inputs", "k/a/1"], ["callcache", "k/c/1", "inputs", "k/a/1"]]);
  expect((stores.callcache![2]![1] as Record<string, Json>).inputs).toBeNull();
  const good = JSON.parse(await goldenSnapshot()) as Record<string, unknown>;
  const text = JSON.stringify({ ...good, stores, sharedColumns: shared });
  expect(text.length).toBeLessThan(JSON.stringify({ ...good, stores: before }).length - 2 * JSON.stringify(inputs).length + 300);
  expect(readReportSnapshot(JSON.parse(text)).stores).toEqual(before);
  expect(() => readReportSnapshot({ ...JSON.parse(text), sharedColumns: [["callcache", "k/x/1", "inputs", "k/a/1"]] })).toThrow(/names record "k\/x\/1" of store "callcache", which it does not have/);
  expect(() => readReportSnapshot({ ...JSON.parse(text), sharedColumns: [["callcache", "k/b/1"]] })).toThrow(/a shared column must be \[store, key, column, fromKey\]/);
});
