import type { CompileError } from "../notebook/index.ts";

/** Where a cell is in its life: waiting on inputs, running, settled from a run or from the cache, or failed. */
export type CellStatus = "queued" | "running" | "fulfilled" | "cached" | "error";

/**
 * A cell error as shown to the user: a message and, when known, where in the cell; for an
 * error that came from an input, which input and the cell defining it (so the UI can link it).
 */
export type CellError = CompileError & { readonly input?: { readonly name: string; readonly cell: string } };

/** Everything the UI and the runner know about one cell; replaced, never mutated, on each transition. */
export interface CellState {
  readonly status: CellStatus;
  /** How many times the cell's code actually ran (cache restores do not count). */
  readonly runs: number;
  /** Duration of the last run or restore, in ms. */
  readonly ms: number | null;
  /** The cell's value: the expression's value, or an object of its declarations. */
  readonly value: unknown;
  /** Whether the value is shown by default (an expression cell, an md cell). */
  readonly autodisplay: boolean;
  /** Values passed to `display(…)` during the current run. */
  readonly displays: readonly unknown[];
  readonly error: CellError | null;
  /** Set when the value could not be written to the cache; the cell itself still succeeded. */
  readonly cacheWarning: string | null;
  /** Names the cell defines. */
  readonly names: readonly string[];
  /** A generator of this run (not a view's input) is still producing values; stopping the cell ends it. */
  readonly streaming: boolean;
  /** The current value of each defined name (a view's latest input value, not its generator). */
  readonly exports: Readonly<Record<string, unknown>>;
}

/** The state of a cell that has just been defined and not yet computed. */
export function initialState(names: readonly string[], autodisplay: boolean): CellState {
  return { status: "queued", runs: 0, ms: null, value: undefined, autodisplay, displays: [], error: null, cacheWarning: null, names, exports: {}, streaming: false };
}

/** Turns anything thrown by a cell into a CellError, keeping a located compile error as it is. */
export function toCellError(error: unknown): CellError {
  if (error && typeof error === "object" && "message" in error) {
    const e = error as { message: unknown; line?: unknown; column?: unknown };
    const out: { message: string; line?: number; column?: number } = { message: String(e.message) };
    if (typeof e.line === "number") out.line = e.line;
    if (typeof e.column === "number") out.column = e.column;
    return out;
  }
  return { message: String(error) };
}
