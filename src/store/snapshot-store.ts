import { STORE_NAMES, WEFT_SCHEMA, closedError, type Entry, type Json, type KvStore, type StoreName } from "./kv.ts";

/**
 * A key-value store over records that are already JSON and never change: a published report's
 * call cache. Unlike the memory store it neither validates nor copies values in or out (a 10,000-row
 * report holds ~11 MB of records, and copying them twice cost ~300 ms of its first chart): a
 * reader must not modify what it gets. Writes (a report computing an op whose inputs changed)
 * are kept as given.
 */
export function snapshotStore(records: Readonly<Record<string, readonly (readonly [string, Json])[]>>): KvStore {
  const stores = new Map<StoreName, Map<string, Json>>(STORE_NAMES.map((name) => [name, new Map((records[name] ?? []) as [string, Json][])]));
  let open = true;
  const records_ = (store: StoreName) => {
    if (!open) throw closedError("snapshot store");
    const r = stores.get(store);
    if (!r) throw new Error(`snapshot store: no object store ${JSON.stringify(store)}`);
    return r;
  };
  return {
    version: WEFT_SCHEMA.version,
    get: async (store, key) => records_(store).get(key),
    getMany: async (store, keys) => {
      const r = records_(store);
      return keys.map((key) => r.get(key));
    },
    put: async (store, key, value) => void records_(store).set(key, value),
    putMany: async (store, entries: readonly Entry[]) => {
      const r = records_(store);
      for (const [key, value] of entries) r.set(key, value);
    },
    delete: async (store, key) => void records_(store).delete(key),
    keys: async (store) => [...records_(store).keys()].sort(),
    close: async () => {
      open = false;
    },
  };
}
