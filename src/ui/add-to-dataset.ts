import { LitElement, html, nothing } from "lit";
import type { Call } from "../base/index.ts";
import { DEFAULT_DEDUPE_KEY, feedbackByName, httpRulesClient, pathSteps, valueAt, type CallsBackend, type DatasetInfo, type RulesClient } from "../prod/index.ts";
import type { CallFilter } from "../store/index.ts";
import "./add-to-dataset.css";

/** Rows the preview shows. */
const PREVIEW = 5;

/** The event the dialog sends when it closes (saved or cancelled). */
export const DIALOG_CLOSED = "weft-dialog-closed";

interface ColumnEntry {
  readonly column: string;
  readonly path: string;
}

/** A mapping suggested from a call: the last message and the reply of a chat, else the inputs and the output. */
export function suggestedColumns(call: Call | undefined): ColumnEntry[] {
  const inputs = call?.inputs as { messages?: unknown } | null | undefined;
  const output = call?.output as { content?: unknown } | null | undefined;
  return [
    { column: "question", path: Array.isArray(inputs?.messages) ? "inputs.messages[-1].content" : "inputs" },
    { column: "answer", path: output && typeof output === "object" && "content" in output ? "output.content" : "output" },
  ];
}

/** One cell of the preview: the value at a path, or why there is none. */
type PreviewCell = { readonly value: unknown } | { readonly error: string };

/**
 * "Add to dataset": the selected calls become rows of a stored dataset. Choose or enter the
 * dataset, map columns (a path per column, suggested from the first call, or the mapping of the
 * dataset's latest version), see the first rows live with errors per path, save a new version
 * with a message, and optionally save the same mapping with the view's filter as a curation rule.
 */
export class WeftAddToDataset extends LitElement {
  static override properties = {
    calls: { attribute: false },
    filter: { attribute: false },
    name: { state: true },
    columns: { state: true },
    message: { state: true },
    dedupeKey: { state: true },
    asRule: { state: true },
    ruleName: { state: true },
    sample: { state: true },
    existing: { state: true },
    feedback: { state: true },
    result: { state: true },
    error: { state: true },
    saving: { state: true },
  };
  declare calls: Call[];
  declare filter: CallFilter;
  declare name: string;
  declare columns: ColumnEntry[];
  declare message: string;
  declare dedupeKey: string;
  declare asRule: boolean;
  declare ruleName: string;
  declare sample: string;
  declare existing: DatasetInfo[];
  declare feedback: Map<string, Record<string, unknown>>;
  declare result: string | null;
  declare error: string | null;
  declare saving: boolean;
  backend!: CallsBackend;
  rules: RulesClient = httpRulesClient((input, init) => fetch(input, init));

