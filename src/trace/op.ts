import { canonicalJson, isThenable, NotDataError, toCanonical, type Json } from "../base/index.ts";
import { addUsage, type Call, type CallError, type ModelUsage } from "../base/index.ts";
import type { ContextCarrier } from "./context.ts";
import { sha256Hex } from "../base/index.ts";

// Shared by every call that has none (most of them): writers replace a call's usage and
// attributes objects, never change them, and these are frozen so that a change would throw.
const NO_USAGE: { [model: string]: ModelUsage } = Object.freeze({});
const NO_ATTRIBUTES: { [key: string]: Json } = Object.freeze({});

/** A call in progress: what nested calls and LLM clients add their usage and attributes to (each replaced, never changed). */
export class ActiveCall {
  usage: { [model: string]: ModelUsage } = NO_USAGE;
  cost: number | null = null;
  attributes: { [key: string]: Json } = NO_ATTRIBUTES;
  /** Aborts when the run this call belongs to is cancelled; LLM clients pass it to their HTTP requests. */
  signal: AbortSignal | undefined;
  constructor(readonly id: string, readonly traceId: string, readonly parentId: string | null) {}

  /** Records token usage of one model (and its cost, when priced) on this call. */
  addUsage(model: string, usage: Partial<ModelUsage>, cost: number | null): void {
    this.usage = addUsage(this.usage, model, cost === null ? usage : { ...usage, cost });
    if (cost !== null) this.cost = (this.cost ?? 0) + cost;
  }
}

/** What an op may say about a call before it runs, for the plan. */
export interface Estimate {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cost?: number;
  readonly model?: string;
  /** The call will spend money but its model has no price, so its cost is unknown. */
  readonly unpriced?: boolean;
  /** Why the call cannot be made at all (no LLM provider is configured for its model). */
  readonly unavailable?: string;
}

/** Where ops record calls, and the clock, ids and context carrier they use. */
export interface TracePlatform {
  /** Epoch milliseconds. */
  readonly now: () => number;
  readonly newId: () => string;
  readonly context: ContextCarrier<ActiveCall>;
  /** Receives every call when it ends (and when it starts, optionally). */
  readonly sink: { started?(call: Call): void; ended(call: Call): void };
}

/** Options of an op: a version context (a notebook cell's key), extra captured values, an estimator. */
export interface OpOptions<A extends unknown[]> {
  /** Folded into the version: in a notebook, the key of the cell that defines the op. */
  readonly context?: string;
  /** Values the function uses that its source does not show; folded into the version. */
  readonly captures?: Json;
  /**
   * Digested instead of the function's text: library ops set a stable identifier, because
   * their compiled text differs between the browser bundle and Node, and caches should match.
   */
  readonly source?: string;
  /** Estimates tokens and cost of a call before it runs, for plans. */
  readonly estimate?: (...args: A) => Estimate | Promise<Estimate>;
  /** Why a call cannot be made at all (its provider is not configured), or null; checked cheaply by a plan that computes no estimates. */
  readonly unavailable?: (...args: A) => string | null;
  /** Whether a thrown error may succeed on retry (default: status 429/5xx or `retryable: true`). */
  readonly retryable?: (error: unknown) => boolean;
  /** For scorers: the row columns the scorer reads; a row without one is an error naming the row and column. */
  readonly columns?: readonly string[];
  /** For scorers: facts of the scored call added to the scorer's input (cached calls keep theirs, so keys stay stable). */
  readonly callFacts?: readonly ("latency_ms" | "cost" | "tokens")[];
}

/** How an invocation attaches to the trace and the cache. */
export interface InvokeOptions {
  /** An explicit parent (the vary engine passes the scored call); default: the current call. */
  readonly parent?: ActiveCall | null;
  readonly key?: string;
  /** The call's attributes, kept as given (not copied): do not change the object afterwards. */
  readonly attributes?: { readonly [key: string]: Json };
  readonly signal?: AbortSignal;
  /** The arguments' canonical form (`toCanonical(args)`), when the caller already has it: the vary engine encodes each row once, not once per call. */
  readonly inputs?: Json;
}

/** A traced function. Calling it records a Call; `invoke` also returns the Call. */
export interface Op<A extends unknown[] = any[], R = unknown> {
  (...args: A): Promise<R>;
  readonly opName: string;
  /** Hex digest of the op's source, name and captured values. */
  readonly version: string;
  /** `name:version8`, the op's readable reference. */
  readonly ref: string;
  readonly options: OpOptions<A>;
  /** The text its version digests: the function's source, or the library identifier of `options.source`. */
  readonly sourceText: string;
  /** Runs the op and returns its output together with the recorded call (never throws: errors are on the call). */
  invoke(args: A, options?: InvokeOptions): Promise<{ call: Call; output: R | undefined }>;
  /** As `invoke`, but the outcome comes directly (no promise) when the function returned a value rather than a promise. */
  invokeEager(args: A, options?: InvokeOptions): { call: Call; output: R | undefined } | Promise<{ call: Call; output: R | undefined }>;
}

const OP = Symbol.for("weft.op");

/** Whether a value is an op. */
export function isOp(value: unknown): value is Op {
  return typeof value === "function" && (value as unknown as Record<symbol, unknown>)[OP] === true;
}

/** An op's version: digest of its name, source, context and captures. */
export function opVersion(name: string, fn: (...args: never[]) => unknown, context?: string, captures?: Json, source?: string): string {
  return sha256Hex(canonicalJson(["op", name, source ?? fn.toString(), context ?? null, captures ?? null]));
}

