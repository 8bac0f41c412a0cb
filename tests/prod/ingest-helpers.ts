// Shared by the ingest tests: the captured client bodies (tests/fixtures/otlp, written by
// tests/fixtures/capture-otlp.ts and capture-weave.ts) and the store's documented merge rule
// for call patches, so tests can check what a call looks like once its patches met.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Json } from "../../src/base/index.ts";
import type { CallPatch } from "../../src/store/index.ts";

/** The bytes of a captured body. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/otlp/${name}`, import.meta.url))));
}

/** A captured JSON body, parsed. */
export function fixtureJson(name: string): unknown {
  return JSON.parse(new TextDecoder().decode(fixture(name)));
}

type Merged = { -readonly [K in keyof CallPatch]?: CallPatch[K] } & { id: string };

/**
 * Patches merged by id as trace-store.ts documents: a present scalar replaces; `inputs` and
 * `attributes` merge by top-level key when both are objects; `usage` merges by model.
 */
export function mergePatches(patches: readonly CallPatch[]): Map<string, Merged> {
  const calls = new Map<string, Merged>();
  for (const p of patches) {
    const prev: Merged = calls.get(p.id) ?? { id: p.id };
    const next: Merged = { ...prev };
    for (const [key, value] of Object.entries(p) as [keyof CallPatch, unknown][]) {
      if (value === undefined) continue;
      if ((key === "inputs" || key === "attributes") && isObject(prev[key]) && isObject(value)) next[key] = { ...(prev[key] as object), ...value } as never;
      else if (key === "usage" && prev.usage) next.usage = { ...prev.usage, ...(value as object) };
      else next[key] = value as never;
    }
    calls.set(p.id, next);
  }
  return calls;
}

function isObject(v: unknown): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
