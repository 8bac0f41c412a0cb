import * as aq from "arquero";

/** A JSON value: what canonical encoding produces and stores. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A value that is not plain data; `path` says where inside the value it sits. */
export class NotDataError extends Error {
  readonly path: string;
  constructor(what: string, path: string) {
    super(`cannot digest ${what} at ${path || "the top level"}`);
    this.name = "NotDataError";
    this.path = path;
  }
}

// Tagged encoding: a plain object is written as itself unless it has a "$" key; every other
// kind of data is an object {"$": tag, "v": …}. Keys are sorted, so equal content encodes
// to the same JSON text in every JavaScript engine.
const TYPED = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
} as const;
type TypedName = keyof typeof TYPED;

/** Encodes plain data (JSON values, Dates, Maps, Sets, typed arrays, bigints, arquero tables) as tagged JSON; throws NotDataError otherwise. */
export function toCanonical(value: unknown, path = ""): Json {
  return encode(value, path, new Set());
}

/** Defines an own enumerable key, so "__proto__" is a key like any other, not the prototype. */
function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  // An assignment does the same for every other key, several times faster.
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function encode(value: unknown, path: string, ancestors: Set<object>): Json {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (Number.isFinite(value)) return Object.is(value, -0) ? 0 : value;
      return { $: "number", v: String(value) };
    case "bigint":
      return { $: "bigint", v: value.toString() };
    case "undefined":
      return { $: "undefined" };
    case "object":
      break;
    default:
      throw new NotDataError(`a ${typeof value}`, path);
  }
  if (value === null) return null;
  if (ancestors.has(value)) throw new NotDataError("a cycle", path);
  ancestors.add(value);
  try {
    return encodeObject(value, path, ancestors);
  } finally {
    ancestors.delete(value);
  }
}

function encodeObject(value: object, path: string, ancestors: Set<object>): Json {
  // Array.from visits holes as undefined, so [, 1] and [null, 1] differ.
  if (Array.isArray(value)) return Array.from(value, (v, i) => encode(v, `${path}[${i}]`, ancestors));
  if (value instanceof Date) return { $: "date", v: Number.isNaN(value.getTime()) ? "invalid" : value.toISOString() };
  if (value instanceof Map) return { $: "map", v: [...value].map(([k, v], i) => [encode(k, `${path}<key ${i}>`, ancestors), encode(v, `${path}<${String(k)}>`, ancestors)]) };
  if (value instanceof Set) return { $: "set", v: [...value].map((v, i) => encode(v, `${path}<${i}>`, ancestors)) };
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name as TypedName;
    if (!(name in TYPED)) throw new NotDataError(`an instance of ${value.constructor.name}`, path);
    return { $: name, v: Array.from(value as unknown as ArrayLike<number | bigint>, (x) => (typeof x === "bigint" ? x.toString() : encode(x, path, ancestors))) };
  }
  if (isTable(value)) {
    const columns: { [name: string]: Json } = {};
    for (const name of value.columnNames()) setKey(columns, name, encode(value.array(name) ? Array.from(value.array(name) as ArrayLike<unknown>) : [], path ? `${path}.${name}` : name, ancestors));
    return { $: "table", v: columns };
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new NotDataError(`an instance of ${proto?.constructor?.name || "a class"}`, path);
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(value).sort()) setKey(out, key, encode((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, ancestors));
  return "$" in out ? { $: "object", v: out } : out;
}

/** Decodes what `toCanonical` produced back into the original kind of value. */
export function fromCanonical(json: Json): unknown {
  if (json === null || typeof json !== "object") return json;
  if (Array.isArray(json)) return json.map(fromCanonical);
  const tag = json.$;
  if (typeof tag !== "string") {
    return decodeObject(json);
  }
  const v = json.v as Json;
  switch (tag) {
    case "number": return Number(v);
    case "bigint": return BigInt(v as string);
    case "undefined": return undefined;
    case "date": return new Date(v === "invalid" ? NaN : (v as string));
    case "map": return new Map((v as Json[][]).map(([k, x]) => [fromCanonical(k!), fromCanonical(x!)]));
    case "set": return new Set((v as Json[]).map(fromCanonical));
    case "object": return decodeObject(v as { [key: string]: Json });
    case "table": {
      const columns: Record<string, unknown[]> = {};
      for (const [name, col] of Object.entries(v as { [key: string]: Json[] })) columns[name] = col.map(fromCanonical);
      return aq.table(columns);
    }
    default:
      if (tag in TYPED) {
        const Ctor = TYPED[tag as TypedName];
        const items = (v as Json[]).map((x) => (tag.startsWith("Big") ? BigInt(x as string) : fromCanonical(x)));
        return new (Ctor as unknown as new (items: unknown[]) => unknown)(items);
      }
      throw new Error(`unknown canonical tag: ${tag}`);
  }
}

function decodeObject(v: { [key: string]: Json }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) setKey(out, key, fromCanonical(v[key]!));
  return out;
}

/** The canonical JSON text of a value: sorted keys, explicit tags; equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(toCanonical(value));
}

/** Whether a value is plain data that can be digested by content and cached. */
export function isData(value: unknown): boolean {
  try {
    toCanonical(value);
    return true;
  } catch (error) {
    if (error instanceof NotDataError) return false;
    throw error;
  }
}

/** The slice of an arquero table's API that Weft relies on. */
export interface TableLike {
  columnNames(): string[];
  array(name: string): ArrayLike<unknown> | undefined;
  numRows(): number;
  objects(options?: { limit?: number; columns?: string[] }): object[];
}

/** Duck-typed arquero table check, so tables from any arquero copy are recognized. */
export function isTable(value: unknown): value is TableLike {
  const t = value as Partial<TableLike> | null;
  return !!t && typeof t.columnNames === "function" && typeof t.array === "function" && typeof t.numRows === "function" && typeof t.objects === "function";
}
