import { keepsControl, keepsFeedback, toAnnotationSchema, toFeedback, type TraceStore } from "../store/index.ts";
import type { CallsBackend } from "./calls.ts";
import { localDatasets } from "./datasets-client.ts";
import { promptVersions } from "./prompt-versions.ts";

/**
 * A trace store as the backend of `calls()` in a host that opens it directly (`weft run`):
 * queries go straight to the store; feedback is checked with the store's own rules
 * (declared annotations) before it is written, as the collector's API does. A store that keeps
 * control documents keeps datasets and prompts too.
 */
export function storeBackend(store: TraceStore, now: () => number = Date.now, newId: () => string = () => globalThis.crypto.randomUUID()): CallsBackend {
  const backend: CallsBackend = {
    query: (q) => store.query(q),
    count: (f) => store.count(f),
    stats: (f, spec) => store.stats(f, spec),
  };
  if (!keepsFeedback(store)) return backend;
  return {
    ...backend,
    ...(keepsControl(store) ? { datasets: localDatasets(store, store, now), prompts: promptVersions(store, { now }) } : {}),
    feedback: (ids) => store.feedback(ids),
    annotationSchemas: () => store.annotationSchemas(),
    async giveFeedback(items) {
      const schemas = new Map((await store.annotationSchemas()).map((s) => [s.name, s]));
      const t = now();
      const rows = items.map((item, i) => toFeedback(item, schemas, t, newId, items.length > 1 ? `feedback[${i}]` : "feedback"));
      await store.writeFeedback(rows);
      return rows;
    },
    async declareAnnotation(schema) {
      const checked = toAnnotationSchema(schema);
      await store.declareAnnotation(checked);
      return checked;
    },
  };
}
