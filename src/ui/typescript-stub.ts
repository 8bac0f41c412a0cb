// The browser bundle aliases "typescript" here: Notebook Kit imports the TypeScript
// compiler for its own ts mode, which Weft does not use (ts cells are stripped by sucrase),
// so the editor does not ship a 9 MB compiler.
const unavailable = () => {
  throw new Error("the TypeScript compiler is not bundled in the browser; ts cells compile with sucrase");
};
/** Placeholder exports matching what Notebook Kit imports from "typescript". */
export const ModuleKind = {};
export const ScriptTarget = {};
export const transpile = unavailable;
export const createProgram = unavailable;
export const createSourceFile = unavailable;
export const isClassExpression = unavailable;
export const isFunctionExpression = unavailable;
export const isParenthesizedExpression = unavailable;
export const isExpressionStatement = unavailable;
