import { setMaxListeners } from "node:events";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { CellProgress, CellReport, RunReport, SettledRun } from "./run.ts";
import type { ExportCellRequest, ExportedCell } from "./export-data.ts";

// `weft run` runs the notebook in a worker thread. A cell that never yields (`while (true) {}`)
// blocks its thread's event loop, so no timer in that thread can end the run; the CLI's thread
// stays free, follows each cell's status as the worker posts it, and terminates the worker at
// the timeout, reporting the cell that was running. `runNotebook()` itself stays in-process
// for tests and other callers.
//
// The worker runs this same module (it checks `workerData` when it loads), so it works from
// the TypeScript sources (through tsx) and from the bundled CLI, where this module is a chunk.

/** What `weft run` asks of a run, as its options give it. */
export interface CliRunOptions {
  readonly cache: boolean;
  readonly cacheDir: string;
  readonly timeoutMs: number;
  readonly yes: boolean;
  readonly allowErrors: boolean;
  readonly budget?: number;
  readonly store?: string;
  /** `weft export-data`: the cell whose table the worker writes once the run settles (the report's `exported` says how it went). */
  readonly exportCell?: ExportCellRequest;
}

/** How long the CLI waits on the worker besides the notebook's own timeout. */
export interface WorkerLimits {
  /** From starting the worker to its first cell list (loading modules, opening the cache). */
  readonly startupMs: number;
  /** After the timeout, for the worker to send the report it makes itself (cells that only wait on promises). */
  readonly graceMs: number;
  /** After the report, for the worker to close its stores and exit. */
  readonly exitMs: number;
}

const DEFAULT_LIMITS: WorkerLimits = { startupMs: 120_000, graceMs: 1_000, exitMs: 10_000 };
const MARK = "weftRunWorker";

type WorkerMessage =
  | { type: "cells"; cells: { id: string; kind: string }[] }
  | { type: "progress"; progress: CellProgress }
  | { type: "report"; report: RunReport }
  | { type: "error"; name: string; message: string; stack: string | undefined };

/** Runs a notebook in a worker thread that is terminated when the run outlasts `timeoutMs`, however its cells block. */
export function runInWorker(file: string, options: CliRunOptions, limits: WorkerLimits = DEFAULT_LIMITS): Promise<RunReport> {
  const worker = startWorker({ [MARK]: true, file, options });
  const cells: { id: string; kind: string }[] = [];
  const progress = new Map<string, CellProgress>();
  /** Cells in the order they started running, the latest last. */
  const running: string[] = [];
  let startedAt = 0;
  let report: RunReport | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  return new Promise<RunReport>((resolve, reject) => {
    let done = false;
    const finish = (outcome: { report: RunReport } | { error: Error }, terminate: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (terminate) void stopWorker(worker, limits.exitMs);
      if ("report" in outcome) resolve(outcome.report);
      else reject(outcome.error);
    };
    const arm = (ms: number, onTimeout: () => void) => {
      clearTimeout(timer);
      timer = setTimeout(onTimeout, ms);
    };
    arm(limits.startupMs, () => finish({ error: new Error(`the run did not start within ${limits.startupMs} ms (loading the runtime or opening the cache in ${options.cacheDir})`) }, true));

    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "cells") {
        cells.push(...message.cells);
        startedAt = Date.now();
        arm(options.timeoutMs + limits.graceMs, () => finish({ report: stoppedReport(cells, progress, running, options.timeoutMs, Date.now() - startedAt) }, true));
      } else if (message.type === "progress") {
        const p = message.progress;
        progress.set(p.id, p);
        const at = running.indexOf(p.id);
        if (at >= 0) running.splice(at, 1);
        if (p.status === "running") running.push(p.id);
      } else if (message.type === "report") {
        report = message.report;
        // The worker closes its stores, then exits on its own; it is stopped if it does not.
        arm(limits.exitMs, () => finish({ report: message.report }, true));
      } else if (!report) {
        const error = new Error(message.message);
        error.name = message.name;
        if (message.stack) error.stack = message.stack;
        finish({ error }, true);
      }
    });
    worker.on("error", (error) => finish({ error }, true));
    worker.on("exit", (code) => {
      if (report) finish({ report }, false);
      else finish({ error: new Error(`the run's worker stopped (exit code ${code}) before it reported`) }, false);
    });
  });
}

