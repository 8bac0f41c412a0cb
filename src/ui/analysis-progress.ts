import { html } from "lit";
import type { AnalysisProgress } from "../stdlib/index.ts";

/** What each stage is called while it runs. */
const STAGE_TEXT: Record<string, string> = {
  reading: "reading the rows",
  embedding: "embedding",
  clustering: "clustering (k-means)",
  projecting: "projecting to 2-D (UMAP)",
  keywords: "finding keywords",
  threshold: "the reference's own nearest-neighbour distances",
  nearest: "nearest reference neighbours",
  clusters: "reference clusters",
};

/** A running analysis (`cluster`, `drift`): its stage, a progress bar, and Cancel. */
export function progressView(p: AnalysisProgress) {
  const share = p.total > 0 ? p.done / p.total : 0;
  return html`<div class="analysis-progress" data-testid="analysis-progress">
    <div>${p.kind === "drift" ? "Drift of" : "Clustering"} ${p.rows ? p.rows.toLocaleString("en-US") + " rows" : ""}: ${STAGE_TEXT[p.stage] ?? p.stage}${p.total > 1 ? ` ${p.done}/${p.total}` : ""}</div>
    <progress max="1" .value=${share}></progress>
    <button class="analysis-cancel" @click=${() => p.cancel()}>Cancel</button>
  </div>`;
}
