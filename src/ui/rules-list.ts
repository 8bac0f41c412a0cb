import { html, nothing } from "lit";
import { ActionList } from "./action-list.ts";
import { httpRulesClient, type CurationRule, type RulesClient } from "../prod/index.ts";
import "./rules-list.css";

/**
 * The curation rules, small: each rule's dataset, filter, state, rows added and last mapping
 * error, with pause/resume and delete. Refreshed while its panel is open and after each action.
 */
export class WeftRulesList extends ActionList<CurationRule> {
  rules: RulesClient = httpRulesClient((input, init) => fetch(input, init));

  protected load(): Promise<CurationRule[]> {
    return this.rules.list();
  }

  protected override render() {
    return html`<div class="rules-list" data-testid="rules-list">
      ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
      ${this.list.length
        ? html`<table>
            <thead><tr><th>rule</th><th>dataset</th><th>filter</th><th>sample</th><th>state</th><th class="num">added</th><th>errors</th><th></th></tr></thead>
            <tbody>${this.list.map((r) => html`<tr data-rule=${r.name}>
              <td>${r.name}</td><td>${r.dataset}</td><td><code>${JSON.stringify(r.filter)}</code></td><td>${r.sample}</td>
              <td>${r.paused ? "paused" : "active"}</td><td class="num">${r.added}</td>
              <td class=${r.errors ? "error" : ""} title=${r.lastError ? `${r.lastError.message} (${new Date(r.lastError.at).toLocaleString()})` : ""}>${r.errors ? `${r.errors}: ${r.lastError?.message ?? ""}` : "0"}</td>
              <td>
                <button @click=${() => this.act(() => (r.paused ? this.rules.resume(r.name) : this.rules.pause(r.name)))}>${r.paused ? "Resume" : "Pause"}</button>
                <button aria-label=${`delete rule ${r.name}`} @click=${() => this.act(() => this.rules.remove(r.name))}>Delete</button>
              </td>
            </tr>`)}</tbody>
          </table>`
        : html`<p class="muted">No curation rules. Select calls and "Add to dataset", then "also save as a rule"; or <code>weft rules add</code>.</p>`}
    </div>`;
  }
}

customElements.define("weft-rules-list", WeftRulesList);
