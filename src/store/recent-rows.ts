// The committed rows of calls that have not ended yet, kept in memory so that the patches
// that follow (the end after a start, the span after its log records) merge without reading
// the row back: DuckDB answers a point lookup slowly, as it decompresses a vector per column
// to fetch one row. Ended calls are not kept, so the common case (whole spans) costs nothing.
// Exact, because the store's one writer is the only one that writes the file (DuckDB locks
// it) and rows enter only after their transaction committed.

import type { TraceRow } from "./trace-merge.ts";

/** Up to `capacity` committed rows of running calls, by id, the oldest forgotten first. */
export class RecentRows {
  private readonly rows = new Map<string, TraceRow>();

  constructor(readonly capacity: number) {}

  /** The committed row of an id, when it is among the recent ones. */
  get(id: string): TraceRow | undefined {
    return this.rows.get(id);
  }

  /** Remembers committed rows of running calls and forgets ended ones, then the oldest beyond capacity. */
  add(rows: readonly TraceRow[]): void {
    if (this.capacity <= 0) return;
    for (const row of rows) {
      this.rows.delete(row.id);
      if (row.endedAt === null && row.error === null) this.rows.set(row.id, row);
    }
    for (const id of this.rows.keys()) {
      if (this.rows.size <= this.capacity) break;
      this.rows.delete(id);
    }
  }

  /** Forgets everything (after a failure that may have left the file unlike memory). */
  clear(): void {
    this.rows.clear();
  }
}
