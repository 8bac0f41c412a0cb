// W&B Weave's trace-server protocol → call patches. Routes (as the SDKs post them):
//   /call/upsert_batch  {batch: [{mode: "start" | "end", req: {start: {…}} | {end: {…}}}]}
//   /call/start         {start: {…}}
//   /call/end           {end: {…}}
// A start (StartedCallSchemaForInsert) gives id, trace_id, parent_id, the op (from op_name:
// `weave:///entity/project/op/NAME:DIGEST` → `NAME:DIGEST`; any other op_name as it is),
// started_at (ISO; microseconds kept, no zone taken as UTC), inputs and attributes, with
// `project_id`, `display_name` (and `wb_run_id`, `thread_id`, `turn_id` when set) kept as
// attributes. An end (EndedCallSchemaForInsert) gives ended_at, output, exception (a string:
// the error message) and summary: `summary.usage[model]` = {requests, prompt_tokens |
// input_tokens, completion_tokens | output_tokens} becomes usage with costs from the price
// table; other summary keys go to `attributes.summary`. As in Weft's own calls (and Weave's),
// a parent's summary includes its children's usage. Starts and ends may come in any order,
// in one batch or several: a start never sets end fields, nor an end start fields.
// Weave's SDK exits its host app after repeated 4xx, so nothing a real SDK sends may be
// refused: unknown fields are ignored, optional ones may be missing or null. A wrong type is
// an IngestError naming its path.
import type { CallError, Json, ModelUsage } from "../base/index.ts";
import { DEFAULT_PRICES, type PriceTable } from "../llm/index.ts";
import type { CallPatch } from "../store/index.ts";
import { IngestError } from "./ingest-error.ts";
import { arrayAt, jsonAt, kindOf, nullableStringAt, numberAt, objectAt, optionalObjectAt, stringAt, type JsonObject } from "./json-walk.ts";
import { setOwn } from "./otlp-values.ts";
import { costOfUsage, modelUsage, statusInMessage } from "./usage.ts";

/** The call routes of Weave's trace server. */
export type WeaveRoute = "/call/upsert_batch" | "/call/start" | "/call/end";

