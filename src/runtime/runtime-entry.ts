import type { Variable } from "@observablehq/runtime";
import type { CellState } from "./cell-state.ts";
import { isGenerator } from "./placeholders.ts";
import type { RuntimeCell } from "./platform.ts";

/** What the runtime keeps per cell: its variables, state, key and the run it belongs to. */
export interface Entry {
  cell: RuntimeCell;
  main: Variable;
  outputs: Map<string, Variable>;
  state: CellState;
  /** The main variable's last value: the expression's value, or the object of the cell's outputs. */
  value: unknown;
  key: string | null;
  /** Incremented per run; displays from an older run are rejected. */
  version: number;
  displayVersion: number;
  /** Output names currently in error (duplicates), and whether the main variable itself succeeded. */
  outputErrors: Set<string>;
  mainOk: boolean;
  /** Output names whose variables are computing; a cell is not idle until they settle. */
  pendingOutputs: Set<string>;
  /** The value the cell holds and the key it was computed (or restored) under; null after an error or a redefinition. */
  settled: Settled | null;
  /**
   * The run the cell's current value belongs to: its key with every input that is a snapshot
   * (see RUN_TOKEN), or comes from a cell in such a run, replaced by that run; null when none is.
   */
  runIdentity: string | null;
  /** The run identity of the last computation that counted as a run. */
  countedRun: string | null;
  /** Whether the current value was computed from a snapshot still in progress (see IN_PROGRESS): not written to the cell cache. */
  inProgress: boolean;
}

/** A settled value and what it came from. */
export interface Settled {
  readonly key: string;
  readonly value: unknown;
  readonly status: "fulfilled" | "cached";
  readonly ms: number | null;
  /** Computed from a snapshot still in progress, so not written to the cell cache (yet). */
  readonly unstored?: boolean;
}

/** The output a cell displays in place of its return value (see Definition.display), if any. */
export function displayedOutput(entry: Entry): string | undefined {
  const compiled = entry.cell.compiled;
  return compiled.type === "definition" ? compiled.definition.display : undefined;
}

/** Whether a value is, or declares, a generator (it cannot be handed out twice). */
export function holdsGenerator(value: unknown): boolean {
  if (isGenerator(value)) return true;
  return !!value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype && Object.values(value).some(isGenerator);
}

/** Whether two versions of a cell compile and cache the same way (same kind, source, options and compile result). */
export function sameCell(a: RuntimeCell, b: RuntimeCell): boolean {
  return a.kind === b.kind && a.source === b.source && a.nocache === b.nocache && a.compiled.type === b.compiled.type;
}
