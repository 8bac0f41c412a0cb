import { LitElement, html, nothing } from "lit";
import type { FineTuneRun } from "../stdlib/index.ts";
import { createCharts } from "../stdlib/charts/index.ts";
import { money } from "./money.ts";
import "./fine-tune-view.css";

/**
 * `fineTune(...)` in a cell's output: the plan (examples, epochs, tokens, cost against the
 * budget) with Approve while it waits, the job's status with Cancel while it runs, the loss
 * curves as they arrive (overfitting marked), the last events, and the tuned model once done.
 */
export class WeftFineTuneView extends LitElement {
  static override properties = { run: { attribute: false }, busy: { state: true } };
  declare run: FineTuneRun;
  declare busy: boolean;

  constructor() {
    super();
    this.busy = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override render() {
    const r = this.run;
    if (!r) return nothing;
    const p = r.plan;
    const metrics = r.metrics();
    const chart = metrics.length ? createCharts(document).training(metrics, { height: 220, width: 560 }) : nothing;
    return html`<div class="fine-tune-view" data-testid="fine-tune">
      <div>
        Fine-tuning <strong>${p.model}</strong> on ${p.provider}: ${p.examples.train} training + ${p.examples.validation} validation examples, ${p.epochs} epochs,
        ${p.trainingTokens.toLocaleString("en-US")} training tokens, ${p.cost === null ? "cost unknown (no training price)" : money(p.cost)}${p.budget !== undefined ? html` (budget ${money(p.budget)})` : nothing}
      </div>
      <div class="fine-tune-status">
        status <strong data-testid="fine-tune-status">${r.status}</strong>${r.job ? html` · job <code>${r.job.id}</code>` : nothing}
        ${r.approve ? html`<button class="fine-tune-approve" @click=${() => r.approve!()}>Approve and start</button>` : nothing}
        ${r.cancel && r.status !== "awaiting-approval" ? html`<button ?disabled=${this.busy} @click=${() => this.cancelJob()}>Cancel job</button>` : nothing}
      </div>
      ${chart}
      ${r.tuned
        ? html`<div class="fine-tune-model">Tuned model <code data-testid="tuned-model">${r.tuned.model}</code> from ${r.tuned.base}, training set ${r.tuned.trainingSet.name}@${r.tuned.trainingSet.version.slice(0, 8)}, job ${r.tuned.jobId}</div>`
        : nothing}
      ${r.checkpoints.length ? html`<div class="fine-tune-checkpoints">Checkpoints: ${r.checkpoints.map((c) => html`<code title=${c.fine_tuned_model_checkpoint}>step ${c.step_number}</code> `)}</div>` : nothing}
      ${r.events.length ? html`<ul class="fine-tune-events">${r.events.slice(-5).map((e) => html`<li>${e.message}</li>`)}</ul>` : nothing}
    </div>`;
  }

  private async cancelJob(): Promise<void> {
    this.busy = true;
    try {
      await this.run.cancel?.();
    } finally {
      this.busy = false;
    }
  }
}

customElements.define("weft-fine-tune-view", WeftFineTuneView);
