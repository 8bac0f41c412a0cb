// Reading untrusted JSON bodies: strict UTF-8, then typed access that names the path at
// fault ("batch[2].req.start.started_at: expected a string, got a number"). `null` and a
// missing field are the same (proto3 JSON and Python senders write null for unset fields).
import type { Json } from "../base/index.ts";
import { IngestError } from "./ingest-error.ts";

/** A JSON object as parsed. */
export type JsonObject = { readonly [key: string]: unknown };

/** With the u flag, a surrogate pair is one code point, so this matches only lone surrogates. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Parses a JSON body; invalid UTF-8 or JSON is an IngestError. */
export function parseJsonBody(body: Uint8Array | string): unknown {
  let text: string;
  if (typeof body === "string") text = body;
  else {
    try {
      text = utf8.decode(body);
    } catch {
      throw new IngestError("", "invalid utf-8 in the json body");
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new IngestError("", `invalid json: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** What kind of JSON value this is, for error messages ("an array", "a string", "null"). */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const t = typeof value;
  return t === "object" ? "an object" : t === "undefined" ? "nothing" : `a ${t}`;
}

/** Whether a value is a JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An object, or an IngestError naming the path. */
export function objectAt(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw new IngestError(path, `expected an object, got ${kindOf(value)}`);
  return value;
}

/** An object, or null when missing or null. */
export function optionalObjectAt(value: unknown, path: string): JsonObject | null {
  return value == null ? null : objectAt(value, path);
}

/** An array; missing or null is empty. */
export function arrayAt(value: unknown, path: string): readonly unknown[] {
  if (value == null) return [];
  if (!Array.isArray(value)) throw new IngestError(path, `expected an array, got ${kindOf(value)}`);
  return value;
}

/** A string; missing or null is "". Lone surrogates (from \ud800 escapes) are refused. */
export function stringAt(value: unknown, path: string): string {
  if (value == null) return "";
  if (typeof value !== "string") throw new IngestError(path, `expected a string, got ${kindOf(value)}`);
  if (LONE_SURROGATE.test(value)) throw new IngestError(path, "invalid unicode: a lone surrogate");
  return value;
}

/** A string or null (missing is null). */
export function nullableStringAt(value: unknown, path: string): string | null {
  return value == null ? null : stringAt(value, path);
}

/** A finite number, or null when missing. */
export function numberAt(value: unknown, path: string): number | null {
  if (value == null) return null;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new IngestError(path, `expected a number, got ${kindOf(value)}`);
  return value;
}

/**
 * Checks that a parsed value is plain JSON all the way down, with well-formed strings, and
 * returns it typed. Parsed JSON always is, except for lone surrogates in strings and keys
 * (from "\ud800" escapes). The path of a fault is only worked out when there is one.
 */
export function jsonAt(value: unknown, path: string): Json {
  if (!isCleanJson(value, 0)) locateFault(value, path, 0);
  return value as Json;
}

const MAX_JSON_DEPTH = 256;

function isCleanJson(value: unknown, depth: number): boolean {
  if (value === null || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (typeof value === "string") return !LONE_SURROGATE.test(value);
  if (depth >= MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!isCleanJson(item, depth + 1)) return false;
    return true;
  }
  if (isObject(value)) {
    for (const key in value) if (LONE_SURROGATE.test(key) || !isCleanJson(value[key], depth + 1)) return false;
    return true;
  }
  return false;
}

function locateFault(value: unknown, path: string, depth: number): void {
  if (typeof value === "number" && !Number.isFinite(value)) throw new IngestError(path, "expected a finite number");
  if (typeof value === "string") stringAt(value, path);
  if (value === null || typeof value !== "object") {
    if (typeof value !== "number" && typeof value !== "string" && typeof value !== "boolean" && value !== null) throw new IngestError(path, `expected json, got ${kindOf(value)}`);
    return;
  }
  if (depth >= MAX_JSON_DEPTH) throw new IngestError(path, `nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (Array.isArray(value)) value.forEach((item, i) => locateFault(item, `${path}[${i}]`, depth + 1));
  else
    for (const [key, item] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) throw new IngestError(path, "invalid unicode in a key: a lone surrogate");
      locateFault(item, path ? `${path}.${key}` : key, depth + 1);
    }
}
