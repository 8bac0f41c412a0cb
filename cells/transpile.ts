import { transpileJavaScript } from "@observablehq/notebook-kit";
import type { Compiled, CompileError } from "../src/notebook/index.ts";

/** Compiles JavaScript cell source with Notebook Kit (acorn): inputs, outputs and a function body. */
export function compileJavaScript(source: string, lineOffset = 0): Compiled {
  if (source.trim() === "") return { type: "definition", definition: { body: "() => {}", inputs: [], outputs: [], autodisplay: false } };
  try {
    const t = transpileJavaScript(source);
    return { type: "definition", definition: { body: t.body, inputs: t.inputs ?? [], outputs: t.outputs ?? [], autodisplay: !!t.autodisplay } };
  } catch (error) {
    return { type: "error", error: locate(error, lineOffset) };
  }
}

/** Turns a parser exception into a CompileError, keeping acorn's line and column. */
export function locate(error: unknown, lineOffset = 0): CompileError {
  if (!(error instanceof Error)) return { message: String(error) };
  const loc = (error as Error & { loc?: { line: number; column: number } }).loc;
  const message = error.message.replace(/\s*\(\d+:\d+\)$/, "");
  return loc ? { message, line: loc.line + lineOffset, column: loc.column } : { message };
}
