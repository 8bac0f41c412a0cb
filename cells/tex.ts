import type { CellKind } from "../src/notebook/index.ts";
import { compileTemplate } from "./transpile.ts";

/** TeX cells (Notebook Kit's `tex` mode): rendered by KaTeX as display math (`tex.block`), `${…}` interpolating reactive values. */
export const tex: CellKind = {
  kind: "tex",
  language: "text",
  compile: (cell) => compileTemplate(cell.source, "tex"),
};
