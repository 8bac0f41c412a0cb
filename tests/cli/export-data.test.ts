// Data export from notebooks and the command line (issue 11, "Data export"): the exportData
// builtin in `weft run` (files under the notebook's folder, nothing outside it), `weft
// export-data --cell NAME` (a table, a vary result, rows) and `weft calls --format`. Every
// file is read back with DuckDB; every refusal asserts its message.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { runNotebook } from "../../src/cli/run.ts";
import { openDuckDbTraceStore } from "../../src/store/node.ts";
import { duckDbReader } from "../fixtures/duckdb-reader.ts";

const bin = path.resolve("bin/weft.js");
const reader = duckDbReader("weft-export-data-");
const { query } = reader;

const js = (source: string) => "```js\n" + source + "\n```\n\n";

/** A notebook with a table, a vary result, rows, and a number; `extra` cells go last. */
function notebook(extra = ""): string {
  return (
    "# Export\n\n" +
    js('const results = aq.table({id: [1, 2, 3], text: ["a, b", "say \\"hi\\"\\nbye", "ünï 😀"], meta: [{k: 1}, null, [1, 2]], ok: [true, false, null]})') +
    js("const double = op(\"double\", ({x}) => x * 2)") +
    js("const xs = [{x: 1}, {x: 2}, {x: 3}]") +
    "```vary\nname: doubled\ndata: xs\nops: [double]\n```\n\n" +
    js("const rows = [{a: 1, b: \"x\"}, {a: 2, b: null}]") +
    js("const n = 42") +
    extra
  );
}

function weft(args: string[], cwd = reader.dir): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, timeout: 120_000, encoding: "buffer", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout: stdout.toString("utf8"), stderr: stderr.toString("utf8") });
    });
  });
}

describe("exportData in weft run", () => {
  test("writes under the notebook's folder and returns {path, bytes, rows}; the format comes from the extension or {format}", async () => {
    const folder = path.join(reader.dir, "builtin");
    await mkdir(folder);
    const file = path.join(folder, "nb.md");
    await writeFile(file, notebook(js('const saved = await exportData(results, "out/results.parquet")') + js('const lines = await exportData(rows, "rows.data", {format: "jsonl"})') + js('const fromVary = await exportData(doubled, "doubled.csv")')));
    const report = await runNotebook(file, { timeoutMs: 30_000 });
    expect(report.cells.filter((c) => c.error)).toEqual([]);
    const value = (name: string) => report.cells.find((c) => c.names.includes(name))!.value as Record<string, Record<string, unknown>>;
    const parquet = path.join(folder, "out/results.parquet");
    expect(value("saved").saved).toEqual({ path: "out/results.parquet", bytes: (await readFile(parquet)).byteLength, rows: 3 });
    expect(await query(`SELECT id, text, meta, ok FROM read_parquet('${parquet}')`)).toEqual([
      { id: 1, text: "a, b", meta: '{"k":1}', ok: true },
      { id: 2, text: 'say "hi"\nbye', meta: null, ok: false },
      { id: 3, text: "ünï 😀", meta: "[1,2]", ok: null },
    ]);
    expect(value("lines").lines).toMatchObject({ path: "rows.data", rows: 2 });
    expect(await readFile(path.join(folder, "rows.data"), "utf8")).toBe('{"a":1,"b":"x"}\n{"a":2,"b":null}\n');
    expect(value("fromVary").fromVary).toMatchObject({ path: "doubled.csv", rows: 3 });
    expect(await query(`SELECT op, x, output FROM read_csv_auto('${path.join(folder, "doubled.csv")}') ORDER BY x`)).toEqual([
      { op: "double", x: "1", output: "2" },
      { op: "double", x: "2", output: "4" },
      { op: "double", x: "3", output: "6" },
    ]);
  }, 60_000);

  test("refuses paths out of the folder (.., absolute, through a symlink), unknown formats and values that are not tables, each saying why", async () => {
    const folder = path.join(reader.dir, "refusals");
    const outside = path.join(reader.dir, "outside");
    await mkdir(folder);
    await mkdir(outside);
    await symlink(outside, path.join(folder, "link"));
    const file = path.join(folder, "nb.md");
    const bad = ['exportData(results, "../escape.csv")', 'exportData(results, "/tmp/abs.csv")', 'exportData(results, "link/x.csv")', 'exportData(results, "x.xlsx")', 'exportData(results, "x.csv", {format: "xml"})', 'exportData(n, "n.csv")', 'exportData([1, 2], "n.csv")'];
    await writeFile(file, notebook(bad.map(js).join("")));
    const report = await runNotebook(file, { timeoutMs: 30_000 });
    const errors = report.cells.slice(-bad.length).map((c) => c.error?.replace(/ \(\d+:\d+\)$/, ""));
    expect(errors).toEqual([
      `exportData("../escape.csv"): the path leaves the notebook's folder; exportData writes files only in the notebook's folder`,
      `exportData("/tmp/abs.csv"): absolute paths are refused; exportData writes files only in the notebook's folder`,
      `exportData("link/x.csv"): path leaves the notebooks folder through a symlink: link/x.csv`,
      `exportData("x.xlsx"): cannot tell the format of "x.xlsx" from its extension: name a .csv, .jsonl or .parquet file, or give the format (csv, jsonl or parquet)`,
      `exportData("x.csv"): unknown format "xml": use csv, jsonl or parquet`,
      `exportData("n.csv"): a number is not a table: export an arquero table, a vary or evaluate result (or its .table()), calls(…), a dataset, or an array of row objects`,
      `exportData("n.csv"): row 0 is a number, not an object: an array exports as rows of objects, one key per column`,
    ]);
    expect(existsSync(path.join(reader.dir, "escape.csv")) || existsSync("/tmp/abs.csv") || existsSync(path.join(outside, "x.csv"))).toBe(false);
  }, 60_000);
});