/** Options of Weave mapping: prices for costs, and ids for a `/call/start` that names none (the server assigns them). */
export interface WeaveMapOptions {
  readonly prices?: PriceTable;
  readonly newId?: () => string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The patches of one Weave call request (parsed JSON), in request order; an IngestError names the part at fault. */
export function weaveToPatches(route: string, body: unknown, options: WeaveMapOptions = {}): CallPatch[] {
  const prices = options.prices ?? DEFAULT_PRICES;
  const newId = options.newId ?? (() => globalThis.crypto.randomUUID());
  const root = objectAt(body, "");
  switch (route) {
    case "/call/upsert_batch":
      return arrayAt(root.batch, "batch").map((item, i) => {
        const path = `batch[${i}]`;
        const entry = objectAt(item, path);
        const req = objectAt(entry.req, `${path}.req`);
        const mode = entry.mode == null ? (req.end != null ? "end" : "start") : entry.mode;
        if (mode === "start") return startPatch(req.start, `${path}.req.start`, null);
        if (mode === "end") return endPatch(req.end, `${path}.req.end`, prices);
        throw new IngestError(`${path}.mode`, `expected "start" or "end", got ${typeof mode === "string" ? JSON.stringify(mode.slice(0, 40)) : kindOf(mode)}`);
      });
    case "/call/start":
      return [startPatch(root.start, "start", newId)];
    case "/call/end":
      return [endPatch(root.end, "end", prices)];
    default:
      throw new IngestError("", `unknown weave call route ${route}`);
  }
}

const OP_REF = /^weave:\/\/\/[^/]+\/[^/]+\/op\/(.+)$/;

function startPatch(value: unknown, path: string, newId: (() => string) | null): CallPatch {
  const s = objectAt(value, path);
  const id = idAt(s.id, `${path}.id`, newId);
  const opName = stringAt(s.op_name, `${path}.op_name`);
  if (!opName) throw new IngestError(`${path}.op_name`, "expected the op's name or ref");
  const attributes: { [key: string]: Json } = {};
  const given = optionalObjectAt(s.attributes, `${path}.attributes`);
  if (given) for (const key of Object.keys(given)) setOwn(attributes, key, jsonAt(given[key], `${path}.attributes.${key}`));
  for (const key of ["project_id", "display_name", "wb_run_id", "thread_id", "turn_id"]) {
    const v = nullableStringAt(s[key], `${path}.${key}`);
    if (v !== null) setOwn(attributes, key, v);
  }
  const parent = nullableStringAt(s.parent_id, `${path}.parent_id`);
  return {
    id,
    traceId: s.trace_id == null ? id : idAt(s.trace_id, `${path}.trace_id`, null),
    parentId: parent === null || parent === "" ? null : idAt(parent, `${path}.parent_id`, null),
    op: OP_REF.exec(opName)?.[1] ?? opName,
    startedAt: isoAt(s.started_at, `${path}.started_at`),
    inputs: s.inputs == null ? {} : jsonAt(objectAt(s.inputs, `${path}.inputs`), `${path}.inputs`),
    attributes,
  };
}

function endPatch(value: unknown, path: string, prices: PriceTable): CallPatch {
  const e = objectAt(value, path);
  const exception = nullableStringAt(e.exception, `${path}.exception`);
  const summary = optionalObjectAt(e.summary, `${path}.summary`) ?? {};
  const patch: Mutable<CallPatch> = {
    id: idAt(e.id, `${path}.id`, null),
    endedAt: isoAt(e.ended_at, `${path}.ended_at`),
    output: e.output === undefined ? null : jsonAt(e.output, `${path}.output`),
    error: exception === null ? null : errorOf(exception),
  };
  const usage = usageAt(summary.usage, `${path}.summary.usage`, prices);
  if (usage) {
    patch.usage = usage;
    patch.cost = costOfUsage(usage);
  }
  const attributes: { [key: string]: Json } = {};
  const rest: { [key: string]: Json } = {};
  for (const key of Object.keys(summary)) if (key !== "usage") setOwn(rest, key, jsonAt(summary[key], `${path}.summary.${key}`));
  if (Object.keys(rest).length) attributes.summary = rest;
  const display = nullableStringAt(e.display_name, `${path}.display_name`);
  if (display !== null) attributes.display_name = display;
  if (Object.keys(attributes).length) patch.attributes = attributes;
  return patch;
}

function errorOf(message: string): CallError {
  const status = statusInMessage(message);
  return status === null ? { message } : { message, status };
}

function usageAt(value: unknown, path: string, prices: PriceTable): { [model: string]: ModelUsage } | null {
  const given = optionalObjectAt(value, path);
  if (!given) return null;
  const usage: { [model: string]: ModelUsage } = {};
  for (const model of Object.keys(given)) {
    const p = `${path}.${model}`;
    const u: JsonObject = objectAt(given[model], p);
    const inputTokens = numberAt(u.input_tokens, `${p}.input_tokens`) ?? numberAt(u.prompt_tokens, `${p}.prompt_tokens`);
    const outputTokens = numberAt(u.output_tokens, `${p}.output_tokens`) ?? numberAt(u.completion_tokens, `${p}.completion_tokens`);
    const requests = numberAt(u.requests, `${p}.requests`) ?? 1;
    setOwn(usage, model, modelUsage(model, requests, inputTokens ?? 0, outputTokens ?? 0, prices, inputTokens !== null || outputTokens !== null));
  }
  return Object.keys(usage).length ? usage : null;
}

function idAt(value: unknown, path: string, newId: (() => string) | null): string {
  if (value == null && newId) return newId();
  const id = stringAt(value, path);
  if (!id || id.length > 128) throw new IngestError(path, `expected an id of 1 to 128 characters, got ${id.length}`);
  return id;
}

const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Epoch ms of an ISO date-time, keeping digits past milliseconds as a fraction; no zone is UTC. */
function isoAt(value: unknown, path: string): number {
  const text = stringAt(value, path);
  const m = ISO.exec(text.trim());
  const ms = m ? Date.parse(`${m[1]}${m[2] ? `.${m[2].slice(0, 3).padEnd(3, "0")}` : ""}${normalizeZone(m[3])}`) : NaN;
  if (!m || Number.isNaN(ms)) throw new IngestError(path, `expected an ISO date-time, got ${JSON.stringify(text.slice(0, 40))}`);
  const extra = m[2] && m[2].length > 3 ? Number(`0.${m[2].slice(3)}`) : 0;
  return ms + extra;
}

function normalizeZone(zone: string | undefined): string {
  if (!zone || zone.toUpperCase() === "Z") return "Z";
  const m = /^([+-]\d{2}):?(\d{2})?$/.exec(zone);
  return m ? `${m[1]}:${m[2] ?? "00"}` : zone;
}
