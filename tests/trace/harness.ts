import { AsyncLocalStorage } from "node:async_hooks";
import { openMemoryStore } from "../../src/store/index.ts";
import { CallCache, createTracing, type ActiveCall, type ContextCarrier } from "../../src/trace/index.ts";

/** An AsyncLocalStorage carrier: exact parent tracking across awaits, as the Node host uses. */
export function asyncCarrier(): ContextCarrier<ActiveCall> {
  const als = new AsyncLocalStorage<ActiveCall>();
  return { run: (value, fn) => als.run(value, fn), get: () => als.getStore() };
}

/** Tracing with deterministic ids and clock. */
export function tracing(context?: ContextCarrier<ActiveCall>) {
  let id = 0;
  let t = 1_000;
  return createTracing({ newId: () => `call-${++id}`, now: () => (t += 5), ...(context ? { context } : {}) });
}

/** A fresh call cache on an in-memory store. */
export async function callCache(): Promise<CallCache> {
  return new CallCache(await openMemoryStore());
}
