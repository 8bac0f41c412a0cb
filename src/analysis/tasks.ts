import { driftSteps, type DriftComputation, type DriftInput } from "./drift-steps.ts";
import { fitSteps, type ClusterFit, type FitInput } from "./fit.ts";

/** A long analysis a host runs off the page's thread (a Web Worker) or in slices: a cluster fit, or a drift computation. */
export type AnalysisTask = { readonly kind: "fit"; readonly input: FitInput } | { readonly kind: "drift"; readonly input: DriftInput };

/** What a task gives: a fit for "fit", a drift computation for "drift". */
export type AnalysisOutput<T extends AnalysisTask> = T extends { kind: "fit" } ? ClusterFit : DriftComputation;

/** One step of a task: its stage and how much of it is done. */
export interface AnalysisStep {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
}

/** A task's steps: the caller pauses between them, reports them as progress, or stops. */
export function analysisSteps(task: AnalysisTask): Generator<AnalysisStep, ClusterFit | DriftComputation> {
  if (task?.kind === "fit") return fitSteps(task.input);
  if (task?.kind === "drift") return driftSteps(task.input);
  throw new TypeError(`analysis: unknown task ${JSON.stringify((task as { kind?: unknown } | null)?.kind)}`);
}
