import { wrap, type IDBPDatabase, type IDBPObjectStore } from "idb";
import { assertJson, assertStore, closedError, isStoreName, newerVersionError, NotJsonError, pendingMigrations, validateSchema, WEFT_SCHEMA, type Entry, type Json, type KvStore, type MigrationTx, type Schema, type StoreName } from "./kv.ts";
import { runMigration } from "./migrate.ts";

// The IndexedDB version is the schema version, and each object store has out-of-line
// string keys. Migrations run inside the browser's own upgrade transaction, so they are
// atomic: a migration that throws aborts the upgrade and the database stays as it was.

/** Options for `openIdbStore`. */
export interface IdbStoreOptions {
  readonly schema?: Schema;
  /** The IndexedDB to use, e.g. a storage bucket's `bucket.indexedDB`; the global one by default. */
  readonly indexedDB?: IDBFactory;
}

type Db = IDBPDatabase<unknown>;

/** Opens (creating if needed) the IndexedDB database `name`, running pending migrations; rejects on a newer schema. */
export async function openIdbStore(name: string, options: IdbStoreOptions = {}): Promise<KvStore> {
  const schema = options.schema ?? WEFT_SCHEMA;
  validateSchema(schema);
  const where = `indexeddb '${name}'`;
  const factory = options.indexedDB ?? globalThis.indexedDB;
  if (!factory) throw new Error(`cannot open ${where}: indexeddb is not available here`);
  const state: ConnectionState = { db: undefined, closed: undefined };
  let migrationError: unknown;
  try {
    state.db = await connect(factory.open(name, schema.version), {
      upgrade(database, oldVersion, tx) {
        upgrade(database, tx, schema, oldVersion).catch((error: unknown) => {
          migrationError = error;
          abort(tx);
        });
      },
      blocking() {
        // Another tab wants a newer schema: step aside so it can upgrade.
        state.closed = `${where} was closed because a newer version of it was opened elsewhere; reload`;
        state.db?.close();
      },
      terminated() {
        state.closed = `${where} was closed by the browser`;
      },
    });
  } catch (error) {
    if (migrationError !== undefined) throw migrationError;
    if (nameOf(error) === "VersionError") throw newerVersionError(where, await currentVersion(factory, name), schema.version);
    throw new Error(`cannot open ${where}: ${messageOf(error)}`, { cause: error });
  }
  return idbStore(state.db, state, where);
}

interface ConnectHandlers {
  upgrade?(db: IDBDatabase, oldVersion: number, tx: IDBTransaction): void;
  blocking?(): void;
  terminated?(): void;
}

// idb's `openDB`, but on a given IDBFactory rather than the global one.
async function connect(request: IDBOpenDBRequest, handlers: ConnectHandlers = {}): Promise<Db> {
  const { upgrade, blocking, terminated } = handlers;
  if (upgrade) {
    request.addEventListener("upgradeneeded", (event) => {
      const tx = request.transaction;
      if (tx) upgrade(request.result, event.oldVersion, tx);
    });
  }
  const db = await wrap(request);
  if (!db) throw new Error("indexeddb opened no database");
  if (terminated) db.addEventListener("close", () => terminated());
  if (blocking) db.addEventListener("versionchange", () => blocking());
  return db;
}

// The connection, and why it was closed once it is.
interface ConnectionState {
  db: Db | undefined;
  closed: string | undefined;
}

function idbStore(db: Db, state: ConnectionState, where: string): KvStore {
  const stores = new Set([...db.objectStoreNames].filter(isStoreName));
  const check = (store: StoreName) => {
    if (state.closed) throw new Error(state.closed);
    assertStore(stores, store, db.version);
  };
  const write = async (store: StoreName, entries: readonly Entry[]) => {
    check(store);
    const tx = db.transaction(store, "readwrite");
    const os = tx.objectStore(store);
    const requests: Promise<unknown>[] = [];
    try {
      for (const [key, value] of entries) {
        assertJson(value, store, key);
        requests.push(os.put(value, key));
      }
    } catch (error) {
      // A record that is not JSON, or a put the browser refused (quota): write none of the batch.
      tx.abort();
      await Promise.allSettled([...requests, tx.done]);
      throw idbWriteError(error, entries.length, store, where);
    }
    // Requests fail with AbortError when the transaction aborts; its own error says why.
    const settled = Promise.allSettled(requests);
    try {
      await tx.done;
    } catch (error) {
      await settled;
      throw idbWriteError(tx.error ?? error, entries.length, store, where);
    }
  };
  return {
    version: db.version,
    async get(store, key) {
      check(store);
      return json(await db.get(store, key));
    },
    async getMany(store, keys) {
      check(store);
      const tx = db.transaction(store, "readonly");
      const [values] = await Promise.all([readMany(tx.store, keys), tx.done]);
      return values.map(json);
    },
    put: (store, key, value) => write(store, [[key, value]]),
    putMany: (store, entries) => write(store, entries),
    async delete(store, key) {
      check(store);
      const tx = db.transaction(store, "readwrite");
      await Promise.all([tx.store.delete(key), tx.done]);
    },
    async keys(store) {
      check(store);
      return (await db.getAllKeys(store)).map(String);
    },
    async close() {
      if (state.closed) return;
      state.closed = closedError(where).message;
      db.close();
    },
  };
}

