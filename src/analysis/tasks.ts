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

/** Vectors as one transferable block: `n` rows of `dims` 32-bit floats. */
export interface PackedVectors {
  readonly data: Float32Array;
  readonly n: number;
  readonly dims: number;
}

/** A task as posted to a worker: its vectors packed. */
export type PackedTask = { readonly kind: "fit"; readonly input: Omit<FitInput, "vectors"> & { readonly vectors: PackedVectors } } | { readonly kind: "drift"; readonly input: Omit<DriftInput, "reference" | "current"> & { readonly reference: PackedVectors; readonly current: PackedVectors } };

/** Packs vectors into one block (one copy; posting it transfers it instead of cloning thousands of arrays). */
export function packVectors(vectors: readonly ArrayLike<number>[]): PackedVectors {
  const dims = vectors[0]?.length ?? 0;
  const data = new Float32Array(vectors.length * dims);
  vectors.forEach((v, i) => {
    if (v.length !== dims) throw new RangeError(`analysis: vectors are ragged: vectors[${i}] has ${v.length} dimensions, vectors[0] has ${dims}`);
    data.set(v, i * dims);
  });
  return { data, n: vectors.length, dims };
}

/** The vectors of a block, as views into it (no copy). */
export function unpackVectors(packed: PackedVectors): Float32Array[] {
  return Array.from({ length: packed.n }, (_, i) => packed.data.subarray(i * packed.dims, (i + 1) * packed.dims));
}

/** A task with its vectors packed, and the buffers to transfer with it. */
export function packTask(task: AnalysisTask): { readonly task: PackedTask; readonly transfer: ArrayBuffer[] } {
  if (task.kind === "fit") {
    const vectors = packVectors(task.input.vectors);
    return { task: { kind: "fit", input: { ...task.input, vectors } }, transfer: [vectors.data.buffer as ArrayBuffer] };
  }
  const reference = packVectors(task.input.reference);
  const current = packVectors(task.input.current);
  return { task: { kind: "drift", input: { ...task.input, reference, current } }, transfer: [reference.data.buffer as ArrayBuffer, current.data.buffer as ArrayBuffer] };
}

/** The task a packed task stands for (vectors as views into the blocks). */
export function unpackTask(packed: PackedTask): AnalysisTask {
  if (packed.kind === "fit") return { kind: "fit", input: { ...packed.input, vectors: unpackVectors(packed.input.vectors) } };
  return { kind: "drift", input: { ...packed.input, reference: unpackVectors(packed.input.reference), current: unpackVectors(packed.input.current) } };
}
