import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { NotebookFiles } from "../server/index.ts";
import { defaultRegistry } from "../../cells/index.ts";
import { compileCell, hasFlag, kindsLoading, notebookSettings, parse, sourceLines, type CellKindRegistry } from "../notebook/index.ts";
import { NotebookRuntime, type CellError, type CellState, type RuntimeCell } from "../runtime/index.ts";
import { notebookPlatform, type NotebookFileSource } from "../stdlib/index.ts";
import type { KvStore } from "../store/index.ts";
import { isVaryResult, type ErrorGroup, type VaryResult } from "../trace/index.ts";
import { type Json } from "../base/index.ts";
import { asyncCarrier } from "../server/async-carrier.ts";
import type { ProviderConfig } from "../llm/index.ts";
import type { CallsBackend } from "../prod/index.ts";
import { installServerDom } from "./server-dom.ts";
import { jsonValue, summarize } from "./summarize.ts";
import { useNodeSha256 } from "../server/node-sha256.ts";
import { valueLines } from "./value-text.ts";
import { money } from "./run-format.ts";
import { readTextFile } from "./notebook-file.ts";
import { notebookFolderSaver, type ExportedCell } from "./export-data.ts";

/** One cell in a run report, as `weft run --json` prints it. */
export interface CellReport {
  id: string;
  kind: string;
  names: string[];
  status: string;
  value: Json | null;
  summary: string;
  error: string | null;
  ms: number | null;
  cached: boolean;
  runs: number;
  /** What the human output prints for the cell's value: a table's first rows, Markdown as text, a gate's message. */
  text: string[];
  /** For a cell defining a vary: its final counts. */
  vary?: VarySummary;
  /** Where the error is in the notebook file (1-based line, 0-based column), when known. */
  position?: { line: number; column: number };
}

/** The closing counts of one vary run. */
export interface VarySummary {
  name: string;
  phase: string;
  leaves: number;
  computed: number;
  cached: number;
  errors: number;
  scorerCalls: number;
  cost: number;
  costByModel: Record<string, number>;
  estimatedCost: number | null;
  budget: number | null;
  /** The distinct error messages of failed leaves and scores, most frequent first. */
  errorGroups: ErrorGroup[];
  /** Whether errors are accepted (`allowErrors: true` in the spec, or `--allow-errors`). */
  allowErrors: boolean;
  /** Why the run was not offered (its calls cannot be made), else null. */
  blocked: string | null;
}

/** The result of running a notebook headless. */
export interface RunReport {
  cells: CellReport[];
  ok: boolean;
  /** Set when the run was stopped at its timeout while a cell was still running (see run-worker.ts). */
  stopped?: { cell: string | null; afterMs: number };
  /** What `weft export-data` wrote of the cell it names (see export-data.ts). */
  exported?: ExportedCell;
}

/** A cell's status as a run goes: what the worker tells the CLI, so a run stopped at its timeout can name the cell that was running. */
export interface CellProgress {
  readonly id: string;
  readonly status: string;
  readonly ms: number | null;
  readonly error: string | null;
}

/** Options of a headless run: the store for the cell and call caches, the budget gate, and how long to wait. */
export interface RunOptions {
  readonly store?: KvStore | null;
  readonly timeoutMs?: number;
  readonly registry?: CellKindRegistry;
  /** Run vary plans over budget without asking (--yes). */
  readonly yes?: boolean;
  /** Failed leaves of a vary do not make the run fail (--allow-errors). */
  readonly allowErrors?: boolean;
  readonly budget?: number;
  /** Every vary asks before any LLM call, whatever it costs (see HostOptions.askBeforeCalls). */
  readonly askBeforeCalls?: boolean;
  readonly providers?: readonly ProviderConfig[];
  /** Where `calls()` reads production calls. */
  readonly calls?: CallsBackend | null;
  /** Called once with the cells that will run, when the run starts. */
  readonly onCells?: (cells: readonly { id: string; kind: string }[]) => void;
  /** Called with every file a cell read: `dataset.load` (text) and `FileAttachment` (bytes). */
  readonly onFileRead?: (via: "text" | "attachment", name: string, content: string | Uint8Array) => void;
  /** Where the notebook's data files and attachments are read, instead of the notebook's folder (the editor's notebooks, templates included). */
  readonly folderFiles?: FolderFiles;
  /** Called once the cells have settled (or timed out), before the runtime is disposed: what `weft build` snapshots. */
  readonly onSettled?: (run: SettledRun) => void | Promise<void>;
  /** Called when a cell's status changes (queued, running, fulfilled, cached, error). */
  readonly onProgress?: (progress: CellProgress) => void;
}

/** The files next to a notebook: its data files (`dataset.load`) and attachments (`FileAttachment`). */
export interface FolderFiles {
  readData(name: string): Promise<string>;
  readFile(name: string): Promise<Uint8Array>;
}

