// Stored prompts over the collector's HTTP API (`/api/prompts`): the client of notebooks in the
// editor, of the playground and of `--url`. The collector's own message (an unknown label, a bad
// field) is what rejects.

import type { JsonRequest } from "./http-json.ts";
import type { PromptDiff } from "./prompt-diff.ts";
import type { PromoteResult, PromptHistory, PromptsClient, PromptSummary, SaveResult, StoredPrompt } from "./prompt-versions.ts";

/** The query string selecting one version: `?label=`, `?version=` (a number, a digest prefix or `latest`). */
function selector(which: { readonly label?: string; readonly version?: number | string }): string {
  const q = new URLSearchParams();
  if (which.label !== undefined) q.set("label", which.label);
  if (which.version !== undefined || which.label === undefined) q.set("version", String(which.version ?? "latest"));
  return `?${q}`;
}

/** Stored prompts over `/api/prompts`. */
export function httpPrompts(request: JsonRequest): PromptsClient {
  const path = (name: string, rest = "") => `/api/prompts/${encodeURIComponent(name)}${rest}`;
  return {
    list: async () => (await request<{ prompts: PromptSummary[] }>("GET", "/api/prompts")).prompts,
    history: (name) => request<PromptHistory>("GET", path(name)),
    get: async (name, which = {}) => (await request<{ prompt: StoredPrompt }>("GET", path(name, selector(which)))).prompt,
    save: (name, spec, meta = {}) => request<SaveResult>("POST", path(name, "/versions"), { ...(spec as object), ...meta }),
    promote: (name, version, label, meta = {}) => request<PromoteResult>("POST", path(name, "/labels"), { label, version, ...(meta.author ? { author: meta.author } : {}) }),
    diff: (name, from, to) => request<PromptDiff>("GET", path(name, `/diff?${new URLSearchParams({ from: String(from), to: String(to) })}`)),
  };
}
