import { createLlm, type ProviderConfig } from "../llm/index.ts";
import type { RuntimePlatform } from "../runtime/index.ts";
import { cellCache, type KvStore } from "../store/index.ts";
import { ObjectStore } from "../trace/index.ts";
import { CallCache, createTracing, type ActiveCall, type ContextCarrier } from "../trace/index.ts";
import { createEmbed, createScorers, Playground } from "../eval/index.ts";
import type { ClusterOptions } from "./analysis/cluster.ts";
import type { DriftOptions } from "./analysis/drift-report.ts";
import { createTrainingSetBuiltin } from "./tune/training-set-builtin.ts";
import type { FineTuneOptions } from "./tune/fine-tune.ts";
import { analysisTracker, inlineRunnerOnUse, type AnalysisRunner } from "./analysis/analysis-runner.ts";
import { notebookBuiltins } from "../eval/index.ts";
import { Calls, driftDetector, hostPromptBuiltin, storedDataset, type CallsBackend } from "../prod/index.ts";
import type { CallFilter } from "../store/index.ts";
import { inputValues } from "./input.ts";
import { standardDefinitions, standardLibrary } from "./library.ts";
import type { NotebookFileSource } from "./notebook-folder.ts";
import { createExportData, type SaveFile } from "./export-data.ts";
import { observableLibrary } from "./observable.ts";
import type { PackageImporter } from "./require.ts";

/** What a host provides to run notebooks: a document, a store (or none), and its own clock and carrier. */
export interface HostOptions {
  readonly document: Document;
  readonly store: KvStore | null;
  /** The open notebook's name, for the cell cache to read its cells ahead in one batch (see `cellCache`). */
  readonly cellCacheSession?: () => string | null | undefined;
  readonly context?: ContextCarrier<ActiveCall>;
  readonly defaultBudget?: number | (() => number | undefined);
  readonly autoApprove?: boolean;
  /** Every vary asks before any LLM call, whatever it costs (see NotebookTraceOptions). */
  readonly askBeforeCalls?: boolean;
  readonly report?: (message: string) => void;
  /** LLM providers for `llm` (in the browser: proxied through weft serve, without keys). */
  readonly providers?: readonly ProviderConfig[];
  /** The fetch the LLM client sends with (a report's refuses every call). */
  readonly llmFetch?: typeof fetch;
  /** Reads a data file next to the notebook, for `dataset.load`. */
  readonly readText?: (path: string) => Promise<string>;
  /** false: keep no op sources or datasets by version (a published report, which keeps nothing it makes). */
  readonly keepObjects?: boolean;
  /**
   * Minimum milliseconds between a running vary's partial results reaching its dependents
   * (default 100). A headless run, where nobody sees them, passes a long interval: its tables
   * and charts compute once, on the final results.
   */
  readonly streamEveryMs?: number;
  /** Awaited before a finished vary commits its calls: the editor waits for the next paint (bounded), so the results show first. */
  readonly beforeCommit?: () => Promise<void>;
  /** Row digests already known for a data file (a published report's): `dataset.load` checks a sample and takes them. */
  readonly knownDigests?: (path: string) => readonly string[] | undefined;
  /** Where `calls()` reads production calls: the trace store (`weft run`) or the collector's API (the editor). */
  readonly calls?: CallsBackend | null;
  /** The files next to the notebook, for `FileAttachment` (confined to the notebook's folder). */
  readonly files?: NotebookFileSource;
  /** Installed packages, for `require` (node_modules only, never the network). */
  readonly importPackage?: PackageImporter;
  /** Reads a file of `@observablehq/sample-datasets`, for `penguins`, `alphabet`, … */
  readonly sampleDataset?: (file: string) => Promise<string>;
  /** Saves a file `exportData` wrote, under a name in the notebook's folder: `weft run` writes it there, the editor downloads it. */
  readonly saveFile?: SaveFile;
  /** The definition of `width` (default 640): the editor's follows its notebook column. */
  readonly width?: () => unknown;
  /** Where `cluster` and `drift` compute (the editor: a Web Worker; default: inline, in slices). */
  readonly analysisRunner?: AnalysisRunner;
}