describe("weft export-data", () => {
  test("writes a table, a vary result and rows as Parquet, CSV and JSON Lines; the format from --format or --out", async () => {
    await writeFile(path.join(reader.dir, "nb.md"), notebook());
    const parquet = await weft(["export-data", "nb.md", "--cell", "results", "--format", "parquet", "--no-cache"]);
    expect([parquet.code, parquet.stderr]).toEqual([0, ""]);
    expect(parquet.stdout).toBe("weft: wrote 3 rows × 4 columns of results to results.parquet (parquet, " + (await readFile(path.join(reader.dir, "results.parquet"))).byteLength + " bytes)\n");
    const types = await query(`SELECT column_name AS name, column_type AS type FROM (DESCRIBE SELECT * FROM read_parquet('${path.join(reader.dir, "results.parquet")}'))`);
    expect(types).toEqual([{ name: "id", type: "INTEGER" }, { name: "text", type: "VARCHAR" }, { name: "meta", type: "VARCHAR" }, { name: "ok", type: "BOOLEAN" }]);

    const vary = await weft(["export-data", "nb.md", "--cell", "doubled", "--out", "out/doubled.csv", "--no-cache"]);
    expect(vary.code).toBe(0);
    expect(await query(`SELECT op, output FROM read_csv_auto('${path.join(reader.dir, "out/doubled.csv")}') ORDER BY output`)).toEqual([{ op: "double", output: "2" }, { op: "double", output: "4" }, { op: "double", output: "6" }]);

    const rows = await weft(["export-data", "nb.md", "--cell", "rows", "--format", "jsonl", "--out", "rows.txt", "--no-cache"]);
    expect(rows.code).toBe(0);
    expect(await query(`SELECT a::INTEGER AS a, b FROM read_json_auto('${path.join(reader.dir, "rows.txt")}', format = 'newline_delimited')`)).toEqual([{ a: 1, b: "x" }, { a: 2, b: null }]);
  }, 180_000);

  test("an unknown cell lists the names there are; a value that is not a table and an unknown format are refused", async () => {
    await writeFile(path.join(reader.dir, "nb2.md"), notebook());
    const unknown = await weft(["export-data", "nb2.md", "--cell", "nope", "--format", "csv", "--no-cache"]);
    expect([unknown.code, unknown.stderr]).toEqual([2, 'weft: no cell defines "nope"; the notebook\'s cells define: results, double, xs, doubled, rows, n\n']);
    const number = await weft(["export-data", "nb2.md", "--cell", "n", "--format", "csv", "--no-cache"]);
    expect([number.code, number.stderr]).toEqual([2, "weft: cell n: a number is not a table: export an arquero table, a vary or evaluate result (or its .table()), calls(…), a dataset, or an array of row objects\n"]);
    const format = await weft(["export-data", "nb2.md", "--cell", "results", "--format", "xlsx"]);
    expect([format.code, format.stderr]).toEqual([2, 'weft: unknown format "xlsx": use csv, jsonl or parquet\n']);
    const none = await weft(["export-data", "nb2.md", "--cell", "results"]);
    expect([none.code, none.stderr]).toEqual([2, "weft: give --format csv|jsonl|parquet, or an --out file ending in .csv, .jsonl or .parquet\n"]);
    expect(existsSync(path.join(reader.dir, "nope.csv")) || existsSync(path.join(reader.dir, "n.csv"))).toBe(false);
  }, 180_000);
});

