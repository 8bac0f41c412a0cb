import { compileOnUse } from "./compile-on-use.ts";

/**
 * Observable JavaScript cells (Notebook Kit's `ojs` mode, `<script type="application/vnd.observable.javascript">`):
 * parsed by `@observablehq/parser` through Notebook Kit's compiler. `x = …` defines x (a block
 * with `yield` is a generator the runtime iterates), `viewof x = input` defines the input
 * element and x as its current value, and `mutable x = …` defines x and lets other cells
 * assign `mutable x`. The cell displays its value, as in Observable. Its compiler (ojs-compile.ts)
 * loads with the first ojs cell.
 */
export const ojs = compileOnUse("ojs", "javascript", async () => {
  const { compileObservable } = await import("./ojs-compile.ts");
  return (cell) => compileObservable(cell.source);
});
