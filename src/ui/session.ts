import {
  applyAction, compileCell, hasFlag, IdAllocator, kindsLoading, parse, serialize, sourceLines,
  type Cell, type CellId, type CellKindRegistry, type Compiled, type Notebook, type NotebookAction,
} from "../notebook/index.ts";
import { NotebookRuntime, type CellState, type RuntimeCell, type RuntimePlatform } from "../runtime/index.ts";
import type { Call } from "../base/index.ts";

/** Where the notebook stands relative to its file on disk. */
export type SaveState =
  | { readonly kind: "saved" }
  | { readonly kind: "dirty" }
  | { readonly kind: "saving" }
  | { readonly kind: "conflict"; readonly message: string; readonly diskVersion: string | null }
  | { readonly kind: "error"; readonly message: string };

/** The result of a conditional write: saved with a new version, or refused because the disk changed. */
export type WriteResult = { readonly ok: true; readonly version: string } | { readonly ok: false; readonly message: string; readonly version: string | null };

/** What a session needs from the notebook server. */
export interface NotebookApi {
  read(name: string): Promise<{ text: string; version: string }>;
  write(name: string, text: string, baseVersion: string | null): Promise<WriteResult>;
}

/** What the editor asks of the host's call log: the calls a call made (nested ops, LLM requests), in start order. */
export interface CallChildren {
  children(id: string): readonly Call[];
}

/** A call log with nothing in it: what views show before a host hands theirs over. */
export const NO_CALLS: CallChildren = { children: () => [] };

/** Options of a session; `autosaveMs` is the debounce before a change is written. */
export interface SessionOptions {
  readonly name: string;
  readonly text: string;
  readonly version: string | null;
  readonly api: NotebookApi;
  readonly platform: RuntimePlatform;
  readonly registry: CellKindRegistry;
  /** The host's call log, for the trace trees of results and drill-downs (none: no nested calls are shown). */
  readonly calls?: CallChildren;
  readonly autosaveMs?: number;
  /**
   * Where the session notes the cell that has started running and not yet yielded
   * (localStorage in the editor). A cell that freezes the tab (`while (true) {}`) stays noted,
   * and the next load of the notebook does not run it until the user runs it (see `held`).
   */
  readonly runGuard?: RunGuardStorage;
}

/** The part of the Web Storage API the run guard uses. */
export type RunGuardStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** What a cell held back at load shows until the user runs it. */
export const HELD_MESSAGE = "not run automatically: this cell was running when the page last stopped responding (a cell that never yields, such as a synchronous loop, freezes the tab). Edit it, then run it (Shift+Enter); running it unchanged may freeze the tab again";

interface Committed {
  readonly kind: string;
  readonly source: string;
  readonly nocache: boolean;
}

/**
 * One open notebook: the document (what is typed, autosaved to disk), the committed
 * sources (what runs), the runtime, and the file's save state. Components render it
 * and call its methods; it emits "change" after every transition.
 */
export class NotebookSession extends EventTarget {
  readonly name: string;
  notebook: Notebook;
  save: SaveState = { kind: "saved" };
  readonly runtime: NotebookRuntime;
  /** The host's call log, handed to every view that shows a call's trace tree. */
  readonly calls: CallChildren;
  private version: string | null;
  private readonly committed = new Map<CellId, Committed>();
  private readonly compiled = new Map<string, Compiled>();
  private readonly ids = new IdAllocator();
  private readonly deleted: { cell: Cell; index: number }[] = [];
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private saving: Promise<void> | null = null;
  private readonly unsubscribe: () => void;
  /** Cells not run at load because they were running when the page last froze; the user runs them. */
  readonly held = new Set<CellId>();
  private lines: { notebook: Notebook; lines: Map<CellId, number> } | null = null;
  /** Set while the compiler of a kind the notebook uses loads (the first ts cell's sucrase): the runtime syncs once it has. */
  private kindsLoad: Promise<void> | null = null;
  private disposed = false;

  constructor(private readonly options: SessionOptions) {
    super();
    this.name = options.name;
    this.version = options.version;
    this.calls = options.calls ?? NO_CALLS;
    this.notebook = parse(options.text);
    this.ids.reserve(this.notebook.cells.map((c) => c.id));
    this.runtime = new NotebookRuntime(options.platform);
    const guard = options.runGuard;
    const key = `weft.running:${options.name}`;
    if (guard) {
      const frozen = readGuard(guard, key);
      const cell = frozen && this.cell(frozen.cell as CellId);
      if (cell && cell.source === frozen.source) this.held.add(cell.id);
    }
    const unsubscribeChanges = this.runtime.subscribe(() => this.changed());
    const unsubscribeGuard = guard ? this.runtime.subscribe((id, state) => this.guardRun(guard, key, id, state)) : () => undefined;
    this.unsubscribe = () => {
      unsubscribeChanges();
      unsubscribeGuard();
    };
    for (const cell of this.notebook.cells) this.commit(cell);
    this.sync();
  }

