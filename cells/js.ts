import type { CellKind } from "../src/notebook/index.ts";
import { compileJavaScript } from "./transpile.ts";

/** JavaScript cells: top-level declarations are outputs, free references inputs. */
export const js: CellKind = {
  kind: "js",
  language: "javascript",
  compile: (cell) => compileJavaScript(cell.source),
};
