import { toCell, transpile } from "@observablehq/notebook-kit";
import type { CellKind } from "../src/notebook/index.ts";
import { locate } from "./transpile.ts";

/** Markdown cells: rendered with the `md` template tag, `${…}` interpolating reactive values. */
export const md: CellKind = {
  kind: "md",
  language: "markdown",
  compile(cell) {
    if (cell.source.trim() === "") return { type: "static" };
    try {
      const t = transpile(toCell({ id: 0, value: cell.source, mode: "md" }));
      return { type: "definition", definition: { body: t.body, inputs: t.inputs ?? [], outputs: t.outputs ?? [], autodisplay: true } };
    } catch (error) {
      return { type: "error", error: locate(error) };
    }
  },
};
