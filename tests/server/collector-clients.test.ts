// Real tracing clients, unchanged, send to a real collector over HTTP on 127.0.0.1, with a
// real DuckDB store on disk; each app calls the `openai` SDK against the local stub. The
// test checks what was stored: the model, the tokens the stub counted, the messages, the
// error, and the parent/child tree.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { encode } from "gpt-tokenizer";
import type { Call } from "../../src/base/index.ts";
import { DEFAULT_PRICES, costOf } from "../../src/llm/index.ts";
import { startCollectServer, type CollectServer } from "../../src/server/collect-server.ts";
import { serverPromptTokens, startLoopbackServer, type LoopbackServer } from "../../src/server/stub-llm.ts";
import { openDuckDbTraceStore } from "../../src/store/node.ts";
import type { TraceStore } from "../../src/store/index.ts";
import { MODEL, QUESTION, SYSTEM } from "../prod/clients/scenario.ts";

const CLIENT_TIMEOUT_MS = 60_000;

interface Running {
  dir: string;
  store: TraceStore;
  server: CollectServer;
  stub: LoopbackServer;
}
let running: Running | null = null;

async function start(): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), "weft-clients-"));
  const store = await openDuckDbTraceStore(join(dir, "traces.duckdb"), { prices: DEFAULT_PRICES });
  const server = await startCollectServer({ store, port: 0, prices: DEFAULT_PRICES });
  const stub = await startLoopbackServer({ models: [MODEL] });
  running = { dir, store, server, stub };
  return running;
}

afterEach(async () => {
  if (!running) return;
  await running.server.close();
  await running.stub.close();
  rmSync(running.dir, { recursive: true, force: true });
  running = null;
});

