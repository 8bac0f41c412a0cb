import type { Call } from "../base/index.ts";
import { httpCallsBackend, storeBackend, type CallsBackend, type MonitorsClient, type DatasetsClient } from "../prod/index.ts";
import type { CallFilter, CallQuery, StatsSpec, TraceStore } from "../store/index.ts";
import { openTraceStoreOption } from "./trace-store.ts";

/**
 * The `calls()` backend of `weft run`: the trace store file, opened on the first query (a
 * notebook that never asks for calls never opens it). When a running collector holds the
 * file, queries go to that collector (`WEFT_COLLECTOR_URL`, default http://127.0.0.1:4318).
 */
export function lazyStoreBackend(storeSpec: string | undefined): CallsBackend & { close(): Promise<void> } {
  let opened: Promise<{ store: TraceStore | null; backend: CallsBackend }> | null = null;
  const backend = () =>
    (opened ??= openTraceStoreOption(storeSpec).then(
      (store) => ({ store, backend: storeBackend(store) }),
      (error: Error) => {
        if (!/in use/.test(error.message)) throw error;
        return { store: null, backend: httpCallsBackend(fetch, process.env.WEFT_COLLECTOR_URL ?? "http://127.0.0.1:4318", process.env.WEFT_TOKEN) };
      },
    )).then((s) => s.backend);
  return {
    query: async (query: CallQuery): Promise<Call[]> => (await backend()).query(query),
    count: async (filter?: CallFilter) => (await backend()).count(filter),
    stats: async (filter: CallFilter | undefined, spec: StatsSpec) => (await backend()).stats(filter, spec),
    feedback: async (ids) => ((await backend()).feedback?.(ids) ?? []),
    giveFeedback: async (items) => {
      const b = await backend();
      if (!b.giveFeedback) throw new Error("this trace store keeps no feedback");
      return b.giveFeedback(items);
    },
    annotationSchemas: async () => ((await backend()).annotationSchemas?.() ?? []),
    declareAnnotation: async (schema) => {
      const b = await backend();
      if (!b.declareAnnotation) throw new Error("this trace store keeps no feedback");
      return b.declareAnnotation(schema);
    },
    monitors: lazyMonitors(async () => {
      const b = await backend();
      if (!b.monitors) throw new Error("monitors run in a collector: start weft collect on this trace store, then run the notebook again (it will reach the collector at WEFT_COLLECTOR_URL)");
      return b.monitors;
    }),
    datasets: lazyDatasets(async () => {
      const b = await backend();
      if (!b.datasets) throw new Error("this trace store keeps no datasets (they need a store with control documents: DuckDB or ClickHouse)");
      return b.datasets;
    }),
    async close() {
      const s = await opened?.catch(() => null);
      await s?.store?.close();
    },
  };
}

/** A monitors client that finds its collector on first use. */
function lazyMonitors(client: () => Promise<MonitorsClient>): MonitorsClient {
  return {
    list: async () => (await client()).list(),
    plan: async (spec) => (await client()).plan(spec),
    save: async (spec) => (await client()).save(spec),
    pause: async (name) => (await client()).pause(name),
    resume: async (name) => (await client()).resume(name),
    delete: async (name) => (await client()).delete(name),
    backfill: async (name, span) => (await client()).backfill(name, span),
    approveBackfill: async (name, id) => (await client()).approveBackfill(name, id),
    backfillStatus: async (name) => (await client()).backfillStatus(name),
  };
}

/** A datasets client whose backend is found on first use. */
function lazyDatasets(client: () => Promise<DatasetsClient>): DatasetsClient {
  return {
    list: async () => (await client()).list(),
    versions: async (name) => (await client()).versions(name),
    rows: async (name, options) => (await client()).rows(name, options),
    save: async (name, input) => (await client()).save(name, input),
  };
}
