import { randomUuid, type Call } from "../base/index.ts";
import { syncCarrier, type ContextCarrier } from "./context.ts";
import { createOp, type ActiveCall, type TracePlatform } from "./op.ts";

/** Keeps the most recent calls in memory and notifies listeners; the sink every op reports to. */
export class CallLog {
  private readonly calls = new Map<string, Call>();
  private readonly listeners = new Set<(call: Call) => void>();
  /**
   * Ids in the order they were recorded, from `head`: the oldest is evicted by its id. Taking
   * the Map's first key instead walks past every entry deleted before it (V8 keeps them as
   * holes until it rehashes), which made each call's end slower the longer the log was full.
   */
  private order: string[] = [];
  private head = 0;
  constructor(private readonly capacity = 50_000) {}

  /** Records a finished call, evicting the oldest beyond capacity. */
  ended(call: Call): void {
    const size = this.calls.size;
    this.calls.set(call.id, call);
    if (this.calls.size > size) this.order.push(call.id);
    while (this.calls.size > this.capacity) this.calls.delete(this.order[this.head++]!);
    if (this.head > this.capacity) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
    for (const l of this.listeners) l(call);
  }

  /** A call by id. */
  get(id: string): Call | undefined {
    return this.calls.get(id);
  }

  /** The calls whose parent is `id`, in start order. */
  children(id: string): Call[] {
    return [...this.calls.values()].filter((c) => c.parentId === id).sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Every call of one trace, in start order. */
  trace(traceId: string): Call[] {
    return [...this.calls.values()].filter((c) => c.traceId === traceId).sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Calls `listener` for every call that ends; returns the unsubscribe function. */
  subscribe(listener: (call: Call) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** A trace platform with a call log; pass an AsyncLocalStorage-backed carrier in Node for exact nesting. */
export function createTracing(options: { now?: () => number; newId?: () => string; context?: ContextCarrier<ActiveCall> } = {}) {
  const log = new CallLog();
  const platform: TracePlatform = {
    now: options.now ?? (() => Date.now()),
    newId: options.newId ?? randomUuid,
    context: options.context ?? syncCarrier<ActiveCall>(),
    sink: log,
  };
  return { log, platform, op: createOp(platform) };
}
