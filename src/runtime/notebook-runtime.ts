import { Runtime, type Module, type Variable } from "@observablehq/runtime";
import type { CellId, Definition } from "../notebook/index.ts";
import { fromCanonical, isThenable, type Json } from "../base/index.ts";
import { isCacheable, VOLATILE_INPUTS, VOLATILE_SOURCE } from "./cell-key.ts";
import { RunKeyer } from "./run-keys.ts";
import { initialState, toCellError, type CellError, type CellState } from "./cell-state.ts";
import { DISPLAY, isGenerator, perCellMarker, SIGNAL, signalOf, VIEW } from "./placeholders.ts";
import type { RuntimeCell, RuntimePlatform } from "./platform.ts";
import { holdsGenerator, sameCell, type Entry, type Settled } from "./runtime-entry.ts";
import { mainObserver, outputObserver, type ObserverContext } from "./cell-observers.ts";
import { readCell, writeCell } from "./cell-cache-io.ts";
import { IdleTracker } from "./idle-tracker.ts";
import { trackStreams } from "./stream-tracking.ts";
import { CellBodies } from "./cell-bodies.ts";

export type { CellCache, CellRun, RuntimeCell, RuntimePlatform } from "./platform.ts";

type Listener = (id: CellId, state: CellState) => void;

/** A reactive notebook on @observablehq/runtime: cells are synced in, states are observed out. */
export class NotebookRuntime {
  private readonly runtime: Runtime;
  private readonly module: Module;
  private readonly entries = new Map<CellId, Entry>();
  /** Cell functions evaluated together by `sync`, taken by the definitions that follow it. */
  private readonly bodies = new CellBodies();
  /** Which cell last defined each name; checked against the entry on use, so stale owners are ignored. */
  private readonly owners = new Map<string, Entry>();
  private readonly listeners = new Set<Listener>();
  /** Keys each cell run by its inputs (see run-keys.ts). */
  private readonly keyer: RunKeyer;
  private readonly idleness = new IdleTracker();
  /** Restore durations of cells whose current value came from the cache, until their observer sees it. */
  private readonly pendingRestore = new WeakMap<Entry, number>();
  /** Cells whose inputs came back with the same content: they keep the value (and status) they hold. */
  private readonly pendingKeep = new WeakMap<Entry, Settled>();
  /** Each cell's last run time, kept for the state shown after it. */
  private readonly lastMs = new WeakMap<Entry, number>();

