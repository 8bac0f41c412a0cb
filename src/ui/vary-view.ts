import { LitElement, html, nothing, type TemplateResult } from "lit";
import { type Call } from "../base/index.ts";
import { type TreeNode, type VaryResult } from "../trace/index.ts";
import { NO_CALLS, type CallChildren } from "./session.ts";
import { playgroundButton } from "./open-playground.ts";
import { money } from "./money.ts";
import { estimateCells, showsEstimates } from "./plan-columns.ts";

/**
 * A vary's output: its plan (cached and missing calls per op, estimated cost against the
 * budget, and a Run button when approval is needed), a progress bar while it runs, and the
 * result tree, browsable down to one call with its inputs, output, error, timing and scorers.
 */
export class WeftVaryView extends LitElement {
  static override properties = { result: { attribute: false }, calls: { attribute: false }, treeOpen: { state: true } };
  declare result: VaryResult;
  /** The session's call log, for what each call made. */
  declare calls: CallChildren;
  declare treeOpen: boolean;

  constructor() {
    super();
    this.treeOpen = false;
    this.calls = NO_CALLS;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override render() {
    const r = this.result;
    if (!r) return nothing;
    const plan = r.plan;
    const p = r.progress;
    const pct = p.total ? Math.round((p.done / p.total) * 100) : 100;
    const errors = p.errors + p.scorerErrors;
    const groups = errors ? r.errorGroups() : [];
    const estimates = plan ? showsEstimates(plan) : false;
    // A finished run with failures is not a success: the phase says so, in the error colour.
    const phase = r.phase === "done" && errors ? `done · ${errors} error${errors === 1 ? "" : "s"}` : r.phase.replace("-", " ");
    return html`
      <div class="vary" data-testid="vary" data-phase=${r.phase}>
        <div class="vary-head">
          <span class="vary-phase phase-${r.phase}${errors ? " phase-errors" : ""}" data-testid="vary-phase">${phase}</span>
          ${plan
            ? html`<span data-testid="vary-plan">${plan.leaves} leaves · plan: ${plan.cached} cached, ${plan.missing} to run${plan.estimatedCost !== null ? html` · est. ${money(plan.estimatedCost)}` : nothing}${plan.budget !== null ? html` (budget ${money(plan.budget)})` : nothing}</span>`
            : nothing}
          ${r.approve ? html`<button class="vary-run" @click=${() => r.approve!()}>Run (${plan ? money(plan.estimatedCost ?? 0) : ""})</button>` : nothing}
        </div>
        ${r.phase === "blocked" && plan?.blocked ? html`<div class="vary-blocked" role="alert" data-testid="vary-blocked"><strong>Not run:</strong> ${plan.blocked}</div>` : nothing}
        ${groups.length
          ? html`<div class="vary-errors" role="alert" data-testid="vary-errors">
              <strong>${errors} of ${p.total} ${errors === p.errors ? "leaves" : "calls"} failed</strong>${groups.length > 1 ? html` <span class="muted">(${groups.length} distinct errors)</span>` : nothing}
              <ul>${groups.slice(0, 5).map((g) => html`<li><span class="count">${g.count} ×</span> ${g.role === "scorer" ? html`<span class="muted">scorer:</span> ` : nothing}${g.message}</li>`)}</ul>
              ${groups.length > 5 ? html`<div class="muted">and ${groups.length - 5} more distinct errors</div>` : nothing}
            </div>`
          : nothing}
        <div class="vary-progress" role="progressbar" aria-valuemin="0" aria-valuemax=${p.total} aria-valuenow=${p.done}>
          <div class="bar" style="width:${pct}%"></div>
        </div>
        <div class="vary-counts" data-testid="vary-counts">
          ${p.done}/${p.total} done · ${p.cached} cache hits · ${p.opCalls} op calls · ${p.scorerCalls} scorer calls (${p.scorerCached} cached) · <span class=${errors ? "vary-error-count" : ""}>${errors} errors</span> · spent ${money(p.cost)}${Object.keys(p.costByModel).length ? ` (${Object.entries(p.costByModel).map(([m, c]) => `${m} ${money(c)}`).join(", ")})` : ""}
        </div>
        ${p.persistError ? html`<div class="warning" role="alert">${p.persistError}</div>` : nothing}
        ${plan?.groups.some((g) => g.unpriced && g.missing > 0) ? html`<div class="warning">Some calls use a model with no known price: their cost is not in the estimate.</div>` : nothing}
        ${plan && plan.groups.length
          ? html`<table class="vary-plan">
              <caption>the plan, before the run</caption>
              <thead><tr><th>op</th><th>role</th><th>calls</th><th>cached</th><th>missing</th>${estimates ? html`<th>est. tokens</th><th>est. cost</th>` : nothing}</tr></thead>
              <tbody>${plan.groups.map((g) => {
                const e = estimateCells(g, money);
                return html`<tr><td title=${g.ref}>${g.label}</td><td>${g.role}</td><td>${g.total}</td><td>${g.cached}</td><td>${g.missing}</td>${estimates ? html`<td>${e.tokens}</td><td>${e.cost}</td>` : nothing}</tr>`;
              })}</tbody>
            </table>`
          : nothing}
        <details class="vary-tree" @toggle=${(e: Event) => (this.treeOpen = (e.target as HTMLDetailsElement).open)}>
          <summary>results</summary>
          ${this.treeOpen ? r.tree().map((n) => html`<weft-tree-node .node=${n} .calls=${this.calls}></weft-tree-node>`) : nothing}
        </details>
      </div>
    `;
  }
}

/**
 * One node of a result tree, rendering its children only while open: a 10,000-leaf result
 * would otherwise put hundreds of thousands of elements in the page on every snapshot.
 */
export class WeftTreeNode extends LitElement {
  static override properties = { node: { attribute: false }, calls: { attribute: false }, open: { state: true } };
  declare node: TreeNode;
  /** The session's call log: the calls a call made (nested ops, LLM requests). */
  declare calls: CallChildren;
  declare open: boolean;

