import { fitSteps, type ClusterFit, type FitInput, type FitStage } from "../../analysis/index.ts";

/** How a host runs a cluster fit: in a Web Worker in the browser (the page never freezes), inline in Node. */
export type FitRunner = (input: FitInput, options: FitRunOptions) => Promise<ClusterFit>;

/** A fit run's cancel signal and progress callback. */
export interface FitRunOptions {
  readonly signal: AbortSignal;
  readonly onProgress: (stage: FitStage, done: number, total: number) => void;
}

/** The error a cancelled fit rejects with. */
export function fitCancelled(): Error {
  return Object.assign(new Error("cluster: cancelled"), { name: "AbortError" });
}

/** Longest stretch the inline runner computes before it lets other work run (ms). */
const SLICE_MS = 20;

/**
 * Runs the fit in this thread (Node, or a page without workers), in slices of about 20 ms
 * between which other work runs (progress is shown, a cancel is heard). A cancel stops it at
 * the next step: within one UMAP epoch or one stage.
 */
export const inlineFitRunner: FitRunner = async (input, { signal, onProgress }) => {
  const steps = fitSteps(input);
  let sliceStart = Date.now();
  for (;;) {
    if (signal.aborted) throw fitCancelled();
    const step = steps.next();
    if (step.done) return step.value;
    onProgress(step.value.stage, step.value.done, step.value.total);
    if (Date.now() - sliceStart >= SLICE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      sliceStart = Date.now();
    }
  }
};
