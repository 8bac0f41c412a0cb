import type { LeafResult } from "./result.ts";

/**
 * The leaves of a run, kept so that every snapshot is a value. A leaf object is never changed
 * once made, only replaced (and frozen when set); each replacement is appended to a log. A
 * snapshot is the base array with a length of the log: taking one costs O(1) however often
 * the engine reports, and reading one costs O(leaves), once, and only for the snapshots that
 * are read. When the log grows as long as the leaves it is folded into a new base; the old
 * base and log are never written again, so the snapshots over them stay as they were.
 */
export class LeafLog {
  private current: LeafResult[];
  private base: readonly LeafResult[];
  private log: LeafResult[] = [];

  constructor(leaves: readonly LeafResult[]) {
    this.current = leaves.map(freezeLeaf);
    this.base = this.current.slice();
  }

  /** How many leaves there are. */
  get size(): number {
    return this.current.length;
  }

  /** The leaf at `index` as it is now. */
  get(index: number): LeafResult {
    return this.current[index]!;
  }

  /** The leaves as they are now, for the engine to read (not to hand out: it changes). */
  now(): readonly LeafResult[] {
    return this.current;
  }

  /** Replaces the leaf at its spec's index with `leaf` (frozen), and returns it. */
  set(leaf: LeafResult): LeafResult {
    const frozen = freezeLeaf(leaf);
    this.current[leaf.spec.index] = frozen;
    this.log.push(frozen);
    if (this.log.length >= this.current.length) this.fold();
    return frozen;
  }

  /** Replaces every leaf at once (a reused run's new starting point). */
  reset(leaves: readonly LeafResult[]): void {
    this.current = leaves.map(freezeLeaf);
    this.fold();
  }

  /** The leaves as they are now, as a value: a function that materializes them on first call and returns the same array after. */
  snapshot(): () => readonly LeafResult[] {
    const { base, log } = this;
    const length = log.length;
    let leaves: readonly LeafResult[] | null = length === 0 ? base : null;
    return () => {
      if (leaves) return leaves;
      const out = base.slice();
      for (let i = 0; i < length; i++) out[log[i]!.spec.index] = log[i]!;
      return (leaves = out);
    };
  }

  private fold(): void {
    this.base = this.current.slice();
    this.log = [];
  }
}

/**
 * Freezes the leaf object itself. Its scores object is replaced with the leaf, never changed,
 * but not frozen: V8 reads a frozen object's entries on a slow path, which doubled `table()`.
 */
function freezeLeaf(leaf: LeafResult): LeafResult {
  return Object.isFrozen(leaf) ? leaf : Object.freeze(leaf);
}
