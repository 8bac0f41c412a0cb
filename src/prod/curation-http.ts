// Stored datasets and curation rules over the collector's HTTP API (`/api/datasets`,
// `/api/rules`): the clients of the browser, of notebooks in the editor and of `--url`.

import type { CurationRule } from "./curation-rule.ts";
import type { BackfillResult, RulesClient } from "./curation-rules.ts";
import type { DatasetsClient } from "./datasets-client.ts";
import type { CommitResult, DatasetInfo, RowsPage, VersionInfo } from "./dataset-versions.ts";
import { jsonRequester, type JsonRequest } from "./http-json.ts";

const part = (name: string) => encodeURIComponent(name);

/** Stored datasets over `/api/datasets`. */
export function httpDatasets(request: JsonRequest): DatasetsClient {
  return {
    list: async () => (await request<{ datasets: DatasetInfo[] }>("GET", "/api/datasets")).datasets,
    versions: async (name) => (await request<{ versions: VersionInfo[] }>("GET", `/api/datasets/${part(name)}`)).versions,
    rows: async (name, options = {}) => {
      const q = new URLSearchParams();
      if (options.version !== undefined) q.set("version", String(options.version));
      if (options.offset !== undefined) q.set("offset", String(options.offset));
      if (options.limit !== undefined) q.set("limit", String(options.limit));
      return request<RowsPage>("GET", `/api/datasets/${part(name)}/rows${q.size ? `?${q}` : ""}`);
    },
    save: (name, input) => request<CommitResult>("POST", `/api/datasets/${part(name)}`, input),
  };
}

/** Curation rules over `/api/rules`. */
export function httpRules(request: JsonRequest): RulesClient {
  const rule = async (method: string, path: string, body?: unknown) => (await request<{ rule: CurationRule }>(method, path, body)).rule;
  return {
    list: async () => (await request<{ rules: CurationRule[] }>("GET", "/api/rules")).rules,
    add: (spec) => rule("POST", "/api/rules", spec),
    pause: (name) => rule("POST", `/api/rules/${part(name)}/pause`, {}),
    resume: (name) => rule("POST", `/api/rules/${part(name)}/resume`, {}),
    remove: async (name) => void (await request("DELETE", `/api/rules/${part(name)}`)),
    backfill: (name, options) => request<BackfillResult>("POST", `/api/rules/${part(name)}/backfill`, options),
  };
}

/** Curation rules of the collector at `base`, with the host's `fetch` and an optional token. */
export function httpRulesClient(fetchImpl: typeof fetch, base = "", token?: string): RulesClient {
  return httpRules(jsonRequester(fetchImpl, base, token));
}
