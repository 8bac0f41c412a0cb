import * as aq from "arquero";
import { withCallSource, type CallSource } from "../../base/index.ts";
import type { Embeddings, EmbedOptions } from "../../eval/index.ts";
import type { AnalysisProgress, AnalysisRunner } from "./analysis-runner.ts";
import type { TextOption } from "./cluster-text.ts";

/** Options of `drift(reference, current, options)`. */
export interface DriftOptions {
  /** Which text of a row is embedded (as for `cluster`). */
  readonly text?: TextOption;
  /** The embedding model; absent, the offline hashing embedder. */
  readonly embed?: EmbedOptions;
  /** A current row is flagged when farther from every reference row than this percentile of the reference's own nearest-neighbour distances (default 99). */
  readonly q?: number;
  /** Reference clusters whose shares the PSI compares (default 8). */
  readonly k?: number;
  /** Seeds the threshold's sample and the clusters (default 0). */
  readonly seed?: number;
  /** Reference rows whose own distance sets the threshold (default 2,000). */
  readonly sample?: number;
  /** Time buckets of the current rows: "1h", "1d", or milliseconds (default "1h"). */
  readonly every?: string | number;
  /** The time column of the current rows (default `started_at`). */
  readonly time?: string;
}

/** What `drift` needs from its host: the cached embedder and the runner (a worker in the browser). */
export interface DriftDeps {
  readonly embed: (texts: readonly string[], options?: EmbedOptions) => Promise<Embeddings>;
  readonly runner: AnalysisRunner;
}

const REPORT = Symbol.for("weft.drift");

/** Whether a value is the result of `drift(...)`. */
export function isDriftReport(value: unknown): value is DriftReport {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[REPORT] === true;
}

/** One current row's drift. */
export interface DriftRow {
  readonly row: Readonly<Record<string, unknown>>;
  readonly text: string;
  readonly time: number;
  readonly distance: number;
  readonly drifted: boolean;
  readonly cluster: number;
}

/**
 * The result of `drift(reference, current)`: each current row's distance to its nearest
 * reference row and whether it is past the threshold, and per time bucket the share flagged,
 * the distance between the bucket's centroid and the reference's, and the PSI of the shares of
 * the reference's clusters.
 */
export class DriftReport {
  readonly [REPORT] = true;

  constructor(
    readonly threshold: number,
    readonly q: number,
    readonly referenceSize: number,
    private readonly current: readonly DriftRow[],
    private readonly bucketRows: readonly Record<string, unknown>[],
    private readonly source: CallSource | null,
    /** While it computes: the stage, how far, and Cancel (the tables are empty until it is done). */
    readonly progress: AnalysisProgress | null = null,
  ) {}

  /** A drift check still computing: empty tables, its progress. */
  static running(progress: AnalysisProgress, q: number): DriftReport {
    return new DriftReport(NaN, q, 0, [], [], null, progress);
  }

  /** Current rows flagged. */
  get flaggedCount(): number {
    return this.current.filter((r) => r.drifted).length;
  }

  /** Every current row: its own columns, then `distance`, `drifted`, `cluster` (its nearest reference cluster) and `text`; charts of it drill down to the calls. */
  table(): aq.ColumnTable {
    const rows = this.current.map((r) => ({ ...r.row, distance: r.distance, drifted: r.drifted, cluster: r.cluster, text: r.text }));
    const table = aq.from(rows.length ? rows : [{ distance: null, drifted: null, cluster: null, text: null }]).slice(0, rows.length);
    return this.source ? withCallSource(table, this.source) : table;
  }

  /** The flagged rows only, farthest first. */
  flagged(): aq.ColumnTable {
    const table = this.table().filter((d: { drifted: boolean }) => d.drifted).orderby(aq.desc("distance"));
    return this.source ? withCallSource(table, this.source) : table;
  }

  /** Per time bucket: `bucket`, `calls`, `flagged`, `flagged_share`, `centroid_distance` and `psi`. */
  buckets(): aq.ColumnTable {
    return aq.from(this.bucketRows.length ? this.bucketRows : [{ bucket: null, calls: null, flagged: null, flagged_share: null, centroid_distance: null, psi: null }]).slice(0, this.bucketRows.length);
  }
}