/** A run whose cells have settled: the runtime (its states still readable) and the cells as compiled. */
export interface SettledRun {
  readonly runtime: NotebookRuntime;
  readonly cells: readonly RuntimeCell[];
}

/** How often a headless run passes a running vary's partial results to its dependents: no one sees them, so once an hour. */
const HEADLESS_STREAM_MS = 3_600_000;

/** Runs a notebook file in Node with the editor's runtime and standard library; cells that never settle time out as errors. */
export async function runNotebook(file: string, options: RunOptions = {}): Promise<RunReport> {
  useNodeSha256();
  const text = await readTextFile(file);
  const notebook = parse(text);
  // Errors located within a cell's source are reported at their line in the file.
  const startLines = sourceLines(text);
  const startLine = new Map<string, number>(notebook.cells.map((c, i) => [c.id, startLines[i]!]));
  const located = (id: string, e: CellError) => (e.line !== undefined ? { line: startLine.get(id)! + e.line - 1, column: e.column ?? 0 } : null);
  const formatError = (id: string, e: CellError) => {
    const at = located(id, e);
    return at ? `${e.message} (${at.line}:${at.column})` : e.message;
  };
  const document = installServerDom();
  const registry = options.registry ?? defaultRegistry();
  const folder = path.dirname(path.resolve(file));
  const host = notebookPlatform({
    document,
    files: recorded(options.folderFiles ? { read: (name) => options.folderFiles!.readFile(name) } : notebookFolder(folder), options.onFileRead),
    importPackage: (specifier) => importInstalled(folder, specifier),
    saveFile: notebookFolderSaver(folder),
    sampleDataset: (name) => readFile(ownRequire.resolve(`@observablehq/sample-datasets/${name}`), "utf8"),
    store: options.store ?? null,
    context: asyncCarrier(),
    providers: options.providers ?? [],
    readText: async (name) => {
      const text = await (options.folderFiles ?? new NotebookFiles(folder)).readData(name);
      options.onFileRead?.("text", name, text);
      return text;
    },
    autoApprove: !!options.yes,
    // Headless: a vary's dependents compute on its final results only, not on a partial snapshot every 100 ms.
    streamEveryMs: HEADLESS_STREAM_MS,
    ...(options.askBeforeCalls ? { askBeforeCalls: true } : {}),
    defaultBudget: options.budget ?? notebookSettings(notebook).budget ?? 1,
    report: (message) => process.stderr.write(`weft: ${message}\n`),
    calls: options.calls ?? null,
  });
  const runtime = new NotebookRuntime(host.platform);
  const cells = notebook.cells.filter((c) => registry.get(c.kind));
  const onProgress = options.onProgress;
  if (onProgress) {
    const last = new Map<string, string>();
    runtime.subscribe((id, state) => {
      if (last.get(id) === state.status) return;
      last.set(id, state.status);
      onProgress({ id, status: state.status, ms: state.ms, error: state.error ? formatError(id, state.error) : null });
    });
  }
  options.onCells?.(cells.map((c) => ({ id: c.id, kind: c.kind })));
  await kindsLoading(cells.map((c) => c.kind), registry);
  const runtimeCells: RuntimeCell[] = cells.map((c) => ({ id: c.id, kind: c.kind, source: c.source, nocache: hasFlag(c, "nocache"), compiled: compileCell(c, registry) }));
  runtime.sync(runtimeCells);
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Cells settle, vary runs finish (streaming their snapshots), and what depends on them settles.
  // A cell restored from the cache and then re-run can start a vary or an analysis after the
  // first wait: it repeats until nothing runs (bounded; the timeout below bounds it in time).
  const quiet = async () => {
    for (let round = 0; round < 100; round++) {
      await runtime.idle();
      await host.settled();
      await runtime.idle();
      if (!host.busy()) return;
    }
  };
  const timedOut = await Promise.race([
    quiet().then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
  ]);
  clearTimeout(timer);
  const report: CellReport[] = cells.map((c) => {
    const s = runtime.state(c.id)!;
    const settled = s.status !== "queued" && s.status !== "running";
    const varyName = s.names.find((n) => isVaryResult(s.exports[n]));
    const vary = varyName ? varySummary(varyName, s.exports[varyName] as VaryResult, !!options.allowErrors) : undefined;
    const error = !settled && timedOut ? `did not settle within ${timeoutMs} ms` : s.error ? formatError(c.id, s.error) : vary ? varyError(vary) : null;
    const ok = s.status !== "error";
    const position = s.error ? located(c.id, s.error) : null;
    return {
      id: c.id,
      kind: c.kind,
      names: [...s.names],
      status: error && !s.error ? "error" : s.status,
      value: ok ? jsonValue(shown(s)) : null,
      summary: !ok ? "" : s.displays.length && shown(s) === undefined ? s.displays.map((d) => summarize(d)).join(" ") : s.autodisplay || !s.names.length ? summarize(s.value) : s.names.map((n) => `${n} = ${summarize(s.exports[n], 60)}`).join(", "),
      error,
      ms: s.ms === null ? null : Math.round(s.ms * 1000) / 1000,
      cached: s.status === "cached",
      runs: s.runs,
      text: ok ? cellText(s) : [],
      ...(vary ? { vary } : {}),
      ...(position ? { position } : {}),
    };
  });
  await options.onSettled?.({ runtime, cells: runtimeCells });
  runtime.dispose();
  await host.objects?.flush();
  return { cells: report, ok: report.every((c) => c.error === null) };
}

