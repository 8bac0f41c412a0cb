/** Helpers shared by the YAML-spec cell kinds (vary, plot): parsing, located errors, key suggestions and identifier checks. */
import { distance } from "fastest-levenshtein";
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { Compiled } from "../src/notebook/index.ts";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(
  ("await break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if implements import in instanceof interface let new null package private protected public return static " +
    "super switch this throw true try typeof var void while with yield arguments eval undefined NaN Infinity").split(" "),
);

/** A mistake in a cell's source at an offset; compileSpec prefixes the cell kind and turns it into a located CompileError. */
export class CellError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/** Parses a cell's YAML source and builds its definition; YAML problems and CellErrors become `kind: message` errors at a line and column. */
export function compileSpec(kind: string, source: string, build: (doc: Document) => Compiled): Compiled {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  const locate = (message: string, offset: number): Compiled => {
    const { line, col } = lines.linePos(offset);
    return { type: "error", error: { message: `${kind}: ${message}`, line: Math.max(line, 1), column: Math.max(col - 1, 0) } };
  };
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) return locate(`${problem.message.charAt(0).toLowerCase()}${problem.message.slice(1)}`, problem.pos[0]);
  try {
    return build(doc);
  } catch (error) {
    if (error instanceof CellError) return locate(error.message, error.offset);
    throw error;
  }
}

/** "(did you mean 'trials'?)" for a key within two edits of one of `keys`, else the list of keys. */
export function suggest(key: string, keys: readonly string[]): string {
  const [near] = keys.map((k) => [k, distance(k, key.toLowerCase())] as const)
    .filter(([, d]) => d <= 2)
    .sort((a, b) => a[1] - b[1])
    .map(([k]) => k);
  return near ? `(did you mean '${near}'?)` : `(expected one of ${keys.join(", ")})`;
}

/** Where a node starts in the source, or `fallback` when it has no range. */
export function offsetOf(node: unknown, fallback: number): number {
  return isNode(node) && node.range ? node.range[0] : fallback;
}

/** How a node reads in a message: a scalar's text in quotes, or what sort of node it is. */
export function shown(node: unknown): string {
  if (isScalar(node)) {
    const text = typeof node.value === "string" ? node.value : node.source || (node.value === null ? "" : String(node.value));
    return text === "" ? "nothing" : `'${text}'`;
  }
  return isSeq(node) ? "a list" : isMap(node) ? "a mapping" : "nothing";
}

/** A notebook identifier: a JS name that is not a reserved word nor `builtin`, the builtin the cell calls. */
export function identifier(node: unknown, what: string, at: number, builtin: string): string {
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value !== "string" || !IDENTIFIER.test(value) || RESERVED.has(value)) {
    const reserved = typeof value === "string" && RESERVED.has(value) ? " (a reserved word)" : "";
    throw new CellError(`${what} must be an identifier, got ${shown(node)}${reserved}`, at);
  }
  if (value === builtin) throw new CellError(`${what} cannot be '${builtin}', the builtin this cell calls`, at);
  return value;
}
