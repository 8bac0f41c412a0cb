// The drift detector as a monitor saves it (the pure part): its options, checked and filled
// with their defaults, naming the field at fault; the text of a call or a dataset row that is
// embedded; the result stored per call; and the op a notebook hands to `calls().monitor()`.
// The collector rebuilds the op from the same options (src/server/drift-op.ts), loads the
// reference, and scores each new call by its distance to the nearest reference text.

import { readableText } from "./readable-text.ts";
import type { Call, Json } from "../base/index.ts";
import { OFFLINE_EMBEDDER } from "../eval/index.ts";
import { FilterError, parseTime, validateFilter, type CallFilter } from "../store/index.ts";
import type { Op, OpOptions } from "../trace/index.ts";
import { pathSteps, valueAt } from "./column-map.ts";
import { checkDatasetName } from "./dataset-versions.ts";

/** The library identifier a drift detector is saved under; the collector rebuilds the op from it. */
export const DRIFT_SOURCE = "weft:analysis/drift@1";
/** The op's name (its feedback is named after the monitor, its source is `drift:version8`). */
export const DRIFT_OP = "drift";
/** Most reference calls or rows loaded; beyond, a seeded sample of this many is used (and said). */
export const MAX_REFERENCE = 10_000;
/** Default percentile of the reference's own nearest-neighbour distances that makes the threshold. */
export const DEFAULT_Q = 99;
/** Default number of reference texts whose leave-one-out distance is computed for the threshold (each against the whole reference). */
export const DEFAULT_THRESHOLD_SAMPLE = 1_000;
/** Longest text embedded per call or row (as `cluster` takes). */
export const MAX_DRIFT_TEXT = 8_000;

/** Where the reference comes from: calls (the filter is laid over the monitor's own) or a stored dataset version. */
export type DriftReference = { readonly filter: CallFilter } | { readonly dataset: string; readonly version: number | string | null };

/** A drift detector's options, checked, with every default filled in (JSON only: they are saved with the monitor and digested into its version). */
export interface DriftOptions {
  readonly reference: DriftReference;
  /** The path of the text in the monitor's input (its columns, by default `{inputs, output}`), or in a dataset row. */
  readonly text: string;
  /** The percentile, in (0, 100]: about (100 − q)% of calls like the reference's are flagged. */
  readonly q: number;
  /** The provider's embedding model; null for the offline hashing embedding. */
  readonly model: string | null;
  readonly metric: "cosine" | "euclidean";
  /** Reference texts whose leave-one-out distance makes the threshold (null: `DEFAULT_THRESHOLD_SAMPLE`). */
  readonly sample: number | null;
}

/** What the detector stores for one call. */
export interface DriftResult {
  /** The distance to the nearest reference text. */
  readonly distance: number;
  readonly threshold: number;
  /** Farther than the threshold (beyond float rounding): a guardrail watches this field. */
  readonly drifted: boolean;
  /** The reference call (or dataset row's `source_call`) nearest to this one, when known. */
  readonly nearest?: string;
}

/** Drift detector options refused, with the field at fault (`driftDetector.reference.filter.until`). */
export class DriftOptionsError extends Error {
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = "DriftOptionsError";
  }
}

/** Distances within this of the threshold are not drift: the vectors are 32-bit floats, so a duplicate is at about 1e-8, not 0. */
const ROUNDING = 1e-6;
const OPTIONS = ["reference", "text", "q", "model", "metric", "sample"];
const SHAPE = '{reference: {since, until} | {filter: {…, until}} | {dataset: name, version?}, text: "inputs", q?: 99, model?, metric?: "cosine", sample?}';

