import type { Cell } from "./types.ts";

/** What the runtime needs to define a cell: a function source plus its names. */
export interface Definition {
  /** JavaScript source of a function expression taking `inputs` in order. */
  readonly body: string;
  /** Free references, in parameter order. */
  readonly inputs: readonly string[];
  /** Top-level declarations the cell exports to the notebook. */
  readonly outputs: readonly string[];
  /** Whether the cell's return value is displayed (expression cells). */
  readonly autodisplay: boolean;
  /**
   * The output the cell displays instead of its return value, when it has one (an ojs cell
   * `x = …` shows the current value of x; `viewof x = …` its input element). Requires autodisplay.
   */
  readonly display?: string;
}

/** A compile failure, with a 1-based line and 0-based column when known. */
export interface CompileError {
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/** The result of compiling one cell: a definition, an error, or nothing to run (prose of an unknown kind). */
export type Compiled =
  | { readonly type: "definition"; readonly definition: Definition }
  | { readonly type: "error"; readonly error: CompileError }
  | { readonly type: "static" };

/** A cell kind plugin: `cells/js.ts`, `cells/md.ts`, … registered by name. */
export interface CellKind {
  readonly kind: string;
  /** The CodeMirror language the editor should use for this kind's source. */
  readonly language: "javascript" | "typescript" | "markdown" | "text";
  /** Turns a cell's source into a runtime definition or a located error. */
  compile(cell: Cell): Compiled;
  /**
   * For a kind whose compiler loads on use (ts cells' sucrase): null once `compile` can run
   * (the compiler loaded, or failed to, and `compile` then says why), else a promise that
   * resolves when it can, starting the load. Hosts compile a cell of such a kind only after
   * that (see `kindsLoading`). Absent: `compile` can always run.
   */
  loading?(): Promise<void> | null;
}

/** A lookup of cell kinds by name; unknown kinds compile to `static`. */
export interface CellKindRegistry {
  get(kind: string): CellKind | undefined;
  kinds(): readonly string[];
}

/** Compiles a cell with the registry; an unknown kind is kept and shown, never run. */
export function compileCell(cell: Cell, registry: CellKindRegistry): Compiled {
  const kind = registry.get(cell.kind);
  return kind ? kind.compile(cell) : { type: "static" };
}

/**
 * Null when every kind named here can compile now, else a promise that resolves once they can
 * (see `CellKind.loading`): a host awaits it before compiling cells of those kinds.
 */
export function kindsLoading(kinds: Iterable<string>, registry: CellKindRegistry): Promise<void> | null {
  const pending: Promise<void>[] = [];
  for (const name of new Set(kinds)) {
    const loading = registry.get(name)?.loading?.();
    if (loading) pending.push(loading);
  }
  return pending.length ? Promise.all(pending).then(() => undefined) : null;
}