/** Runs a client app as a child process (instrumentations patch `openai` globally); resolves with what it printed last. */
function runClient(name: string, env: Record<string, string>): Promise<{ answer: string; failure: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join("tests/prod/clients", `${name}.ts`)], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} timed out; stderr: ${err}`));
    }, CLIENT_TIMEOUT_MS);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) return reject(new Error(`${name} exited with ${code}: ${err}\n${out}`));
      try {
        resolve(JSON.parse(last) as { answer: string; failure: string });
      } catch {
        reject(new Error(`${name} printed no result: ${out}\n${err}`));
      }
    });
  });
}

/** Waits (bounded) until the store holds calls satisfying `done`. */
async function settle(store: TraceStore, done: (calls: Call[]) => boolean): Promise<Call[]> {
  let calls: Call[] = [];
  for (let i = 0; i < 100; i++) {
    calls = await store.query({ limit: 1000, orderBy: [{ field: "started_at" }] });
    if (done(calls)) return calls;
    await new Promise((r) => setTimeout(r, 100));
  }
  return calls;
}

/** The text an LLM call answered: a normalized `{content}` or a raw chat completion. */
function answerOf(call: Call): string {
  const o = call.output as { content?: unknown; choices?: { message?: { content?: unknown } }[] } | null;
  return String(o?.content ?? o?.choices?.[0]?.message?.content ?? "");
}

function messagesOf(call: Call): { role: string; content: string }[] {
  return ((call.inputs as { messages?: { role: string; content: string }[] } | null)?.messages ?? []).map((m) => ({ role: m.role, content: typeof m.content === "string" ? m.content : JSON.stringify(m.content) }));
}

/** The checks every client shares: an LLM call with the stub's tokens and the messages, under the app's root call, and the failed call. */
function checkStored(calls: Call[], result: { answer: string; failure: string }, options: { messages: boolean }): void {
  const llm = calls.find((c) => c.usage[MODEL] && !c.error && answerOf(c) === result.answer) ?? calls.find((c) => c.usage[MODEL] && !c.error);
  expect(llm, `an LLM call among ${calls.map((c) => c.op).join(", ")}`).toBeDefined();
  const usage = llm!.usage[MODEL]!;
  expect(usage.inputTokens).toBe(serverPromptTokens([{ role: "system", content: SYSTEM }, { role: "user", content: QUESTION }]));
  expect(usage.outputTokens).toBe(encode(result.answer).length);
  expect(llm!.cost).toBeCloseTo(costOf(MODEL, usage.inputTokens, usage.outputTokens, DEFAULT_PRICES)!, 12);
  if (options.messages) {
    expect(messagesOf(llm!)).toEqual([{ role: "system", content: SYSTEM }, { role: "user", content: QUESTION }]);
    expect(answerOf(llm!)).toBe(result.answer);
  }
  const root = calls.find((c) => c.id === llm!.parentId);
  expect(root, "the LLM call's parent is stored").toBeDefined();
  expect(root!.op.split(":")[0]).toContain("answer_question");
  expect(root!.traceId).toBe(llm!.traceId);
  expect(calls.some((c) => c.error !== null)).toBe(true);
  expect(result.failure).not.toBe("did not fail");
}

describe("real tracing clients into the collector", () => {
  it.each(["proto", "http"])("OpenTelemetry with instrumentation-openai, the -otlp-%s exporters (spans and message log records)", async (exporter) => {
    const { server, store, stub } = await start();
    const result = await runClient("otel-client", { COLLECTOR_URL: server.url, STUB_URL: stub.baseURL, EXPORTER: exporter });
    const calls = await settle(store, (cs) => cs.some((c) => c.usage[MODEL] && messagesOf(c).length === 2 && answerOf(c)) && cs.some((c) => c.error));
    checkStored(calls, result, { messages: true });
    const llm = calls.find((c) => c.usage[MODEL] && !c.error)!;
    expect(llm.attributes["service.name"]).toBe(`otel-${exporter}-app`);
  }, 90_000);

  it("OpenInference (Arize) instrumentation", async () => {
    const { server, store, stub } = await start();
    const result = await runClient("openinference-client", { COLLECTOR_URL: server.url, STUB_URL: stub.baseURL });
    // OpenInference exports no span for a failed call; the app's own failure is all there is.
    const calls = await settle(store, (cs) => cs.some((c) => c.usage[MODEL] && answerOf(c)) && cs.length >= 2);
    const llm = calls.find((c) => c.usage[MODEL])!;
    expect(messagesOf(llm)).toEqual([{ role: "system", content: SYSTEM }, { role: "user", content: QUESTION }]);
    expect(answerOf(llm)).toBe(result.answer);
    expect(llm.usage[MODEL]!.outputTokens).toBe(encode(result.answer).length);
    expect(calls.find((c) => c.id === llm.parentId)?.op).toContain("answer_question");
  }, 90_000);

  it("the W&B Weave SDK, unchanged, through WF_TRACE_SERVER_URL", async () => {
    const { server, store, stub } = await start();
    const result = await runClient("weave-client", { WF_TRACE_SERVER_URL: `${server.url}/weave`, WANDB_API_KEY: "any-key-on-loopback", STUB_URL: stub.baseURL });
    const calls = await settle(store, (cs) => cs.some((c) => c.usage[MODEL] && c.endedAt !== null) && cs.some((c) => c.error));
    checkStored(calls, result, { messages: true });
    expect(server.collector.stats.refused).toBe(0);
  }, 90_000);

  it("weft/sdk: nested ops, usage and errors in batches", async () => {
    const { server, store, stub } = await start();
    const result = await runClient("sdk-client", { COLLECTOR_URL: server.url, STUB_URL: stub.baseURL });
    const calls = await settle(store, (cs) => cs.length >= 3);
    const llm = calls.find((c) => c.op.startsWith("openai.chat"))!;
    expect(llm.usage[MODEL]!.outputTokens).toBe(encode(result.answer).length);
    expect(llm.output).toBe(result.answer);
    expect(calls.find((c) => c.id === llm.parentId)?.op).toMatch(/^answer_question:/);
    expect(calls.find((c) => c.op.startsWith("failing_step"))?.error?.message).toContain("404");
    expect(calls.find((c) => c.parentId === null && c.op.startsWith("answer_question"))?.attributes["service.name"]).toBe("sdk-app");
  }, 90_000);
});