const ownRequire = createRequire(import.meta.url);

/** A file source that tells `onRead` of every file read through it. */
function recorded(source: NotebookFileSource, onRead: RunOptions["onFileRead"]): NotebookFileSource {
  if (!onRead) return source;
  return {
    ...source,
    read: async (name) => {
      const bytes = await source.read(name);
      onRead("attachment", name, bytes);
      return bytes;
    },
  };
}

/**
 * The files of a notebook's folder for `FileAttachment`, confined as the server confines
 * notebooks (no "..", no hidden files, no symlink out of the folder); any file type.
 */
function notebookFolder(folder: string): NotebookFileSource {
  const files = new NotebookFiles(folder);
  return {
    read: async (name) => {
      const where = await files.resolve(name, [""]).catch((error: Error) => {
        throw new Error(`FileAttachment(${JSON.stringify(name)}): ${error.message}`);
      });
      try {
        return new Uint8Array(await readFile(where));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") throw new Error(`FileAttachment(${JSON.stringify(name)}): no such file in the notebook's folder ${folder}`);
        if (code === "EISDIR") throw new Error(`FileAttachment(${JSON.stringify(name)}): a folder, not a file`);
        throw error;
      }
    },
  };
}

/** `require` in Node: a package installed next to the notebook, else one installed with weft; never the network. */
async function importInstalled(folder: string, specifier: string): Promise<unknown> {
  try {
    return await import(pathToFileURL(createRequire(path.join(folder, "notebook.js")).resolve(specifier)).href);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "MODULE_NOT_FOUND" && code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw error;
  }
  try {
    return await import(specifier);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") throw new Error(`require(${JSON.stringify(specifier)}): the package is not installed in node_modules next to the notebook or with weft`);
    throw error;
  }
}

/** What a cell shows: its expression value, or an object of its declarations' current values. */
function shown(s: CellState): unknown {
  return s.autodisplay || !s.names.length ? s.value : s.exports;
}

/** What a cell prints: its displays (a gate's message), else its value, or each declared name's. */
function cellText(s: CellState): string[] {
  if (s.displays.length && shown(s) === undefined) return s.displays.flatMap((d) => valueLines(d));
  if (s.autodisplay || !s.names.length) return valueLines(s.value);
  return s.names.flatMap((n) => {
    const lines = valueLines(s.exports[n]);
    return lines.length === 1 ? [`${n} = ${lines[0]}`] : [`${n} =`, ...lines];
  });
}

function varySummary(name: string, r: VaryResult, allowErrors: boolean): VarySummary {
  const p = r.progress;
  return {
    name, phase: r.phase, leaves: p.total, computed: p.opCalls, cached: p.cached, errors: p.errors + p.scorerErrors, scorerCalls: p.scorerCalls, cost: p.cost, costByModel: p.costByModel,
    estimatedCost: r.plan?.estimatedCost ?? null, budget: r.plan?.budget ?? null, errorGroups: r.errorGroups(), allowErrors: allowErrors || r.allowErrors, blocked: r.plan?.blocked ?? null,
  };
}

/** Why a vary cell fails the run: its calls cannot be made, it waits for a budget approval, or leaves failed (unless errors are allowed). */
function varyError(v: VarySummary): string | null {
  if (v.phase === "blocked") return `not run: ${v.blocked}`;
  if (v.phase === "awaiting-approval") return `not run: the plan's estimate ${money(v.estimatedCost ?? 0)} is over the budget ${money(v.budget ?? 0)}; run again with --yes to spend it`;
  if (v.errors > 0 && !v.allowErrors) {
    const top = v.errorGroups[0]!;
    return `${v.errors} of ${v.leaves} leaves failed${v.errorGroups.length > 1 ? ` (${v.errorGroups.length} distinct errors)` : ""}, e.g. ${top.message}; set allowErrors: true in the spec or pass --allow-errors to accept them`;
  }
  return null;
}


export { formatReport } from "./run-format.ts";
