// Tables as CSV, JSON Lines and Parquet files, read back by an independent reader: DuckDB's
// read_csv_auto, read_json_auto and read_parquet on real files. Types, nulls, nested values as
// JSON text, CSV quoting of commas, quotes and line breaks, and unicode survive the trip.
import * as aq from "arquero";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { dataFormat, encodeData, exportableData, type DataFormat, type DataRows } from "../../src/base/index.ts";
import { dataset } from "../../src/eval/index.ts";
import { duckDbReader } from "../fixtures/duckdb-reader.ts";

const reader = duckDbReader("weft-data-export-");
const { query } = reader;

const awkward = ['comma, inside', 'say "hi"', "two\nlines", "crlf\r\nend", "ünïcødé 😀 中文", ""];
const at = [new Date("2024-03-01T12:34:56.789Z"), null, new Date(0), new Date("2030-01-02T03:04:05Z"), new Date(Number.NaN), new Date("1999-12-31T23:59:59.001Z")];

/** Six rows of every kind of value, with a null in each column. */
function fixture(): aq.ColumnTable {
  return aq.table({
    id: [1, 2, 3, 4, 5, -6],
    score: [0.5, null, 1, 0.25, Number.NaN, 2.75],
    big: [2 ** 40, 1, null, -(2 ** 35), 7, 0],
    ok: [true, false, null, true, false, true],
    text: awkward,
    meta: [{ model: "m", tags: ["a", "b"] }, [1, 2, 3], null, { nested: { deep: true } }, "plain", { quote: 'a "q", b' }],
    at,
    nothing: [null, null, undefined, null, null, null],
  });
}

/** Writes a table in a format to a file in the temp folder, returning its path. */
async function written(data: DataRows, format: DataFormat, name = `fixture.${format}`): Promise<string> {
  const { bytes } = await encodeData(data, format);
  const file = path.join(reader.dir, name);
  await writeFile(file, bytes);
  return file;
}

async function types(from: string): Promise<Record<string, string>> {
  const rows = await query(`DESCRIBE SELECT * FROM ${from}`);
  return Object.fromEntries(rows.map((r) => [r.column_name as string, r.column_type as string]));
}

const iso = (d: Date | null) => (d && !Number.isNaN(d.getTime()) ? d.toISOString() : null);
const jsonOf = (v: unknown) => (v === null ? null : typeof v === "string" ? v : JSON.stringify(v));

describe("Parquet, read back with DuckDB's read_parquet", () => {
  test("columns keep their types: integers, doubles, int64, booleans, strings, timestamps; nested values are JSON text", async () => {
    const file = await written(fixture(), "parquet");
    const from = `read_parquet('${file}')`;
    expect(await types(from)).toEqual({ id: "INTEGER", score: "DOUBLE", big: "BIGINT", ok: "BOOLEAN", text: "VARCHAR", meta: "VARCHAR", at: "TIMESTAMP", nothing: "VARCHAR" });
    const rows = await query(`SELECT id, score, big::VARCHAR AS big, ok, text, meta, epoch_ms("at") AS at_ms, nothing FROM ${from}`);
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, -6]);
    expect(rows.map((r) => r.score)).toEqual([0.5, null, 1, 0.25, "NaN", 2.75]);
    expect(rows.map((r) => r.big)).toEqual([String(2 ** 40), "1", null, String(-(2 ** 35)), "7", "0"]);
    expect(rows.map((r) => r.ok)).toEqual([true, false, null, true, false, true]);
    expect(rows.map((r) => r.text)).toEqual(awkward);
    expect(rows.map((r) => r.meta)).toEqual(fixture().array("meta") ? Array.from(fixture().array("meta")!, jsonOf) : []);
    expect(JSON.parse(rows[0]!.meta as string)).toEqual({ model: "m", tags: ["a", "b"] });
    expect(rows.map((r) => (r.at_ms === null ? null : new Date(Number(r.at_ms)).toISOString()))).toEqual(at.map(iso));
    expect(rows.map((r) => r.nothing)).toEqual([null, null, null, null, null, null]);
  });

  test("a column of mixed kinds is text; an empty table keeps its columns", async () => {
    const mixed = await written([{ v: 1 }, { v: "two" }, { v: true }, { v: null }], "parquet", "mixed.parquet");
    expect(await query(`SELECT v FROM read_parquet('${mixed}')`)).toEqual([{ v: "1" }, { v: "two" }, { v: "true" }, { v: null }]);
    const empty = await written(fixture().filter(() => false), "parquet", "empty.parquet");
    expect(await query(`SELECT count(*)::INTEGER AS n FROM read_parquet('${empty}')`)).toEqual([{ n: 0 }]);
    expect(Object.keys(await types(`read_parquet('${empty}')`))).toEqual(["id", "score", "big", "ok", "text", "meta", "at", "nothing"]);
  });
});

