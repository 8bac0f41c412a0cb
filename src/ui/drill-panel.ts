import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import type { DrillDetail } from "../stdlib/index.ts";
import { cellText, type Call, type CallContext } from "../base/index.ts";
import { NO_CALLS, type CallChildren } from "./session.ts";
import { columnTemplate, drillTable, groupLines, searchRows, sortRows, type DrillColumn, type DrillLine, type DrillRow, type DrillSort } from "./drill-rows.ts";
import { chat, fields, readable, waterfall } from "./call-parts.ts";
import { chatLines } from "./trace-tree.ts";
import { playgroundButton } from "./open-playground.ts";
import { exportMenu } from "./export-menu.ts";
import "./drill-panel.css";

/** Height of one line of the table, in px: the virtual list places lines by it. */
const LINE = 30;
/** Lines rendered beyond the visible ones, above and below. */
const OVERSCAN = 12;

/**
 * The drill-down side panel: the calls behind a clicked mark or brushed region as a table, one
 * line per call (row fields, trial, output, scores by the notebook's names, latency, cost), the
 * trials of one row grouped, virtualized, with search and sorting. A call opens to its detail:
 * inputs as named fields, the output, each score with its reasoning, and the trace tree.
 * Production calls (a page of the trace store) show time, op, model, input and output instead.
 */
export class WeftDrillPanel extends LitElement {
  static override properties = {
    detail: { attribute: false },
    calls: { attribute: false },
    query: { state: true },
    sort: { state: true },
    open: { state: true },
    selected: { state: true },
    traceCall: { state: true },
    scrollTop: { state: true },
  };
  declare detail: DrillDetail | null;
  /** The host's call log: what each call made (nested LLM calls and the like). */
  declare calls: CallChildren;
  declare query: string;
  declare sort: DrillSort | null;
  declare open: ReadonlySet<string>;
  declare selected: DrillRow | null;
  /** The call of the trace tree whose inputs and output the detail shows. */
  declare traceCall: Call | null;
  declare scrollTop: number;
  private table: { columns: DrillColumn[]; rows: DrillRow[] } = { columns: [], rows: [] };
  private lines: DrillLine[] = [];
  /** The export menu of the list: made once per detail, so a re-render (a scroll) keeps it open. */
  private exporter: HTMLElement | null = null;
  private shownCount = 0;
  private viewport = 720;