  /**
   * Notes a cell as it starts running, before its body runs, and clears the note once the page
   * gets to run a task again (the body returned or awaited). A body that never yields leaves
   * it noted, and the next load holds the cell back.
   */
  private guardRun(guard: RunGuardStorage, key: string, id: CellId, state: CellState): void {
    if (state.status !== "running" || this.held.has(id)) return;
    const cell = this.cell(id);
    const note = JSON.stringify({ cell: id, source: cell?.source ?? "" });
    try {
      guard.setItem(key, note);
    } catch {
      return; // storage full or refused: the guard is best effort, the run goes on
    }
    setTimeout(() => {
      if (guard.getItem(key) === note) guard.removeItem(key);
    }, 0);
  }

  /** The line of the notebook file (as the editor writes it) on which a cell's source begins. */
  sourceLine(id: CellId): number | undefined {
    if (this.lines?.notebook !== this.notebook) {
      const starts = sourceLines(serialize(this.notebook));
      this.lines = { notebook: this.notebook, lines: new Map(this.notebook.cells.map((c, i) => [c.id, starts[i]!])) };
    }
    return this.lines.lines.get(id);
  }

  /** The runtime state of a cell. */
  state(id: CellId): CellState | undefined {
    return this.runtime.state(id);
  }

  /** Whether a cell's text differs from what last ran. */
  isStale(id: CellId): boolean {
    const cell = this.cell(id);
    const c = this.committed.get(id);
    return !!cell && !!c && (c.source !== cell.source || c.kind !== cell.kind);
  }

  /** The cell with this id, if any. */
  cell(id: CellId): Cell | undefined {
    return this.notebook.cells.find((c) => c.id === id);
  }

  /** A fresh cell id, unique in this notebook. */
  newId(): CellId {
    return this.ids.next(undefined);
  }

  /** Applies a document change, autosaves it, and re-runs what a structural change affects. */
  dispatch(action: NotebookAction): void {
    if (action.type === "delete") {
      const index = this.notebook.cells.findIndex((c) => c.id === action.id);
      if (index >= 0) this.deleted.push({ cell: this.notebook.cells[index]!, index });
    }
    this.notebook = applyAction(this.notebook, action);
    if (action.type === "insert") this.commit(action.cell);
    if (action.type === "delete") this.committed.delete(action.id);
    if (action.type === "set-kind" || action.type === "set-options") this.commit(this.cell(action.id)!);
    if (action.type !== "edit" && action.type !== "move") this.sync();
    this.markDirty();
  }

  /** Whether there is a deleted cell to bring back. */
  canUndoDelete(): boolean {
    return this.deleted.length > 0;
  }

  /** Restores the most recently deleted cell where it was. */
  undoDelete(): CellId | undefined {
    const last = this.deleted.pop();
    if (!last) return undefined;
    this.dispatch({ type: "insert", index: last.index, cell: last.cell });
    return last.cell.id;
  }

  /** Runs a cell with its current text: redefines it, so exactly its dependents re-run. */
  run(id: CellId): void {
    const cell = this.cell(id);
    if (!cell) return;
    if (this.held.delete(id)) {
      // The user runs a cell held back at load: it runs from now on, as written.
      this.options.runGuard?.removeItem(`weft.running:${this.name}`);
      this.commit(cell);
      this.sync();
      return;
    }
    if (!this.isStale(id) && this.committed.has(id)) {
      // Unchanged: run it again as it is (a finished stream restarts, a vary replans).
      this.runtime.rerun(id);
      this.changed();
      return;
    }
    this.commit(cell);
    this.sync();
  }

  /** Stops a running cell (its `signal` aborts); it shows "cancelled" until run again. */
  cancel(id: CellId): void {
    this.runtime.cancel(id);
    this.changed();
  }

  /** Runs every stale cell. */
  runAll(): void {
    for (const cell of this.notebook.cells) this.commit(cell);
    this.sync();
  }

  /** Writes the document now (skipping the debounce); resolves when saved or refused. */
  async flush(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    while (this.saving) await this.saving;
    if (this.save.kind === "dirty") await this.writeNow();
  }

  /** The file changed on disk: reload it when nothing is unsaved, otherwise report a conflict. */
  async diskChanged(version: string | null): Promise<void> {
    if (version === this.version) return;
    if (this.saving) await this.saving;
    if (version === this.version) return;
    if (this.save.kind === "saved") await this.loadFromDisk();
    else this.setSave({ kind: "conflict", message: "this notebook changed on disk while you had unsaved edits", diskVersion: version });
  }

