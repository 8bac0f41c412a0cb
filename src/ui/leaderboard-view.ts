import { LitElement, html, nothing } from "lit";
import type { CompareValue, LeaderboardValue } from "../stdlib/index.ts";
import "./compare-view.ts";

/** A sortable leaderboard: variants × metrics with their direction; clicking a variant compares it with the leader. */
export class WeftLeaderboardView extends LitElement {
  static override properties = { value: { attribute: false }, sort: { state: true }, opened: { state: true } };
  declare value: LeaderboardValue;
  declare sort: { metric: string; ascending: boolean } | null;
  declare opened: CompareValue | null;

  constructor() {
    super();
    this.sort = null;
    this.opened = null;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override render() {
    const v = this.value;
    if (!v) return nothing;
    const metrics = Object.keys(v.metrics);
    const entries = [...v.entries];
    if (this.sort) {
      const { metric, ascending } = this.sort;
      entries.sort((x, y) => (x.metrics[metric]!.mean - y.metrics[metric]!.mean) * (ascending ? 1 : -1));
    }
    const leader = v.entries[0];
    // "best" marks variants no other beats with significance; when none stands out, none is marked.
    const allBest = (m: string) => v.entries.every((e) => e.metrics[m]!.best);
    const name = (e: (typeof entries)[number]) => Object.values(e.group).map(String).join(" · ");
    return html`<div class="leaderboard" data-testid="leaderboard">
      <table>
        <thead><tr><th>#</th><th>${v.by}</th><th>n</th>
          ${metrics.map((m) => html`<th><button class="sort" @click=${() => (this.sort = { metric: m, ascending: this.sort?.metric === m ? !this.sort.ascending : v.metrics[m] === "min" })}>${m} ${v.metrics[m] === "max" ? "↑" : "↓"}${this.sort?.metric === m ? (this.sort.ascending ? " ▲" : " ▼") : ""}</button></th>`)}
        </tr></thead>
        <tbody>
          ${entries.map(
            (e) => html`<tr class="clickable" title=${leader && e !== leader ? `compare with ${name(leader)}` : "the leader"} @click=${() => this.open(e.group[v.by])}>
              <td>${e.rank}</td><td>${name(e)}</td><td>${e.n}</td>
              ${metrics.map((m) => {
                const s = e.metrics[m]!;
                return html`<td class=${s.best && !allBest(m) ? "best" : ""} title=${s.best ? (allBest(m) ? "no variant is better with significance" : "best (no variant is better with significance)") : ""}>${Number.isFinite(s.mean) ? s.mean.toFixed(3) : "–"} <span class="muted">± ${Number.isFinite(s.ciHigh - s.mean) ? (s.ciHigh - s.mean).toFixed(3) : "–"}</span></td>`;
              })}
            </tr>`,
          )}
        </tbody>
      </table>
      ${this.opened ? html`<weft-compare-view .value=${this.opened}></weft-compare-view>` : nothing}
    </div>`;
  }

  private open(variant: unknown): void {
    const leader = this.value.entries[0]?.group[this.value.by];
    const other = variant === leader ? this.value.entries[1]?.group[this.value.by] : variant;
    if (other === undefined || leader === undefined) return;
    this.opened = this.value.compare(leader, other);
  }
}

customElements.define("weft-leaderboard-view", WeftLeaderboardView);
