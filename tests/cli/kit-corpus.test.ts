import { deserialize } from "@observablehq/notebook-kit";
import { DuckDBInstance } from "@duckdb/node-api";
import { tableFromArrays, tableToIPC } from "@uwdata/flechette";
import JSZip from "jszip";
import { DOMParser } from "linkedom";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportKit, importKit } from "../../src/cli/kit.ts";
import { runNotebook, type CellReport, type RunReport } from "../../src/cli/run.ts";

// A corpus of Notebook Kit notebooks written for these tests (tests/fixtures/kit/): each is
// imported with `weft import`, run with `weft run` (0 errors, the values checked), and exported
// back to Kit with the same ids, modes and sources. The Arrow, Parquet, zip and PNG files are
// made here with libraries (flechette, DuckDB, JSZip), next to the CSV, TSV, JSON and text.

const corpus = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/kit");
const parser = new DOMParser() as unknown as globalThis.DOMParser;
// A 1×1 PNG, the smallest image a browser loads.
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

let dir: string;
const reports = new Map<string, RunReport>();

async function makeDataFiles(data: string): Promise<void> {
  await writeFile(path.join(data, "sales.arrow"), tableToIPC(tableFromArrays({ region: ["north", "south", "east"], units: [12, 7, 20] }), { format: "file" })!);
  const duck = await DuckDBInstance.create(":memory:");
  const db = await duck.connect();
  const quoted = (f: string) => `'${path.join(data, f).replaceAll("'", "''")}'`;
  await db.run(`COPY (SELECT * FROM read_csv(${quoted("sales.csv")}) ORDER BY units) TO ${quoted("sales.parquet")} (FORMAT parquet)`);
  db.closeSync();
  duck.closeSync();
  const zip = new JSZip();
  zip.file("inner/points.csv", "x,y\n1,2\n3,4\n");
  zip.file("readme.txt", "two files");
  await writeFile(path.join(data, "bundle.zip"), await zip.generateAsync({ type: "uint8array" }));
  await writeFile(path.join(data, "dot.png"), Buffer.from(PNG, "base64"));
}

/** Imports a corpus notebook as weft import does and runs it as weft run does. */
async function importAndRun(name: string): Promise<RunReport> {
  const md = path.join(dir, `${name}.md`);
  await importKit(path.join(dir, `${name}.html`), md);
  const report = await runNotebook(md, { timeoutMs: 20_000 });
  reports.set(name, report);
  return report;
}

/** The value a report gives for a declared name (a declaration cell's value is the object of its names). */
function valueOf(report: RunReport, name: string): unknown {
  const cell = report.cells.find((c) => c.names.includes(name));
  if (!cell) throw new Error(`no cell defines ${name}`);
  const value = cell.value as Record<string, unknown> | null;
  return cell.kind === "ojs" ? value : value?.[name];
}

