import type { Entry, Json, KvStore } from "../store/index.ts";
import type { Call } from "../base/index.ts";
import { decodeChunk, encodeChunk } from "./call-chunk.ts";

// Calls are stored in chunks, not one record per call: one manifest per op version listing
// its chunks, and one record per chunk holding many calls (encoded by ./call-chunk.ts). Looking
// up any number of keys costs two batched reads (all manifests, then all chunks) for all op
// versions at once; after that the key index is in memory. New calls are queued and written by
// flush(), one transaction for everything queued, so a run persists in one commit rather than N.

const MAX_CHUNKS = 16;

interface Manifest {
  chunks: string[];
}

/** The call cache: cache key → recorded call, grouped by op version. */
export class CallCache {
  private readonly loaded = new Map<string, Map<string, Call>>();
  /** Per op version, its calls by parent id (see childOf), kept as chunks load and calls are added. */
  private readonly children = new Map<string, Map<string, Call>>();
  private readonly manifests = new Map<string, Manifest>();
  private readonly queued = new Map<string, Call[]>();
  private chunkCounter = 0;
  /** Round trips made to the store, for tests and benchmarks. */
  reads = 0;
  writes = 0;

  private readonly newId: () => string;

  /** `newId` names new chunks; by default the time and 6 characters from `random`. */
  constructor(private readonly store: KvStore, newId?: () => string, random: () => number = Math.random) {
    this.newId = newId ?? (() => `${Date.now().toString(36)}${random().toString(36).slice(2, 8)}`);
  }

  /** Loads what is stored for these op versions (two batched reads at most); already loaded ones cost nothing. */
  async load(versions: Iterable<string>): Promise<void> {
    const missing = [...new Set(versions)].filter((v) => !this.loaded.has(v));
    if (!missing.length) return;
    this.reads++;
    const manifests = await this.store.getMany("callcache", missing.map((v) => `m/${v}`));
    const chunkKeys: string[] = [];
    const owners: string[] = [];
    missing.forEach((v, i) => {
      const m = (manifests[i] as Manifest | undefined) ?? { chunks: [] };
      this.manifests.set(v, m);
      this.loaded.set(v, new Map());
      for (const c of m.chunks) {
        chunkKeys.push(`k/${v}/${c}`);
        owners.push(v);
      }
    });
    if (!chunkKeys.length) return;
    this.reads++;
    const chunks = await this.store.getMany("callcache", chunkKeys);
    chunks.forEach((chunk, i) => {
      if (chunk) decodeChunk(chunk, (call) => this.index(owners[i]!, call));
    });
  }

  /**
   * Indexes a call by key and by parent. Every call counts for childOf, also one whose key an
   * equal input elsewhere shares (two ops with the same output for a row give their scorer
   * equal inputs, hence one key).
   */
  private index(version: string, call: Call & { key: string }): void {
    let byKey = this.loaded.get(version);
    if (!byKey) this.loaded.set(version, (byKey = new Map()));
    byKey.set(call.key, call);
    if (call.parentId === null) return;
    let byParent = this.children.get(version);
    if (!byParent) this.children.set(version, (byParent = new Map()));
    byParent.set(call.parentId, call);
  }

  /** The recorded call for a key of an op version; `load` it first. */
  get(version: string, key: string): Call | undefined {
    const index = this.loaded.get(version);
    if (!index) throw new Error(`call cache: op version ${version.slice(0, 8)} was not loaded before lookup`);
    return index.get(key);
  }

  /**
   * The recorded call of an op version whose parent is the call `parentId` (a scorer's call on
   * the leaf call it scored), or undefined; `load` it first. A scorer's key is a
   * function of the scored call, so its recorded child names the key without re-encoding the input.
   */
  childOf(version: string, parentId: string): Call | undefined {
    if (!this.loaded.has(version)) throw new Error(`call cache: op version ${version.slice(0, 8)} was not loaded before lookup`);
    return this.children.get(version)?.get(parentId);
  }

  /** Records a finished call under its key (it must have one); it is written by the next flush. */
  add(version: string, call: Call): void {
    if (!call.key) throw new Error(`call cache: call ${call.id} has no cache key`);
    this.index(version, call as Call & { key: string });
    const q = this.queued.get(version) ?? [];
    q.push(call);
    this.queued.set(version, q);
  }

  /** How many calls wait to be written. */
  pending(): number {
    let n = 0;
    for (const q of this.queued.values()) n += q.length;
    return n;
  }

  /** Writes every queued call in one transaction; resolves once committed. On failure the calls stay queued. */
  async flush(): Promise<void> {
    // Flushes are chained: two overlapping flushes would both extend the same old manifest,
    // and the one committing last would drop the other's chunk.
    const previous = this.flushing;
    const mine = previous.catch(() => undefined).then(() => this.flushOnce());
    this.flushing = mine.catch(() => undefined);
    return mine;
  }

  private flushing: Promise<void> = Promise.resolve();

  private async flushOnce(): Promise<void> {
    if (!this.queued.size) return;
    const batch = new Map(this.queued);
    this.queued.clear();
    const entries: Entry[] = [];
    const nextManifests = new Map<string, Manifest>();
    for (const [version, calls] of batch) {
      const manifest = this.manifests.get(version) ?? { chunks: [] };
      if (manifest.chunks.length >= MAX_CHUNKS) {
        // Compact: one chunk with every call of this op version replaces the old ones.
        const all = [...this.loaded.get(version)!.values()];
        const id = this.chunkId();
        entries.push([`k/${version}/${id}`, encodeChunk(all) as unknown as Json]);
        nextManifests.set(version, { chunks: [id] });
      } else {
        const id = this.chunkId();
        entries.push([`k/${version}/${id}`, encodeChunk(calls) as unknown as Json]);
        nextManifests.set(version, { chunks: [...manifest.chunks, id] });
      }
      entries.push([`m/${version}`, nextManifests.get(version)! as unknown as Json]);
    }
    try {
      this.writes++;
      await this.store.putMany("callcache", entries);
    } catch (error) {
      for (const [version, calls] of batch) this.queued.set(version, [...calls, ...(this.queued.get(version) ?? [])]);
      throw error;
    }
    const replaced: string[] = [];
    for (const [version, m] of nextManifests) {
      const old = this.manifests.get(version)?.chunks ?? [];
      if (!m.chunks.some((c) => old.includes(c)) && m.chunks.length === 1 && old.length >= MAX_CHUNKS) replaced.push(...old.map((c) => `k/${version}/${c}`));
      this.manifests.set(version, m);
    }
    // Chunks replaced by a compaction are garbage now; a failure here only leaves garbage.
    for (const key of replaced) await this.store.delete("callcache", key);
  }

  private chunkId(): string {
    return `${this.newId()}-${++this.chunkCounter}`;
  }
}