  constructor(private readonly platform: RuntimePlatform) {
    const builtins: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(platform.builtins)) builtins[name] = () => value;
    for (const [name, definition] of Object.entries(platform.builtinDefinitions ?? {})) builtins[name] = definition;
    for (const name of Object.keys(platform.cellBuiltins ?? {})) builtins[name] = () => perCellMarker(name);
    builtins.display = () => DISPLAY;
    builtins.view = () => VIEW;
    builtins.signal = () => SIGNAL;
    this.keyer = new RunKeyer((name) => this.ownerOf(name), new Set([...Object.keys(builtins), "invalidation", "visibility"]));
    this.runtime = new Runtime(builtins);
    this.module = this.runtime.module();
  }

  /** Makes the runtime match `cells`: new cells are defined, changed ones redefined, missing ones deleted. */
  sync(cells: readonly RuntimeCell[]): void {
    this.bodies.prepare(cells.filter((cell) => {
      const entry = this.entries.get(cell.id);
      return !entry || !sameCell(entry.cell, cell);
    }));
    const seen = new Set<CellId>();
    for (const cell of cells) {
      seen.add(cell.id);
      const entry = this.entries.get(cell.id);
      if (!entry) this.define(cell);
      else if (!sameCell(entry.cell, cell)) this.redefine(entry, cell);
    }
    for (const [id, entry] of this.entries) if (!seen.has(id)) this.remove(id, entry);
  }

  /** The current state of a cell, or undefined for an unknown id. */
  state(id: CellId): CellState | undefined {
    return this.entries.get(id)?.state;
  }

  /** Every cell's current state. */
  states(): Map<CellId, CellState> {
    return new Map([...this.entries].map(([id, e]) => [id, e.state]));
  }

  /** Calls `listener` on every state transition; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once no cell is queued or running (generators count as settled after their first value). */
  async idle(): Promise<void> {
    // The runtime computes on the next frame, marking every affected cell pending in that one
    // pass; its private _compute() resolves after the pass. Then wait for those cells to settle.
    await (this.runtime as unknown as { _compute(): Promise<void> })._compute();
    await this.idleness.settled();
  }

  /** Runs a cell again with its current definition (a stream restarts, a vary replans). */
  rerun(id: CellId): void {
    const entry = this.entries.get(id);
    if (entry) this.apply(entry, entry.cell);
  }

  /**
   * Stops a cell's current run: its invalidation fires (aborting `signal`) and it settles
   * as an error "cancelled" until it is run again; its dependents see that error.
   */
  cancel(id: CellId): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    const names = entry.cell.compiled.type === "definition" ? entry.cell.compiled.definition.outputs : [];
    entry.version++;
    entry.main.define(names.length ? `cell ${id}` : null, [], () => {
      throw new Error("cancelled");
    });
    // The next sync must redefine the cell even though its source is unchanged.
    entry.cell = { ...entry.cell, source: `${entry.cell.source}\u0000cancelled` };
  }

  /** Stops every cell (their invalidation resolves) and releases the runtime. */
  dispose(): void {
    this.runtime.dispose();
    this.entries.clear();
    this.idleness.clear();
    this.listeners.clear();
  }

  private define(cell: RuntimeCell): void {
    const entry: Entry = {
      cell,
      main: undefined as unknown as Variable,
      outputs: new Map(),
      state: initialState([], false),
      value: undefined,
      key: null,
      version: 0,
      displayVersion: -1,
      outputErrors: new Set(),
      mainOk: false,
      pendingOutputs: new Set(),
      settled: null,
      runIdentity: null,
      countedRun: null,
      inProgress: false,
    };
    entry.main = this.module.variable(mainObserver(this.observed, entry));
    this.entries.set(cell.id, entry);
    this.apply(entry, cell);
  }

  private redefine(entry: Entry, cell: RuntimeCell): void {
    entry.cell = cell;
    this.apply(entry, cell);
  }

  private remove(id: CellId, entry: Entry): void {
    for (const v of entry.outputs.values()) v.delete();
    entry.main.delete();
    this.entries.delete(id);
    this.idleness.remove(entry);
  }

  /** Points the cell's variables at its current definition; output variables are kept when their names survive. */
  private apply(entry: Entry, cell: RuntimeCell): void {
    const compiled = cell.compiled;
    const definition: Definition =
      compiled.type === "definition" ? compiled.definition : { body: "", inputs: [], outputs: [], autodisplay: false };
    const names = definition.outputs;
    this.setState(entry, { ...initialState(names, definition.autodisplay), runs: entry.state.runs, displays: entry.state.displays, exports: entry.state.exports });
    entry.key = null;
    // A new definition (or an explicit re-run) computes again, and counts as a new run.
    entry.settled = null;
    entry.runIdentity = null;
    entry.countedRun = null;

    const vid = names.length ? `cell ${cell.id}` : null;
    if (compiled.type === "error") {
      const error = compiled.error;
      entry.main.define(vid, [], () => {
        throw error;
      });
    } else if (compiled.type === "static") {
      entry.main.define(vid, [], () => undefined);
    } else {
      const { inputs, run } = this.wrap(entry, definition);
      entry.main.define(vid, inputs, run);
    }

    for (const [name, v] of entry.outputs) {
      if (!names.includes(name)) {
        v.delete();
        entry.outputs.delete(name);
        entry.pendingOutputs.delete(name);
        this.trackBusy(entry);
        const { [name]: _gone, ...rest } = entry.state.exports;
        entry.state = { ...entry.state, exports: rest };
      }
    }
    for (const name of names) {
      if (entry.outputs.has(name)) continue;
      const v = this.module.variable(outputObserver(this.observed, entry, name));
      v.define(name, [vid!], (exports: Record<string, unknown>) => exports[name]);
      entry.outputs.set(name, v);
      this.owners.set(name, entry);
    }
  }

  /** Wraps a compiled body: substitutes per-cell builtins, consults the cache, times and counts runs. */
  private wrap(entry: Entry, definition: Definition): { inputs: string[]; run: (...args: unknown[]) => unknown } {
    const cell = entry.cell;
    const fn = this.bodies.take(cell.id, definition.body);
    const inputs = [...definition.inputs];
    // Every run also receives its invalidation promise: a run that is invalidated (redefined,
    // cancelled, deleted) settles at once, even when the cell's own promise never would, so
    // the runtime never waits on abandoned work before the next definition.
    let invalidationIndex = inputs.indexOf("invalidation");
    if (invalidationIndex < 0) invalidationIndex = inputs.push("invalidation") - 1;
    // A deterministic cell's value depends only on its source and inputs: an unchanged key needs no computation.
    const deterministic = !cell.nocache && !definition.inputs.some((i) => VOLATILE_INPUTS.has(i)) && !VOLATILE_SOURCE.test(cell.source);
    const cacheable = deterministic && !!this.platform.cache;
    // A per-cell builtin is given the cell's key (an op's version context), cached or not.
    const keyed = deterministic || definition.inputs.some((i) => Object.hasOwn(this.platform.cellBuiltins ?? {}, i));
    // Once this definition has made a value the cache cannot hold (a chart's element), its later
    // runs do not look it up: the answer would be a miss, after a store round trip.
    let uncacheable = false;

    // A function, not an arrow: the Observable runtime calls a definition with `this` as the
    // variable's previous value (`this || DOM.svg(…)` in Observable code), passed on to the body.
    const runtime = this;
    const run = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
      const previous = this;
      const version = ++entry.version;
      const { key, runKey, inProgress } = runtime.keyer.keysOf(cell, definition.inputs, args, keyed);
      entry.key = key;
      entry.runIdentity = runKey;
      entry.inProgress = inProgress;
      const held = entry.settled;
      if (deterministic && key && held?.key === key) {
        // An input was recomputed with the same content (the last snapshot of a vary is the
        // finished one): the value the cell holds is its answer, and nothing ran.
        runtime.pendingKeep.set(entry, held);
        // Computed from an earlier snapshot with this content, it is written once a finished one confirms it.
        if (held.unstored && !inProgress && cacheable && !isGenerator(held.value) && isCacheable(held.value)) {
          entry.settled = { ...held, unstored: false };
          runtime.store(entry, key, held.value);
        }
        return held.value;
      }
      if (cacheable && key && !uncacheable) {
        const t0 = runtime.platform.now();
        const hit = await runtime.lookup(key);
        if (entry.version !== version) return undefined;
        if (hit !== undefined) {
          const ms = runtime.platform.now() - t0;
          const value = fromCanonical(hit);
          runtime.pendingRestore.set(entry, ms);
          entry.settled = { key, value, status: "cached", ms };
          return value;
        }
      }
      const callArgs = args.slice(0, definition.inputs.length).map((arg) => runtime.perCell(entry, version, arg, args[invalidationIndex]));
      runtime.setState(entry, { ...entry.state, status: "running" });
      const t0 = runtime.platform.now();
      // A computation for a newer snapshot of the same upstream run continues this cell's run.
      const continues = runKey !== null && runKey === entry.countedRun;
      entry.countedRun = runKey;
      if (!continues) entry.state = { ...entry.state, runs: entry.state.runs + 1 };
      try {
        const invalidated = (args[invalidationIndex] as Promise<void>).then(() => {
          throw new Error("cancelled");
        });
        // Its rejection matters only to the race below; when the run ends first (or throws
        // before the race), the later invalidation must not surface as an unhandled rejection.
        invalidated.catch(() => undefined);
        // A synchronous body is timed as soon as it returns: awaiting it would add the time the
        // runtime then spends on other cells before this one resumes.
        const out = fn.apply(previous, callArgs);
        const bodyMs = runtime.platform.now() - t0;
        const thenable = isThenable(out);
        const raw = thenable ? await Promise.race([out, invalidated]) : out;
        const ms = thenable ? runtime.platform.now() - t0 : bodyMs;
        runtime.lastMs.set(entry, ms);
        // Held at once, also when a newer run has started meanwhile: a run with the same key
        // (the next snapshot of an input, with the same content) takes this value as computed.
        if (deterministic && key && !holdsGenerator(raw)) entry.settled = { key, value: raw, status: "fulfilled", ms, unstored: inProgress };
        if (cacheable && key && !inProgress && entry.version === version && !isGenerator(raw)) {
          if (isCacheable(raw)) runtime.store(entry, key, raw);
          else uncacheable = true;
        }
        return definition.inputs.includes("view") ? raw : trackStreams(entry, (state) => runtime.setState(entry, state), version, raw);
      } catch (error) {
        runtime.lastMs.set(entry, runtime.platform.now() - t0);
        throw error;
      }
    };
    return { inputs, run };
  }

  private ownerOf(name: string): Entry | undefined {
    const owner = this.owners.get(name);
    // Every definition of a name records its cell here: a name never recorded (a builtin, an
    // undefined name) has no owner, and is answered without looking at every cell.
    if (!owner) return undefined;
    if (owner.outputs.has(name) && this.entries.get(owner.cell.id) === owner) return owner;
    for (const e of this.entries.values()) if (e.outputs.has(name)) return e;
    return undefined;
  }

  /** Replaces the display/view/signal placeholders with this run's own functions. */
  private perCell(entry: Entry, version: number, arg: unknown, invalidation: unknown): unknown {
    if (arg === DISPLAY) return (value: unknown) => this.display(entry, version, value);
    if (arg === VIEW) {
      const input = this.platform.input;
      if (!input) return () => {
        throw new Error("view is not available on this platform");
      };
      return (element: unknown) => input(this.display(entry, version, element));
    }
    if (typeof arg === "symbol" && this.platform.cellBuiltins) {
      for (const [name, make] of Object.entries(this.platform.cellBuiltins)) {
        if (arg === perCellMarker(name)) return make({ id: entry.cell.id, key: entry.key, signal: signalOf(invalidation), display: (v) => this.display(entry, version, v) });
      }
    }
    if (arg === SIGNAL) return signalOf(invalidation);
    return arg;
  }

  private display(entry: Entry, version: number, value: unknown): unknown {
    if (version !== entry.version) throw new Error("stale display: the cell has re-run since");
    const displays = entry.displayVersion === version ? [...entry.state.displays, value] : [value];
    entry.displayVersion = version;
    this.setState(entry, { ...entry.state, displays });
    return value;
  }

  private lookup(key: string): Promise<Json | undefined> {
    return readCell(this.platform, key);
  }

  private store(entry: Entry, key: string, value: unknown): void {
    writeCell(this.platform, key, value, (message) => {
      if (entry.key === key) this.setState(entry, { ...entry.state, cacheWarning: message });
    });
  }

  /** What the observers of a cell's variables may touch (see cell-observers.ts). */
  private readonly observed: ObserverContext = {
    setState: (entry, state) => this.setState(entry, state),
    errorOf: (entry, error) => this.errorOf(entry, error),
    wakeIdle: () => this.idleness.wake(),
    pendingOutputsChanged: (entry) => this.trackBusy(entry),
    pendingRestore: this.pendingRestore,
    pendingKeep: this.pendingKeep,
    lastMs: this.lastMs,
  };

  /**
   * The error a cell shows. The runtime rejects a cell whose input failed with an error naming
   * that input (`error.input`); when a cell defines that name, the dependent says which input
   * is in error and which cell defines it, rather than repeating the input's own message.
   * A name nobody defines stays "… is not defined".
   */
  private errorOf(entry: Entry, error: unknown): CellError {
    const own = toCellError(error);
    const compiled = entry.cell.compiled;
    const name = (error as { input?: unknown } | null)?.input;
    if (compiled.type !== "definition" || typeof name !== "string" || !compiled.definition.inputs.includes(name)) return own;
    if (own.message.endsWith("is defined more than once")) return own;
    const owner = this.ownerOf(name);
    return owner && owner !== entry ? { message: `input ${name} is in error`, input: { name, cell: owner.cell.id } } : own;
  }

  private setState(entry: Entry, state: CellState): void {
    entry.state = state;
    this.trackBusy(entry);
    for (const l of this.listeners) l(entry.cell.id, state);
    if (state.status !== "queued" && state.status !== "running") this.idleness.wake();
  }

  /** Counts the cell among the busy ones while it is queued, running or has an output computing (a removed cell never counts). */
  private trackBusy(entry: Entry): void {
    this.idleness.track(entry, this.entries.get(entry.cell.id) === entry);
  }
}
