import { RunningSet } from "../../base/index.ts";
import type { AnalysisOutput, AnalysisTask } from "../../analysis/index.ts";

/** How a host runs a long analysis (a cluster fit, a drift computation): in a Web Worker in the browser (the page never freezes), in slices elsewhere. */
export type AnalysisRunner = <T extends AnalysisTask>(task: T, options: AnalysisRunOptions) => Promise<AnalysisOutput<T>>;

/** A run's cancel signal and progress callback. */
export interface AnalysisRunOptions {
  readonly signal: AbortSignal;
  readonly onProgress: (stage: string, done: number, total: number) => void;
}

/** The error a cancelled analysis rejects with. */
export function analysisCancelled(kind: string): Error {
  return Object.assign(new Error(`${kind === "fit" ? "cluster" : kind}: cancelled`), { name: "AbortError" });
}

/** The inline runner (inline-runner.ts: this thread, in slices), its code loaded with the first task it runs. */
export const inlineRunnerOnUse: AnalysisRunner = async (task, options) => {
  const loaded = await import("./inline-runner.ts").catch((error: Error) => {
    throw new Error(`${task.kind === "fit" ? "cluster" : task.kind}: could not load the analysis code: ${error.message}`, { cause: error });
  });
  return loaded.inlineRunner(task, options);
};

/** Minimum interval between progress values shown while a task runs (ms). */
const PROGRESS_EVERY_MS = 100;

/** Runs a task in the runner, turning its progress callbacks into values to yield (at most every 100 ms), then its output. */
export async function* runWithProgress<T extends AnalysisTask>(runner: AnalysisRunner, task: T, signal: AbortSignal): AsyncGenerator<{ stage: string; done: number; total: number } | { output: AnalysisOutput<T> }> {
  let latest: { stage: string; done: number; total: number } | null = null;
  let wake: (() => void) | null = null;
  let lastShown = 0;
  const run = runner(task, {
    signal,
    onProgress: (stage, done, total) => {
      latest = { stage, done, total };
      wake?.();
    },
  });
  let settled = false;
  const finished = run.then(
    () => void (settled = true),
    () => void (settled = true),
  );
  while (!settled) {
    await Promise.race([finished, new Promise<void>((resolve) => (wake = resolve))]);
    wake = null;
    const now = Date.now();
    if (latest && !settled && now - lastShown >= PROGRESS_EVERY_MS) {
      lastShown = now;
      yield latest;
    }
  }
  yield { output: await run };
}

const PROGRESS = Symbol.for("weft.analysis-progress");

/** A running analysis as its cell shows it: what runs (`cluster`, `drift`), the stage, how far it is, and a way to cancel it. */
export interface AnalysisProgress {
  readonly [PROGRESS]: true;
  readonly kind: "cluster" | "drift";
  /** `reading`, `embedding`, `clustering`, `projecting`, `keywords`, `labelling`, `threshold`, `nearest`, `clusters`. */
  readonly stage: string;
  readonly done: number;
  readonly total: number;
  /** Rows being analysed. */
  readonly rows: number;
  /** Stops the analysis: the cell fails with "<kind>: cancelled". */
  cancel(): void;
}

/** A progress value for an analysis that `controller` cancels. */
export function analysisProgress(kind: AnalysisProgress["kind"], stage: string, done: number, total: number, rows: number, controller: AbortController): AnalysisProgress {
  return { [PROGRESS]: true, kind, stage, done, total, rows, cancel: () => controller.abort() };
}

/** Whether a value is a running analysis's progress. */
export function isAnalysisProgress(value: unknown): value is AnalysisProgress {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[PROGRESS] === true;
}

/** Analyses running in a host, so a headless run waits for them as it waits for vary runs. */
export interface AnalysisTracker {
  /** The same values as `run`, counted as running until it ends, except while `paused(value)` holds for the last value (a plan awaiting approval). */
  track<T>(run: AsyncGenerator<T>, paused: (value: T) => boolean): AsyncGenerator<T>;
  /** Resolves when no tracked analysis is running (or all running ones are paused). */
  settled(): Promise<void>;
  /** Whether a tracked analysis is running (not paused). */
  busy(): boolean;
}

/** Makes a tracker of running analyses. */
export function analysisTracker(): AnalysisTracker {
  const running = new RunningSet();
  return {
    track<T>(run: AsyncGenerator<T>, paused: (value: T) => boolean): AsyncGenerator<T> {
      return (async function* () {
        let release: (() => void) | null = running.hold();
        try {
          for await (const value of run) {
            if (paused(value)) {
              release?.();
              release = null;
            } else release ??= running.hold();
            yield value;
          }
        } finally {
          release?.();
        }
      })();
    },
    busy: () => running.busy,
    settled: () => running.settled(),
  };
}
