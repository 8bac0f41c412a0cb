import { LitElement, html, nothing } from "lit";
import type { NotebookRuntime } from "../runtime/index.ts";
import type { CellId } from "../notebook/index.ts";
import { DRILL_EVENT, type DrillDetail, type ReportCell, type ReportSnapshot } from "../stdlib/index.ts";
import { renderOutput } from "./cell-output.ts";
import type { WeftDrillPanel } from "./drill-panel.ts";
import { NO_CALLS, type CallChildren } from "./session.ts";
import "./drill-panel.ts";

/**
 * A published notebook in reading mode: prose and outputs in order, code folded (or not shown),
 * a note on each cell the report cannot bring back, inputs that would need calls shown fixed,
 * and the drill-down panel for chart marks. It renders the runtime's states; it holds no truth.
 */
export class WeftReport extends LitElement {
  static override properties = { snapshot: { attribute: false }, runtime: { attribute: false }, calls: { attribute: false } };
  declare snapshot: ReportSnapshot;
  declare runtime: NotebookRuntime;
  declare calls: CallChildren;
  private unsubscribe: (() => void) | null = null;
  private readonly dirty = new Set<string>();
  private frame = 0;
  private byId: Map<string, ReportCell> | null = null;

  constructor() {
    super();
    this.calls = NO_CALLS;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener(DRILL_EVENT, this.onDrill);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener(DRILL_EVENT, this.onDrill);
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private readonly onDrill = (e: Event) => {
    const panel = this.querySelector<WeftDrillPanel>("weft-drill-panel");
    if (panel) panel.detail = (e as CustomEvent<DrillDetail>).detail;
  };

  protected override firstUpdated(): void {
    // Outputs are rendered straight into their containers as states change, one frame at a time.
    this.unsubscribe = this.runtime.subscribe((id) => {
      this.dirty.add(id);
      if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
    });
    for (const c of this.snapshot.cells) this.dirty.add(c.id);
    this.flush();
  }

  private flush(): void {
    this.frame = 0;
    this.byId ??= new Map(this.snapshot.cells.map((c) => [c.id, c]));
    for (const id of this.dirty) {
      const cell = this.byId.get(id);
      const container = this.querySelector<HTMLElement>(`[data-cell="${CSS.escape(id)}"] .cell-output`);
      if (!cell || !container || cell.mode === "unavailable") continue;
      const state = this.runtime.state(id as CellId);
      renderOutput(container, state, cell.hidden, this.calls);
      if (cell.inputFixed) fixInputs(container, cell.inputFixed);
      container.closest("[data-cell]")?.setAttribute("data-status", state?.status ?? "queued");
    }
    this.dirty.clear();
  }

  protected override render() {
    const s = this.snapshot;
    const built = new Date(s.builtAt);
    return html`
      <article class="report">
        <header class="report-header">
          <span class="report-badge" title="built with weft build: a snapshot, no server">report</span>
          <span class="muted">${s.notebook} · built ${isNaN(built.getTime()) ? s.builtAt : built.toLocaleString()}</span>
        </header>
        ${s.cells.map((c) => this.cell(c))}
        ${s.omitted.length
          ? html`<footer class="report-omitted" data-testid="report-omitted"><h2>Not in this report</h2><ul>${s.omitted.map((o) => html`<li>${o}</li>`)}</ul></footer>`
          : nothing}
      </article>
      <weft-drill-panel .calls=${this.calls}></weft-drill-panel>
    `;
  }

  private cell(c: ReportCell) {
    const prose = c.kind === "md";
    const code = !prose && this.snapshot.code === "folded" && c.compiled.type !== "static"
      ? html`<details class="report-code"><summary>${c.kind} code</summary><pre><code>${c.source}</code></pre></details>`
      : nothing;
    return html`<section class="report-cell ${prose ? "report-prose" : ""}" data-cell=${c.id} data-mode=${c.mode}>
      ${code}
      ${c.mode === "unavailable"
        ? html`<div class="report-note" role="note">Not in this report: ${c.reason}.</div>`
        : html`<div class="cell-output" data-testid="output"></div>`}
    </section>`;
  }
}

/** Disables the form controls of an input's output and says why (changing it would need calls a report cannot make). */
function fixInputs(container: HTMLElement, reason: string): void {
  for (const el of container.querySelectorAll<HTMLInputElement>("input, select, textarea, button")) {
    el.disabled = true;
    el.title = reason;
  }
  if (!container.querySelector(".report-fixed")) {
    const note = document.createElement("div");
    note.className = "report-fixed muted";
    note.textContent = reason;
    container.append(note);
  }
}

customElements.define("weft-report", WeftReport);
