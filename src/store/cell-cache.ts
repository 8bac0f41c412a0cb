import type { Json, KvStore } from "./kv.ts";

// The store sits below the runtime, so it does not import the runtime's `CellCache`; this
// interface has the same shape, and tests check that the two stay assignable both ways.

/** Cell values by cell key: the shape of the runtime's `CellCache`. */
export interface CellCache {
  get(key: string): Promise<Json | undefined>;
  put(key: string, value: Json): Promise<void>;
}

/** Options of a cell cache. */
export interface CellCacheOptions {
  /**
   * The open notebook's name, asked at each lookup. The keys a notebook read or wrote are
   * remembered under its name, and the first lookup of a later session reads them all in one
   * batch: a warm load of a chain no longer waits on one store round trip per cell, in order.
   */
  readonly session?: () => string | null | undefined;
  /** Milliseconds between writes of a session's remembered keys (default 500). */
  readonly rememberEveryMs?: number;
}

/** At most this many keys are remembered per notebook (and read ahead at once). */
const MAX_REMEMBERED = 20_000;

/** What a cell cache keeps for one notebook: the values read ahead, and the keys used since. */
interface Session {
  readonly ready: Promise<void>;
  ahead: Map<string, Json>;
  readonly used: Set<string>;
  timer: ReturnType<typeof setTimeout> | null;
}

/** A CellCache over the store's "cells" object store; each put is committed before it resolves. With `session`, a notebook's cells are read ahead in one batch. */
export function cellCache(store: KvStore, options: CellCacheOptions = {}): CellCache {
  const session = options.session;
  if (!session) {
    return {
      get: (key) => store.get("cells", key),
      put: (key, value) => store.put("cells", key, value),
    };
  }
  const sessions = new Map<string, Session>();
  const every = options.rememberEveryMs ?? 500;
  const open = (name: string): Session => {
    let s = sessions.get(name);
    if (s) return s;
    const created: Session = { ready: Promise.resolve(), ahead: new Map(), used: new Set(), timer: null };
    // A failed read-ahead only makes lookups go to the store one by one, as without a session.
    (created as { ready: Promise<void> }).ready = readAhead(store, name).then((ahead) => void (created.ahead = ahead), () => undefined);
    sessions.set(name, (s = created));
    return s;
  };
  const remember = (name: string, s: Session, key: string) => {
    if (s.used.has(key) || s.used.size >= MAX_REMEMBERED) return;
    s.used.add(key);
    if (s.timer) return;
    s.timer = setTimeout(() => {
      s.timer = null;
      store.put("cells", manifestKey(name), [...s.used]).catch(() => undefined);
    }, every);
    (s.timer as { unref?: () => void }).unref?.();
  };
  return {
    async get(key) {
      const name = session();
      if (!name) return store.get("cells", key);
      const s = open(name);
      await s.ready;
      let value: Json | undefined = s.ahead.get(key);
      // Each value read ahead is handed out once (and then dropped, so it is not held twice).
      if (value !== undefined) s.ahead.delete(key);
      else value = await store.get("cells", key);
      if (value !== undefined) remember(name, s, key);
      return value;
    },
    async put(key, value) {
      await store.put("cells", key, value);
      const name = session();
      if (name) remember(name, open(name), key);
    },
  };
}

/** Where a notebook's remembered keys are kept, beside the cell values (whose keys are hex digests). */
function manifestKey(name: string): string {
  return `session:${name}`;
}

/** The values of the keys remembered for a notebook, in one batched read. */
async function readAhead(store: KvStore, name: string): Promise<Map<string, Json>> {
  const keys = await store.get("cells", manifestKey(name));
  const ahead = new Map<string, Json>();
  if (!Array.isArray(keys)) return ahead;
  const valid = keys.filter((k): k is string => typeof k === "string").slice(0, MAX_REMEMBERED);
  if (!valid.length) return ahead;
  const values = await store.getMany("cells", valid);
  valid.forEach((k, i) => {
    if (values[i] !== undefined) ahead.set(k, values[i]!);
  });
  return ahead;
}
