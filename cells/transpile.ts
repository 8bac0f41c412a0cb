import { toCell, transpile, transpileJavaScript } from "@observablehq/notebook-kit";
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

/**
 * Turns a parser exception into a CompileError with a 1-based line and 0-based column.
 * acorn puts the location in `loc`; Notebook Kit's own checks (such as "assignment to
 * external variable") only append "(line:column)" to the message, so that is read too.
 */
export function locate(error: unknown, lineOffset = 0): CompileError {
  if (!(error instanceof Error)) return { message: String(error) };
  const suffix = /\s*\((\d+):(\d+)\)$/.exec(error.message);
  const message = suffix ? error.message.slice(0, suffix.index) : error.message;
  const loc = (error as Error & { loc?: { line: number; column: number } }).loc;
  if (loc) return { message, line: loc.line + lineOffset, column: loc.column };
  if (suffix) return { message, line: Number(suffix[1]) + lineOffset, column: Number(suffix[2]) };
  return { message };
}

/** Compiles a template cell (md, html, tex) with Notebook Kit: a tagged template whose `${…}` are the cell's inputs. */
export function compileTemplate(source: string, mode: "md" | "html" | "tex"): Compiled {
  if (source.trim() === "") return { type: "static" };
  try {
    const t = transpile(toCell({ id: 0, value: source, mode }));
    return { type: "definition", definition: { body: t.body, inputs: t.inputs ?? [], outputs: t.outputs ?? [], autodisplay: true } };
  } catch (error) {
    return { type: "error", error: locate(error) };
  }
}
