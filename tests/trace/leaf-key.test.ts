// Leaf keys are built from parts encoded once per row and per parameter set, and may be hashed
// by the host's native SHA-256: both must give exactly the keys the portable path gives, or
// every cache made before (and in the other host) would miss.
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { canonicalJson, sha256Hex, toCanonical, useHostSha256 } from "../../src/base/index.ts";
import { useNodeSha256 } from "../../src/server/node-sha256.ts";
import { callKey, createTracing, forgetLeafKeys } from "../../src/trace/index.ts";
import { buildLeaves, leafKey } from "../../src/trace/leaves.ts";

const rows: Record<string, unknown>[] = [
  { question: "What is 2 + 2?", expected: "4" },
  { when: new Date("2026-12-02T10:00:00Z"), tags: new Set(["a", "b"]), n: Number.NaN },
  { $: "looks tagged", v: 1, nested: { $: "date", v: "x" } },
  { text: "é ü 😀 \u0000 \"quoted\"", list: [1, [2, [3]], null], big: 10n },
  {},
];
const params = [{}, { temperature: 0.2, model: "gpt-4o-mini" }, { grid: [1, 2], when: new Date(0) }];
const version = "a".repeat(64);

afterEach(() => useHostSha256(null));

describe("leaf keys", () => {
  it("equal callKey for rows with tagged values, $ keys, unicode and bigints, every params and trial", () => {
    for (const row of rows) {
      const rowJson = canonicalJson(toCanonical(row));
      for (const p of params) {
        for (const trial of [0, 3]) expect(leafKey(JSON.stringify(version), rowJson, canonicalJson(p), trial)).toBe(callKey(version, [toCanonical(row), p], trial));
      }
    }
  });

  it("are the same with Node's native SHA-256 as with the portable one", () => {
    const portable = rows.map((row) => callKey(version, [toCanonical(row), {}], 1));
    useNodeSha256();
    expect(rows.map((row) => callKey(version, [toCanonical(row), {}], 1))).toEqual(portable);
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("refuse a host SHA-256 that differs from the portable one", () => {
    expect(() => useHostSha256((t) => sha256Hex(`${t}!`))).toThrow(/differs from the portable one; not used/);
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

it("a scorer's key from its input encoded once equals callKey of the canonical input (dates, maps, unicode, nesting)", () => {
  const inputs = [{ b: 1, a: "x", output: { z: [1, 2, { y: new Date(5) }], a: null } }, { output: "s\u2028\"q" }, { output: 1.5e-7, m: new Map([["k", 1]]) }];
  for (const x of inputs) {
    for (const params of [{}, { model: "m", t: 0.5 }]) {
      expect(leafKey(JSON.stringify("op:abc"), canonicalJson(toCanonical(x)), canonicalJson(params), 2)).toBe(callKey("op:abc", [toCanonical(x), params], 2));
    }
  }
});

describe("leaf keys computed lately", () => {
  it("are reused for rows of equal content (a scorer edit's new vary), and computed again when a row differs", () => {
    forgetLeafKeys();
    const { op } = createTracing();
    const f = op("f", (row: unknown) => row);
    const make = (n: number, changed = -1) => Array.from({ length: n }, (_, i) => ({ q: i === changed ? "changed" : `q${i}` }));
    /** The leaf keys of a vary over `rows`, and how many SHA-256 digests computing them took. */
    const keysOf = (rows: Record<string, unknown>[]) => {
      let hashes = 0;
      useHostSha256((t) => (hashes++, createHash("sha256").update(t, "utf8").digest("hex")));
      hashes = 0; // not useHostSha256's probes
      const keys = buildLeaves({ data: rows, ops: { f }, params: { p: [1, 2] }, trials: 3 }).leaves.map((l) => l.key);
      return { keys, hashes };
    };
    const first = keysOf(make(50));
    expect(first.hashes).toBe(1 + 2 * 3 * 50); // the rows' digest, then every leaf
    expect(keysOf(make(50))).toEqual({ keys: first.keys, hashes: 1 }); // a new array of equal rows
    const other = keysOf(make(50, 7));
    expect(other.hashes).toBe(1 + 2 * 3 * 50);
    expect(other.keys.filter((k, i) => k !== first.keys[i])).toHaveLength(2 * 3);
    forgetLeafKeys();
    useHostSha256(null);
    expect(keysOf(make(50, 7)).keys).toEqual(other.keys); // as computed with nothing remembered
    expect(other.keys[0]).toBe(callKey(f.version, [toCanonical(make(50, 7)[0]), { p: 1 }], 0));
  });
});