/** The report of a run stopped at its timeout: each cell as the worker last told it, the running ones in error. */
export function stoppedReport(cells: readonly { id: string; kind: string }[], progress: ReadonlyMap<string, CellProgress>, running: readonly string[], timeoutMs: number, afterMs: number): RunReport {
  const current = running.at(-1) ?? null;
  const report: CellReport[] = cells.map(({ id, kind }) => {
    const p = progress.get(id);
    const status = p?.status ?? "queued";
    let error = p?.error ?? null;
    if (status === "running") error = `still running when the run was stopped at its ${timeoutMs} ms timeout (a cell that never yields, such as a synchronous loop, blocks every other cell; the run's worker was terminated)`;
    else if (status === "queued") error = `did not finish: the run was stopped at its ${timeoutMs} ms timeout${current ? ` while cell ${current} was running` : ""}`;
    return { id, kind, names: [], status: error && status !== "error" ? "error" : status, value: null, summary: "", error, ms: p?.ms ?? null, cached: status === "cached", runs: status === "fulfilled" ? 1 : 0, text: [] };
  });
  return { cells: report, ok: false, stopped: { cell: current, afterMs } };
}

async function stopWorker(worker: Worker, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([worker.terminate().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * Starts this module in a worker. From the bundled CLI it is JavaScript and starts as it is;
 * from the TypeScript sources the worker first registers tsx's loader (a worker does not
 * inherit the one registered in the main thread), then imports it.
 */
function startWorker(data: Record<string, unknown>): Worker {
  const self = import.meta.url;
  if (!self.endsWith(".ts")) return new Worker(new URL(self), { workerData: data });
  // tsx's ESM entry (package exports' "import" condition); createRequire would give the CommonJS one.
  const pkg = createRequire(self).resolve("tsx/package.json");
  const exports = (JSON.parse(readFileSync(pkg, "utf8")) as { exports: Record<string, { import: { default: string } }> }).exports;
  const tsx = pathToFileURL(path.join(path.dirname(pkg), exports["./esm/api"]!.import.default)).href;
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(self)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}

async function workerMain(file: string, options: CliRunOptions): Promise<void> {
  // Every call in flight listens on its run's abort signal: up to the vary's concurrency, which
  // is bounded, so Node's warning at 11 listeners ("possible memory leak") is noise here.
  setMaxListeners(1_000);
  const port = parentPort!;
  const post = (message: WorkerMessage) => port.postMessage(message);
  try {
    const [{ runNotebook }, { loadProviders }, { openLmdbStore }, { lazyStoreBackend }] = await Promise.all([import("./run.ts"), import("../server/provider-config.ts"), import("../store/lmdb.ts"), import("./run-calls.ts")]);
    const store = options.cache ? await openLmdbStore(path.resolve(options.cacheDir)) : null;
    const calls = lazyStoreBackend(options.store);
    try {
      const providers = await loadProviders(process.env);
      const request = options.exportCell;
      let exported: ExportedCell | undefined;
      // export-data: the cell's table is written once the cells settled, while its value (and the stores) are still there.
      const onSettled = request
        ? async (run: SettledRun) => {
            exported = await (await import("./export-data.ts")).exportSettledCell(run, request);
          }
        : null;
      const report = await runNotebook(file, {
        store, providers, calls, timeoutMs: options.timeoutMs, yes: options.yes, allowErrors: options.allowErrors,
        ...(options.budget !== undefined ? { budget: options.budget } : {}),
        ...(onSettled ? { onSettled } : {}),
        onCells: (cells) => post({ type: "cells", cells: [...cells] }),
        onProgress: (progress) => post({ type: "progress", progress }),
      });
      post({ type: "report", report: exported ? { ...report, exported } : report });
    } finally {
      await calls.close();
      await store?.close();
    }
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: "error", name: e.name, message: e.message, stack: e.stack });
  }
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[MARK]) {
  const data = workerData as { file: string; options: CliRunOptions };
  void workerMain(data.file, data.options);
}
