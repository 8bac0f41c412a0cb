import { canonicalJson, toCanonical, type Json } from "./canonical.ts";

// The canonical text of plain JSON (what JSON.parse gives: rows of a dataset file) without
// building the canonical form twice. `canonicalJson(toCanonical(v))` copies every object twice
// with sorted keys before writing it; for plain JSON that is the JSON text with sorted keys, which
// is written here in one pass. Anything this pass does not handle exactly as the tagged encoding
// would (a "$" key, a key starting with a digit, whose place JSON.stringify decides by number,
// a non-finite number, undefined, a non-plain object, a cycle) takes the general path instead, so
// the text is always the same.

/** Equals `canonicalJson(toCanonical(value, path))` (the form a dataset row is keyed by), faster for plain JSON. */
export function doubleCanonicalJson(value: unknown, path = ""): string {
  const text = plainText(value, 0);
  return text ?? canonicalJson(toCanonical(value, path));
}

/** Deeper than this is left to the general path (which also finds cycles). */
const MAX_DEPTH = 64;

function plainText(value: unknown, depth: number): string | null {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      // -0 is written "0" by both; NaN and ±Infinity are tagged by toCanonical.
      return Number.isFinite(value) ? JSON.stringify(value) : null;
    case "object":
      break;
    default:
      return null;
  }
  if (value === null) return "null";
  if (depth >= MAX_DEPTH) return null;
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      // A hole is undefined to toCanonical: tagged.
      const item = plainText(value[i], depth + 1);
      if (item === null) return null;
      out += i ? `,${item}` : item;
    }
    return `${out}]`;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return null;
  const keys = Object.keys(value).sort();
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const first = key.charCodeAt(0);
    if (key === "$" || (first >= 48 && first <= 57)) return null;
    const item = plainText((value as Record<string, unknown>)[key], depth + 1);
    if (item === null) return null;
    out += `${i ? "," : ""}${JSON.stringify(key)}:${item}`;
  }
  return `${out}}`;
}

/** Equals `canonicalJson(value)` for a value that is already JSON (a stored call's inputs): when it is already in canonical form, that is its JSON text. */
export function canonicalJsonOfJson(value: Json): string {
  return isCanonicalForm(value, 0) ? JSON.stringify(value) : canonicalJson(value);
}

/** Whether `toCanonical` would give this JSON value back as it is (same keys in the same order), so `JSON.stringify` writes its canonical text. */
function isCanonicalForm(value: Json, depth: number): boolean {
  if (value === null || typeof value !== "object") return typeof value !== "number" || Number.isFinite(value);
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isCanonicalForm(value[i]!, depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  let prev: string | null = null;
  for (const key in value) {
    const first = key.charCodeAt(0);
    if (key === "$" || (first >= 48 && first <= 57) || (prev !== null && prev >= key)) return false;
    prev = key;
    if (!isCanonicalForm(value[key]!, depth + 1)) return false;
  }
  return true;
}
