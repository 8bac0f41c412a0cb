import { LitElement, html, nothing } from "lit";
import { consistency, parseDraft, wordDiff, type WordDiffPart, type DraftMessage, type Playground, type PlaygroundAnswer, type PlaygroundDraft, type PlaygroundEstimate } from "../eval/index.ts";
import { OPEN_IN_NOTEBOOK } from "./notebook-events.ts";
import { money } from "./money.ts";
import "./playground-view.css";

/** The event a playground raises (bubbling) to replace its own cell's source: the notebook edits and runs that cell. */
export const SET_CELL_SOURCE = "weft-set-cell-source";

const ROLES: readonly DraftMessage["role"][] = ["system", "user", "assistant", "tool"];

/**
 * A playground in a cell's output: the draft as a form (messages, models, parameters) or as
 * text, runs N times on several models side by side with their answers streaming in and a word
 * diff against the original call's answer, the estimate before anything is spent, and the way
 * back into the notebook: keep the edits in the cell, or run the draft over a dataset.
 */
export class WeftPlayground extends LitElement {
  static override properties = {
    playground: { attribute: false },
    draft: { state: true },
    chosen: { state: true },
    runs: { state: true },
    answers: { state: true },
    estimate: { state: true },
    error: { state: true },
    textMode: { state: true },
    text: { state: true },
    running: { state: true },
    datasetName: { state: true },
    scorersExpr: { state: true },
    promptName: { state: true },
    label: { state: true },
    saved: { state: true },
    history: { state: true },
  };
  declare playground: Playground;
  declare draft: PlaygroundDraft;
  declare chosen: string[];
  declare runs: number;
  declare answers: readonly PlaygroundAnswer[];
  declare estimate: PlaygroundEstimate | null;
  declare error: string | null;
  declare textMode: boolean;
  declare text: string;
  declare running: boolean;
  declare datasetName: string;
  declare scorersExpr: string;
  declare promptName: string;
  declare label: string;
  declare saved: { readonly name: string; readonly version: number | null; readonly ref: string } | null;
  declare history: { versions: string; diff: readonly { readonly index: number; readonly change: string; readonly parts: readonly WordDiffPart[] }[] | null; moves: readonly string[] } | null;
  private loaded: Playground | null = null;
  private abort: AbortController | null = null;
  private estimating = 0;

  constructor() {
    super();
    this.chosen = [];
    this.runs = 1;
    this.answers = [];
    this.estimate = null;
    this.error = null;
    this.textMode = false;
    this.text = "";
    this.running = false;
    this.datasetName = "";
    this.scorersExpr = "{}";
    this.promptName = "";
    this.label = "production";
    this.saved = null;
    this.history = null;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Removed from the page for good (not moved): stop what it was running.
    queueMicrotask(() => {
      if (!this.isConnected) this.abort?.abort();
    });
  }

  protected override willUpdate(): void {
    if (this.playground && this.loaded !== this.playground) {
      this.loaded = this.playground;
      this.draft = this.playground.draft;
      const models = this.playground.models();
      this.chosen = this.draft.models.length ? [...this.draft.models] : models.slice(0, 1);
      this.answers = [];
      this.error = null;
      this.promptName = this.draft.original?.prompt ?? "playground-draft";
      this.saved = null;
      this.history = null;
      void this.reestimate();
    }
  }

  private setDraft(draft: PlaygroundDraft): void {
    this.draft = draft;
    void this.reestimate();
  }

  private async reestimate(): Promise<void> {
    const ticket = ++this.estimating;
    try {
      const e = await this.playground.estimate(this.draft, this.chosen, this.runs);
      if (ticket === this.estimating) this.estimate = e;
    } catch (error) {
      if (ticket === this.estimating) this.estimate = { calls: this.chosen.length * this.runs, inputTokens: 0, outputTokens: 0, cost: null, unavailable: (error as Error).message };
    }
  }

