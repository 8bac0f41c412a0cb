import type { Call } from "../base/index.ts";
import type { AnnotationSchema, CallFilter, CallQuery, Feedback, StatsRow, StatsSpec } from "../store/index.ts";
import type { CallsBackend } from "./calls.ts";
import { httpDatasets } from "./curation-http.ts";
import { jsonRequester } from "./http-json.ts";
import { httpMonitors } from "./monitors-client.ts";
import { httpPrompts } from "./prompts-http.ts";

/**
 * The calls backend of the browser and of `weft calls --url`: the collector's query API
 * (`POST {base}/api/calls/query|count|stats`), with the host's `fetch` and an optional token.
 * The collector's own error message (a bad filter names the part at fault) is what rejects.
 * Stored datasets are the collector's `/api/datasets`, stored prompts its `/api/prompts`.
 */
export function httpCallsBackend(fetchImpl: typeof fetch, base = "", token?: string): CallsBackend {
  const request = jsonRequester(fetchImpl, base, token);
  const post = <T>(action: string, body: unknown, method = "POST"): Promise<T> => request<T>(method, action.startsWith("/") ? action : `/api/calls/${action}`, body);
  return {
    query: async (query: CallQuery) => (await post<{ calls: Call[] }>("query", query)).calls,
    count: async (filter?: CallFilter) => (await post<{ count: number }>("count", { filter })).count,
    stats: async (filter: CallFilter | undefined, spec: StatsSpec) => (await post<{ rows: StatsRow[] }>("stats", { filter, ...spec })).rows,
    feedback: async (callIds: readonly string[]) => (!callIds.length ? [] : (await post<{ feedback: Feedback[] }>(`/api/feedback?${callIds.map((id) => `call=${encodeURIComponent(id)}`).join("&")}`, null, "GET")).feedback),
    giveFeedback: async (items: readonly Record<string, unknown>[]) => (await post<{ feedback: Feedback[] }>("/api/feedback", { feedback: items })).feedback,
    annotationSchemas: async () => (await post<{ schemas: AnnotationSchema[] }>("/api/feedback/schemas", null, "GET")).schemas,
    declareAnnotation: async (schema: Record<string, unknown>) => (await post<{ schema: AnnotationSchema }>("/api/feedback/schemas", schema)).schema,
    datasets: httpDatasets(request),
    monitors: httpMonitors(request),
    prompts: httpPrompts(request),
  };
}
