import * as aq from "arquero";
import { isTable, type TableLike } from "./canonical.ts";

// Tables as files: CSV, JSON Lines and Parquet, the same bytes in the browser and in Node.
// Every kind of value has one rule per format: strings, numbers and booleans keep their type;
// Dates are timestamps (ISO 8601 text in CSV and JSON Lines); nested values (objects, arrays)
// are JSON text in CSV and in Parquet string columns, and stay nested in JSON Lines; null and
// undefined are null (an empty CSV field). A Parquet column whose values are of mixed kinds
// is a string column, each value as text. The Parquet writer (hyparquet-writer) is loaded on
// first use, so a bundle that never writes Parquet never carries it.

/** A file format a table exports to. */
export type DataFormat = "csv" | "jsonl" | "parquet";

/** The formats a table exports to, in the order menus list them. */
export const DATA_FORMATS: readonly DataFormat[] = ["csv", "jsonl", "parquet"];

/** The MIME type of each export format. */
export const DATA_MIME_TYPES: Readonly<Record<DataFormat, string>> = { csv: "text/csv", jsonl: "application/x-ndjson", parquet: "application/vnd.apache.parquet" };

/** The names a format goes by (as `format` or as a file's extension). */
const FORMAT_NAMES: Readonly<Record<string, DataFormat>> = { csv: "csv", jsonl: "jsonl", ndjson: "jsonl", parquet: "parquet" };

/** What exports: an arquero table (its filter and order applied), or rows as plain objects. */
export type DataRows = TableLike | readonly unknown[];

/** An encoded export: the file's bytes, with its format, MIME type, row count and columns. */
export interface EncodedData {
  readonly bytes: Uint8Array;
  readonly format: DataFormat;
  readonly mimeType: string;
  readonly rows: number;
  readonly columns: readonly string[];
}

/**
 * The format of an export: `format` when given (csv, jsonl or parquet), else the one of the
 * file name's extension (.csv, .jsonl or .ndjson, .parquet); throws saying what is accepted.
 */
export function dataFormat(name: string | undefined, format?: string): DataFormat {
  if (format !== undefined && format !== null) {
    const named = FORMAT_NAMES[String(format).toLowerCase()];
    if (!named) throw unknownFormat(format);
    return named;
  }
  const ext = /\.([^./\\]+)$/.exec(String(name ?? ""))?.[1]?.toLowerCase();
  const byExtension = ext ? FORMAT_NAMES[ext] : undefined;
  if (!byExtension) throw new Error(`cannot tell the format of ${JSON.stringify(name ?? "")} from its extension: name a .csv, .jsonl or .parquet file, or give the format (csv, jsonl or parquet)`);
  return byExtension;
}

/** The error for a format that is not one of csv, jsonl and parquet. */
function unknownFormat(format: unknown): Error {
  return new Error(`unknown format ${JSON.stringify(format)}: use csv, jsonl or parquet`);
}

/** The file extension of a format, with its dot. */
export function dataExtension(format: DataFormat): string {
  return `.${format}`;
}

/**
 * The table a value exports as: an arquero table or an array of rows as they are; a vary or
 * evaluate result, a dataset or `calls(…)` through their `.table()`. Throws, saying what
 * exports, for anything else.
 */
export async function exportableData(value: unknown): Promise<DataRows> {
  if (isTable(value) || Array.isArray(value)) return value;
  const tableMethod = (value as { table?: unknown } | null)?.table;
  if (value && typeof value === "object" && typeof tableMethod === "function") {
    const table: unknown = await (tableMethod as () => unknown).call(value);
    if (isTable(table) || Array.isArray(table)) return table;
  }
  throw new Error(`${describe(value)} is not a table: export an arquero table, a vary or evaluate result (or its .table()), calls(…), a dataset, or an array of row objects`);
}

/** Encodes a table or rows as a file of the format: CSV, JSON Lines or Parquet bytes. */
export async function encodeData(data: DataRows, format: DataFormat): Promise<EncodedData> {
  const { names, columns, rows } = columnsOf(data);
  let bytes: Uint8Array;
  if (format === "csv") bytes = new TextEncoder().encode(csvText(names, columns));
  else if (format === "jsonl") bytes = new TextEncoder().encode(jsonLines(names, columns, rows));
  else if (format === "parquet") bytes = await parquetBytes(names, columns);
  else throw unknownFormat(format);
  return { bytes, format, mimeType: DATA_MIME_TYPES[format], rows, columns: names };
}

