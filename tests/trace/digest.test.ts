import { createHash } from "node:crypto";
import * as aq from "arquero";
import { afterEach, describe, expect, it } from "vitest";
import { canonicalJson, fromCanonical, isData, NotDataError, toCanonical, useHostSha256 } from "../../src/base/index.ts";
import { digest, sha256Hex } from "../../src/base/index.ts";
import { useNodeSha256 } from "../../src/server/node-sha256.ts";
import fixtures from "../fixtures/digests.json";
import { fixtureFigures, fixtureRows, opVersions, type OpCase } from "../fixtures/op-versions.ts";

const evaluate = (expr: string): unknown => new Function("aq", `return (${expr});`)(aq);
const notDataPath = (value: unknown) => {
  try {
    toCanonical(value);
    return "data";
  } catch (error) {
    return error instanceof NotDataError ? `${error.path} | ${error.message}` : `not a NotDataError: ${String(error)}`;
  }
};

describe("canonical JSON", () => {
  it("sorts object keys at every depth, so insertion order never changes the text", () => {
    const a = { b: 1, a: { d: [{ y: 1, x: 2 }], c: null } };
    const b = { a: { c: null, d: [{ x: 2, y: 1 }] }, b: 1 };
    expect([canonicalJson(a), canonicalJson(b)]).toEqual(['{"a":{"c":null,"d":[{"x":2,"y":1}]},"b":1}', '{"a":{"c":null,"d":[{"x":2,"y":1}]},"b":1}']);
  });

  it("writes numbers in one form: -0 is 0, and NaN and the infinities are tagged", () => {
    expect([1.0, 1e3, -0, 0.1 + 0.2, 1e21, NaN, Infinity, -Infinity].map(canonicalJson)).toEqual([
      "1", "1000", "0", "0.30000000000000004", "1e+21",
      '{"$":"number","v":"NaN"}', '{"$":"number","v":"Infinity"}', '{"$":"number","v":"-Infinity"}',
    ]);
  });

  it("tags every kind of data that is not plain JSON, so no two kinds collide", () => {
    const values = [1, "1", 1n, [1], new Uint8Array([1]), new Int8Array([1]), new Set([1]), new Map([[1, 1]]), { $: "bigint", v: "1" }, undefined, null, [undefined], [null], {}, { a: undefined }];
    expect(new Set(values.map(digest)).size).toBe(values.length);
  });

  it("encodes Dates as ISO text and an invalid Date as 'invalid'", () => {
    expect([new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), new Date("nope")].map(canonicalJson)).toEqual([
      '{"$":"date","v":"2024-01-02T03:04:05.678Z"}',
      '{"$":"date","v":"invalid"}',
    ]);
  });

  it("keeps the insertion order of Maps and Sets as part of their content", () => {
    const same = digest(new Map([["a", 1], ["b", 2]])) === digest(new Map([["a", 1], ["b", 2]]));
    const reordered = digest(new Map([["a", 1], ["b", 2]])) === digest(new Map([["b", 2], ["a", 1]]));
    const setReordered = digest(new Set([1, 2])) === digest(new Set([2, 1]));
    expect({ same, reordered, setReordered }).toEqual({ same: true, reordered: false, setReordered: false });
  });

  it("encodes an arquero table by its visible rows, however it was built", () => {
    const built = aq.table({ x: [1, 2, 3], y: ["a", "b", "c"] });
    const fromRows = aq.from([{ x: 1, y: "a" }, { x: 2, y: "b" }, { x: 3, y: "c" }]);
    const derived = aq.table({ x: [3, 0, 1, 2], y: ["c", "z", "a", "b"] }).filter((d: { x: number }) => d.x > 0).orderby("x");
    expect({
      text: canonicalJson(built),
      fromRows: digest(fromRows) === digest(built),
      derived: digest(derived) === digest(built),
      notItsColumns: digest({ x: [1, 2, 3], y: ["a", "b", "c"] }) === digest(built),
    }).toEqual({ text: '{"$":"table","v":{"x":[1,2,3],"y":["a","b","c"]}}', fromRows: true, derived: true, notItsColumns: false });
  });

  it("wraps objects that have a '$' key, so they never read as a tagged value", () => {
    const lookalike = { $: "date", v: "2024-01-02T03:04:05.678Z" };
    expect({
      text: canonicalJson(lookalike),
      differs: digest(lookalike) !== digest(new Date("2024-01-02T03:04:05.678Z")),
      back: fromCanonical(toCanonical(lookalike)),
    }).toEqual({ text: '{"$":"object","v":{"$":"date","v":"2024-01-02T03:04:05.678Z"}}', differs: true, back: lookalike });
  });

  it("round-trips every kind of data through toCanonical and fromCanonical", () => {
    const value = {
      n: [1, -2.5, NaN, Infinity, -Infinity],
      big: [1n, -12345678901234567890n],
      when: [new Date(0), new Date(NaN)],
      map: new Map<unknown, unknown>([["a", 1], [{ k: 1 }, [2]]]),
      set: new Set(["x", 3]),
      typed: [new Uint8Array([1, 255]), new Float32Array([0.5]), new BigUint64Array([2n ** 64n - 1n])],
      missing: undefined,
      list: [undefined, null],
      dollar: { $: "map", v: 1 },
      nested: { $: { $: "x" } },
    };
    expect(fromCanonical(toCanonical(value))).toEqual(value);
  });

  it("round-trips an arquero table to a table with the same rows", () => {
    const table = aq.table({ name: ["a", "b"], when: [new Date(0), null], n: [1, NaN] });
    const back = fromCanonical(toCanonical(table)) as typeof table;
    expect({ columns: back.columnNames(), rows: back.objects() }).toEqual({ columns: ["name", "when", "n"], rows: table.objects() });
  });
});

