// `weft/sdk`: trace an app's functions into a Weft collector. The same `op` as in notebooks
// (nested calls, usage, errors), with calls sent in batches to `POST /api/calls/batch`.
import { AsyncLocalStorage } from "node:async_hooks";
import { createOp, type ActiveCall, type Op, type OpOptions, type TracePlatform } from "../trace/index.ts";
import { CallBatcher, type BatcherOptions, type BatcherStats } from "./batcher.ts";
import { promptFetcher, PromptFetchError, PROMPT_TTL_MS, type GetPromptOptions } from "./prompts.ts";
import type { Prompt, PromptSpec, PromptMessage } from "../base/index.ts";

/** Options of `init`: the collector's URL (default `http://127.0.0.1:4318` or `$WEFT_URL`), its token, and batching. */
export interface InitOptions extends Partial<BatcherOptions> {
  /** Attributes added to every root call (for example `{"service.name": "support-bot"}`). */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

/** A client: `op` to trace functions, `flush` to send what is buffered, `stats` for counters. */
export interface WeftClient {
  op<A extends unknown[], R>(name: string, fn: (...args: A) => R | Promise<R>, options?: OpOptions<A>): Op<A, Awaited<R>>;
  /** The call running now (inside an op), to record usage or attributes on it. */
  current(): ActiveCall | undefined;
  flush(): Promise<void>;
  stats(): Readonly<BatcherStats>;
  /** Sends feedback on a call (a user's 👍, a note, an annotation); resolves with the stored rows, rejects with the collector's message. */
  feedback(callId: string, feedback: FeedbackBody): Promise<unknown[]>;
}

/** Feedback on one call: `{emoji: "👍"}`, `{note: "wrong order number"}`, or `{name: "label", value: "billing"}` (a declared annotation); `author` defaults to "anonymous". */
export type FeedbackBody = ({ readonly emoji: string } | { readonly note: string } | { readonly name: string; readonly value: string | number }) & { readonly author?: string; readonly authorKind?: "human" | "llm" | "code" };

let client: WeftClient | null = null;
let collector: { url: string; token?: string } | null = null;
let fetchPrompt: ReturnType<typeof promptFetcher> | null = null;

/** Creates the client `op` and `flush` use; call once at start-up. Calls are flushed when the process is about to exit. */
export function init(options: InitOptions = {}): WeftClient {
  const env = typeof process !== "undefined" ? process.env : {};
  const url = options.url ?? env.WEFT_URL ?? "http://127.0.0.1:4318";
  const token = options.token ?? env.WEFT_TOKEN;
  const batcher = new CallBatcher({ ...options, url, ...(token ? { token } : {}) });
  const als = new AsyncLocalStorage<ActiveCall>();
  const platform: TracePlatform = {
    now: () => Date.now(),
    newId: () => globalThis.crypto.randomUUID(),
    context: { run: (value, fn) => als.run(value, fn), get: () => als.getStore() },
    sink: { ended: (call) => batcher.add(options.attributes && call.parentId === null ? { ...call, attributes: { ...options.attributes, ...call.attributes } } : call) },
  };
  const make = createOp(platform);
  const made: WeftClient = {
    op: (name, fn, opOptions) => make(name, fn, opOptions),
    current: () => als.getStore(),
    flush: () => batcher.flush(),
    stats: () => ({ ...batcher.stats }),
    feedback: (callId, body) => sendFeedback(url, token, options.fetch ?? fetch, callId, body),
  };
  client = made;
  collector = { url, ...(token ? { token } : {}) };
  if (typeof process !== "undefined") process.once("beforeExit", () => void batcher.flush());
  return made;
}

/** Traces a function as an op of the client made by `init` (nested ops form one trace). */
export function op<A extends unknown[], R>(name: string, fn: (...args: A) => R | Promise<R>, options?: OpOptions<A>): Op<A, Awaited<R>> {
  return (client ?? init()).op(name, fn, options);
}

/** Sends every buffered call; resolves when they are sent (or given up on after retries). */
export function flush(): Promise<void> {
  return client ? client.flush() : Promise.resolve();
}

/** Sends feedback on a call through the client made by `init`. */
export function feedback(callId: string, body: FeedbackBody): Promise<unknown[]> {
  return (client ?? init()).feedback(callId, body);
}

async function sendFeedback(url: string, token: string | undefined, fetchImpl: typeof fetch, callId: string, body: FeedbackBody): Promise<unknown[]> {
  const kind = "emoji" in body ? "reaction" : "note" in body ? "note" : "annotation";
  const response = await fetchImpl(`${url.replace(/\/$/, "")}/api/feedback`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ call: callId, kind, ...body }),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = (await response.json().catch(() => ({}))) as { feedback?: unknown[]; error?: string };
  if (!response.ok) throw new Error(`weft: feedback on ${callId} refused: ${answer.error ?? `HTTP ${response.status}`}`);
  return answer.feedback ?? [];
}

/**
 * A prompt version from the collector (`GET /api/prompts/NAME?label=production` by default), cached
 * for `ttlMs` (60 s); `render(vars)` gives its messages, and a call traced while it renders records
 * the prompt's name, version and digest. Network errors and 5xx answers use the last copy, else
 * `fallback` (with a warning), else throw; a 404 throws unless `fallbackOnMissing` is set.
 */
export function getPrompt(name: string, options?: GetPromptOptions): Promise<Prompt> {
  fetchPrompt ??= promptFetcher({
    current: () => client?.current(),
    defaults: () => collector ?? { url: (typeof process !== "undefined" ? process.env.WEFT_URL : undefined) ?? "http://127.0.0.1:4318" },
  });
  return fetchPrompt(name, options);
}

export { promptFetcher, PromptFetchError, PROMPT_TTL_MS };
export type { Op, OpOptions, BatcherStats, GetPromptOptions, Prompt, PromptSpec, PromptMessage };
