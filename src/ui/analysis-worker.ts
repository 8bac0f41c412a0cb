// The Web Worker that runs `cluster(...)` fits and `drift(...)` computations in the editor, so the
// page never freezes: it runs the task's steps and posts progress (at most every 50 ms), then
// the output or the error.
import { analysisSteps, fittingReady, unpackTask, type PackedTask } from "../analysis/index.ts";

/** How often progress is posted (ms). */
const PROGRESS_EVERY_MS = 50;

self.onmessage = async (event: MessageEvent<{ task: PackedTask }>) => {
  try {
    await fittingReady();
    // The vectors came as one transferred block each; the steps read views into it.
    const steps = analysisSteps(unpackTask(event.data.task));
    let last = 0;
    for (;;) {
      const step = steps.next();
      if (step.done) {
        self.postMessage({ type: "done", output: step.value });
        return;
      }
      const now = performance.now();
      if (now - last >= PROGRESS_EVERY_MS || step.value.done === step.value.total) {
        last = now;
        self.postMessage({ type: "progress", ...step.value });
      }
    }
  } catch (error) {
    self.postMessage({ type: "error", message: (error as Error).message });
  }
};
