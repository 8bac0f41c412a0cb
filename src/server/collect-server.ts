import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { createCollector, type Collector, type CollectorOptions } from "./collector.ts";
import { sendJson } from "./http.ts";
import { isLoopback } from "./ingest-auth.ts";

/** Where and how `weft collect` listens. */
export interface CollectServerOptions extends CollectorOptions {
  readonly host?: string;
  readonly port?: number;
}

/** A running collector server. */
export interface CollectServer {
  readonly url: string;
  readonly collector: Collector;
  /** Stops taking connections, answers the batches in flight (at most `graceMs`), closes the store. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts the collector as a plain Node HTTP server (no Vite). It binds 127.0.0.1 by default;
 * on any other address it refuses to start without a token.
 */
export async function startCollectServer(options: CollectServerOptions): Promise<CollectServer> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopback(host) && !options.token) throw new Error(`refusing to listen on ${host} without a token: set WEFT_TOKEN or pass --token (clients then send Authorization: Bearer TOKEN)`);
  const collector = createCollector(options);
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    void collector.handle(req, res).then((handled) => {
      if (!handled) sendJson(res, 404, { error: `no route ${req.method} ${req.url}: the collector takes /v1/traces, /v1/logs, /weave/*, /api/calls/*` });
    });
  });
  // Bounded waits: a client that never finishes its request is dropped.
  server.requestTimeout = 60_000;
  server.headersTimeout = 15_000;
  server.keepAliveTimeout = 5_000;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 4318, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  await options.services?.start();
  const address = server.address() as { port: number };
  const shown = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${shown}:${address.port}`,
    collector,
    close(graceMs = 5_000) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await collector.drain(graceMs);
        for (const s of sockets) s.destroy();
        await closed;
        await options.services?.close(graceMs);
        await options.store.close();
      })();
      return closing;
    },
  };
}
