import { transform } from "sucrase";
import type { CellKind } from "../src/notebook/index.ts";
import { compileJavaScript, locate } from "./transpile.ts";

/** TypeScript cells: types are stripped by sucrase (line-preserving), then compiled as JavaScript. */
export const ts: CellKind = {
  kind: "ts",
  language: "typescript",
  compile(cell) {
    let code: string;
    try {
      code = transform(cell.source, { transforms: ["typescript"], disableESTransforms: true, keepUnusedImports: true }).code;
    } catch (error) {
      return { type: "error", error: locate(error) };
    }
    return compileJavaScript(code.replace(/;\s*$/, (m) => (/;\s*$/.test(cell.source) ? m : "")));
  },
};