  constructor() {
    super();
    this.calls = [];
    this.filter = {};
    this.name = "";
    this.columns = [];
    this.message = "";
    this.dedupeKey = DEFAULT_DEDUPE_KEY;
    this.asRule = false;
    this.ruleName = "";
    this.sample = "1";
    this.existing = [];
    this.feedback = new Map();
    this.result = null;
    this.error = null;
    this.saving = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.columns.length) this.columns = suggestedColumns(this.calls[0]);
    void this.load();
  }

  /** Loads the stored datasets (for the name list) and the preview calls' feedback (for feedback.NAME paths). */
  private async load(): Promise<void> {
    try {
      const shown = this.calls.slice(0, PREVIEW).map((c) => c.id);
      const [existing, feedback] = await Promise.all([this.backend.datasets?.list() ?? [], this.backend.feedback?.(shown) ?? []]);
      this.existing = existing;
      this.feedback = feedbackByName(shown, feedback);
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  /** Choosing a stored dataset takes the mapping of its latest version. */
  private chooseName(name: string): void {
    this.name = name;
    const known = this.existing.find((d) => d.name === name);
    if (known?.latest.columns) {
      this.columns = Object.entries(known.latest.columns).map(([column, path]) => ({ column, path }));
      this.dedupeKey = known.latest.dedupeKey;
    }
    if (!this.ruleName) this.ruleName = name ? `${name}-rule` : "";
  }

  private setColumn(i: number, entry: Partial<ColumnEntry>): void {
    this.columns = this.columns.map((c, j) => (j === i ? { ...c, ...entry } : c));
  }

  /** The path's syntax error, if any. */
  private pathError(path: string): string | null {
    try {
      pathSteps(path);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }

  private cell(call: Call, path: string): PreviewCell {
    if (this.pathError(path)) return { error: "invalid path" };
    const value = valueAt(call, this.feedback.get(call.id) ?? {}, pathSteps(path));
    return value === undefined ? { error: `${path} does not exist on call ${call.id}` } : { value };
  }

  private mapping(): Record<string, string> {
    return Object.fromEntries(this.columns.filter((c) => c.column.trim()).map((c) => [c.column.trim(), c.path.trim()]));
  }

  /** Saves a new version (the server maps the calls with the same mapping), then the rule when asked. */
  private async save(): Promise<void> {
    if (!this.backend.datasets) return void (this.error = "this server keeps no datasets");
    this.saving = true;
    this.error = null;
    try {
      const columns = this.mapping();
      const saved = await this.backend.datasets.save(this.name.trim(), { calls: { filter: { ids: this.calls.map((c) => c.id) } }, columns, message: this.message || `${this.calls.length} calls from the Traces view`, dedupeKey: this.dedupeKey, author: localStorage.getItem("weft.author") || "editor" });
      let note = saved.note;
      if (this.asRule) {
        const rule = await this.rules.add({ name: this.ruleName.trim(), dataset: this.name.trim(), filter: this.filter, columns, dedupeKey: this.dedupeKey, sample: Number(this.sample) });
        note += `; rule ${rule.name} adds matching calls as they arrive`;
      }
      this.result = note;
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.saving = false;
    }
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent(DIALOG_CLOSED, { detail: { result: this.result }, bubbles: true, composed: true }));
  }

  protected override render() {
    const shown = this.calls.slice(0, PREVIEW);
    const mapped = this.columns.filter((c) => c.column.trim());
    const invalid = this.columns.some((c) => !c.column.trim() || this.pathError(c.path));
    return html`<div class="dialog-backdrop">
      <section class="dialog add-to-dataset" role="dialog" aria-modal="true" aria-label="Add to dataset" data-testid="add-to-dataset">
        <header><strong>Add ${this.calls.length} call${this.calls.length === 1 ? "" : "s"} to a dataset</strong> <button aria-label="close" @click=${() => this.close()}>✕</button></header>
        <label class="field">dataset <input aria-label="dataset name" list="weft-datasets" placeholder="e.g. support-golden" .value=${this.name} @input=${(e: Event) => this.chooseName((e.target as HTMLInputElement).value)} /></label>
        <datalist id="weft-datasets">${this.existing.map((d) => html`<option value=${d.name}>${d.latest.count} rows, version ${d.latest.n}</option>`)}</datalist>
        <table class="mapping" aria-label="column mapping">
          <thead><tr><th>column</th><th>path</th><th></th></tr></thead>
          <tbody>${this.columns.map((c, i) => {
            const err = this.pathError(c.path);
            return html`<tr>
              <td><input aria-label=${`column ${i + 1} name`} .value=${c.column} @input=${(e: Event) => this.setColumn(i, { column: (e.target as HTMLInputElement).value })} /></td>
              <td><input class="path" aria-label=${`column ${i + 1} path`} .value=${c.path} @input=${(e: Event) => this.setColumn(i, { path: (e.target as HTMLInputElement).value })} />
                ${err ? html`<div class="path-error" role="alert">${err}</div>` : nothing}</td>
              <td><button aria-label=${`remove column ${c.column}`} @click=${() => (this.columns = this.columns.filter((_, j) => j !== i))}>−</button></td>
            </tr>`;
          })}</tbody>
        </table>
        <button @click=${() => (this.columns = [...this.columns, { column: `column${this.columns.length + 1}`, path: "output" }])}>+ column</button>
        <h4>Preview <span class="muted">(first ${shown.length} of ${this.calls.length})</span></h4>
        <table class="preview" data-testid="dataset-preview">
          <thead><tr>${mapped.map((c) => html`<th>${c.column}</th>`)}<th>source_call</th></tr></thead>
          <tbody>${shown.map((call) => html`<tr>${mapped.map((c) => {
            const v = this.cell(call, c.path);
            return "error" in v ? html`<td class="error" title=${v.error}>${v.error}</td>` : html`<td class="clip">${typeof v.value === "string" ? v.value : JSON.stringify(v.value)}</td>`;
          })}<td class="muted">${call.id}</td></tr>`)}</tbody>
        </table>
        <label class="field">commit message <input aria-label="commit message" placeholder=${`${this.calls.length} calls from the Traces view`} .value=${this.message} @input=${(e: Event) => (this.message = (e.target as HTMLInputElement).value)} /></label>
        <label class="field">identify rows by <select aria-label="dedupe key" @change=${(e: Event) => (this.dedupeKey = (e.target as HTMLSelectElement).value)}>
          ${[DEFAULT_DEDUPE_KEY, ...mapped.map((c) => c.column)].map((k) => html`<option ?selected=${k === this.dedupeKey} value=${k}>${k}</option>`)}
        </select></label>
        <label class="field"><input type="checkbox" aria-label="save as a rule" .checked=${this.asRule} @change=${(e: Event) => (this.asRule = (e.target as HTMLInputElement).checked)} /> also save as a rule: calls matching the current filter go to this dataset as they arrive</label>
        ${this.asRule
          ? html`<div class="rule-fields"><label class="field">rule name <input aria-label="rule name" .value=${this.ruleName} @input=${(e: Event) => (this.ruleName = (e.target as HTMLInputElement).value)} /></label>
              <label class="field">sample <input aria-label="sample rate" type="number" min="0.01" max="1" step="0.01" .value=${this.sample} @input=${(e: Event) => (this.sample = (e.target as HTMLInputElement).value)} /></label>
              <code class="muted">${JSON.stringify(this.filter)}</code></div>`
          : nothing}
        ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
        ${this.result ? html`<div class="banner saved" role="status" data-testid="dataset-saved">${this.result}</div>` : nothing}
        <footer>
          <button class="primary" ?disabled=${this.saving || invalid || !this.name.trim() || !mapped.length} @click=${() => this.save()}>${this.saving ? "Saving…" : "Save version"}</button>
          <button @click=${() => this.close()}>${this.result ? "Done" : "Cancel"}</button>
        </footer>
      </section>
    </div>`;
  }
}

customElements.define("weft-add-to-dataset", WeftAddToDataset);
