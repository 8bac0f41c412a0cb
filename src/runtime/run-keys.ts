import { cellKey, contentDigest, isInProgress, runTokenOf } from "./cell-key.ts";
import { isGenerator } from "./placeholders.ts";
import type { RuntimeCell } from "./platform.ts";
import type { Entry } from "./runtime-entry.ts";

/** What a cell run is keyed by: its execution path, its upstream run, and whether that run is still in progress. */
export interface RunKeys {
  /** The execution-path key (null when an input has no known digest). */
  readonly key: string | null;
  /** The same with each input from a snapshot run standing for that whole run (null when none is). */
  readonly runKey: string | null;
  /** An input is a snapshot still in progress, or comes from a cell computed from one (see IN_PROGRESS). */
  readonly inProgress: boolean;
}

/** Computes cells' run keys from their inputs; numbers the run tokens it meets (see RUN_TOKEN). */
export class RunKeyer {
  private readonly tokenIds = new WeakMap<object, number>();
  private nextTokenId = 0;

  constructor(
    /** The cell that defines a name now, if any. */
    private readonly ownerOf: (name: string) => Entry | undefined,
    private readonly builtinNames: ReadonlySet<string>,
  ) {}

  /**
   * The execution-path key of a cell run, and its run key: the same with each input that is a
   * snapshot (see RUN_TOKEN), or that comes from a cell whose value belongs to such a run,
   * standing for that whole run. Without `withKey` (a cell whose value its inputs do not
   * determine, nocache or volatile, and that uses no per-cell builtin) the key is null, and an
   * input that stands for its run is not digested: a 10,000-leaf vary result's content digest
   * costs tens of milliseconds.
   */
  keysOf(cell: RuntimeCell, names: readonly string[], args: readonly unknown[], withKey = true): RunKeys {
    const digests: string[] = [];
    const runDigests: string[] = [];
    let snapshots = false;
    let inProgress = false;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const owner = this.ownerOf(name);
      if (isInProgress(args[i]) || owner?.inProgress) inProgress = true;
      const token = runTokenOf(args[i]);
      const upstream = token ? `run:${this.tokenId(token)}` : owner?.runIdentity ? `from:${owner.runIdentity}:${name}` : null;
      if (upstream) snapshots = true;
      if (!withKey && upstream) {
        runDigests.push(upstream);
        continue;
      }
      let d: string | null;
      if (!owner && this.builtinNames.has(name)) d = `builtin:${name}`;
      else {
        d = contentDigest(args[i]);
        // A generator's values change while its cell's key does not, so they have no path key.
        if (!d && owner?.key && !isGenerator((owner.value as Record<string, unknown> | undefined)?.[name])) d = `${owner.key}:${name}`;
      }
      if (!d) return { key: null, runKey: null, inProgress: false };
      digests.push(d);
      runDigests.push(upstream ?? d);
    }
    return { key: withKey ? cellKey(cell.kind, cell.source, names, digests) : null, runKey: snapshots ? cellKey(cell.kind, cell.source, names, runDigests) : null, inProgress };
  }

  private tokenId(token: object): number {
    let id = this.tokenIds.get(token);
    if (id === undefined) this.tokenIds.set(token, (id = this.nextTokenId++));
    return id;
  }
}
