import { transform, type Options } from "sucrase";
import type { Cell, Compiled, CompileError } from "../src/notebook/index.ts";
import { compileJavaScript, locate } from "./transpile.ts";

const options: Options = { transforms: ["typescript"], disableESTransforms: true, keepUnusedImports: true };

/** Compiles a TypeScript cell: its types are stripped by sucrase (line-preserving), then it compiles as JavaScript. */
export function compileTs(cell: Cell): Compiled {
  let code: string;
  try {
    code = transform(cell.source, options).code;
  } catch (error) {
    return { type: "error", error: sucraseError(error, cell.source) };
  }
  const compiled = compileJavaScript(code.replace(/;\s*$/, (m) => (/;\s*$/.test(cell.source) ? m : "")));
  if (compiled.type !== "error") return compiled;
  return { type: "error", error: toSourceColumn(compiled.error, cell.source) };
}

/** sucrase reports a 1-based column; CompileError columns are 0-based, so derive it from `pos`. */
function sucraseError(error: unknown, source: string): CompileError {
  const located = locate(error);
  const pos = (error as { pos?: unknown } | null)?.pos;
  if (typeof pos !== "number") return located;
  const before = source.slice(0, pos);
  const line = before.split("\n").length;
  return { message: located.message, line, column: pos - (before.lastIndexOf("\n") + 1) };
}

/**
 * An error found after stripping types (a duplicate declaration, an assignment to another
 * cell's variable) is located in the stripped code. sucrase keeps lines but not columns, so
 * the column is mapped back through its source map, computed only on this error path.
 */
function toSourceColumn(error: CompileError, source: string): CompileError {
  if (error.line === undefined || error.column === undefined) return error;
  const map = transform(source, { ...options, filePath: "cell.ts", sourceMapOptions: { compiledFilename: "cell.js" } }).sourceMap;
  const segment = map ? lastSegmentAtOrBefore(map.mappings, error.line - 1, error.column) : undefined;
  if (!segment || segment.sourceLine !== error.line - 1) return error;
  return { ...error, column: segment.sourceColumn + (error.column - segment.column) };
}

interface Segment {
  readonly column: number;
  readonly sourceLine: number;
  readonly sourceColumn: number;
}

/** Decodes one generated line of a version 3 source map and finds the segment covering `column`. */
function lastSegmentAtOrBefore(mappings: string, line: number, column: number): Segment | undefined {
  let sourceLine = 0;
  let sourceColumn = 0;
  let found: Segment | undefined;
  const lines = mappings.split(";");
  for (let l = 0; l <= line && l < lines.length; l++) {
    let generated = 0;
    for (const encoded of lines[l]!.split(",")) {
      if (encoded === "") continue;
      const [dc = 0, , dl = 0, dcol = 0] = decodeVlq(encoded);
      generated += dc;
      sourceLine += dl;
      sourceColumn += dcol;
      if (l === line && generated <= column) found = { column: generated, sourceLine, sourceColumn };
    }
  }
  return found;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function decodeVlq(encoded: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of encoded) {
    const digit = BASE64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}
