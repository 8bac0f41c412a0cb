import { type Json } from "./canonical.ts";

/** Token usage of one model within a call. */
export interface ModelUsage {
  readonly requests: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Dollars spent on this model, when its price is known. */
  readonly cost?: number;
}

/** An error recorded on a call: message and stack, plus the HTTP status when a provider failed. */
export interface CallError {
  readonly message: string;
  readonly stack?: string;
  readonly status?: number;
}

/** One traced op invocation. Immutable once ended; `output` is null while running or on error. */
export interface Call {
  readonly id: string;
  readonly traceId: string;
  readonly parentId: string | null;
  /** `name:version` of the op. */
  readonly op: string;
  readonly inputs: Json;
  readonly output: Json | null;
  readonly error: CallError | null;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly attributes: { readonly [key: string]: Json };
  /** Usage by model name. */
  readonly usage: { readonly [model: string]: ModelUsage };
  /** Cost in US dollars, null when unknown. */
  readonly cost: number | null;
  /** The call cache key this call was stored under, when it was made through the cache. */
  readonly key?: string;
  /** Human and programmatic feedback attached later. */
  readonly feedback?: readonly Json[];
}

/** A reference to a call: what table rows and plot marks keep to drill down. */
export type CallRef = string & { readonly __brand: "CallRef" };

/** The ref of a call. */
export function callRef(call: Pick<Call, "id">): CallRef {
  return call.id as CallRef;
}

/** Total input + output tokens of a call over all models. */
export function totalTokens(call: Pick<Call, "usage">): number {
  let n = 0;
  for (const u of Object.values(call.usage)) n += u.inputTokens + u.outputTokens;
  return n;
}

/** Adds usage of one model to a usage map, returning a new map. */
export function addUsage(usage: { readonly [model: string]: ModelUsage }, model: string, add: Partial<ModelUsage>): { [model: string]: ModelUsage } {
  const prev = usage[model] ?? { requests: 0, inputTokens: 0, outputTokens: 0 };
  const cost = prev.cost === undefined && add.cost === undefined ? undefined : (prev.cost ?? 0) + (add.cost ?? 0);
  return {
    ...usage,
    [model]: { requests: prev.requests + (add.requests ?? 0), inputTokens: prev.inputTokens + (add.inputTokens ?? 0), outputTokens: prev.outputTokens + (add.outputTokens ?? 0), ...(cost !== undefined ? { cost } : {}) },
  };
}

/** One score of a call, under the name the notebook gave its scorer. */
export interface CallScore {
  readonly value: unknown;
  readonly error: string | null;
  readonly call: Call | null;
}

/** What a call was in the evaluation that made it: the variant, its parameters, the data row, the trial, and its scores by the notebook's names. */
export interface CallContext {
  readonly variant: string;
  readonly params: Readonly<Record<string, Json>>;
  readonly rowIndex: number;
  readonly row: Readonly<Record<string, unknown>>;
  readonly trial: number;
  readonly scores: Readonly<Record<string, CallScore>>;
}

/** Where the calls behind table rows can be looked up by ref: a vary result, or a page of production calls. */
export interface CallSource {
  /** The calls with these refs, in the given order (unknown refs are skipped). */
  calls(refs: Iterable<string | null | undefined>): Call[];
  /** Scorer calls made on the call with this ref (none for production calls). */
  scorerCalls(ref: string): Call[];
  /** The evaluation context of the call with this ref (a vary result knows it; production calls have none). */
  context?(ref: string): CallContext | null;
}

const CALL_SOURCE = Symbol.for("weft.callSource");

/** Attaches a call source to a table (or any object) so charts of it can drill down to its calls; returns the same object. */
export function withCallSource<T extends object>(value: T, source: CallSource): T {
  Object.defineProperty(value, CALL_SOURCE, { value: source, enumerable: false });
  return value;
}

/** The call source attached to a value, if any. */
export function callSourceOf(value: unknown): CallSource | null {
  return value && typeof value === "object" ? ((value as Record<symbol, CallSource | undefined>)[CALL_SOURCE] ?? null) : null;
}

/** A call source over calls held in memory (a fetched page). */
export function memoryCallSource(calls: readonly Call[]): CallSource {
  const byId = new Map(calls.map((c) => [c.id, c]));
  return {
    calls: (refs) => [...refs].flatMap((r) => (r && byId.has(r) ? [byId.get(r)!] : [])),
    scorerCalls: () => [],
  };
}
