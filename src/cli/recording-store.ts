import type { Entry, Json, KvStore, StoreName } from "../store/index.ts";

/** A key-value store that passes everything through and remembers the records read or written, per object store. */
export interface RecordingStore extends KvStore {
  /** The records seen in each recorded object store, in first-seen order. */
  recorded(): Map<StoreName, Map<string, Json>>;
}

/**
 * Wraps `inner` so that every record of the `recorded` object stores that a run reads (or
 * writes, for the `writesOf` stores) is kept: a report carries exactly the call-cache chunks and
 * objects its cells used.
 */
export function recordingStore(inner: KvStore, recorded: readonly StoreName[], options: { readonly writesOf?: readonly StoreName[] } = {}): RecordingStore {
  const seen = new Map<StoreName, Map<string, Json>>(recorded.map((s) => [s, new Map()]));
  const note = (store: StoreName, key: string, value: Json | undefined) => {
    if (value !== undefined) seen.get(store)?.set(key, value);
  };
  // Writes are kept only for the stores named (default all recorded): a record written for provenance (a dataset's copy) and never read back is not needed again.
  const writes = new Set(options.writesOf ?? recorded);
  const noteWrite = (store: StoreName, key: string, value: Json) => {
    if (writes.has(store)) note(store, key, value);
  };
  return {
    get version() {
      return inner.version;
    },
    async get(store, key) {
      const value = await inner.get(store, key);
      note(store, key, value);
      return value;
    },
    async getMany(store, keys) {
      const values = await inner.getMany(store, keys);
      keys.forEach((key, i) => note(store, key, values[i]));
      return values;
    },
    async put(store, key, value) {
      await inner.put(store, key, value);
      noteWrite(store, key, value);
    },
    async putMany(store, entries: readonly Entry[]) {
      await inner.putMany(store, entries);
      for (const [key, value] of entries) noteWrite(store, key, value);
    },
    delete: (store, key) => {
      seen.get(store)?.delete(key);
      return inner.delete(store, key);
    },
    keys: (store) => inner.keys(store),
    close: () => inner.close(),
    recorded: () => seen,
  };
}
