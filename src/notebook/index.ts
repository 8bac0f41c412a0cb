/** The notebook file format, model and compile step. Pure: no DOM, no Node. */
export { parse, sourceLines, IdAllocator } from "./parse.ts";
export { serialize, isCanonical } from "./serialize.ts";
export { NotebookSyntaxError, NotebookInteropError } from "./errors.ts";
// Notebook Kit interop (src/notebook/kit.ts) is imported on its own: it loads the Kit's
// compiler, which the format itself does not need.
export { parseInfo, formatInfo, getOption, hasFlag, setOption } from "./options.ts";
export { cellId, type Cell, type CellId, type CellOption, type Notebook } from "./types.ts";
export { compileCell, kindsLoading, type CellKind, type CellKindRegistry, type Compiled, type CompileError, type Definition } from "./kinds.ts";
export { applyAction, type NotebookAction } from "./actions.ts";
export { notebookSettings, type NotebookSettings } from "./settings.ts";
