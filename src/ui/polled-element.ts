import { LitElement } from "lit";

/**
 * A light-DOM lit element that polls while it is connected: `poll()` runs at once, then again
 * `pollMs` after each run ends; it stops when the element leaves the page. A run's failure is
 * the element's to show (`poll` should catch), and never stops the polling.
 */
export abstract class PolledElement extends LitElement {
  /** The pause between the end of one poll and the start of the next. */
  protected abstract readonly pollMs: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private polling = false;

  /** One poll. */
  abstract poll(): Promise<void>;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.polling) return;
    this.polling = true;
    void this.run();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.polling = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async run(): Promise<void> {
    await this.poll().catch(() => undefined);
    if (this.polling) this.timer = setTimeout(() => void this.run(), this.pollMs);
  }
}
