import type { CellError, CellState } from "./cell-state.ts";
import { toCellError } from "./cell-state.ts";
import { displayedOutput, holdsGenerator, type Entry, type Settled } from "./runtime-entry.ts";

// The observers @observablehq/runtime calls for a cell's variables: they turn pending,
// fulfilled and rejected into the cell's state. The runtime passes in what they may touch.

/** What an observer may read and change of the runtime. */
export interface ObserverContext {
  setState(entry: Entry, state: CellState): void;
  errorOf(entry: Entry, error: unknown): CellError;
  wakeIdle(): void;
  /** Called after a cell's `pendingOutputs` changed (the runtime keeps track of busy cells). */
  pendingOutputsChanged(entry: Entry): void;
  /** Restore durations of cells whose current value came from the cache, until their observer sees it. */
  readonly pendingRestore: WeakMap<Entry, number>;
  /** Cells whose inputs came back with the same content: they keep the value (and status) they hold. */
  readonly pendingKeep: WeakMap<Entry, Settled>;
  readonly lastMs: WeakMap<Entry, number>;
}

/** The observer of a cell's main variable: its status, value, time and error. */
export function mainObserver(ctx: ObserverContext, entry: Entry) {
  return {
    pending: () => ctx.setState(entry, { ...entry.state, status: entry.state.status === "running" ? "running" : "queued" }),
    fulfilled: (value: unknown) => {
      const restored = ctx.pendingRestore.get(entry);
      const kept = ctx.pendingKeep.get(entry);
      ctx.pendingRestore.delete(entry);
      ctx.pendingKeep.delete(entry);
      const status = kept?.status ?? (restored !== undefined ? "cached" : "fulfilled");
      const ms = kept ? kept.ms : restored ?? ctx.lastMs.get(entry) ?? null;
      const displays = entry.displayVersion === entry.version ? entry.state.displays : [];
      entry.mainOk = true;
      entry.value = value;
      entry.settled = entry.key && !holdsGenerator(value) ? { key: entry.key, value, status, ms, unstored: entry.inProgress } : null;
      // A cell that displays one of its outputs shows that output's value, set by its observer.
      const shown = displayedOutput(entry) === undefined ? value : entry.state.value;
      ctx.setState(entry, { ...entry.state, status, value: shown, ms, displays, error: null });
    },
    rejected: (error: unknown) => {
      entry.mainOk = false;
      entry.value = undefined;
      entry.settled = null;
      ctx.pendingKeep.delete(entry);
      const displays = entry.displayVersion === entry.version ? entry.state.displays : [];
      ctx.setState(entry, { ...entry.state, status: "error", value: undefined, error: ctx.errorOf(entry, error), displays, ms: ctx.lastMs.get(entry) ?? null });
    },
  };
}

/** Output variables report what the main variable cannot see: a name defined more than once. */
export function outputObserver(ctx: ObserverContext, entry: Entry, name: string) {
  const settle = () => {
    entry.pendingOutputs.delete(name);
    ctx.pendingOutputsChanged(entry);
    ctx.wakeIdle();
  };
  return {
    pending: () => {
      entry.pendingOutputs.add(name);
      ctx.pendingOutputsChanged(entry);
    },
    rejected: (error: unknown) => {
      settle();
      entry.outputErrors.add(name);
      if (entry.state.status !== "error") ctx.setState(entry, { ...entry.state, status: "error", error: toCellError(error) });
    },
    fulfilled: (value: unknown) => {
      settle();
      const shows = displayedOutput(entry) === name && entry.state.value !== value;
      if (entry.state.exports[name] !== value || !(name in entry.state.exports) || shows) {
        ctx.setState(entry, { ...entry.state, ...(shows ? { value } : {}), exports: { ...entry.state.exports, [name]: value } });
      }
      if (entry.outputErrors.delete(name) && entry.outputErrors.size === 0 && entry.state.status === "error" && entry.mainOk) {
        ctx.setState(entry, { ...entry.state, status: "fulfilled", error: null });
      }
    },
  };
}
