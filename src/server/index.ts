/** The Node servers: notebook files on disk, the LLM proxy, and the Vite plugin that mounts them. */
export { HttpError, readBody, readJson, sendJson, sendError, refuseCrossSite, requireJson } from "./http.ts";
export { NotebookFiles, versionOf, DATA_EXTENSIONS, type NotebookFile, type NotebookListing, type NotebookStore } from "./notebook-files.ts";
export { TemplateNotebooks } from "./notebook-templates.ts";
export { notebooksApi, MAX_NOTEBOOK_BYTES } from "./notebooks-api.ts";
export { llmProxy, MAX_LLM_BODY } from "./llm-proxy.ts";
export { loadProviders, defaultProvidersFile } from "./provider-config.ts";
export { weftServer } from "./vite-plugin.ts";
