// Production calls for the ingest benchmark, as an instrumented support bot makes them: per
// trace a `predict:3f9a2c` root and its `openai.chat` child (model, messages, usage by
// model, 4% failing with a 429), spread evenly over 30 days. Used for Weft JSON request
// bodies (`POST /api/calls/batch`) and for the stored data set that queries run against.

import type { CallPatch } from "../../src/store/node.ts";

export const DAYS = 30;
/** The end of the stored 30 days (epoch ms). */
export const END = Date.UTC(2026, 10, 1);
const MODELS = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini"] as const;

/** A small deterministic PRNG, so every run writes the same calls. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

/** The two calls of trace `t` (of `traces` over 30 days): a root and its chat child. `idOf(n)` names call n. */
export function traceCalls(t: number, traces: number, r: () => number, idOf: (n: number) => string): [CallPatch, CallPatch] {
  const start = END - DAYS * 86_400_000 + Math.floor((t / traces) * DAYS * 86_400_000);
  const chatMs = 200 + Math.floor(r() * r() * 4000);
  const model = MODELS[Math.floor(r() * MODELS.length)]!;
  const failed = r() < 0.04;
  const question = `How do I reset the password of account ${Math.floor(r() * 1e6)}?`;
  const rootId = idOf(2 * t);
  const traceId = `${rootId}${rootId}`;
  const usage = { [model]: { requests: 1, inputTokens: 300 + Math.floor(r() * 900), outputTokens: failed ? 0 : 20 + Math.floor(r() * 400) } };
  const child: CallPatch = {
    id: idOf(2 * t + 1), traceId, parentId: rootId, op: "openai.chat", startedAt: start + 5, endedAt: start + 5 + chatMs,
    inputs: { model, messages: [{ role: "system", content: "You are a helpful support agent." }, { role: "user", content: question }], temperature: 0.2 },
    output: failed ? null : { role: "assistant", content: "Open Settings, then Security, then Reset password." },
    error: failed ? { message: "429 Too Many Requests", status: 429 } : null,
    attributes: { "gen_ai.system": "openai", "gen_ai.request.model": model, "service.name": "support-bot", "deployment.environment.name": "production" }, usage,
  };
  const root: CallPatch = {
    id: rootId, traceId, parentId: null, op: "predict:3f9a2c", startedAt: start, endedAt: start + chatMs + 12,
    inputs: { question }, output: failed ? null : { answer: "Open Settings, then Security, then Reset password." },
    error: failed ? { message: "the model call failed" } : null, attributes: { "service.name": "support-bot", "deployment.environment.name": "production" },
  };
  return [root, child];
}

// Weft JSON bodies: a template whose ids all start with MAGIC (8 hex digits); a request writes its own 8 digits over each.
const MAGIC = "5eedf00d";

/** A Weft JSON batch of `calls` calls and where its id prefixes are. */
export interface JsonTemplate {
  readonly body: Buffer;
  readonly calls: number;
  readonly offsets: Uint32Array;
}

/** Builds the template body `{calls: [...]}` (the `Call` shape, as a Weft client sends it). */
export function jsonTemplate(calls = 1000): JsonTemplate {
  const r = rng(11);
  const traces = calls / 2;
  const list: CallPatch[] = [];
  for (let t = 0; t < traces; t++) list.push(...traceCalls(t, traces, r, (n) => `${MAGIC}-${n.toString(16).padStart(8, "0")}`));
  // Weft clients send whole calls: cost null lets the collector price the usage.
  const body = Buffer.from(JSON.stringify({ calls: list.map((c) => ({ ...c, cost: null })) }));
  const offsets: number[] = [];
  for (let at = body.indexOf(MAGIC); at >= 0; at = body.indexOf(MAGIC, at + MAGIC.length)) offsets.push(at);
  return { body, calls: list.length, offsets: Uint32Array.from(offsets) };
}

/** A copy of the template whose ids all start with `prefix` (unique per request). */
export function jsonBodyWithPrefix(t: JsonTemplate, prefix: number): Buffer {
  const b = Buffer.from(t.body);
  const hex = (prefix >>> 0).toString(16).padStart(8, "0");
  for (const at of t.offsets) b.write(hex, at, "latin1");
  return b;
}
