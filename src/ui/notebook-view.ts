import { LitElement, html, nothing } from "lit";
import { repeat } from "lit/directives/repeat.js";
import type { CellId, CellKindRegistry } from "../notebook/index.ts";
import type { NotebookSession } from "./session.ts";
import type { CellIntent, WeftCell } from "./cell-view.ts";
import "./cell-view.ts";
import { notebookSettled } from "./cell-editor.ts";

/** An open notebook: toolbar with save state, conflict banner, and its cells. Renders the session; holds no truth. */
export class WeftNotebook extends LitElement {
  static override properties = {
    session: { attribute: false },
    registry: { attribute: false },
    toast: { state: true },
    publishing: { state: true },
    published: { state: true },
  };
  declare publishing: boolean;
  declare published: { ok: boolean; url?: string; message?: string; summary?: string; needsYes?: boolean } | null;
  declare session: NotebookSession;
  declare registry: CellKindRegistry;
  declare toast: string | null;
  private readonly onChange = () => this.requestUpdate();
  private bound: NotebookSession | null = null;

  constructor() {
    super();
    this.toast = null;
    this.publishing = false;
    this.published = null;
  }

  /** Publish: the server builds this notebook's report (as `weft build`) and the report opens in a new tab; LLM calls are made only when asked again. */
  private async publish(yes: boolean): Promise<void> {
    this.publishing = true;
    this.published = null;
    try {
      const res = await fetch(`/api/publish/${this.session.name.split("/").map(encodeURIComponent).join("/")}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ yes }) });
      const body = (await res.json().catch(() => ({}))) as { url?: string; summary?: string; error?: string; needsYes?: boolean };
      if (res.ok && body.url) {
        this.published = { ok: true, url: body.url, ...(body.summary ? { summary: body.summary } : {}) };
        window.open(body.url, "_blank", "noopener");
      } else this.published = { ok: false, message: body.error ?? `HTTP ${res.status}`, needsYes: !!body.needsYes };
    } catch (error) {
      this.published = { ok: false, message: (error as Error).message };
    } finally {
      this.publishing = false;
    }
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.bound?.removeEventListener("change", this.onChange);
    this.bound = null;
  }

  protected override willUpdate(): void {
    if (this.bound !== this.session) {
      this.bound?.removeEventListener("change", this.onChange);
      this.session.addEventListener("change", this.onChange);
      this.bound = this.session;
      // The cell editors (CodeMirror) load once this notebook's cells have first settled.
      void this.session.runtime.idle().then(notebookSettled);
    }
  }

  protected override render() {
    const s = this.session;
    const save = s.save;
    return html`
      <div class="notebook-top">
      <header class="notebook-toolbar">
        <h1 class="notebook-name">${s.name}</h1>
        <span class="save save-${save.kind}" data-testid="save-state">${saveLabel(save.kind)}</span>
        <button @click=${() => s.runAll()} title="run every stale cell">Run all</button>
        <button @click=${() => this.addCell(s.notebook.cells.length, "js")} title="add a cell at the end">+ Cell</button>
        <button @click=${() => void this.publish(false)} ?disabled=${this.publishing} title="build a static report of this notebook (weft build) and open it">${this.publishing ? "Publishing…" : "Publish"}</button>
      </header>
      ${save.kind === "conflict"
        ? html`<div class="banner conflict" role="alert" data-testid="conflict">
            <strong>Conflict:</strong> ${save.message}. Your edits are kept here and were not written.
            <button @click=${() => s.loadFromDisk()}>Load the file on disk</button>
            <button @click=${() => s.overwriteDisk()}>Overwrite it with mine</button>
          </div>`
        : nothing}
      ${save.kind === "error" ? html`<div class="banner error" role="alert">${save.message}</div>` : nothing}
      </div>
      ${this.toast
        ? html`<div class="toast" role="status">${this.toast}
            <button @click=${() => this.undo()}>Undo</button></div>`
        : nothing}
      ${this.published
        ? html`<div class="banner ${this.published.ok ? "template" : "error"}" role=${this.published.ok ? "status" : "alert"} data-testid="publish-result">
            ${this.published.ok ? html`Published: <a href=${this.published.url!} target="_blank" rel="noopener">open the report</a>` : html`Not published: ${this.published.message}`}
            ${this.published.needsYes ? html`<button @click=${() => void this.publish(true)}>Publish and make the calls</button>` : nothing}
            <button @click=${() => (this.published = null)} aria-label="dismiss">✕</button>
            ${this.published.summary ? html`<pre class="publish-summary">${this.published.summary}</pre>` : nothing}
          </div>`
        : nothing}
      <main class="cells" @weft-intent=${this.onIntent} @weft-edit=${this.onEdit} @weft-kind=${this.onKind} @weft-focus-cell=${this.onFocusCell} @weft-set-cell-source=${this.onSetCellSource}>
        ${s.notebook.cells.length === 0
          ? html`<p class="empty">This notebook is empty. <button @click=${() => this.addCell(0, "md")}>Add a Markdown cell</button>
              <button @click=${() => this.addCell(0, "js")}>Add a JavaScript cell</button></p>`
          : nothing}
        ${repeat(
          s.notebook.cells,
          (c) => c.id,
          (c) => html`<weft-cell
            id="cell-${c.id}"
            data-id=${c.id}
            data-kind=${c.kind}
            .cell=${c}
            .state=${s.state(c.id)}
            .fileLine=${s.state(c.id)?.error?.line !== undefined ? s.sourceLine(c.id) : undefined}
            .stale=${s.isStale(c.id)}
            .kinds=${this.registry.kinds()}
            .calls=${s.calls}
            language=${this.registry.get(c.kind)?.language ?? "text"}
          ></weft-cell>`,
        )}
      </main>
    `;
  }

  private cellOf(e: Event): CellId {
    return (e.target as WeftCell).cell.id;
  }

  private readonly onEdit = (e: CustomEvent<{ text: string }>) => {
    this.session.dispatch({ type: "edit", id: this.cellOf(e), source: e.detail.text });
  };

  private readonly onKind = (e: CustomEvent<{ kind: string }>) => {
    this.session.dispatch({ type: "set-kind", id: this.cellOf(e), kind: e.detail.kind });
  };

  /** A view in a cell's output (the playground) rewrites that cell: the edit is kept in the notebook and the cell runs. */
  private readonly onSetCellSource = (e: CustomEvent<{ source: string }>) => {
    const cell = (e.target as HTMLElement).closest<WeftCell>("weft-cell");
    if (!cell) return;
    this.session.dispatch({ type: "edit", id: cell.cell.id, source: e.detail.source });
    this.session.run(cell.cell.id);
  };

  /** A link to another cell (an input in error): scroll to it and put the cursor in it. */
  private readonly onFocusCell = (e: CustomEvent<{ id: CellId }>) => {
    const index = this.session.notebook.cells.findIndex((c) => c.id === e.detail.id);
    if (index < 0) return;
    this.querySelectorAll<WeftCell>("weft-cell")[index]?.scrollIntoView({ block: "center" });
    this.focusCell(index);
  };

  private readonly onIntent = (e: CustomEvent<{ intent: CellIntent }>) => {
    const s = this.session;
    const id = this.cellOf(e);
    const index = s.notebook.cells.findIndex((c) => c.id === id);
    switch (e.detail.intent) {
      case "run":
        return s.run(id);
      case "cancel":
        return s.cancel(id);
      case "run-next":
        s.run(id);
        if (index === s.notebook.cells.length - 1) this.addCell(index + 1, "js");
        else this.focusCell(index + 1);
        return;
      case "focus-prev":
        return this.focusCell(index - 1);
      case "focus-next":
        return this.focusCell(index + 1);
      case "move-up":
        if (index > 0) s.dispatch({ type: "move", id, index: index - 1 });
        return this.focusCell(Math.max(0, index - 1));
      case "move-down":
        if (index < s.notebook.cells.length - 1) s.dispatch({ type: "move", id, index: index + 1 });
        return this.focusCell(Math.min(s.notebook.cells.length - 1, index + 1));
      case "add-below":
        return this.addCell(index + 1, "js");
      case "delete":
        s.dispatch({ type: "delete", id });
        this.toast = "Cell deleted.";
        return;
    }
  };

  private addCell(index: number, kind: string): void {
    const id = this.session.newId();
    this.session.dispatch({ type: "insert", index, cell: { id, kind, source: "", options: [], fence: kind === "md" ? null : "```" } });
    this.focusCell(index);
  }

  private undo(): void {
    const id = this.session.undoDelete();
    this.toast = this.session.canUndoDelete() ? this.toast : null;
    if (id) this.focusCell(this.session.notebook.cells.findIndex((c) => c.id === id));
  }

  private focusCell(index: number): void {
    void this.updateComplete.then(() => {
      const cells = this.querySelectorAll<WeftCell>("weft-cell");
      cells[Math.max(0, Math.min(cells.length - 1, index))]?.focusEditor();
    });
  }
}

function saveLabel(kind: string): string {
  return { saved: "Saved", dirty: "Unsaved changes", saving: "Saving…", conflict: "Conflict", error: "Not saved" }[kind] ?? kind;
}

customElements.define("weft-notebook", WeftNotebook);
