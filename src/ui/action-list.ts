import { PolledElement } from "./polled-element.ts";

/**
 * A small list of server-side things with actions (curation rules, monitors): `load()` fetches
 * them, refreshed every few seconds while the panel it sits in is open and after each action;
 * a failure is shown, not thrown.
 */
export abstract class ActionList<T> extends PolledElement {
  static override properties = { list: { state: true }, error: { state: true } };
  declare list: T[];
  declare error: string | null;
  protected readonly pollMs = 3_000;

  constructor() {
    super();
    this.list = [];
    this.error = null;
  }

  /** Fetches the items. */
  protected abstract load(): Promise<T[]>;

  /** One refresh, skipped while the enclosing `<details>` is closed. */
  override async poll(): Promise<void> {
    if (this.closest("details")?.open ?? true) await this.reload();
  }

  /** Reloads the items; a failure is shown, not thrown. */
  async reload(): Promise<void> {
    try {
      this.list = await this.load();
      this.error = null;
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  /** Runs an action, shows its failure, then reloads. */
  protected async act(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.error = (error as Error).message;
    }
    await this.reload();
  }
}
