import type { Entry } from "./runtime-entry.ts";

/**
 * The cells that keep a runtime from being idle (queued, running, or with an output still
 * computing), kept as their states change so that waiting for idle checks one set, not every
 * cell: a chain settles one cell at a time, and a scan per settle made a run quadratic.
 */
export class IdleTracker {
  private readonly busy = new Set<Entry>();
  private readonly waiters = new Set<() => void>();

  /** Counts the cell among the busy ones while it is queued, running or has an output computing; `current` is false for a removed cell, which never counts. */
  track(entry: Entry, current: boolean): void {
    const busy = entry.state.status === "queued" || entry.state.status === "running" || entry.pendingOutputs.size > 0;
    if (busy && current) this.busy.add(entry);
    else this.busy.delete(entry);
  }

  /** Forgets a removed cell and wakes the waiters. */
  remove(entry: Entry): void {
    this.busy.delete(entry);
    this.wake();
  }

  /** Wakes whoever waits, to check again. */
  wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  }

  /** Resolves once no cell is busy. */
  async settled(): Promise<void> {
    while (this.busy.size > 0) await new Promise<void>((resolve) => this.waiters.add(resolve));
  }

  /** Forgets every cell. */
  clear(): void {
    this.busy.clear();
  }
}
