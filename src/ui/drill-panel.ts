import { LitElement, html, nothing, type TemplateResult } from "lit";
import type { DrillDetail } from "../stdlib/index.ts";
import { type Call } from "../base/index.ts";
import { NO_CALLS, type CallChildren } from "./session.ts";

/**
 * The drill-down side panel: the calls behind a clicked mark or brushed region, each with
 * its inputs, output, error, timing, its scorer calls (with a judge's reasoning) and the
 * calls it made (its trace tree, when they are in this session's call log).
 */
export class WeftDrillPanel extends LitElement {
  static override properties = { detail: { attribute: false }, calls: { attribute: false } };
  declare detail: DrillDetail | null;
  /** The host's call log: what each call made (nested LLM calls and the like). */
  declare calls: CallChildren;

  constructor() {
    super();
    this.detail = null;
    this.calls = NO_CALLS;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override render() {
    const d = this.detail;
    if (!d) return nothing;
    const calls = d.source ? d.source.calls(d.refs) : [];
    const shown = calls.slice(0, 200);
    return html`<aside class="drill" role="dialog" aria-label="calls" data-testid="drill">
      <header>
        <strong>${d.title}</strong>
        <span class="muted" data-testid="drill-count">${calls.length} call${calls.length === 1 ? "" : "s"}</span>
        <button aria-label="close" @click=${() => (this.detail = null)}>✕</button>
      </header>
      ${d.source ? nothing : html`<p class="muted">These rows carry call refs but no vary result to resolve them; chart a vary result to drill down.</p>`}
      <ol class="drill-calls">${shown.map((c) => html`<li data-call=${c.id}>${this.call(c, d)}</li>`)}</ol>
      ${calls.length > shown.length ? html`<p class="muted">and ${calls.length - shown.length} more</p>` : nothing}
    </aside>`;
  }

  private call(c: Call, d: DrillDetail): TemplateResult {
    const ms = c.endedAt !== null ? c.endedAt - c.startedAt : null;
    const scorers = d.source?.scorerCalls(c.id) ?? [];
    const scored = new Set(scorers.map((s) => s.id));
    const nested = this.calls.children(c.id).filter((n) => !scored.has(n.id));
    return html`<details open>
      <summary><code>${c.op}</code> ${c.error ? html`<span class="status-error">error</span>` : nothing} <span class="muted">${ms ?? "?"} ms${c.cost ? ` · $${c.cost.toFixed(5)}` : ""}</span></summary>
      <dl class="call-detail">
        <dt>inputs</dt><dd><pre>${JSON.stringify(c.inputs, null, 2)}</pre></dd>
        ${c.error ? html`<dt>error</dt><dd><pre class="weft-error">${c.error.message}</pre></dd>` : html`<dt>output</dt><dd><pre>${JSON.stringify(c.output, null, 2)}</pre></dd>`}
        ${scorers.length
          ? html`<dt>scores</dt><dd><ul class="scores">${scorers.map((s) => html`<li><code>${s.op.split(":")[0]}</code>: ${score(s)}</li>`)}</ul></dd>`
          : nothing}
        ${nested.length ? html`<dt>trace</dt><dd>${nested.map((n) => this.tree(n))}</dd>` : nothing}
      </dl>
    </details>`;
  }

  private tree(c: Call): TemplateResult {
    const kids = this.calls.children(c.id);
    return html`<details class="tree-node"><summary><code>${c.op}</code> <span class="muted">${c.endedAt !== null ? `${c.endedAt - c.startedAt} ms` : ""}</span></summary>
      <pre>${JSON.stringify({ inputs: c.inputs, output: c.output, error: c.error?.message ?? null, usage: c.usage }, null, 2)}</pre>${kids.map((k) => this.tree(k))}</details>`;
  }
}

function score(s: Call): TemplateResult {
  if (s.error) return html`<span class="status-error">${s.error.message}</span>`;
  const out = s.output as Record<string, unknown> | boolean | number | null;
  if (out && typeof out === "object") {
    const { reasoning, ...rest } = out;
    return html`${JSON.stringify(rest)}${typeof reasoning === "string" ? html`<div class="reasoning">${reasoning}</div>` : nothing}`;
  }
  return html`${JSON.stringify(out)}`;
}

customElements.define("weft-drill-panel", WeftDrillPanel);
