import { assertJson, assertStore, closedError, newerVersionError, validateSchema, WEFT_SCHEMA, type Entry, type Json, type KvStore, type Schema, type StoreName } from "./kv.ts";
import { planMigrations } from "./migrate.ts";

/** What a memory store keeps across close and reopen, standing in for a disk. */
export interface MemoryDisk {
  version: number;
  stores: Map<StoreName, Map<string, Json>>;
}

/** An empty memory disk, at version 0 (nothing created yet). */
export function memoryDisk(): MemoryDisk {
  return { version: 0, stores: new Map() };
}

/** Options for `openMemoryStore`. */
export interface MemoryStoreOptions {
  /** The disk to open; reopen a store by passing the same disk again. */
  readonly disk?: MemoryDisk;
  readonly schema?: Schema;
}

/** An in-memory KvStore with the same contract as the persistent ones: values are copied in and out. */
export async function openMemoryStore(options: MemoryStoreOptions = {}): Promise<KvStore> {
  const disk = options.disk ?? memoryDisk();
  const schema = options.schema ?? WEFT_SCHEMA;
  validateSchema(schema);
  if (disk.version > schema.version) throw newerVersionError("memory store", disk.version, schema.version);
  if (disk.version < schema.version) await migrate(disk, schema);
  let open = true;

  const records = (store: StoreName) => {
    if (!open) throw closedError("memory store");
    assertStore(new Set(disk.stores.keys()), store, disk.version);
    return disk.stores.get(store)!;
  };
  const copy = (value: Json | undefined) => (value === undefined ? undefined : structuredClone(value));

  return {
    version: disk.version,
    async get(store, key) {
      return copy(records(store).get(key));
    },
    async getMany(store, keys) {
      const r = records(store);
      return keys.map((key) => copy(r.get(key)));
    },
    async put(store, key, value) {
      const r = records(store);
      assertJson(value, store, key);
      r.set(key, structuredClone(value));
    },
    async putMany(store, entries: readonly Entry[]) {
      // Validate and copy the whole batch first, so a bad record leaves nothing written.
      const r = records(store);
      const staged = entries.map(([key, value]): Entry => {
        assertJson(value, store, key);
        return [key, structuredClone(value)];
      });
      for (const [key, value] of staged) r.set(key, value);
    },
    async delete(store, key) {
      records(store).delete(key);
    },
    async keys(store) {
      return [...records(store).keys()].sort();
    },
    async close() {
      open = false;
    },
  };
}

async function migrate(disk: MemoryDisk, schema: Schema): Promise<void> {
  const before = new Set(disk.stores.keys());
  const plan = await planMigrations(schema, disk.version, before, {
    get: (store, key) => {
      const value = disk.stores.get(store)?.get(key);
      return value === undefined ? undefined : structuredClone(value);
    },
    keys: (store) => [...(disk.stores.get(store)?.keys() ?? [])].sort(),
  });
  for (const s of before) if (plan.cleared.has(s) || !plan.stores.has(s)) disk.stores.delete(s);
  for (const s of plan.stores) if (!disk.stores.has(s)) disk.stores.set(s, new Map());
  for (const [s, writes] of plan.writes) {
    const r = disk.stores.get(s)!;
    for (const [key, value] of writes) {
      if (value === undefined) r.delete(key);
      else r.set(key, value);
    }
  }
  disk.version = plan.version;
}