  constructor() {
    super();
    this.detail = null;
    this.calls = NO_CALLS;
    this.query = "";
    this.sort = null;
    this.open = new Set();
    this.selected = null;
    this.traceCall = null;
    this.scrollTop = 0;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("detail")) {
      const d = this.detail;
      this.table = d?.source ? drillTable(d.source.calls(d.refs), d.source) : { columns: [], rows: [] };
      this.exporter = exportMenu(document, () => this.exportRows(), "calls", "calls");
      this.query = "";
      this.sort = null;
      this.open = new Set();
      this.selected = null;
      this.scrollTop = 0;
    }
    if (changed.has("detail") || changed.has("query") || changed.has("sort") || changed.has("open")) {
      const shown = sortRows(searchRows(this.table.rows, this.query), this.sort);
      this.shownCount = shown.length;
      this.lines = groupLines(shown, this.table.columns, this.open);
    }
  }

  protected override updated(): void {
    const scroller = this.querySelector<HTMLElement>(".drill-table");
    if (!scroller) return;
    if (scroller.clientHeight) this.viewport = scroller.clientHeight;
    // Back from a call's detail (or on to another mark): the list is where it was left.
    if (Math.abs(scroller.scrollTop - this.scrollTop) > 1) scroller.scrollTop = this.scrollTop;
  }

  protected override render() {
    const d = this.detail;
    if (!d) return nothing;
    const total = this.table.rows.length;
    return html`<aside class="drill" role="dialog" aria-label="calls" data-testid="drill">
      <header>
        <strong>${d.title}</strong>
        <span class="muted" data-testid="drill-count">${this.shownCount === total ? "" : `${this.shownCount} of `}${total} call${total === 1 ? "" : "s"}</span>
        <button aria-label="close" @click=${() => (this.detail = null)}>✕</button>
      </header>
      ${d.source ? nothing : html`<p class="muted">These rows carry call refs but no vary result to resolve them; chart a vary result to drill down.</p>`}
      ${this.selected ? this.detailView(this.selected) : this.tableView()}
    </aside>`;
  }

  private tableView(): TemplateResult {
    const { columns } = this.table;
    const template = columnTemplate(columns, this.table.rows);
    const first = Math.max(0, Math.floor(this.scrollTop / LINE) - OVERSCAN);
    const last = Math.min(this.lines.length, Math.ceil((this.scrollTop + this.viewport) / LINE) + OVERSCAN);
    const groups = this.lines.filter((l) => l.kind === "group").length;
    return html`
      <div class="drill-tools">
        <input type="search" placeholder="search rows, outputs, scores…" aria-label="search calls" .value=${this.query} @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)} />
        ${groups ? html`<span class="muted">trials of one row are grouped: click a row to see them</span>` : nothing}
        ${this.table.rows.length ? this.exporter : nothing}
      </div>
      <div class="drill-table" role="table" aria-label="calls" aria-rowcount=${this.lines.length} style="--drill-cols:${template}" @scroll=${(e: Event) => (this.scrollTop = (e.target as HTMLElement).scrollTop)}>
        <div class="drill-row drill-head" role="row">
          ${columns.map((c) => html`<span role="columnheader" class=${c.numeric ? "num" : ""} aria-sort=${this.sort?.key === c.key ? (this.sort.descending ? "descending" : "ascending") : "none"}>
            <button class="sort" title="sort by ${c.label}" @click=${() => this.sortBy(c.key)}>${c.label}${this.sort?.key === c.key ? (this.sort.descending ? " ▼" : " ▲") : ""}</button></span>`)}
        </div>
        <div class="drill-body" style="height:${this.lines.length * LINE}px">
          <div style="transform:translateY(${first * LINE}px)">${this.lines.slice(first, last).map((l) => this.line(l, columns))}</div>
        </div>
      </div>`;
  }

  private line(l: DrillLine, columns: readonly DrillColumn[]): TemplateResult {
    if (l.kind === "group") {
      const toggle = () => {
        const open = new Set(this.open);
        if (open.has(l.key)) open.delete(l.key);
        else open.add(l.key);
        this.open = open;
      };
      return html`<div class="drill-row drill-group" role="row" tabindex="0" aria-expanded=${l.open ? "true" : "false"} data-testid="drill-group"
        @click=${toggle} @keydown=${(e: KeyboardEvent) => (e.key === "Enter" || e.key === " ") && (e.preventDefault(), toggle())}>
        ${columns.map((c, i) => this.cell(c, l.values[c.key], i === 0 ? (l.open ? "▾ " : "▸ ") : ""))}
      </div>`;
    }
    const open = () => {
      this.selected = l.row;
      this.traceCall = l.row.call;
    };
    return html`<div class="drill-row${l.nested ? " nested" : ""}${l.row.call.error ? " error" : ""}" role="row" tabindex="0" data-call=${l.row.call.id}
      @click=${open} @keydown=${(e: KeyboardEvent) => e.key === "Enter" && open()}>
      ${columns.map((c) => this.cell(c, c.key === "output" && l.row.call.error ? `error: ${l.row.call.error.message}` : l.row.values[c.key], ""))}
    </div>`;
  }

  private cell(c: DrillColumn, value: unknown, prefix: string): TemplateResult {
    const text = display(c.key, value);
    return html`<span role="cell" class=${`${c.numeric ? "num" : ""}${typeof value === "boolean" ? (value ? " pass" : " fail") : ""}`} title=${text}>${prefix}${text}</span>`;
  }

  /** The calls listed (searched and sorted as shown), one row each: the call's id and the list's columns. */
  private exportRows(): Record<string, unknown>[] {
    const { columns } = this.table;
    return sortRows(searchRows(this.table.rows, this.query), this.sort).map((r) => ({ call: r.call.id, ...Object.fromEntries(columns.map((c) => [c.key, r.values[c.key] ?? null])) }));
  }

  private sortBy(key: string): void {
    this.sort = this.sort?.key !== key ? { key, descending: false } : this.sort.descending ? null : { key, descending: true };
  }

  private detailView(row: DrillRow): TemplateResult {
    const { call, context } = row;
    const ms = call.endedAt !== null ? call.endedAt - call.startedAt : null;
    const scorers = this.detail?.source?.scorerCalls(call.id) ?? [];
    const trace = [call, ...scorers, ...descendants(call, this.calls, new Set(scorers.map((s) => s.id)))];
    const focus = this.traceCall && trace.some((c) => c.id === this.traceCall!.id) ? this.traceCall : call;
    return html`<section class="drill-detail" data-testid="drill-detail">
      <button class="back" @click=${() => (this.selected = null)}>← all ${this.table.rows.length} calls</button>
      <h3><code>${call.op}</code> ${playgroundButton(call, trace.slice(1))}</h3>
      <p class="muted">${[context ? `${context.variant}` : null, context ? `row ${context.rowIndex}` : null, context ? `trial ${context.trial}` : null, call.error ? "error" : "ok", ms !== null ? `${ms} ms` : null, call.cost !== null ? money(call.cost) : null, ...Object.entries(call.usage).map(([m, u]) => `${m}: ${u.inputTokens} in · ${u.outputTokens} out`)].filter(Boolean).join(" · ")}</p>
      <h4>Inputs</h4>
      ${inputs(call, context)}
      ${call.error
        ? html`<h4>Error</h4><pre class="weft-error" role="alert">${call.error.message}</pre>${call.error.stack ? html`<details><summary>stack trace</summary><pre>${call.error.stack}</pre></details>` : nothing}`
        : html`<h4>Output</h4>${output(call)}`}
      ${context && Object.keys(context.scores).length ? html`<h4>Scores</h4><dl class="fields scores" data-testid="drill-scores">${Object.entries(context.scores).map(([name, s]) => html`<dt>${name}</dt><dd>${score(s)}</dd>`)}</dl>` : nothing}
      <h4>Trace</h4>
      ${waterfall(trace, focus.id, (c) => (this.traceCall = c))}
      ${focus.id !== call.id
        ? html`<div class="trace-call"><div class="muted"><code>${focus.op}</code></div>${focus.error ? html`<pre class="weft-error">${focus.error.message}</pre>` : nothing}${fields({ inputs: focus.inputs, output: focus.output })}</div>`
        : nothing}
    </section>`;
  }
}

