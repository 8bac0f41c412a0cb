import { digest, isTable, NotDataError, RunningSet, toCanonical } from "../base/index.ts";
import { createOp, named, Vary, isRowSource, isLazyRows, LAZY_ROWS_KEY, type CallCache, type ObjectStore, type OpOptions, type TracePlatform, type VaryResult, type VarySpec } from "../trace/index.ts";
import { dataset, isDataset, parseDataset, requireColumns } from "./dataset.ts";
import { varySnapshots } from "./vary-stream.ts";

/** What a per-cell builtin knows about its cell run (the runtime's CellRun). */
export interface CellRunInfo {
  readonly key: string | null;
  readonly signal: AbortSignal;
}

/** Options of the notebook's tracing: the cache, the default budget, and whether plans over budget run without asking. */
export interface NotebookTraceOptions {
  readonly platform: TracePlatform;
  readonly cache: CallCache | null;
  /** Dollars; a vary without its own budget uses this one (a function is read at each run: the notebook's setting can change). */
  readonly defaultBudget?: number | (() => number | undefined);
  /** Run plans over budget without waiting (the CLI's --yes). */
  readonly autoApprove?: boolean;
  /** Every vary asks before any LLM call, whatever it costs (`weft build` without --yes spends nothing). */
  readonly askBeforeCalls?: boolean;
  /** Minimum milliseconds between streamed snapshots of a running vary. */
  readonly streamEveryMs?: number;
  /** Reads a data file next to the notebook (the host confines it to the notebooks folder). */
  readonly readText?: (path: string) => Promise<string>;
  /** Row digests already known for a data file (a published report's, computed by its build): `dataset.load` checks a sample and takes them instead of hashing every row. */
  readonly knownDigests?: (path: string) => readonly string[] | undefined;
  /** Where op sources and datasets are kept by version, when the host has a store. */
  readonly objects?: ObjectStore | null;
  /** Awaited before a finished vary commits its calls (see VaryEnv.beforeCommit): a page paints the results first. */
  readonly beforeCommit?: () => Promise<void>;
}

/** An evaluation: a vary over a dataset with scorers, plus an optional summary of its table. */
export interface EvaluateSpec extends Omit<VarySpec, "data"> {
  readonly dataset: VarySpec["data"];
}

/**
 * The trace layer's per-cell builtins for notebooks: `op`, whose version folds in the key of
 * the cell defining it (so it covers every value that cell captures), and `vary`, which
 * streams snapshots of a run: its plan, then partial results, then the final result.
 */
export function notebookBuiltins(options: NotebookTraceOptions) {
  const op = createOp(options.platform);
  const running = new RunningSet();
  // Recent runs by the digest of what determines their calls (not their summary), so a
  // summary-only edit reuses the run instead of re-keying and restoring every leaf.
  const recent = new Map<string, Vary>();
  const builtins = {
    op: (run: CellRunInfo) =>
      <A extends unknown[], R>(name: string, fn: (...args: A) => R, opOptions: OpOptions<A> = {}) => {
        // Without a key (an input could not be digested), the op gets a unique context: its calls never reuse the cache.
        const made = op(name, fn, { ...opOptions, context: opOptions.context ?? run.key ?? `unkeyed:${options.platform.newId()}` });
        options.objects?.put("op", made.version, { name, source: fn.toString(), context: run.key });
        return made;
      },
    vary: (run: CellRunInfo) => (spec: VarySpec) => streamVary(spec, run.signal, options, running, recent),
    evaluate: (run: CellRunInfo) => (spec: EvaluateSpec) => {
      const { dataset: data, ...rest } = spec;
      if (!spec.scorers || (Array.isArray(spec.scorers) ? spec.scorers.length === 0 : Object.keys(spec.scorers).length === 0)) throw new Error("evaluate: needs at least one scorer");
      if (isDataset(data)) {
        for (const s of named("scorers", spec.scorers)) requireColumns(data, s.op.options.columns ?? [], `scorer ${s.label}`);
        options.objects?.put("dataset", data.version, () => ({ name: data.name, rows: toCanonical(data.rows) }));
      }
      return streamVary({ ...rest, data }, run.signal, options, running, recent);
    },
  };
  const datasetBuiltin = Object.assign((name: string, rows: Parameters<typeof dataset>[1]) => dataset(name, rows), {
    /** Loads a .jsonl, .json or .csv file next to the notebook as a dataset. */
    load: async (path: string) => {
      if (!options.readText) throw new Error("dataset.load: this host cannot read files");
      return parseDataset(path, await options.readText(path), options.knownDigests?.(path));
    },
  });
  return {
    builtins,
    /** `dataset(name, rows)` and `dataset.load(path)`: the same in every cell, so a plain builtin. */
    dataset: datasetBuiltin,
    /** Resolves when every vary started so far has finished (the headless runner waits on it). */
    async settled(): Promise<void> {
      await running.settled();
    },
    /** Whether a vary is running (not waiting for approval). */
    busy: (): boolean => running.busy,
  };
}

/** What determines a vary's calls: op and scorer versions and labels, the data's content, the grid, trials and limits; null when it cannot be digested. */
function runKey(spec: VarySpec): string | null {
  const ops = (v: VarySpec["ops"] | VarySpec["scorers"]) => named("ops", v).map((n) => [n.label, n.op.version]);
  try {
    const data = isRowSource(spec.data) ? spec.data.version : digest(isTable(spec.data) ? spec.data.objects() : spec.data);
    return digest(["vary-run", ops(spec.ops), ops(spec.scorers), data, spec.params ?? null, spec.trials ?? 1, spec.budget ?? null, spec.concurrency ?? null, spec.retries ?? null]);
  } catch (error) {
    if (error instanceof NotDataError) return null; // data that is not plain data: no reuse
    throw error;
  }
}

/** Runs a vary for a cell: a recent run of the same calls is reused (a summary-only edit), else a new one. */
async function* streamVary(spec: VarySpec, signal: AbortSignal, options: NotebookTraceOptions, running: RunningSet, recent: Map<string, Vary>): AsyncGenerator<VaryResult> {
  const fallback = typeof options.defaultBudget === "function" ? options.defaultBudget() : options.defaultBudget;
  // Production calls are fetched once, here; the engine then sees versioned rows.
  const data = isLazyRows(spec.data) ? await spec.data[LAZY_ROWS_KEY]() : spec.data;
  const full: VarySpec = { ...spec, data, ...(spec.budget === undefined && fallback !== undefined ? { budget: fallback } : {}) };
  const key = options.cache ? runKey(full) : null;
  const previous = key ? recent.get(key) : undefined;
  const vary = previous && !previous.busy ? previous.reuse(full.summary) : new Vary(full, { cache: options.cache, ...(options.askBeforeCalls ? { askBeforeCalls: true } : {}), ...(options.autoApprove && !options.askBeforeCalls ? { estimates: false } : {}), ...(options.beforeCommit ? { beforeCommit: options.beforeCommit } : {}) });
  if (key) {
    recent.delete(key);
    recent.set(key, vary);
    if (recent.size > 8) recent.delete(recent.keys().next().value!);
  }
  let release = running.hold();
  // A run waiting for a click is not running: settled() does not wait for it.
  const waiting = (paused: boolean) => (paused ? release() : (release = running.hold()));
  try {
    yield* varySnapshots(vary, { signal, autoApprove: options.autoApprove, everyMs: options.streamEveryMs, waiting });
  } finally {
    release();
  }
}
