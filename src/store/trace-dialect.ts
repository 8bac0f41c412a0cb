// What differs between the SQL engines behind a trace store: placeholders, JSON extraction,
// quantiles, time buckets, hashing for samples. `trace-sql.ts` builds every query from these
// pieces and nothing else engine-specific, so a ClickHouse dialect is one more object here.
// A dialect never puts a value into SQL text: it receives `bind` and gets a placeholder back.

import type { PathSegment } from "./trace-fields.ts";
import { pathSegment } from "./trace-json-leaves.ts";

/** The type a bound parameter is sent as. */
export type SqlType = "text" | "double" | "bigint" | "boolean";

/** A bound parameter: a value and the type it is sent as. */
export interface SqlParam {
  readonly value: string | number | boolean;
  readonly type: SqlType;
}

/** Binds a value as a parameter and returns its placeholder. */
export type Bind = (value: string | number | boolean, type?: SqlType) => string;

/** The engine-specific pieces of SQL, as functions of already-built SQL fragments. */
export interface SqlDialect {
  readonly name: string;
  /** The placeholder of the `index`-th (1-based) parameter. */
  placeholder(index: number, type: SqlType): string;
  /** A quoted identifier (only names from the stats whitelist reach it). */
  ident(name: string): string;
  /** The text at a path in a JSON column: strings as they are, other values as JSON text; NULL when absent or JSON null. */
  jsonText(column: string, path: readonly PathSegment[], bind: Bind): string;
  /** A DOUBLE from text or a number, NULL when it is not a number. */
  toNumber(sql: string): string;
  /** The text of a value. */
  toText(sql: string): string;
  /** Lower-case text. */
  lower(sql: string): string;
  /** Whether `haystack` contains `needle` literally (no wildcards). */
  contains(haystack: string, needle: string): string;
  /** A list of continuous (linearly interpolated) quantiles of a column, in the order of `qs`. */
  quantiles(sql: string, qs: readonly number[]): string;
  /** The start (epoch ms) of the bucket of `bucketMs` that an epoch-ms time falls in, aligned to the epoch. */
  bucket(timeSql: string, bucketMs: number, bind: Bind): string;
  /** A deterministic pseudo-random key of an id and a seed: samples take the smallest. */
  sampleKey(idSql: string, seed: number, bind: Bind): string;
  /** How many rows of the group satisfy a condition. */
  countIf(condition: string): string;
  /** The literals of truth (default `TRUE` and `FALSE`). */
  readonly trueSql?: string;
  readonly falseSql?: string;
  /**
   * The rows a query reads (default: the calls table as it is). `prefilter` holds conditions
   * on the key columns (see `keyColumns`) that hold for every stored version of a matching
   * call, so a source may apply them before it picks each call's current version.
   */
  source?(prefilter: readonly string[]): { readonly from: string; readonly where: readonly string[] };
  /** Key columns equal to `started_at` (0 when unknown) and `op_name` ('' when unknown): filters on time and op are repeated on them so the engine skips partitions and ranges. */
  readonly keyColumns?: { readonly time: string; readonly op: string };
  /** A row's identity, selected as `rk` beside the measures of a stats query, for quantiles that sample by it. */
  readonly statsRowKey?: string;
  /** Columns that identify a stored row: when set, a page or sample is first found on them and the narrow columns it filters and orders by, then only its rows are read whole. */
  readonly rowKey?: readonly string[];
  /** The feedback rows, each id's current one, as a FROM item (default the `feedback` table as it is). */
  readonly feedbackTable?: string;
  /**
   * The type and text of a feedback row's `value`, whole or at a top-level key of an object:
   * `type` is 'number', 'boolean' or 'string' for those (anything else for other values, NULL
   * or '' when absent), `text` a string as it is and a number or boolean as its JSON text.
   */
  feedbackValue(key: string | undefined, bind: Bind): { readonly type: string; readonly text: string };
  /** Columns that identify one stored version of a row: when set, a filter on JSON or text is evaluated on every version first (without deduplication, which is costly on wide columns), and the source keeps the current versions among the matching ones. */
  readonly versionKey?: readonly string[];
}