  constructor() {
    super();
    this.open = false;
    this.calls = NO_CALLS;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override render() {
    const n = this.node;
    if (!n) return nothing;
    const toggle = (e: Event) => (this.open = (e.target as HTMLDetailsElement).open);
    if (n.kind === "call" && n.call) {
      const call = n.call;
      const ms = call.endedAt !== null ? call.endedAt - call.startedAt : null;
      return html`<details class="tree-node tree-call" data-call=${call.id} @toggle=${toggle}>
        <summary><code>${call.op}</code> ${call.error ? html`<span class="status-error">error</span>` : html`→ <code>${preview(call.output)}</code>`} ${ms !== null ? html`<span class="muted">${ms} ms</span>` : nothing}</summary>
        ${this.open ? callDetail(call, withNested(call, n.children, this.calls), this.calls) : nothing}
      </details>`;
    }
    return html`<details class="tree-node tree-${n.kind}" @toggle=${toggle}><summary>${n.label}</summary>${this.open ? n.children.map((c) => html`<weft-tree-node .node=${c} .calls=${this.calls}></weft-tree-node>`) : nothing}</details>`;
  }
}

/** A call's children in the tree: its scorer calls, plus what it called itself when the call log still has it. */
function withNested(call: Call, children: readonly TreeNode[], calls: CallChildren): TreeNode[] {
  const known = new Set(children.map((c) => c.call?.id));
  const nested = calls.children(call.id).filter((c) => !known.has(c.id));
  return [...children, ...nested.map((c): TreeNode => ({ label: c.op, kind: "call", call: c, children: [] }))];
}

function callDetail(call: Call, children: readonly TreeNode[], calls: CallChildren): TemplateResult {
  const ms = call.endedAt !== null ? call.endedAt - call.startedAt : null;
  return html`
    <dl class="call-detail">
      <dt>inputs</dt><dd><pre>${json(call.inputs)}</pre></dd>
      ${call.error ? html`<dt>error</dt><dd><pre class="weft-error">${call.error.message}</pre>${call.error.stack ? html`<details><summary class="muted">stack trace</summary><pre>${call.error.stack}</pre></details>` : nothing}</dd>` : html`<dt>output</dt><dd><pre>${json(call.output)}</pre></dd>`}
      <dt>timing</dt><dd>${new Date(call.startedAt).toISOString()}${ms !== null ? ` · ${ms} ms` : ""}</dd>
      ${Object.keys(call.usage).length ? html`<dt>usage</dt><dd><pre>${json(call.usage)}</pre></dd>` : nothing}
      ${call.cost !== null ? html`<dt>cost</dt><dd>${money(call.cost)}</dd>` : nothing}
      <dt>ids</dt><dd class="muted">call ${call.id} · trace ${call.traceId}${call.parentId ? ` · parent ${call.parentId}` : ""}</dd>
    </dl>
    ${playgroundButton(call, calls.children(call.id))}
    ${children.length ? html`<div class="call-children">${children.map((c) => html`<weft-tree-node .node=${c} .calls=${calls}></weft-tree-node>`)}</div>` : nothing}`;
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function preview(value: unknown): string {
  const s = JSON.stringify(value) ?? "undefined";
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

customElements.define("weft-vary-view", WeftVaryView);
customElements.define("weft-tree-node", WeftTreeNode);
