/** The reactive runtime adapter: cells in, cell states out. Pure: the platform is passed in. */
export { NotebookRuntime, type CellCache, type CellRun, type RuntimeCell, type RuntimePlatform } from "./notebook-runtime.ts";
export { type CellState, type CellStatus, type CellError } from "./cell-state.ts";
export { cellKey, contentDigest, CONTENT_DIGEST, IN_PROGRESS, isInProgress, RUN_TOKEN, VOLATILE_INPUTS, VOLATILE_SOURCE } from "./cell-key.ts";