/**
 * The `calls` builtin: a lazy query over production calls, or an error saying where calls
 * come from when this host has none. `calls.feedback(callId, {emoji | note | name, value})`
 * gives feedback from a notebook, `calls.declare({name, type, …})` declares an annotation, and
 * `calls.dataset(name, {version})` reads a stored dataset back as an eval `Dataset`.
 */
function callsBuiltin(backend: CallsBackend | null | undefined) {
  const none = (): never => {
    throw new Error("calls(): this host has no trace store; run the notebook with weft serve or weft run, next to a collector (weft collect)");
  };
  const source: CallsBackend = backend ?? { query: none, count: none, stats: none };
  return Object.assign((filter: CallFilter = {}) => new Calls(source, filter), {
    feedback: async (callId: string, body: Record<string, unknown>) => {
      if (!source.giveFeedback) throw new Error("calls.feedback: this host's trace store keeps no feedback");
      const kind = "emoji" in body ? "reaction" : "note" in body ? "note" : "annotation";
      return source.giveFeedback([{ call: callId, kind, author: "notebook", authorKind: "human", ...body }]);
    },
    declare: async (schema: Record<string, unknown>) => {
      if (!source.declareAnnotation) throw new Error("calls.declare: this host's trace store keeps no feedback");
      return source.declareAnnotation(schema);
    },
    /** A stored dataset (a version: its number or digest; default the latest) as an eval Dataset. */
    dataset: async (name: string, options: { readonly version?: number | string } = {}) => {
      if (!source.datasets) throw new Error("calls.dataset: this host's trace store keeps no datasets");
      return storedDataset(source.datasets, name, options.version);
    },
  });
}

/**
 * The values of an analysis whose code loads with its first run (`cluster`, `drift`, `fineTune`): `run`'s,
 * once `load` has loaded its module; the run fails saying so when it cannot load.
 */
async function* onFirstRun<M, T>(name: string, load: () => Promise<M>, run: (module: M) => AsyncGenerator<T>): AsyncGenerator<T> {
  let module: M;
  try {
    module = await load();
  } catch (error) {
    throw new Error(`${name}: could not load its code: ${(error as Error).message}`, { cause: error });
  }
  yield* run(module);
}

/**
 * Assembles the runtime platform every host uses (the editor, `weft run`, reports): the
 * standard library (Weft's and Observable's), the cell cache and call cache on the host's store, and the per-cell
 * `op` and `vary` builtins, and `llm` on the host's providers. Returns the call log and a
 * promise for all vary runs to finish.
 */
