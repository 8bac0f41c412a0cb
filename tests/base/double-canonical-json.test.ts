// The one-pass canonical text of plain JSON must be exactly the text of the general path
// (dataset rows are keyed by it, and cache keys must never change): checked on edge cases and
// on thousands of random JSON values, with keys in any order. The same holds for the text of a
// value that is already JSON (a stored call's inputs, from which a report's build files the leaf
// keys it ships): it must be `canonicalJson` of it exactly.

import { describe, expect, it } from "vitest";
import { canonicalJson, canonicalJsonOfJson, doubleCanonicalJson, toCanonical, type Json } from "../../src/base/index.ts";

const general = (v: unknown) => canonicalJson(toCanonical(v));

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ["a", "B", "z", "é", "😀", "", "$", "$ref", "10", "9", "01", "-1", "1.5", "__proto__", "constructor", "text", "label"];
const STRINGS = ["", "x", "quote \" and \\ backslash", "line\nbreak\u2028", "nul\u0000", "ünï©ødé 🦆", "\ud800 lone surrogate"];
const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 2 ** 53, -(2 ** 31), 123.456];

function json(r: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const k = r();
  if (depth > 3 || k < 0.4) return pick<unknown>([null, true, false, pick(STRINGS), pick(NUMBERS)]);
  if (k < 0.6) return Array.from({ length: Math.floor(r() * 4) }, () => json(r, depth + 1));
  // Keys inserted in random order, as JSON.parse of any file gives them.
  return JSON.parse(JSON.stringify(Object.fromEntries(Array.from({ length: Math.floor(r() * 5) }, () => [pick(KEYS), json(r, depth + 1)]))));
}

describe("doubleCanonicalJson", () => {
  it("equals the general path on edge cases, including those it hands to the general path", () => {
    const cases: unknown[] = [
      { b: 1, a: 2 },
      { "10": 1, "9": 2, a: 3 },
      { $: "date", v: "x" },
      { nested: { $: 1 } },
      JSON.parse('{"__proto__": {"x": 1}, "a": [1, -0, {"c": null}]}'),
      { n: NaN, i: Infinity },
      { u: undefined },
      [1, , 3],
      { d: new Date(0) },
      { m: new Map([["k", 1]]) },
      "top",
      -0,
      null,
      [],
      {},
      { deep: JSON.parse("[".repeat(80) + "]".repeat(80)) },
    ];
    for (const c of cases) expect(doubleCanonicalJson(c)).toBe(general(c));
  });

  it("equals the general path on 5,000 random JSON values", () => {
    const r = random(42);
    for (let i = 0; i < 5_000; i++) {
      const v = json(r, 0);
      expect(doubleCanonicalJson(v)).toBe(general(v));
    }
  });

  it("throws as the general path does on what is not data, naming where", () => {
    expect(() => doubleCanonicalJson({ f: () => 1 }, "rows[3]")).toThrow("cannot digest a function at rows[3].f");
  });
});

describe("canonicalJsonOfJson", () => {
  it("equals canonicalJson on JSON edge cases: unsorted, tagged-looking, digit keys, -0, deep", () => {
    const cases: Json[] = [
      { b: 1, a: 2 },
      { a: 1, b: { d: 1, c: 2 } },
      { "10": 1, "9": 2, a: 3 },
      { $: "date", v: "x" },
      { nested: { $: 1 } },
      JSON.parse('{"__proto__": {"x": 1}, "a": [1, -0, {"c": null}]}') as Json,
      JSON.parse("-0") as Json,
      "top",
      null,
      [],
      {},
      JSON.parse("[".repeat(80) + "]".repeat(80)) as Json,
    ];
    for (const c of cases) expect(canonicalJsonOfJson(c)).toBe(canonicalJson(c));
  });

  it("equals canonicalJson on 5,000 random JSON values and on their canonical forms (what a call stores)", () => {
    const r = random(7);
    for (let i = 0; i < 5_000; i++) {
      const v = json(r, 0) as Json;
      expect(canonicalJsonOfJson(v)).toBe(canonicalJson(v));
      const stored = JSON.parse(JSON.stringify(toCanonical(v))) as Json;
      expect(canonicalJsonOfJson(stored)).toBe(canonicalJson(stored));
    }
  });
});
