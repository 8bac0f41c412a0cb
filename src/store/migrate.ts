import { assertJson, assertStore, pendingMigrations, type Json, type MigrationTx, type Schema, type StoreName } from "./kv.ts";

// Backends without an upgrade transaction of their own (memory, LMDB) run migrations in two
// phases: the migrations read committed records through a snapshot and stage their writes
// in memory, then the backend applies the staged plan, and the new version, in one
// transaction. A migration that throws leaves the store exactly as it was.

/** Synchronous reads of the records committed before the migration. */
export interface SnapshotReader {
  get(store: StoreName, key: string): Json | undefined;
  keys(store: StoreName): string[];
}

/** The net effect of a run of migrations, for a backend to apply atomically. */
export interface MigrationPlan {
  /** The version the store is at once the plan is applied. */
  readonly version: number;
  /** The object stores that exist afterwards. */
  readonly stores: ReadonlySet<StoreName>;
  /** Object stores that existed before whose committed records are all discarded. */
  readonly cleared: ReadonlySet<StoreName>;
  /** Records to write per object store; undefined means delete. */
  readonly writes: ReadonlyMap<StoreName, ReadonlyMap<string, Json | undefined>>;
}

/** Runs the migrations from `from` to the schema's version against a snapshot and returns what to apply. */
export async function planMigrations(schema: Schema, from: number, before: ReadonlySet<StoreName>, read: SnapshotReader): Promise<MigrationPlan> {
  const stores = new Set(before);
  const cleared = new Set<StoreName>();
  const writes = new Map<StoreName, Map<string, Json | undefined>>();
  let version = from;
  // Whether reads of `store` fall through to the committed records.
  const committed = (store: StoreName) => before.has(store) && !cleared.has(store);
  const staged = (store: StoreName) => {
    let w = writes.get(store);
    if (!w) writes.set(store, (w = new Map()));
    return w;
  };
  const tx: MigrationTx = {
    async get(store, key) {
      assertStore(stores, store, version);
      const w = writes.get(store);
      if (w?.has(key)) {
        const value = w.get(key);
        return value === undefined ? undefined : structuredClone(value);
      }
      return committed(store) ? read.get(store, key) : undefined;
    },
    async put(store, key, value) {
      assertStore(stores, store, version);
      assertJson(value, store, key);
      staged(store).set(key, structuredClone(value));
    },
    async delete(store, key) {
      assertStore(stores, store, version);
      staged(store).set(key, undefined);
    },
    async keys(store) {
      assertStore(stores, store, version);
      const keys = new Set(committed(store) ? read.keys(store) : []);
      for (const [key, value] of writes.get(store) ?? []) {
        if (value === undefined) keys.delete(key);
        else keys.add(key);
      }
      return [...keys].sort();
    },
  };
  for (const m of pendingMigrations(schema, from)) {
    version = m.version;
    for (const s of m.drop ?? []) {
      assertStore(stores, s, version);
      stores.delete(s);
      writes.delete(s);
      if (before.has(s)) cleared.add(s);
    }
    for (const s of m.create ?? []) {
      if (stores.has(s)) throw new Error(`migration ${m.version} creates object store '${s}', which already exists`);
      stores.add(s);
    }
    if (m.migrate) await runMigration(m.version, m.migrate, tx);
  }
  return { version: schema.version, stores, cleared, writes };
}

/** Runs one migration's transform, naming the version in any error it throws. */
export async function runMigration(version: number, migrate: (tx: MigrationTx) => Promise<void>, tx: MigrationTx): Promise<void> {
  try {
    await migrate(tx);
  } catch (error) {
    throw new Error(`migration to schema version ${version} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
