import type { Call } from "../base/index.ts";
import { httpCallsBackend, storeBackend, type CallsBackend } from "../prod/index.ts";
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
    async close() {
      const s = await opened?.catch(() => null);
      await s?.store?.close();
    },
  };
}
