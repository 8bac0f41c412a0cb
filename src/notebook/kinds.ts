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
