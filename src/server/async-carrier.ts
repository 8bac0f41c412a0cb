import { AsyncLocalStorage } from "node:async_hooks";
import { type ActiveCall, type ContextCarrier } from "../trace/index.ts";

/** The Node host's call context: AsyncLocalStorage, exact across awaits. */
export function asyncCarrier(): ContextCarrier<ActiveCall> {
  const als = new AsyncLocalStorage<ActiveCall>();
  return { run: (value, fn) => als.run(value, fn), get: () => als.getStore() };
}