export function notebookPlatform(options: HostOptions) {
  const tracing = createTracing(options.context ? { context: options.context } : {});
  const calls = options.store ? new CallCache(options.store) : null;
  const objects = options.store && options.keepObjects !== false ? new ObjectStore(options.store, options.report) : null;
  const trace = notebookBuiltins({
    platform: tracing.platform,
    cache: calls,
    ...(options.defaultBudget !== undefined ? { defaultBudget: options.defaultBudget } : {}),
    ...(options.autoApprove !== undefined ? { autoApprove: options.autoApprove } : {}),
    ...(options.askBeforeCalls ? { askBeforeCalls: true } : {}),
    ...(options.readText ? { readText: options.readText } : {}),
    ...(options.knownDigests ? { knownDigests: options.knownDigests } : {}),
    ...(options.beforeCommit ? { beforeCommit: options.beforeCommit } : {}),
    ...(options.streamEveryMs !== undefined ? { streamEveryMs: options.streamEveryMs } : {}),
    objects,
  });
  const llm = createLlm({ providers: options.providers ?? [], op: tracing.op, context: tracing.platform.context, ...(options.llmFetch ? { fetch: options.llmFetch } : {}) });
  // `embed(texts, {model})`: the cell's llm.embed (stopped with the cell), cached one text at a time.
  const cellEmbed = (run: { key: string | null; signal: AbortSignal }) => createEmbed({ cache: calls, embed: (request) => llm.forCell(run).embed(request), newId: tracing.platform.newId, now: tracing.platform.now });
  const analyses = analysisTracker();
  const runner = options.analysisRunner ?? inlineRunnerOnUse;
  const observable = observableLibrary(options);
  const prompt = hostPromptBuiltin(options.calls?.prompts, options.store, tracing.platform.context);
  const platform: RuntimePlatform = {
    builtinDefinitions: { ...observable.definitions, ...standardDefinitions(options.document) },
    builtins: { ...observable.builtins, ...standardLibrary(options.document), dataset: trace.dataset, prompt, calls: callsBuiltin(options.calls), exportData: createExportData(options.saveFile), trainingSet: createTrainingSetBuiltin({ objects, prices: llm.prices(), ...(options.saveFile ? { saveFile: options.saveFile } : {}) }), scorers: createScorers({ op: tracing.op, llm }), driftDetector: (driftOptions: unknown) => driftDetector(tracing.op, driftOptions) },
    cellBuiltins: {
      ...trace.builtins,
      llm: (run: { key: string | null; signal: AbortSignal }) => llm.forCell(run),
      // A playground runs through the cell's client: its answers stop when the cell re-runs.
      playground: (run: { key: string | null; signal: AbortSignal }) => (spec: unknown) => new Playground(spec, llm.forCell(run), prompt),
      embed: (run: { key: string | null; signal: AbortSignal }) => cellEmbed(run),
      cluster: (run: { key: string | null; signal: AbortSignal }) => (data: unknown, clusterOptions?: ClusterOptions) =>
        analyses.track(
          onFirstRun("cluster", () => import("./analysis/cluster.ts"), ({ runCluster }) =>
            runCluster({ embed: cellEmbed(run), cache: calls, runner, vary: trace.builtins.vary(run), makeOp: tracing.op, llm, newId: tracing.platform.newId, now: tracing.platform.now }, data, clusterOptions, run.signal),
          ),
          (result) => result.labelling?.phase === "awaiting-approval",
        ),
      fineTune: (run: { key: string | null; signal: AbortSignal }) => (set: unknown, tuneOptions?: FineTuneOptions) =>
        analyses.track(
          onFirstRun("fineTune", () => import("./tune/run-fine-tune.ts"), ({ runFineTune }) =>
            runFineTune({ fineTuning: llm.fineTuning, prices: llm.prices(), objects, budget: () => (typeof options.defaultBudget === "function" ? options.defaultBudget() : options.defaultBudget), autoApprove: !!options.autoApprove, askBeforeCalls: !!options.askBeforeCalls }, set, tuneOptions, run.signal),
          ),
          (value) => value.status === "awaiting-approval",
        ),
      drift: (run: { key: string | null; signal: AbortSignal }) => (reference: unknown, current: unknown, driftOptions?: DriftOptions) =>
        analyses.track(
          onFirstRun("drift", () => import("./analysis/run-drift.ts"), ({ runDrift }) => runDrift({ embed: cellEmbed(run), runner }, reference, current, driftOptions, run.signal)),
          () => false,
        ),
    },
    now: () => performance.now(),
    input: inputValues,
    ...(options.store ? { cache: cellCache(options.store, options.cellCacheSession ? { session: options.cellCacheSession } : {}) } : {}),
    ...(options.report ? { report: options.report } : {}),
  };
  // Analyses first: a clustering's labels run as a vary inside it.
  const settled = async () => {
    await analyses.settled();
    await trace.settled();
  };
  /** Whether an analysis or a vary is still running: a cell that re-ran after `settled` resolved may have started one. */
  const busy = () => analyses.busy() || trace.busy();
  return { platform, log: tracing.log, calls, objects, llm, settled, busy };
}
