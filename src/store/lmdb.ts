import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { open, type Database, type RootDatabase } from "lmdb";
import { assertJson, assertStore, closedError, NotJsonError, newerVersionError, validateSchema, WEFT_SCHEMA, type Entry, type Json, type KvStore, type Schema, type StoreName } from "./kv.ts";
import { planMigrations, type MigrationPlan } from "./migrate.ts";

// One LMDB environment per directory (`store.mdb` plus its lock file), one named database
// per object store, and a `__meta` database holding the schema version and store names.
// Every write is a synchronous LMDB transaction: it is atomic (a throw aborts it) and is
// flushed to disk before the call returns, so a resolved promise means the data is on disk.

const FILE = "store.mdb";
const META = "__meta";

interface Meta {
  readonly version: number;
  readonly stores: readonly StoreName[];
}

/** Options for `openLmdbStore`. */
export interface LmdbStoreOptions {
  readonly schema?: Schema;
}

/** Opens (creating if needed) the store in `dir`, running pending migrations; rejects on a newer schema. */
export async function openLmdbStore(dir: string, options: LmdbStoreOptions = {}): Promise<KvStore> {
  const schema = options.schema ?? WEFT_SCHEMA;
  validateSchema(schema);
  const where = `store in ${dir}`;
  let root: RootDatabase;
  try {
    mkdirSync(dir, { recursive: true });
    root = open({ path: join(dir, FILE), maxDbs: 32 });
  } catch (error) {
    throw new Error(`cannot open ${where}: ${messageOf(error)}`, { cause: error });
  }
  try {
    const dbs = await migrate(root, schema, where);
    return lmdbStore(root, dbs, schema.version, where);
  } catch (error) {
    await root.close();
    throw error;
  }
}

function lmdbStore(root: RootDatabase, dbs: Map<StoreName, Database<Json, string>>, version: number, where: string): KvStore {
  let open = true;
  const stores = new Set(dbs.keys());
  const db = (store: StoreName) => {
    if (!open) throw closedError(where);
    assertStore(stores, store, version);
    return dbs.get(store)!;
  };
  const write = (store: StoreName, count: number, action: () => void) => {
    try {
      root.transactionSync(action);
    } catch (error) {
      throw lmdbWriteError(error, count, store, where);
    }
  };
  return {
    version,
    async get(store, key) {
      return db(store).get(key);
    },
    async getMany(store, keys) {
      // Synchronous reads in one turn share LMDB's read transaction: one consistent snapshot.
      const d = db(store);
      return keys.map((key) => d.get(key));
    },
    async put(store, key, value) {
      const d = db(store);
      assertJson(value, store, key);
      write(store, 1, () => d.putSync(key, value));
    },
    async putMany(store, entries: readonly Entry[]) {
      const d = db(store);
      write(store, entries.length, () => {
        for (const [key, value] of entries) {
          assertJson(value, store, key);
          d.putSync(key, value);
        }
      });
    },
    async delete(store, key) {
      const d = db(store);
      write(store, 1, () => d.removeSync(key));
    },
    async keys(store) {
      return [...db(store).getKeys()].sort();
    },
    async close() {
      if (!open) return;
      open = false;
      await root.close();
    },
  };
}

async function migrate(root: RootDatabase, schema: Schema, where: string): Promise<Map<StoreName, Database<Json, string>>> {
  const meta = root.openDB<Meta, string>({ name: META, encoding: "json" });
  const found: Meta = meta.get("schema") ?? { version: 0, stores: [] };
  if (found.version > schema.version) throw newerVersionError(where, found.version, schema.version);
  const dbs = new Map<StoreName, Database<Json, string>>();
  const openStore = (s: StoreName) => {
    let d = dbs.get(s);
    if (!d) dbs.set(s, (d = root.openDB<Json, string>({ name: s, encoding: "json" })));
    return d;
  };
  if (found.version === schema.version) {
    for (const s of found.stores) openStore(s);
    return dbs;
  }
  const before = new Set(found.stores);
  const plan = await planMigrations(schema, found.version, before, {
    get: (store, key) => openStore(store).get(key),
    keys: (store) => [...openStore(store).getKeys()].sort(),
  });
  // The plan was made outside the write lock; apply it only if no other process migrated meanwhile.
  let raced = false;
  try {
    root.transactionSync(() => {
      raced = (meta.get("schema")?.version ?? 0) !== found.version;
      if (!raced) apply(plan, before, openStore, dbs, meta);
    });
  } catch (error) {
    throw lmdbWriteError(error, countWrites(plan), "migration", where);
  }
  if (raced) throw new Error(`the ${where} was migrated by another process while this one was migrating it; open it again`);
  return new Map([...plan.stores].map((s) => [s, openStore(s)]));
}

function apply(plan: MigrationPlan, before: ReadonlySet<StoreName>, openStore: (s: StoreName) => Database<Json, string>, dbs: Map<StoreName, Database<Json, string>>, meta: Database<Meta, string>): void {
  for (const s of before) {
    if (!plan.stores.has(s)) {
      openStore(s).dropSync();
      dbs.delete(s);
    } else if (plan.cleared.has(s)) {
      openStore(s).clearSync();
    }
  }
  for (const [s, writes] of plan.writes) {
    const d = openStore(s);
    for (const [key, value] of writes) {
      if (value === undefined) d.removeSync(key);
      else d.putSync(key, value);
    }
  }
  for (const s of plan.stores) openStore(s);
  meta.putSync("schema", { version: plan.version, stores: [...plan.stores] });
}

function countWrites(plan: MigrationPlan): number {
  let n = 0;
  for (const w of plan.writes.values()) n += w.size;
  return n;
}

const ENOSPC = 28;
const EIO = 5;
const MDB_MAP_FULL = -30792;

/** Maps an LMDB write failure to a clear error; disk full shows up as ENOSPC, or as EIO from LMDB's page flush. */
export function lmdbWriteError(error: unknown, count: number, store: StoreName | "migration", where: string): Error {
  if (error instanceof NotJsonError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = messageOf(error);
  const target = store === "migration" ? `the migration of the ${where}` : `'${store}' in the ${where}`;
  const what = `${count} record${count === 1 ? "" : "s"}`;
  const kept = "records committed before are kept; this batch was not written";
  if (code === ENOSPC || code === "ENOSPC" || /no space left/i.test(message)) return new Error(`disk full while writing ${what} to ${target}; ${kept}`, { cause: error });
  if (code === EIO || code === "EIO") return new Error(`i/o error while writing ${what} to ${target} (is the disk full?); ${kept}`, { cause: error });
  if (code === MDB_MAP_FULL || /MDB_MAP_FULL/.test(message)) return new Error(`store map full while writing ${what} to ${target}; ${kept}`, { cause: error });
  return new Error(`failed writing ${what} to ${target}: ${message}; ${kept}`, { cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