/** Checks loose drift detector options (from a notebook, HTTP or a saved monitor) and fills their defaults; throws a `DriftOptionsError` naming the field. Checked options pass again unchanged. */
export function checkDriftOptions(input: unknown, where = "driftDetector"): DriftOptions {
  if (!isObject(input)) throw new DriftOptionsError(where, `expected the options ${SHAPE}, got ${describe(input)}`);
  for (const key of Object.keys(input)) if (!OPTIONS.includes(key)) throw new DriftOptionsError(`${where}.${key}`, `unknown option (options: ${OPTIONS.join(", ")})`);
  const reference = checkReference(input.reference, `${where}.reference`);
  const text = input.text;
  if (typeof text !== "string" || !text.trim()) throw new DriftOptionsError(`${where}.text`, `expected the path of the text in the monitor's input, such as "inputs" or "inputs.messages[-1].content", got ${describe(text)}`);
  try {
    rowSteps(text);
  } catch {
    throw new DriftOptionsError(`${where}.text`, `invalid path ${JSON.stringify(text)}: use names, [index] or ["key"], e.g. "inputs" or "inputs.messages[-1].content"`);
  }
  const q = input.q ?? DEFAULT_Q;
  if (typeof q !== "number" || !(q > 0 && q <= 100)) throw new DriftOptionsError(`${where}.q`, `expected a percentile in (0, 100], such as 99 (about 1% of calls like the reference's are flagged), got ${describe(q)}`);
  let model = input.model ?? null;
  if (model !== null && (typeof model !== "string" || !model.trim())) throw new DriftOptionsError(`${where}.model`, `expected an embedding model name (or none, for the offline hashing embedding), got ${describe(model)}`);
  if (model === OFFLINE_EMBEDDER) model = null;
  const metric = input.metric ?? "cosine";
  if (metric !== "cosine" && metric !== "euclidean") throw new DriftOptionsError(`${where}.metric`, `expected "cosine" or "euclidean", got ${describe(metric)}`);
  const sample = input.sample ?? null;
  if (sample !== null && (typeof sample !== "number" || !Number.isInteger(sample) || sample < 2 || sample > MAX_REFERENCE)) {
    throw new DriftOptionsError(`${where}.sample`, `expected how many reference texts make the threshold, an integer from 2 to ${MAX_REFERENCE.toLocaleString("en-US")}, got ${describe(sample)}`);
  }
  return { reference, text, q, model: model as string | null, metric, sample: sample as number | null };
}

function checkReference(input: unknown, at: string): DriftReference {
  if (!isObject(input)) throw new DriftOptionsError(at, `expected the reference calls, {since, until} (laid over the monitor's filter) or {filter: {…}}, or a dataset, {dataset: name, version?}; got ${describe(input)}`);
  if ("dataset" in input) {
    for (const key of Object.keys(input)) if (key !== "dataset" && key !== "version") throw new DriftOptionsError(`${at}.${key}`, "unknown field of a dataset reference (fields: dataset, version)");
    try {
      checkDatasetName(input.dataset);
    } catch (error) {
      throw new DriftOptionsError(`${at}.dataset`, bare(error as Error));
    }
    const version = input.version ?? null;
    const digest = typeof version === "string" && /^[0-9a-f]{8,64}$/.test(version);
    if (version !== null && !(typeof version === "number" && Number.isInteger(version) && version >= 1) && !digest) {
      throw new DriftOptionsError(`${at}.version`, `expected a version number (1, 2, …) or a digest of 8+ hex characters, or none for the latest, got ${describe(version)}`);
    }
    return { dataset: input.dataset as string, version: version as number | string | null };
  }
  const wrapped = "filter" in input;
  if (wrapped) for (const key of Object.keys(input)) if (key !== "filter") throw new DriftOptionsError(`${at}.${key}`, "unknown field of a calls reference (fields: filter; or give the filter itself)");
  const filterAt = wrapped ? `${at}.filter` : at;
  const filter = wrapped ? input.filter : input;
  if (!isObject(filter)) throw new DriftOptionsError(filterAt, `expected a calls filter with an until time, got ${describe(filter)}`);
  if (filter.until === undefined) throw new DriftOptionsError(`${filterAt}.until`, 'required: the reference is a fixed window of calls, e.g. {since: "2026-12-01", until: "2026-12-08"} (without it, new calls would join the reference)');
  for (const [key, value] of [["since", filter.since], ["until", filter.until], ["feedback.since", (filter.feedback as Record<string, unknown> | undefined)?.since], ["feedback.until", (filter.feedback as Record<string, unknown> | undefined)?.until]] as const) {
    if (value !== undefined && isRelative(value)) throw new DriftOptionsError(`${filterAt}.${key}`, `${JSON.stringify(value)} is relative to now, so the reference would move; give an ISO date or epoch ms, e.g. "2026-12-01T00:00:00Z"`);
  }
  try {
    validateFilter(filter, Date.now());
  } catch (error) {
    if (error instanceof FilterError) throw new DriftOptionsError(error.path ? `${filterAt}.${error.path}` : filterAt, bare(error));
    throw error;
  }
  // A JSON copy: what is saved and digested is exactly what reloads.
  return { filter: JSON.parse(JSON.stringify(filter)) as CallFilter };
}

