// JSON paths for stores whose engine cannot read JSON (ClickHouse 18.16 has no JSON
// functions): the writer stores, beside each JSON column, the scalar leaves of the call's
// JSON as two parallel arrays (path, text) and the length of every array, and the dialect
// looks a path up in them. A path is the JSON text of its segments without the brackets
// (`"inputs","messages",0,"content"`), so keys of any text stay unambiguous; `-1` (the last
// element) is resolved in SQL from the stored array lengths.

import type { Json } from "../base/index.ts";
import type { PathSegment } from "./trace-fields.ts";

/** The scalar leaves of a call's JSON columns and the lengths of its arrays. */
export interface JsonLeaves {
  readonly paths: string[];
  /** The text of each leaf: a string as it is, a number or boolean as JSON text. */
  readonly values: string[];
  readonly arrays: string[];
  readonly lengths: number[];
}

/** Arrays longer than this keep only their first and last `ARRAY_EDGE` elements as leaves. */
export const ARRAY_LIMIT = 64;
/** How many elements are kept at each end of a long array. */
export const ARRAY_EDGE = 32;
/** At most this many leaves per call; later ones (in document order) are not kept. */
export const MAX_LEAVES = 4096;

/** One path segment as stored: a key as a JSON string, an index as digits. */
export function pathSegment(segment: PathSegment): string {
  return typeof segment === "number" ? String(segment) : JSON.stringify(segment);
}

/** Adds the leaves of one JSON column (`root`) to `out`; JSON nulls are not leaves. */
export function addLeaves(out: JsonLeaves, root: string, value: Json | undefined): void {
  walk(out, pathSegment(root), value);
}

/** Empty leaves, to fill with `addLeaves`. */
export function emptyLeaves(): JsonLeaves {
  return { paths: [], values: [], arrays: [], lengths: [] };
}

function walk(out: JsonLeaves, path: string, value: Json | undefined): void {
  if (value === null || value === undefined || out.paths.length >= MAX_LEAVES) return;
  if (typeof value === "string") push(out, path, value);
  else if (typeof value === "number" || typeof value === "boolean") push(out, path, JSON.stringify(value));
  else if (Array.isArray(value)) {
    out.arrays.push(path);
    out.lengths.push(value.length);
    value.forEach((v, i) => {
      if (value.length <= ARRAY_LIMIT || i < ARRAY_EDGE || i >= value.length - ARRAY_EDGE) walk(out, `${path},${i}`, v);
    });
  } else for (const [k, v] of Object.entries(value)) walk(out, `${path},${JSON.stringify(k)}`, v);
}

function push(out: JsonLeaves, path: string, text: string): void {
  out.paths.push(path);
  out.values.push(text);
}
