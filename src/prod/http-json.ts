/** How long a request to the collector may take before it fails. */
const REQUEST_TIMEOUT_MS = 30_000;

/** A JSON request to the collector: method, path (`/api/…`), body (none for GET and DELETE). */
export type JsonRequest = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/**
 * Requests to the collector with the host's `fetch` and an optional token, bounded in time. The
 * collector's own error message (a bad filter or field names the part at fault) is what rejects.
 */
export function jsonRequester(fetchImpl: typeof fetch, base = "", token?: string): JsonRequest {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetchImpl(`${base.replace(/\/$/, "")}${path}`, {
        method,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(method === "GET" || method === "DELETE" ? {} : { body: JSON.stringify(body ?? null) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
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
  };
}