  private async run(): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    this.running = true;
    this.error = null;
    try {
      await this.playground.run(this.draft, this.chosen, this.runs, { signal: abort.signal, onChange: (answers) => (this.answers = answers.map((a) => ({ ...a }))) });
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      if (this.abort === abort) this.running = false;
    }
  }

  private message(i: number, patch: Partial<DraftMessage>): void {
    this.setDraft({ ...this.draft, messages: this.draft.messages.map((m, j) => (j === i ? { ...m, ...patch } : m)) });
  }

  private param(key: "temperature" | "max_tokens" | "seed", raw: string): void {
    const params = { ...this.draft.params } as Record<string, unknown>;
    if (raw.trim() === "") delete params[key];
    else if (Number.isFinite(Number(raw))) params[key] = Number(raw);
    else return void (this.error = `${key} must be a number`);
    this.error = null;
    this.setDraft({ ...this.draft, params });
  }

  private applyText(): void {
    try {
      this.setDraft(parseDraft(JSON.parse(this.text), "the draft"));
      this.chosen = this.draft.models.length ? [...this.draft.models] : this.chosen;
      this.textMode = false;
      this.error = null;
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  /** The draft as the cell keeps it (the models chosen here replace the draft's). */
  private current(): PlaygroundDraft {
    return { ...this.draft, models: [...this.chosen] };
  }

  private keepInCell(): void {
    this.dispatchEvent(new CustomEvent(SET_CELL_SOURCE, { detail: { source: this.playground.source(this.current()) }, bubbles: true, composed: true }));
  }

  /** Saves the draft as a version of the prompt (its first chosen model), then shows the prompt's versions, labels and what changed. */
  private async save(): Promise<void> {
    try {
      const saved = await this.playground.saveVersion(this.current(), this.promptName.trim(), this.chosen[0] ?? null);
      this.saved = saved;
      this.error = null;
      const prompts = this.playground.prompts!;
      const h = await prompts.history(saved.name);
      const diff = saved.version !== null && saved.version > 1 ? (await prompts.diff(saved.name, saved.version - 1, saved.version)).messages : null;
      this.history = {
        versions: `${h.versions.length} version${h.versions.length === 1 ? "" : "s"}${Object.keys(h.labels).length ? ` · ${Object.entries(h.labels).map(([l, v]) => `${l} → v${v}`).join(", ")}` : " · no labels yet"}`,
        diff,
        moves: h.moves.slice(-3).map((m) => `${m.label}: ${m.from === null ? "new" : `v${m.from}`} → v${m.to} by ${m.author}, ${new Date(m.at).toLocaleString()}`),
      };
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  /** Adds the cells that promote the saved version with evidence: the evaluation against the labelled version, the compare, and the button that moves the label. */
  private promote(): void {
    try {
      if (!this.saved || this.saved.version === null) throw new Error("save the draft as a prompt version first");
      const sources = this.playground.promotionSources({ name: this.saved.name, version: this.saved.version, label: this.label.trim(), dataset: this.datasetName.trim(), scorers: this.scorersExpr.trim(), models: this.chosen });
      this.error = null;
      for (const source of sources) this.dispatchEvent(new CustomEvent(OPEN_IN_NOTEBOOK, { detail: { source }, bubbles: true, composed: true }));
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private addEvaluation(): void {
    try {
      const source = this.playground.evaluationSource(this.current(), { dataset: this.datasetName.trim(), scorers: this.scorersExpr.trim(), models: this.chosen });
      this.error = null;
      this.dispatchEvent(new CustomEvent(OPEN_IN_NOTEBOOK, { detail: { source }, bubbles: true, composed: true }));
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  protected override render() {
    if (!this.playground || !this.draft) return nothing;
    const d = this.draft;
    const original = d.original;
    const e = this.estimate;
    const blocked = e?.unavailable ?? (this.chosen.length ? null : "choose at least one model");
    const cost = e ? (e.cost === null ? "cost unknown" : `est. ${money(e.cost)}`) : "estimating…";
    return html`<div class="playground" data-testid="playground">
      <header class="playground-head">
        <strong>Playground</strong>
        ${original?.call ? html`<span class="muted">from call <code>${original.call.slice(0, 8)}</code>${original.model ? html` on ${original.model}` : nothing}</span>` : nothing}
        <span class="spacer"></span>
        <button @click=${() => ((this.textMode = !this.textMode), (this.text = JSON.stringify(this.current(), null, 2)))}>${this.textMode ? "Edit as a form" : "Edit as text"}</button>
      </header>
      ${this.textMode
        ? html`<textarea class="playground-text" aria-label="draft as JSON" rows="14" .value=${this.text} @input=${(ev: Event) => (this.text = (ev.target as HTMLTextAreaElement).value)}></textarea>
            <button @click=${() => this.applyText()}>Apply</button>`
        : html`
          <div class="playground-models" role="group" aria-label="models">
            ${this.playground.models().map((m) => html`<label><input type="checkbox" .checked=${this.chosen.includes(m)} @change=${(ev: Event) => {
              this.chosen = (ev.target as HTMLInputElement).checked ? [...this.chosen, m] : this.chosen.filter((x) => x !== m);
              void this.reestimate();
            }} /> ${m}</label>`)}
          </div>
          <div class="playground-params">
            ${(["temperature", "max_tokens", "seed"] as const).map((k) => html`<label>${k} <input type="number" step=${k === "temperature" ? "0.1" : "1"} aria-label=${k} .value=${d.params[k] === undefined ? "" : String(d.params[k])} @change=${(ev: Event) => this.param(k, (ev.target as HTMLInputElement).value)} /></label>`)}
          </div>
          <ol class="playground-messages">
            ${d.messages.map((m, i) => html`<li>
              <select aria-label="role of message ${i + 1}" .value=${m.role} @change=${(ev: Event) => this.message(i, { role: (ev.target as HTMLSelectElement).value as DraftMessage["role"] })}>
                ${ROLES.map((r) => html`<option value=${r} ?selected=${r === m.role}>${r}</option>`)}
              </select>
              <textarea aria-label="message ${i + 1}" rows=${Math.min(8, Math.max(2, m.content.split("\n").length))} .value=${m.content} @input=${(ev: Event) => this.message(i, { content: (ev.target as HTMLTextAreaElement).value })}></textarea>
              <button aria-label="remove message ${i + 1}" title="remove" ?disabled=${d.messages.length === 1} @click=${() => this.setDraft({ ...d, messages: d.messages.filter((_, j) => j !== i) })}>✕</button>
            </li>`)}
          </ol>
          <button @click=${() => this.setDraft({ ...d, messages: [...d.messages, { role: "user", content: "" }] })}>+ message</button>
          ${d.tools?.length ? html`<details class="muted"><summary>${d.tools.length} tools (kept with the draft; the LLM layer sends messages only)</summary><pre>${JSON.stringify(d.tools, null, 2)}</pre></details>` : nothing}`}
      ${original?.output !== undefined ? html`<div class="playground-original"><span class="muted">original answer</span><pre>${original.output}</pre></div>` : nothing}
      <div class="playground-run">
        <label>runs per model <input type="number" min="1" max="20" aria-label="runs per model" .value=${String(this.runs)} @change=${(ev: Event) => {
          this.runs = Math.max(1, Math.min(20, Math.round(Number((ev.target as HTMLInputElement).value)) || 1));
          void this.reestimate();
        }} /></label>
        ${this.running
          ? html`<button @click=${() => this.abort?.abort()}>Stop</button>`
          : html`<button class="playground-go" ?disabled=${!!blocked} @click=${() => void this.run()}>Run ${e ? `${e.calls} call${e.calls === 1 ? "" : "s"}` : ""} (${cost})</button>`}
        ${blocked ? html`<span class="status-error" role="alert">${blocked}</span>` : nothing}
      </div>
      ${this.error ? html`<div class="weft-error" role="alert">${this.error}</div>` : nothing}
      ${this.answers.length ? this.results() : nothing}
      <div class="playground-actions">
        <button @click=${() => this.keepInCell()} title="write this draft into the cell's source">Keep edits in the cell</button>
        <span class="muted">Run on a dataset:</span>
        <input aria-label="dataset name" placeholder="dataset (a name in this notebook)" .value=${this.datasetName} @input=${(ev: Event) => (this.datasetName = (ev.target as HTMLInputElement).value)} />
        <input aria-label="scorers" placeholder="{correct: scorers.exactMatch({expected: 'label'})}" .value=${this.scorersExpr} @input=${(ev: Event) => (this.scorersExpr = (ev.target as HTMLInputElement).value)} />
        <button @click=${() => this.addEvaluation()}>Add evaluation cell</button>
      </div>
      ${this.playground.prompts
        ? html`<div class="playground-actions playground-prompt">
            <span class="muted">Prompt:</span>
            <input aria-label="prompt name" .value=${this.promptName} @input=${(ev: Event) => (this.promptName = (ev.target as HTMLInputElement).value)} />
            <button @click=${() => void this.save()}>Save as prompt version</button>
            ${this.saved ? html`<span data-testid="prompt-saved">saved <code>${this.saved.ref}</code></span>
                <input aria-label="label" .value=${this.label} @input=${(ev: Event) => (this.label = (ev.target as HTMLInputElement).value)} />
                <button title="adds an evaluation against the labelled version, the compare view, and the button that moves the label" @click=${() => this.promote()}>Promote…</button>` : nothing}
          </div>
          ${this.history
            ? html`<div class="playground-history" data-testid="prompt-history"><span class="muted">${this.history.versions}</span>
                ${this.history.moves.map((m) => html`<div class="muted">${m}</div>`)}
                ${this.history.diff
                  ? this.history.diff.filter((m) => m.change !== "same").map((m) => html`<div class="diff">message ${m.index + 1} (${m.change}): ${m.parts.map((p) => (p.kind === "added" ? html`<ins>${p.text}</ins>` : p.kind === "removed" ? html`<del>${p.text}</del>` : html`<span>${p.text}</span>`))}</div>`)
                  : nothing}
              </div>`
            : nothing}`
        : nothing}
    </div>`;
  }

  private results() {
    const original = this.draft.original?.output;
    const byModel = new Map<string, PlaygroundAnswer[]>();
    for (const a of this.answers) byModel.set(a.model, [...(byModel.get(a.model) ?? []), a]);
    return html`<div class="playground-results" data-testid="playground-results">
      ${[...byModel].map(([model, answers]) => {
        const done = answers.filter((a) => a.done && !a.error).map((a) => a.text);
        const c = consistency(done);
        return html`<section class="playground-model" data-model=${model}>
          <h4>${model} ${done.length > 1 ? html`<span class="muted">${done.length} answers · ${c.distinct} distinct · ${Math.round(c.agreement * 100)}% agree</span>` : nothing}</h4>
          ${answers.map((a) => html`<div class="playground-answer" data-testid="playground-answer" data-done=${a.done ? "true" : "false"}>
            <div class="muted">run ${a.trial + 1}${a.ms !== null ? ` · ${Math.round(a.ms)} ms` : a.done ? "" : " · streaming…"}</div>
            ${a.error ? html`<div class="weft-error">${a.error}</div>` : html`<pre>${a.text}</pre>`}
            ${original !== undefined && a.done && !a.error
              ? html`<div class="diff" title="word diff against the original answer">${wordDiff(original, a.text).map((p) => (p.kind === "added" ? html`<ins>${p.text}</ins>` : p.kind === "removed" ? html`<del>${p.text}</del>` : html`<span>${p.text}</span>`))}</div>`
              : nothing}
          </div>`)}
        </section>`;
      })}
    </div>`;
  }
}

customElements.define("weft-playground", WeftPlayground);
