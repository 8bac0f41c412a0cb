// `weft/sdk`: trace an app's functions into a Weft collector. The same `op` as in notebooks
// (nested calls, usage, errors), with calls sent in batches to `POST /api/calls/batch`.
import { AsyncLocalStorage } from "node:async_hooks";
import { createOp, type ActiveCall, type Op, type OpOptions, type TracePlatform } from "../trace/index.ts";
import { CallBatcher, type BatcherOptions, type BatcherStats } from "./batcher.ts";

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
}

let client: WeftClient | null = null;

/** Creates the client `op` and `flush` use; call once at start-up. Calls are flushed when the process is about to exit. */
export function init(options: InitOptions = {}): WeftClient {
  const env = typeof process !== "undefined" ? process.env : {};
  const batcher = new CallBatcher({ ...options, url: options.url ?? env.WEFT_URL ?? "http://127.0.0.1:4318", ...(options.token ?? env.WEFT_TOKEN ? { token: options.token ?? env.WEFT_TOKEN } : {}) });
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
  };
  client = made;
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

export type { Op, OpOptions, BatcherStats };
