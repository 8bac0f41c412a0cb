// A drift detector rebuilt in the collector from its saved options (`weft:analysis/drift@N`):
// the op a monitor runs on each new call, and the work before the first call, done once per
// runner: read the reference texts, embed them (the offline hashing embedding, or the
// provider's model through `llm.embed` in batches), and compute the threshold. Each call's
// text is embedded the same way and scored by its distance to the nearest reference text.

import { createEmbed, type Embeddings } from "../eval/index.ts";
import type { EmbedRequest } from "../llm/index.ts";
import { checkDriftOptions, driftOpOptions, driftResult, driftTextAt, DEFAULT_THRESHOLD_SAMPLE, DRIFT_OP, type DriftOptions, type DriftResult, type MakeOp, type MonitorOp } from "../prod/index.ts";
import { driftScorer, fitDrift } from "../prod/drift-model.ts";
import { loadReferenceTexts, type DriftEnv } from "./drift-reference.ts";
import type { MonitorRunner } from "./monitor-op.ts";

/** Seeds the threshold's sample of reference rows. */
const SEED = 1;

/** Yields to the event loop (ingest) between pieces of the threshold's work. */
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rebuilds a drift detector from its saved options; throws, naming the field, when they are not valid here. */
export function buildDriftOp(saved: MonitorOp, makeOp: MakeOp, llm: { readonly embed: (request: EmbedRequest) => Promise<number[][]> }, env: DriftEnv | undefined): MonitorRunner {
  let options: DriftOptions;
  try {
    options = checkDriftOptions((saved.captures as { options?: unknown } | null)?.options, "options");
  } catch (error) {
    throw new Error(`the drift detector refused its saved options: ${(error as Error).message}`, { cause: error });
  }
  if (!env) throw new Error("a drift detector reads its reference from the collector's store, and none was given");
  const embed = createEmbed({ cache: null, embed: (request) => llm.embed(request), newId: () => "", now: Date.now });
  let prepared: Promise<{ score: (v: Float32Array) => Promise<{ distance: number; index: number }>; threshold: number; ids: (string | null)[]; note: string }> | null = null;
  const prepare = () => (prepared ??= load(options, env, embed));
  const run = async (input: Record<string, unknown>): Promise<DriftResult> => {
    const model = await prepare();
    const text = driftTextAt(input, options.text);
    if (text === undefined) throw new Error(`drift: the monitor's input has no "${options.text}" (it has ${Object.keys(input).join(", ") || "nothing"}); name a path it has, or map one with the monitor's columns`);
    if (!text.trim()) throw new Error(`drift: the text at "${options.text}" is empty`);
    const [vector] = (await embed([text], options.model !== null ? { model: options.model } : {})).vectors;
    const nearest = await model.score(vector!);
    return driftResult(nearest.distance, model.threshold, model.ids[nearest.index] ?? undefined);
  };
  const op = makeOp(DRIFT_OP, run, driftOpOptions(options));
  return { op, usesLlm: options.model !== null, prepare: async () => (await prepare()).note };
}

/** Reads and embeds the reference, and computes its threshold; the note says what was used. */
async function load(options: DriftOptions, env: DriftEnv, embed: (texts: readonly string[], options?: { model?: string }) => Promise<Embeddings>) {
  const reference = await loadReferenceTexts(options, env);
  const embedded = await embed(reference.texts, options.model !== null ? { model: options.model } : {});
  const vectors = embedded.vectors;
  const fit = await fitDrift(vectors, { q: options.q, metric: options.metric, sample: options.sample ?? DEFAULT_THRESHOLD_SAMPLE, seed: SEED }, yieldTurn);
  const n = (x: number) => x.toLocaleString("en-US");
  const which = fit.sampled < vectors.length ? `a seeded sample of ${n(fit.sampled)} of the ${n(vectors.length)}` : `all ${n(vectors.length)}`;
  const embedder = options.model === null ? "the offline hashing embedding" : `embeddings of ${options.model}`;
  const note = `reference: ${reference.note}; ${embedder}; threshold ${fit.threshold.toPrecision(4)}: the ${options.q}th percentile of the leave-one-out ${options.metric} distances of ${which} reference texts`;
  return { score: driftScorer(vectors, options.metric, (run) => void setImmediate(run)), threshold: fit.threshold, ids: reference.ids, note };
}
