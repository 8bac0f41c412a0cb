import type { Call, CallError, Json, ModelUsage } from "../base/index.ts";

// The chunk codec of the call cache: how the calls of one op version are written as one record.
// A chunk is written in columns (version 3, see `ChunkV3`): fields shared by its calls are
// written once, each distinct `inputs` and `attributes` value once (trials of one row share
// their inputs; most calls of an eval have equal attributes), and fields that almost always hold
// their default (traceId, parentId, error, usage, cost, feedback) only where a call differs.
// That makes the chunk well under half the JSON to parse on load, which dominates lookups.
// Chunks written before are still read: version 2 (one `attributes` value per call, traceId
// defaulting to the call's id) and `{calls: Call[]}` (version 1).

/** The usage of every decoded call that has none, shared and frozen: writers replace a call's usage, never change it. */
const NO_USAGE: { [model: string]: ModelUsage } = Object.freeze({});

/** Values by position in the chunk, for the positions that differ from a column's default. */
type Sparse<T> = { [position: string]: T };

/** A chunk in columns: position i of every column belongs to the i-th call. */
export interface ChunkV3 {
  v: 3;
  /** The op of the calls (`ops` holds the positions whose op differs). */
  op: string;
  key: string[];
  id: string[];
  /** Index into `inputs` of each call's inputs. */
  input: number[];
  /** Each distinct inputs value once. */
  inputs: Json[];
  output: (Json | null)[];
  start: number[];
  /** endedAt − startedAt, null when endedAt is null (`end` holds endedAt where start + dur is off by rounding). */
  dur: (number | null)[];
  /** Index into `attributes` of each call's attributes. */
  attr: number[];
  /** Each distinct attributes value once. */
  attributes: Json[];
  ops?: Sparse<string>;
  end?: Sparse<number>;
  /** Default: the call's parent id, else its own id (a scorer's call is in the trace of the root call it scored). */
  traceId?: Sparse<string>;
  /** Default: null. */
  parentId?: Sparse<string>;
  /** Default: null. */
  error?: Sparse<Json>;
  /** Default: {}. */
  usage?: Sparse<Json>;
  /** Default: null. */
  cost?: Sparse<number>;
  /** Default: absent. */
  feedback?: Sparse<Json[]>;
}

/** The columnar chunk as written before version 3: one attributes value per call, traceId defaulting to the call's id. */
interface ChunkV2 extends Omit<ChunkV3, "v" | "attr"> {
  v: 2;
}

/** A chunk as written before the columnar form. */
interface ChunkV1 {
  calls: Call[];
}

/** Each distinct value once, by canonical text, and each position's index into them. */
class Interned {
  readonly values: Json[] = [];
  private readonly index = new Map<string, number>();

  /** The index of `value`, added when new. */
  at(value: Json): number {
    const text = canonicalText(value);
    let at = this.index.get(text);
    if (at === undefined) {
      at = this.values.length;
      this.values.push(value);
      this.index.set(text, at);
    }
    return at;
  }
}

/** Encodes calls (of one op version) as a columnar chunk. */
export function encodeChunk(calls: readonly Call[]): ChunkV3 {
  const n = calls.length;
  const op = n ? calls[0]!.op : "";
  const inputs = new Interned();
  const attributes = new Interned();
  const chunk: ChunkV3 = { v: 3, op, key: new Array(n), id: new Array(n), input: new Array(n), inputs: inputs.values, output: new Array(n), start: new Array(n), dur: new Array(n), attr: new Array(n), attributes: attributes.values };
  let ops: Sparse<string> | undefined, end: Sparse<number> | undefined, traceId: Sparse<string> | undefined, parentId: Sparse<string> | undefined;
  let error: Sparse<Json> | undefined, usage: Sparse<Json> | undefined, cost: Sparse<number> | undefined, feedback: Sparse<Json[]> | undefined;
  for (let i = 0; i < n; i++) {
    const c = calls[i]!;
    chunk.key[i] = c.key!;
    chunk.id[i] = c.id;
    chunk.input[i] = inputs.at(c.inputs);
    chunk.output[i] = c.output;
    chunk.start[i] = c.startedAt;
    if (c.endedAt === null) chunk.dur[i] = null;
    else {
      const dur = c.endedAt - c.startedAt;
      chunk.dur[i] = dur;
      if (c.startedAt + dur !== c.endedAt) (end ??= {})[i] = c.endedAt;
    }
    chunk.attr[i] = attributes.at(c.attributes as Json);
    if (c.op !== op) (ops ??= {})[i] = c.op;
    if (c.traceId !== (c.parentId ?? c.id)) (traceId ??= {})[i] = c.traceId;
    if (c.parentId !== null) (parentId ??= {})[i] = c.parentId;
    if (c.error !== null) (error ??= {})[i] = c.error as unknown as Json;
    if (!isEmpty(c.usage)) (usage ??= {})[i] = c.usage as unknown as Json;
    if (c.cost !== null) (cost ??= {})[i] = c.cost;
    if (c.feedback !== undefined) (feedback ??= {})[i] = c.feedback as Json[];
  }
  if (ops) chunk.ops = ops;
  if (end) chunk.end = end;
  if (traceId) chunk.traceId = traceId;
  if (parentId) chunk.parentId = parentId;
  if (error) chunk.error = error;
  if (usage) chunk.usage = usage;
  if (cost) chunk.cost = cost;
  if (feedback) chunk.feedback = feedback;
  return chunk;
}

