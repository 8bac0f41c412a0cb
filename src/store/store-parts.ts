// A trace store is put together from parts: the calls, the feedback and the control
// documents, each with its own close. Both the embedded and the ClickHouse store are made
// this way.

import type { ControlStore } from "./control-store.ts";
import type { FeedbackStore } from "./feedback.ts";
import type { TraceStore } from "./trace-store.ts";

/** A trace store with the feedback and control parts added: the store's own methods, theirs, `extra` (what a store adds, e.g. the server it is on), and a close that closes all (the parts first). */
export function withParts<X extends object>(store: TraceStore, feedback: FeedbackStore & { close(): Promise<void> }, control: ControlStore & { close(): Promise<void> }, extra: X): TraceStore & FeedbackStore & ControlStore & X {
  return {
    ...extra,
    kind: store.kind,
    location: store.location,
    write: (patches) => store.write(patches),
    query: (q) => store.query(q),
    count: (f) => store.count(f),
    stats: (f, spec) => store.stats(f, spec),
    writeFeedback: (rows) => feedback.writeFeedback(rows),
    feedback: (ids) => feedback.feedback(ids),
    annotationSchemas: () => feedback.annotationSchemas(),
    declareAnnotation: (schema) => feedback.declareAnnotation(schema),
    feedbackStats: (filter, spec) => feedback.feedbackStats(filter, spec),
    docs: (kind) => control.docs(kind),
    doc: (kind, id) => control.doc(kind, id),
    changeDocs: (changes, now) => control.changeDocs(changes, now),
    async close() {
      await feedback.close();
      await control.close();
      await store.close();
    },
  };
}

/** Runs operations one at a time, in call order (one that fails does not stop the next); `idle()` resolves once those queued have settled. */
export function oneAtATime(): { run<T>(fn: () => Promise<T>): Promise<T>; idle(): Promise<void> } {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      const next = chain.then(fn, fn);
      chain = next.catch(() => undefined);
      return next;
    },
    async idle() {
      await chain;
    },
  };
}
