import { LitElement, html, nothing, type PropertyValues } from "lit";
import { hasFlag, type Cell } from "../notebook/index.ts";
import type { CellState } from "../runtime/index.ts";
import { isVaryResult } from "../trace/index.ts";
import { CellEditorController } from "./cell-editor.ts";
import { renderOutput } from "./cell-output.ts";
import { NO_CALLS, type CallChildren } from "./session.ts";

/** The intents a cell view raises; the notebook view turns them into session calls. */
export type CellIntent = "run" | "cancel" | "run-next" | "focus-prev" | "focus-next" | "move-up" | "move-down" | "delete" | "add-below";

/** One cell: a header with kind, status, run count and time; a CodeMirror editor; the output. */
export class WeftCell extends LitElement {
  static override properties = {
    cell: { attribute: false },
    state: { attribute: false },
    stale: { type: Boolean },
    kinds: { attribute: false },
    language: { type: String },
    calls: { attribute: false },
    fileLine: { attribute: false },
    editing: { state: true },
  };
  declare cell: Cell;
  declare state: CellState | undefined;
  declare stale: boolean;
  declare kinds: readonly string[];
  declare language: string;
  /** The session's call log, for the trace trees of vary results in the output. */
  declare calls: CallChildren;
  /** The file line on which the cell's source begins, when its error has a line (errors say where in the file). */
  declare fileLine: number | undefined;
  declare editing: boolean;

  private renderedHidden = false;
  private readonly editor = new CellEditorController(this, {
    change: (text) => this.emit("weft-edit", { text }),
    run: () => this.intent("run"),
    runAndNext: () => this.intent("run-next"),
    focusPrevious: () => this.intent("focus-prev"),
    focusNext: () => this.intent("focus-next"),
    moveUp: () => this.intent("move-up"),
    moveDown: () => this.intent("move-down"),
  });

  constructor() {
    super();
    this.editing = false;
    this.stale = false;
    this.kinds = [];
    this.language = "text";
    this.calls = NO_CALLS;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** Puts keyboard focus in this cell's editor, opening it first for prose cells. */
  focusEditor(): void {
    this.editing = true;
    void this.updateComplete.then(() => this.editor.focus());
  }

  private get prose(): boolean {
    return this.cell.kind === "md" && !hasFlag(this.cell, "pinned");
  }

  protected override render() {
    // A kind Weft does not run (python, sh, a bare fence) is shown, never run: no status to report.
    const runnable = this.kinds.includes(this.cell.kind);
    const s = runnable ? this.state : undefined;
    const status = !runnable ? "static" : this.stale ? "stale" : s?.status ?? "static";
    const showEditor = !this.prose || this.editing || this.cell.source.trim() === "";
    // A vary waiting for its Run click is not streaming anything, and there is nothing to stop.
    const waiting = !!s && awaitsApproval(s);
    const busy = !!s && !waiting && (s.status === "running" || s.status === "queued" || s.streaming);
    // The status stays visible; the tools show on hover and focus.
    return html`
      <div class="cell-header">
        <span class="status status-${status}" data-testid="status" title="cell status">${runnable ? status : `${this.cell.kind || "text"} · not run`}</span>
        ${s ? html`<span class="runs" data-testid="runs" title="how often the cell's code ran (a value restored from the cache did not run)">runs ${s.runs}</span>` : nothing}
        ${s?.ms != null ? html`<span class="ms" data-testid="ms" title=${s.status === "cached" ? "restored from the cache in" : "last run"}>${formatMs(s.ms)}</span>` : nothing}
        ${s?.cacheWarning ? html`<span class="warning" title=${s.cacheWarning}>not cached</span>` : nothing}
        ${s?.streaming && !waiting ? html`<span class="status status-running" data-testid="streaming">streaming</span>` : nothing}
        ${waiting ? html`<span class="status status-waiting" data-testid="waiting">waiting for Run</span>` : nothing}
        <span class="spacer"></span>
        <span class="cell-tools">
          <select aria-label="cell kind" .value=${this.cell.kind} @change=${(e: Event) => this.emit("weft-kind", { kind: (e.target as HTMLSelectElement).value })}>
            ${[...new Set([...this.kinds, this.cell.kind])].map((k) => html`<option value=${k} ?selected=${k === this.cell.kind}>${k || "(none)"}</option>`)}
          </select>
          ${this.prose ? html`<button title="edit" @click=${() => this.focusEditor()}>edit</button>` : nothing}
          ${busy
            ? html`<button title="stop this cell" aria-label="stop cell" @click=${() => this.intent("cancel")}>■</button>`
            : html`<button title="run (Shift+Enter)" aria-label="run cell" @click=${() => this.intent("run")}>▶</button>`}
          <button title="move up (Ctrl+Alt+↑)" aria-label="move cell up" @click=${() => this.intent("move-up")}>↑</button>
          <button title="move down (Ctrl+Alt+↓)" aria-label="move cell down" @click=${() => this.intent("move-down")}>↓</button>
          <button title="add a cell below" aria-label="add cell below" @click=${() => this.intent("add-below")}>+</button>
          <button title="delete cell" aria-label="delete cell" @click=${() => this.intent("delete")}>✕</button>
        </span>
      </div>
      <div class="cell-editor" ?hidden=${!showEditor}></div>
      <div class="cell-output" data-testid="output" @dblclick=${() => this.prose && this.focusEditor()}></div>
    `;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const editorHost = this.querySelector<HTMLElement>(".cell-editor")!;
    if (!this.editor.mounted) this.editor.mount(editorHost, this.cell.source, this.language);
    else this.editor.setText(this.cell.source);
    if (changed.has("language") && changed.get("language") !== undefined) this.editor.setLanguage(this.language);
    const hidden = hasFlag(this.cell, "hidden");
    if (changed.has("state") || changed.has("fileLine") || hidden !== this.renderedHidden) {
      this.renderedHidden = hidden;
      renderOutput(this.querySelector<HTMLElement>(".cell-output")!, this.state, hidden, this.calls, this.fileLine);
    }
    this.dataset.status = this.stale ? "stale" : this.state?.status ?? "static";
    this.toggleAttribute("data-prose", this.prose && !this.editing);
  }

  private intent(intent: CellIntent): void {
    if (intent === "run" || intent === "run-next") this.editing = false;
    this.emit("weft-intent", { intent });
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true }));
  }
}

/** Whether a cell's value is a vary waiting for its Run click (a plan over budget). */
function awaitsApproval(s: CellState): boolean {
  const values = s.autodisplay || !s.names.length ? [s.value] : Object.values(s.exports);
  return values.some((v) => isVaryResult(v) && v.phase === "awaiting-approval");
}

function formatMs(ms: number): string {
  return ms < 1 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

customElements.define("weft-cell", WeftCell);