/** Whether a time reads differently at two moments (`now`, `-1d`). */
function isRelative(value: unknown): boolean {
  try {
    return parseTime(value, "", 0) !== parseTime(value, "", 1e12);
  } catch {
    return false;
  }
}

/** The reference filter of a drift detector's calls reference, laid over the monitor's filter (only calls that ended without error, unless a status is named). */
export function referenceFilter(reference: { readonly filter: CallFilter }, monitorFilter: CallFilter): CallFilter {
  return { status: "ok", ...monitorFilter, ...reference.filter };
}

/**
 * A value as the text a reader sees, which is what is embedded: a string as it is; chat
 * messages as their contents (the user's when there are any); an object as its values' texts,
 * depth first; nothing as "". At most `MAX_DRIFT_TEXT` characters.
 */
export function driftText(value: unknown): string {
  return readableText(value).slice(0, MAX_DRIFT_TEXT);
}

/** The key a row is put under so that a call's path syntax reads it (`question` → `id.question`). */
const ROOT = "id";

/** The steps of a path into a row of any columns, in the syntax of call paths (`inputs.messages[-1].content`, `question`, `["a b"]`), the row's own key first. */
function rowSteps(path: string) {
  return pathSteps(path.startsWith("[") ? `${ROOT}${path}` : `${ROOT}.${path}`);
}

/** The text at `path` of a monitor input or a dataset row; undefined when the path does not exist there. */
export function driftTextAt(row: Readonly<Record<string, unknown>>, path: string): string | undefined {
  // A call's path walk, on a call whose `id` is the row.
  const value = valueAt({ [ROOT]: row } as unknown as Call, {}, rowSteps(path));
  return value === undefined ? undefined : driftText(value);
}

/** The result stored for one call: drifted when farther than the threshold beyond float rounding. */
export function driftResult(distance: number, threshold: number, nearest?: string): DriftResult {
  return { distance, threshold, drifted: distance > threshold + ROUNDING, ...(nearest !== undefined ? { nearest } : {}) };
}

/** Whether a saved op source is a drift detector's. */
export function isDriftSource(source: string): boolean {
  return /^weft:analysis\/drift@\d+$/.test(source);
}

/** What the op's version digests: the library identifier and the checked options, so another reference (or q, model, …) is another version. */
export function driftOpOptions(options: DriftOptions): OpOptions<[Record<string, unknown>, unknown?]> & { readonly source: string; readonly captures: Json } {
  return { source: DRIFT_SOURCE, captures: { detector: "drift", options: options as unknown as Json } };
}

/** The `op` factory a host has (the notebook's, or one made in the collector). */
export type MakeOp = <A extends unknown[], R>(name: string, fn: (...args: A) => R | Promise<R>, options?: OpOptions<A>) => Op<A, Awaited<R>>;

/**
 * The notebook's `driftDetector(options)`: an op for `calls(filter).monitor(name, …)` that runs
 * in the collector. Its version digests its options. Called in a notebook it explains where it runs.
 */
export function driftDetector(makeOp: MakeOp, options: unknown): Op<[Record<string, unknown>, unknown?], DriftResult> {
  const checked = checkDriftOptions(options);
  return makeOp(
    DRIFT_OP,
    (_input: Record<string, unknown>): DriftResult => {
      throw new Error('driftDetector runs in the collector, on calls as they arrive: calls(filter).monitor("drift", driftDetector({…})), then enable() it; its results are the monitor\'s feedback');
    },
    driftOpOptions(checked),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value;
}

/** An error's message without the field prefix its own class adds (`until: …` → `…`). */
function bare(error: Error & { path?: unknown; field?: unknown }): string {
  const at = typeof error.path === "string" ? error.path : typeof error.field === "string" ? error.field : "";
  return at && error.message.startsWith(`${at}: `) ? error.message.slice(at.length + 2) : error.message;
}
