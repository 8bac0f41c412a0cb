// Weft's own ingest body, `POST /api/calls/batch`: `{calls: [...]}` where each item is a Call
// (src/base/call.ts) or part of one — a start, a later end — merged by id in the store. Every
// field is type-checked with its path named ("calls[3].startedAt: expected epoch
// milliseconds, got a string"); unknown fields (`key`, `feedback`, anything newer) are
// ignored. A missing field leaves the stored value alone; `null` sets it where null is a value
// (`parentId`, `endedAt`, `output`, `error`, `cost`).
import type { CallError, Json, ModelUsage } from "../base/index.ts";
import type { CallPatch } from "../store/index.ts";
import { IngestError } from "./ingest-error.ts";
import { arrayAt, jsonAt, kindOf, objectAt, type JsonObject } from "./json-walk.ts";
import { setOwn } from "./otlp-values.ts";

/** The longest id (call, trace or parent) accepted. */
export const MAX_ID_LENGTH = 128;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The patches of a Weft batch body (parsed JSON), in order; an IngestError names the first field at fault. */
export function weftBatchToPatches(body: unknown): CallPatch[] {
  const root = objectAt(body, "");
  if (!Array.isArray(root.calls)) throw new IngestError("calls", `expected an array, got ${kindOf(root.calls)}`);
  return arrayAt(root.calls, "calls").map((item, i) => patchAt(item, `calls[${i}]`));
}

function patchAt(value: unknown, path: string): CallPatch {
  const c = objectAt(value, path);
  const patch: Mutable<CallPatch> = { id: idAt(c.id, `${path}.id`) };
  if (c.traceId !== undefined) patch.traceId = idAt(c.traceId, `${path}.traceId`);
  if (c.parentId !== undefined) patch.parentId = c.parentId === null ? null : idAt(c.parentId, `${path}.parentId`);
  if (c.op !== undefined) {
    if (typeof c.op !== "string" || !c.op) throw new IngestError(`${path}.op`, `expected a non-empty string, got ${kindOf(c.op)}`);
    patch.op = c.op;
  }
  if (c.startedAt !== undefined) patch.startedAt = timeAt(c.startedAt, `${path}.startedAt`);
  if (c.endedAt !== undefined) patch.endedAt = c.endedAt === null ? null : timeAt(c.endedAt, `${path}.endedAt`);
  if (c.inputs !== undefined) patch.inputs = jsonAt(c.inputs, `${path}.inputs`);
  if (c.output !== undefined) patch.output = jsonAt(c.output, `${path}.output`);
  if (c.error !== undefined) patch.error = c.error === null ? null : errorAt(c.error, `${path}.error`);
  if (c.attributes !== undefined) {
    const attributes = objectAt(c.attributes, `${path}.attributes`);
    patch.attributes = jsonAt(attributes, `${path}.attributes`) as { [key: string]: Json };
  }
  if (c.usage !== undefined) patch.usage = usageAt(c.usage, `${path}.usage`);
  if (c.cost !== undefined) patch.cost = c.cost === null ? null : amountAt(c.cost, `${path}.cost`);
  return patch;
}

function idAt(value: unknown, path: string): string {
  if (typeof value !== "string") throw new IngestError(path, `expected a string id, got ${kindOf(value)}`);
  if (!value || value.length > MAX_ID_LENGTH) throw new IngestError(path, `expected an id of 1 to ${MAX_ID_LENGTH} characters, got ${value.length}`);
  return jsonAt(value, path) as string;
}

function timeAt(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new IngestError(path, `expected epoch milliseconds (a non-negative number), got ${kindOf(value)}`);
  return value;
}

function amountAt(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new IngestError(path, `expected a non-negative number, got ${kindOf(value)}`);
  return value;
}

function errorAt(value: unknown, path: string): CallError {
  const e = objectAt(value, path);
  if (typeof e.message !== "string") throw new IngestError(`${path}.message`, `expected a string, got ${kindOf(e.message)}`);
  const error: Mutable<CallError> = { message: jsonAt(e.message, `${path}.message`) as string };
  if (e.stack != null) {
    if (typeof e.stack !== "string") throw new IngestError(`${path}.stack`, `expected a string, got ${kindOf(e.stack)}`);
    error.stack = jsonAt(e.stack, `${path}.stack`) as string;
  }
  if (e.status != null) {
    if (typeof e.status !== "number" || !Number.isInteger(e.status)) throw new IngestError(`${path}.status`, `expected an integer, got ${kindOf(e.status)}`);
    error.status = e.status;
  }
  return error;
}

function usageAt(value: unknown, path: string): { [model: string]: ModelUsage } {
  const given = objectAt(value, path);
  const usage: { [model: string]: ModelUsage } = {};
  for (const model of Object.keys(given)) {
    const p = `${path}.${model}`;
    const u: JsonObject = objectAt(given[model], p);
    const cost = u.cost == null ? undefined : amountAt(u.cost, `${p}.cost`);
    const entry = { requests: countAt(u.requests, `${p}.requests`), inputTokens: countAt(u.inputTokens, `${p}.inputTokens`), outputTokens: countAt(u.outputTokens, `${p}.outputTokens`) };
    setOwn(usage, model, cost === undefined ? entry : { ...entry, cost });
  }
  return usage;
}

function countAt(value: unknown, path: string): number {
  if (value === undefined) return 0;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw new IngestError(path, `expected a non-negative integer, got ${kindOf(value)}`);
  return value;
}
