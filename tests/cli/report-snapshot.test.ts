import path from "node:path";
import { expect, test } from "vitest";
import { snapshotNotebook } from "../../src/cli/build-snapshot.ts";
import { readReportSnapshot, REPORT_FORMAT_VERSION, ReportSnapshotError } from "../../src/stdlib/index.ts";
import { golden } from "../notebook/golden.ts";

/** The snapshot of the golden notebook as `weft build` writes it, its build time fixed. */
async function goldenSnapshot(): Promise<string> {
  const { snapshot } = await snapshotNotebook(path.resolve("tests/fixtures/report/golden-notebook.md"), {
    name: "golden-notebook.md", cacheDir: null, yes: false, hideCode: false, timeoutMs: 30_000, providers: [{ name: "stub", baseURL: "http://127.0.0.1:9/v1", models: ["stub-mini"], defaultModel: "stub-mini" }],
  });
  return `${JSON.stringify({ ...snapshot, builtAt: "2026-01-01T00:00:00.000Z" }, null, 2)}\n`;
}

test("the snapshot format (version 1) is stable: pinned values as canonical JSON, compiled cells, modes, an input's driving, a build error, the providers without keys", async () => {
  const actual = await goldenSnapshot();
  expect(actual).toBe(golden("report-snapshot-v1.json", actual));
  const snapshot = readReportSnapshot(JSON.parse(actual));
  expect(snapshot.version).toBe(1);
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
