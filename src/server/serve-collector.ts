import type { IncomingMessage, ServerResponse } from "node:http";
import type { PriceTable } from "../llm/index.ts";
import type { TraceStore } from "../store/index.ts";
import { createCollector, type Collector } from "./collector.ts";
import { readBody, sendJson } from "./http.ts";

/** Routes the collector answers inside `weft serve`. */
const COLLECTOR_PATHS = /^\/(v1\/(traces|logs)|weave(\/|$)|api\/calls\/|api\/feedback(\/|$))/;

/** How `weft serve` reaches production calls: its own store, or a collector that holds it. */
export interface ServeCollectorOptions {
  /** Opens the trace store; rejects (e.g. "in use by another process") when it cannot. */
  readonly open: () => Promise<TraceStore>;
  /** Where queries go when another process holds the store (a running `weft collect`). */
  readonly fallbackUrl: string;
  readonly prices?: PriceTable;
  readonly log?: (message: string) => void;
}

/**
 * The collector mounted in `weft serve` as connect-style middleware. It opens the trace store
 * once; when another process holds it (DuckDB allows one writer), queries are forwarded to
 * that collector at `fallbackUrl` and ingest answers 503 naming where to send traces.
 */
export function serveCollector(options: ServeCollectorOptions) {
  let state: Promise<{ collector: Collector; store: TraceStore } | { error: string }> | null = null;
  const ready = () =>
    (state ??= options.open().then(
      (store) => ({ collector: createCollector({ store, ...(options.prices ? { prices: options.prices } : {}) }), store }),
      (error: Error) => {
        options.log?.(`weft: traces: ${error.message}; queries go to ${options.fallbackUrl}`);
        return { error: error.message };
      },
    ));

  const middleware = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (!COLLECTOR_PATHS.test(path)) return next();
    void ready().then(async (s) => {
      if ("collector" in s) return void (await s.collector.handle(req, res));
      if ((path.startsWith("/api/calls/") && path !== "/api/calls/batch") || path.startsWith("/api/feedback")) return forward(req, res, `${options.fallbackUrl.replace(/\/$/, "")}${req.url}`);
      res.setHeader("retry-after", "5");
      sendJson(res, 503, { error: `this server cannot write traces (${s.error}); send them to the collector at ${options.fallbackUrl}` });
    });
  };
  return {
    middleware,
    /** Closes the store, when this server opened it. */
    async close(): Promise<void> {
      const s = await state;
      if (s && "store" in s) {
        await s.collector.drain(5_000);
        await s.store.close();
      }
    },
  };
}

/** Forwards a query to another collector, bounded in time. */
async function forward(req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
  try {
    const body = await readBody(req, 1024 * 1024);
    const response = await fetch(url, {
      method: req.method ?? "POST",
      headers: { "content-type": String(req.headers["content-type"] ?? "application/json"), ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) },
      body: req.method === "GET" ? null : new Uint8Array(body),
      signal: AbortSignal.timeout(30_000),
    });
    res.writeHead(response.status, { "content-type": response.headers.get("content-type") ?? "application/json" });
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    sendJson(res, 503, { error: `the trace store is held by another process and its collector at ${url.split("/api/")[0]} does not answer (${(error as Error).message}); start it with weft collect` });
  }
}
