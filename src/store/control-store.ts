// Control documents: the small, mutable state of the production half that lives beside the
// calls in the trace store, so that every process that opens the store sees the same:
// curation rules, monitors, alert rules and their state, and dataset versions. One document
// per (kind, id), JSON, replaced whole; a batch of puts and deletes commits together.

import type { Json } from "../base/index.ts";

/** A stored control document. */
export interface ControlDoc {
  readonly kind: string;
  readonly id: string;
  readonly value: Json;
  /** Epoch ms of the last put. */
  readonly updatedAt: number;
}

/** One change of a `changeDocs` batch: a put (with `value`) or a delete (`value: undefined`). */
export interface DocChange {
  readonly kind: string;
  readonly id: string;
  readonly value: Json | undefined;
}

/** The part of a trace store that keeps control documents. */
export interface ControlStore {
  /** Every document of a kind, ordered by id. */
  docs(kind: string): Promise<ControlDoc[]>;
  /** One document, or undefined. */
  doc(kind: string, id: string): Promise<ControlDoc | undefined>;
  /** Puts and deletes in one transaction; durable when it resolves. */
  changeDocs(changes: readonly DocChange[], now: number): Promise<void>;
}

/** Whether a store keeps control documents. */
export function keepsControl(store: object): store is ControlStore {
  const s = store as Partial<ControlStore>;
  return typeof s.docs === "function" && typeof s.doc === "function" && typeof s.changeDocs === "function";
}

/** A control store in memory, for tests and for hosts without a trace store file. */
export function memoryControlStore(): ControlStore {
  const byKind = new Map<string, Map<string, ControlDoc>>();
  const copy = (d: ControlDoc): ControlDoc => ({ ...d, value: structuredClone(d.value) });
  return {
    async docs(kind) {
      return [...(byKind.get(kind)?.values() ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(copy);
    },
    async doc(kind, id) {
      const d = byKind.get(kind)?.get(id);
      return d ? copy(d) : undefined;
    },
    async changeDocs(changes, now) {
      for (const c of changes) {
        const docs = byKind.get(c.kind) ?? new Map<string, ControlDoc>();
        byKind.set(c.kind, docs);
        if (c.value === undefined) docs.delete(c.id);
        else docs.set(c.id, { kind: c.kind, id: c.id, value: structuredClone(c.value), updatedAt: now });
      }
    },
  };
}