const failures = (report: RunReport) => report.cells.filter((c) => c.error !== null || c.status !== "fulfilled").map((c: CellReport) => `${c.id} ${c.status}: ${c.error}`);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "weft-kit-corpus-"));
  await cp(corpus, dir, { recursive: true });
  await makeDataFiles(path.join(dir, "data"));
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the Kit corpus runs offline in weft run", () => {
  it("files.html: FileAttachment reads CSV (typed and not), TSV, JSON, text, blob, url, Arrow, Parquet, zip, image and arquero", async () => {
    const report = await importAndRun("files");
    expect(failures(report)).toEqual([]);
    expect(report.cells).toHaveLength(14);
    expect(valueOf(report, "sales")).toEqual([
      { region: "north", units: 12, price: 2.5 },
      { region: "south", units: 7, price: 3 },
      { region: "east", units: 20, price: 1.25 },
    ]);
    expect((valueOf(report, "salesText") as unknown[])[0]).toEqual({ region: "north", units: "12", price: "2.5" });
    expect(valueOf(report, "tsvRows")).toEqual([{ region: "west", units: 4 }, { region: "north", units: 9 }]);
    expect(valueOf(report, "meta")).toEqual({ source: "a survey written for the tests", year: 2026, tags: ["kit", "offline"] });
    expect([valueOf(report, "note"), valueOf(report, "noteBytes"), valueOf(report, "noteUrl")]).toEqual(["Offline files are read from disk.", 34, "data:text/plain;base64,"]);
    expect(valueOf(report, "arrowSummary")).toEqual({ rows: 3, regions: ["north", "south", "east"] });
    expect(report.cells.find((c) => c.id === "13")!.value).toEqual({ rows: 3, units: 39, regions: ["south", "north", "east"] });
    expect(valueOf(report, "zipped")).toEqual({ names: ["inner/points.csv", "readme.txt"], points: [{ x: 1, y: 2 }, { x: 3, y: 4 }] });
    expect(report.cells.find((c) => c.id === "15")!.value).toEqual({ tag: "img", alt: "a dot", src: "data:image/png;base64," });
    expect(valueOf(report, "salesSize")).toEqual([3, 3]);
    expect(report.cells.at(-1)!.text).toEqual(["The north sold 12 units."]);
  }, 60_000);

  it("ojs.html: viewof, mutable, generators with implicit yield, md and anonymous cells", async () => {
    const report = await importAndRun("ojs");
    expect(failures(report)).toEqual([]);
    // The title differs from the first heading: it is kept as a setting, and no cell is added.
    expect(report.cells.map((c) => c.kind)).toEqual(["md", ...Array(12).fill("ojs")]);
    expect(report.cells[1]!.names).toEqual(["viewof$size", "size"]);
    expect(report.cells[1]!.summary).toMatch(/^<form>/);
    expect(valueOf(report, "area")).toBe(16);
    expect(valueOf(report, "seed")).toBe(7);
    expect(valueOf(report, "squares")).toEqual([1, 4, 9, 16, 25, 36, 49]);
    expect(valueOf(report, "later")).toBe("green cheese+basil");
    // mutable total = 10, then a cell adds the area (16) through the function that assigns `mutable total`.
    expect(valueOf(report, "afterAdding")).toBe(26);
    expect(valueOf(report, "total")).toBe(26);
    expect(report.cells.at(-1)!.value).toEqual({ total: 26, doubled: 52 });
    expect(report.cells.find((c) => c.id === "14")!.text).toEqual(["A square of side 4 has area 16."]);
  }, 60_000);

  it("libraries.html: d3, htl, tex, Inputs, Mutable, Generators, now, width, DOM, require, sample datasets and Plot", async () => {
    const report = await importAndRun("libraries");
    expect(failures(report)).toEqual([]);
    expect(valueOf(report, "d3Checks")).toEqual({ sum: 10, percent: "12.3%", extent: [1, 9] });
    // Kit ids 1…22 in order are left implicit in the Markdown, so cells are found by position.
    expect(report.cells[2]!.value).toBe('<b class="badge">&lt;ok&gt;</b>');
    expect(valueOf(report, "texClasses")).toEqual(["katex", "katex-display"]);
    expect([valueOf(report, "pick"), valueOf(report, "choice"), valueOf(report, "boxes"), valueOf(report, "level"), valueOf(report, "name"), valueOf(report, "flag"), valueOf(report, "presses")]).toEqual(["b", "y", ["p", "r"], 30, "Ada", true, 0]);
    expect(valueOf(report, "letters")).toEqual(["E", "T", "A"]);
    expect((valueOf(report, "selected") as { letter: string }[]).map((d) => d.letter)).toEqual(["E", "T", "A"]);
    expect(valueOf(report, "counted")).toBe(10);
    expect(valueOf(report, "observed")).toBe("observed value");
    expect(valueOf(report, "clock")).toEqual({ isNumber: true, recent: true });
    expect(valueOf(report, "columns")).toBe(640);
    expect(valueOf(report, "domChecks")).toEqual({ text: "plain", tag: "section", uid: true, href: true, date: "2026-01-02T00:00:00.000Z" });
    expect(valueOf(report, "biggest")).toBe(9);
    expect(valueOf(report, "samples")).toEqual({ alphabet: 26, penguins: 344, species: ["Adelie", "Chinstrap", "Gentoo"], characters: 77 });
    expect(report.cells[20]!.text).toEqual(["Picked b, y, p and r at 30."]);
    expect(report.cells.at(-1)!.summary).toBe("<svg> chart 640×400");
  }, 60_000);
});

describe("the Kit corpus round-trips", () => {
  for (const name of ["files", "ojs", "libraries"]) {
    it(`${name}.html → weft → Kit keeps every id, mode, source and the title`, async () => {
      if (!reports.has(name)) await importAndRun(name);
      const back = path.join(dir, `${name}.back.html`);
      await exportKit(path.join(dir, `${name}.md`), back);
      const cellsOf = async (file: string) => {
        const kit = deserialize(await readFile(file, "utf8"), { parser });
        return { title: kit.title, cells: kit.cells.map((c) => ({ id: c.id, mode: c.mode, value: c.value, pinned: c.pinned })) };
      };
      const original = await cellsOf(path.join(dir, `${name}.html`));
      expect(original.cells.length).toBeGreaterThan(10);
      expect(await cellsOf(back)).toEqual(original);
    });
  }
});
