import { Runtime, type Module, type Variable } from "@observablehq/runtime";
import type { CellId, Definition } from "../notebook/index.ts";
import { fromCanonical, toCanonical, type Json } from "../base/index.ts";
import { cellKey, contentDigest, isCacheable, VOLATILE_INPUTS, VOLATILE_SOURCE } from "./cell-key.ts";
import { initialState, toCellError, type CellState } from "./cell-state.ts";
import { DISPLAY, isGenerator, perCellMarker, SIGNAL, signalOf, VIEW } from "./placeholders.ts";
import type { RuntimeCell, RuntimePlatform } from "./platform.ts";

export type { CellCache, CellRun, RuntimeCell, RuntimePlatform } from "./platform.ts";

type Listener = (id: CellId, state: CellState) => void;

interface Entry {
  cell: RuntimeCell;
  main: Variable;
  outputs: Map<string, Variable>;
  state: CellState;
  key: string | null;
  /** Incremented per run; displays from an older run are rejected. */
  version: number;
  displayVersion: number;
  /** Output names currently in error (duplicates), and whether the main variable itself succeeded. */
  outputErrors: Set<string>;
  mainOk: boolean;
  /** Output names whose variables are computing; a cell is not idle until they settle. */
  pendingOutputs: Set<string>;
}

/** A reactive notebook on @observablehq/runtime: cells are synced in, states are observed out. */
export class NotebookRuntime {
  private readonly runtime: Runtime;
  private readonly module: Module;
  private readonly entries = new Map<CellId, Entry>();
  /** Which cell last defined each name; checked against the entry on use, so stale owners are ignored. */
  private readonly owners = new Map<string, Entry>();
  private readonly listeners = new Set<Listener>();
  private readonly builtinNames: ReadonlySet<string>;
  private readonly idleWaiters = new Set<() => void>();
  /** Restore durations of cells whose current value came from the cache, until their observer sees it. */
  private readonly pendingRestore = new WeakMap<Entry, number>();
  private readonly lastMs = new WeakMap<Entry, number>();

