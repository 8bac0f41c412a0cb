// The production services the collector hosts beside ingest: each answers its own routes
// under /api/ (datasets, curation rules, monitors, alerts) and hears of calls as they are
// stored and of feedback as it is given. They keep their state in the trace store's control
// documents, so every process that opens the store sees the same rules.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { ProviderConfig } from "../llm/index.ts";
import { keepsControl, keepsFeedback, type ControlStore, type Feedback, type FeedbackStore, type TraceStore } from "../store/index.ts";
import { HttpError } from "./http.ts";

/** A trace store that keeps feedback and control documents (the embedded DuckDB store, ClickHouse). */
export type ServiceStore = TraceStore & FeedbackStore & ControlStore;

/** What a service is given: the store, the clock, a log, the configured LLM providers, and the way to write feedback. */
export interface ServiceContext {
  readonly store: ServiceStore;
  readonly now: () => number;
  readonly log: (message: string) => void;
  /** The configured LLM providers (the only ones a monitor's op may call). */
  readonly providers: readonly ProviderConfig[];
  /** How many ingest requests the collector is answering right now: background work gives way while it is above 0. */
  ingestLoad(): number;
  /** Writes feedback durably, then tells every service (`onFeedback`): what monitors use for their scores. */
  writeFeedback(rows: readonly Feedback[]): Promise<void>;
}

/** One production service. */
export interface ProductionService {
  /** The path under /api/ it answers: "monitors" takes /api/monitors and /api/monitors/…. */
  readonly prefix: string;
  /** Answers a request under its prefix; `rest` is the path after it ("" or "/…"). */
  handle(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void>;
  /** Parts of calls were stored durably (ids of every call a batch touched; a call is told once per part, and may not have ended). Must return at once. */
  onCalls?(ids: readonly string[]): void;
  /** Feedback was stored durably. Must return at once. */
  onFeedback?(rows: readonly Feedback[]): void;
  /** Starts background work (timers, catch-up); resolves when it is running. */
  start?(): Promise<void>;
  /** Stops background work, waiting at most `graceMs` for work in flight. */
  close(graceMs: number): Promise<void>;
}

/** Makes a service from the context. */
export type ServiceFactory = (ctx: ServiceContext) => ProductionService;

/** The services of one collector, with routing and notification. */
export interface ProductionServices {
  /** The /api/ prefixes they answer. */
  readonly prefixes: readonly string[];
  /** Answers the request if its path is one of the services'; resolves false otherwise. */
  route(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
  /** Tells every service of calls a batch touched, once stored. */
  notifyCalls(ids: readonly string[]): void;
  /** Tells every service of stored feedback. */
  notifyFeedback(rows: readonly Feedback[]): void;
  /** Gives the services the collector's count of requests in flight (see `ServiceContext.ingestLoad`). */
  attachIngestLoad(load: () => number): void;
  /** Starts the services' background work. */
  start(): Promise<void>;
  close(graceMs: number): Promise<void>;
}

/**
 * Builds the services on a store that keeps feedback and control documents (the embedded
 * DuckDB store, ClickHouse). A store without them gets none: their routes answer 501 naming
 * the store, and ingest goes on.
 */
export function createProductionServices(store: TraceStore, options: { readonly now?: () => number; readonly log?: (message: string) => void; readonly providers?: readonly ProviderConfig[] }, factories: readonly ServiceFactory[]): ProductionServices {
  if (!keepsFeedback(store) || !keepsControl(store)) {
    return servicesElsewhere(factories.length ? SERVICE_PREFIXES : [], (prefix) => `the ${store.kind} trace store does not keep ${prefix} (they need feedback and control documents)`);
  }
  const services: ProductionService[] = [];
  const notifyFeedback = (rows: readonly Feedback[]) => {
    if (!rows.length) return;
    for (const s of services) {
      try {
        s.onFeedback?.(rows);
      } catch (error) {
        ctx.log(`weft: ${s.prefix}: ${(error as Error).message}`);
      }
    }
  };
  let ingestLoad: () => number = () => 0;
  const ctx: ServiceContext = {
    store,
    ingestLoad: () => ingestLoad(),
    now: options.now ?? Date.now,
    log: options.log ?? ((m) => console.error(m)),
    providers: options.providers ?? [],
    async writeFeedback(rows) {
      await store.writeFeedback(rows);
      notifyFeedback(rows);
    },
  };
  for (const f of factories) services.push(f(ctx));
  const byPrefix = new Map(services.map((s) => [s.prefix, s]));
  return {
    prefixes: services.map((s) => s.prefix),
    async route(req, res, path) {
      const prefix = prefixOf(path, [...byPrefix.keys()]);
      if (prefix === null) return false;
      await byPrefix.get(prefix)!.handle(req, res, path.slice(`/api/${prefix}`.length));
      return true;
    },
    notifyCalls(ids) {
      if (!ids.length) return;
      for (const s of services) {
        try {
          s.onCalls?.(ids);
        } catch (error) {
          ctx.log(`weft: ${s.prefix}: ${(error as Error).message}`);
        }
      }
    },
    notifyFeedback,
    attachIngestLoad(load) {
      ingestLoad = load;
    },
    async start() {
      for (const s of services) await s.start?.();
    },
    async close(graceMs) {
      await Promise.allSettled(services.map((s) => s.close(graceMs)));
    },
  };
}

/**
 * How long a service waits after the last part of a call arrived before it acts on the call:
 * OTLP sends a call's messages as log records apart from its span, and Weave sends a call's
 * end apart from its start, so a call is complete only once its parts stop coming.
 */
export const CALL_SETTLE_MS = 2_000;

/**
 * No services on this collector (`weft collect --no-services`): several collectors write to
 * one ClickHouse, and the operator runs the services on one of them. Their routes answer 501
 * saying so; ingest, queries and feedback go on.
 */
export function noProductionServices(): ProductionServices {
  return servicesElsewhere(SERVICE_PREFIXES, (prefix) => `this collector runs without the production services (weft collect --no-services): ${prefix} are served by the collector the operator runs them on; send this request there`);
}

/** Services that are not here: routes under their prefixes answer 501 with `why(prefix)`; notifications go nowhere. */
function servicesElsewhere(prefixes: readonly string[], why: (prefix: string) => string): ProductionServices {
  return {
    prefixes,
    async route(_req, _res, path) {
      const prefix = prefixOf(path, prefixes);
      if (prefix === null) return false;
      throw new HttpError(501, why(prefix));
    },
    notifyCalls() {},
    notifyFeedback() {},
    attachIngestLoad() {},
    async start() {},
    async close() {},
  };
}

/** Every /api/ prefix a production service may take (the server's router sends these to the collector). */
export const SERVICE_PREFIXES = ["datasets", "prompts", "rules", "monitors", "alerts"] as const;

/** The service prefix a path is under (`/api/rules/x` → "rules"), or null. */
function prefixOf(path: string, prefixes: readonly string[]): string | null {
  for (const p of prefixes) if (path === `/api/${p}` || path.startsWith(`/api/${p}/`)) return p;
  return null;
}
