import { html, nothing } from "lit";
import { PolledElement } from "./polled-element.ts";
import { describeRule, firingFor } from "../prod/index.ts";
import { alertsRequest, listAlerts, type AlertsList } from "./alerts-client.ts";
import "./alerts-view.css";

/** How often the list refreshes while open. */
const POLL_MS = 5_000;

type Alert = AlertsList["alerts"][number];

/**
 * The alerts list: the rules with where each stands (pause, resume, delete), then the alerts,
 * firing first and then the recent, each with the calls behind it and how its webhook went.
 * Text from rules and calls is rendered as text (lit escapes it).
 */
export class WeftAlerts extends PolledElement {
  static override properties = { list: { state: true }, error: { state: true } };
  declare list: AlertsList | null;
  declare error: string | null;
  protected readonly pollMs = POLL_MS;

  constructor() {
    super();
    this.list = null;
    this.error = null;
  }

  /** Reloads the list; a failure is shown. */
  async poll(): Promise<void> {
    try {
      this.list = await listAlerts();
      this.error = null;
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  /** Pauses, resumes or deletes a rule, then reloads; a refusal is shown, not thrown. */
  private async act(id: string, action: "pause" | "resume" | "delete"): Promise<void> {
    try {
      if (action === "delete") await alertsRequest("DELETE", `/rules/${encodeURIComponent(id)}`);
      else await alertsRequest("POST", `/rules/${encodeURIComponent(id)}/${action}`);
    } catch (error) {
      this.error = (error as Error).message;
    }
    await this.poll();
  }

  protected override render() {
    const list = this.list;
    return html`<section class="alerts-view" data-testid="alerts-view">
      <h2>Alerts</h2>
      ${this.error ? html`<div class="banner error">${this.error}</div>` : nothing}
      ${list ? html`${this.rules(list)}${this.alerts(list)}` : this.error ? nothing : html`<p>loading…</p>`}
    </section>`;
  }

  private rules(list: AlertsList) {
    if (!list.rules.length) return html`<p data-testid="alert-rules">No alert rules yet: add one with <code>weft alerts add</code> or <code>POST /api/alerts/rules</code>.</p>`;
    return html`<h3>Rules</h3>
      <table class="alert-rules" data-testid="alert-rules">
        <thead><tr><th>rule</th><th>watches</th><th>status</th><th>value</th><th></th></tr></thead>
        <tbody>
          ${list.rules.map(
            ({ rule, state, error }) => html`<tr data-rule=${rule.id}>
              <td>${rule.name}</td>
              <td><code>${describeRule(rule)}</code></td>
              <td class=${`status ${rule.paused ? "paused" : state.status}`}>${rule.paused ? "paused" : state.status}${error ? html` <span class="error" title=${error}>⚠ ${error}</span>` : nothing}</td>
              <td>${value(state.value)}</td>
              <td>
                <button @click=${() => this.act(rule.id, rule.paused ? "resume" : "pause")}>${rule.paused ? "Resume" : "Pause"}</button>
                <button @click=${() => confirm(`Delete the rule "${rule.name}"?`) && this.act(rule.id, "delete")}>Delete</button>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>`;
  }

  private alerts(list: AlertsList) {
    if (!list.alerts.length) return html`<h3>Alerts</h3><p data-testid="alerts-list">Nothing has fired.</p>`;
    const now = Date.now();
    return html`<h3>Alerts <small>${list.firing} firing</small></h3>
      <ul class="alerts-list" data-testid="alerts-list">
        ${list.alerts.map((a) => this.alert(a, now))}
      </ul>`;
  }

  private alert(a: Alert, now: number) {
    return html`<li class=${`alert ${a.status}`} data-alert=${a.id}>
      <header>
        <span class="status">${a.status}</span> <strong>${a.ruleName}</strong> <code>${a.condition}</code>
        <span class="when">fired ${new Date(a.firedAt).toLocaleString()} · ${a.status === "firing" ? `for ${firingFor(a, now)}` : `resolved after ${firingFor(a, now)} (${a.reason ?? "cleared"})`}</span>
      </header>
      <div class="alert-value">value ${value(a.value)}${a.status === "firing" && a.lastValue !== a.value ? html`, now ${value(a.lastValue)}` : nothing} · ${a.count} ${a.kind === "guardrail" ? "crossing call(s)" : "calls in the window"}
        ${a.deliveries.length ? html` · webhook ${a.deliveries.map((d) => html`<span class=${`delivery ${d.status}`} title=${d.error ?? ""}>${d.type} ${d.status}${d.attempts > 1 ? ` after ${d.attempts} attempts` : ""}</span> `)}` : nothing}
      </div>
      ${a.callDetails.length
        ? html`<table class="alert-calls" data-testid="alert-calls">
            <thead><tr><th>call</th><th>op</th><th>started</th><th>status</th><th>ms</th><th>error</th></tr></thead>
            <tbody>
              ${a.callDetails.map((c) => html`<tr data-call=${c.id} class=${c.status}><td><code>${c.id}</code></td><td>${c.op}</td><td>${new Date(c.startedAt).toLocaleTimeString()}</td><td>${c.status}</td><td>${c.latencyMs ?? ""}</td><td>${c.error ?? ""}</td></tr>`)}
            </tbody>
          </table>`
        : a.calls.length
          ? html`<p>calls: ${a.calls.join(", ")}</p>`
          : nothing}
    </li>`;
  }
}

function value(v: unknown): string {
  if (v === null || v === undefined) return "—";
  return typeof v === "number" ? String(Number(v.toPrecision(4))) : JSON.stringify(v);
}

customElements.define("weft-alerts", WeftAlerts);