  /** Resolves a conflict by taking the file on disk (unsaved edits are dropped). */
  async loadFromDisk(): Promise<void> {
    let file: { text: string; version: string };
    try {
      file = await this.options.api.read(this.name);
    } catch (error) {
      // The file is gone (or unreadable): keep what is here and say so; nothing is written.
      this.setSave({ kind: "conflict", message: `the file cannot be read from disk (${(error as Error).message}); your notebook is kept here`, diskVersion: null });
      return;
    }
    const { text, version } = file;
    this.version = version;
    const fresh = parse(text);
    // Keep ids of cells whose kind and text are unchanged, so they are not re-run.
    const pool = new Map<string, CellId[]>();
    for (const c of this.notebook.cells) {
      const k = `${c.kind}\0${c.source}`;
      pool.set(k, [...(pool.get(k) ?? []), c.id]);
    }
    const ids = new IdAllocator();
    const matched = fresh.cells.map((c) => pool.get(`${c.kind}\0${c.source}`)?.shift());
    ids.reserve(matched.filter((id): id is CellId => !!id));
    const cells = fresh.cells.map((c, i) => ({ ...c, id: matched[i] ?? ids.next(undefined) }));
    this.ids.reserve(cells.map((c) => c.id));
    this.notebook = { ...fresh, cells };
    this.committed.clear();
    for (const cell of cells) this.commit(cell);
    this.sync();
    this.setSave({ kind: "saved" });
  }

  /** Resolves a conflict by writing this editor's version over the file on disk. */
  async overwriteDisk(): Promise<void> {
    if (this.save.kind !== "conflict") return;
    this.version = this.save.diskVersion;
    this.setSave({ kind: "dirty" });
    await this.writeNow();
  }

  /** Stops the runtime and any pending save timer. */
  dispose(): void {
    this.disposed = true;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.unsubscribe();
    this.runtime.dispose();
  }

  private commit(cell: Cell): void {
    this.committed.set(cell.id, { kind: cell.kind, source: cell.source, nocache: hasFlag(cell, "nocache") });
  }

  private sync(): void {
    if (this.disposed) return;
    // What runs changes once every kind the committed cells use can compile (see CellKind.loading).
    const loading = kindsLoading([...this.committed.values()].map((c) => c.kind), this.options.registry);
    if (loading) {
      const loaded = () => {
        this.kindsLoad = null;
        this.sync();
      };
      this.kindsLoad ??= loading.then(loaded, loaded);
      return;
    }
    const cells: RuntimeCell[] = [];
    for (const cell of this.notebook.cells) {
      const c = this.committed.get(cell.id);
      if (!c) continue;
      const compiled = this.compile({ ...cell, kind: c.kind, source: c.source });
      cells.push({ id: cell.id, kind: c.kind, source: this.held.has(cell.id) ? `${c.source}\u0000held` : c.source, nocache: c.nocache, compiled: this.held.has(cell.id) ? heldBack(compiled) : compiled });
    }
    this.runtime.sync(cells);
    this.changed();
  }

  private compile(cell: Cell): Compiled {
    const key = `${cell.kind}\0${cell.source}`;
    let compiled = this.compiled.get(key);
    if (!compiled) this.compiled.set(key, (compiled = compileCell(cell, this.options.registry)));
    return compiled;
  }

  private markDirty(): void {
    if (this.save.kind === "conflict") {
      this.changed();
      return;
    }
    this.setSave({ kind: "dirty" });
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.writeNow();
    }, this.options.autosaveMs ?? 400);
  }

  private async writeNow(): Promise<void> {
    if (this.saving) return this.saving;
    const text = serialize(this.notebook);
    this.setSave({ kind: "saving" });
    this.saving = (async () => {
      try {
        const result = await this.options.api.write(this.name, text, this.version);
        if (result.ok) {
          this.version = result.version;
          const changedMeanwhile = serialize(this.notebook) !== text;
          this.setSave({ kind: changedMeanwhile ? "dirty" : "saved" });
          if (changedMeanwhile) this.markDirty();
        } else {
          this.setSave({ kind: "conflict", message: result.message, diskVersion: result.version });
        }
      } catch (error) {
        this.setSave({ kind: "error", message: `not saved: ${(error as Error).message}` });
      } finally {
        this.saving = null;
      }
    })();
    return this.saving;
  }

  private setSave(save: SaveState): void {
    this.save = save;
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new Event("change"));
  }
}

/** The note of a cell left running, if the storage holds one. */
function readGuard(guard: RunGuardStorage, key: string): { cell: string; source: string } | null {
  try {
    const note = JSON.parse(guard.getItem(key) ?? "null") as { cell?: unknown; source?: unknown } | null;
    return note && typeof note.cell === "string" && typeof note.source === "string" ? { cell: note.cell, source: note.source } : null;
  } catch {
    return null;
  }
}

/** A held cell's definition: the same outputs (its dependents say their input is in error), a body that only says why it did not run. */
function heldBack(compiled: Compiled): Compiled {
  const outputs = compiled.type === "definition" ? compiled.definition.outputs : [];
  return { type: "definition", definition: { body: `() => { throw new Error(${JSON.stringify(HELD_MESSAGE)}); }`, inputs: [], outputs, autodisplay: false } };
}
