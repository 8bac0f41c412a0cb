// Group commit for a trace store's writes: while one write is in flight, the batches that
// arrive wait; the next write takes all of them at once (up to a size), and each caller's
// promise settles when that write has. A store thus sends few, large writes however many
// small batches its clients send (what ClickHouse asks of inserts), and a bounded queue
// refuses more work instead of growing without end. A group that fails is written again
// batch by batch, so one bad batch fails alone. Batches are of call patches by default; the
// ClickHouse store also groups its feedback rows this way.

import type { CallPatch, WriteResult } from "./trace-store.ts";

/** Writes batches as one, folded in order; resolves with each batch's result once durable. */
export type WriteGroup<T = CallPatch, R = WriteResult> = (batches: readonly (readonly T[])[]) => Promise<R[]>;

/** Options of a `WriteQueue`. */
export interface WriteQueueOptions {
  /** Batches pending (running or waiting) before `push` rejects. */
  readonly maxPending: number;
  /** At most this many items (patches) per group (a single larger batch still goes alone). */
  readonly maxGroupPatches: number;
  /** Writes start at least this many ms apart, so batches arriving meanwhile share one (default 0). */
  readonly minIntervalMs?: number;
  /** The store, for the message of a full queue. */
  readonly location: string;
}

interface Queued<T, R> {
  readonly patches: readonly T[];
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/** A bounded queue of write batches, written in groups by one loop. */
export class WriteQueue<T = CallPatch, R = WriteResult> {
  private readonly queue: Queued<T, R>[] = [];
  private draining: Promise<void> | null = null;
  private pending = 0;
  private lastStart = -Infinity;

  constructor(
    private readonly write: WriteGroup<T, R>,
    private readonly options: WriteQueueOptions,
  ) {}

  /** Queues a batch; resolves with its result once its group is durable. */
  async push(patches: readonly T[]): Promise<R> {
    const max = this.options.maxPending;
    if (this.pending >= max) throw new Error(`the trace store ${this.options.location} has ${this.pending} write batches pending (at most ${max}); retry later`);
    this.pending++;
    try {
      return await new Promise<R>((resolve, reject) => {
        this.queue.push({ patches, resolve, reject });
        this.draining ??= this.drain();
      });
    } finally {
      this.pending--;
    }
  }

  /** Resolves once every queued batch is written (or failed). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    // Batches pushed in the same tick as the first join its group.
    await null;
    try {
      while (this.queue.length) {
        const wait = this.lastStart + (this.options.minIntervalMs ?? 0) - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.lastStart = performance.now();
        let size = 0;
        let n = 0;
        while (n < this.queue.length && (n === 0 || size + this.queue[n]!.patches.length <= this.options.maxGroupPatches)) size += this.queue[n++]!.patches.length;
        const group = this.queue.splice(0, n);
        try {
          const results = await this.write(group.map((g) => g.patches));
          group.forEach((g, i) => g.resolve(results[i] as R));
        } catch (error) {
          if (group.length === 1) group[0]!.reject(error);
          else for (const g of group) await this.write([g.patches]).then(([r]) => g.resolve(r as R), g.reject);
        }
      }
    } finally {
      // Cleared right after the last look at the queue (no await between), so a batch queued later starts a new loop.
      this.draining = null;
    }
  }
}

/** Each batch's result in a group: an id is inserted by the first batch that has it when it was new (in `fresh`), merged everywhere else. */
export function groupResults(batches: readonly (readonly CallPatch[])[], fresh: ReadonlySet<string>): WriteResult[] {
  const isNew = new Set(fresh);
  return batches.map((patches) => {
    const own = new Set<string>();
    let inserted = 0;
    for (const p of patches) {
      if (own.has(p.id)) continue;
      own.add(p.id);
      if (isNew.delete(p.id)) inserted++;
    }
    return { patches: patches.length, inserted, merged: own.size - inserted };
  });
}

/** The patches of a group by call id, in arrival order (ids in order of first arrival). */
export function patchesById(batches: readonly (readonly CallPatch[])[]): Map<string, CallPatch[]> {
  const byId = new Map<string, CallPatch[]>();
  for (const patches of batches) {
    for (const p of patches) {
      const list = byId.get(p.id);
      if (list) list.push(p);
      else byId.set(p.id, [p]);
    }
  }
  return byId;
}
