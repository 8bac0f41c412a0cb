import * as aq from "arquero";
import { expect, it } from "vitest";
import { canonicalJson } from "../../src/base/index.ts";
import { digest } from "../../src/base/index.ts";
import fixtures from "../fixtures/digests.json";
import { opVersions, type OpCase } from "../fixtures/op-versions.ts";

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
