// The storage contract every backend (IndexedDB, LMDB, memory) implements. The store sits
// below the trace and runtime layers; its JSON type is the bottom layer's `Json`.

import { type Json } from "../base/index.ts";

/** A JSON value: the only kind of value a store holds. */
export type { Json };

/** The object stores Weft knows: cell values now; calls, objects and the call cache next. */
export const STORE_NAMES = ["cells", "calls", "objects", "callcache"] as const;

/** The name of one of Weft's object stores. */
export type StoreName = (typeof STORE_NAMES)[number];

/** Whether `name` is one of Weft's object store names. */
export function isStoreName(name: string): name is StoreName {
  return (STORE_NAMES as readonly string[]).includes(name);
}

/** One record to write: a key and its JSON value. */
export type Entry = readonly [key: string, value: Json];

/** A key-value store of named object stores; each call is one transaction, committed before it resolves. */
export interface KvStore {
  /** The schema version the store is at. */
  readonly version: number;
  /** The value under `key`, or undefined when there is none. */
  get(store: StoreName, key: string): Promise<Json | undefined>;
  /** The values under `keys`, in the same order, undefined where missing; one read transaction for all. */
  getMany(store: StoreName, keys: readonly string[]): Promise<(Json | undefined)[]>;
  /** Writes one record; resolves once it is committed. */
  put(store: StoreName, key: string, value: Json): Promise<void>;
  /** Writes all records in one transaction: all are committed before it resolves, or none are. */
  putMany(store: StoreName, entries: readonly Entry[]): Promise<void>;
  /** Removes one record; removing a missing key is not an error. */
  delete(store: StoreName, key: string): Promise<void>;
  /** Every key of an object store, in ascending order. */
  keys(store: StoreName): Promise<string[]>;
  /** Releases the store; later calls reject. */
  close(): Promise<void>;
}

/** The reads and writes a migration may make; they all land in the migration's one transaction. */
export interface MigrationTx {
  /** The value under `key`, including writes made earlier in this migration. */
  get(store: StoreName, key: string): Promise<Json | undefined>;
  /** Writes one record as part of the migration. */
  put(store: StoreName, key: string, value: Json): Promise<void>;
  /** Removes one record as part of the migration. */
  delete(store: StoreName, key: string): Promise<void>;
  /** Every key of an object store as the migration currently sees it, ascending. */
  keys(store: StoreName): Promise<string[]>;
}

/** One schema step: the object stores it creates and drops, then an optional data transform. */
export interface Migration {
  /** The version this step brings the store to. */
  readonly version: number;
  /** Object stores created by this step, empty. */
  readonly create?: readonly StoreName[];
  /** Object stores removed by this step, with their records. */
  readonly drop?: readonly StoreName[];
  /** Rewrites records after the stores change; awaits only `tx` calls (IndexedDB upgrade rule). */
  readonly migrate?: (tx: MigrationTx) => Promise<void>;
}

/** A schema: its current version and the migrations that lead there from an empty store. */
export interface Schema {
  readonly version: number;
  readonly migrations: readonly Migration[];
}

/** Weft's own schema; append a migration here when an object store is added or reshaped. */
export const WEFT_SCHEMA: Schema = {
  version: 2,
  migrations: [
    { version: 1, create: ["cells"] },
    // The trace layer: recorded calls, content-addressed objects, and the chunked call cache.
    { version: 2, create: ["calls", "objects", "callcache"] },
  ],
};

/** Checks that migrations are in strictly increasing order and within the schema version. */
export function validateSchema(schema: Schema): void {
  if (!Number.isInteger(schema.version) || schema.version < 1) throw new Error(`invalid schema: version ${schema.version} is not a positive integer`);
  let last = 0;
  for (const m of schema.migrations) {
    if (!Number.isInteger(m.version) || m.version <= last) throw new Error(`invalid schema: migration ${m.version} is not after ${last}`);
    if (m.version > schema.version) throw new Error(`invalid schema: migration ${m.version} is beyond schema version ${schema.version}`);
    last = m.version;
  }
}

/** The migrations that take a store from version `from` to the schema's version, in order. */
export function pendingMigrations(schema: Schema, from: number): Migration[] {
  return schema.migrations.filter((m) => m.version > from && m.version <= schema.version);
}

/** The error for a store written by a newer Weft than the running one. */
export function newerVersionError(where: string, found: number, supported: number): Error {
  return new Error(`${where} has schema version ${found}, newer than version ${supported} that this weft supports; open it with a newer weft, or delete it to start over`);
}

/** Throws unless `store` exists in this schema, naming the ones that do. */
export function assertStore(stores: ReadonlySet<StoreName>, store: StoreName, version: number): void {
  if (!stores.has(store)) throw new Error(`unknown object store '${store}' at schema version ${version} (it has: ${[...stores].join(", ") || "none"})`);
}

/** The error for a call made after `close()`. */
export function closedError(where: string): Error {
  return new Error(`${where} is closed`);
}

const MAX_DEPTH = 512;

/** A record whose value is not JSON; nothing of its batch is written. */
export class NotJsonError extends Error {
  constructor(store: StoreName, key: string, problem: string) {
    super(`cannot store record '${key}' in '${store}': ${problem}`);
    this.name = "NotJsonError";
  }
}

/** Throws NotJsonError unless `value` is JSON (finite numbers, plain objects and arrays, no cycles). */
export function assertJson(value: unknown, store: StoreName, key: string): asserts value is Json {
  const problem = jsonProblem(value, "", 0);
  if (problem) throw new NotJsonError(store, key, problem);
}

function jsonProblem(value: unknown, path: string, depth: number): string | undefined {
  const at = path || "the top level";
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `${value} is not a JSON number at ${at}`;
    case "object":
      break;
    case "undefined":
      return `undefined is not JSON at ${at}`;
    default:
      return `a ${typeof value} is not JSON at ${at}`;
  }
  if (value === null) return undefined;
  if (depth > MAX_DEPTH) return `nested deeper than ${MAX_DEPTH} levels (a cycle?) at ${at}`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = jsonProblem(value[i], `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return `a ${proto?.constructor?.name ?? "class instance"} is not JSON at ${at}`;
  for (const key of Object.keys(value)) {
    const p = jsonProblem((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, depth + 1);
    if (p) return p;
  }
  return undefined;
}