/** The path of a JSON value as DuckDB's JSON functions read it: `$."key"[0][#-1]`. */
export function duckdbJsonPath(path: readonly PathSegment[]): string {
  let out = "$";
  for (const s of path) {
    if (typeof s === "number") out += s < 0 ? `[#${s}]` : `[${s}]`;
    else out += `."${s.replace(/["\\]/g, "")}"`;
  }
  return out;
}

/** DuckDB: `$n` placeholders, `json_extract_string` with the path bound, `quantile_cont`, integer-division buckets, `hash`. */
export const DUCKDB_DIALECT: SqlDialect = {
  name: "duckdb",
  placeholder: (index) => `$${index}`,
  ident: (name) => `"${name.replace(/"/g, '""')}"`,
  jsonText: (column, path, bind) => `json_extract_string(${column}, ${bind(duckdbJsonPath(path), "text")})`,
  toNumber: (sql) => `TRY_CAST(${sql} AS DOUBLE)`,
  toText: (sql) => `CAST(${sql} AS VARCHAR)`,
  lower: (sql) => `lower(${sql})`,
  contains: (haystack, needle) => `contains(${haystack}, ${needle})`,
  quantiles: (sql, qs) => `quantile_cont(${sql}, [${qs.map((q) => q.toFixed(4)).join(", ")}])`,
  bucket: (timeSql, bucketMs, bind) => {
    const b = bind(bucketMs, "bigint");
    return `((${timeSql} // ${b}) * ${b})`;
  },
  sampleKey: (idSql, seed, bind) => `hash(${idSql}, ${bind(seed, "bigint")})`,
  countIf: (condition) => `count(*) FILTER (WHERE ${condition})`,
  feedbackValue: (key, bind) => {
    const path = bind(duckdbJsonPath(key === undefined ? [] : [key]), "text");
    const type = `CASE json_type(value, ${path}) WHEN 'BOOLEAN' THEN 'boolean' WHEN 'VARCHAR' THEN 'string' WHEN 'DOUBLE' THEN 'number' WHEN 'BIGINT' THEN 'number' WHEN 'UBIGINT' THEN 'number' END`;
    return { type, text: `json_extract_string(value, ${path})` };
  },
};

/** The key of a JSON path among the stored leaves (see `trace-json-leaves.ts`): bound text, with `-1` resolved from the stored array lengths. */
function leafKey(root: string, path: readonly PathSegment[], bind: Bind): string {
  let dynamic: string | null = null;
  let text = pathSegment(root);
  const sofar = () => (dynamic === null ? bind(text, "text") : text ? `concat(${dynamic}, ${bind(text, "text")})` : dynamic);
  for (const s of path) {
    if (typeof s === "number" && s < 0) {
      const prefix = sofar();
      dynamic = `concat(${prefix}, ',', toString(toInt64(json_lengths[indexOf(json_arrays, ${prefix})]) - ${-s}))`;
      text = "";
    } else text += `,${pathSegment(s)}`;
  }
  return sofar();
}

/** The store's dedupe: `FINAL` (the engine merges versions while it reads) or `argMax` (a GROUP BY keeps each call's newest version). */
export type ClickHouseDedupe = "final" | "argmax";

/** The columns of the ClickHouse calls table that queries read, in table order. */
export const CLICKHOUSE_READ_COLUMNS = [
  "trace_id", "parent_id", "op", "op_name", "model", "status", "started_at", "ended_at", "latency_ms", "input_tokens", "output_tokens", "cost",
  "inputs", "output", "error", "attributes", "usage", "search", "json_paths", "json_values", "json_arrays", "json_lengths", "superseded",
] as const;

const CLICKHOUSE_TYPES: Readonly<Record<SqlType, string>> = { text: "String", double: "Float64", bigint: "Int64", boolean: "UInt8" };