  constructor(private readonly platform: RuntimePlatform) {
    const builtins: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(platform.builtins)) builtins[name] = () => value;
    for (const name of Object.keys(platform.cellBuiltins ?? {})) builtins[name] = () => perCellMarker(name);
    builtins.display = () => DISPLAY;
    builtins.view = () => VIEW;
    builtins.signal = () => SIGNAL;
    this.builtinNames = new Set([...Object.keys(builtins), "invalidation", "visibility"]);
    this.runtime = new Runtime(builtins);
    this.module = this.runtime.module();
  }

  /** Makes the runtime match `cells`: new cells are defined, changed ones redefined, missing ones deleted. */
  sync(cells: readonly RuntimeCell[]): void {
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
    const busy = () => [...this.entries.values()].some((e) => e.state.status === "queued" || e.state.status === "running" || e.pendingOutputs.size > 0);
    // The runtime computes on the next frame, marking every affected cell pending in that one
    // pass; its private _compute() resolves after the pass. Then wait for those cells to settle.
    await (this.runtime as unknown as { _compute(): Promise<void> })._compute();
    while (busy()) await new Promise<void>((resolve) => this.idleWaiters.add(resolve));
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
    this.listeners.clear();
  }

  private define(cell: RuntimeCell): void {
    const entry: Entry = {
      cell,
      main: undefined as unknown as Variable,
      outputs: new Map(),
      state: initialState([], false),
      key: null,
      version: 0,
      displayVersion: -1,
      outputErrors: new Set(),
      mainOk: false,
      pendingOutputs: new Set(),
    };
    entry.main = this.module.variable(this.observer(entry));
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
    this.wakeIdle();
  }

  /** Points the cell's variables at its current definition; output variables are kept when their names survive. */
  private apply(entry: Entry, cell: RuntimeCell): void {
    const compiled = cell.compiled;
    const definition: Definition =
      compiled.type === "definition" ? compiled.definition : { body: "", inputs: [], outputs: [], autodisplay: false };
    const names = definition.outputs;
    this.setState(entry, { ...initialState(names, definition.autodisplay), runs: entry.state.runs, displays: entry.state.displays, exports: entry.state.exports });
    entry.key = null;

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
        const { [name]: _gone, ...rest } = entry.state.exports;
        entry.state = { ...entry.state, exports: rest };
      }
    }
    for (const name of names) {
      if (entry.outputs.has(name)) continue;
      const v = this.module.variable(this.outputObserver(entry, name));
      v.define(name, [vid!], (exports: Record<string, unknown>) => exports[name]);
      entry.outputs.set(name, v);
      this.owners.set(name, entry);
    }
  }

  /** Wraps a compiled body: substitutes per-cell builtins, consults the cache, times and counts runs. */
  private wrap(entry: Entry, definition: Definition): { inputs: string[]; run: (...args: unknown[]) => unknown } {
    const cell = entry.cell;
    const fn = (0, eval)(`(${definition.body})`) as (...args: unknown[]) => unknown;
    const inputs = [...definition.inputs];
    // Every run also receives its invalidation promise: a run that is invalidated (redefined,
    // cancelled, deleted) settles at once, even when the cell's own promise never would, so
    // the runtime never waits on abandoned work before the next definition.
    let invalidationIndex = inputs.indexOf("invalidation");
    if (invalidationIndex < 0) invalidationIndex = inputs.push("invalidation") - 1;
    const cacheable =
      !!this.platform.cache && !cell.nocache && !definition.inputs.some((i) => VOLATILE_INPUTS.has(i)) && !VOLATILE_SOURCE.test(cell.source);

    const run = async (...args: unknown[]): Promise<unknown> => {
      const version = ++entry.version;
      const key = this.keyOf(cell, definition.inputs, args);
      entry.key = key;
      if (cacheable && key) {
        const t0 = this.platform.now();
        const hit = await this.lookup(key);
        if (entry.version !== version) return undefined;
        if (hit !== undefined) {
          this.pendingRestore.set(entry, this.platform.now() - t0);
          return fromCanonical(hit);
        }
      }
      const callArgs = args.slice(0, definition.inputs.length).map((arg) => this.perCell(entry, version, arg, args[invalidationIndex]));
      this.setState(entry, { ...entry.state, status: "running" });
      const t0 = this.platform.now();
      entry.state = { ...entry.state, runs: entry.state.runs + 1 };
      try {
        const invalidated = (args[invalidationIndex] as Promise<void>).then(() => {
          throw new Error("cancelled");
        });
        // Its rejection matters only to the race below; when the run ends first (or throws
        // before the race), the later invalidation must not surface as an unhandled rejection.
        invalidated.catch(() => undefined);
        const raw = await Promise.race([fn(...callArgs), invalidated]);
        this.lastMs.set(entry, this.platform.now() - t0);
        if (cacheable && key && entry.version === version && !isGenerator(raw) && isCacheable(raw)) this.store(entry, key, raw);
        return definition.inputs.includes("view") ? raw : this.trackStreams(entry, version, raw);
      } catch (error) {
        this.lastMs.set(entry, this.platform.now() - t0);
        throw error;
      }
    };
    return { inputs, run };
  }

  /** Wraps a run's generators (its value, or its declarations' values) so the cell shows it is streaming until they end. */
  private trackStreams(entry: Entry, version: number, value: unknown): unknown {
    const track = (g: unknown) => {
      if (!isGenerator(g)) return g;
      const gen = g as AsyncGenerator<unknown>;
      this.setState(entry, { ...entry.state, streaming: true });
      const end = () => {
        if (entry.version === version) this.setState(entry, { ...entry.state, streaming: false });
      };
      return (async function* () {
        try {
          yield* gen;
        } finally {
          end();
        }
      })();
    };
    if (isGenerator(value)) return track(value);
    if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype && entry.cell.compiled.type === "definition" && entry.cell.compiled.definition.outputs.length) {
      const exports = value as Record<string, unknown>;
      if (Object.values(exports).some(isGenerator)) return Object.fromEntries(Object.entries(exports).map(([k, v]) => [k, track(v)]));
    }
    return value;
  }

  /** The execution-path key of a cell run; null when an input has no known digest. */
  private keyOf(cell: RuntimeCell, names: readonly string[], args: readonly unknown[]): string | null {
    const digests: string[] = [];
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const owner = this.ownerOf(name);
      if (!owner && this.builtinNames.has(name)) {
        digests.push(`builtin:${name}`);
        continue;
      }
      const d = contentDigest(args[i]);
      if (d) digests.push(d);
      // A generator's values change while its cell's key does not, so they have no path key.
      else if (owner?.key && !isGenerator((owner.state.value as Record<string, unknown> | undefined)?.[name])) digests.push(`${owner.key}:${name}`);
      else return null;
    }
    return cellKey(cell.kind, cell.source, names, digests);
  }

  private ownerOf(name: string): Entry | undefined {
    const owner = this.owners.get(name);
    if (owner && owner.outputs.has(name) && this.entries.get(owner.cell.id) === owner) return owner;
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

  private async lookup(key: string): Promise<Json | undefined> {
    try {
      return await this.platform.cache!.get(key);
    } catch (error) {
      this.platform.report?.(`cell cache read failed: ${(error as Error).message}`);
      return undefined;
    }
  }

  private store(entry: Entry, key: string, value: unknown): void {
    this.platform.cache!.put(key, toCanonical(value)).catch((error: Error) => {
      const message = `not cached: ${error.message}`;
      this.platform.report?.(message);
      if (entry.key === key) this.setState(entry, { ...entry.state, cacheWarning: message });
    });
  }

  private observer(entry: Entry) {
    return {
      pending: () => this.setState(entry, { ...entry.state, status: entry.state.status === "running" ? "running" : "queued" }),
      fulfilled: (value: unknown) => {
        const restored = this.pendingRestore.get(entry);
        this.pendingRestore.delete(entry);
        const ms = restored ?? this.lastMs.get(entry) ?? null;
        const displays = entry.displayVersion === entry.version ? entry.state.displays : [];
        entry.mainOk = true;
        this.setState(entry, { ...entry.state, status: restored !== undefined ? "cached" : "fulfilled", value, ms, displays, error: null });
      },
      rejected: (error: unknown) => {
        entry.mainOk = false;
        const displays = entry.displayVersion === entry.version ? entry.state.displays : [];
        this.setState(entry, { ...entry.state, status: "error", value: undefined, error: toCellError(error), displays, ms: this.lastMs.get(entry) ?? null });
      },
    };
  }

  /** Output variables report what the main variable cannot see: a name defined more than once. */
  private outputObserver(entry: Entry, name: string) {
    const settle = () => {
      entry.pendingOutputs.delete(name);
      this.wakeIdle();
    };
    return {
      pending: () => {
        entry.pendingOutputs.add(name);
      },
      rejected: (error: unknown) => {
        settle();
        entry.outputErrors.add(name);
        if (entry.state.status !== "error") this.setState(entry, { ...entry.state, status: "error", error: toCellError(error) });
      },
      fulfilled: (value: unknown) => {
        settle();
        if (entry.state.exports[name] !== value || !(name in entry.state.exports)) {
          this.setState(entry, { ...entry.state, exports: { ...entry.state.exports, [name]: value } });
        }
        if (entry.outputErrors.delete(name) && entry.outputErrors.size === 0 && entry.state.status === "error" && entry.mainOk) {
          this.setState(entry, { ...entry.state, status: "fulfilled", error: null });
        }
      },
    };
  }

  private setState(entry: Entry, state: CellState): void {
    entry.state = state;
    for (const l of this.listeners) l(entry.cell.id, state);
    if (state.status !== "queued" && state.status !== "running") this.wakeIdle();
  }

  private wakeIdle(): void {
    const waiters = [...this.idleWaiters];
    this.idleWaiters.clear();
    for (const w of waiters) w();
  }
}

function sameCell(a: RuntimeCell, b: RuntimeCell): boolean {
  return a.kind === b.kind && a.source === b.source && a.nocache === b.nocache && a.compiled.type === b.compiled.type;
}
