import { LitElement, html, nothing } from "lit";
import { dispatchDrill, displayName, isClusterResult, type AnalysisProgress, type ClusterResult } from "../stdlib/index.ts";

/** What each stage is called while it runs. */
const STAGE_TEXT: Record<string, string> = {
  reading: "reading the rows",
  threshold: "the reference's own nearest-neighbour distances",
  nearest: "nearest reference neighbours",
  clusters: "reference clusters",
  embedding: "embedding",
  clustering: "clustering (k-means)",
  projecting: "projecting to 2-D (UMAP)",
  keywords: "finding keywords",
  labelling: "labelling with the LLM",
};

/**
 * `cluster(...)` (and `drift(...)` while it runs) in a cell's output: while it runs, its stage, a progress bar and Cancel; when
 * done, what it did (fitted, placed, embedded, read back) and each cluster with its label,
 * size, keywords and representative samples, and a button that opens the cluster's calls.
 */
export class WeftClusterView extends LitElement {
  static override properties = { value: { attribute: false } };
  declare value: AnalysisProgress | ClusterResult;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override render() {
    const v = this.value;
    if (!v) return nothing;
    if (!isClusterResult(v)) {
      const share = v.total > 0 ? v.done / v.total : 0;
      return html`<div class="cluster-view" data-testid="cluster-progress">
        <div>${v.kind === "drift" ? "Drift of" : "Clustering"} ${v.rows ? v.rows.toLocaleString("en-US") + " rows" : ""}: ${STAGE_TEXT[v.stage] ?? v.stage}${v.total > 1 ? ` ${v.done}/${v.total}` : ""}</div>
        <progress max="1" .value=${share}></progress>
        <button class="cluster-cancel" @click=${() => v.cancel()}>Cancel</button>
      </div>`;
    }
    const i = v.info;
    const how = i.computed ? `fitted now (${i.method === "umap" ? "UMAP" : i.method.toUpperCase()})` : i.assigned ? `${i.assigned.toLocaleString("en-US")} new rows placed into the previous fit` : "read back: nothing recomputed";
    return html`<div class="cluster-view" data-testid="cluster-result">
      <div class="cluster-info">
        ${v.clusters.length} clusters of ${v.points.length.toLocaleString("en-US")} rows · ${how} · embedder ${i.embedder}${i.embedded ? ` (${i.embedded} texts embedded now, ${i.cached} from the cache)` : ""} · seed ${i.seed}
      </div>
      <ol class="cluster-list">
        ${v.clusters.map(
          (c) => html`<li class="cluster-item" data-cluster=${c.cluster}>
            <div>
              <strong>${displayName(c)}</strong> <span class="cluster-size">${c.size.toLocaleString("en-US")} (${((100 * c.size) / Math.max(1, v.points.length)).toFixed(1)}%)</span>
              ${v.source ? html`<button class="cluster-calls" @click=${(e: Event) => dispatchDrill(e.currentTarget as Element, { title: `cluster ${c.cluster}: ${displayName(c)}`, refs: v.idsOf(c.cluster), source: v.source })}>calls</button>` : nothing}
            </div>
            ${c.summary ? html`<div class="cluster-summary">${c.summary}</div>` : nothing}
            <div class="cluster-keywords">${c.keywords.join(" · ")}</div>
            <ul class="cluster-samples">
              ${c.representatives.slice(0, 3).map((t) => html`<li>${t.length > 200 ? t.slice(0, 200) + "…" : t}</li>`)}
            </ul>
          </li>`,
        )}
      </ol>
    </div>`;
  }
}

customElements.define("weft-cluster-view", WeftClusterView);