describe("NotDataError", () => {
  it("names the path of a function or class instance inside the value", () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const values = {
      fn: { rows: [0, 1, 2, { fn: () => 1 }] },
      instance: { rows: [0, 1, 2, { fn: new Point(1) }] },
      top: () => 1,
      symbol: { a: [Symbol("s")] },
      mapValue: new Map([["k", () => 1]]),
      setItem: { s: new Set([1, new Point(2)]) },
      weak: { w: new WeakMap() },
    };
    expect(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, notDataPath(v)]))).toEqual({
      fn: "rows[3].fn | cannot digest a function at rows[3].fn",
      instance: "rows[3].fn | cannot digest an instance of Point at rows[3].fn",
      top: " | cannot digest a function at the top level",
      symbol: "a[0] | cannot digest a symbol at a[0]",
      mapValue: "<k> | cannot digest a function at <k>",
      setItem: "s<1> | cannot digest an instance of Point at s<1>",
      weak: "w | cannot digest an instance of WeakMap at w",
    });
  });

  it("makes isData false for non-data and true for data", () => {
    expect([isData({ f: () => 1 }), isData(new (class A {})()), isData({ a: [new Date(0), 1n, new Map()] })]).toEqual([false, false, true]);
  });

  it("a cyclic value is not data, and the error names where the cycle closes", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(notDataPath(cyclic)).toBe("self | cannot digest a cycle at self");
  });

  it("an own '__proto__' key is part of the content", () => {
    const parsed: unknown = JSON.parse('{"__proto__": {"a": 1}}');
    expect(digest(parsed)).not.toBe(digest({}));
  });

  it("an array hole is not null", () => {
    expect(digest([, 1])).not.toBe(digest([null, 1]));
  });
});

describe("digest", () => {
  it("is hex SHA-256 of the canonical JSON text", () => {
    expect({
      abc: sha256Hex("abc"),
      value: digest({ b: 1, a: "é" }) === createHash("sha256").update('{"a":"é","b":1}', "utf8").digest("hex"),
    }).toEqual({ abc: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", value: true });
  });

  it("matches every fixture in tests/fixtures/digests.json, which the browser test checks too", () => {
    const actual = fixtures.cases.map(({ name, expr }) => {
      const value = evaluate(expr);
      const canonical = canonicalJson(value);
      return { name, expr, canonical, digest: digest(value) };
    });
    const independent = fixtures.cases.map((c) => createHash("sha256").update(c.canonical, "utf8").digest("hex"));
    expect({ actual, independent }).toEqual({ actual: fixtures.cases, independent: fixtures.cases.map((c) => c.digest) });
  });
});

describe("op versions", () => {
  it("match the fixture's notebook op, llm.op and scorer versions, which the browser test checks too", () => {
    const cases = fixtures.ops.cases as (OpCase & { version: string })[];
    expect(opVersions(cases)).toEqual(cases.map((c) => c.version));
  });
});

describe("a vary's cache keys, with the host's SHA-256 as `weft run` injects it", () => {
  afterEach(() => useHostSha256(null));
  /** Everything the fixture holds, as this process computes it now, and as the fixture says. */
  const { leafOps, compute, expected } = fixtureFigures(fixtures, evaluate);

  it("the fixture's leaf keys are SHA-256 of the canonical text callKey hashes, by node:crypto", () => {
    const rows = fixtureRows();
    const independent = fixtures.leaves.cases.map((l) => {
      if (l.key === null) return null;
      const version = leafOps.find((o) => o.opName === l.variant)!.version;
      const text = canonicalJson(["call", version, [toCanonical(rows[l.rowIndex]), JSON.parse(l.params)], l.trial]);
      return createHash("sha256").update(text, "utf8").digest("hex");
    });
    expect({ independent, keyed: fixtures.leaves.cases.filter((l) => l.key).length, variants: [...new Set(fixtures.leaves.cases.map((l) => l.variant))] }).toEqual({
      independent: fixtures.leaves.cases.map((l) => l.key),
      keyed: 48,
      variants: ["classify", "terse"],
    });
  });

  it("Node gives the fixture's digests, op versions (llm.op included) and leaf keys, with the portable SHA-256 and with Node's native one", () => {
    const portable = compute();
    useNodeSha256();
    expect({ portable, native: compute() }).toEqual({ portable: expected, native: expected });
  });
});
