import type { CellKind } from "../src/notebook/index.ts";
import { compileTemplate } from "./transpile.ts";

/** HTML cells (as in Notebook Kit): rendered with the `html` template tag (htl), `${…}` interpolating reactive values safely. */
export const html: CellKind = {
  kind: "html",
  language: "text",
  compile: (cell) => compileTemplate(cell.source, "html"),
};
