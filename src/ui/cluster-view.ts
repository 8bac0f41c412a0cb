import { LitElement, html, nothing } from "lit";
import { dispatchDrill, displayName, type ClusterResult } from "../stdlib/index.ts";
import type { WeftVaryView } from "./vary-view.ts";
import "./vary-view.ts";
import { progressView } from "./analysis-progress.ts";
import "./cluster-view.css";

/**
 * `cluster(...)` in a cell's output: while it runs, its progress and Cancel; then what it did
 * (fitted, placed, embedded, read back) and each cluster with its label, size, keywords and
 * representative samples, and a button that opens the cluster's calls. While the LLM labels
 * are pending, their run (plan, approval, progress) shows above the clusters.
 */
export class WeftClusterView extends LitElement {
  static override properties = { value: { attribute: false } };
  declare value: ClusterResult;
  private labelView: WeftVaryView | null = null;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override render() {
    const v = this.value;
    if (!v) return nothing;
    if (v.progress) return html`<div class="cluster-view">${progressView(v.progress)}</div>`;
    const i = v.info!;
    const how = i.computed ? `fitted now (${i.method === "umap" ? "UMAP" : i.method.toUpperCase()}${i.sampled ? ` on a sample of ${i.sampled.toLocaleString("en-US")}` : ""})` : i.assigned ? `${i.assigned.toLocaleString("en-US")} new rows placed into the previous fit` : "read back: nothing recomputed";
    let labelling: unknown = nothing;
    if (v.labelling) {
      this.labelView ??= document.createElement("weft-vary-view") as WeftVaryView;
      this.labelView.result = v.labelling;
      labelling = html`<div class="cluster-labelling"><div>LLM labels, one call per cluster:</div>${this.labelView}</div>`;
    }
    return html`<div class="cluster-view" data-testid="cluster-result">
      <div class="cluster-info">
        ${v.clusters.length} clusters of ${v.points.length.toLocaleString("en-US")} rows · ${how} · embedder ${i.embedder}${i.embedded ? ` (${i.embedded} texts embedded now, ${i.cached} from the cache)` : ""} · seed ${i.seed}
      </div>
      ${labelling}
      ${v.labelError ? html`<div class="cluster-label-error" role="status">${v.labelError}</div>` : nothing}
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
