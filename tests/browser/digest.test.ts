import * as aq from "arquero";
import { afterEach, expect, it } from "vitest";
import { canonicalJson, sha256Hex, toCanonical, useHostSha256 } from "../../src/base/index.ts";
import { digest } from "../../src/base/index.ts";
import { useWasmSha256 } from "../../src/ui/wasm-sha256.ts";
import fixtures from "../fixtures/digests.json";
import { fixtureFigures, fixtureRows, opVersions, type OpCase } from "../fixtures/op-versions.ts";

// The cross-platform proof: the fixtures were computed in Node (tests/trace/digest.test.ts
// checks them there); here Chromium must produce the same canonical text and digests,
// and its own SubtleCrypto must agree with the digests.
const evaluate = (expr: string): unknown => new Function("aq", `return (${expr});`)(aq);

async function subtleSha256(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

it("Chromium gives the same canonical JSON and digests as Node for every fixture", async () => {
  const actual = fixtures.cases.map(({ name, expr }) => {
    const value = evaluate(expr);
    return { name, expr, canonical: canonicalJson(value), digest: digest(value) };
  });
  const subtle = await Promise.all(fixtures.cases.map((c) => subtleSha256(c.canonical)));
  expect({ actual, subtle }).toEqual({ actual: fixtures.cases, subtle: fixtures.cases.map((c) => c.digest) });
});

it("Chromium gives the same op versions as Node: a notebook op, an llm.op (its library wrapper bundled differently) and a scorer", () => {
  const cases = fixtures.ops.cases as (OpCase & { version: string })[];
  expect(opVersions(cases)).toEqual(cases.map((c) => c.version));
});

afterEach(() => useHostSha256(null));

it("Chromium gives the same leaf keys as Node for a vary over a notebook op and an llm.op, with the portable SHA-256 and with the editor's WebAssembly one", async () => {
  const { leafOps, compute, expected } = fixtureFigures(fixtures, evaluate);
  const portable = compute();
  const warnings: string[] = [];
  const wasm = await useWasmSha256((message) => warnings.push(message));
  const withWasm = compute();
  // SubtleCrypto over the canonical text callKey hashes, independently of both.
  const rows = fixtureRows();
  const subtle = await Promise.all(
    fixtures.leaves.cases.map((l) => {
      if (l.key === null) return null;
      const version = leafOps.find((o) => o.opName === l.variant)!.version;
      return subtleSha256(canonicalJson(["call", version, [toCanonical(rows[l.rowIndex]), JSON.parse(l.params)], l.trial]));
    }),
  );
  expect({ wasm, warnings, portable, withWasm, subtle, abc: sha256Hex("abc") }).toEqual({
    wasm: true,
    warnings: [],
    portable: expected,
    withWasm: expected,
    subtle: fixtures.leaves.cases.map((l) => l.key),
    abc: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  });
});
