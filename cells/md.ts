import type { CellKind } from "../src/notebook/index.ts";
import { compileTemplate } from "./transpile.ts";

/** Markdown cells: rendered with the `md` template tag, `${…}` interpolating reactive values. */
export const md: CellKind = {
  kind: "md",
  language: "markdown",
  compile: (cell) => compileTemplate(cell.source, "md"),
};
