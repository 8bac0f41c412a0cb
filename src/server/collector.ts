import type { IncomingMessage, ServerResponse } from "node:http";
import type { PriceTable } from "../llm/index.ts";
import type { CallPatch, TraceStore } from "../store/index.ts";
import { HttpError, refuseCrossSite, requireJson, sendError, sendJson } from "./http.ts";
import { requireToken } from "./ingest-auth.ts";
import { MAX_INGEST_BYTES, readIngestBody } from "./ingest-body.ts";
import { otlpRoute } from "./otlp-route.ts";
import { weaveRoutes } from "./weave-routes.ts";
import { callsApi } from "./calls-api.ts";
import { feedbackApi } from "./feedback-api.ts";
import { IngestError, parseJsonBody, weftBatchToPatches } from "../prod/ingest.ts";
import type { ProductionServices } from "./prod-services.ts";

/** What the collector needs: the store, the token (required off loopback), limits and prices. */
export interface CollectorOptions {
  readonly store: TraceStore;
  readonly token?: string | null;
  /** Largest body, before and after decompression (default 20 MiB). */
  readonly maxBodyBytes?: number;
  readonly prices?: PriceTable;
  /** Epoch ms; for relative times in filters. */
  readonly now?: () => number;
  /** The production services (datasets, rules, monitors, alerts) answering under /api/ and told of stored calls. */
  readonly services?: ProductionServices;
}

/** Counters of what the collector took in, for its log line and tests. */
export interface CollectorStats {
  batches: number;
  calls: number;
  rejected: number;
  refused: number;
  failed: number;
}

/** A mounted collector: a request handler plus a way to wait for the batches in flight. */
export interface Collector {
  /** Answers the request when it is one of the collector's routes; resolves false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Resolves when every batch in flight is answered, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  readonly stats: Readonly<CollectorStats>;
}

/**
 * The ingest and query API, shared by `weft collect` (a plain Node server) and `weft serve`:
 * OTLP/HTTP traces and logs (`/v1/traces`, `/v1/logs`), W&B Weave's trace-server protocol
 * (`/weave/*`), Weft's own JSON (`/api/calls/batch`), and the query API the browser and
 * `weft calls --url` use (`/api/calls/query|count|stats`). A batch is answered only after the
 * store made it durable; when the store fails the answer is 503, so clients retry.
 */
export function createCollector(options: CollectorOptions): Collector {
  const limit = options.maxBodyBytes ?? MAX_INGEST_BYTES;
  const token = options.token ?? null;
  const now = options.now ?? Date.now;
  const stats: CollectorStats = { batches: 0, calls: 0, rejected: 0, refused: 0, failed: 0 };
  const inFlight = new Set<Promise<unknown>>();
  options.services?.attachIngestLoad(() => inFlight.size);

  /** Writes patches durably, counting them; a store failure becomes 503 (retry later). */
  async function write(patches: readonly CallPatch[]): Promise<void> {
    if (!patches.length) return;
    try {
      await options.store.write(patches);
    } catch (error) {
      stats.failed++;
      throw new HttpError(503, `the trace store could not take the batch (${(error as Error).message}); retry later`);
    }
    stats.batches++;
    stats.calls += patches.length;
    // Services hear of every call a batch touched (a span, its messages from a log record, an end), after it is durable; they never hold up the answer.
    if (options.services) options.services.notifyCalls(patches.map((p) => p.id));
  }

  const ctx = { store: options.store, limit, prices: options.prices, now, write, stats };
  const otlp = otlpRoute(ctx);
  const weave = weaveRoutes(ctx);
  const query = callsApi(ctx);
  const feedback = feedbackApi(options.store, now, (rows) => options.services?.notifyFeedback(rows));

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (path === "/v1/traces" || path === "/v1/logs") {
      requireToken(req, token);
      await otlp(req, res, path === "/v1/traces" ? "traces" : "logs");
      return true;
    }
    if (path === "/weave" || path.startsWith("/weave/")) {
      requireToken(req, token);
      await weave(req, res, path.slice("/weave".length) || "/");
      return true;
    }
    if (path === "/api/calls/batch") {
      requireToken(req, token);
      if (req.method !== "POST") throw new HttpError(405, "POST a batch of calls");
      requireJson(req);
      const patches = decodeBatch(await readIngestBody(req, limit));
      await write(patches);
      sendJson(res, 200, { accepted: patches.length });
      return true;
    }
    if (path === "/api/feedback" || path.startsWith("/api/feedback/")) {
      refuseCrossSite(req);
      requireToken(req, token);
      await feedback(req, res, path.slice("/api/feedback".length));
      return true;
    }
    if (options.services && options.services.prefixes.some((p) => path === `/api/${p}` || path.startsWith(`/api/${p}/`))) {
      refuseCrossSite(req);
      requireToken(req, token);
      return options.services.route(req, res, path);
    }
    if (path.startsWith("/api/calls/")) {
      refuseCrossSite(req);
      requireToken(req, token);
      await query(req, res, path.slice("/api/calls/".length));
      return true;
    }
    return false;
  }

  return {
    stats,
    async handle(req, res) {
      const path = (req.url ?? "/").split("?")[0]!;
      const work = route(req, res, path).catch((error: unknown) => {
        if (error instanceof HttpError && error.status < 500) stats.refused++;
        if (!res.headersSent) sendError(res, error);
        else res.destroy();
        return true;
      });
      inFlight.add(work);
      try {
        return await work;
      } finally {
        inFlight.delete(work);
      }
    },
    async drain(timeoutMs) {
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
      await Promise.race([Promise.allSettled([...inFlight]).then(() => undefined), deadline]);
    },
  };
}

/** What the routes share: the store, limits, prices, the clock and the durable write. */
export interface CollectorContext {
  readonly store: TraceStore;
  readonly limit: number;
  readonly prices: PriceTable | undefined;
  readonly now: () => number;
  readonly write: (patches: readonly CallPatch[]) => Promise<void>;
  readonly stats: CollectorStats;
}

/** Weft's own batch as patches; an unusable body is a 400 naming the field. */
function decodeBatch(body: Uint8Array): CallPatch[] {
  try {
    return weftBatchToPatches(parseJsonBody(body));
  } catch (error) {
    if (error instanceof IngestError) throw new HttpError(400, `the batch does not decode: ${error.message}`);
    throw error;
  }
}
