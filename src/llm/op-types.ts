import type { Call, Json, ModelUsage } from "../base/index.ts";

// What the llm client needs of the engine that traces its calls, declared here so that llm
// sits below the engine: the engine's `op` factory, `ActiveCall` and context carrier satisfy
// these interfaces structurally, and the host (src/stdlib) passes them in.

/** What a plan may know about a call before it runs: tokens, cost, model, or that its model has no price. */
export interface LlmEstimate {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cost?: number;
  readonly model?: string;
  readonly unpriced?: boolean;
  /** Why the request cannot be made at all: no provider is configured for it. */
  readonly unavailable?: string;
}

/** The options the client gives the ops it makes: a stable source, captures, a version context, an estimator. */
export interface LlmOpOptions<A extends unknown[]> {
  readonly context?: string;
  readonly captures?: Json;
  readonly source?: string;
  readonly estimate?: (...args: A) => LlmEstimate | Promise<LlmEstimate>;
  readonly unavailable?: (...args: A) => string | null;
}

/** A traced op as the client uses it: callable, invokable with a signal, and carrying the identity a vary needs. */
export interface LlmOp<A extends unknown[], R> {
  (...args: A): Promise<R>;
  readonly opName: string;
  readonly version: string;
  readonly ref: string;
  readonly options: LlmOpOptions<A>;
  /** The text its version digests. */
  readonly sourceText: string;
  /** Runs the op; never throws: a failure is the returned call's error. */
  invoke(args: A, options?: { readonly signal?: AbortSignal }): Promise<{ call: Call; output: R | undefined }>;
  /** As `invoke`, but the outcome comes directly when the op returned a value rather than a promise. */
  invokeEager(args: A, options?: { readonly signal?: AbortSignal }): { call: Call; output: R | undefined } | Promise<{ call: Call; output: R | undefined }>;
}

/** The `op(name, fn, options)` factory the client makes its traced ops with. */
export type LlmOpFactory = <A extends unknown[], R>(name: string, fn: (...args: A) => R, options?: LlmOpOptions<A>) => LlmOp<A, Awaited<R>>;

/** The call in progress, which a request records its usage, cost and attempts on. */
export interface LlmActiveCall {
  attributes: { readonly [key: string]: Json };
  /** Aborts when the run the call belongs to is cancelled. */
  readonly signal: AbortSignal | undefined;
  addUsage(model: string, usage: Partial<ModelUsage>, cost: number | null): void;
}

/** Where the client finds the call in progress. */
export interface LlmContext {
  get(): LlmActiveCall | undefined;
}