describe("weft calls --format", () => {
  test("writes the calls as CSV, JSON Lines (to standard output) and Parquet, one row per call as calls().table()", async () => {
    const store = path.join(reader.dir, "traces.duckdb");
    const now = Date.UTC(2025, 0, 2, 3, 4, 5);
    const seed = await openDuckDbTraceStore(store, { prices: DEFAULT_PRICES });
    await seed.write(
      [0, 1, 2].map((i) => ({ id: `c-${i}`, traceId: `t-${i}`, parentId: null, op: "ticket:v1", startedAt: now + i, endedAt: now + i + 10, inputs: { question: `q${i}, "quoted"` }, output: { content: `a${i}\nline` }, error: null, attributes: {} })),
    );
    await seed.close();
    const csv = await weft(["calls", "--store", store, "--format", "csv", "--out", "calls.csv"]);
    expect([csv.code, csv.stdout]).toEqual([0, `weft: wrote 3 calls to calls.csv (csv, ${(await readFile(path.join(reader.dir, "calls.csv"))).byteLength} bytes)\n`]);
    const rows = await query(`SELECT "call", op, inputs, output, epoch_ms(started_at) AS started, latency_ms FROM read_csv_auto('${path.join(reader.dir, "calls.csv")}') ORDER BY "call"`);
    expect(rows).toEqual([0, 1, 2].map((i) => ({ call: `c-${i}`, op: "ticket", inputs: JSON.stringify({ question: `q${i}, "quoted"` }), output: JSON.stringify({ content: `a${i}\nline` }), started: String(now + i), latency_ms: "10" })));

    const jsonl = await weft(["calls", "--store", store, "--format", "jsonl"]);
    expect(jsonl.code).toBe(0);
    const lines = jsonl.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.call, l.inputs, l.started_at])).toEqual([2, 1, 0].map((i) => [`c-${i}`, { question: `q${i}, "quoted"` }, new Date(now + i).toISOString()]));

    const parquet = await weft(["calls", "--store", store, "--out", "calls.parquet", "--limit", "2"]);
    expect(parquet.stdout).toMatch(/^weft: wrote 2 calls to calls.parquet \(parquet, \d+ bytes\); the newest 2, --limit N for more\n$/);
    expect(await query(`SELECT "call", latency_ms FROM read_parquet('${path.join(reader.dir, "calls.parquet")}') ORDER BY "call"`)).toEqual([{ call: "c-1", latency_ms: 10 }, { call: "c-2", latency_ms: 10 }]);

    const both = await weft(["calls", "--store", store, "--format", "csv", "--json"]);
    expect([both.code, both.stderr]).toEqual([2, "weft: --json prints calls as JSON Lines; --format writes them as data: give one of them\n"]);
  }, 180_000);
});
