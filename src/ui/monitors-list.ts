import { html, nothing } from "lit";
import { ActionList } from "./action-list.ts";
import { httpCallsBackend, type MonitorInfo, type MonitorsClient } from "../prod/index.ts";
import "./rules-list.css";

/**
 * The collector's monitors, small: each one's op, filter, sample, state and live counters
 * (scored, errors, already scored, queued, waiting for budget, spent today), with pause/resume
 * and delete. Refreshed while on the page.
 */
export class WeftMonitorsList extends ActionList<MonitorInfo> {
  monitors: MonitorsClient = httpCallsBackend((input, init) => fetch(input, init)).monitors!;

  protected load(): Promise<MonitorInfo[]> {
    return this.monitors.list();
  }

  protected override render() {
    const n = (m: MonitorInfo, k: string) => Number(m.status[k] ?? 0);
    return html`<div class="rules-list" data-testid="monitors-list">
      ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
      ${this.list.length
        ? html`<table>
            <thead><tr><th>monitor</th><th>op</th><th>filter</th><th>sample</th><th>state</th><th class="num">scored</th><th class="num">errors</th><th class="num">cached</th><th class="num">queued</th><th>budget</th><th></th></tr></thead>
            <tbody>${this.list.map((m) => html`<tr data-monitor=${m.name}>
              <td>${m.name}</td><td><code>${m.op.name}:${m.op.version.slice(0, 8)}</code></td><td><code>${JSON.stringify(m.filter)}</code></td><td>${m.sample}</td>
              <td class=${m.status.broken ? "error" : ""} title=${String(m.status.broken ?? "")}>${m.status.broken ? "broken" : m.enabled ? "running" : "paused"}</td>
              <td class="num">${n(m, "ran")}</td>
              <td class="num ${n(m, "errors") ? "error" : ""}" title=${String(m.status.lastError ?? "")}>${n(m, "errors")}</td>
              <td class="num">${n(m, "cached")}</td>
              <td class="num">${n(m, "queued")}${n(m, "overBudget") ? html` (+${n(m, "overBudget")} over budget)` : nothing}${n(m, "dropped") ? html` (${n(m, "dropped")} dropped)` : nothing}</td>
              <td>$${n(m, "spent").toFixed(4)}${m.budgetPerDay === null ? "" : ` of $${m.budgetPerDay}`} today</td>
              <td>
                <button @click=${() => this.act(() => (m.enabled ? this.monitors.pause(m.name) : this.monitors.resume(m.name)))}>${m.enabled ? "Pause" : "Resume"}</button>
                <button aria-label=${`delete monitor ${m.name}`} @click=${() => this.act(() => this.monitors.delete(m.name))}>Delete</button>
              </td>
            </tr>`)}</tbody>
          </table>`
        : html`<p class="muted">No monitors. In a notebook: <code>calls({...}).monitor(name, op)</code>, then Enable.</p>`}
    </div>`;
  }
}

customElements.define("weft-monitors-list", WeftMonitorsList);
