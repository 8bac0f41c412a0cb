// The editor's download controls, in real Chromium: a table's "⤓ export" menu and the
// drill-down list's each produce a Blob (caught at URL.createObjectURL, with the anchor's click
// stopped) that parses back: Parquet with hyparquet, CSV with arquero, JSON Lines line by line.
import * as aq from "arquero";
import { parquetReadObjects } from "hyparquet";
import { afterEach, expect, it, vi } from "vitest";
import { memoryCallSource, type Call } from "../../src/base/index.ts";
import { initialState } from "../../src/runtime/cell-state.ts";
import { renderOutput } from "../../src/ui/cell-output.ts";
import { NO_CALLS } from "../../src/ui/session.ts";
import "../../src/ui/drill-panel.ts";
import type { WeftDrillPanel } from "../../src/ui/drill-panel.ts";

/** Catches the next download: the Blob given to createObjectURL and the anchor's file name, without navigating. */
function catchDownload(): Promise<{ blob: Blob; name: string }> {
  let blob: Blob | null = null;
  return new Promise((resolve) => {
    vi.spyOn(URL, "createObjectURL").mockImplementation((b) => {
      blob = b as Blob;
      return "blob:weft-test";
    });
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      resolve({ blob: blob!, name: this.download });
    });
  });
}

afterEach(() => {
  vi.restoreAllMocks();
  document.body.replaceChildren();
});

const table = aq.table({ id: [1, 2, 3], text: ["a, b", 'say "hi"\nbye', "ünï 😀"], meta: [{ k: 1 }, null, [1, 2]] });

function renderTableCell(): HTMLElement {
  const container = document.createElement("div");
  document.body.replaceChildren(container);
  const state = { ...initialState(["results"], false), status: "fulfilled" as const, exports: { results: table }, runs: 1 };
  renderOutput(container, state, false, NO_CALLS);
  return container;
}

it("a table's export menu downloads all its rows as Parquet, CSV and JSON Lines, named after the cell", async () => {
  const container = renderTableCell();
  const summary = container.querySelector<HTMLElement>('summary[aria-label="export table"]')!;
  expect(summary.textContent).toBe("⤓ export");
  summary.click();
  const button = (label: string) => container.querySelector<HTMLButtonElement>(`button[aria-label="download table as ${label}"]`)!;

  let download = catchDownload();
  button("Parquet").click();
  const parquet = await download;
  expect([parquet.name, parquet.blob.type]).toEqual(["results.parquet", "application/vnd.apache.parquet"]);
  expect(await parquetReadObjects({ file: await parquet.blob.arrayBuffer() })).toEqual([
    { id: 1, text: "a, b", meta: '{"k":1}' },
    { id: 2, text: 'say "hi"\nbye', meta: null },
    { id: 3, text: "ünï 😀", meta: "[1,2]" },
  ]);

  vi.restoreAllMocks();
  download = catchDownload();
  button("CSV").click();
  const csv = await download;
  expect(csv.name).toBe("results.csv");
  expect(aq.fromCSV(await csv.blob.text(), { autoType: false }).objects()).toEqual([
    { id: "1", text: "a, b", meta: '{"k":1}' },
    { id: "2", text: 'say "hi"\nbye', meta: null },
    { id: "3", text: "ünï 😀", meta: "[1,2]" },
  ]);

  vi.restoreAllMocks();
  download = catchDownload();
  button("JSON Lines").click();
  const jsonl = await download;
  expect(jsonl.name).toBe("results.jsonl");
  expect((await jsonl.blob.text()).trim().split("\n").map((l) => JSON.parse(l) as unknown)).toEqual(table.objects());
  // The menu closes once the download started.
  expect(container.querySelector<HTMLDetailsElement>("details.weft-export")!.open).toBe(false);
});

it("the drill-down list's export downloads the calls listed, searched and sorted as shown", async () => {
  const call = (i: number): Call => ({ id: `c-${i}`, traceId: `t-${i}`, parentId: null, op: "ticket:v1", inputs: { text: `question ${i}` }, output: `answer ${["one", "two", "three"][i - 1]}`, error: null, startedAt: Date.UTC(2025, 0, 1) + i * 1000, endedAt: Date.UTC(2025, 0, 1) + i * 1000 + 10 * i, attributes: {}, usage: {}, cost: null });
  const calls = [1, 2, 3].map(call);
  const panel = document.createElement("weft-drill-panel") as WeftDrillPanel;
  document.body.replaceChildren(panel);
  panel.detail = { title: "tickets", refs: calls.map((c) => c.id), source: memoryCallSource(calls) };
  await panel.updateComplete;
  panel.sort = { key: "latency_ms", descending: true };
  await panel.updateComplete;
  panel.querySelector<HTMLElement>('summary[aria-label="export calls"]')!.click();

  const download = catchDownload();
  panel.querySelector<HTMLButtonElement>('button[aria-label="download calls as CSV"]')!.click();
  const csv = await download;
  expect(csv.name).toBe("calls.csv");
  const rows = aq.fromCSV(await csv.blob.text(), { autoType: false }).objects() as Record<string, unknown>[];
  expect(rows.map((r) => [r.call, r.op, r.output, r.latency_ms])).toEqual([["c-3", "ticket:v1", "answer three", "30"], ["c-2", "ticket:v1", "answer two", "20"], ["c-1", "ticket:v1", "answer one", "10"]]);

  // A search narrows what is exported, as it narrows the list.
  panel.query = "two";
  await panel.updateComplete;
  const narrowed = catchDownload();
  panel.querySelector<HTMLButtonElement>('button[aria-label="download calls as JSON Lines"]')!.click();
  const jsonl = await narrowed;
  expect((await jsonl.blob.text()).trim().split("\n").map((l) => (JSON.parse(l) as { call: string }).call)).toEqual(["c-2"]);
});

it("an export that fails says so in the menu, and downloads nothing", async () => {
  const container = document.createElement("div");
  document.body.replaceChildren(container);
  const empty = aq.table({});
  const state = { ...initialState([], true), status: "fulfilled" as const, value: empty, runs: 1 };
  renderOutput(container, state, false, NO_CALLS);
  const created = vi.spyOn(URL, "createObjectURL");
  container.querySelector<HTMLButtonElement>('button[aria-label="download table as Parquet"]')!.click();
  await vi.waitFor(() => expect(container.querySelector(".weft-export-error")!.textContent).toBe("export failed: a table without columns cannot be written as Parquet"));
  expect(created).not.toHaveBeenCalled();
});

it("exportData in the browser downloads the file through the document it is given", async () => {
  const { createExportData, downloadBytes } = await import("../../src/stdlib/index.ts");
  const exportData = createExportData(async (name, bytes, type) => downloadBytes(document, name, bytes, type));
  const download = catchDownload();
  const result = await exportData(table, "out/results.jsonl");
  const file = await download;
  expect(result).toEqual({ path: "results.jsonl", bytes: file.blob.size, rows: 3 });
  expect([file.name, file.blob.type]).toEqual(["results.jsonl", "application/x-ndjson"]);
  expect(document.querySelector("a[download]")).toBeNull();
  await expect(exportData(table, "../up.csv")).rejects.toThrow(`exportData("../up.csv"): the path leaves the notebook's folder; exportData writes files only in the notebook's folder`);
});