const RANGE_MIN_KEYS = 32;

// One `get` per key costs about 3x more than `getAll` per record in Chromium (10,000 keys:
// ~250 ms against ~85 ms). So when the keys cover most of their key range, read the whole
// range with getAllKeys + getAll and pick the keys out; otherwise get each key. Both paths
// run inside the caller's one transaction.
async function readMany(os: IDBPObjectStore<unknown, [StoreName], StoreName, "readonly">, keys: readonly string[]): Promise<unknown[]> {
  if (keys.length < RANGE_MIN_KEYS) return Promise.all(keys.map((key) => os.get(key)));
  const sorted = [...new Set(keys)].sort();
  const range = IDBKeyRange.bound(sorted[0], sorted[sorted.length - 1]);
  const inRange = await os.count(range);
  if (inRange > 2 * sorted.length) return Promise.all(keys.map((key) => os.get(key)));
  const [found, values] = await Promise.all([os.getAllKeys(range), os.getAll(range)]);
  const byKey = new Map<unknown, unknown>();
  found.forEach((key, i) => byKey.set(key, values[i]));
  return keys.map((key) => byKey.get(key));
}

// Applies each pending migration inside the upgrade transaction: object stores first,
// then the data transform, which may only await requests on `tx`.
async function upgrade(db: IDBDatabase, tx: IDBTransaction, schema: Schema, from: number): Promise<void> {
  for (const m of pendingMigrations(schema, from)) {
    for (const s of m.drop ?? []) db.deleteObjectStore(s);
    for (const s of m.create ?? []) db.createObjectStore(s);
    if (m.migrate) await runMigration(m.version, m.migrate, migrationTx(db, tx, m.version));
  }
}

function migrationTx(db: IDBDatabase, tx: IDBTransaction, version: number): MigrationTx {
  const store = (s: StoreName) => {
    assertStore(new Set([...db.objectStoreNames].filter(isStoreName)), s, version);
    return tx.objectStore(s);
  };
  return {
    get: async (s, key) => json(await done(store(s).get(key))),
    put: async (s, key, value) => {
      assertJson(value, s, key);
      await done(store(s).put(value, key));
    },
    delete: async (s, key) => {
      await done(store(s).delete(key));
    },
    keys: async (s) => (await done(store(s).getAllKeys())).map(String),
  };
}

// Aborts the upgrade; a failed request may have aborted it already, and the open rejects either way.
function abort(tx: IDBTransaction): void {
  try {
    tx.abort();
  } catch (error) {
    if (nameOf(error) !== "InvalidStateError") throw error;
  }
}

// The result of one raw request; the upgrade uses raw requests so that no wrapper
// promise of the versionchange transaction is left rejected when a migration aborts it.
function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.addEventListener("success", () => resolve(request.result));
    request.addEventListener("error", () => reject(request.error));
  });
}

async function currentVersion(factory: IDBFactory, name: string): Promise<number> {
  const db = await connect(factory.open(name));
  const version = db.version;
  db.close();
  return version;
}

/** Maps an IndexedDB write failure to a clear error; QuotaExceededError says the quota ran out. */
export function idbWriteError(error: unknown, count: number, store: StoreName, where: string): Error {
  if (error instanceof NotJsonError) return error;
  const what = `${count} record${count === 1 ? "" : "s"} to '${store}' in ${where}`;
  const kept = "records committed before are kept; this batch was not written";
  if (nameOf(error) === "QuotaExceededError") return new Error(`storage quota exceeded while writing ${what}; ${kept}`, { cause: error });
  return new Error(`failed writing ${what}: ${messageOf(error)}; ${kept}`, { cause: error });
}

// Values come back exactly as they were put, and every put passed assertJson.
function json(value: unknown): Json | undefined {
  return value as Json | undefined;
}

function nameOf(error: unknown): unknown {
  return (error as { name?: unknown } | null)?.name;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
