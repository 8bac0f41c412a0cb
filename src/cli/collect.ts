import type { CallsBackend } from "../prod/index.ts";
import { httpCallsBackend } from "../prod/index.ts";
import type { CallsOptions } from "./calls.ts";
import { DEFAULT_TRACE_STORE, openTraceStoreOption } from "./trace-store.ts";

/**
 * Runs `weft collect` until SIGTERM or SIGINT, then finishes the batches in flight, closes the store and exits.
 * With `services: false` (`--no-services`) it only ingests and answers queries and feedback: the
 * production services (datasets, rules, monitors, alerts) run on another collector of the same store.
 */
export async function collect(options: { port: number; host: string; store: string | undefined; token: string | undefined; maxBodyBytes: number; services?: boolean }): Promise<void> {
  const [{ startCollectServer }, { DEFAULT_PRICES }, { productionServices }, { noProductionServices }, { loadProviders }] = await Promise.all([import("../server/collect-server.ts"), import("../llm/index.ts"), import("../server/services.ts"), import("../server/prod-services.ts"), import("../server/provider-config.ts")]);
  // The signals are taken from the start: the server answers before its services have started,
  // and a SIGTERM then must still close the store, not kill the process mid-start.
  const stopped = new Promise<string>((resolve) => {
    const stop = (signal: string) => {
      // Bounded: whatever happens, the process is gone within a few seconds.
      setTimeout(() => process.exit(1), 8_000).unref();
      resolve(signal);
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  const providers = await loadProviders(process.env);
  const store = await openTraceStoreOption(options.store);
  let server;
  try {
    const services = options.services === false ? noProductionServices() : productionServices(store, { providers, log: (m) => console.error(m) });
    server = await startCollectServer({ store, services, host: options.host, port: options.port, token: options.token ?? null, maxBodyBytes: options.maxBodyBytes, prices: DEFAULT_PRICES });
  } catch (error) {
    await store.close();
    throw error;
  }
  console.log(`weft: collecting on ${server.url} into ${store.location}${options.services === false ? " (ingest only: no datasets, rules, monitors or alerts here)" : ""}`);
  console.log(`weft:   OTLP/HTTP ${server.url}/v1/traces and /v1/logs · Weave WF_TRACE_SERVER_URL=${server.url}/weave · Weft JSON ${server.url}/api/calls/batch`);
  const signal = await stopped;
  console.log(`weft: ${signal}: finishing the batches in flight`);
  await server.close(5_000).catch((error: Error) => {
    console.error(`weft: closing the collector: ${error.message}`);
    process.exitCode = 1;
  });
  const s = server.collector.stats;
  console.log(`weft: collector stopped after ${s.batches} batches, ${s.calls} calls (${s.rejected} rejected, ${s.refused} refused requests)`);
}

/** Runs `fn` with the calls backend the options name: a running collector (`--url`) or the store file (`--store`, the default). */
export async function withCallsBackend<T>(opts: CallsOptions, fn: (backend: CallsBackend) => Promise<T>): Promise<T> {
  if (opts.url) return fn(httpCallsBackend(fetch, opts.url, opts.token ?? process.env.WEFT_TOKEN));
  const store = await openTraceStoreOption(opts.store ?? (process.env.WEFT_TRACE_STORE ? undefined : DEFAULT_TRACE_STORE));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
