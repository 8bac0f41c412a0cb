import * as aq from "arquero";
import { withCallSource, type CallSource } from "../../base/index.ts";
import { parseDuration } from "../../store/index.ts";
import type { VaryResult } from "../../trace/index.ts";
import type { AnalysisProgress } from "./analysis-runner.ts";

/** One clustered row: its own columns plus its place in the picture, its cluster and the text that was embedded. */
export interface ClusterPoint {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly cluster: number;
  readonly text: string;
  readonly row: Readonly<Record<string, unknown>>;
}

/** A cluster explained: size, keywords, representatives (nearest the centroid first), and its LLM label and summary when asked for. */
export interface ClusterInfo {
  readonly cluster: number;
  readonly size: number;
  readonly label: string | null;
  readonly summary: string | null;
  readonly keywords: readonly string[];
  /** Texts of the representative rows. */
  readonly representatives: readonly string[];
  /** Their ids (call refs for calls). */
  readonly representativeIds: readonly string[];
}

/** How a clustering was made and what it cost this run. */
export interface ClusterRunInfo {
  /** The embedding model, or the offline embedder's name. */
  readonly embedder: string;
  readonly k: number;
  readonly seed: number;
  /** How the 2-D picture was made. */
  readonly method: "umap" | "pca" | "single";
  /** The sample k-means and UMAP were fitted on (the other rows joined the nearest centroid and were placed by UMAP's transform); null when all rows were. */
  readonly sampled: number | null;
  /** Rows placed by the fit itself. */
  readonly fitted: number;
  /** Rows placed into an earlier fit without re-fitting (new calls since). */
  readonly assigned: number;
  /** Texts sent to the embedding provider in this run. */
  readonly embedded: number;
  /** Texts whose embedding came from the cache in this run. */
  readonly cached: number;
  /** Whether the fit was computed in this run (false: read back, nothing recomputed). */
  readonly computed: boolean;
}

const CLUSTERS = Symbol.for("weft.clusters");

/** Whether a value is the result of `cluster(...)`. */
export function isClusterResult(value: unknown): value is ClusterResult {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[CLUSTERS] === true;
}

/**
 * The result of `cluster(...)`: every row with its 2-D position and cluster, each cluster
 * explained, and how it was made. `table()` is an arquero table whose charts drill down to the
 * calls; `charts.embedding(result)` draws it.
 */
export class ClusterResult {
  readonly [CLUSTERS] = true;

  constructor(
    readonly points: readonly ClusterPoint[],
    readonly clusters: readonly ClusterInfo[],
    /** How it was made; null while it runs. */
    readonly info: ClusterRunInfo | null,
    readonly source: CallSource | null,
    /** The labels' run (plan, approval, progress) while the LLM labels are pending. */
    readonly labelling: VaryResult | null = null,
    /** While it computes: the stage, how far, and Cancel. */
    readonly progress: AnalysisProgress | null = null,
    /** Why the LLM labels are missing (no provider for the model, a failed call): the clusters stand without them. */
    readonly labelError: string | null = null,
  ) {}

  /** A clustering still computing: no rows yet, its progress. */
  static running(progress: AnalysisProgress): ClusterResult {
    return new ClusterResult([], [], null, null, null, progress);
  }

  /** `running` while it computes, `labelling` while the labels run, `done`. */
  get status(): "running" | "labelling" | "done" {
    return this.progress ? "running" : this.labelling ? "labelling" : "done";
  }

  /** One row per clustered row: its own columns (`call`, `started_at`, scores, …), then `x`, `y`, `cluster`, `label` (the LLM label, or the top keywords) and `text`. */
  table(): aq.ColumnTable {
    const names = this.clusters.map(displayName);
    const rows = this.points.map((p) => ({ ...p.row, x: p.x, y: p.y, cluster: p.cluster, label: names[p.cluster] ?? String(p.cluster), text: p.text }));
    const table = aq.from(rows.length ? rows : [{ x: null, y: null, cluster: null, label: null, text: null }]).slice(0, rows.length);
    return this.source ? withCallSource(table, this.source) : table;
  }

  /** The clusters as a table: `cluster`, `size`, `label`, `summary`, `keywords` (joined), `example` (the most representative text). */
  summary(): aq.ColumnTable {
    return aq.from(this.clusters.map((c) => ({ cluster: c.cluster, size: c.size, label: c.label, summary: c.summary, keywords: c.keywords.join(", "), example: c.representatives[0] ?? null })));
  }

  /**
   * Cluster sizes over time: rows per cluster per time bucket of `started_at` (`every`: "1h",
   * "1d", or milliseconds), as `{bucket, cluster, label, count, share}`, for `charts.lines`.
   */
  sizes(options: { readonly every?: string | number; readonly time?: string } = {}): aq.ColumnTable {
    const every = parseDuration(options.every ?? "1h", "sizes: every");
    const column = options.time ?? "started_at";
    const names = this.clusters.map(displayName);
    const counts = new Map<number, Map<number, number>>();
    for (const p of this.points) {
      const t = p.row[column];
      const ms = t instanceof Date ? t.getTime() : typeof t === "number" ? t : typeof t === "string" ? Date.parse(t) : NaN;
      if (!Number.isFinite(ms)) throw new Error(`sizes: row ${p.id} has no time in column '${column}' (give {time: "column"})`);
      const bucket = Math.floor(ms / every) * every;
      const perCluster = counts.get(bucket) ?? new Map<number, number>();
      perCluster.set(p.cluster, (perCluster.get(p.cluster) ?? 0) + 1);
      counts.set(bucket, perCluster);
    }
    const rows: Record<string, unknown>[] = [];
    for (const bucket of [...counts.keys()].sort((a, b) => a - b)) {
      const perCluster = counts.get(bucket)!;
      const total = [...perCluster.values()].reduce((a, b) => a + b, 0);
      for (const c of this.clusters) {
        const count = perCluster.get(c.cluster) ?? 0;
        rows.push({ bucket: new Date(bucket), cluster: c.cluster, label: names[c.cluster], count, share: count / total });
      }
    }
    return aq.from(rows.length ? rows : [{ bucket: null, cluster: null, label: null, count: null, share: null }]).slice(0, rows.length);
  }

  /** The ids (call refs) of a cluster's rows. */
  idsOf(cluster: number): string[] {
    return this.points.filter((p) => p.cluster === cluster).map((p) => p.id);
  }
}

/** A cluster's display name: its LLM label, else its top three keywords, else its number. */
export function displayName(c: ClusterInfo): string {
  return c.label ?? (c.keywords.length ? c.keywords.slice(0, 3).join(" · ") : `cluster ${c.cluster}`);
}
