import type { CellId, Compiled } from "../notebook/index.ts";
import { type Json } from "../base/index.ts";

/** Persistent storage for cell values, keyed by cell key. Errors on put are reported, not thrown at cells. */
export interface CellCache {
  get(key: string): Promise<Json | undefined>;
  put(key: string, value: Json): Promise<void>;
}

/** The platform a notebook runs on: its standard library, clock, cache and input observer. */
export interface RuntimePlatform {
  /** The standard library: names every cell can use (Plot, aq, html, md, Inputs, …). */
  readonly builtins: Readonly<Record<string, unknown>>;
  /**
   * Builtins computed when a cell first uses them: each function is a variable definition,
   * so it may return a value, a promise (a library loaded on demand) or a generator (`now`,
   * `width`), which the runtime iterates.
   */
  readonly builtinDefinitions?: Readonly<Record<string, () => unknown>>;
  /** Milliseconds from some fixed origin, for run timings. */
  readonly now: () => number;
  /** The cell cache; without one nothing is cached. */
  readonly cache?: CellCache;
  /** Turns an input element into a generator of its values, for `view(…)`. */
  readonly input?: (element: unknown) => AsyncGenerator<unknown> | Generator<unknown>;
  /** Where cache write failures and other non-cell problems are reported. */
  readonly report?: (message: string) => void;
  /**
   * Builtins made per cell run, from what the runtime knows of that run: the cell's key
   * (its execution path) and its invalidation signal. The trace layer's `op` uses the key as
   * the op's version context, so an op's version covers the values its cell captures.
   */
  readonly cellBuiltins?: Readonly<Record<string, (run: CellRun) => unknown>>;
}

/** What a per-cell builtin knows about the run it is made for. */
export interface CellRun {
  readonly id: CellId;
  /** The cell's execution-path key, or null when an input could not be digested. */
  readonly key: string | null;
  readonly signal: AbortSignal;
  /** Shows a value in the cell (as `display` does), e.g. a progress view. */
  readonly display: (value: unknown) => unknown;
}

/** A cell as the runtime sees it: identity, what it is, and its compiled form. */
export interface RuntimeCell {
  readonly id: CellId;
  readonly kind: string;
  readonly source: string;
  readonly compiled: Compiled;
  /** `nocache` option set: never read from nor written to the cell cache. */
  readonly nocache: boolean;
}
