import type { Json, KvStore } from "./kv.ts";

// The store sits below the runtime, so it does not import the runtime's `CellCache`; this
// interface has the same shape, and tests check that the two stay assignable both ways.

/** Cell values by cell key: the shape of the runtime's `CellCache`. */
export interface CellCache {
  get(key: string): Promise<Json | undefined>;
  put(key: string, value: Json): Promise<void>;
}

/** A CellCache over the store's "cells" object store; each put is committed before it resolves. */
export function cellCache(store: KvStore): CellCache {
  return {
    get: (key) => store.get("cells", key),
    put: (key, value) => store.put("cells", key, value),
  };
}
