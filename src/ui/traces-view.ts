import { LitElement, html, nothing } from "lit";
import { repeat } from "lit/directives/repeat.js";
import * as Plot from "@observablehq/plot";
import type { Call } from "../base/index.ts";
import type { CallsBackend } from "../prod/index.ts";
import type { AnnotationSchema, CallFilter, Feedback, StatsRow } from "../store/index.ts";
import { callsSource, chatLines } from "./trace-tree.ts";
import { OPEN_IN_NOTEBOOK } from "./notebook-events.ts";
import { playgroundButton } from "./open-playground.ts";
import { chat, waterfall } from "./call-parts.ts";
import "./add-to-dataset.ts";
import "./rules-list.ts";
import "./monitors-list.ts";
import "./traces-view.css";

/** How often the list and charts refresh while the view is open and live. */
const POLL_MS = 2_000;
/** Calls the list shows (the newest). */
const PAGE = 200;

const RANGES: Record<string, string> = { "15m": "-15m", "1h": "-1h", "24h": "-24h", "7d": "-7d", all: "" };
const RANGE_MS: Record<string, number> = { "15m": 15 * 60_000, "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 };

export { OPEN_IN_NOTEBOOK };

/**
 * The Traces view: production calls as they arrive, with filters (time range, op, status,
 * model, text, a Weave `$expr`), charts of calls, errors, p95 latency and cost over time
 * computed in the store, and a call's trace as a waterfall tree with its LLM messages as a
 * chat. Text from traces is rendered as text (lit escapes it), never as HTML.
 */
export class WeftTraces extends LitElement {
  static override properties = {
    calls: { state: true },
    stats: { state: true },
    selected: { state: true },
    trace: { state: true },
    error: { state: true },
    live: { state: true },
    ops: { state: true },
    form: { state: true },
    feedback: { state: true },
    schemas: { state: true },
    picked: { state: true },
    adding: { state: true },
  };
  declare calls: Call[];
  declare stats: StatsRow[];
  declare selected: Call | null;
  declare trace: Call[];
  declare error: string | null;
  declare live: boolean;
  declare ops: string[];
  declare form: { range: string; op: string; status: string; model: string; text: string; where: string };
  /** The selected call's feedback, and the declared annotations. */
  declare feedback: Feedback[];
  declare schemas: AnnotationSchema[];
  /** Calls ticked for "Add to dataset" (kept across refreshes), and whether its dialog is open. */
  declare picked: Map<string, Call>;
  declare adding: boolean;
  backend!: CallsBackend;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private version = 0;

  constructor() {
    super();
    this.calls = [];
    this.stats = [];
    this.selected = null;
    this.trace = [];
    this.error = null;
    this.live = true;
    this.ops = [];
    this.form = { range: "1h", op: "", status: "", model: "", text: "", where: "" };
    this.feedback = [];
    this.schemas = [];
    this.picked = new Map();
    this.adding = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.version++;
  }

  /** The filter the form describes; a `where` that is not JSON is an error shown in the view. */
  filter(): CallFilter {
    const f = this.form;
    const where = f.where.trim() ? (JSON.parse(f.where) as CallFilter["where"]) : undefined;
    return {
      ...(RANGES[f.range] ? { since: RANGES[f.range] } : {}),
      ...(f.op ? { op: f.op } : {}),
      ...(f.status ? { status: f.status as CallFilter["status"] & string } : {}),
      ...(f.model ? { model: f.model } : {}),
      ...(f.text ? { text: f.text } : {}),
      ...(where ? { where } : {}),
    };
  }

  /** Reloads the list, the charts and the op list; schedules the next refresh while live. Late answers of an older refresh are dropped. */
  async refresh(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const version = ++this.version;
    try {
      const filter = this.filter();
      const [calls, stats, ops] = await Promise.all([
        this.backend.query({ filter, limit: PAGE }),
        this.backend.stats(filter, { bucket: "auto", metrics: { latency_ms: ["p95"], cost: ["sum"] } }),
        this.backend.stats({ ...(filter.since ? { since: filter.since } : {}) }, { by: ["op"] }),
      ]);
      if (version !== this.version) return;
      this.calls = calls;
      this.stats = stats;
      this.ops = ops.map((r) => String(r.op)).sort();
      this.error = null;
    } catch (error) {
      if (version !== this.version) return;
      this.error = (error as Error).message;
    }
    if (this.live && this.isConnected) this.timer = setTimeout(() => void this.refresh(), POLL_MS);
  }

  private async open(call: Call): Promise<void> {
    this.selected = call;
    this.feedback = [];
    try {
      this.trace = await this.backend.query({ filter: { traceId: call.traceId }, orderBy: [{ field: "started_at" }], limit: 2_000 });
      await this.loadFeedback(call);
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private async loadFeedback(call: Call): Promise<void> {
    if (!this.backend.feedback) return;
    const [feedback, schemas] = await Promise.all([this.backend.feedback([call.id]), this.backend.annotationSchemas?.() ?? []]);
    if (this.selected?.id !== call.id) return;
    this.feedback = feedback;
    this.schemas = schemas;
  }

  /** Gives feedback on the selected call as this browser's author (`localStorage["weft.author"]`, else "editor"); a refusal is shown, not thrown. */
  private async give(item: Record<string, unknown>): Promise<void> {
    const call = this.selected;
    if (!call || !this.backend.giveFeedback) return;
    try {
      await this.backend.giveFeedback([{ call: call.id, author: localStorage.getItem("weft.author") || "editor", authorKind: "human", ...item }]);
      await this.loadFeedback(call);
      this.error = null;
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private set(key: keyof WeftTraces["form"], value: string): void {
    this.form = { ...this.form, [key]: value };
    void this.refresh();
  }

  private pick(call: Call, on: boolean): void {
    const next = new Map(this.picked);
    if (on) next.set(call.id, call);
    else next.delete(call.id);
    this.picked = next;
  }

  /** The form's filter, or none when its `where` is not JSON (the view shows that error). */
  private safeFilter(): CallFilter {
    try {
      return this.filter();
    } catch {
      return {};
    }
  }

  private closeDialog(): void {
    this.adding = false;
    this.picked = new Map();
    void this.querySelector<HTMLElement & { reload(): Promise<void> }>("weft-rules-list")?.reload();
  }

  private openInNotebook(): void {
    let source: string;
    try {
      source = `const production = ${callsSource(this.filter() as Record<string, unknown>)}`;
    } catch (error) {
      this.error = `where is not valid JSON: ${(error as Error).message}`;
      return;
    }
    this.dispatchEvent(new CustomEvent(OPEN_IN_NOTEBOOK, { detail: { source }, bubbles: true, composed: true }));
  }

  protected override render() {
    const f = this.form;
    return html`<section class="traces" aria-label="traces">
      <header class="traces-filters">
        <strong>Traces</strong>
        <label>range <select @change=${(e: Event) => this.set("range", (e.target as HTMLSelectElement).value)}>
          ${Object.keys(RANGES).map((r) => html`<option ?selected=${f.range === r} value=${r}>${r === "all" ? "all time" : `last ${r}`}</option>`)}
        </select></label>
        <label>op <select aria-label="op" @change=${(e: Event) => this.set("op", (e.target as HTMLSelectElement).value)}>
          <option value="">all</option>${this.ops.map((o) => html`<option ?selected=${f.op === o} value=${o}>${o}</option>`)}
        </select></label>
        <label>status <select aria-label="status" @change=${(e: Event) => this.set("status", (e.target as HTMLSelectElement).value)}>
          ${["", "ok", "error", "running"].map((s) => html`<option ?selected=${f.status === s} value=${s}>${s || "all"}</option>`)}
        </select></label>
        <input type="search" placeholder="text in inputs or output" aria-label="text" .value=${f.text} @change=${(e: Event) => this.set("text", (e.target as HTMLInputElement).value)} />
        <input class="where" placeholder='$expr, e.g. {"$gt": [{"$getField": "latency_ms"}, 1000]}' aria-label="where" .value=${f.where} @change=${(e: Event) => this.set("where", (e.target as HTMLInputElement).value)} />
        <label><input type="checkbox" .checked=${this.live} @change=${(e: Event) => ((this.live = (e.target as HTMLInputElement).checked), void this.refresh())} /> live</label>
        <button @click=${() => this.openInNotebook()}>Open in notebook</button>
        <button ?disabled=${!this.picked.size} @click=${() => (this.adding = true)}>Add to dataset${this.picked.size ? ` (${this.picked.size})` : ""}</button>
      </header>
      ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
      <div class="traces-charts" data-testid="traces-charts">${this.charts()}</div>
      <details class="rules-panel"><summary>Curation rules</summary><weft-rules-list></weft-rules-list></details>
      <details class="rules-panel"><summary>Monitors</summary><weft-monitors-list></weft-monitors-list></details>
      ${this.adding ? html`<weft-add-to-dataset .backend=${this.backend} .calls=${[...this.picked.values()]} .filter=${this.safeFilter()} @weft-dialog-closed=${() => this.closeDialog()}></weft-add-to-dataset>` : nothing}
      <div class=${this.selected ? "traces-body with-detail" : "traces-body"}>
        <table class="traces-list" data-testid="traces-list">
          <thead><tr><th>started</th><th>op</th><th>model</th><th>status</th><th class="num">ms</th><th class="num">tokens</th><th class="num">cost</th><th>input</th><th>output</th></tr></thead>
          <tbody>${repeat(this.calls, (c) => c.id, (c) => this.row(c))}</tbody>
        </table>
        ${this.calls.length ? nothing : html`<p class="muted">No calls in this range yet. Send traces to this server (<code>/v1/traces</code>, <code>/weave</code>, <code>/api/calls/batch</code>), or run <code>npx weft demo traffic --url ${location.origin}</code>.</p>`}
        ${this.selected ? this.detail(this.selected) : nothing}
      </div>
    </section>`;
  }

  private row(c: Call) {
    const usage = Object.values(c.usage);
    const { input, output } = chatLines(c);
    return html`<tr data-call=${c.id} class=${c.error ? "error" : ""} aria-selected=${this.selected?.id === c.id ? "true" : "false"} @click=${() => this.open(c)}>
      <td><input type="checkbox" aria-label=${`pick call ${c.id}`} .checked=${this.picked.has(c.id)} @click=${(e: Event) => e.stopPropagation()} @change=${(e: Event) => this.pick(c, (e.target as HTMLInputElement).checked)} /> ${new Date(c.startedAt).toLocaleTimeString()}</td><td>${c.op}</td><td>${Object.keys(c.usage).join(", ")}</td>
      <td>${c.error ? "error" : c.endedAt === null ? "running" : "ok"}</td>
      <td class="num">${c.endedAt === null ? "" : c.endedAt - c.startedAt}</td>
      <td class="num">${usage.length ? usage.reduce((a, u) => a + u.inputTokens + u.outputTokens, 0) : ""}</td>
      <td class="num">${c.cost === null ? "" : `$${c.cost.toPrecision(2)}`}</td>
      <td class="clip">${input.at(-1)?.text ?? preview(c.inputs)}</td><td class="clip">${c.error?.message ?? output.at(-1)?.text ?? preview(c.output)}</td>
    </tr>`;
  }

  private detail(call: Call) {
    const { input, output } = chatLines(call);
    return html`<aside class="trace-detail" data-testid="trace-detail">
      <header><strong>trace ${call.traceId.slice(0, 12)}</strong> ${playgroundButton(call, this.trace.filter((c) => c.parentId === call.id))} <button aria-label="close trace" @click=${() => ((this.selected = null), (this.trace = []))}>✕</button></header>
      ${waterfall(this.trace.length ? this.trace : [call], call.id, (c) => (this.selected = c))}
      <dl class="call-facts">
        <dt>op</dt><dd>${call.op}</dd><dt>latency</dt><dd>${call.endedAt === null ? "running" : `${call.endedAt - call.startedAt} ms`}</dd>
        ${Object.entries(call.usage).map(([m, u]) => html`<dt>${m}</dt><dd>${u.inputTokens} in · ${u.outputTokens} out${u.cost !== undefined ? ` · $${u.cost.toPrecision(2)}` : ""}</dd>`)}
        <dt>cost</dt><dd>${call.cost === null ? "unknown" : `$${call.cost.toPrecision(3)}`}</dd>
      </dl>
      ${call.error ? html`<pre class="error" role="alert">${call.error.message}</pre>` : nothing}
      ${input.length || output.length ? chat([...input, ...output]) : html`<details open><summary>inputs</summary><pre>${json(call.inputs)}</pre></details><details open><summary>output</summary><pre>${json(call.output)}</pre></details>`}
      ${this.backend.giveFeedback ? this.feedbackForm() : nothing}
      <details><summary>attributes</summary><pre>${json(call.attributes)}</pre></details>
    </aside>`;
  }

  private feedbackForm() {
    const mine = (emoji: string) => this.feedback.some((f) => f.kind === "reaction" && f.name === emoji);
    return html`<section class="feedback" data-testid="feedback" aria-label="feedback">
      <div class="reactions">
        ${["👍", "👎"].map((emoji) => html`<button aria-label=${emoji === "👍" ? "thumbs up" : "thumbs down"} aria-pressed=${mine(emoji) ? "true" : "false"} @click=${() => this.give({ kind: "reaction", emoji })}>${emoji}</button>`)}
      </div>
      <form class="note" @submit=${(e: Event) => {
        e.preventDefault();
        const box = (e.target as HTMLFormElement).querySelector("textarea")!;
        if (box.value.trim()) void this.give({ kind: "note", note: box.value }).then(() => (box.value = ""));
      }}>
        <textarea aria-label="note" rows="2" placeholder="a note on this call"></textarea><button type="submit">Add note</button>
      </form>
      ${this.schemas.map((s) => html`<label class="annotation">${s.name}
        ${s.type === "label"
          ? html`<select aria-label=${`annotation ${s.name}`} @change=${(e: Event) => this.give({ kind: "annotation", name: s.name, value: (e.target as HTMLSelectElement).value })}>
              <option value="">—</option>${s.labels.map((l) => html`<option ?selected=${this.feedback.some((f) => f.name === s.name && f.value === l)} value=${l}>${l}</option>`)}</select>`
          : html`<input aria-label=${`annotation ${s.name}`} type=${s.type === "number" ? "number" : "text"} min=${s.type === "number" && s.min !== undefined ? s.min : ""} max=${s.type === "number" && s.max !== undefined ? s.max : ""}
              @change=${(e: Event) => { const raw = (e.target as HTMLInputElement).value; void this.give({ kind: "annotation", name: s.name, value: s.type === "number" ? Number(raw) : raw }); }} />`}
      </label>`)}
      <ul class="feedback-list" data-testid="feedback-list">${this.feedback.map((f) => html`<li><span class="fb-value">${f.kind === "annotation" ? `${f.name}: ${String(f.value)}` : String(f.value)}</span> <span class="muted">${f.author} (${f.authorKind}) · ${new Date(f.updatedAt).toLocaleString()}</span></li>`)}</ul>
    </section>`;
  }

  private charts() {
    if (!this.stats.length) return nothing;
    // The bucket size: the smallest gap between buckets (the store chose it for "auto").
    const starts = [...new Set(this.stats.map((r) => r.bucket))].sort((a, b) => a - b);
    const step = starts.slice(1).reduce((m, b, i) => Math.min(m, b - starts[i]!), Infinity);
    const width = Number.isFinite(step) ? step : 60_000;
    const rows = this.stats.map((r) => ({ ...r, time: new Date(r.bucket), end: new Date(r.bucket + width) }));
    // The x axis spans the chosen range (up to now), so a quiet period shows as empty time.
    const span = RANGE_MS[this.form.range];
    const last = Math.max(...rows.map((r) => r.end.getTime()));
    const domain = span ? [new Date(Math.min(Date.now(), last) - span), new Date(Math.max(Date.now(), last))] : undefined;
    const chart = (y: string, label: string, mark: "bar" | "line") =>
      Plot.plot({
        height: 120,
        width: 260,
        marginLeft: 48,
        x: { type: "utc", label: null, ...(domain ? { domain } : {}), ticks: 4 },
        y: { label, grid: true, zero: true },
        marks: mark === "bar"
          ? [Plot.rectY(rows, { x1: "time", x2: "end", y, fill: y === "errors" ? "#c0392b" : "#4c78a8", inset: 0.5 }), Plot.ruleY([0])]
          : [Plot.lineY(rows, { x: "time", y, stroke: "#4c78a8" }), Plot.dot(rows, { x: "time", y, fill: "#4c78a8", r: 2 }), Plot.ruleY([0])],
      });
    return [chart("count", "calls", "bar"), chart("errors", "errors", "bar"), chart("latency_ms.p95", "p95 ms", "line"), chart("cost.sum", "cost $", "line")].map((svg) => html`<figure>${svg}</figure>`);
  }
}

function preview(value: unknown): string {
  return value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value).slice(0, 300);
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? "";
}

customElements.define("weft-traces", WeftTraces);