/** A table cell's text: booleans as ✓/✗, latency in ms, cost in dollars, anything else as the editor's table cells read. */
function display(key: string, value: unknown): string {
  if (typeof value === "boolean") return value ? "✓" : "✗";
  if (key === "latency_ms" && typeof value === "number") return value < 10 ? `${Number(value.toPrecision(2))} ms` : `${Math.round(value)} ms`;
  if (key === "cost" && typeof value === "number") return money(value);
  return cellText(value, key, 400);
}

/** The calls a call made, from the host's call log, depth first (those in `skip` left out). */
function descendants(call: Call, log: CallChildren, skip: ReadonlySet<string>): Call[] {
  const out: Call[] = [];
  const stack = [...log.children(call.id)].reverse();
  while (stack.length && out.length < 500) {
    const c = stack.pop()!;
    if (skip.has(c.id)) continue;
    out.push(c);
    stack.push(...[...log.children(c.id)].reverse());
  }
  return out;
}

/** A call's inputs as named fields: an evaluation's row and parameters; a chat's messages; an object's keys. */
function inputs(call: Call, context: CallContext | null): TemplateResult | typeof nothing {
  if (context) {
    return html`${fields(context.row, "drill-inputs")}${Object.keys(context.params).length ? html`<div class="muted">parameters</div>${fields(context.params)}` : nothing}`;
  }
  const { input } = chatLines(call);
  if (input.length) return chat(input);
  const v = call.inputs;
  if (v && typeof v === "object" && !Array.isArray(v)) return fields(v as Record<string, unknown>, "drill-inputs");
  return html`<pre>${readable(v)}</pre>`;
}

function output(call: Call): TemplateResult {
  const { output: lines } = chatLines(call);
  return lines.length ? chat(lines) : html`<pre class="drill-output">${readable(call.output)}</pre>`;
}

/** A score under the notebook's name: its value (or error) and, for a judge, its reasoning. */
function score(s: CallContext["scores"][string]): TemplateResult {
  if (s.error !== null) return html`<span class="status-error">${s.error}</span>`;
  const v = s.value;
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const { reasoning, ...rest } = v as Record<string, unknown>;
    return html`${Object.entries(rest).map(([k, x]) => html`<span class="score-part">${k}: ${readable(x)}</span> `)}${typeof reasoning === "string" ? html`<div class="reasoning">${reasoning}</div>` : nothing}`;
  }
  return html`${typeof v === "boolean" ? (v ? "✓ true" : "✗ false") : readable(v)}`;
}

function money(x: number): string {
  return `$${x === 0 ? "0" : x < 0.01 ? x.toPrecision(2) : x.toFixed(4)}`;
}

customElements.define("weft-drill-panel", WeftDrillPanel);