/** Rebuilds the calls of a stored chunk (columnar or the older `{calls}` form), giving each one with a cache key to `each` in stored order. */
export function decodeChunk(chunk: Json, each: (call: Call & { key: string }) => void): void {
  const c = chunk as unknown as ChunkV3 | ChunkV2 | ChunkV1;
  if (!("v" in c)) {
    for (const call of c.calls) if (call.key) each(call as Call & { key: string });
    return;
  }
  if (c.v !== 2 && c.v !== 3) throw new Error(`call cache: chunk version ${String((c as { v: unknown }).v)} is newer than this weft reads`);
  const { op, key, id, input, inputs, output, start, dur, attributes, ops, end, traceId, parentId, error, usage, cost, feedback } = c;
  const attr = c.v === 3 ? c.attr : null;
  for (let i = 0; i < key.length; i++) {
    const callId = id[i]!;
    const d = dur[i]!;
    const parent = parentId?.[i] ?? null;
    const call: { -readonly [K in keyof Call]: Call[K] } = {
      id: callId,
      traceId: traceId?.[i] ?? (attr && parent !== null ? parent : callId),
      parentId: parent,
      op: ops?.[i] ?? op,
      inputs: inputs[input[i]!]!,
      startedAt: start[i]!,
      key: key[i]!,
      output: output[i]!,
      error: (error?.[i] as unknown as CallError | undefined) ?? null,
      endedAt: d === null ? null : end?.[i] ?? start[i]! + d,
      attributes: (attr ? attributes[attr[i]!] : attributes[i]) as Call["attributes"],
      usage: (usage?.[i] as unknown as { [model: string]: ModelUsage } | undefined) ?? NO_USAGE,
      cost: cost?.[i] ?? null,
    };
    const f = feedback?.[i];
    if (f !== undefined) call.feedback = f;
    each(call as Call & { key: string });
  }
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** JSON text with object keys sorted, so equal inputs give equal text whatever their key order. */
function canonicalText(value: Json): string {
  // Inputs come from toCanonical, whose keys are already sorted: then JSON.stringify is the text.
  return keysSorted(value) ? JSON.stringify(value) : sortedText(value);
}

function keysSorted(value: Json): boolean {
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!keysSorted(value[i]!)) return false;
    return true;
  }
  let prev: string | undefined;
  for (const k in value) {
    if (prev !== undefined && prev >= k) return false;
    prev = k;
    if (!keysSorted(value[k]!)) return false;
  }
  return true;
}

function sortedText(value: Json): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) {
    let s = "[";
    for (let i = 0; i < value.length; i++) s += (i ? "," : "") + sortedText(value[i]!);
    return s + "]";
  }
  const keys = Object.keys(value).sort();
  let s = "{";
  for (let i = 0; i < keys.length; i++) {
    const v = value[keys[i]!];
    if (v === undefined) continue;
    s += (s.length > 1 ? "," : "") + JSON.stringify(keys[i]) + ":" + sortedText(v);
  }
  return s + "}";
}