/** The column names (in order, the union of the rows' keys) and each column's values. */
function columnsOf(data: DataRows): { names: string[]; columns: unknown[][]; rows: number } {
  if (isTable(data)) {
    const names = data.columnNames();
    return { names, columns: names.map((n) => Array.from(data.array(n) ?? [])), rows: data.numRows() };
  }
  const names: string[] = [];
  const seen = new Set<string>();
  data.forEach((row, i) => {
    if (!row || typeof row !== "object" || Array.isArray(row)) throw new Error(`row ${i} is ${describe(row)}, not an object: an array exports as rows of objects, one key per column`);
    for (const key of Object.keys(row)) if (!seen.has(key)) seen.add(key), names.push(key);
  });
  const columns = names.map((n) => data.map((row) => (row as Record<string, unknown>)[n]));
  return { names, columns, rows: data.length };
}

/** A value for the reader of an error message: "a number", "null", "an instance of Foo". */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
    return proto && proto !== Object.prototype && proto.constructor?.name ? `an instance of ${proto.constructor.name}` : "an object";
  }
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`;
}

/** Whether a value is missing: null, undefined or an invalid Date. */
function isMissing(value: unknown): boolean {
  return value === null || value === undefined || (value instanceof Date && Number.isNaN(value.getTime()));
}

/** JSON text of a nested value: bigints as numbers (as text beyond 2^53), Maps as objects, Sets and typed arrays as arrays. */
function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    if (v instanceof Map) return Object.fromEntries(v);
    if (v instanceof Set) return [...v];
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<unknown>);
    return v;
  });
}

/** A value as text (for CSV and Parquet string columns): strings as they are, Dates as ISO 8601, nested values as JSON. */
function text(value: unknown): string | null {
  if (isMissing(value)) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return value.toISOString();
  return jsonText(value);
}

/** CSV (RFC 4180, through arquero's writer): a header line, then one line per row; fields with commas, quotes or line breaks quoted. */
function csvText(names: readonly string[], columns: readonly unknown[][]): string {
  if (!names.length) return "";
  // A Map, so a column named "__proto__" is a column like any other.
  return aq.table(new Map(names.map((n, i) => [n, columns[i]!.map(text)])), [...names]).toCSV();
}

/** JSON Lines: one object per row with every column (null where a row has none); nested values stay nested, Dates are ISO 8601. */
function jsonLines(names: readonly string[], columns: readonly unknown[][], rows: number): string {
  let out = "";
  for (let r = 0; r < rows; r++) {
    const row: Record<string, unknown> = {};
    names.forEach((n, i) => {
      const v = columns[i]![r];
      Object.defineProperty(row, n, { value: isMissing(v) ? null : v, enumerable: true, writable: true, configurable: true });
    });
    out += `${jsonText(row)}\n`;
  }
  return out;
}

/** A Parquet column: hyparquet-writer's type and the values as it takes them. */
type ParquetColumn = { type: "BOOLEAN" | "INT32" | "INT64" | "DOUBLE" | "TIMESTAMP" | "STRING"; data: unknown[] };

/** The Parquet type of a column from its values, and the values converted to it; mixed or nested values are text. */
function parquetColumn(values: readonly unknown[]): ParquetColumn {
  const present = values.filter((v) => !isMissing(v));
  const all = (test: (v: unknown) => boolean) => present.length > 0 && present.every(test);
  const clean = (convert: (v: unknown) => unknown) => values.map((v) => (isMissing(v) ? null : convert(v)));
  if (all((v) => typeof v === "boolean")) return { type: "BOOLEAN", data: clean((v) => v) };
  if (all((v) => typeof v === "number")) {
    if (all((v) => Number.isInteger(v) && Math.abs(v as number) <= 0x7fffffff)) return { type: "INT32", data: clean((v) => v) };
    if (all((v) => Number.isSafeInteger(v))) return { type: "INT64", data: clean((v) => BigInt(v as number)) };
    return { type: "DOUBLE", data: clean((v) => v) };
  }
  if (all((v) => typeof v === "bigint")) return { type: "INT64", data: clean((v) => v) };
  if (all((v) => v instanceof Date)) return { type: "TIMESTAMP", data: clean((v) => v) };
  return { type: "STRING", data: values.map(text) };
}

/** Parquet bytes (snappy-compressed), written by hyparquet-writer. */
async function parquetBytes(names: readonly string[], columns: readonly unknown[][]): Promise<Uint8Array> {
  if (!names.length) throw new Error("a table without columns cannot be written as Parquet");
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const columnData = names.map((name, i) => {
    const { type, data } = parquetColumn(columns[i]!);
    return { name, type, data, nullable: true };
  });
  const buffer = parquetWriteBuffer({ columnData: columnData as Parameters<typeof parquetWriteBuffer>[0]["columnData"], createdBy: "weft" });
  return new Uint8Array(buffer);
}
