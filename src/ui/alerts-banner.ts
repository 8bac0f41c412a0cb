import { html, nothing } from "lit";
import { PolledElement } from "./polled-element.ts";
import { listAlerts, type AlertsList } from "./alerts-client.ts";

/** How often the banner asks whether an alert fires. */
const POLL_MS = 5_000;

/** The event the banner sends to show the alerts list. */
export const SHOW_ALERTS = "weft-show-alerts";

/**
 * A banner across the app while an alert fires: how many, which rules; clicking it opens the
 * alerts list. It polls `GET /api/alerts` on a bounded interval, and stays silent when the
 * server keeps no alerts (no collector, or a store without them).
 */
export class WeftAlertsBanner extends PolledElement {
  static override properties = { list: { state: true } };
  declare list: AlertsList | null;
  protected readonly pollMs = POLL_MS;

  constructor() {
    super();
    this.list = null;
  }

  /** Asks whether an alert fires; a server without alerts leaves the banner empty. */
  async poll(): Promise<void> {
    try {
      this.list = await listAlerts();
    } catch {
      this.list = null;
    }
  }

  protected override render() {
    const firing = this.list?.alerts.filter((a) => a.status === "firing") ?? [];
    if (!firing.length) return nothing;
    const names = [...new Set(firing.map((a) => a.ruleName))];
    return html`<div class="banner alert-firing" role="alert" data-testid="alerts-banner">
      <strong>${firing.length} alert${firing.length === 1 ? "" : "s"} firing:</strong> ${names.join(", ")}
      <button @click=${() => this.dispatchEvent(new CustomEvent(SHOW_ALERTS, { bubbles: true }))}>View alerts</button>
    </div>`;
  }
}

customElements.define("weft-alerts-banner", WeftAlertsBanner);
