import type { IncomingMessage, ServerResponse } from "node:http";
import type { PriceTable } from "../llm/index.ts";
import type { TraceStore } from "../store/index.ts";
import { createCollector, type Collector } from "./collector.ts";
import { readBody, sendJson } from "./http.ts";
import type { ProviderConfig } from "../llm/index.ts";
import { SERVICE_PREFIXES, type ProductionServices } from "./prod-services.ts";
import { productionServices } from "./services.ts";

/** Routes the collector answers inside `weft serve`. */
const COLLECTOR_PATHS = new RegExp(`^/(v1/(traces|logs)|weave(/|$)|api/calls/|api/(feedback|${SERVICE_PREFIXES.join("|")})(/|$))`);
/** Routes that only read (or give feedback), which a server that does not hold the store forwards to the collector that does. */
const FORWARDED = new RegExp(`^/api/(calls/(query|count|stats)|feedback|${SERVICE_PREFIXES.join("|")})(/|$)`);

/** How `weft serve` reaches production calls: its own store, or a collector that holds it. */
export interface ServeCollectorOptions {
  /** Opens the trace store; rejects (e.g. "in use by another process") when it cannot. */
  readonly open: () => Promise<TraceStore>;
  /** Where queries go when another process holds the store (a running `weft collect`). */
  readonly fallbackUrl: string;
  readonly prices?: PriceTable;
  readonly log?: (message: string) => void;
  /** The configured LLM providers, for monitors' ops. */
  readonly providers?: () => Promise<readonly ProviderConfig[]>;
}

/**
 * The collector mounted in `weft serve` as connect-style middleware. It opens the trace store
 * once; when another process holds it (DuckDB allows one writer), queries are forwarded to
 * that collector at `fallbackUrl` and ingest answers 503 naming where to send traces.
 */
export function serveCollector(options: ServeCollectorOptions) {
  let state: Promise<{ collector: Collector; store: TraceStore; services: ProductionServices } | { error: string }> | null = null;
  const ready = () =>
    (state ??= options.open().then(
      async (store) => {
        const providers = (await options.providers?.().catch(() => [])) ?? [];
        const services = productionServices(store, { providers, ...(options.log ? { log: options.log } : {}) });
        await services.start();
        return { collector: createCollector({ store, services, ...(options.prices ? { prices: options.prices } : {}) }), store, services };
      },
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
      if (FORWARDED.test(path)) return forward(req, res, `${options.fallbackUrl.replace(/\/$/, "")}${req.url}`);
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
        await s.services.close(5_000);
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
