import type { Call } from "../base/index.ts";
import type { AnnotationSchema, CallFilter, CallQuery, Feedback, StatsRow, StatsSpec } from "../store/index.ts";
import type { CallsBackend } from "./calls.ts";

/** How long a query to the collector may take before it fails. */
const QUERY_TIMEOUT_MS = 30_000;

/**
 * The calls backend of the browser and of `weft calls --url`: the collector's query API
 * (`POST {base}/api/calls/query|count|stats`), with the host's `fetch` and an optional token.
 * The collector's own error message (a bad filter names the part at fault) is what rejects.
 */
export function httpCallsBackend(fetchImpl: typeof fetch, base = "", token?: string): CallsBackend {
  async function post<T>(action: string, body: unknown, method = "POST"): Promise<T> {
    let response: Response;
    try {
      const path = action.startsWith("/") ? action : `/api/calls/${action}`;
      response = await fetchImpl(`${base.replace(/\/$/, "")}${path}`, {
        method,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(method === "GET" ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(QUERY_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(`cannot reach the trace collector at ${base || "this server"}: ${(error as Error).message}`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`the trace collector answered ${response.status} with a body that is not JSON`);
    }
    if (!response.ok) throw new Error((json as { error?: string }).error ?? `the trace collector answered ${response.status}`);
    return json as T;
  }
  return {
    query: async (query: CallQuery) => (await post<{ calls: Call[] }>("query", query)).calls,
    count: async (filter?: CallFilter) => (await post<{ count: number }>("count", { filter })).count,
    stats: async (filter: CallFilter | undefined, spec: StatsSpec) => (await post<{ rows: StatsRow[] }>("stats", { filter, ...spec })).rows,
    feedback: async (callIds: readonly string[]) => (await post<{ feedback: Feedback[] }>(`/api/feedback?${callIds.map((id) => `call=${encodeURIComponent(id)}`).join("&")}`, null, "GET")).feedback,
    giveFeedback: async (items: readonly Record<string, unknown>[]) => (await post<{ feedback: Feedback[] }>("/api/feedback", { feedback: items })).feedback,
    annotationSchemas: async () => (await post<{ schemas: AnnotationSchema[] }>("/api/feedback/schemas", null, "GET")).schemas,
    declareAnnotation: async (schema: Record<string, unknown>) => (await post<{ schema: AnnotationSchema }>("/api/feedback/schemas", schema)).schema,
  };
}
