import { packTask, type AnalysisOutput, type AnalysisTask } from "../analysis/index.ts";
import { analysisCancelled, inlineRunnerOnUse, type AnalysisRunner } from "../stdlib/index.ts";

type WorkerMessage = { type: "done"; output: unknown } | { type: "progress"; stage: string; done: number; total: number } | { type: "error"; message: string };

/**
 * Runs an analysis task (a cluster fit, a drift computation) in a Web Worker, one per task:
 * progress comes back as it runs, and a cancel terminates the worker at once. Where a worker
 * cannot start, the task runs inline in slices.
 */
export const workerRunner: AnalysisRunner = <T extends AnalysisTask>(task: T, options: Parameters<AnalysisRunner>[1]) => {
  let worker: Worker;
  try {
    worker = new Worker(new URL("./analysis-worker.ts", import.meta.url), { type: "module", name: `weft-${task.kind}` });
  } catch {
    return inlineRunnerOnUse(task, options);
  }
  return new Promise<AnalysisOutput<T>>((resolve, reject) => {
    const finish = () => {
      options.signal.removeEventListener("abort", cancel);
      worker.terminate();
    };
    const cancel = () => {
      finish();
      reject(analysisCancelled(task.kind));
    };
    if (options.signal.aborted) return cancel();
    options.signal.addEventListener("abort", cancel, { once: true });
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const m = event.data;
      if (m.type === "progress") return options.onProgress(m.stage, m.done, m.total);
      finish();
      if (m.type === "done") resolve(m.output as AnalysisOutput<T>);
      else reject(new Error(m.message));
    };
    worker.onerror = (event) => {
      finish();
      reject(new Error(`${task.kind === "fit" ? "cluster" : task.kind}: the analysis worker failed: ${event.message || "it could not start"}`));
    };
    // One block per set of vectors, transferred (a structured clone of 10,000 arrays is a long task of its own).
    const packed = packTask(task);
    worker.postMessage({ task: packed.task }, packed.transfer);
  });
};