/** Returns the `op(name, fn, options)` factory bound to a trace platform. */
export function createOp(platform: TracePlatform) {
  return function op<A extends unknown[], R>(name: string, fn: (...args: A) => R | Promise<R>, options: OpOptions<A> = {}): Op<A, Awaited<R>> {
    if (typeof name !== "string" || !name) throw new Error("op needs a name: op(name, fn)");
    if (typeof fn !== "function") throw new Error(`op ${name} needs a function: op(name, fn)`);
    const version = opVersion(name, fn, options.context, options.captures, options.source);
    const ref = `${name}:${version.slice(0, 8)}`;

    type Outcome = { call: Call; output: Awaited<R> | undefined; thrown: unknown };

    // Runs the op, returning its outcome directly when the function returned a value (not a
    // promise): a synchronous op then costs no promise and no microtask, which under Node's
    // AsyncLocalStorage (a promise hook on every promise) is most of a no-op leaf's cost.
    function run(args: A, opts: InvokeOptions = {}): Outcome | Promise<Outcome> {
      const parent = opts.parent === undefined ? platform.context.get() ?? null : opts.parent;
      const id = platform.newId();
      const active = new ActiveCall(id, parent?.traceId ?? id, parent?.id ?? null);
      // Not copied: writers replace a call's attributes, never change them.
      if (opts.attributes) active.attributes = opts.attributes as { [key: string]: Json };
      active.signal = opts.signal ?? parent?.signal;
      const startedAt = platform.now();
      const inputs = opts.inputs ?? recordable(args);
      const key = opts.key;
      if (platform.sink.started) {
        const { traceId, parentId } = active;
        const rest = { output: null, error: null, endedAt: null, attributes: active.attributes, usage: {}, cost: null };
        platform.sink.started(key ? { id, traceId, parentId, op: ref, inputs, startedAt, key, ...rest } : { id, traceId, parentId, op: ref, inputs, startedAt, ...rest });
      }
      let returned: unknown;
      try {
        if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
        returned = platform.context.run(active, () => fn(...args));
      } catch (e) {
        return endCall(platform, ref, key, inputs, startedAt, active, parent, undefined, true, e);
      }
      if (!isThenable(returned)) return endCall(platform, ref, key, inputs, startedAt, active, parent, returned as Awaited<R>, false, undefined);
      // Inline callbacks, not named closures: the CLI build keeps names, which costs a call per closure made.
      return Promise.resolve(returned).then(
        (output) => endCall(platform, ref, key, inputs, startedAt, active, parent, output as Awaited<R>, false, undefined),
        (e: unknown) => endCall(platform, ref, key, inputs, startedAt, active, parent, undefined, true, e),
      );
    }

    const invoke = (args: A, opts: InvokeOptions = {}): Promise<{ call: Call; output: Awaited<R> | undefined }> => {
      const outcome = run(args, opts);
      return isThenable(outcome) ? outcome : Promise.resolve(outcome);
    };
    const callable = async (...args: A): Promise<Awaited<R>> => {
      const { call, output, thrown } = await run(args);
      if (call.error) throw thrown;
      return output as Awaited<R>;
    };
    Object.defineProperty(callable, "name", { value: ref });
    return Object.assign(callable, { opName: name, version, ref, options, sourceText: options.source ?? fn.toString(), invoke, invokeEager: run, [OP]: true }) as unknown as Op<A, Awaited<R>>;
  };
}

/** Records the call an op made once its function returned or threw (`failed`), and gives its outcome. */
function endCall<R>(platform: TracePlatform, ref: string, key: string | undefined, inputs: Json, startedAt: number, active: ActiveCall, parent: ActiveCall | null, output: R | undefined, failed: boolean, thrown: unknown): { call: Call; output: R | undefined; thrown: unknown } {
  const error = failed ? toCallError(thrown) : null;
  // Object literals of a fixed shape (no spreads): the engine makes one per call. The fields
  // keep their order (key after startedAt), so a call's JSON is as before.
  const { id, traceId, parentId, attributes, usage, cost } = active;
  const recorded = error ? null : recordable(output);
  const endedAt = platform.now();
  const call: Call = key
    ? { id, traceId, parentId, op: ref, inputs, startedAt, key, output: recorded, error, endedAt, attributes, usage, cost }
    : { id, traceId, parentId, op: ref, inputs, startedAt, output: recorded, error, endedAt, attributes, usage, cost };
  // A child's usage and cost count towards its parent's.
  if (parent) {
    for (const model in usage) parent.addUsage(model, usage[model]!, null);
    if (cost !== null) parent.cost = (parent.cost ?? 0) + cost;
  }
  platform.sink.ended(call);
  return { call, output: failed ? undefined : output, thrown };
}

/** The JSON form of call inputs/outputs; values that are not data are recorded as a readable placeholder. */
export function recordable(value: unknown): Json {
  // Strings, booleans, null and finite numbers (but -0) are their own canonical form.
  if (value === null || typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value) && !Object.is(value, -0))) return value as Json;
  try {
    return toCanonical(value);
  } catch (error) {
    if (!(error instanceof NotDataError)) throw error;
    return { $: "unrecordable", v: error.message };
  }
}

/** A thrown value as a CallError (message, stack, HTTP status when present). */
export function toCallError(e: unknown): CallError {
  if (e instanceof Error) {
    const status = (e as { status?: unknown }).status;
    return { message: e.message || e.name, ...(e.stack ? { stack: e.stack } : {}), ...(typeof status === "number" ? { status } : {}) };
  }
  return { message: String(e) };
}
