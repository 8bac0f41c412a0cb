import { analysisSteps, fittingReady, type AnalysisOutput } from "../../analysis/index.ts";
import { analysisCancelled, type AnalysisRunner } from "./analysis-runner.ts";

/** Longest stretch the inline runner computes before it lets other work run (ms). */
const SLICE_MS = 20;

/**
 * Runs the task in this thread (Node, or a page without workers), in slices of about 20 ms
 * between which other work runs (progress is shown, a cancel is heard). A cancel stops it at
 * the next step: within one UMAP epoch, 64 drift queries or one stage.
 */
export const inlineRunner: AnalysisRunner = async (task, { signal, onProgress }) => {
  await fittingReady();
  const steps = analysisSteps(task);
  let sliceStart = Date.now();
  for (;;) {
    if (signal.aborted) throw analysisCancelled(task.kind);
    const step = steps.next();
    if (step.done) return step.value as AnalysisOutput<typeof task>;
    onProgress(step.value.stage, step.value.done, step.value.total);
    if (Date.now() - sliceStart >= SLICE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      sliceStart = Date.now();
    }
  }
};