describe("CSV, read back with DuckDB's read_csv_auto", () => {
  test("commas, quotes and line breaks are quoted; unicode, numbers, booleans and nulls survive; nested values are JSON text; dates ISO 8601", async () => {
    const file = await written(fixture(), "csv");
    const from = `read_csv_auto('${file}', header = true)`;
    const t = await types(from);
    expect([t.id, t.score, t.ok, t.text, t.meta]).toEqual(["BIGINT", "DOUBLE", "BOOLEAN", "VARCHAR", "VARCHAR"]);
    expect(t.at).toMatch(/^TIMESTAMP/);
    const rows = await query(`SELECT id, score::VARCHAR AS score, big, ok, text, meta, epoch_ms("at") AS at_ms, nothing FROM ${from}`);
    expect(rows.map((r) => r.id)).toEqual(["1", "2", "3", "4", "5", "-6"]);
    expect(rows.map((r) => r.score)).toEqual(["0.5", null, "1.0", "0.25", "nan", "2.75"]);
    expect(rows.map((r) => r.ok)).toEqual([true, false, null, true, false, true]);
    // An empty string and a null are both an empty field in CSV.
    expect(rows.map((r) => r.text)).toEqual([...awkward.slice(0, 5), null]);
    expect(rows.map((r) => r.meta)).toEqual(Array.from(fixture().array("meta")!, jsonOf));
    expect(rows.map((r) => (r.at_ms === null ? null : new Date(Number(r.at_ms)).toISOString()))).toEqual(at.map(iso));
    expect(rows.map((r) => r.nothing)).toEqual([null, null, null, null, null, null]);
  });

  test("the header is quoted like any field; a table's filter and order apply", async () => {
    const table = aq.table({ "a,b": [3, 1, 2], 'say "x"': ["c", "a", "b"] }).filter((d: { "a,b": number }) => d["a,b"] > 1).orderby("a,b");
    const { bytes, rows } = await encodeData(table, "csv");
    expect(rows).toBe(2);
    expect(new TextDecoder().decode(bytes)).toBe('"a,b","say ""x"""\n2,b\n3,c\n');
  });
});

describe("JSON Lines, read back with DuckDB's read_json_auto", () => {
  test("one object per row; nested values stay nested; dates ISO 8601; nulls kept", async () => {
    const file = await written(fixture(), "jsonl");
    const from = `read_json_auto('${file}', format = 'newline_delimited')`;
    const t = await types(from);
    expect([t.id, t.big, t.ok, t.text]).toEqual([expect.stringMatching(/INT$/), expect.stringMatching(/INT$/), "BOOLEAN", "VARCHAR"]);
    const rows = await query(`SELECT id, big, ok, text, epoch_ms("at"::TIMESTAMPTZ) AS at_ms FROM ${from}`);
    expect(rows.map((r) => r.id)).toEqual(["1", "2", "3", "4", "5", "-6"]);
    expect(rows.map((r) => r.ok)).toEqual([true, false, null, true, false, true]);
    expect(rows.map((r) => r.text)).toEqual(awkward);
    expect(rows.map((r) => (r.at_ms === null ? null : new Date(Number(r.at_ms)).toISOString()))).toEqual(at.map(iso));
    const meta = await query(`SELECT json_extract(json, '$.meta')::VARCHAR AS meta, json_extract(json, '$.score')::VARCHAR AS score FROM read_ndjson_objects('${file}')`);
    expect(meta.map((r) => (r.meta === "null" ? null : JSON.parse(r.meta as string)))).toEqual(Array.from(fixture().array("meta")!));
    // NaN is not JSON: it is null.
    expect(meta.map((r) => r.score)).toEqual(["0.5", "null", "1", "0.25", "null", "2.75"]);
  });

  test("rows of objects: columns are the union of their keys, in order of appearance, null where a row has none", async () => {
    const { bytes, columns, rows } = await encodeData([{ a: 1 }, { b: "x", a: 2 }, { c: [1] }], "jsonl");
    expect([columns, rows]).toEqual([["a", "b", "c"], 3]);
    expect(new TextDecoder().decode(bytes)).toBe('{"a":1,"b":null,"c":null}\n{"a":2,"b":"x","c":null}\n{"a":null,"b":null,"c":[1]}\n');
  });
});

describe("what exports, and bad input", () => {
  test("a dataset and anything with .table() export through it; a table and an array as they are", async () => {
    const rows = [{ text: "hi", label: "a" }];
    expect(((await exportableData(dataset("d", rows))) as aq.ColumnTable).objects()).toEqual(rows);
    const table = aq.table({ x: [1] });
    expect(await exportableData({ table: async () => table })).toBe(table);
    expect(await exportableData(rows)).toBe(rows);
  });

  test("a value that is not a table, rows that are not objects, and unknown formats are refused with what is accepted", async () => {
    await expect(exportableData(42)).rejects.toThrow("a number is not a table: export an arquero table, a vary or evaluate result (or its .table()), calls(…), a dataset, or an array of row objects");
    await expect(exportableData(new Map())).rejects.toThrow(/^an instance of Map is not a table/);
    await expect(exportableData({ table: () => "no" })).rejects.toThrow(/^an object is not a table/);
    await expect(encodeData([{ a: 1 }, 2], "csv")).rejects.toThrow("row 1 is a number, not an object: an array exports as rows of objects, one key per column");
    expect(() => dataFormat("results.xlsx")).toThrow('cannot tell the format of "results.xlsx" from its extension: name a .csv, .jsonl or .parquet file, or give the format (csv, jsonl or parquet)');
    expect(() => dataFormat("results.csv", "xml")).toThrow('unknown format "xml": use csv, jsonl or parquet');
    expect([dataFormat("a/b.CSV"), dataFormat("x.ndjson"), dataFormat("x.bin", "Parquet"), dataFormat(undefined, "jsonl")]).toEqual(["csv", "jsonl", "parquet", "jsonl"]);
  });
});
