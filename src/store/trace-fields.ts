// The fields a trace filter, order or stats query may name: typed columns of the call row
// and JSON paths into its JSON columns. Everything a query builder puts into SQL text as a
// name comes from here, so a field is either one of these words or a path whose segments
// were checked one by one.

import { FilterError } from "./trace-store.ts";

/** The typed columns of a call row and what kind of value each holds. */
export const COLUMNS = {
  id: "text",
  trace_id: "text",
  parent_id: "text",
  op_name: "text",
  op: "text",
  started_at: "time",
  ended_at: "time",
  latency_ms: "number",
  model: "text",
  status: "text",
  input_tokens: "number",
  output_tokens: "number",
  tokens: "number",
  cost: "number",
} as const;

/** A typed column name. */
export type Column = keyof typeof COLUMNS;

/** What a typed column holds: text, a number, or a time (epoch ms, compared as a number). */
export type ColumnKind = (typeof COLUMNS)[Column];

/** camelCase names accepted for snake_case columns. */
const ALIASES: Readonly<Record<string, Column>> = { traceId: "trace_id", parentId: "parent_id", startedAt: "started_at", endedAt: "ended_at", opName: "op_name", latencyMs: "latency_ms", inputTokens: "input_tokens", outputTokens: "output_tokens" };

/** The JSON columns a path may start with. */
export const JSON_ROOTS = ["inputs", "output", "attributes", "error", "usage"] as const;

/** A JSON column. */
export type JsonRoot = (typeof JSON_ROOTS)[number];

/** One step of a JSON path: an object key, an array index, or -1 for an array's last element. */
export type PathSegment = string | number;

/** A field resolved: a typed column, or a path into a JSON column (empty path: the whole value). */
export type FieldRef = { readonly kind: "column"; readonly column: Column; readonly type: ColumnKind } | { readonly kind: "json"; readonly root: JsonRoot; readonly path: readonly PathSegment[] };

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const INDEX = /^(0|[1-9][0-9]{0,8}|-1)$/;
const MAX_FIELD = 500;

/** Lists the fields for error messages. */
export function fieldList(): string {
  return [...Object.keys(COLUMNS), ...Object.keys(ALIASES), ...JSON_ROOTS.map((r) => `${r}.…`)].join(", ");
}

/** Resolves a field name, or throws a `FilterError` at `at` naming the field and what is allowed. */
export function parseField(name: unknown, at: string): FieldRef {
  if (typeof name !== "string") throw new FilterError(at, `expected a field name, got ${describe(name)}`);
  if (name.length > MAX_FIELD) throw new FilterError(at, `field name longer than ${MAX_FIELD} characters`);
  if (Object.hasOwn(COLUMNS, name)) return { kind: "column", column: name as Column, type: COLUMNS[name as Column] };
  if (Object.hasOwn(ALIASES, name)) {
    const column = ALIASES[name]!;
    return { kind: "column", column, type: COLUMNS[column] };
  }
  const dot = name.indexOf(".");
  const root = dot < 0 ? name : name.slice(0, dot);
  if (!(JSON_ROOTS as readonly string[]).includes(root)) throw new FilterError(at, `unknown field ${quote(name)} (fields: ${fieldList()})`);
  if (dot < 0) return { kind: "json", root: root as JsonRoot, path: [] };
  const path: PathSegment[] = [];
  for (const segment of name.slice(dot + 1).split(".")) {
    if (INDEX.test(segment)) path.push(Number(segment));
    else if (KEY.test(segment)) path.push(segment);
    else {
      const what = segment === "" ? "an empty segment" : `segment ${quote(segment)}`;
      throw new FilterError(at, `invalid path ${quote(name)}: ${what} (segments are names of letters, digits, _ and -, array indexes, or -1 for the last element)`);
    }
  }
  return { kind: "json", root: root as JsonRoot, path };
}

/** The canonical name of a resolved field (snake_case columns, dotted paths). */
export function fieldName(field: FieldRef): string {
  return field.kind === "column" ? field.column : [field.root, ...field.path.map(String)].join(".");
}

/** A value shown in an error message: strings quoted and cut short, others by kind. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return quote(value);
  if (typeof value === "object") return "an object";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return `a ${typeof value}`;
}

/** Quotes a string for an error message, cut to 60 characters. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}
