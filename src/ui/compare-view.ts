import { LitElement, html, nothing } from "lit";
import { type CompareFilter } from "../eval/index.ts";
import type { CompareValue } from "../stdlib/index.ts";

/**
 * The compare view: summary deltas with their paired test, the rows that improved and
 * regressed, and each example's outputs side by side with a word diff; filters show only
 * regressions, improvements or flaky rows.
 */
export class WeftCompareView extends LitElement {
  static override properties = { value: { attribute: false }, filter: { state: true } };
  declare value: CompareValue;
  declare filter: CompareFilter | "changed";

  constructor() {
    super();
    this.filter = "changed";
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override render() {
    const c = this.value?.comparison;
    if (!c) return nothing;
    const label = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
    const examples = c.examples.filter((e) =>
      this.filter === "regressions" ? e.regressed.length > 0
      : this.filter === "improvements" ? e.improved.length > 0
      : this.filter === "changed" ? e.regressed.length + e.improved.length > 0
      : this.filter === "flaky" ? e.flaky.a.length + e.flaky.b.length > 0
      : true,
    );
    const shown = examples.slice(0, 50);
    return html`<div class="compare" data-testid="compare">
      <div class="compare-head"><strong>${label(c.a)}</strong> vs <strong>${label(c.b)}</strong> · ${c.shared} shared rows${c.onlyA.length || c.onlyB.length ? ` · ${c.onlyA.length} only in a, ${c.onlyB.length} only in b` : ""}</div>
      <table class="compare-metrics">
        <thead><tr><th>metric</th><th>${label(c.a)}</th><th>${label(c.b)}</th><th>Δ (b − a)</th><th>95% CI of Δ</th><th>p (paired t)</th><th>verdict</th><th>rows improved</th><th>rows regressed</th></tr></thead>
        <tbody>
          ${c.metrics.map(
            (m) => html`<tr class=${m.verdict === "no significant change" ? "" : "significant"} data-verdict=${m.verdict}>
              <td>${m.metric} <span class="muted">${m.direction === "max" ? "↑" : "↓"}</span></td>
              <td>${fmt(m.a)}</td><td>${fmt(m.b)}</td>
              <td class=${m.verdict === "improved" ? "up" : m.verdict === "regressed" ? "down" : ""}>${m.delta > 0 ? "+" : ""}${fmt(m.delta)}</td>
              <td>${fmt(m.test.ciLow)} – ${fmt(m.test.ciHigh)}</td>
              <td>${Number.isFinite(m.test.p) ? m.test.p.toPrecision(2) : "–"}</td>
              <td class=${m.verdict === "improved" ? "up" : m.verdict === "regressed" ? "down" : "muted"} title=${`needs p < 0.05 and a change of at least ${fmt(m.minEffect)}`}>${m.verdict}</td>
              <td>${m.improved.length}</td><td>${m.regressed.length}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      <div class="compare-filters" role="group" aria-label="filter examples">
        ${(["changed", "regressions", "improvements", "flaky", "all"] as const).map(
          (f) => html`<button aria-pressed=${this.filter === f} @click=${() => (this.filter = f)}>${f}</button>`,
        )}
        <span class="muted" data-testid="compare-count">${examples.length} examples</span>
      </div>
      <ol class="compare-examples">
        ${shown.map(
          (e) => html`<li class=${e.regressed.length ? "regressed" : e.improved.length ? "improved" : ""}>
            <div class="muted">row ${label(e.key)} ${e.regressed.length ? html`<span class="down">regressed: ${e.regressed.join(", ")}</span>` : nothing} ${e.improved.length ? html`<span class="up">improved: ${e.improved.join(", ")}</span>` : nothing} ${e.flaky.a.length + e.flaky.b.length ? html`<span class="warning">flaky</span>` : nothing}</div>
            <div class="side-by-side">
              <div><div class="muted">${label(c.a)}</div><pre>${text(e.a.output ?? e.a.error)}</pre></div>
              <div><div class="muted">${label(c.b)}</div><pre>${text(e.b.output ?? e.b.error)}</pre></div>
            </div>
            <div class="diff">${e.diff.map((p) => (p.kind === "added" ? html`<ins>${p.text}</ins>` : p.kind === "removed" ? html`<del>${p.text}</del>` : html`<span>${p.text}</span>`))}</div>
          </li>`,
        )}
      </ol>
      ${examples.length > shown.length ? html`<p class="muted">and ${examples.length - shown.length} more</p>` : nothing}
    </div>`;
  }
}

function fmt(x: number): string {
  return Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(3)) : "–";
}

function text(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

customElements.define("weft-compare-view", WeftCompareView);