/**
 * ClickHouse, from 18.16 (Debian's) to current releases: `{pN:Type}` placeholders, JSON paths
 * looked up among the leaves the writer stores (18.16 has no JSON functions), deterministic
 * reservoir quantiles (exact up to 8,192 values per group), `intDiv` buckets, `cityHash64`.
 * Reads see each call's newest version through `FINAL` or an argMax GROUP BY, and only rows
 * not superseded by a move of the call to another key.
 */
export function clickHouseDialect(dedupe: ClickHouseDedupe): SqlDialect {
  return {
    name: "clickhouse",
    placeholder: (index, type) => `{p${index}:${CLICKHOUSE_TYPES[type]}}`,
    ident: (name) => `\`${name.replace(/[`\\]/g, "")}\``,
    jsonText: (column, path, bind) => {
      if (path.length) return `json_values[indexOf(json_paths, ${leafKey(column, path, bind)})]`;
      // The whole column: a scalar is a leaf (strings unquoted); an object or array is its JSON text.
      const key = bind(pathSegment(column), "text");
      return `multiIf(has(json_paths, ${key}), json_values[indexOf(json_paths, ${key})], ${column} = 'null', NULL, ${column})`;
    },
    toNumber: (sql) => `toFloat64OrNull(${sql})`,
    toText: (sql) => `toString(${sql})`,
    lower: (sql) => `lowerUTF8(${sql})`,
    contains: (haystack, needle) => `(position(${haystack}, ${needle}) > 0)`,
    quantiles: (sql, qs) => `quantilesDeterministic(${qs.map((q) => q.toFixed(4)).join(", ")})(${sql}, cityHash64(rk))`,
    bucket: (timeSql, bucketMs, bind) => {
      const b = bind(bucketMs, "bigint");
      return `(intDiv(${timeSql}, ${b}) * ${b})`;
    },
    sampleKey: (idSql, seed, bind) => `cityHash64(${idSql}, ${bind(seed, "bigint")})`,
    countIf: (condition) => `countIf(${condition})`,
    feedbackTable: "feedback FINAL",
    // The writer stores the value's type and text, whole ('') and at each top-level key (as JSON text), beside the JSON (`clickhouse-feedback.ts`).
    feedbackValue: (key, bind) => {
      const at = `indexOf(value_keys, ${bind(key === undefined ? "" : JSON.stringify(key), "text")})`;
      return { type: `value_types[${at}]`, text: `value_texts[${at}]` };
    },
    trueSql: "1",
    falseSql: "0",
    keyColumns: { time: "key_time", op: "key_op" },
    statsRowKey: "id",
    rowKey: ["key_op", "key_time", "id"],
    // FINAL filters after it picks each key's newest version, so a version matched beforehand is kept only when it is the current one.
    ...(dedupe === "final" ? { versionKey: ["key_op", "key_time", "id", "version"] } : {}),
    source: (prefilter) => {
      if (dedupe === "final") return { from: "calls FINAL", where: ["superseded = 0", ...prefilter] };
      // Renamed inside first: an aggregate aliased to its own column's name is a cyclic alias in ClickHouse.
      // In a tuple, because an aggregate skips NULLs: the newest version's NULL must win.
      const renamed = CLICKHOUSE_READ_COLUMNS.map((c) => `${c} AS v_${c}`).join(", ");
      const cols = CLICKHOUSE_READ_COLUMNS.map((c) => `tupleElement(argMax(tuple(v_${c}), version), 1) AS ${c}`).join(", ");
      const where = prefilter.length ? ` WHERE ${prefilter.join(" AND ")}` : "";
      const versions = `SELECT key_op, key_time, id, version, ${renamed} FROM calls${where}`;
      return { from: `(SELECT key_op, key_time, id, ${cols} FROM (${versions}) GROUP BY key_op, key_time, id) AS calls`, where: ["superseded = 0"] };
    },
  };
}
