import * as aq from "arquero";
import { canonicalJson, doubleCanonicalJson, isTable, sampleHolds, sha256Hex, toCanonical, type TableLike } from "../base/index.ts";
import { ROW_SOURCE_BRAND, type RowSource } from "../trace/index.ts";

const DATASET = Symbol.for("weft.dataset");

/** A versioned, content-addressed set of rows: each row has its own digest, the version digests them all. */
export interface Dataset extends RowSource {
  readonly [DATASET]: true;
  readonly name: string;
  /** Digest of the row digests, in order: any change to any row is a new version. */
  readonly version: string;
  readonly rows: readonly Record<string, unknown>[];
  /** Per-row content digests; a row that did not change keeps its digest (and its cached calls). */
  readonly digests: readonly string[];
  /** The source line of each row, for files (1-based), for error messages. */
  readonly lines: readonly number[] | null;
  /** Every column name, in first-seen order. */
  columns(): string[];
  /** The rows as an arquero table. */
  table(): aq.ColumnTable;
  /** A new version with more rows appended (existing rows keep their digests). */
  add(rows: readonly Record<string, unknown>[]): Dataset;
}

/** Whether a value is a Dataset. */
export function isDataset(value: unknown): value is Dataset {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[DATASET] === true;
}

/**
 * Makes a dataset from an array of objects or an arquero table; rows must be plain data.
 * `knownDigests` (a published report's, which its build computed for this file) are taken
 * instead of hashing every row when there is one per row and a sample of them hashes right.
 */
export function dataset(name: string, source: readonly Record<string, unknown>[] | TableLike, lines: readonly number[] | null = null, knownDigests?: readonly string[]): Dataset {
  const rows = isTable(source) ? (source.objects() as Record<string, unknown>[]) : [...source];
  rows.forEach((row, i) => {
    if (!row || typeof row !== "object" || Array.isArray(row)) throw new Error(`dataset ${name}: ${where(i, lines)} is not an object`);
  });
  const rowText = (i: number) => doubleCanonicalJson(rows[i], `${name}[${i}]`);
  // Each row is encoded once: its digest is of this text, and a vary's leaf keys reuse it (RowSource.rowJson).
  const known = knownDigests?.length === rows.length && sampleHolds(rows.length, (i) => knownDigests[i] === sha256Hex(rowText(i)));
  const rowJson = known ? undefined : rows.map((_, i) => rowText(i));
  const digests = known ? knownDigests! : rowJson!.map((json) => sha256Hex(json));
  const version = versionDigest(digests);
  const ds: Dataset = {
    [DATASET]: true,
    [ROW_SOURCE_BRAND]: true,
    name,
    version,
    rows,
    digests,
    ...(rowJson ? { rowJson } : {}),
    lines,
    columns: () => [...new Set(rows.flatMap((r) => Object.keys(r)))],
    table: () => aq.from(rows),
    add: (more) => dataset(name, [...rows, ...more], lines ? [...lines, ...more.map(() => 0)] : null),
  };
  // The runtime digests a dataset by its version, so cells reading it cache by content.
  Object.defineProperty(ds, Symbol.for("weft.contentDigest"), { value: () => version });
  return ds;
}

/** A row's content digest (the digest a dataset keeps for it); `at` names the row in errors. */
export function rowDigest(row: Readonly<Record<string, unknown>>, at: string): string {
  return sha256Hex(canonicalJson(toCanonical(row, at)));
}

/** A dataset version's digest: of its row digests, in order. */
export function versionDigest(digests: readonly string[]): string {
  return sha256Hex(canonicalJson(["dataset", digests]));
}

function where(i: number, lines: readonly number[] | null): string {
  const line = lines?.[i];
  return line ? `line ${line}` : `row ${i}`;
}

/** Parses a dataset file by its extension: .jsonl (one object per line), .json (an array) or .csv. */
export function parseDataset(name: string, text: string, knownDigests?: readonly string[]): Dataset {
  if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return parseJsonl(name, text, knownDigests);
  if (name.endsWith(".json")) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(`dataset ${name}: not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(value)) throw new Error(`dataset ${name}: a .json dataset must be an array of objects`);
    return dataset(name, value as Record<string, unknown>[], null, knownDigests);
  }
  if (name.endsWith(".csv")) return dataset(name, aq.fromCSV(text).objects() as Record<string, unknown>[], null, knownDigests);
  throw new Error(`dataset ${name}: unknown format; use .jsonl, .json or .csv`);
}

/** Parses JSON Lines; a malformed line is an error naming its line number. Blank lines are skipped. */
export function parseJsonl(name: string, text: string, knownDigests?: readonly string[]): Dataset {
  const rows: Record<string, unknown>[] = [];
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`dataset ${name}: line ${i + 1} is not valid JSON: ${(error as Error).message}`);
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error(`dataset ${name}: line ${i + 1} is not a JSON object`);
    rows.push(value as Record<string, unknown>);
    lines.push(i + 1);
  });
  return dataset(name, rows, lines, knownDigests);
}

/** Checks that every row has the columns; the error names the first row (line) and column missing. */
export function requireColumns(ds: Dataset, columns: readonly string[], who: string): void {
  ds.rows.forEach((row, i) => {
    for (const c of columns) if (!(c in row)) throw new Error(`dataset ${ds.name}: ${where(i, ds.lines)} has no column '${c}' (needed by ${who})`);
  });
}
