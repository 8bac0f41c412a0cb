import type { Cell, CellKind, Compiled } from "../src/notebook/index.ts";

/**
 * A cell kind whose compiler loads with the first cell of that kind: `loading()` starts the load
 * (hosts await it before they compile: see CellKind.loading), so a notebook without such a cell
 * never loads it. When it cannot load, the kind's cells compile to an error that says so.
 */
export function compileOnUse(kind: string, language: CellKind["language"], load: () => Promise<(cell: Cell) => Compiled>): CellKind {
  let compile: ((cell: Cell) => Compiled) | null = null;
  let failed: Error | null = null;
  let pending: Promise<void> | null = null;
  return {
    kind,
    language,
    loading() {
      if (compile || failed) return null;
      return (pending ??= load().then(
        (loaded) => void (compile = loaded),
        (error: unknown) => void (failed = error instanceof Error ? error : new Error(String(error))),
      ));
    },
    compile(cell) {
      if (compile) return compile(cell);
      const message = failed ? `${kind} cells: their compiler could not load: ${failed.message}` : `${kind} cells: their compiler has not loaded yet (a host awaits kindsLoading before it compiles one)`;
      return { type: "error", error: { message } };
    },
  };
}
