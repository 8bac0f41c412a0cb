import { LitElement, html, nothing } from "lit";
import { money } from "./money.ts";
import type { MonitorDraft, MonitorInfo, MonitorPlan } from "../prod/index.ts";
import "./monitor-view.css";

/** How often the view refreshes a running monitor's status. */
const POLL_MS = 2_000;

/** Dollars, or "unknown" when a cost cannot be estimated. */
const dollars = (x: number | null): string => (x === null ? "unknown" : money(x));

/**
 * A monitor in a cell's output: what it runs on which calls, the cost of a day before it is
 * enabled, an Enable button (the one click that makes the computation permanent), and once
 * running, its live counters.
 */
export class WeftMonitorView extends LitElement {
  static override properties = { draft: { attribute: false }, plan: { state: true }, info: { state: true }, error: { state: true }, busy: { state: true } };
  declare draft: MonitorDraft;
  declare plan: MonitorPlan | null;
  declare info: MonitorInfo | null;
  declare error: string | null;
  declare busy: boolean;
  private timer: ReturnType<typeof setInterval> | null = null;
  private loaded: MonitorDraft | null = null;

  constructor() {
    super();
    this.plan = null;
    this.info = null;
    this.error = null;
    this.busy = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = setInterval(() => void this.refresh(), POLL_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  protected override willUpdate(): void {
    if (this.draft && this.loaded !== this.draft) {
      this.loaded = this.draft;
      this.plan = null;
      this.info = null;
      this.error = null;
      void this.draft.plan().then((p) => (this.plan = p), (e: Error) => (this.error = e.message));
      void this.refresh();
    }
  }

  private async refresh(): Promise<void> {
    if (!this.draft) return;
    try {
      this.info = (await this.draft.status()) ?? null;
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  private async enable(): Promise<void> {
    this.busy = true;
    try {
      this.info = await this.draft.enable();
      this.error = null;
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.busy = false;
    }
  }

  protected override render() {
    const d = this.draft;
    if (!d) return nothing;
    const s = this.info?.status as Record<string, number | string | null> | undefined;
    const running = !!this.info?.enabled;
    return html`<div class="monitor-view" data-testid="monitor">
      <div class="monitor-head"><strong>monitor ${d.name}</strong> runs <code>${d.ref}</code> on <code>${JSON.stringify(d.filter)}</code>${d.spec.sample !== undefined ? html` · sample ${Math.round(Number(d.spec.sample) * 100)}%` : nothing}${d.spec.budgetPerDay !== undefined && d.spec.budgetPerDay !== null ? html` · budget ${dollars(Number(d.spec.budgetPerDay))}/day` : nothing}</div>
      ${this.plan
        ? html`<div class="monitor-plan" data-testid="monitor-plan">a day at the last 24 hours' rate: ${this.plan.matching} calls, ${this.plan.sampled} scored, ${this.plan.tokens ?? "?"} tokens, ${dollars(this.plan.cost)}${this.plan.overBudget ? html` <span class="warn">over the budget</span>` : nothing}</div>`
        : this.error ? nothing : html`<div class="monitor-plan">planning…</div>`}
      ${running && s
        ? html`<div class="monitor-status" data-testid="monitor-status">running in the collector: ${s.ran} scored · ${s.errors} errors · ${s.cached} already scored · ${s.queued} queued${Number(s.overBudget) ? html` · ${s.overBudget} waiting for budget` : nothing} · ${dollars(Number(s.spent))} today${s.broken ? html` · <span class="warn">${s.broken}</span>` : nothing}</div>`
        : html`<button class="monitor-enable" ?disabled=${this.busy || !this.plan} @click=${() => void this.enable()}>${this.info ? "Resume monitor" : "Enable monitor"}${this.plan ? ` (${dollars(this.plan.cost)}/day)` : ""}</button>`}
      ${this.error ? html`<div class="weft-error" role="alert">${this.error}</div>` : nothing}
    </div>`;
  }
}

customElements.define("weft-monitor-view", WeftMonitorView);
