// How patches become stored calls, in plain JS so the rules are exact and testable apart
// from any database: a stored call is the fold of its patches in arrival order (see the
// `CallPatch` doc comment), and its typed columns are derived from it here.

import type { CallError, Json, ModelUsage } from "../base/index.ts";
import { costOf, type PriceTable } from "../base/index.ts";
import type { CallPatch, CallStatus } from "./trace-store.ts";

/** A stored call: what patches merged into. Fields no patch gave are null (or empty objects). */
export interface TraceRow {
  readonly id: string;
  readonly traceId: string | null;
  readonly parentId: string | null;
  readonly op: string | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly inputs: Json;
  readonly output: Json | null;
  readonly error: CallError | null;
  readonly attributes: { readonly [key: string]: Json };
  readonly usage: { readonly [model: string]: ModelUsage };
  readonly cost: number | null;
}

/** The typed columns computed from a row. */
export interface DerivedColumns {
  readonly opName: string | null;
  readonly model: string | null;
  readonly status: CallStatus;
  readonly latencyMs: number | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  /** Lower-case text of every string, number and boolean in the inputs and the output, for `text` filters. */
  readonly search: string;
}

/** A call no patch has touched yet. */
export function emptyRow(id: string): TraceRow {
  return { id, traceId: null, parentId: null, op: null, startedAt: null, endedAt: null, inputs: {}, output: null, error: null, attributes: {}, usage: {}, cost: null };
}

type Obj = { readonly [key: string]: Json };
const isObj = (v: Json | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Merges one patch into a row: present scalars replace, `inputs` and `attributes` merge by
 * top-level key when both are objects, `usage` merges by model, and `cost` is the patch's
 * when given, else recomputed from the merged usage when the patch brings usage, else kept.
 * Times are kept at whole milliseconds.
 */
export function applyPatch(row: TraceRow, patch: CallPatch, prices: PriceTable | undefined): TraceRow {
  const usage = patch.usage === undefined ? row.usage : { ...row.usage, ...patch.usage };
  return {
    id: row.id,
    traceId: patch.traceId ?? row.traceId,
    parentId: patch.parentId === undefined ? row.parentId : patch.parentId,
    op: patch.op ?? row.op,
    startedAt: patch.startedAt === undefined ? row.startedAt : Math.round(patch.startedAt),
    endedAt: patch.endedAt === undefined ? row.endedAt : patch.endedAt === null ? null : Math.round(patch.endedAt),
    inputs: patch.inputs === undefined ? row.inputs : isObj(row.inputs) && isObj(patch.inputs) ? { ...row.inputs, ...patch.inputs } : patch.inputs,
    output: patch.output === undefined ? row.output : patch.output,
    error: patch.error === undefined ? row.error : patch.error,
    attributes: patch.attributes === undefined ? row.attributes : { ...row.attributes, ...patch.attributes },
    usage,
    cost: patch.cost !== undefined ? patch.cost : patch.usage !== undefined ? costOfUsage(usage, prices) : row.cost,
  };
}

/** Dollars of a usage map: each model's own `cost`, else its price; null when no model's cost is known. */
export function costOfUsage(usage: { readonly [model: string]: ModelUsage }, prices: PriceTable | undefined): number | null {
  let total: number | null = null;
  for (const [model, u] of Object.entries(usage)) {
    const c = u.cost ?? (prices ? costOf(model, u.inputTokens, u.outputTokens, prices) : null);
    if (c !== null) total = (total ?? 0) + c;
  }
  return total;
}

/** The op name of `name:version` (the part before the last colon), or the op itself without one. */
export function opName(op: string): string {
  const i = op.lastIndexOf(":");
  return i > 0 ? op.slice(0, i) : op;
}

/** The typed columns of a row. */
export function derive(row: TraceRow): DerivedColumns {
  const models = Object.keys(row.usage);
  let inputTokens: number | null = null;
  let outputTokens: number | null = null;
  for (const u of Object.values(row.usage)) {
    inputTokens = (inputTokens ?? 0) + (u.inputTokens ?? 0);
    outputTokens = (outputTokens ?? 0) + (u.outputTokens ?? 0);
  }
  const parts: string[] = [];
  collectText(row.inputs, parts);
  collectText(row.output, parts);
  return {
    opName: row.op === null ? null : opName(row.op),
    model: models[0] ?? null,
    status: row.error !== null ? "error" : row.endedAt !== null ? "ok" : "running",
    latencyMs: row.startedAt !== null && row.endedAt !== null ? row.endedAt - row.startedAt : null,
    inputTokens,
    outputTokens,
    search: parts.join("\n").toLowerCase(),
  };
}

function collectText(value: Json | undefined, out: string[]): void {
  if (value === null || value === undefined) return;
  if (typeof value === "string") out.push(value);
  else if (typeof value === "number" || typeof value === "boolean") out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) collectText(v, out);
  else for (const v of Object.values(value)) collectText(v, out);
}

/** Checks a batch before anything is written: an array of patches with an id and fields of the right types; throws naming the first bad patch. */
export function validatePatches(patches: unknown): CallPatch[] {
  if (!Array.isArray(patches)) throw new TypeError(`expected an array of call patches, got ${patches === null ? "null" : typeof patches}`);
  patches.forEach((p, i) => {
    const bad = patchProblem(p);
    if (bad) throw new TypeError(`call patch ${i}${isRecord(p) && typeof p.id === "string" ? ` (id ${JSON.stringify(p.id.slice(0, 80))})` : ""}: ${bad}`);
  });
  return patches as CallPatch[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isTime = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;

function patchProblem(p: unknown): string | null {
  if (!isRecord(p)) return "expected an object";
  if (typeof p.id !== "string" || p.id === "") return "id: expected a non-empty string";
  if (p.traceId !== undefined && typeof p.traceId !== "string") return "traceId: expected a string";
  if (p.parentId !== undefined && p.parentId !== null && typeof p.parentId !== "string") return "parentId: expected a string or null";
  if (p.op !== undefined && typeof p.op !== "string") return "op: expected a string";
  if (p.startedAt !== undefined && !isTime(p.startedAt)) return "startedAt: expected epoch ms";
  if (p.endedAt !== undefined && p.endedAt !== null && !isTime(p.endedAt)) return "endedAt: expected epoch ms or null";
  if (p.error !== undefined && p.error !== null && !(isRecord(p.error) && typeof p.error.message === "string")) return "error: expected {message} or null";
  if (p.attributes !== undefined && !isRecord(p.attributes)) return "attributes: expected an object";
  if (p.cost !== undefined && p.cost !== null && !(typeof p.cost === "number" && Number.isFinite(p.cost))) return "cost: expected a number or null";
  if (p.usage !== undefined) {
    if (!isRecord(p.usage)) return "usage: expected an object of model usage";
    for (const [model, u] of Object.entries(p.usage)) {
      if (!isRecord(u) || !["requests", "inputTokens", "outputTokens"].every((k) => typeof u[k] === "number" && Number.isFinite(u[k]))) return `usage.${model}: expected {requests, inputTokens, outputTokens}`;
      if (u.cost !== undefined && !(typeof u.cost === "number" && Number.isFinite(u.cost))) return `usage.${model}.cost: expected a number`;
    }
  }
  return null;
}
